//! The CPU stage's own threads: a fixed pool, sized to the cores, that
//! every in-flight message shares.
//!
//! Fetching is waiting and wants many pages in flight; cleaning and
//! extraction are CPU work and gain nothing from more threads than cores.
//! With a blocking thread per in-flight page (`spawn_blocking`), a worker at
//! concurrency 64 ran 64 pipelines at once and its memory grew with the
//! concurrency (1.2–1.6 GiB on 126 KB pages). Here at most `threads` pages
//! are worked on at once and the rest wait, already fetched, in a queue
//! whose length the concurrency bounds.
//!
//! The threads are plain OS threads, not the runtime's blocking pool: the
//! runtime waits for its blocking tasks when it shuts down, which kept a
//! worker alive long past its grace period with a heavy page in flight.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a job gave no answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CpuError {
    /// The job panicked; the panic's message. A bug that would recur.
    #[error("panicked: {0}")]
    Panicked(String),
    /// The pool is gone (the worker is stopping).
    #[error("the CPU pool has stopped")]
    Stopped,
}

/// A fixed set of threads running jobs in arrival order.
#[derive(Debug, Clone)]
pub struct CpuPool {
    jobs: mpsc::Sender<Job>,
    threads: usize,
}

impl CpuPool {
    /// Starts `threads` threads (at least one), taking jobs from a queue
    /// of `queue` places; submitters wait when it is full.
    pub fn new(threads: usize, queue: usize) -> Self {
        let threads = threads.max(1);
        let (tx, rx) = mpsc::channel::<Job>(queue.max(1));
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("fraudstat-cpu-{i}"))
                .spawn(move || {
                    loop {
                        // Idle threads queue on the lock; the one holding
                        // it waits for the next job.
                        let job = match rx.lock() {
                            Ok(mut rx) => rx.blocking_recv(),
                            Err(_) => None,
                        };
                        match job {
                            Some(job) => job(),
                            None => break,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a CPU thread");
            }
        }
        Self { jobs: tx, threads }
    }

    /// Threads in the pool.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on the pool and waits for its answer. A panic in `f` is
    /// caught and returned; the thread goes on with the next job.
    pub async fn run<T, F>(&self, f: F) -> Result<T, CpuError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let answer = catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into())
            });
            let _ = tx.send(answer);
        });
        self.jobs.send(job).await.map_err(|_| CpuError::Stopped)?;
        match rx.await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(msg)) => Err(CpuError::Panicked(msg)),
            Err(_) => Err(CpuError::Stopped),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_no_more_jobs_at_once_than_threads_and_survives_panics() {
        let pool = CpuPool::new(2, 4);
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for i in 0..20 {
            let pool = pool.clone();
            let (running, peak) = (running.clone(), peak.clone());
            handles.push(tokio::spawn(async move {
                pool.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    running.fetch_sub(1, Ordering::SeqCst);
                    if i == 7 {
                        panic!("job {i} broke");
                    }
                    i
                })
                .await
            }));
        }
        let mut ok = 0;
        for (i, h) in handles.into_iter().enumerate() {
            match h.await.unwrap() {
                Ok(v) => {
                    assert_eq!(v, i);
                    ok += 1;
                }
                Err(CpuError::Panicked(m)) => assert_eq!(m, "job 7 broke"),
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(ok, 19);
        assert!(peak.load(Ordering::SeqCst) <= 2);
        // The pool still works after the panic.
        assert_eq!(pool.run(|| 42).await.unwrap(), 42);
    }
}

//! At most N fetches per host at once, so that a thousand URLs of one site
//! in the queue do not become a thousand simultaneous requests to it.
//!
//! The limit is per worker process: replicas each apply it. Operators who
//! need a global per-host budget divide it by the replica count (or shard
//! the input by host with a consistent-hash exchange).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Hands out per-host permits. Cheap to clone.
#[derive(Debug, Clone)]
pub struct HostLimiter {
    per_host: usize,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

/// Held while a host is being fetched; dropping it frees the slot and
/// forgets the host once nobody else is using or waiting for it.
#[derive(Debug)]
pub struct HostPermit {
    permit: Option<OwnedSemaphorePermit>,
    host: String,
    limiter: HostLimiter,
}

impl HostLimiter {
    /// A limiter allowing `per_host` concurrent fetches per host.
    pub fn new(per_host: usize) -> Self {
        Self {
            per_host: per_host.max(1),
            hosts: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Waits for a free slot for `host`.
    pub async fn acquire(&self, host: &str) -> HostPermit {
        let semaphore = {
            // A panic elsewhere while holding the lock leaves the map intact;
            // keep using it rather than poisoning every later fetch.
            let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
            hosts
                .entry(host.to_string())
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
                .clone()
        };
        // The semaphore is never closed, so acquiring cannot fail; if it
        // somehow did, fetching without the limit beats dropping the URL.
        let permit = semaphore.acquire_owned().await.ok();
        HostPermit {
            permit,
            host: host.to_string(),
            limiter: self.clone(),
        }
    }

    /// Hosts currently tracked (for tests and debugging).
    pub fn tracked_hosts(&self) -> usize {
        self.hosts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        drop(self.permit.take());
        let mut hosts = self
            .limiter
            .hosts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Only the map holds the semaphore and every permit is back: nobody
        // is fetching or waiting, so the entry can go and the map stays
        // bounded by the hosts in flight.
        if let Some(sem) = hosts.get(&self.host)
            && Arc::strong_count(sem) == 1
            && sem.available_permits() == self.limiter.per_host
        {
            hosts.remove(&self.host);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn limits_one_host_and_forgets_it_afterwards() {
        let limiter = HostLimiter::new(1);
        let a = limiter.acquire("a.example").await;
        // Another host is not held up by the first.
        let b = limiter.acquire("b.example").await;
        let waiting = {
            let l = limiter.clone();
            tokio::spawn(async move { l.acquire("a.example").await })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        drop(a);
        let a2 = waiting.await.unwrap();
        drop(a2);
        drop(b);
        assert_eq!(limiter.tracked_hosts(), 0);
    }
}

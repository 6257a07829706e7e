//! The soak run behind `scripts/soak` (ignored in the test command): tens
//! of thousands of mixed URLs through two workers for several minutes,
//! enqueued as it goes, with a random fault every few seconds (SIGKILL and
//! restart of a replica, SIGTERM and restart, the broker force-closing the
//! workers' connections, the publishing link cut before a confirm). At the
//! end it prints the ledger and each worker's peak memory.
//!
//! `FRAUDSTAT_SOAK_SECS` (default 300) and `FRAUDSTAT_SOAK_URLS` (default
//! 30000) size it.

use std::time::{Duration, Instant};

use crate::helpers::*;
use crate::ledger::{Client, Ledger, vm_hwm_kib};
use crate::proxy::{AmqpProxy, broker_close_connections};

fn env_num(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift), seeded from the clock and
/// printed, so a run can be told apart and its fault sequence recalled.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "long soak run; scripts/soak runs it"]
async fn soak() {
    let secs = env_num("FRAUDSTAT_SOAK_SECS", 300);
    let total = env_num("FRAUDSTAT_SOAK_URLS", 30000) as usize;
    let seed = env_num(
        "FRAUDSTAT_SOAK_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1,
    );
    let mut rng = Rng(seed);
    let proxy = AmqpProxy::start().await;
    let url: &'static str = Box::leak(proxy.url().into_boxed_str());
    let app = TestApp::new(
        "soak",
        &[
            ("FRAUDSTAT_AMQP__URL", url),
            ("FRAUDSTAT_WORKER__CONCURRENCY", "16"),
            ("FRAUDSTAT_WORKER__PER_HOST_CONCURRENCY", "16"),
            ("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "50"),
            ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "3"),
            ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "2"),
        ],
    )
    .await;
    let server = PageServer::start().await;
    let make = |i: usize| -> String {
        match i % 20 {
            0..=13 => server.url(&format!("/ok/{i}")),
            14 => server.url(&format!("/status/404?{i}")),
            15 => server.url(&format!("/flaky/{i}")),
            16 => format!("ftp://example.com/{i}"),
            17 => server.url(&format!("/slow/3000/{i}")),
            18 => format!("http://no-such-host-{i}.invalid/"),
            _ => server.url(&format!("/pages/{}", corpus_page(i))),
        }
    };
    let mut ledger = Ledger::default();
    let mut client = Client::new();
    let mut workers = vec![app.spawn_worker(), app.spawn_worker()];
    let mut peaks: Vec<u64> = Vec::new();
    let mut faults: Vec<String> = Vec::new();
    let started = Instant::now();
    let run_for = Duration::from_secs(secs);
    let mut next_fault = Instant::now() + Duration::from_secs(5 + rng.next(10));
    let mut enqueued = 0;
    while started.elapsed() < run_for || enqueued < total {
        // Enqueue at the pace that spreads `total` over the run.
        let due = ((started.elapsed().as_secs_f64() / run_for.as_secs_f64()) * total as f64)
            .ceil()
            .min(total as f64) as usize;
        if due > enqueued {
            let batch: Vec<(String, String)> = (enqueued..due)
                .map(|i| (format!("soak-{i}"), make(i)))
                .collect();
            ledger.enqueue_more(&app, &batch).await;
            enqueued = due;
        }
        if Instant::now() >= next_fault && started.elapsed() < run_for {
            let which = rng.next(workers.len() as u64) as usize;
            let fault = match rng.next(4) {
                0 => {
                    peaks.push(vm_hwm_kib(workers[which].pid()).unwrap_or(0));
                    workers[which].kill9();
                    let _ = workers[which].wait().await;
                    workers[which] = app.spawn_worker();
                    "SIGKILL + restart"
                }
                1 => {
                    peaks.push(vm_hwm_kib(workers[which].pid()).unwrap_or(0));
                    workers[which].sigterm();
                    let status = workers[which].wait().await;
                    assert!(status.success(), "{status:?}");
                    workers[which] = app.spawn_worker();
                    "SIGTERM + restart"
                }
                2 => {
                    broker_close_connections(&proxy, "soak");
                    "broker closes connections"
                }
                _ => {
                    proxy.cut_before_confirms(1, 1);
                    "cut before a confirm"
                }
            };
            faults.push(format!("{:>4}s {fault}", started.elapsed().as_secs()));
            next_fault = Instant::now() + Duration::from_secs(5 + rng.next(15));
        }
        ledger.collect(&mut client, &app).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    ledger
        .settle(&mut client, &app, Duration::from_secs(300))
        .await;
    for w in &workers {
        peaks.push(vm_hwm_kib(w.pid()).unwrap_or(0));
    }
    let t = ledger.finish(&mut client, &app, workers).await;
    eprintln!("SOAK seed {seed}, {secs} s, {} faults:", faults.len());
    for f in &faults {
        eprintln!("SOAK   {f}");
    }
    eprintln!(
        "SOAK peak RSS per worker process (VmHWM): max {} MiB over {} processes",
        peaks.iter().max().unwrap_or(&0) / 1024,
        peaks.len()
    );
    t.assert_nothing_lost(&format!(
        "soak {secs} s, {} faults, two replicas ({total} URLs)",
        faults.len()
    ));
    app.close().await;
}

fn corpus_page(i: usize) -> String {
    let mut names: Vec<String> = std::fs::read_dir(corpus_pages())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names[i % names.len()].clone()
}

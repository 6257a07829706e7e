//! What tracing costs a message when no OTLP endpoint is set (issue 12): the
//! pipeline on the corpus pages inside a message span, with no subscriber
//! (the reference) and with the subscriber the worker installs, spans going
//! to a provider without an exporter, logs to a sink at `info`. Both run in
//! this process, alternating, and the ratio of their medians is printed.
//!
//! `cargo bench --bench trace_overhead` (rounds: `FRAUDSTAT_BENCH_ROUNDS`, default
//! 15). Under `cargo test` it runs one round of each, as a check that it
//! works, and prints nothing to compare.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use fraudstat::configuration::{LogFormat, LogSettings, Settings};
use fraudstat::pipeline::{Document, Pipeline};
use fraudstat::telemetry::otel::{self, Off, Plan};

/// The allocator of the `fraudstat` binary, so the timings are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn pages() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/pages");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Every page as the worker handles it: a message span, the stages' spans
/// inside it, a summary line at the end.
fn round(pipeline: &Pipeline, pages: &[Vec<u8>]) -> (Duration, usize) {
    let start = Instant::now();
    let mut found = 0;
    for body in pages {
        let span = tracing::info_span!(
            "message",
            otel.name = "process fraudstat.urls",
            otel.kind = "consumer",
            "messaging.system" = "rabbitmq",
            result_id = "bench",
            outcome = tracing::field::Empty,
        );
        let _in = span.enter();
        let result = pipeline.process(Document {
            id: "bench".into(),
            url: "https://bench.example/".into(),
            final_url: "https://bench.example/".into(),
            status: 200,
            content_type: Some("text/plain; charset=utf-8".into()),
            body,
            fetched_at: Utc::now(),
            meta: serde_json::Value::Null,
            attempts: 1,
        });
        found += result.statistics.len();
        span.record("outcome", "done");
        tracing::info!(statistics = result.statistics.len(), "message finished");
    }
    (start.elapsed(), found)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let rounds: usize = if benching {
        std::env::var("FRAUDSTAT_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(15)
    } else {
        1
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let settings = Settings::load_with_env(Some(&dir), None, Vec::new()).unwrap();
    let pipeline = Pipeline::load(&settings).unwrap();
    let pages = pages();
    let provider = otel::provider(&Plan::Off(Off::NoEndpoint)).unwrap();
    let log = LogSettings {
        format: LogFormat::Json,
        level: "info".into(),
    };
    let traced = fraudstat::telemetry::dispatch(&log, std::io::sink, &provider);
    let none = tracing::Dispatch::none();

    // One round each to warm caches and the allocator.
    let reference = tracing::dispatcher::with_default(&none, || round(&pipeline, &pages));
    let with = tracing::dispatcher::with_default(&traced, || round(&pipeline, &pages));
    assert_eq!(reference.1, with.1, "tracing changed what was found");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        a.push(tracing::dispatcher::with_default(&none, || round(&pipeline, &pages)).0);
        b.push(tracing::dispatcher::with_default(&traced, || round(&pipeline, &pages)).0);
    }
    if benching {
        let (a, b) = (median(a), median(b));
        println!(
            "{} pages x {rounds} rounds: no subscriber {:.1} ms, worker's subscriber without export {:.1} ms, ratio {:.3}",
            pages.len(),
            a.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3,
            b.as_secs_f64() / a.as_secs_f64()
        );
    }
}

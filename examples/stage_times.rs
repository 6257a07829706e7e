//! Per-stage and whole-pipeline timing on a directory of pages.
//!
//! stage_times DIR                      per-page mean of each stage
//! stage_times --batch DIR [--repeat N] [--json]
//!     times `Pipeline::process` (decode + clean + extract) on every page,
//!     read into memory first; fastest of N passes, wall clock and this
//!     thread's CPU time (Linux). `--json` prints one JSON line on stdout.
//!
//! Pages may be gzipped (`*.gz`).
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use fraudstat::pipeline::{Document, Pipeline};

/// The allocator of the `fraudstat` binary, so the timings are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of this thread in seconds (Linux), so that a busy machine
/// does not distort the figure; `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn read_pages(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut pages = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.to_string_lossy().to_string();
        if !(name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".html.gz")) {
            continue;
        }
        let b = std::fs::read(&p).unwrap();
        let b = if name.ends_with(".gz") {
            let mut o = vec![];
            flate2::read::GzDecoder::new(&b[..])
                .read_to_end(&mut o)
                .unwrap();
            o
        } else {
            b
        };
        pages.push((name, b));
    }
    pages.sort();
    pages
}

fn batch(pipeline: &Pipeline, pages: &[(String, Vec<u8>)], repeat: usize, json: bool) {
    let now = chrono::Utc::now();
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    let mut stats = 0;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let c0 = thread_cpu_seconds();
        stats = 0;
        for (name, body) in pages {
            let doc = Document {
                id: String::new(),
                url: name.clone(),
                final_url: name.clone(),
                status: 200,
                content_type: None,
                body,
                fetched_at: now,
                meta: serde_json::Value::Null,
                attempts: 1,
            };
            stats += std::hint::black_box(pipeline.process(doc)).statistics.len();
        }
        wall = wall.min(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c0, thread_cpu_seconds()) {
            cpu = cpu.min(b - a);
        }
    }
    let n = pages.len() as f64;
    if json {
        println!(
            "{{\"pages\": {}, \"seconds\": {wall}, \"cpu_seconds\": {cpu}, \"statistics\": {stats}}}",
            pages.len()
        );
    }
    eprintln!(
        "{} pages, {stats} statistics: wall {wall:.3} s = {:.1} pages/s; cpu {cpu:.3} s = {:.1} pages/s",
        pages.len(),
        n / wall.max(1e-9),
        n / cpu.max(1e-9)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cleaner = fraudstat::clean::Cleaner::from_file(&root.join("config/clean.toml")).unwrap();
    let ex = fraudstat::extract::Extractor::from_file(&root.join("config/lexicon.toml")).unwrap();
    if args.first().map(String::as_str) == Some("--batch") {
        let dir = args.get(1).expect("--batch DIR");
        let repeat = args
            .iter()
            .position(|a| a == "--repeat")
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(3);
        let json = args.iter().any(|a| a == "--json");
        let pages = read_pages(dir);
        batch(&Pipeline::new(cleaner, ex), &pages, repeat, json);
        return;
    }
    let dir = args.first().expect("DIR");
    let rules =
        fraudstat::clean::html::HtmlRules::from_file(&root.join("config/html.toml")).unwrap();
    let pages = read_pages(dir);
    let (mut td, mut th, mut tc, mut te) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    for (_, b) in &pages {
        let t = Instant::now();
        let page = fraudstat::decode::decode(b, None);
        td += t.elapsed();
        let t = Instant::now();
        let _ = fraudstat::clean::html::extract(&page.text, &rules);
        th += t.elapsed();
        let t = Instant::now();
        let a = cleaner.clean(&page, None);
        tc += t.elapsed();
        let t = Instant::now();
        let _ = ex.extract(&a);
        te += t.elapsed();
    }
    let n = pages.len() as f64;
    println!(
        "pages {} decode {:.2}ms html-only {:.2}ms clean(total) {:.2}ms extract {:.2}ms per page",
        n,
        td.as_secs_f64() * 1e3 / n,
        th.as_secs_f64() * 1e3 / n,
        tc.as_secs_f64() * 1e3 / n,
        te.as_secs_f64() * 1e3 / n
    );
}

//! Throughput of `decode → clean → extract` on one core, no network.
//!
//! Pages: the corpus fixtures (plain text), the seed HTML fixtures, and the
//! public article-extraction benchmark's 181 pages when present (set
//! `FRAUDSTAT_BENCH_PAGES` to its `html/` folder; defaults to
//! `../shared/bench/article-extraction/html`). Run with
//! `taskset -c 0 cargo bench --bench pipeline`.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::Utc;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fraudstat::configuration::Settings;
use fraudstat::pipeline::{Document, Pipeline};

/// The allocator of the `fraudstat` binary, so the timings are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn read_dir_pages(dir: &Path, content_type: Option<&str>) -> Vec<(Option<String>, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            let bytes = std::fs::read(&p).ok()?;
            let bytes = if name.ends_with(".gz") {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut out)
                    .ok()?;
                out
            } else {
                bytes
            };
            Some((content_type.map(str::to_string), bytes))
        })
        .collect()
}

fn run(pipeline: &Pipeline, pages: &[(Option<String>, Vec<u8>)]) -> usize {
    pages
        .iter()
        .map(|(ct, body)| {
            pipeline
                .process(Document {
                    id: String::new(),
                    url: String::new(),
                    final_url: String::new(),
                    status: 200,
                    content_type: ct.clone(),
                    body,
                    fetched_at: Utc::now(),
                    meta: serde_json::Value::Null,
                    attempts: 1,
                })
                .statistics
                .len()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::load_with_env(Some(&root.join("config")), None, Vec::new())
        .expect("config/default.toml loads");
    let pipeline = Pipeline::load(&settings).expect("rule files load");

    let bench_dir = std::env::var_os("FRAUDSTAT_BENCH_PAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/bench/article-extraction/html"));
    let sets = [
        (
            "corpus-text",
            read_dir_pages(
                &root.join("tests/fixtures/corpus/pages"),
                Some("text/plain"),
            ),
        ),
        (
            "seed-html",
            read_dir_pages(&root.join("tests/fixtures/html"), None),
        ),
        (
            "article-extraction-benchmark",
            read_dir_pages(&bench_dir, None),
        ),
    ];
    let mut group = c.benchmark_group("clean+extract");
    group.sample_size(10);
    for (name, pages) in &sets {
        if pages.is_empty() {
            eprintln!("bench: no pages for {name}, skipped");
            continue;
        }
        // Elements = pages, so criterion reports pages per second.
        group.throughput(Throughput::Elements(pages.len() as u64));
        group.bench_function(*name, |b| b.iter(|| run(&pipeline, pages)));
    }
    group.finish();

    // Decoding alone, for the slow path: pages that declare no charset or a
    // wrong one and need detection.
    let mut group = c.benchmark_group("decode");
    group.sample_size(20);
    for name in [
        "000_1839626aca774743.gbk-undeclared.html",
        "004_9b8fc68fba78b7ff.big5-undeclared.html",
        "001_22bd68044b66e6e7.gbk.html",
    ] {
        let Ok(bytes) = std::fs::read(root.join("tests/fixtures/html").join(name)) else {
            continue;
        };
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| fraudstat::decode::decode(&bytes, None).text.len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

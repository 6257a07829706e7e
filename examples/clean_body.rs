//! Runs the HTML main-content extractor on pages, for benchmarks.
//!
//! ```text
//! clean_body [--rules config/html.toml] [--json] [--explain] < page.html > body.txt
//! clean_body --batch IN_DIR OUT_DIR [--rules …] [--json] [--repeat N]
//! ```
//!
//! Batch mode reads every `<id>.html`/`.htm` of `IN_DIR` into memory first,
//! then times decoding + parsing + extraction only (the fastest of `--repeat`
//! passes), writes `<id>.txt` (or `<id>.json`) and `_timing.json`
//! (`{"seconds": …}`, the format `extract_eval.py --batch-cmd` reads) to
//! `OUT_DIR`, and prints pages/second to stderr, by wall clock and by the
//! thread's CPU time (`cpu_seconds` in `_timing.json`; Linux only).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use fraudstat::clean::html::{HtmlExtract, HtmlRules, TitleSource, extract};

/// The allocator of the `fraudstat` binary, so the timings are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    rules: PathBuf,
    json: bool,
    batch: Option<(PathBuf, PathBuf)>,
    repeat: usize,
    explain: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rules: Path::new(env!("CARGO_MANIFEST_DIR")).join("config/html.toml"),
        json: false,
        batch: None,
        repeat: 1,
        explain: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rules" => args.rules = it.next().ok_or("--rules needs a path")?.into(),
            "--json" => args.json = true,
            "--explain" => args.explain = true,
            "--repeat" => {
                args.repeat = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--repeat needs a number")?;
            }
            "--batch" => {
                let i = it.next().ok_or("--batch needs IN and OUT")?;
                let o = it.next().ok_or("--batch needs IN and OUT")?;
                args.batch = Some((i.into(), o.into()));
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn run(bytes: &[u8], rules: &HtmlRules) -> HtmlExtract {
    // Valid UTF-8 needs no charset work (what any decoder checks first);
    // anything else goes through the pipeline's decoder.
    match std::str::from_utf8(bytes) {
        Ok(text) => extract(text, rules),
        Err(_) => extract(&fraudstat::decode::decode(bytes, None).text, rules),
    }
}

/// CPU time of this thread in seconds (Linux), so that a busy machine
/// does not distort the figure; `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn render(x: &HtmlExtract, json: bool) -> String {
    if !json {
        return x.body_text();
    }
    let title = [
        TitleSource::MetaTag,
        TitleSource::JsonLd,
        TitleSource::H1,
        TitleSource::TitleTag,
    ]
    .iter()
    .find_map(|s| x.title_candidates.iter().find(|t| t.source == *s))
    .map(|t| t.text.clone());
    let date = [
        "article:published_time",
        "ld:datePublished",
        "pubdate",
        "publishdate",
    ]
    .iter()
    .find_map(|k| x.meta_value(k))
    .map(str::to_string);
    serde_json::json!({
        "articleBody": x.body_text(),
        "title": title,
        "date": date,
        "titleCandidates": x.title_candidates.iter()
            .map(|t| format!("{:?}: {}", t.source, t.text)).collect::<Vec<_>>(),
        "meta": x.meta,
        "droppedLines": x.dropped_lines,
    })
    .to_string()
}

fn batch(args: &Args, rules: &HtmlRules, input: &Path, output: &Path) -> Result<(), String> {
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    let entries = std::fs::read_dir(input).map_err(|e| format!("{}: {e}", input.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(id) = name
            .strip_suffix(".html")
            .or_else(|| name.strip_suffix(".htm"))
        else {
            continue;
        };
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        pages.push((id.to_string(), bytes));
    }
    pages.sort();
    let mut best = f64::INFINITY;
    let mut best_cpu = f64::INFINITY;
    let mut results = Vec::new();
    for _ in 0..args.repeat.max(1) {
        let start = Instant::now();
        let cpu0 = thread_cpu_seconds();
        results = pages.iter().map(|(_, b)| run(b, rules)).collect();
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu0, thread_cpu_seconds()) {
            best_cpu = best_cpu.min(b - a);
        }
    }
    std::fs::create_dir_all(output).map_err(|e| format!("{}: {e}", output.display()))?;
    let ext = if args.json { "json" } else { "txt" };
    for ((id, _), x) in pages.iter().zip(&results) {
        let path = output.join(format!("{id}.{ext}"));
        std::fs::write(&path, render(x, args.json))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let timing = output.join("_timing.json");
    std::fs::write(
        &timing,
        format!("{{\"seconds\": {best}, \"cpu_seconds\": {best_cpu}}}"),
    )
    .map_err(|e| format!("{}: {e}", timing.display()))?;
    let n = pages.len() as f64;
    eprintln!(
        "{} pages: wall {best:.3} s = {:.1} pages/s; cpu {best_cpu:.3} s = {:.1} pages/s",
        pages.len(),
        n / best.max(1e-9),
        n / best_cpu.max(1e-9)
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    let result = parse_args().and_then(|args| {
        let rules = HtmlRules::from_file(&args.rules).map_err(|e| e.to_string())?;
        if let Some((i, o)) = &args.batch {
            return batch(&args, &rules, i, o);
        }
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("stdin: {e}"))?;
        if args.explain {
            // The content chooser logs its candidates, choice and pruning
            // at debug level.
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .with_env_filter("fraudstat::clean::html::content=debug")
                .init();
        }
        let out = render(&run(&bytes, &rules), args.json);
        std::io::stdout()
            .write_all(out.as_bytes())
            .map_err(|e| format!("stdout: {e}"))
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clean_body: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

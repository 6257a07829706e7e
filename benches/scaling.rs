//! How the cost of one page grows with its size, on hostile shapes.
//!
//! For each shape, `Pipeline::process` is timed at 256 KiB … 8 MiB with the
//! text and element bounds lifted (figures stay bounded, as the pairwise
//! restatement checks need), and the table gives the time per MiB and the
//! slope `time(2n) / time(n)`: about 2 is linear, 4 quadratic. Then the
//! release binary `fraudstat extract` runs once per shape on an 8 MiB file
//! with its production bounds, and its peak RSS is read from `wait4`.
//!
//! Run with `cargo bench --bench scaling` (a few minutes on one core);
//! `FRAUDSTAT_SCALING_SHAPES=wan,a` picks shapes,
//! `FRAUDSTAT_SCALING_MAX_MB=2` stops at a smaller size,
//! `FRAUDSTAT_SCALING_RSS=0` skips the binary runs,
//! `FRAUDSTAT_SCALING_TIME=0` the timings and
//! `FRAUDSTAT_SCALING_DEADLINE=0` the deadline runs (`process_within` a
//! 20 ms budget on each shape: how late after its deadline it stops).

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use fraudstat::budget::{Budget, PipelineLimits};
use fraudstat::configuration::Settings;
use fraudstat::pipeline::{Document, Pipeline};

/// The allocator of the `fraudstat` binary, so the timings are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// A real news page, repeated for the `real` shape.
const REAL_PAGE: &str = "../shared/bench/zh-news-pages/html/163_1.html";

/// Chinese prose with figures, run together into one endless line.
const PROSE: &str = "据悉，今年以来全市公安机关共破获电信网络诈骗案件1234起，\
抓获犯罪嫌疑人567名，同比上升12.5%，为群众挽回经济损失3200余万元；\
其中，冒充客服类诈骗案件占比达三成，刷单返利类诈骗发案数同比下降8.1%。";

/// `unit` repeated to `n` bytes (cut at a character boundary).
fn repeat(unit: &[u8], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + unit.len());
    while out.len() < n {
        out.extend_from_slice(unit);
    }
    let mut cut = n;
    while cut > 0 && std::str::from_utf8(&out[..cut]).is_err() && n - cut < 4 {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

/// Deterministic noise (xorshift), the same on every run.
fn random_bytes(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Makes a page of about `n` bytes.
type Maker = Box<dyn Fn(usize) -> Vec<u8>>;

/// The hostile shapes: name and a maker of `n` bytes.
fn shapes(root: &Path) -> Vec<(&'static str, Maker)> {
    let real = std::fs::read(root.join(REAL_PAGE)).ok();
    let mut v: Vec<(&'static str, Maker)> = vec![
        ("wan", Box::new(|n| repeat("3万的".as_bytes(), n))),
        ("a", Box::new(|n| repeat(b"<a>", n))),
        ("p", Box::new(|n| repeat(b"<p>", n))),
        ("div", Box::new(|n| repeat(b"<div>", n))),
        ("random", Box::new(random_bytes)),
        ("zh-line", Box::new(|n| repeat(PROSE.as_bytes(), n))),
        ("digits", Box::new(|n| repeat(b"1234567890", n))),
        (
            "td",
            Box::new(|n| {
                let mut v = b"<table><tr>".to_vec();
                v.extend(repeat(b"<td>12</td>", n.saturating_sub(11)));
                v
            }),
        ),
        ("date", Box::new(|n| repeat("1月1日".as_bytes(), n))),
        (
            "arrest",
            Box::new(|n| repeat("抓获犯罪嫌疑人25人，".as_bytes(), n)),
        ),
    ];
    if let Some(page) = real {
        v.push(("real", Box::new(move |n| repeat(&page, n))));
    } else {
        eprintln!("scaling: {REAL_PAGE} not found, shape `real` skipped");
    }
    v
}

fn doc(body: &[u8]) -> Document<'_> {
    Document {
        id: String::new(),
        url: String::new(),
        final_url: String::new(),
        status: 200,
        content_type: Some("text/html".into()),
        body,
        fetched_at: Utc::now(),
        meta: serde_json::Value::Null,
        attempts: 1,
    }
}

/// Mean time of `Pipeline::process` on `body`, over enough runs to add
/// up to about a quarter of a second (at least one).
fn time(pipeline: &Pipeline, body: &[u8]) -> Duration {
    let start = Instant::now();
    let mut runs = 0u32;
    while runs == 0 || (start.elapsed() < Duration::from_millis(250) && runs < 64) {
        std::hint::black_box(pipeline.process(doc(body)));
        runs += 1;
    }
    start.elapsed() / runs
}

/// Peak RSS (KiB) of `fraudstat extract file`, from the kernel's account
/// of the child.
fn peak_rss_kib(bin: &Path, root: &Path, file: &Path) -> Option<i64> {
    let child = std::process::Command::new(bin)
        .arg("extract")
        .arg(file)
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let pid = libc::pid_t::try_from(child.id()).ok()?;
    let mut status = 0;
    // SAFETY: `rusage` is plain old data, zeroed is a valid value, and
    // `wait4` writes it for the child just spawned (and reaps it).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    (r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0)
        .then_some(usage.ru_maxrss)
}

fn main() {
    // `cargo bench` passes `--bench`; no other argument is understood.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::load_with_env(Some(&root.join("config")), None, Vec::new())
        .expect("config/default.toml loads");
    let limits = PipelineLimits {
        max_figures: PipelineLimits::default().max_figures,
        ..PipelineLimits::unlimited()
    };
    let pipeline = Pipeline::load(&settings)
        .expect("rule files load")
        .with_limits(limits);
    let only: Option<Vec<String>> = std::env::var("FRAUDSTAT_SCALING_SHAPES")
        .ok()
        .map(|s| s.split(',').map(str::to_string).collect());
    let max_mb: usize = std::env::var("FRAUDSTAT_SCALING_MAX_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let sizes: Vec<usize> = [256 * KIB, 512 * KIB, MIB, 2 * MIB, 4 * MIB, 8 * MIB]
        .into_iter()
        .filter(|&n| n <= max_mb * MIB)
        .collect();
    let shapes: Vec<_> = shapes(root)
        .into_iter()
        .filter(|(name, _)| only.as_ref().is_none_or(|o| o.iter().any(|x| x == name)))
        .collect();

    // The binary runs first, while this process is small: the kernel
    // counts the parent's peak into a spawned child's until its `exec`.
    if !std::env::var("FRAUDSTAT_SCALING_RSS").is_ok_and(|v| v == "0") {
        peak_rss(root, &shapes, max_mb);
    }
    if !std::env::var("FRAUDSTAT_SCALING_TIME").is_ok_and(|v| v == "0") {
        timing(&pipeline, &shapes, &sizes);
    }
    if !std::env::var("FRAUDSTAT_SCALING_DEADLINE").is_ok_and(|v| v == "0") {
        deadline(&shapes, max_mb, &settings);
    }
}

/// How long after its deadline a page with the production bounds stops,
/// and how it ends.
fn deadline(shapes: &[(&'static str, Maker)], max_mb: usize, settings: &Settings) {
    let pipeline = Pipeline::load(settings).expect("rule files load");
    let n = max_mb * MIB;
    for allowed in [Duration::from_millis(20), Duration::from_millis(300)] {
        println!();
        println!(
            "`process_within` a {} ms budget on one {} page, production bounds",
            allowed.as_millis(),
            label(n)
        );
        for (name, make) in shapes {
            let body = make(n);
            let start = Instant::now();
            let budget = Budget::until(start + allowed);
            let outcome = match pipeline.process_within(doc(&body), &budget) {
                Ok(r) => format!(
                    "result, {} statistics, limits {:?}",
                    r.statistics.len(),
                    r.limits
                ),
                Err(e) => format!("{e}"),
            };
            let late = start.elapsed().saturating_sub(allowed);
            println!(
                "{name:<8} done {:>6.1} ms past the deadline: {outcome}",
                late.as_secs_f64() * 1e3
            );
        }
    }
}

/// The time table.
fn timing(pipeline: &Pipeline, shapes: &[(&'static str, Maker)], sizes: &[usize]) {
    println!("time of Pipeline::process per MiB of input (text and element bounds lifted)");
    print!("{:<8}", "shape");
    for &n in sizes {
        print!(" {:>9}", label(n));
    }
    println!("  slopes time(2n)/time(n)");
    for (name, make) in shapes {
        print!("{name:<8}");
        let mut times = Vec::new();
        for &n in sizes {
            let body = make(n);
            let t = time(pipeline, &body);
            let per_mib = t.as_secs_f64() / (body.len() as f64 / MIB as f64);
            print!(" {:>7.1}ms", per_mib * 1e3);
            times.push(t);
            use std::io::Write;
            let _ = std::io::stdout().flush();
        }
        let slopes: Vec<String> = times
            .windows(2)
            .map(|w| format!("{:.2}", w[1].as_secs_f64() / w[0].as_secs_f64()))
            .collect();
        println!("  {}", slopes.join(" "));
    }
}

/// Peak RSS of the release binary per shape at the largest size.
fn peak_rss(root: &Path, shapes: &[(&'static str, Maker)], max_mb: usize) {
    let bin = Path::new(env!("CARGO_BIN_EXE_fraudstat"));
    let dir = std::env::temp_dir().join(format!("fraudstat-scaling-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() {
        eprintln!("scaling: cannot create {}", dir.display());
        return;
    }
    let n = max_mb * MIB;
    println!();
    println!(
        "peak RSS of `fraudstat extract` on one {} page, production bounds",
        label(n)
    );
    for (name, make) in shapes {
        let file = dir.join(format!("{name}.html"));
        if std::fs::write(&file, make(n)).is_err() {
            continue;
        }
        match peak_rss_kib(bin, root, &file) {
            Some(kib) => println!("{name:<8} {:>6.1} MiB", kib as f64 / 1024.0),
            None => println!("{name:<8} failed"),
        }
        let _ = std::fs::remove_file(&file);
    }
    let _ = std::fs::remove_dir(&dir);
    // A figure at or below this one may be this process's, not the child's.
    println!(
        "(this bench's own peak RSS meanwhile: {})",
        own_peak().unwrap_or_else(|| "unknown".into())
    );
    println!();
}

/// This process's peak RSS, from `/proc/self/status`.
fn own_peak() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().to_string())
}

fn label(n: usize) -> String {
    if n >= MIB {
        format!("{}MiB", n / MIB)
    } else {
        format!("{}KiB", n / KIB)
    }
}

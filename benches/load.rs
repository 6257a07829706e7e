//! The load benchmark of issue 10: in ONE run, on this machine,
//!
//! 1. **offline**: `Pipeline::process` on a real 126 KB Chinese news page
//!    (`tests/fixtures/load/ifeng_1.html`), in-process, the thread pinned
//!    to one core; pages/s from thread CPU time (the robust figure on a
//!    shared machine) and from wall time;
//! 2. **relay**: the broker's no-op relay rate — consume a URL message,
//!    publish an 8 KiB body with confirm to the results exchange, ack the
//!    input — with the worker's topology (quorum queues, persistent
//!    messages, two connections) at each prefetch;
//! 3. **e2e**: the real `fraudstat worker` binary (this profile's build) fed
//!    N URLs of a local page server (127.0.0.1, port 0, the page from
//!    memory), at each concurrency: articles/s from the first result to the
//!    last (the results queue is drained while it runs), its peak RSS
//!    (`VmHWM` just before SIGTERM), and where its time went (the
//!    `/metrics` histogram sums, the per-message log fields, CPU per
//!    article of the worker, the broker and this program);
//! 4. **ratio** = e2e / min(relay at the same prefetch, 2 × offline): the
//!    target of issue 10 is ≥ 0.8;
//! 5. **sink** (issue 15): the sink's queue `{p}.sink` is declared before
//!    the worker runs, so it collects a copy of every result; after the
//!    worker stops, one `fraudstat sink` (this build) stores that backlog
//!    into a database of its own (`fsload_…` on `--database-url`, dropped
//!    afterwards): results stored per second from the first stored to the
//!    last, beside the worker's rate of the same run.
//!
//! Run it with `scripts/load` (which documents the flags); `cargo bench
//! --bench load -- --urls 3000 --concurrency 16,64`. Without `--bench`
//! (as `cargo test --all-targets` runs it) it does nothing: it needs a
//! broker and takes minutes.
//!
//! Each run uses queue prefixes of its own (`fsload.<pid>.<time>.…`) and
//! deletes their queues and exchange afterwards, failed or not.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use fraudstat::amqp::Names;
use fraudstat::amqp::topology::RESULT_ROUTING_KEY;
use fraudstat::configuration::Settings;
use fraudstat::pipeline::{Document, Pipeline};
use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties};
use serde_json::json;

/// The allocator of the `fraudstat` binary, so offline timings are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PAGE: &str = "tests/fixtures/load/ifeng_1.html";
const PAGE_CONTENT_TYPE: &str = "text/html; charset=utf-8";
const RELAY_BODY_BYTES: usize = 8 * 1024;
/// A run with no new result for this long is given up (and reported).
const STALL: Duration = Duration::from_secs(60);

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Res<T> = Result<T, BoxError>;

// ---------------------------------------------------------------- options

#[derive(Debug, Clone)]
struct Options {
    urls: usize,
    concurrency: Vec<u16>,
    offline_secs: f64,
    rounds: usize,
    amqp_url: String,
    out: PathBuf,
    core: Option<usize>,
    perf: bool,
    only: Vec<String>,
    worker_bin: PathBuf,
    /// PostgreSQL URL with rights to create databases, for the sink.
    database_url: String,
}

fn usage() -> &'static str {
    "usage: cargo bench --bench load -- [--urls N] [--concurrency 16,64] \
     [--offline-secs S] [--rounds R] [--amqp URL] [--out DIR] [--core CPU] \
     [--perf] [--only offline,relay,e2e,sink] [--worker-bin PATH] \
     [--database-url URL]"
}

impl Options {
    fn parse(root: &Path) -> Res<Options> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let mut o = Options {
            urls: env("LOAD_URLS").map_or(Ok(3000), |v| v.parse())?,
            concurrency: parse_list(&env("LOAD_CONCURRENCY").unwrap_or_else(|| "16,64".into()))?,
            offline_secs: env("LOAD_OFFLINE_SECS").map_or(Ok(6.0), |v| v.parse())?,
            rounds: env("LOAD_ROUNDS").map_or(Ok(1), |v| v.parse())?,
            amqp_url: env("LOAD_AMQP_URL")
                .unwrap_or_else(|| "amqp://guest:guest@127.0.0.1:5672/%2f".into()),
            out: env("LOAD_OUT").map_or_else(|| root.join("target/load"), PathBuf::from),
            core: env("LOAD_CORE").map(|v| v.parse()).transpose()?,
            perf: env("LOAD_PERF").is_some_and(|v| v != "0"),
            only: env("LOAD_ONLY")
                .map(|v| v.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            worker_bin: env("LOAD_WORKER_BIN").map_or_else(
                || PathBuf::from(env!("CARGO_BIN_EXE_fraudstat")),
                PathBuf::from,
            ),
            database_url: env("LOAD_DATABASE_URL")
                .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        };
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
            match a.as_str() {
                "--bench" => {}
                "--urls" => o.urls = value()?.parse()?,
                "--concurrency" => o.concurrency = parse_list(&value()?)?,
                "--offline-secs" => o.offline_secs = value()?.parse()?,
                "--rounds" => o.rounds = value()?.parse()?,
                "--amqp" => o.amqp_url = value()?,
                "--out" => o.out = PathBuf::from(value()?),
                "--core" => o.core = Some(value()?.parse()?),
                "--perf" => o.perf = true,
                "--only" => o.only = value()?.split(',').map(str::to_string).collect(),
                "--worker-bin" => o.worker_bin = PathBuf::from(value()?),
                "--database-url" => o.database_url = value()?,
                "-h" | "--help" => {
                    println!("{}", usage());
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument {other:?}; {}", usage()).into()),
            }
        }
        if o.urls < 2 || o.rounds == 0 || o.concurrency.is_empty() {
            return Err("--urls must be at least 2, --rounds at least 1".into());
        }
        Ok(o)
    }

    fn runs(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == part)
    }
}

fn parse_list(s: &str) -> Res<Vec<u16>> {
    s.split(',')
        .map(|v| v.trim().parse::<u16>().map_err(Into::into))
        .collect()
}

// ---------------------------------------------------------------- /proc

/// Clock ticks of CPU (user + system) used by a process or thread, from
/// its `stat` file.
fn stat_ticks(path: &Path) -> Option<(String, u64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text[open + 1..close].to_string();
    let rest: Vec<&str> = text[close + 2..].split_whitespace().collect();
    // Fields 14 and 15 of stat, counted from the state (field 3) here.
    let utime: u64 = rest.get(11)?.parse().ok()?;
    let stime: u64 = rest.get(12)?.parse().ok()?;
    Some((comm, utime + stime))
}

fn ticks_per_sec() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}

fn process_ticks(pid: u32) -> u64 {
    stat_ticks(Path::new(&format!("/proc/{pid}/stat"))).map_or(0, |(_, t)| t)
}

/// Busy ticks of the whole machine (all CPUs), from `/proc/stat`.
fn machine_busy_ticks() -> u64 {
    let Ok(text) = std::fs::read_to_string("/proc/stat") else {
        return 0;
    };
    let Some(line) = text.lines().next() else {
        return 0;
    };
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …: all but idle and iowait.
    v.iter().sum::<u64>() - v.get(3).copied().unwrap_or(0) - v.get(4).copied().unwrap_or(0)
}

/// The RabbitMQ node (`beam.smp`), for its CPU.
fn broker_pid() -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.find_map(|e| {
        let e = e.ok()?;
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
        (comm.trim() == "beam.smp").then_some(pid)
    })
}

/// CPU of the worker's threads, by role: tokio's threads (`tokio-rt-worker`)
/// are split into the runtime's workers (the first `workers` of them by
/// thread id, started with the runtime) and the blocking pool (started on
/// demand by `spawn_blocking`).
fn thread_ticks(pid: u32, workers: usize) -> BTreeMap<String, u64> {
    let mut tokio_threads: Vec<(u32, u64)> = Vec::new();
    let mut out = BTreeMap::new();
    if let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for e in dir.flatten() {
            let Some(tid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Some((comm, ticks)) = stat_ticks(&e.path().join("stat")) else {
                continue;
            };
            if comm == "tokio-runtime-w" || comm == "tokio-rt-worker" {
                tokio_threads.push((tid, ticks));
            } else {
                *out.entry(comm).or_insert(0) += ticks;
            }
        }
    }
    tokio_threads.sort();
    for (i, (_, ticks)) in tokio_threads.iter().enumerate() {
        let role = if i < workers {
            "tokio workers"
        } else {
            "blocking pool"
        };
        *out.entry(role.to_string()).or_insert(0) += ticks;
    }
    out
}

#[derive(Debug, Clone, Default)]
struct CpuSample {
    worker: u64,
    worker_threads: BTreeMap<String, u64>,
    broker: u64,
    me: u64,
    machine: u64,
}

#[derive(Debug, Clone, Copy)]
struct Watched {
    worker: Option<u32>,
    broker: Option<u32>,
    cores: usize,
}

impl Watched {
    fn sample(&self) -> CpuSample {
        CpuSample {
            worker: self.worker.map_or(0, process_ticks),
            worker_threads: self
                .worker
                .map(|p| thread_ticks(p, self.cores))
                .unwrap_or_default(),
            broker: self.broker.map_or(0, process_ticks),
            me: process_ticks(std::process::id()),
            machine: machine_busy_ticks(),
        }
    }
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec to write into.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// Pins the calling thread to `core` (or to the first CPU it may run on);
/// returns the CPU, or `None` when the kernel refused.
fn pin_to_one_core(core: Option<usize>) -> Option<usize> {
    // SAFETY: cpu_set_t is plain data; the calls get its exact size, and
    // pid 0 means the calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        let size = std::mem::size_of::<libc::cpu_set_t>();
        let cpu = match core {
            Some(c) => c,
            None => {
                if libc::sched_getaffinity(0, size, &mut set) != 0 {
                    return None;
                }
                (0..libc::CPU_SETSIZE as usize).find(|&c| libc::CPU_ISSET(c, &set))?
            }
        };
        libc::CPU_ZERO(&mut set);
        libc::CPU_SET(cpu, &mut set);
        (libc::sched_setaffinity(0, size, &set) == 0).then_some(cpu)
    }
}

// ---------------------------------------------------------------- offline

#[derive(Debug, Clone)]
struct Offline {
    core: Option<usize>,
    pages: u64,
    /// Best batch, by thread CPU time.
    pages_per_s_cpu: f64,
    /// Best batch, by wall time.
    pages_per_s_wall: f64,
    /// All batches together.
    pages_per_s_cpu_all: f64,
    pages_per_s_wall_all: f64,
    /// `serde_json::to_vec` of the result, µs (CPU).
    json_us: f64,
    result_bytes: usize,
    statistics: usize,
}

fn document(body: &[u8]) -> Document<'_> {
    Document {
        id: "load".into(),
        url: "http://127.0.0.1/p/load".into(),
        final_url: "http://127.0.0.1/p/load".into(),
        status: 200,
        content_type: Some(PAGE_CONTENT_TYPE.into()),
        body,
        fetched_at: Utc::now(),
        meta: serde_json::Value::Null,
        attempts: 1,
    }
}

fn offline(pipeline: &Pipeline, page: &[u8], secs: f64, core: Option<usize>) -> Offline {
    std::thread::scope(|s| {
        s.spawn(|| {
            let core = pin_to_one_core(core);
            let warm = Instant::now();
            while warm.elapsed() < Duration::from_millis(500) {
                std::hint::black_box(pipeline.process(document(page)));
            }
            // Batches of about half a second; the best one is the figure
            // least disturbed by the other users of a shared machine.
            let (mut best_cpu, mut best_wall) = (0.0f64, 0.0f64);
            let (mut pages, mut cpu_all, mut wall_all) = (0u64, Duration::ZERO, Duration::ZERO);
            let end = Instant::now() + Duration::from_secs_f64(secs);
            while Instant::now() < end {
                let (w0, c0) = (Instant::now(), thread_cpu_time());
                let mut n = 0u64;
                while w0.elapsed() < Duration::from_millis(500) {
                    std::hint::black_box(pipeline.process(document(page)));
                    n += 1;
                }
                let (wall, cpu) = (w0.elapsed(), thread_cpu_time() - c0);
                best_cpu = best_cpu.max(n as f64 / cpu.as_secs_f64().max(1e-9));
                best_wall = best_wall.max(n as f64 / wall.as_secs_f64());
                pages += n;
                cpu_all += cpu;
                wall_all += wall;
            }
            let result = pipeline.process(document(page));
            let reps = 200u32;
            let c0 = thread_cpu_time();
            let mut result_bytes = 0;
            for _ in 0..reps {
                result_bytes =
                    std::hint::black_box(serde_json::to_vec(&result).map_or(0, |v| v.len()));
            }
            let json_us = (thread_cpu_time() - c0).as_secs_f64() * 1e6 / f64::from(reps);
            Offline {
                core,
                pages,
                pages_per_s_cpu: best_cpu,
                pages_per_s_wall: best_wall,
                pages_per_s_cpu_all: pages as f64 / cpu_all.as_secs_f64().max(1e-9),
                pages_per_s_wall_all: pages as f64 / wall_all.as_secs_f64().max(1e-9),
                json_us,
                result_bytes,
                statistics: result.statistics.len(),
            }
        })
        .join()
        .expect("offline thread")
    })
}

// ---------------------------------------------------------------- broker

struct Ctx {
    opts: Options,
    root: PathBuf,
    run_id: String,
    created: std::sync::Mutex<Vec<Names>>,
    alarms: std::sync::OnceLock<Alarms>,
    attempts: usize,
}

impl Ctx {
    fn names(&self, what: &str) -> Res<(String, Names)> {
        let prefix = format!("{}.{what}", self.run_id);
        let settings = Settings::load_with_env(
            Some(&self.root.join("config")),
            None,
            vec![("FRAUDSTAT_QUEUES__PREFIX".to_string(), prefix.clone())],
        )?;
        let names = Names::new(&settings);
        self.created
            .lock()
            .map_err(|_| "poisoned")?
            .push(names.clone());
        Ok((prefix, names))
    }

    async fn connect(&self, name: &str) -> Res<Connection> {
        Ok(Connection::connect(
            &self.opts.amqp_url,
            ConnectionProperties::default().with_connection_name(name.into()),
        )
        .await?)
    }

    /// Declares the worker's topology for `names` and puts `bodies` in its
    /// input queue, persistent, with confirms.
    async fn prepare(&self, names: &Names, bodies: impl Iterator<Item = String>) -> Res<()> {
        let conn = self.connect("fraudstat load (fill)").await?;
        let ch = conn.create_channel().await?;
        fraudstat::amqp::topology::declare(&ch, names).await?;
        ch.confirm_select(ConfirmSelectOptions::default()).await?;
        let mut pending = Vec::new();
        for body in bodies {
            let confirm = ch
                .basic_publish(
                    "".into(),
                    names.urls.as_str().into(),
                    BasicPublishOptions {
                        mandatory: true,
                        ..BasicPublishOptions::default()
                    },
                    body.as_bytes(),
                    BasicProperties::default().with_delivery_mode(2),
                )
                .await?;
            pending.push(confirm);
            if pending.len() >= 500 {
                for c in pending.drain(..) {
                    if !c.await?.is_ack() {
                        return Err("the broker refused an input message".into());
                    }
                }
            }
        }
        for c in pending {
            if !c.await?.is_ack() {
                return Err("the broker refused an input message".into());
            }
        }
        let _ = conn.close(200, "filled".into()).await;
        Ok(())
    }

    async fn cleanup(&self) {
        let all: Vec<Names> = self
            .created
            .lock()
            .map(|mut c| std::mem::take(&mut *c))
            .unwrap_or_default();
        if all.is_empty() {
            return;
        }
        let Ok(conn) = self.connect("fraudstat load (cleanup)").await else {
            eprintln!(
                "load: cannot connect to delete the queues of {}",
                self.run_id
            );
            return;
        };
        for names in all {
            let ok = match conn.create_channel().await {
                Ok(ch) => fraudstat::amqp::topology::delete(&ch, &names).await.is_ok(),
                Err(_) => false,
            };
            if !ok {
                eprintln!("load: could not delete the queues of {}", names.urls);
            }
        }
        let _ = conn.close(200, "done".into()).await;
    }
}

#[derive(Debug, Clone, Default)]
struct Drained {
    results: usize,
    failed: usize,
    result_bytes: u64,
    first: Option<Instant>,
    last: Option<Instant>,
    stalled: bool,
    cpu_first: CpuSample,
    cpu_last: CpuSample,
}

impl Drained {
    fn rate(&self) -> f64 {
        match (self.first, self.last) {
            (Some(a), Some(b)) if b > a && self.results > 1 => {
                (self.results - 1) as f64 / (b - a).as_secs_f64()
            }
            _ => 0.0,
        }
    }

    fn blocked(&self, alarms: &Alarms) -> f64 {
        match (self.first, self.last) {
            (Some(a), Some(b)) => alarms.blocked_within(a, b),
            _ => 0.0,
        }
    }

    fn span(&self) -> Duration {
        match (self.first, self.last) {
            (Some(a), Some(b)) => b - a,
            _ => Duration::ZERO,
        }
    }
}

/// Takes everything off the results and failure queues (no-ack) until
/// `expect` messages came or none came for [`STALL`], sampling CPU at the
/// first and the last.
async fn drain(conn: Connection, names: Names, expect: usize, watched: Watched) -> Res<Drained> {
    let ch = conn.create_channel().await?;
    let opts = BasicConsumeOptions {
        no_ack: true,
        ..BasicConsumeOptions::default()
    };
    let results = ch
        .basic_consume(
            names.results_queue.as_str().into(),
            "load-drain-results".into(),
            opts,
            FieldTable::default(),
        )
        .await?;
    let failed = ch
        .basic_consume(
            names.failed.as_str().into(),
            "load-drain-failed".into(),
            opts,
            FieldTable::default(),
        )
        .await?;
    let mut both =
        futures_util::stream::select(results.map(|d| (true, d)), failed.map(|d| (false, d)));
    let mut d = Drained::default();
    while d.results + d.failed < expect {
        let next = match tokio::time::timeout(STALL, both.next()).await {
            Err(_) => {
                d.stalled = true;
                break;
            }
            Ok(None) => return Err("the drain consumer was cancelled".into()),
            Ok(Some(n)) => n,
        };
        let (is_result, delivery) = next;
        let delivery = delivery?;
        if is_result {
            let now = Instant::now();
            if d.first.is_none() {
                d.first = Some(now);
                d.cpu_first = watched.sample();
            }
            d.last = Some(now);
            d.results += 1;
            d.result_bytes += delivery.data.len() as u64;
        } else {
            d.failed += 1;
        }
    }
    d.cpu_last = watched.sample();
    let _ = conn.close(200, "drained".into()).await;
    Ok(d)
}

// ---------------------------------------------------------------- alarm probe

/// Times the broker blocked publishing (a memory or disk alarm: on a shared
/// broker another user's backpressure test can raise one). A measurement
/// that overlaps one is repeated.
#[derive(Clone, Default)]
struct Alarms(Arc<std::sync::Mutex<Vec<Blocked>>>);

/// When the broker blocked publishing, and when it unblocked (if it has).
type Blocked = (Instant, Option<Instant>);

impl Alarms {
    /// Seconds blocked within `[from, to]`.
    fn blocked_within(&self, from: Instant, to: Instant) -> f64 {
        let now = Instant::now();
        self.0.lock().map_or(0.0, |v| {
            v.iter()
                .map(|&(a, b)| {
                    let (a, b) = (a.max(from), b.unwrap_or(now).min(to));
                    if b > a { (b - a).as_secs_f64() } else { 0.0 }
                })
                .sum()
        })
    }

    /// Starts a connection that publishes a tiny unroutable message every
    /// 100 ms (a connection is blocked only once it publishes) and records
    /// the broker's `connection.blocked` / `unblocked`.
    async fn watch(ctx: &Ctx) -> Res<Alarms> {
        let alarms = Alarms::default();
        let conn = ctx.connect("fraudstat load (alarm probe)").await?;
        let mut events = Box::pin(conn.events_listener());
        let ch = conn.create_channel().await?;
        let log = alarms.clone();
        tokio::spawn(async move {
            while let Some(e) = events.next().await {
                if let Ok(mut v) = log.0.lock() {
                    match e {
                        lapin::Event::ConnectionBlocked(reason) => {
                            eprintln!("load: the broker blocked publishing ({reason})");
                            v.push((Instant::now(), None));
                        }
                        lapin::Event::ConnectionUnblocked => {
                            eprintln!("load: the broker unblocked publishing");
                            if let Some(last) = v.last_mut() {
                                last.1.get_or_insert_with(Instant::now);
                            }
                        }
                        _ => {}
                    }
                }
            }
        });
        tokio::spawn(async move {
            let _conn = conn;
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tick.tick().await;
                // While blocked this write waits; that is fine.
                let _ = ch
                    .basic_publish(
                        "".into(),
                        "fraudstat-load-alarm-probe-nowhere".into(),
                        BasicPublishOptions::default(),
                        b"probe",
                        BasicProperties::default(),
                    )
                    .await;
            }
        });
        Ok(alarms)
    }
}

// ---------------------------------------------------------------- relay

#[derive(Debug, Clone)]
struct Relay {
    prefetch: u16,
    drained: Drained,
}

async fn relay(ctx: &Ctx, round: usize, prefetch: u16) -> Res<Relay> {
    let (_, names) = ctx.names(&format!("r{round}.relay{prefetch}"))?;
    let n = ctx.opts.urls;
    ctx.prepare(&names, (0..n).map(|i| format!("http://127.0.0.1:9/p/{i}")))
        .await?;
    let watched = Watched {
        worker: None,
        broker: broker_pid(),
        cores: 0,
    };
    let drainer = tokio::spawn(drain(
        ctx.connect("fraudstat load (drain)").await?,
        names.clone(),
        n,
        watched,
    ));

    // The worker's shape, without the work: one connection consumes and
    // acks, one publishes with confirms; prefetch = tasks in flight.
    let consume = ctx.connect("fraudstat load relay (consume)").await?;
    let publish = ctx.connect("fraudstat load relay (publish)").await?;
    let cch = consume.create_channel().await?;
    cch.basic_qos(prefetch, BasicQosOptions::default()).await?;
    let pch = publish.create_channel().await?;
    pch.confirm_select(ConfirmSelectOptions::default()).await?;
    let mut consumer = cch
        .basic_consume(
            names.urls.as_str().into(),
            "load-relay".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let body: Arc<[u8]> = vec![b'x'; RELAY_BODY_BYTES].into();
    let exchange = names.results_exchange.clone();
    let errors = Arc::new(AtomicUsize::new(0));
    let relay_errors = errors.clone();
    let relayer = tokio::spawn(async move {
        let mut i = 0u64;
        while let Some(Ok(delivery)) = consumer.next().await {
            i += 1;
            let (pch, body, exchange, errors) = (
                pch.clone(),
                body.clone(),
                exchange.clone(),
                relay_errors.clone(),
            );
            tokio::spawn(async move {
                let props = BasicProperties::default()
                    .with_delivery_mode(2)
                    .with_content_type("application/json".into())
                    .with_message_id(format!("relay-{i}").into());
                let confirmed = async {
                    pch.basic_publish(
                        exchange.as_str().into(),
                        RESULT_ROUTING_KEY.into(),
                        BasicPublishOptions {
                            mandatory: true,
                            ..BasicPublishOptions::default()
                        },
                        &body,
                        props,
                    )
                    .await?
                    .await
                };
                match confirmed.await {
                    Ok(c) if c.is_ack() => {
                        let _ = delivery.acker.ack(BasicAckOptions::default()).await;
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let drained = drainer.await??;
    relayer.abort();
    let _ = consume.close(200, "relay done".into()).await;
    let _ = publish.close(200, "relay done".into()).await;
    let errors = errors.load(Ordering::Relaxed);
    if errors > 0 {
        eprintln!("load: relay {prefetch}: {errors} publishes not confirmed");
    }
    Ok(Relay { prefetch, drained })
}

// ---------------------------------------------------------------- page server

struct PageServer {
    addr: std::net::SocketAddr,
    hits: Arc<AtomicUsize>,
}

async fn page_server(page: Vec<u8>) -> Res<PageServer> {
    use axum::serve::ListenerExt;
    let page = axum::body::Bytes::from(page);
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/p/{id}",
        axum::routing::get(move || {
            let page = page.clone();
            counter.fetch_add(1, Ordering::Relaxed);
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, PAGE_CONTENT_TYPE)],
                    page,
                )
            }
        }),
    );
    // No Nagle delay on the answers, as a real web server (nginx's
    // tcp_nodelay) would do.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await?
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    let addr = axum::serve::Listener::local_addr(&listener)?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(PageServer { addr, hits })
}

// ---------------------------------------------------------------- e2e

#[derive(Debug, Clone, Default)]
struct Stage {
    n: usize,
    mean: f64,
    p50: f64,
    p99: f64,
}

fn stage(mut v: Vec<f64>) -> Stage {
    if v.is_empty() {
        return Stage::default();
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Stage {
        n: v.len(),
        mean: v.iter().sum::<f64>() / v.len() as f64,
        p50: at(0.5),
        p99: at(0.99),
    }
}

#[derive(Debug, Clone, Default)]
struct E2e {
    drained: Drained,
    rss_peak_kib: Option<u64>,
    page_hits: usize,
    /// Per-message log fields (ms, whole milliseconds as logged).
    log_stages: BTreeMap<&'static str, Stage>,
    /// Histogram sums from `/metrics`: name → (sum seconds, count).
    metrics: BTreeMap<String, (f64, f64)>,
    warnings: usize,
    exit: Option<i32>,
    log: PathBuf,
    perf_data: Option<PathBuf>,
    /// The sink on the run's results, when measured.
    sink: Option<SinkRate>,
}

/// One sink storing a backlog of results.
#[derive(Debug, Clone, Default)]
struct SinkRate {
    stored: usize,
    per_s: f64,
    seconds: f64,
    exit: Option<i32>,
    log: PathBuf,
}

/// The sink's queues for a prefix.
fn sink_names(prefix: &str) -> Res<fraudstat::sink::consume::SinkNames> {
    let settings = Settings::load_with_env(
        None,
        None,
        [("FRAUDSTAT_QUEUES__PREFIX".to_string(), prefix.to_string())],
    )?;
    Ok(fraudstat::sink::consume::SinkNames::new(&settings))
}

/// Runs one `fraudstat sink` on the `expect` results waiting in the
/// prefix's sink queue, into a database of its own, and measures results
/// stored per second from the first stored to the last.
async fn sink_rate(ctx: &Ctx, prefix: &str, label: &str, expect: usize) -> Res<SinkRate> {
    use sqlx::Connection as _;
    let db = format!("fsload_{}_{}", std::process::id(), label.replace('.', "_"));
    let mut admin = sqlx::PgConnection::connect(&ctx.opts.database_url).await?;
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&mut admin)
        .await?;
    let mut url = url::Url::parse(&ctx.opts.database_url)?;
    url.set_path(&db);
    let measured = async {
        let log = ctx.opts.out.join(format!("sink-{label}.log"));
        let mut cmd = tokio::process::Command::new(&ctx.opts.worker_bin);
        for (k, _) in std::env::vars() {
            if k.starts_with("FRAUDSTAT_") {
                cmd.env_remove(k);
            }
        }
        let mut child = cmd
            .arg("sink")
            .env_remove("RUST_LOG")
            .env("FRAUDSTAT_AMQP__URL", &ctx.opts.amqp_url)
            .env("FRAUDSTAT_QUEUES__PREFIX", prefix)
            .env("FRAUDSTAT_SINK__DATABASE_URL", url.as_str())
            .env("FRAUDSTAT_METRICS__LISTEN", "")
            .env("FRAUDSTAT_LOG__FORMAT", "json")
            .env("FRAUDSTAT_LOG__LEVEL", "warn")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .kill_on_drop(true)
            .spawn()?;
        let mut conn = sqlx::PgConnection::connect(url.as_str()).await?;
        let mut first: Option<(Instant, usize)> = None;
        let mut last = (Instant::now(), 0usize);
        let mut changed = Instant::now();
        loop {
            // The table exists once the sink has migrated.
            let n: i64 = sqlx::query_scalar(
                "SELECT CASE WHEN to_regclass('articles') IS NULL THEN 0 \
                 ELSE (SELECT count(*) FROM articles) END",
            )
            .fetch_one(&mut conn)
            .await
            .unwrap_or(0);
            let n = usize::try_from(n).unwrap_or(0);
            let now = Instant::now();
            if n > last.1 {
                changed = now;
                if first.is_none() {
                    first = Some((now, n));
                }
                last = (now, n);
            }
            if n >= expect || changed.elapsed() > STALL {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // SAFETY: our own child, not yet reaped.
        if let Some(pid) = child.id() {
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        }
        let exit = match tokio::time::timeout(Duration::from_secs(30), child.wait()).await {
            Ok(Ok(s)) => s.code(),
            _ => {
                let _ = child.kill().await;
                None
            }
        };
        let _ = conn.close().await;
        let (t0, n0) = first.ok_or("the sink stored nothing")?;
        let seconds = last.0.duration_since(t0).as_secs_f64().max(1e-9);
        Ok::<_, BoxError>(SinkRate {
            stored: last.1,
            // The first poll saw n0 already stored: the rate is of the rest.
            per_s: (last.1 - n0) as f64 / seconds,
            seconds,
            exit,
            log,
        })
    }
    .await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut admin)
        .await;
    let _ = admin.close().await;
    if let Ok(conn) = ctx.connect("fraudstat load (sink cleanup)").await {
        if let (Ok(ch), Ok(names)) = (conn.create_channel().await, sink_names(prefix)) {
            for q in [&names.queue, &names.failed] {
                let _ = ch.queue_delete(q.as_str().into(), Default::default()).await;
            }
        }
        let _ = conn.close(200, "done".into()).await;
    }
    measured
}

/// Reads the worker's JSON log: the per-message stage times, the metrics
/// address, the number of warnings.
fn read_log(path: &Path) -> (BTreeMap<&'static str, Stage>, Option<String>, usize) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let keys = ["fetch_ms", "process_ms", "publish_ms", "total_ms"];
    let mut values: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    let mut metrics_addr = None;
    let mut warnings = 0;
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["level"] == "WARN" || v["level"] == "ERROR" {
            warnings += 1;
        }
        let f = &v["fields"];
        match f["message"].as_str() {
            Some("message finished") => {
                for k in keys {
                    if let Some(x) = f[k].as_f64() {
                        values.entry(k).or_default().push(x);
                    }
                }
            }
            Some("metrics listening") => metrics_addr = f["addr"].as_str().map(str::to_string),
            _ => {}
        }
    }
    let stages = values.into_iter().map(|(k, v)| (k, stage(v))).collect();
    (stages, metrics_addr, warnings)
}

/// `_sum` and `_count` of the worker's histograms, from `/metrics`.
async fn scrape(addr: &str) -> BTreeMap<String, (f64, f64)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut out: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
        return out;
    };
    let req = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).await.is_err() {
        return out;
    }
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    for line in String::from_utf8_lossy(&buf).lines() {
        let Some((name, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let Ok(value) = value.parse::<f64>() else {
            continue;
        };
        let (base, is_sum) =
            if let Some(b) = name.split('{').next().and_then(|b| b.strip_suffix("_sum")) {
                (b, true)
            } else if let Some(b) = name
                .split('{')
                .next()
                .and_then(|b| b.strip_suffix("_count"))
            {
                (b, false)
            } else {
                continue;
            };
        let labels = name.find('{').map_or("", |i| &name[i..]);
        let e = out.entry(format!("{base}{labels}")).or_default();
        if is_sum {
            e.0 += value;
        } else {
            e.1 += value;
        }
    }
    out
}

async fn e2e(ctx: &Ctx, round: usize, concurrency: u16, server: &PageServer) -> Res<E2e> {
    let (prefix, names) = ctx.names(&format!("r{round}.e2e{concurrency}"))?;
    let n = ctx.opts.urls;
    let addr = server.addr;
    ctx.prepare(
        &names,
        (0..n).map(|i| format!("http://{addr}/p/r{round}c{concurrency}-{i}")),
    )
    .await?;
    if ctx.opts.runs("sink") {
        // Declared before the worker runs, so it collects every result.
        let conn = ctx.connect("fraudstat load (sink topology)").await?;
        let ch = conn.create_channel().await?;
        fraudstat::sink::consume::declare(&ch, &sink_names(&prefix)?).await?;
        let _ = conn.close(200, "declared".into()).await;
    }
    let hits_before = server.hits.load(Ordering::Relaxed);
    let log = ctx
        .opts
        .out
        .join(format!("worker-r{round}-c{concurrency}.log"));
    let c = concurrency.to_string();
    let mut cmd = tokio::process::Command::new(&ctx.opts.worker_bin);
    cmd.arg("--config-dir")
        .arg(ctx.root.join("config"))
        .arg("worker")
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log)?)
        .kill_on_drop(true);
    for (k, _) in std::env::vars() {
        if k.starts_with("FRAUDSTAT_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("FRAUDSTAT_AMQP__URL", &ctx.opts.amqp_url)
        .env("FRAUDSTAT_QUEUES__PREFIX", &prefix)
        .env("FRAUDSTAT_WORKER__CONCURRENCY", &c)
        .env("FRAUDSTAT_WORKER__PER_HOST_CONCURRENCY", &c)
        .env("FRAUDSTAT_WORKER__SHUTDOWN_GRACE_SECS", "10")
        .env("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
        .env("FRAUDSTAT_METRICS__LISTEN", "127.0.0.1:0")
        .env("FRAUDSTAT_LOG__FORMAT", "json")
        .env("FRAUDSTAT_LOG__LEVEL", "info");
    // Extra environment for the worker, to try a setting (allocator
    // options, another log level): LOAD_WORKER_ENV="K=V K2=V2".
    if let Ok(extra) = std::env::var("LOAD_WORKER_ENV") {
        for kv in extra.split_whitespace() {
            if let Some((k, v)) = kv.split_once('=') {
                cmd.env(k, v);
            }
        }
    }
    let watched_cores = std::thread::available_parallelism().map_or(2, usize::from);
    let drain_conn = ctx.connect("fraudstat load (drain)").await?;
    let mut child = cmd.spawn()?;
    let pid = child.id().ok_or("the worker exited at once")?;
    let mut perf = None;
    let mut perf_data = None;
    if ctx.opts.perf {
        // Software clock: this VM has no hardware counters.
        let perf_args = std::env::var("LOAD_PERF_ARGS")
            .unwrap_or_else(|_| "-e cpu-clock -F 499 -g".to_string());
        let data = ctx
            .opts
            .out
            .join(format!("perf-r{round}-c{concurrency}.data"));
        perf = std::process::Command::new("perf")
            .args(["record", "-q", "-o"])
            .arg(&data)
            .args(perf_args.split_whitespace())
            .args(["-p", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok();
        perf_data = perf.as_ref().map(|_| data);
    }
    let watched = Watched {
        worker: Some(pid),
        broker: broker_pid(),
        cores: watched_cores,
    };
    let drained = drain(drain_conn, names.clone(), n, watched).await?;
    let rss_peak_kib = vm_hwm_kib(pid);
    let (_, metrics_addr, _) = read_log(&log);
    let metrics = match &metrics_addr {
        Some(a) => scrape(a).await,
        None => BTreeMap::new(),
    };
    if let Some(p) = perf.as_mut() {
        // SAFETY: p.id() is our own child.
        unsafe { libc::kill(p.id() as libc::pid_t, libc::SIGINT) };
        let _ = p.wait();
    }
    // SAFETY: pid is our own child, not yet reaped.
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
    let exit = match tokio::time::timeout(Duration::from_secs(30), child.wait()).await {
        Ok(Ok(s)) => s.code(),
        _ => {
            let _ = child.kill().await;
            None
        }
    };
    let (log_stages, _, warnings) = read_log(&log);
    let sink = if ctx.opts.runs("sink") {
        eprintln!(
            "load: round {round}: one sink storing the {} results",
            drained.results
        );
        Some(
            sink_rate(
                ctx,
                &prefix,
                &format!("r{round}c{concurrency}"),
                drained.results,
            )
            .await?,
        )
    } else {
        None
    };
    Ok(E2e {
        sink,
        drained,
        rss_peak_kib,
        page_hits: server.hits.load(Ordering::Relaxed) - hits_before,
        log_stages,
        metrics,
        warnings,
        exit,
        log,
        perf_data,
    })
}

// ---------------------------------------------------------------- report

struct Reporter {
    jsonl: std::fs::File,
}

impl Reporter {
    fn emit(&mut self, v: serde_json::Value) {
        let line = v.to_string();
        println!("LOAD-RESULT {line}");
        let _ = writeln!(self.jsonl, "{line}");
    }
}

/// Table notes: failures, and broker alarms that overlapped the run.
fn disturbance(failed: usize, blocked: f64, attempts: usize) -> String {
    let mut notes = Vec::new();
    if failed > 0 {
        notes.push(format!("{failed} failed"));
    }
    if blocked > 0.0 {
        notes.push(format!("BROKER BLOCKED {blocked:.1} s (alarm)"));
    }
    if attempts > 1 {
        notes.push(format!("attempt {attempts}"));
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.join(", "))
    }
}

fn cpu_ms_per(ticks: u64, tps: f64, n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    ticks as f64 / tps * 1000.0 / n as f64
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    if !bench {
        println!("load: not run (needs a broker and minutes); run scripts/load");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let opts = match Options::parse(&root) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let ctx = Ctx {
        run_id: format!("fsload.{}.{}", std::process::id(), nanos % 1_000_000_000),
        opts,
        root,
        created: std::sync::Mutex::new(Vec::new()),
        alarms: std::sync::OnceLock::new(),
        attempts: 3,
    };
    let outcome = rt.block_on(run(&ctx));
    rt.block_on(ctx.cleanup());
    if let Err(e) = outcome {
        eprintln!("load: {e}");
        std::process::exit(1);
    }
}

async fn run(ctx: &Ctx) -> Res<()> {
    let opts = &ctx.opts;
    std::fs::create_dir_all(&opts.out)?;
    let mut rep = Reporter {
        jsonl: std::fs::File::create(opts.out.join("results.jsonl"))?,
    };
    let page = std::fs::read(ctx.root.join(PAGE))?;
    let settings = Settings::load_with_env(Some(&ctx.root.join("config")), None, Vec::new())?;
    let pipeline = Pipeline::load(&settings)?;
    let server = page_server(page.clone()).await?;
    let alarms = Alarms::watch(ctx).await?;
    let _ = ctx.alarms.set(alarms.clone());
    let tps = ticks_per_sec();
    eprintln!(
        "load: {} URLs per run, concurrency {:?}, {} round(s), page {} ({} bytes), worker {}, out {}",
        opts.urls,
        opts.concurrency,
        opts.rounds,
        PAGE,
        page.len(),
        opts.worker_bin.display(),
        opts.out.display()
    );
    let mut table: Vec<String> = Vec::new();
    let mut ratios: BTreeMap<u16, Vec<(f64, f64)>> = BTreeMap::new();
    for round in 1..=opts.rounds {
        let mut off = None;
        if opts.runs("offline") || opts.runs("e2e") {
            eprintln!(
                "load: round {round}: offline, {} s pinned",
                opts.offline_secs
            );
            let o = offline(&pipeline, &page, opts.offline_secs, opts.core);
            rep.emit(json!({
                "measure": "offline", "round": round, "core": o.core, "pages": o.pages,
                "pages_per_s_cpu": o.pages_per_s_cpu, "pages_per_s_wall": o.pages_per_s_wall,
                "pages_per_s_cpu_all": o.pages_per_s_cpu_all, "pages_per_s_wall_all": o.pages_per_s_wall_all,
                "ms_per_page_cpu": 1000.0 / o.pages_per_s_cpu,
                "json_serialise_us": o.json_us, "result_bytes": o.result_bytes,
                "statistics": o.statistics,
            }));
            table.push(format!(
                "| {round} | offline, one core ({}) | 1 | {:.0} (wall {:.0}) | | | {:.2} | | | result {} B, to_vec {:.0} µs |",
                o.core.map_or("not pinned".to_string(), |c| format!("cpu {c}")),
                o.pages_per_s_cpu,
                o.pages_per_s_wall,
                1000.0 / o.pages_per_s_cpu,
                o.result_bytes,
                o.json_us,
            ));
            off = Some(o);
        }
        let mut relays: BTreeMap<u16, f64> = BTreeMap::new();
        if opts.runs("relay") {
            for &p in &opts.concurrency {
                eprintln!("load: round {round}: relay, prefetch {p}");
                let mut attempt = 1;
                let r = loop {
                    let r = relay(ctx, round, p).await?;
                    if r.drained.blocked(&alarms) == 0.0 || attempt >= ctx.attempts {
                        break r;
                    }
                    eprintln!("load: a broker alarm overlapped the relay run; again");
                    attempt += 1;
                };
                let blocked = r.drained.blocked(&alarms);
                let d = &r.drained;
                let tick =
                    |f: fn(&CpuSample) -> u64| f(&d.cpu_last).saturating_sub(f(&d.cpu_first));
                rep.emit(json!({
                    "measure": "relay", "round": round, "prefetch": r.prefetch,
                    "attempts": attempt, "broker_blocked_s": blocked,
                    "messages": d.results, "failed": d.failed, "stalled": d.stalled,
                    "per_s": d.rate(), "seconds": d.span().as_secs_f64(),
                    "body_bytes": RELAY_BODY_BYTES,
                    "broker_cpu_ms_per_msg": cpu_ms_per(tick(|c| c.broker), tps, d.results),
                    "load_cpu_ms_per_msg": cpu_ms_per(tick(|c| c.me), tps, d.results),
                    "machine_cpu_ms_per_msg": cpu_ms_per(tick(|c| c.machine), tps, d.results),
                }));
                table.push(format!(
                    "| {round} | broker no-op relay, 8 KiB + confirm | {p} | {:.0} | | | | {:.2} | {:.2} | {}{} |",
                    d.rate(),
                    cpu_ms_per(tick(|c| c.broker), tps, d.results),
                    cpu_ms_per(tick(|c| c.machine), tps, d.results),
                    if d.stalled { "STALLED " } else { "" },
                    disturbance(d.failed, blocked, attempt),
                ));
                relays.insert(p, d.rate());
            }
        }
        if opts.runs("e2e") {
            for &c in &opts.concurrency {
                eprintln!("load: round {round}: worker end to end, concurrency {c}");
                let mut attempt = 1;
                let e = loop {
                    let e = e2e(ctx, round, c, &server).await?;
                    if e.drained.blocked(&alarms) == 0.0 || attempt >= ctx.attempts {
                        break e;
                    }
                    eprintln!("load: a broker alarm overlapped the worker run; again");
                    attempt += 1;
                };
                let blocked = e.drained.blocked(&alarms);
                let d = &e.drained;
                let tick =
                    |f: fn(&CpuSample) -> u64| f(&d.cpu_last).saturating_sub(f(&d.cpu_first));
                let worker_ms = cpu_ms_per(tick(|c| c.worker), tps, d.results);
                let threads: BTreeMap<String, f64> = d
                    .cpu_last
                    .worker_threads
                    .iter()
                    .map(|(k, v)| {
                        let before = d.cpu_first.worker_threads.get(k).copied().unwrap_or(0);
                        (
                            k.clone(),
                            cpu_ms_per(v.saturating_sub(before), tps, d.results),
                        )
                    })
                    .collect();
                let offline_rate = off.as_ref().map(|o| o.pages_per_s_cpu);
                let bound = match (relays.get(&c), offline_rate) {
                    (Some(r), Some(o)) => Some(r.min(2.0 * o)),
                    (None, Some(o)) => Some(2.0 * o),
                    (Some(r), None) => Some(*r),
                    (None, None) => None,
                };
                let ratio = bound.map(|b| d.rate() / b);
                // How the machine's CPU was shared while the worker ran, and
                // the rate this machine could reach with the pipeline at its
                // offline speed and the broker and page server costing what
                // they did here (2 × offline assumes they cost nothing).
                let span = d.span().as_secs_f64().max(1e-9);
                let cores_of = |t: u64| t as f64 / tps / span;
                let worker_cores = cores_of(tick(|c| c.worker));
                let others_cores = cores_of(
                    tick(|c| c.machine)
                        .saturating_sub(tick(|c| c.worker) + tick(|c| c.broker) + tick(|c| c.me)),
                );
                let broker_ms = cpu_ms_per(tick(|c| c.broker), tps, d.results);
                let load_ms = cpu_ms_per(tick(|c| c.me), tps, d.results);
                let cores = std::thread::available_parallelism().map_or(2, usize::from) as f64;
                let cpu_bound = off
                    .as_ref()
                    .map(|o| cores * 1000.0 / (1000.0 / o.pages_per_s_cpu + broker_ms + load_ms));
                let attainable = match (relays.get(&c), cpu_bound) {
                    (Some(r), Some(b)) => Some(r.min(b)),
                    (_, b) => b,
                };
                let ratio_attainable = attainable.map(|b| d.rate() / b);
                if let Some(r) = ratio {
                    ratios
                        .entry(c)
                        .or_default()
                        .push((r, ratio_attainable.unwrap_or(f64::NAN)));
                }
                let efficiency = off
                    .as_ref()
                    .filter(|_| worker_ms > 0.0)
                    .map(|o| 1000.0 / o.pages_per_s_cpu / worker_ms);

                let metric_mean_ms = |name: &str| {
                    e.metrics
                        .iter()
                        .filter(|(k, _)| k.starts_with(name))
                        .fold((0.0, 0.0), |a, (_, v)| (a.0 + v.0, a.1 + v.1))
                };
                let mean = |name: &str| {
                    let (s, n) = metric_mean_ms(name);
                    if n > 0.0 { Some(1000.0 * s / n) } else { None }
                };
                let stages: serde_json::Map<String, serde_json::Value> = e
                    .log_stages
                    .iter()
                    .map(|(k, s)| {
                        (
                            k.to_string(),
                            json!({"n": s.n, "mean": s.mean, "p50": s.p50, "p99": s.p99}),
                        )
                    })
                    .collect();
                rep.emit(json!({
                    "measure": "e2e", "round": round, "concurrency": c,
                    "attempts": attempt, "broker_blocked_s": blocked,
                    "articles": d.results, "failed": d.failed, "stalled": d.stalled,
                    "per_s": d.rate(), "seconds": d.span().as_secs_f64(),
                    "relay_per_s": relays.get(&c), "offline_pages_per_s": offline_rate,
                    "bound_per_s": bound, "ratio": ratio,
                    "attainable_per_s": attainable, "ratio_attainable": ratio_attainable,
                    "worker_cpu_efficiency": efficiency,
                    "worker_cores": worker_cores, "others_cores": others_cores,
                    "rss_peak_mib": e.rss_peak_kib.map(|k| k as f64 / 1024.0),
                    "result_bytes_mean": if d.results > 0 { d.result_bytes as f64 / d.results as f64 } else { 0.0 },
                    "page_requests": e.page_hits,
                    "worker_cpu_ms_per_article": worker_ms,
                    "worker_threads_cpu_ms_per_article": threads,
                    "broker_cpu_ms_per_article": cpu_ms_per(tick(|c| c.broker), tps, d.results),
                    "load_cpu_ms_per_article": cpu_ms_per(tick(|c| c.me), tps, d.results),
                    "machine_cpu_ms_per_article": cpu_ms_per(tick(|c| c.machine), tps, d.results),
                    "mean_fetch_ms": mean("fraudstat_fetch_duration_seconds"),
                    "mean_process_ms": mean("fraudstat_processing_duration_seconds"),
                    "mean_message_ms": mean("fraudstat_message_duration_seconds"),
                    "log_stage_ms": stages,
                    "warnings": e.warnings, "exit": e.exit,
                    "log": e.log, "perf_data": e.perf_data,
                }));
                table.push(format!(
                    "| {round} | worker end to end | {c} | {:.0} | {} | {} | {:.2} | {:.2} | {:.2} | fetch {:.1} / process {:.1} / publish {:.1} / message {:.1} ms; worker {:.2} cores, other processes {:.2}; CPU efficiency {}; vs attainable {}{}{} |",
                    d.rate(),
                    ratio.map_or("-".into(), |r| format!("**{r:.2}**")),
                    e.rss_peak_kib.map_or("-".into(), |k| format!("{:.0}", k as f64 / 1024.0)),
                    worker_ms,
                    cpu_ms_per(tick(|c| c.broker), tps, d.results),
                    cpu_ms_per(tick(|c| c.machine), tps, d.results),
                    mean("fraudstat_fetch_duration_seconds").unwrap_or(f64::NAN),
                    mean("fraudstat_processing_duration_seconds").unwrap_or(f64::NAN),
                    e.log_stages.get("publish_ms").map_or(f64::NAN, |s| s.mean),
                    mean("fraudstat_message_duration_seconds").unwrap_or(f64::NAN),
                    worker_cores,
                    others_cores,
                    efficiency.map_or("-".into(), |x| format!("{x:.2}")),
                    match (ratio_attainable, attainable) {
                        (Some(r), Some(a)) => format!("{r:.2} (of {a:.0}/s)"),
                        _ => "-".into(),
                    },
                    if d.stalled { ", STALLED" } else { "" },
                    disturbance(d.failed, blocked, attempt),
                ));
                if let Some(k) = &e.sink {
                    let ratio = k.per_s / d.rate().max(1e-9);
                    rep.emit(json!({
                        "measure": "sink", "round": round, "concurrency": c,
                        "stored": k.stored, "per_s": k.per_s, "seconds": k.seconds,
                        "worker_per_s": d.rate(), "ratio_to_worker": ratio,
                        "exit": k.exit, "log": k.log,
                    }));
                    table.push(format!(
                        "| {round} | one sink storing the worker's results (PostgreSQL) | {c} | {:.0} | {ratio:.2} x the worker | | | | | {} results in {:.2} s |",
                        k.per_s, k.stored, k.seconds,
                    ));
                }
            }
        }
    }
    println!();
    println!(
        "| round | measurement | concurrency | per s | ratio | peak RSS MiB | worker CPU ms/item | broker CPU ms/item | machine CPU ms/item | notes |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for row in &table {
        println!("{row}");
    }
    println!();
    for (c, r) in &ratios {
        println!(
            "ratio at concurrency {c}: {} (target >= 0.8): e2e / min(relay, 2 x one-core offline); \
             vs attainable here (min(relay, cores / (offline + broker + page server CPU per article))): {}",
            r.iter()
                .map(|x| format!("{:.2}", x.0))
                .collect::<Vec<_>>()
                .join(", "),
            r.iter()
                .map(|x| format!("{:.2}", x.1))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "CPU columns: ms of CPU per result between the first and the last result (offline: per page, thread CPU); machine = all processes on this host. Raw: {}",
        opts.out.join("results.jsonl").display()
    );
    Ok(())
}

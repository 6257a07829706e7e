//! Test rig: a queue prefix of its own per test (deleted afterwards, also on
//! failure), the `fraudstat` binary as a child process, a local page server
//! with misbehaving routes, and a broker client to feed and drain queues.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use fraudstat::amqp::Names;
use fraudstat::configuration::Settings;
use lapin::options::{
    BasicAckOptions, BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// How long a test waits for the worker to produce what it expects before
/// giving up. A bound against hanging forever, not a speed assertion.
pub const PATIENCE: Duration = Duration::from_secs(90);

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn corpus_pages() -> PathBuf {
    crate_dir().join("tests/fixtures/corpus/pages")
}

pub fn corpus_gold() -> PathBuf {
    crate_dir().join("tests/fixtures/corpus/gold")
}

// ---------------------------------------------------------------- locking

/// Every test holds this lock shared; the test that closes every broker
/// connection takes it exclusively, so it never pulls the rug from under a
/// test's own client connection mid-assertion.
pub struct SuiteLock(#[allow(dead_code)] std::fs::File);

fn lock_file() -> std::fs::File {
    let path = std::env::temp_dir().join("fraudstat-worker-tests.lock");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .unwrap()
}

#[allow(clippy::incompatible_msrv)]
pub async fn lock_shared() -> SuiteLock {
    tokio::task::spawn_blocking(|| {
        let f = lock_file();
        f.lock_shared().unwrap();
        SuiteLock(f)
    })
    .await
    .unwrap()
}

#[allow(clippy::incompatible_msrv)]
pub async fn lock_exclusive() -> SuiteLock {
    tokio::task::spawn_blocking(|| {
        let f = lock_file();
        f.lock().unwrap();
        SuiteLock(f)
    })
    .await
    .unwrap()
}

// ---------------------------------------------------------------- broker

/// Deletes a test's queues and exchange when dropped, panicking or not.
pub struct BrokerGuard {
    settings: Settings,
}

impl Drop for BrokerGuard {
    fn drop(&mut self) {
        let names = Names::new(&self.settings);
        // Drop cannot await, and the test's runtime may be gone or busy: a
        // thread with a runtime of its own does the deleting.
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                for _ in 0..5 {
                    let Ok(conn) =
                        Connection::connect(AMQP_URL, ConnectionProperties::default()).await
                    else {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        continue;
                    };
                    let Ok(ch) = conn.create_channel().await else {
                        continue;
                    };
                    if fraudstat::amqp::topology::delete(&ch, &names).await.is_ok() {
                        let _ = conn.close(200, "bye".into()).await;
                        return;
                    }
                }
                eprintln!("could not delete the queues of {}", names.urls);
            });
        });
        let _ = handle.join();
    }
}

/// One test's world: its prefix, settings, a broker client and cleanup.
pub struct TestApp {
    pub prefix: String,
    pub names: Names,
    pub settings: Settings,
    env: Vec<(String, String)>,
    conn: Connection,
    channel: Mutex<Channel>,
    _guard: BrokerGuard,
    _lock: SuiteLock,
}

fn unique_prefix(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "fstest.{name}.{}.{}",
        std::process::id(),
        nanos % 1_000_000_000
    )
}

/// Settings every test worker gets: quick retries, a free metrics port,
/// private addresses allowed (the page server is on loopback).
fn base_env(prefix: &str) -> Vec<(String, String)> {
    [
        ("FRAUDSTAT_QUEUES__PREFIX", prefix),
        ("FRAUDSTAT_AMQP__URL", AMQP_URL),
        ("FRAUDSTAT_AMQP__HEARTBEAT_SECS", "5"),
        ("FRAUDSTAT_AMQP__PUBLISH_TIMEOUT_SECS", "5"),
        ("FRAUDSTAT_METRICS__LISTEN", "127.0.0.1:0"),
        ("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "true"),
        ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "5"),
        ("FRAUDSTAT_FETCH__CONNECT_TIMEOUT_SECS", "2"),
        ("FRAUDSTAT_RETRY__DELAYS_MS", "300,1000,3000"),
        ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "3"),
        ("FRAUDSTAT_RETRY__JITTER", "0.1"),
        ("FRAUDSTAT_WORKER__CONCURRENCY", "8"),
        ("FRAUDSTAT_WORKER__SHUTDOWN_GRACE_SECS", "20"),
        ("FRAUDSTAT_LOG__FORMAT", "json"),
        ("FRAUDSTAT_LOG__LEVEL", "info"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

impl TestApp {
    /// A fresh prefix with `overrides` over the base settings; declares the
    /// topology so messages can be published before a worker starts.
    pub async fn new(name: &str, overrides: &[(&str, &str)]) -> TestApp {
        Self::with_lock(name, overrides, lock_shared().await).await
    }

    pub async fn with_lock(name: &str, overrides: &[(&str, &str)], lock: SuiteLock) -> TestApp {
        let prefix = unique_prefix(name);
        let mut env = base_env(&prefix);
        for (k, v) in overrides {
            env.retain(|(ek, _)| ek != k);
            env.push((k.to_string(), v.to_string()));
        }
        let settings =
            Settings::load_with_env(Some(&crate_dir().join("config")), None, env.clone()).unwrap();
        let names = Names::new(&settings);
        let guard = BrokerGuard {
            settings: settings.clone(),
        };
        let conn = Connection::connect(
            AMQP_URL,
            ConnectionProperties::default()
                .with_connection_name(format!("test {prefix}").into())
                .enable_auto_recover(),
        )
        .await
        .unwrap();
        let channel = conn.create_channel().await.unwrap();
        fraudstat::amqp::topology::declare(&channel, &names)
            .await
            .unwrap();
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .unwrap();
        TestApp {
            prefix,
            names,
            settings,
            env,
            conn,
            channel: Mutex::new(channel),
            _guard: guard,
            _lock: lock,
        }
    }

    async fn channel(&self) -> Channel {
        let mut slot = self.channel.lock().unwrap().clone();
        if !slot.status().connected() {
            // After a broker restart the connection recovers on its own;
            // until it has, opening a channel fails.
            let deadline = tokio::time::Instant::now() + PATIENCE;
            slot = loop {
                match self.conn.create_channel().await {
                    Ok(c) => break c,
                    Err(e) => {
                        assert!(tokio::time::Instant::now() < deadline, "{e}");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            };
            slot.confirm_select(ConfirmSelectOptions::default())
                .await
                .unwrap();
            *self.channel.lock().unwrap() = slot.clone();
        }
        slot
    }

    /// Publishes a raw body to the input queue and waits for the confirm.
    pub async fn publish(&self, body: &[u8], headers: Option<FieldTable>) {
        let mut props = BasicProperties::default().with_delivery_mode(2);
        if let Some(h) = headers {
            props = props.with_headers(h);
        }
        let ch = self.channel().await;
        let confirm = ch
            .basic_publish(
                "".into(),
                self.names.urls.as_str().into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..Default::default()
                },
                body,
                props,
            )
            .await
            .unwrap()
            .await
            .unwrap();
        assert!(confirm.is_ack());
    }

    /// Publishes a body straight to any queue of this test.
    pub async fn publish_to(&self, queue: &str, body: &[u8]) {
        assert!(self.try_publish_to(queue, body).await, "nacked");
    }

    /// As [`TestApp::publish_to`]; false when the broker refused it.
    pub async fn try_publish_to(&self, queue: &str, body: &[u8]) -> bool {
        let ch = self.channel().await;
        let confirm = ch
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..Default::default()
                },
                body,
                BasicProperties::default().with_delivery_mode(2),
            )
            .await
            .unwrap()
            .await
            .unwrap();
        confirm.is_ack() && confirm.take_message().is_none()
    }

    pub async fn publish_url(&self, url: &str) {
        self.publish(url.as_bytes(), None).await;
    }

    /// Messages now in a queue (ready ones).
    pub async fn queue_len(&self, queue: &str) -> u32 {
        let ch = self.channel().await;
        ch.queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap()
        .message_count()
    }

    /// Takes every message now in `queue`.
    pub async fn drain(&self, queue: &str) -> Vec<lapin::message::BasicGetMessage> {
        let ch = self.channel().await;
        let mut out = Vec::new();
        while let Some(m) = ch
            .basic_get(queue.into(), BasicGetOptions::default())
            .await
            .unwrap()
        {
            m.delivery
                .acker
                .ack(BasicAckOptions::default())
                .await
                .unwrap();
            out.push(m);
        }
        out
    }

    /// Collects results and failure records until there are at least
    /// `results` and `failed` of them, or PATIENCE runs out (then panics
    /// with what was seen).
    pub async fn collect(&self, results: usize, failed: usize) -> Collected {
        self.collect_until(|got| got.results.len() >= results && got.failed.len() >= failed)
            .await
    }

    /// Collects results and failure records until `done` says so.
    pub async fn collect_until(&self, done: impl Fn(&Collected) -> bool) -> Collected {
        let mut got = Collected::default();
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            for m in self.drain(&self.names.results_queue).await {
                got.results.push(Message::from(m));
            }
            for m in self.drain(&self.names.failed).await {
                got.failed.push(Message::from(m));
            }
            if done(&got) {
                return got;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "waited {PATIENCE:?}; got {} results and {} failures: {:#?}",
                    got.results.len(),
                    got.failed.len(),
                    got
                );
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// This test's `FRAUDSTAT_…` variables, for running other commands.
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    /// Starts `fraudstat worker` with this test's settings.
    pub fn spawn_worker(&self) -> WorkerProcess {
        self.spawn_worker_with(&[])
    }

    pub fn spawn_worker_with(&self, extra: &[(&str, &str)]) -> WorkerProcess {
        let mut env = self.env.clone();
        for (k, v) in extra {
            env.retain(|(ek, _)| ek != k);
            env.push((k.to_string(), v.to_string()));
        }
        WorkerProcess::spawn(&["worker"], &env, None)
    }

    /// Runs `fraudstat enqueue` with `input` on stdin.
    pub async fn enqueue(&self, input: &str) -> (ExitStatus, Vec<String>) {
        let mut p = WorkerProcess::spawn(&["enqueue"], &self.env, Some(input.to_string()));
        let status = p.wait().await;
        (status, p.logs())
    }

    /// Closes this test's client connection (the rest is done by Drop).
    pub async fn close(self) {
        let _ = self.conn.close(200, "done".into()).await;
    }
}

/// A message drained from a queue, decoded.
#[derive(Debug, Clone)]
pub struct Message {
    pub json: serde_json::Value,
    pub raw: Vec<u8>,
    pub headers: HashMap<String, String>,
    pub message_id: Option<String>,
    pub persistent: bool,
}

impl From<lapin::message::BasicGetMessage> for Message {
    fn from(m: lapin::message::BasicGetMessage) -> Self {
        let props = &m.delivery.properties;
        let mut headers = HashMap::new();
        if let Some(h) = props.headers() {
            for (k, v) in h.inner() {
                let s = match v {
                    lapin::types::AMQPValue::LongString(s) => s.to_string(),
                    other => format!("{other:?}"),
                };
                headers.insert(k.to_string(), s);
            }
        }
        Message {
            json: serde_json::from_slice(&m.delivery.data).unwrap_or(serde_json::Value::Null),
            raw: m.delivery.data.clone(),
            headers,
            message_id: props.message_id().as_ref().map(|s| s.to_string()),
            persistent: *props.delivery_mode() == Some(2),
        }
    }
}

#[derive(Debug, Default)]
pub struct Collected {
    pub results: Vec<Message>,
    pub failed: Vec<Message>,
}

impl Collected {
    pub fn failure_for(&self, url: &str) -> &Message {
        self.failed
            .iter()
            .find(|m| m.json["url"] == url)
            .unwrap_or_else(|| panic!("no failure record for {url}: {self:#?}"))
    }

    pub fn result_for(&self, url: &str) -> &Message {
        self.results
            .iter()
            .find(|m| m.json["url"] == url)
            .unwrap_or_else(|| panic!("no result for {url}: {self:#?}"))
    }
}

// ---------------------------------------------------------------- worker process

/// The `fraudstat` binary as a child, its stderr (JSON logs) captured.
pub struct WorkerProcess {
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
}

impl WorkerProcess {
    pub fn spawn(args: &[&str], env: &[(String, String)], stdin: Option<String>) -> WorkerProcess {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fraudstat"));
        cmd.arg("--config-dir")
            .arg(crate_dir().join("config"))
            .args(args)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .kill_on_drop(true);
        for (k, _) in std::env::vars() {
            if k.starts_with("FRAUDSTAT_") {
                cmd.env_remove(k);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().unwrap();
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                let _ = pipe.write_all(input.as_bytes()).await;
            });
        }
        let logs = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if std::env::var_os("FRAUDSTAT_TEST_ECHO").is_some() {
                    eprintln!("{line}");
                }
                sink.lock().unwrap().push(line);
            }
        });
        WorkerProcess { child, logs }
    }

    pub fn pid(&self) -> i32 {
        self.child.id().map(|p| p as i32).unwrap_or(0)
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Log lines parsed as JSON.
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.logs()
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Waits until a log line's message is `message`; returns that line.
    pub async fn wait_for_log(&self, message: &str) -> serde_json::Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(e) = self
                .events()
                .into_iter()
                .find(|e| e["fields"]["message"] == message)
            {
                return e;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no log line {message:?}; logs: {:#?}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The metrics listener's address, once the worker has said it.
    pub async fn metrics_addr(&self) -> SocketAddr {
        let e = self.wait_for_log("metrics listening").await;
        e["fields"]["addr"].as_str().unwrap().parse().unwrap()
    }

    /// Waits until the worker consumes (readiness is then true).
    pub async fn wait_consuming(&self) {
        self.wait_for_log("consuming").await;
    }

    pub fn signal(&self, sig: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn sigterm(&self) {
        self.signal("TERM");
    }

    pub fn kill9(&self) {
        self.signal("KILL");
    }

    /// The exit status, if the process has ended (without waiting).
    pub fn try_exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    pub async fn wait(&mut self) -> ExitStatus {
        tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .expect("process did not exit")
            .unwrap()
    }
}

/// GET over plain HTTP/1.1 on loopback: status and body.
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Value of a Prometheus sample (`name` with its label set as written),
/// summed over every line that starts with it.
pub fn metric(text: &str, name_and_labels: &str) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            (k == name_and_labels).then(|| v.parse::<f64>().ok())?
        })
        .sum()
}

// ---------------------------------------------------------------- page server

/// A page server on 127.0.0.1:0 with well-behaved and badly behaved routes;
/// counts every request by path.
pub struct PageServer {
    pub addr: SocketAddr,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    total: Arc<AtomicUsize>,
    concurrency: Arc<(AtomicUsize, AtomicUsize)>,
}

#[derive(Clone)]
struct ServerState {
    hits: Arc<Mutex<HashMap<String, usize>>>,
    total: Arc<AtomicUsize>,
    addr: SocketAddr,
    /// Requests being served now, and the most ever at once.
    concurrency: Arc<(AtomicUsize, AtomicUsize)>,
}

/// A short page with a statistic in it, for routes that need some content.
pub const SAMPLE_PAGE: &str =
    "警方通报\n今年以来，全市共破获电信网络诈骗案件1234起，抓获犯罪嫌疑人567名，同比下降12.5%。\n";

impl PageServer {
    pub async fn start() -> PageServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let total = Arc::new(AtomicUsize::new(0));
        let concurrency = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let state = ServerState {
            hits: hits.clone(),
            total: total.clone(),
            addr,
            concurrency: concurrency.clone(),
        };
        let app = Router::new()
            .route("/pages/{name}", get(corpus_page))
            .route("/html/{name}", get(html_page))
            .route("/site/{name}", get(site_page))
            .route("/ok/{key}", get(ok_page))
            .route("/status/{code}", get(status_page))
            .route("/flaky/{key}", get(flaky_page))
            .route("/limited/{key}", get(limited_page))
            .route("/slow/{ms}", get(slow_page))
            .route("/slow/{ms}/{key}", get(slow_page_keyed))
            .route("/big", get(big_page))
            .route("/big-declared", get(big_declared_page))
            .route("/image", get(image_page))
            .route("/redirect", get(redirect_page))
            .layer(axum::middleware::from_fn_with_state(state.clone(), count))
            .with_state(state);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        PageServer {
            addr,
            hits,
            total,
            concurrency,
        }
    }

    /// The most requests this server ever served at once.
    pub fn max_concurrent(&self) -> usize {
        self.concurrency.1.load(Ordering::SeqCst)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn total_hits(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }
}

async fn count(
    State(state): State<ServerState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path().to_string();
    *state.hits.lock().unwrap().entry(path).or_default() += 1;
    state.total.fetch_add(1, Ordering::SeqCst);
    let (now, max) = &*state.concurrency;
    let current = now.fetch_add(1, Ordering::SeqCst) + 1;
    max.fetch_max(current, Ordering::SeqCst);
    let response = next.run(req).await;
    now.fetch_sub(1, Ordering::SeqCst);
    response
}

fn text(body: impl Into<Body>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

async fn corpus_page(UrlPath(name): UrlPath<String>) -> Response {
    serve_file(&corpus_pages(), &name, "text/plain; charset=utf-8")
}

async fn html_page(UrlPath(name): UrlPath<String>) -> Response {
    serve_file(&crate_dir().join("tests/fixtures/html"), &name, "text/html")
}

fn serve_file(dir: &Path, name: &str, content_type: &'static str) -> Response {
    if name.contains('/') || name.contains("..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    match std::fs::read(dir.join(name)) {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The HTML fixtures as their manifest says a site serves them: with the
/// manifest's `Content-Type` header (or none), lying ones included.
async fn site_page(UrlPath(name): UrlPath<String>) -> Response {
    let Some(fixture) = html_manifest().into_iter().find(|f| f.file == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = std::fs::read(crate_dir().join("tests/fixtures/html").join(&fixture.file))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match fixture.content_type {
        Some(ct) => ([(header::CONTENT_TYPE, ct)], bytes).into_response(),
        None => bytes.into_response_without_type(),
    }
}

/// One generated HTML page of `tests/fixtures/html/manifest.json`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct HtmlFixture {
    pub file: String,
    pub page: String,
    pub content_type: Option<String>,
    pub charset: String,
}

/// The HTML fixtures, or none when this checkout has no manifest.
pub fn html_manifest() -> Vec<HtmlFixture> {
    std::fs::read_to_string(crate_dir().join("tests/fixtures/html/manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

trait WithoutType {
    fn into_response_without_type(self) -> Response;
}

impl WithoutType for Vec<u8> {
    /// A body with no `Content-Type` at all (axum would add one for bytes).
    fn into_response_without_type(self) -> Response {
        let mut r = Response::new(Body::from(self));
        r.headers_mut().remove(header::CONTENT_TYPE);
        r
    }
}

async fn ok_page() -> Response {
    text(SAMPLE_PAGE)
}

async fn status_page(UrlPath(code): UrlPath<u16>) -> Response {
    StatusCode::from_u16(code)
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        .into_response()
}

/// 500 on the first request, the page afterwards.
async fn flaky_page(State(state): State<ServerState>, UrlPath(key): UrlPath<String>) -> Response {
    let n = state
        .hits
        .lock()
        .unwrap()
        .get(&format!("/flaky/{key}"))
        .copied();
    if n == Some(1) {
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    } else {
        text(SAMPLE_PAGE)
    }
}

/// 429 with `Retry-After: 2` on the first request, the page afterwards.
async fn limited_page(State(state): State<ServerState>, UrlPath(key): UrlPath<String>) -> Response {
    let n = state
        .hits
        .lock()
        .unwrap()
        .get(&format!("/limited/{key}"))
        .copied();
    if n == Some(1) {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        (StatusCode::TOO_MANY_REQUESTS, h).into_response()
    } else {
        text(SAMPLE_PAGE)
    }
}

async fn slow_page(UrlPath(ms): UrlPath<u64>) -> Response {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    text(SAMPLE_PAGE)
}

async fn slow_page_keyed(UrlPath((ms, _key)): UrlPath<(u64, String)>) -> Response {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    text(SAMPLE_PAGE)
}

/// 4 MiB streamed without Content-Length: only the streaming cap stops it.
async fn big_page() -> Response {
    let chunk = bytes_of(64 * 1024);
    let stream =
        futures_util::stream::iter((0..64).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// 4 MiB with Content-Length: refused before reading.
async fn big_declared_page() -> Response {
    text(bytes_of(4 * 1024 * 1024))
}

fn bytes_of(n: usize) -> axum::body::Bytes {
    axum::body::Bytes::from("诈".repeat(n / 3))
}

async fn image_page() -> Response {
    (
        [(header::CONTENT_TYPE, "image/png")],
        vec![0x89u8, b'P', b'N', b'G'],
    )
        .into_response()
}

/// 302 to `?to=`.
async fn redirect_page(uri: axum::http::Uri) -> Response {
    let to = uri
        .query()
        .and_then(|q| q.strip_prefix("to="))
        .unwrap_or_default()
        .to_string();
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

/// Clears a broker policy when dropped, so a failing test leaves none behind.
pub struct PolicyGuard(pub String);

impl PolicyGuard {
    /// Sets the policy `name` with `definition` (JSON) on exactly the queue
    /// `queue`; the broker applies it a moment later.
    pub fn on_queue(name: &str, queue: &str, definition: &str) -> PolicyGuard {
        let pattern = format!("^{}$", regex_escape(queue));
        let out = std::process::Command::new("rabbitmqctl")
            .args([
                "set_policy",
                "--apply-to",
                "queues",
                name,
                &pattern,
                definition,
            ])
            .output()
            .expect("rabbitmqctl");
        assert!(out.status.success(), "rabbitmqctl set_policy: {out:?}");
        PolicyGuard(name.to_string())
    }
}

impl Drop for PolicyGuard {
    fn drop(&mut self) {
        let _ = std::process::Command::new("rabbitmqctl")
            .args(["clear_policy", &self.0])
            .output();
    }
}

/// `s` with every character a regex could read specially escaped (queue
/// names in policy patterns).
pub fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect()
}

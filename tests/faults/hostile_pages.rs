//! Pages built to hurt the worker, each served to a real `fraudstat
//! worker` by a page server of this file. Each must end as a clear failure
//! record or a correct result, within a hang guard and a memory bound
//! (the worker's peak RSS, `VmHWM`), and the worker must then do a normal
//! page as if nothing happened.

use std::io::Write;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::helpers::*;
use crate::ledger::vm_hwm_kib;

/// Hang guard per hostile page: the harness's patience (90 s), far above
/// the fetch timeout (3 s here) and the slowest pipeline run below.
const GUARD: Duration = PATIENCE;

/// Peak RSS allowed to the worker, whatever it was fed. Generous: it has
/// an 8 MiB body cap (16 MiB in the long-line test), and a page the size
/// of the cap costs it about twenty times that at its peak.
const MAX_RSS_KIB: u64 = 768 * 1024;

/// The statistic every readable page here carries.
const SENTENCE_HANS: &str =
    "今年以来，全市共破获电信网络诈骗案件1234起，抓获犯罪嫌疑人567名，同比下降12.5%。";
const SENTENCE_HANT: &str =
    "今年以來，全市共破獲電信網絡詐騙案件1234起，抓獲犯罪嫌疑人567名，同比下降12.5%。";

struct HostileServer {
    addr: std::net::SocketAddr,
}

impl HostileServer {
    async fn start() -> HostileServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new()
            .route("/ok", get(|| async { html_utf8(page(SENTENCE_HANS)) }))
            .route("/gzip-bomb", get(gzip_bomb))
            .route("/endless", get(endless))
            .route("/drip", get(drip))
            .route("/fifty-mb", get(fifty_mb))
            .route("/fifty-mb-streamed", get(fifty_mb_streamed))
            .route("/nested", get(nested))
            .route("/long-line/{mb}", get(long_line))
            .route("/invalid/{charset}", get(invalid_bytes))
            .route("/lying", get(lying_charset))
            .route("/binary", get(binary))
            .route("/loop", get(redirect_loop))
            .route("/controls", get(controls));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        HostileServer { addr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>警方通报</title></head><body><article><h1>警方通报</h1><p>{body}</p></article></body></html>"
    )
}

fn html_utf8(body: impl Into<Body>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

/// 128 MiB of zeros (sixteen times the body cap), gzipped to about
/// 128 KiB, served as gzip-encoded HTML.
fn bomb() -> Bytes {
    static BOMB: OnceLock<Bytes> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..128 {
            enc.write_all(&zeros).unwrap();
        }
        Bytes::from(enc.finish().unwrap())
    })
    .clone()
}

async fn gzip_bomb() -> Response {
    let bomb = tokio::task::spawn_blocking(bomb).await.unwrap();
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_ENCODING, "gzip"),
        ],
        bomb,
    )
        .into_response()
}

/// Never ends: 64 KiB chunks of text forever, no `Content-Length`.
async fn endless() -> Response {
    let chunk = Bytes::from(SENTENCE_HANS.repeat(64 * 1024 / SENTENCE_HANS.len()));
    let stream = futures_util::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
    html_utf8(Body::from_stream(stream))
}

/// One byte a second, forever.
async fn drip() -> Response {
    let stream = futures_util::stream::unfold(0u64, |n| async move {
        if n > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Some((Ok::<_, std::io::Error>(Bytes::from_static(b"<")), n + 1))
    });
    html_utf8(Body::from_stream(stream))
}

fn fifty_mb_body() -> Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    BODY.get_or_init(|| {
        let para = format!("<p>{}</p>\n", SENTENCE_HANS.repeat(20));
        let n = 50 * 1024 * 1024 / para.len() + 1;
        Bytes::from(page(&para.repeat(n)))
    })
    .clone()
}

/// 50 MB with its `Content-Length`.
async fn fifty_mb() -> Response {
    html_utf8(tokio::task::spawn_blocking(fifty_mb_body).await.unwrap())
}

/// The same 50 MB streamed in 1 MiB chunks with no length announced.
async fn fifty_mb_streamed() -> Response {
    let body = tokio::task::spawn_blocking(fifty_mb_body).await.unwrap();
    let chunks: Vec<Bytes> = (0..body.len())
        .step_by(1 << 20)
        .map(|i| body.slice(i..(i + (1 << 20)).min(body.len())))
        .collect();
    html_utf8(Body::from_stream(futures_util::stream::iter(
        chunks.into_iter().map(Ok::<_, std::io::Error>),
    )))
}

/// The article inside 100 000 nested `<div>`s.
async fn nested() -> Response {
    let depth = 100_000;
    html_utf8(format!(
        "<html><head><title>警方通报</title></head><body>{}<p>{SENTENCE_HANS}</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    ))
}

/// `mb` MB of text on one line, figures all along it.
async fn long_line(axum::extract::Path(mb): axum::extract::Path<usize>) -> Response {
    let body = tokio::task::spawn_blocking(move || {
        let n = mb * 1000 * 1000 / SENTENCE_HANS.len() + 1;
        SENTENCE_HANS.repeat(n)
    })
    .await
    .unwrap();
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// A page in `charset`, labelled so, with invalid sequences of that
/// charset in a paragraph of their own around the statistic.
async fn invalid_bytes(axum::extract::Path(charset): axum::extract::Path<String>) -> Response {
    let (encoding, sentence, bad): (&'static encoding_rs::Encoding, &str, &[u8]) =
        match charset.as_str() {
            // Stray continuation, truncated sequence, surrogate, overlong.
            "utf-8" => (
                encoding_rs::UTF_8,
                SENTENCE_HANS,
                b"\x80\xbf \xe4\xbd \xed\xa0\x80 \xc0\xaf \xf8\x88\x80\x80\x80 \xff",
            ),
            // Lead bytes without a valid trail, 0x80 and 0xff alone.
            "gbk" => (
                encoding_rs::GBK,
                SENTENCE_HANS,
                b"\x81\x20 \x80 \xff \xfe\x7f \x81",
            ),
            // Also a four-byte sequence cut short and one out of range.
            "gb18030" => (
                encoding_rs::GB18030,
                SENTENCE_HANS,
                b"\x81\x30\x81 \x84\x31\xa5\x30 \xff\xff \x81",
            ),
            "big5" => (
                encoding_rs::BIG5,
                SENTENCE_HANT,
                b"\x81\x40 \xa1\x30 \xff \xfe\xfe \xa4",
            ),
            _ => return StatusCode::NOT_FOUND.into_response(),
        };
    let (head, _, _) = encoding.encode("<html><head><title>警方通报</title></head><body><p>");
    let (text, _, _) = encoding.encode(sentence);
    let mut body = head.into_owned();
    body.extend_from_slice(bad);
    body.extend_from_slice(b"</p><p>");
    body.extend_from_slice(&text);
    body.extend_from_slice(b"</p><p>");
    body.extend_from_slice(bad);
    body.extend_from_slice(b"</p></body></html>");
    let ct = format!("text/html; charset={charset}");
    ([(header::CONTENT_TYPE, ct)], body).into_response()
}

/// GBK bytes under a header that says Big5.
async fn lying_charset() -> Response {
    let html = page(SENTENCE_HANS);
    let (bytes, _, _) = encoding_rs::GBK.encode(&html);
    (
        [(header::CONTENT_TYPE, "text/html; charset=big5")],
        bytes.into_owned(),
    )
        .into_response()
}

/// 1 MiB of pseudo-random bytes called HTML.
async fn binary() -> Response {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    ([(header::CONTENT_TYPE, "text/html")], bytes).into_response()
}

async fn redirect_loop() -> Response {
    (StatusCode::FOUND, [(header::LOCATION, "/loop")]).into_response()
}

/// NUL and every other C0 control, between and inside the lines.
async fn controls() -> Response {
    let controls: String = (0u8..0x20)
        .filter(|b| *b != b'\n')
        .map(char::from)
        .collect();
    let body = format!(
        "警方\0通报\x07\n{controls}\n\0\0\0{SENTENCE_HANS}\x1b[31m\x00\n{controls}{controls}\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// What came of one hostile page, and of the normal page after it.
struct Run {
    outcomes: Vec<Message>,
    peak_rss_kib: u64,
    took: Vec<Duration>,
}

/// Feeds `paths` to a fresh worker one at a time, then a normal page;
/// returns each hostile page's outcome (result or failure record).
async fn through_worker(name: &str, env: &[(&str, &str)], paths: &[&str]) -> Run {
    let mut all_env = vec![
        ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "3"),
        ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "1"),
    ];
    all_env.extend_from_slice(env);
    let app = TestApp::new(name, &all_env).await;
    let server = HostileServer::start().await;
    let mut worker = app.spawn_worker();
    worker.wait_consuming().await;
    let mut outcomes = Vec::new();
    let mut took = Vec::new();
    for (i, path) in paths.iter().chain(std::iter::once(&"/ok")).enumerate() {
        let id = format!("hostile-{i}");
        let url = server.url(path);
        let started = Instant::now();
        app.publish(
            serde_json::json!({"url": url, "id": id})
                .to_string()
                .as_bytes(),
            None,
        )
        .await;
        let got = tokio::time::timeout(
            GUARD,
            app.collect_until(|got| {
                got.results
                    .iter()
                    .chain(&got.failed)
                    .any(|m| m.json["id"] == id.as_str())
            }),
        )
        .await
        .unwrap_or_else(|_| panic!("{path}: no outcome within {GUARD:?}"));
        took.push(started.elapsed());
        let mut all: Vec<Message> = got.results.into_iter().chain(got.failed).collect();
        assert_eq!(all.len(), 1, "{path}: {all:#?}");
        outcomes.push(all.remove(0));
    }
    let peak_rss_kib = vm_hwm_kib(worker.pid()).unwrap_or(0);
    // The worker went on: the normal page after the hostile ones is done.
    let after = outcomes.pop().unwrap();
    assert!(
        after.json["statistics"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "the normal page after {paths:?}: {}",
        after.json
    );
    worker.sigterm();
    assert!(worker.wait().await.success());
    eprintln!(
        "HOSTILE {name}: {} | peak RSS {} MiB | {:?}",
        outcomes.iter().map(describe).collect::<Vec<_>>().join("; "),
        peak_rss_kib / 1024,
        took
    );
    assert!(peak_rss_kib > 0, "no VmHWM");
    assert!(
        peak_rss_kib < MAX_RSS_KIB,
        "{name}: peak RSS {peak_rss_kib} KiB"
    );
    app.close().await;
    took.pop();
    Run {
        outcomes,
        peak_rss_kib,
        took,
    }
}

fn describe(m: &Message) -> String {
    if m.json["error"].is_object() {
        format!("failure {}", m.json["error"]["kind"])
    } else {
        format!(
            "result ({} statistics, charset {})",
            m.json["statistics"].as_array().map_or(0, Vec::len),
            m.json["http"]["charset"]
        )
    }
}

fn assert_failure(m: &Message, kind: &str) {
    assert_eq!(m.json["error"]["kind"], kind, "{}", m.json);
    assert!(
        m.json["error"]["message"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{}",
        m.json
    );
}

/// A result that found the page's own statistic (1234 cases).
fn assert_found_the_statistic(m: &Message) {
    let stats = m.json["statistics"]
        .as_array()
        .unwrap_or_else(|| panic!("not a result: {}", m.json));
    assert!(
        stats.iter().any(|s| s["value"] == 1234.0),
        "the statistic did not survive: {}",
        m.json
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gzip_bomb_stops_at_the_body_cap() {
    // Built before the worker asks, so the fetch timeout cannot hide the cap.
    tokio::task::spawn_blocking(bomb).await.unwrap();
    let run = through_worker("h-bomb", &[], &["/gzip-bomb"]).await;
    assert_failure(&run.outcomes[0], "too_large");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_body_stops_at_the_body_cap() {
    let run = through_worker("h-endless", &[], &["/endless"]).await;
    assert_failure(&run.outcomes[0], "too_large");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_drip_hits_the_total_timeout() {
    let run = through_worker("h-drip", &[], &["/drip"]).await;
    assert_failure(&run.outcomes[0], "timeout");
    assert!(run.took[0] < Duration::from_secs(30), "{:?}", run.took);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifty_megabyte_page_is_refused_declared_or_streamed() {
    let run = through_worker("h-50mb", &[], &["/fifty-mb", "/fifty-mb-streamed"]).await;
    assert_failure(&run.outcomes[0], "too_large");
    assert_failure(&run.outcomes[1], "too_large");
}

#[tokio::test(flavor = "multi_thread")]
async fn html_nested_a_hundred_thousand_deep_is_read() {
    let run = through_worker("h-nested", &[], &["/nested"]).await;
    assert_found_the_statistic(&run.outcomes[0]);
}

/// 10 MB on one line is refused at the default 8 MiB cap; a 1 MB line is
/// read (the pipeline's worst case: sentence and figure bounds keep it
/// linear). The tests run the debug binary, ten times slower than a
/// release build; docs/reliability.md gives the release figures for a
/// line of the full cap.
#[tokio::test(flavor = "multi_thread")]
async fn a_ten_megabyte_single_line_is_refused_and_a_long_line_read() {
    let run = through_worker("h-line", &[], &["/long-line/10", "/long-line/1"]).await;
    assert_failure(&run.outcomes[0], "too_large");
    assert_found_the_statistic(&run.outcomes[1]);
    assert_eq!(
        run.outcomes[1].json["http"]["bytes"].as_u64().unwrap() / 1_000_000,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_byte_sequences_in_every_supported_charset_are_survived() {
    let charsets = ["utf-8", "gbk", "gb18030", "big5"];
    let paths: Vec<String> = charsets.iter().map(|c| format!("/invalid/{c}")).collect();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let run = through_worker("h-invalid", &[], &refs).await;
    for (m, cs) in run.outcomes.iter().zip(charsets) {
        assert_found_the_statistic(m);
        // The bad bytes do not talk the decoder out of the right charset
        // family (GBK pages may be read as its superset GB18030).
        let got = m.json["http"]["charset"].as_str().unwrap();
        let family = |c: &str| if c.starts_with("gb") { "gb" } else { c }.to_string();
        assert_eq!(family(got), family(cs), "{cs}: {}", m.json);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lying_charset_header_is_seen_through() {
    let run = through_worker("h-lying", &[], &["/lying"]).await;
    let m = &run.outcomes[0];
    assert_found_the_statistic(m);
    assert!(
        m.json["http"]["charset"]
            .as_str()
            .unwrap()
            .starts_with("gb"),
        "{}",
        m.json
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_served_as_html_ends_cleanly() {
    let run = through_worker("h-binary", &[], &["/binary"]).await;
    let m = &run.outcomes[0];
    // Noise has no statistics; what matters is a clean, bounded end.
    if m.json["error"].is_object() {
        assert!(m.json["error"]["kind"].is_string(), "{}", m.json);
    } else {
        assert_eq!(m.json["http"]["status"], 200, "{}", m.json);
        assert!(m.json["statistics"].is_array());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_loop_is_a_redirect_failure() {
    let run = through_worker("h-loop", &[], &["/loop"]).await;
    assert_failure(&run.outcomes[0], "redirect");
}

#[tokio::test(flavor = "multi_thread")]
async fn nul_and_control_characters_are_survived() {
    let run = through_worker("h-controls", &[], &["/controls"]).await;
    let m = &run.outcomes[0];
    assert_found_the_statistic(m);
    let text = m.json["article"]["text"].as_str().unwrap_or_default();
    assert!(!text.contains('\0'), "NUL in the article text: {text:?}");
    let _ = run.peak_rss_kib;
}

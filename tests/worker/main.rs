//! `fraudstat worker` against the real local RabbitMQ and a local page
//! server. Each test has a queue prefix of its own and deletes its queues
//! afterwards, so the tests run side by side and leave the broker clean.
//!
//! Needs RabbitMQ on 127.0.0.1:5672 (guest/guest); `rabbitmqctl` for the
//! connection-closing test.

mod helpers;
mod otel;

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use fraudstat::article_url::ArticleUrl;
use fraudstat::configuration::Settings;
use fraudstat::model::ExtractionResult;
use fraudstat::pipeline::{Document, Pipeline};
use helpers::*;
use lapin::types::{AMQPValue, FieldTable};

/// Asserts what every result must look like, whatever the page.
fn assert_result_shape(m: &Message, url: &str) {
    let r: ExtractionResult = serde_json::from_value(m.json.clone())
        .unwrap_or_else(|e| panic!("result is not an ExtractionResult ({e}): {}", m.json));
    assert_eq!(r.url, url);
    assert_eq!(r.id, ArticleUrl::parse(url).unwrap().stable_id());
    assert_eq!(m.message_id.as_deref(), Some(r.id.as_str()));
    assert!(m.persistent, "results must be persistent");
    assert_eq!(r.worker.version, env!("CARGO_PKG_VERSION"));
    assert!(r.attempts >= 1);
    let tp = m.headers.get("traceparent").expect("traceparent on result");
    assert_eq!(tp.len(), 55, "{tp}");
    assert!(tp.starts_with("00-"));
}

/// Units compared as the spec's scorer compares them (its alias table).
fn norm_unit(u: &str) -> String {
    u.trim()
        .chars()
        .map(|c| match c {
            '個' => '个',
            '條' => '条',
            '筆' => '笔',
            '處' => '处',
            '萬' => '万',
            '億' => '亿',
            '％' => '%',
            c => c,
        })
        .collect()
}

fn gold_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_gold())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "json").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn happy_path_every_corpus_page_gives_one_result_matching_the_pipeline() {
    let app = TestApp::new("happy", &[]).await;
    let server = PageServer::start().await;
    let names = gold_names();
    assert!(names.len() >= 40, "corpus gold missing");
    let settings = Settings::load_with_env(
        Some(&crate_dir().join("config")),
        None,
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    let pipeline = Pipeline::load(&settings).unwrap();

    let mut urls = BTreeMap::new();
    for name in &names {
        let url = server.url(&format!("/pages/{name}.txt"));
        app.publish_url(&url).await;
        urls.insert(url, name.clone());
    }
    // One caller id and meta, passed through.
    let first = urls.keys().next().unwrap().clone();
    let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let mut h = FieldTable::default();
    h.insert("traceparent".into(), AMQPValue::LongString(tp.into()));
    app.publish(
        serde_json::json!({"url": first, "id": "caller-7", "meta": {"crawl": 42}})
            .to_string()
            .as_bytes(),
        Some(h),
    )
    .await;

    let worker = app.spawn_worker();
    let got = app.collect(names.len() + 1, 0).await;
    assert_eq!(got.failed.len(), 0, "{:#?}", got.failed);
    assert_eq!(got.results.len(), names.len() + 1);

    for (url, name) in &urls {
        let matching: Vec<&Message> = got
            .results
            .iter()
            .filter(|m| m.json["url"] == url.as_str() && m.json["id"] != "caller-7")
            .collect();
        assert_eq!(matching.len(), 1, "{url}");
        let m = matching[0];
        assert_result_shape(m, url);
        // The worker must publish exactly what the pipeline makes of the
        // page: once the real stages land, this compares with the gold too
        // (the gold's scorer judges the pipeline; this judges the worker).
        let body = std::fs::read(corpus_pages().join(format!("{name}.txt"))).unwrap();
        let r: ExtractionResult = serde_json::from_value(m.json.clone()).unwrap();
        let local = pipeline.process(Document {
            id: r.id.clone(),
            url: url.clone(),
            final_url: url.clone(),
            status: 200,
            content_type: Some("text/plain; charset=utf-8".into()),
            body: &body,
            fetched_at: chrono::Utc::now(),
            meta: serde_json::Value::Null,
            attempts: 1,
        });
        assert_eq!(r.statistics, local.statistics, "{name}");
        assert_eq!(r.article, local.article, "{name}");
        assert_eq!(r.http.status, 200);
        assert_eq!(r.http.bytes, body.len());
        assert_eq!(r.http.content_type.as_deref(), Some("text/plain"));
        assert_eq!(r.final_url, *url);
        assert_eq!(r.attempts, 1);
        let gold: serde_json::Value = serde_json::from_slice(
            &std::fs::read(corpus_gold().join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(gold["page"], format!("{name}.txt"));
    }
    // Against the gold (value and unit, as the spec's scorer matches): the
    // worker's recall over the corpus must stay near what the pipeline
    // reaches on the command line (0.998 when this was written);
    // FRAUDSTAT_TEST_MIN_GOLD_RECALL moves the bar.
    let (mut found, mut wanted) = (0usize, 0usize);
    for (url, name) in &urls {
        let gold: serde_json::Value = serde_json::from_slice(
            &std::fs::read(corpus_gold().join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        let r = got
            .results
            .iter()
            .find(|m| m.json["url"] == url.as_str() && m.json["id"] != "caller-7")
            .unwrap();
        let mut pred: Vec<(f64, String)> = r.json["statistics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["value"].as_f64().unwrap_or(f64::NAN),
                    norm_unit(s["unit"].as_str().unwrap_or("")),
                )
            })
            .collect();
        for g in gold["statistics"].as_array().unwrap() {
            if g["optional"] == true {
                continue;
            }
            wanted += 1;
            let gv = g["value"].as_f64().unwrap_or(f64::NAN);
            let gu = norm_unit(g["unit"].as_str().unwrap_or(""));
            if let Some(i) = pred
                .iter()
                .position(|(v, u)| (*v - gv).abs() <= 1e-9 * gv.abs().max(1.0) && *u == gu)
            {
                pred.swap_remove(i);
                found += 1;
            }
        }
    }
    assert!(wanted > 400, "gold statistics missing: {wanted}");
    let recall = found as f64 / wanted as f64;
    let bar: f64 = std::env::var("FRAUDSTAT_TEST_MIN_GOLD_RECALL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.95);
    eprintln!("worker gold recall: {found}/{wanted} = {recall:.3} (bar {bar})");
    assert!(recall >= bar, "gold recall {recall:.3} below {bar}");

    let with_id = got
        .results
        .iter()
        .find(|m| m.json["id"] == "caller-7")
        .expect("caller id kept");
    assert_eq!(with_id.json["meta"]["crawl"], 42);
    assert_eq!(with_id.message_id.as_deref(), Some("caller-7"));
    // Spans are not exported here (no OTLP endpoint): the caller's context
    // is passed on unchanged, so the trace does not break at this worker
    // (tests/worker/tracing.rs covers export).
    assert_eq!(with_id.headers["traceparent"], tp);

    // /metrics agrees with what came out; health and readiness answer.
    let addr = worker.metrics_addr().await;
    let (status, text) = http_get(addr, "/metrics").await;
    assert_eq!(status, 200);
    let n = (names.len() + 1) as f64;
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"done\",kind=\"none\"}"
        ),
        n,
        "{text}"
    );
    assert_eq!(metric(&text, "fraudstat_messages_consumed_total"), n);
    assert_eq!(metric(&text, "fraudstat_messages_in_flight"), 0.0);
    assert!(text.contains("fraudstat_fetch_duration_seconds_bucket"));
    assert!(text.contains("fraudstat_processing_duration_seconds_bucket"));
    assert_eq!(http_get(addr, "/healthz").await.0, 200);
    assert_eq!(http_get(addr, "/readyz").await.0, 200);

    // One summary line per message, inside its span.
    let summaries: Vec<_> = worker
        .events()
        .into_iter()
        .filter(|e| e["fields"]["message"] == "message finished")
        .collect();
    assert_eq!(summaries.len(), names.len() + 1);
    for s in &summaries {
        assert_eq!(s["span"]["name"], "message");
        assert!(s["span"]["result_id"].is_string());
        assert!(s["span"]["url"].is_string());
        assert!(s["fields"]["total_ms"].is_number());
        assert!(s["fields"]["fetch_ms"].is_number());
    }

    worker.sigterm();
    let mut worker = worker;
    assert!(worker.wait().await.success());
    assert_eq!(app.queue_len(&app.names.urls).await, 0);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_message_bodies_go_to_the_failure_queue_at_once_and_work_carries_on() {
    let app = TestApp::new("bad", &[]).await;
    let server = PageServer::start().await;
    let long = format!("https://a.example/{}", "x".repeat(9000));
    let bodies: Vec<Vec<u8>> = vec![
        b"{not json".to_vec(),
        br#"{"id":"no-url"}"#.to_vec(),
        br#"{"url":"ftp://example.com/file"}"#.to_vec(),
        long.into_bytes(),
        b"".to_vec(),
        b"\xff\xfe\x00garbage".to_vec(),
        b"two words".to_vec(),
    ];
    for b in &bodies {
        app.publish(b, None).await;
    }
    let good = server.url("/ok/1");
    app.publish_url(&good).await;
    let mut worker = app.spawn_worker();
    let got = app.collect(1, bodies.len()).await;
    assert_eq!(got.failed.len(), bodies.len());
    assert_eq!(got.results.len(), 1);
    assert_result_shape(&got.results[0], &good);
    let mut seen_inputs = HashSet::new();
    for f in &got.failed {
        assert_eq!(f.json["error"]["kind"], "bad_message", "{}", f.json);
        assert!(f.json["error"]["message"].as_str().unwrap().len() > 5);
        assert_eq!(f.json["attempts"], 1);
        assert!(f.json["failed_at"].is_string());
        assert!(f.json["first_attempt_at"].is_string());
        assert!(f.persistent);
        assert_eq!(f.headers["x-fraudstat-error-kind"], "bad_message");
        seen_inputs.insert(f.json["input"].to_string());
    }
    // The input is kept whole: JSON as JSON, text as text.
    assert!(seen_inputs.contains(&serde_json::json!({"id": "no-url"}).to_string()));
    assert!(seen_inputs.contains(&serde_json::json!("{not json").to_string()));
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn not_found_and_other_permanent_errors_fail_at_once() {
    let app = TestApp::new("perm", &[]).await;
    let server = PageServer::start().await;
    let missing = server.url("/status/404");
    let gone = server.url("/status/410");
    let image = server.url("/image");
    for u in [&missing, &gone, &image] {
        app.publish_url(u).await;
    }
    let mut worker = app.spawn_worker();
    let got = app.collect(0, 3).await;
    let f = got.failure_for(&missing);
    assert_eq!(f.json["error"]["kind"], "http_status");
    assert_eq!(f.json["error"]["status"], 404);
    assert_eq!(f.json["attempts"], 1);
    assert_eq!(f.json["input"], missing.as_str());
    assert_eq!(got.failure_for(&gone).json["error"]["status"], 410);
    assert_eq!(got.failure_for(&image).json["error"]["kind"], "not_text");
    // Not retried: one request each.
    assert_eq!(server.hits("/status/404"), 1);
    assert_eq!(server.hits("/image"), 1);
    let addr = worker.metrics_addr().await;
    let text = http_get(addr, "/metrics").await.1;
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"failed\",kind=\"http_status\"}"
        ),
        2.0
    );
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"failed\",kind=\"not_text\"}"
        ),
        1.0
    );
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_500_then_200_is_retried_through_the_broker_and_done() {
    let app = TestApp::new("flaky", &[]).await;
    let server = PageServer::start().await;
    let url = server.url("/flaky/a");
    app.publish_url(&url).await;
    let mut worker = app.spawn_worker();
    let got = app.collect(1, 0).await;
    let r = got.result_for(&url);
    assert_result_shape(r, &url);
    assert_eq!(r.json["attempts"], 2);
    assert_eq!(server.hits("/flaky/a"), 2);
    let retry = worker
        .events()
        .into_iter()
        .find(|e| e["fields"]["outcome"] == "retry")
        .expect("a retry summary line");
    assert_eq!(retry["fields"]["error_kind"], "http_status");
    assert_eq!(retry["fields"]["status"], 500);
    assert_eq!(
        retry["fields"]["retry_queue"],
        format!("{}.retry.300ms", app.prefix)
    );
    let addr = worker.metrics_addr().await;
    let text = http_get(addr, "/metrics").await.1;
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"retry\",kind=\"http_status\"}"
        ),
        1.0
    );
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

/// `x-fraudstat-attempts` comes from outside: 2^62 on a crawler's message
/// must not make its first transient error final (nor overflow anything).
#[tokio::test(flavor = "multi_thread")]
async fn an_attempt_count_past_the_budget_from_outside_is_ignored() {
    let app = TestApp::new("attempts", &[]).await;
    let server = PageServer::start().await;
    let url = server.url("/flaky/huge-attempts");
    let mut h = FieldTable::default();
    h.insert(
        "x-fraudstat-attempts".into(),
        AMQPValue::LongLongInt(1 << 62),
    );
    app.publish(url.as_bytes(), Some(h)).await;
    let mut worker = app.spawn_worker();
    let got = app.collect(1, 0).await;
    let r = got.result_for(&url);
    assert_result_shape(r, &url);
    assert_eq!(r.json["attempts"], 2);
    assert_eq!(r.headers["x-fraudstat-attempts"], "LongLongInt(2)");
    assert_eq!(server.hits("/flaky/huge-attempts"), 2);
    let ignored = worker
        .wait_for_log(
            "attempt count from the input past the retry budget; counted as a first attempt",
        )
        .await;
    assert_eq!(ignored["fields"]["header_value"], 1u64 << 62);
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_with_retry_after_waits_in_a_queue_at_least_that_long() {
    let app = TestApp::new("limited", &[]).await;
    let server = PageServer::start().await;
    let url = server.url("/limited/a");
    app.publish_url(&url).await;
    let mut worker = app.spawn_worker();
    let got = app.collect(1, 0).await;
    assert_eq!(got.result_for(&url).json["attempts"], 2);
    let retry = worker
        .events()
        .into_iter()
        .find(|e| e["fields"]["outcome"] == "retry")
        .expect("a retry summary line");
    // Retry-After: 2 skips the 300 ms and 1 s queues for the 3 s one, and
    // the jittered delay never goes under what the server asked for.
    assert_eq!(
        retry["fields"]["retry_queue"],
        format!("{}.retry.3s", app.prefix)
    );
    let delay = retry["fields"]["retry_delay_ms"].as_u64().unwrap();
    assert!((2000..=3000).contains(&delay), "{delay}");
    assert_eq!(retry["fields"]["status"], 429);
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_slower_than_the_timeout_is_retried_then_recorded_as_a_timeout() {
    let app = TestApp::new("slow", &[("FRAUDSTAT_FETCH__TIMEOUT_SECS", "1")]).await;
    let server = PageServer::start().await;
    let url = server.url("/slow/3000");
    app.publish_url(&url).await;
    let mut worker = app.spawn_worker();
    let got = app.collect(0, 1).await;
    let f = got.failure_for(&url);
    assert_eq!(f.json["error"]["kind"], "timeout");
    assert_eq!(f.json["error"]["retries_exhausted"], true);
    // The budget is three attempts in all.
    assert_eq!(f.json["attempts"], 3);
    assert_eq!(server.hits("/slow/3000"), 3);
    assert_eq!(f.headers["x-fraudstat-attempts"], "LongLongInt(3)");
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_body_fails_at_once_whether_declared_or_streamed() {
    let app = TestApp::new("big", &[("FRAUDSTAT_FETCH__MAX_BODY_BYTES", "1048576")]).await;
    let server = PageServer::start().await;
    let streamed = server.url("/big");
    let declared = server.url("/big-declared");
    app.publish_url(&streamed).await;
    app.publish_url(&declared).await;
    let mut worker = app.spawn_worker();
    let got = app.collect(0, 2).await;
    for u in [&streamed, &declared] {
        let f = got.failure_for(u);
        assert_eq!(f.json["error"]["kind"], "too_large");
        assert_eq!(f.json["attempts"], 1);
    }
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_addresses_are_refused_without_a_single_request() {
    let app = TestApp::new(
        "forbidden",
        &[("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "false")],
    )
    .await;
    let server = PageServer::start().await;
    let port = server.addr.port();
    let urls = [
        server.url("/ok/1"),
        format!("http://localhost:{port}/ok/2"),
        format!("http://[::ffff:127.0.0.1]:{port}/ok/3"),
        format!("http://2130706433:{port}/ok/4"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/".to_string(),
    ];
    for u in &urls {
        app.publish_url(u).await;
    }
    let mut worker = app.spawn_worker();
    let got = app.collect(0, urls.len()).await;
    for f in &got.failed {
        assert_eq!(f.json["error"]["kind"], "forbidden_address", "{}", f.json);
        assert_eq!(f.json["attempts"], 1);
    }
    assert_eq!(server.total_hits(), 0, "a request reached the page server");
    let text = http_get(worker.metrics_addr().await, "/metrics").await.1;
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"failed\",kind=\"forbidden_address\"}"
        ),
        urls.len() as f64
    );
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_to_a_forbidden_address_is_refused() {
    // Only the page server's own address is allowed (as an in-cluster
    // source would be); every redirect target below is not.
    let app = TestApp::new(
        "redirect",
        &[
            ("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "false"),
            ("FRAUDSTAT_FETCH__ALLOWED_NETWORKS", "127.0.0.1/32"),
        ],
    )
    .await;
    let server = PageServer::start().await;
    let port = server.addr.port();
    let fine = server.url("/redirect?to=/ok/1");
    let targets = [
        "http://169.254.169.254/latest/meta-data/".to_string(),
        format!("http://[::1]:{port}/ok/2"),
        format!("http://127.0.0.2:{port}/ok/3"),
        format!("http://10.1.2.3:{port}/ok/4"),
    ];
    let redirects: Vec<String> = targets
        .iter()
        .map(|t| server.url(&format!("/redirect?to={t}")))
        .collect();
    app.publish_url(&fine).await;
    for r in &redirects {
        app.publish_url(r).await;
    }
    let mut worker = app.spawn_worker();
    let got = app.collect(1, redirects.len()).await;
    let ok = got.result_for(&fine);
    assert!(ok.json["final_url"].as_str().unwrap().ends_with("/ok/1"));
    for r in &redirects {
        let f = got.failure_for(r);
        assert_eq!(f.json["error"]["kind"], "forbidden_address", "{}", f.json);
        assert_eq!(f.json["attempts"], 1);
    }
    // The allowed first hops were fetched; no forbidden target was.
    assert_eq!(server.hits("/redirect"), redirects.len() + 1);
    assert_eq!(server.hits("/ok/1"), 1);
    for p in ["/ok/2", "/ok/3", "/ok/4"] {
        assert_eq!(server.hits(p), 0, "{p}");
    }
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

/// A server whose every path answers 302 to `to`: a redirect target with
/// userinfo of its own, which the input URL does not show.
async fn redirecting_to(to: String) -> std::net::SocketAddr {
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(move || {
        let to = to.clone();
        async move {
            (
                axum::http::StatusCode::FOUND,
                [(axum::http::header::LOCATION, to)],
            )
                .into_response()
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// URLs with a user name and password (`http://user:secret@host/…`): the
/// password serves the fetch, and is in no log line, no result, no failure
/// record (`url`, `final_url`, `input`, error message) and no header.
#[tokio::test(flavor = "multi_thread")]
async fn a_urls_password_reaches_no_log_line_and_no_record() {
    let app = TestApp::new("userinfo", &[]).await;
    let server = PageServer::start().await;
    let host = server.addr;
    let ok = format!("http://user:secret@{host}/ok/pw");
    let flaky = format!("http://user:secret@{host}/flaky/pw");
    let missing = format!("http://user:secret@{host}/status/404");
    let hop = redirecting_to(format!("http://user:hopsecret@{host}/ok/pw-target")).await;
    let hop = format!("http://{hop}/hop");
    let inputs = [
        ok.clone(),
        flaky.clone(),
        serde_json::json!({"url": missing, "id": "pw-missing"}).to_string(),
        hop.clone(),
        r#"{"url":"ftp://user:secret@a.example/f","id":"pw-bad"}"#.to_string(),
    ];
    for body in &inputs {
        app.publish(body.as_bytes(), None).await;
    }
    let mut worker = app.spawn_worker();
    let got = app
        .collect_until(|g| g.results.len() + g.failed.len() >= inputs.len())
        .await;
    assert_eq!(got.results.len() + got.failed.len(), inputs.len());

    let ok_shown = format!("http://{host}/ok/pw");
    let r = got.result_for(&ok_shown);
    assert_result_shape(r, &ok_shown);
    assert_eq!(r.json["final_url"], ok_shown);
    let r = got.result_for(&format!("http://{host}/flaky/pw"));
    assert_eq!(r.json["attempts"], 2, "the retry kept its input");
    // The redirect target's own userinfo: followed (a result) or not, it
    // is not shown.
    let hop_outcome = got
        .results
        .iter()
        .chain(&got.failed)
        .find(|m| m.json["url"] == hop.as_str())
        .expect("an outcome for the redirect");
    if let Some(fin) = hop_outcome.json["final_url"].as_str() {
        assert_eq!(fin, format!("http://{host}/ok/pw-target"));
    }
    let f = got
        .failed
        .iter()
        .find(|m| m.json["id"] == "pw-missing")
        .unwrap();
    assert_eq!(f.json["error"]["kind"], "http_status");
    assert_eq!(f.json["url"], format!("http://{host}/status/404"));
    assert_eq!(f.json["input"]["url"], format!("http://{host}/status/404"));
    let f = got
        .failed
        .iter()
        // A bad message's record is keyed by its bytes, not its own id.
        .find(|m| m.json["input"]["id"] == "pw-bad")
        .unwrap_or_else(|| {
            let records: Vec<_> = got.failed.iter().map(|m| &m.json).collect();
            panic!("no record for pw-bad: {records:?}")
        });
    assert_eq!(f.json["error"]["kind"], "bad_message");
    assert_eq!(f.json["input"]["url"], "ftp://a.example/f");

    for m in got.results.iter().chain(&got.failed) {
        let raw = String::from_utf8_lossy(&m.raw);
        assert!(!raw.contains("secret"), "{raw}");
        assert!(
            !m.headers.values().any(|v| v.contains("secret")),
            "{:?}",
            m.headers
        );
    }
    assert_eq!(server.hits("/ok/pw"), 1);
    assert_eq!(server.hits("/flaky/pw"), 2);

    worker.sigterm();
    assert!(worker.wait().await.success());
    let logs = worker.logs();
    // The URLs are logged (the message span's `url`), without password.
    assert!(
        logs.iter().any(|l| l.contains(&format!("{host}/ok/pw"))),
        "{logs:#?}"
    );
    for line in &logs {
        assert!(!line.contains("secret"), "{line}");
    }
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_url_gives_results_with_the_same_id() {
    let app = TestApp::new("dup", &[]).await;
    let server = PageServer::start().await;
    let url = server.url("/ok/dup");
    app.publish_url(&url).await;
    app.publish_url(&format!("{url}#fragment")).await;
    app.publish(serde_json::json!({"url": url}).to_string().as_bytes(), None)
        .await;
    let mut worker = app.spawn_worker();
    let got = app.collect(3, 0).await;
    let ids: HashSet<&str> = got
        .results
        .iter()
        .map(|m| m.json["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "one id for one page: {ids:?}");
    let id = ArticleUrl::parse(&url).unwrap().stable_id();
    assert!(ids.contains(id.as_str()));
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_work_in_flight_then_exits_zero() {
    let app = TestApp::new("drain", &[]).await;
    let server = PageServer::start().await;
    let urls: Vec<String> = (0..3)
        .map(|i| server.url(&format!("/slow/1500/{i}")))
        .collect();
    for u in &urls {
        app.publish_url(u).await;
    }
    let mut worker = app.spawn_worker();
    // Wait until all three are being fetched, then ask the worker to stop.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while (0..3)
        .map(|i| server.hits(&format!("/slow/1500/{i}")))
        .sum::<usize>()
        < 3
    {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.sigterm();
    // More work arriving once it stopped consuming must not be taken.
    worker
        .wait_for_log("stopped consuming; finishing messages in flight")
        .await;
    let late = server.url("/ok/late");
    app.publish_url(&late).await;
    let status = worker.wait().await;
    assert!(status.success(), "{status:?}");
    let got = app.collect(3, 0).await;
    assert_eq!(got.results.len(), 3);
    for u in &urls {
        assert_result_shape(got.result_for(u), u);
    }
    assert_eq!(server.hits("/ok/late"), 0);
    assert_eq!(
        app.queue_len(&app.names.urls).await,
        1,
        "the late URL waits"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_leaves_what_misses_the_grace_period_for_redelivery() {
    let app = TestApp::new("grace", &[("FRAUDSTAT_WORKER__SHUTDOWN_GRACE_SECS", "1")]).await;
    let server = PageServer::start().await;
    let url = server.url("/slow/4000/x");
    app.publish_url(&url).await;
    let mut worker = app.spawn_worker();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while server.hits("/slow/4000/x") == 0 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.sigterm();
    assert!(worker.wait().await.success());
    assert!(worker.events().iter().any(|e| {
        e["fields"]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("grace period over")
    }));
    // Back in the queue, not lost; the next worker does it.
    let mut next = app.spawn_worker();
    let got = app.collect(1, 0).await;
    assert_result_shape(got.result_for(&url), &url);
    next.sigterm();
    assert!(next.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_before_acking_leaves_the_url_for_the_next() {
    let app = TestApp::new("kill", &[]).await;
    let server = PageServer::start().await;
    let url = server.url("/slow/2000/k");
    app.publish_url(&url).await;
    let mut worker = app.spawn_worker();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while server.hits("/slow/2000/k") == 0 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.kill9();
    let _ = worker.wait().await;
    let mut next = app.spawn_worker();
    let got = app.collect(1, 0).await;
    let r = got.result_for(&url);
    assert_result_shape(r, &url);
    assert_eq!(server.hits("/slow/2000/k"), 2);
    // The redelivery is visible in its span.
    let summary = next.wait_for_log("message finished").await;
    assert_eq!(summary["span"]["redelivered"], true);
    next.sigterm();
    assert!(next.wait().await.success());
    app.close().await;
}

/// Puts 30 slow URLs through a worker, runs `fault` (each entry one
/// command, program first) while work is in flight, and waits until the worker
/// has recovered and every URL has come out. Holds the suite's exclusive
/// lock: every fault here hits the other tests' clients too.
async fn through_a_broker_fault(
    name: &str,
    fault: &[&[&str]],
) -> (TestApp, WorkerProcess, Collected) {
    let lock = lock_exclusive().await;
    let app = TestApp::with_lock(name, &[], lock).await;
    let server = PageServer::start().await;
    let urls: Vec<String> = (0..30)
        .map(|i| server.url(&format!("/slow/300/{i}")))
        .collect();
    for u in &urls {
        app.publish_url(u).await;
    }
    let worker = app.spawn_worker_with(&[("FRAUDSTAT_WORKER__CONCURRENCY", "4")]);
    // The fault lands while work is in flight.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while server.total_hits() < 6 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for command in fault {
        let (program, args) = command.split_first().expect("a command");
        let out = std::process::Command::new(program)
            .args(args)
            .output()
            .expect("fault command");
        assert!(out.status.success(), "{out:?}");
    }
    worker.wait_for_log("broker connection recovered").await;
    let got = app
        .collect_until(|got| {
            let seen: HashSet<&str> = got
                .results
                .iter()
                .filter_map(|m| m.json["url"].as_str())
                .collect();
            urls.iter().all(|u| seen.contains(u.as_str())) || !got.failed.is_empty()
        })
        .await;
    let seen: HashSet<&str> = got
        .results
        .iter()
        .map(|m| m.json["url"].as_str().unwrap())
        .collect();
    for u in &urls {
        assert!(seen.contains(u.as_str()), "lost {u}");
    }
    assert!(got.failed.is_empty(), "{:#?}", got.failed);
    (app, worker, got)
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_every_broker_connection_loses_nothing() {
    let (app, mut worker, got) = through_a_broker_fault(
        "closeall",
        &[&[
            "rabbitmqctl",
            "close_all_connections",
            "fraudstat test: connection closed",
        ]],
    )
    .await;
    worker
        .wait_for_log("broker connection lost; reconnecting")
        .await;
    let text = http_get(worker.metrics_addr().await, "/metrics").await.1;
    assert!(
        metric(
            &text,
            "fraudstat_broker_recoveries_total{connection=\"fraudstat worker (consume)\"}"
        ) >= 1.0,
        "{text}"
    );
    assert_eq!(
        http_get(worker.metrics_addr().await, "/readyz").await.0,
        200
    );
    // Duplicates are allowed (at-least-once) but carry the same id.
    for m in &got.results {
        let u = m.json["url"].as_str().unwrap();
        assert_eq!(m.json["id"], ArticleUrl::parse(u).unwrap().stable_id());
    }
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn enqueue_publishes_lines_from_stdin_with_confirms() {
    let app = TestApp::new("enqueue", &[]).await;
    let server = PageServer::start().await;
    let input = format!(
        "# a comment\n{}\n\n{}\n{{\"url\": \"{}\", \"id\": \"j1\"}}\n",
        server.url("/ok/1"),
        server.url("/ok/2"),
        server.url("/ok/3")
    );
    let (status, logs) = app.enqueue(&input).await;
    assert!(status.success(), "{logs:#?}");
    assert_eq!(app.queue_len(&app.names.urls).await, 3);
    let mut worker = app.spawn_worker();
    let got = app.collect(3, 0).await;
    assert!(got.results.iter().any(|m| m.json["id"] == "j1"));
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_input_queue_has_a_delivery_limit_and_dead_letters_to_the_failure_queue() {
    let app = TestApp::new("topology", &[]).await;
    // Redeclaring with the same arguments is accepted (idempotent) ...
    let conn = lapin::Connection::connect(AMQP_URL, lapin::ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    fraudstat::amqp::topology::declare(&ch, &app.names)
        .await
        .unwrap();
    // ... and a passive check with other arguments would be refused, so
    // check the arguments the broker holds through rabbitmqctl.
    let out = std::process::Command::new("rabbitmqctl")
        .args([
            "list_queues",
            "name",
            "type",
            "arguments",
            "--no-table-headers",
        ])
        .output()
        .expect("rabbitmqctl");
    let listing = String::from_utf8_lossy(&out.stdout);
    let line = listing
        .lines()
        .find(|l| l.starts_with(&format!("{}\t", app.names.urls)))
        .unwrap_or_else(|| panic!("{listing}"));
    assert!(line.contains("quorum"), "{line}");
    assert!(line.contains("x-delivery-limit"), "{line}");
    assert!(line.contains(&app.names.failed), "{line}");
    for r in &app.names.retry {
        let line = listing
            .lines()
            .find(|l| l.starts_with(&format!("{}\t", r.name)))
            .unwrap_or_else(|| panic!("{listing}"));
        assert!(line.contains("x-message-ttl"), "{line}");
        assert!(line.contains(&app.names.urls), "{line}");
    }
    let _ = conn.close(200, "bye".into()).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_setting_stops_start_up_naming_it() {
    let app = TestApp::new("badsetting", &[]).await;
    let mut w = app.spawn_worker_with(&[("FRAUDSTAT_WORKER__CONCURRENCY", "0")]);
    let status = w.wait().await;
    assert!(!status.success());
    assert!(
        w.logs().iter().any(|l| l.contains("worker.concurrency")),
        "{:#?}",
        w.logs()
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_that_keeps_killing_workers_ends_in_the_failure_queue() {
    let app = TestApp::new("poison", &[("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "1")]).await;
    let server = PageServer::start().await;
    let url = server.url("/slow/5000/poison");
    app.publish_url(&url).await;
    // Each worker dies with the message in hand, as a crashing page would
    // make it; after the limit the broker stops handing it out.
    for round in 1..=2 {
        let mut worker = app.spawn_worker();
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while server.hits("/slow/5000/poison") < round {
            assert!(tokio::time::Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        worker.kill9();
        let _ = worker.wait().await;
    }
    let got = app.collect(0, 1).await;
    let dead = &got.failed[0];
    assert_eq!(dead.raw, url.as_bytes(), "the input as it was");
    assert!(dead.headers.contains_key("x-death"), "{:?}", dead.headers);
    assert_eq!(dead.headers["x-first-death-reason"], "delivery_limit");
    assert_eq!(app.queue_len(&app.names.urls).await, 0);
    // A fresh worker finds nothing to redo.
    let mut worker = app.spawn_worker();
    worker.wait_consuming().await;
    worker.sigterm();
    assert!(worker.wait().await.success());
    assert_eq!(server.hits("/slow/5000/poison"), 2);
    app.close().await;
}

/// `process_one` decides without a broker: what each kind of page becomes.
#[tokio::test(flavor = "multi_thread")]
async fn process_one_turns_each_kind_of_page_into_its_outcome() {
    use fraudstat::worker::{Incoming, Outcome, Processor};
    let server = PageServer::start().await;
    let env: Vec<(String, String)> = [
        ("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "true"),
        ("FRAUDSTAT_RETRY__DELAYS_MS", "1000,5000"),
        ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "3"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let settings = Settings::load_with_env(Some(&crate_dir().join("config")), None, env).unwrap();
    let processor = Processor::new(&settings).unwrap();
    let props = lapin::BasicProperties::default();
    let run = |body: String, props: lapin::BasicProperties| {
        let processor = &processor;
        async move {
            processor
                .process_one(&Incoming {
                    body: body.as_bytes(),
                    properties: &props,
                })
                .await
        }
    };

    let ok = run(server.url("/ok/1"), props.clone()).await;
    assert!(matches!(&ok.outcome, Outcome::Done(r) if r.http.status == 200));
    assert_eq!(ok.attempt, 1);

    let missing = run(server.url("/status/404"), props.clone()).await;
    assert!(matches!(
        &missing.outcome,
        Outcome::Failed {
            exhausted: false,
            ..
        }
    ));
    assert_eq!(missing.status, Some(404));

    let flaky = run(server.url("/status/503"), props.clone()).await;
    assert!(
        matches!(&flaky.outcome, Outcome::Retry { queue, .. } if queue == "fraudstat.retry.1s"),
        "{:?}",
        flaky.outcome
    );

    // The third attempt is the last: a transient error then is final.
    let mut h = FieldTable::default();
    h.insert("x-fraudstat-attempts".into(), AMQPValue::LongLongInt(2));
    let last = run(server.url("/status/503"), props.clone().with_headers(h)).await;
    assert_eq!(last.attempt, 3);
    assert!(matches!(
        &last.outcome,
        Outcome::Failed {
            exhausted: true,
            ..
        }
    ));

    // A count past the budget is not a worker's: a first attempt.
    let mut h = FieldTable::default();
    h.insert(
        "x-fraudstat-attempts".into(),
        AMQPValue::LongLongInt(1 << 62),
    );
    let forged = run(server.url("/status/503"), props.clone().with_headers(h)).await;
    assert_eq!(forged.attempt, 1);
    assert!(
        matches!(&forged.outcome, Outcome::Retry { .. }),
        "{:?}",
        forged.outcome
    );

    let bad = run("not a url at all".into(), props.clone()).await;
    assert!(matches!(&bad.outcome, Outcome::Failed { error, .. } if error.kind() == "bad_message"));
}

/// The acceptance run in small: a thousand URLs mixing good, missing,
/// flaky and slow pages and bad messages. Every one ends as exactly one
/// result or one failure record, and `/metrics` agrees.
#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_mixed_urls_each_end_exactly_once_and_metrics_agree() {
    let app = TestApp::new(
        "thousand",
        &[
            ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "1"),
            ("FRAUDSTAT_WORKER__CONCURRENCY", "32"),
            ("FRAUDSTAT_WORKER__PER_HOST_CONCURRENCY", "32"),
        ],
    )
    .await;
    let server = PageServer::start().await;
    let mut expect_result = HashSet::new();
    let mut expect_failed = BTreeMap::new();
    let mut lines = Vec::new();
    for i in 0..1000 {
        let (line, ok) = match i % 20 {
            0..=11 => (server.url(&format!("/ok/{i}")), true),
            12..=14 => (server.url(&format!("/status/404?{i}")), false),
            15 | 16 => (server.url(&format!("/flaky/{i}")), true),
            17 => (server.url(&format!("/slow/1500/{i}")), false),
            _ => (format!("not a url {i}"), false),
        };
        if ok {
            expect_result.insert(line.clone());
        } else {
            expect_failed.insert(line.clone(), ());
        }
        lines.push(line);
    }
    let (status, logs) = app.enqueue(&lines.join("\n")).await;
    assert!(status.success(), "{logs:#?}");
    let mut worker = app.spawn_worker();
    let got = app.collect(expect_result.len(), expect_failed.len()).await;
    // A moment more, so that a duplicate, if any, would show up too.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut got = got;
    got.results.extend(
        app.drain(&app.names.results_queue)
            .await
            .into_iter()
            .map(Message::from),
    );
    got.failed.extend(
        app.drain(&app.names.failed)
            .await
            .into_iter()
            .map(Message::from),
    );

    let results: Vec<String> = got
        .results
        .iter()
        .map(|m| m.json["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(results.len(), expect_result.len(), "one result each");
    assert_eq!(results.iter().collect::<HashSet<_>>().len(), results.len());
    for u in &results {
        assert!(expect_result.contains(u), "unexpected result {u}");
    }
    assert_eq!(got.failed.len(), expect_failed.len(), "one failure each");
    let mut kinds = BTreeMap::<String, usize>::new();
    for f in &got.failed {
        let input = match &f.json["input"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert!(
            expect_failed.contains_key(&input),
            "unexpected failure {input}"
        );
        *kinds
            .entry(f.json["error"]["kind"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(kinds.get("http_status"), Some(&150));
    assert_eq!(kinds.get("timeout"), Some(&50));
    assert_eq!(kinds.get("bad_message"), Some(&100));
    for i in (15..1000).step_by(20).chain((16..1000).step_by(20)) {
        assert_eq!(server.hits(&format!("/flaky/{i}")), 2);
    }

    let text = http_get(worker.metrics_addr().await, "/metrics").await.1;
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"done\",kind=\"none\"}"
        ),
        700.0
    );
    for (kind, n) in &kinds {
        assert_eq!(
            metric(
                &text,
                &format!("fraudstat_messages_total{{outcome=\"failed\",kind=\"{kind}\"}}")
            ),
            *n as f64,
            "{kind}"
        );
    }
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"retry\",kind=\"http_status\"}"
        ),
        100.0
    );
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"retry\",kind=\"timeout\"}"
        ),
        100.0
    );
    assert_eq!(
        metric(&text, "fraudstat_messages_consumed_total"),
        1000.0 + 100.0 + 100.0
    );
    worker.sigterm();
    assert!(worker.wait().await.success());
    for q in app.names.all_queues() {
        assert_eq!(app.queue_len(&q).await, 0, "{q} not empty");
    }
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_while_the_broker_is_unreachable_still_exits_zero() {
    let env: Vec<(String, String)> = [
        ("FRAUDSTAT_AMQP__URL", "amqp://guest:guest@127.0.0.1:1/%2f"),
        ("FRAUDSTAT_METRICS__LISTEN", "127.0.0.1:0"),
        ("FRAUDSTAT_QUEUES__PREFIX", "fstest.unreachable"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut worker = WorkerProcess::spawn(&["worker"], &env, None);
    let addr = worker.metrics_addr().await;
    // Alive, but not ready: there is no broker.
    assert_eq!(http_get(addr, "/healthz").await.0, 200);
    assert_eq!(http_get(addr, "/readyz").await.0, 503);
    worker.sigterm();
    assert!(worker.wait().await.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn one_host_gets_no_more_than_the_per_host_limit_at_once() {
    let app = TestApp::new(
        "perhost",
        &[
            ("FRAUDSTAT_WORKER__CONCURRENCY", "8"),
            ("FRAUDSTAT_WORKER__PER_HOST_CONCURRENCY", "2"),
        ],
    )
    .await;
    let server = PageServer::start().await;
    let urls: Vec<String> = (0..8)
        .map(|i| server.url(&format!("/slow/400/{i}")))
        .collect();
    for u in &urls {
        app.publish_url(u).await;
    }
    let mut worker = app.spawn_worker();
    let got = app.collect(urls.len(), 0).await;
    assert_eq!(got.results.len(), urls.len());
    assert!(server.max_concurrent() <= 2, "{}", server.max_concurrent());
    assert!(server.max_concurrent() >= 1);
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

/// Restarts the whole broker under a running worker. Ignored because it
/// stops the broker every other test (and CI's neighbours) share; run it
/// alone with `cargo test --test worker -- --ignored broker_restart`.
/// A full `rabbitmqctl stop` and start; `stop_app`/`start_app` runs in CI
/// in `tests/faults` (it is lapin's recovery that stalls there, not the
/// quorum queues; see docs/reliability.md).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "restarts the local RabbitMQ application"]
async fn a_broker_restart_is_survived_and_nothing_is_lost() {
    let (app, mut worker, _) = through_a_broker_fault(
        "restart",
        &[
            &["rabbitmqctl", "stop"],
            // The node takes a moment to register before await_startup
            // can find it.
            &[
                "sh",
                "-c",
                "rabbitmq-server -detached; for _ in $(seq 60); do rabbitmqctl -q await_startup 2>/dev/null && exit 0; sleep 2; done; exit 1",
            ],
        ],
    )
    .await;
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

/// The seed pages as HTML in several charsets, served with the headers the
/// fixture manifest gives (missing and lying ones included): the worker
/// hands the header to the decoder, reports the charset the page was
/// really written in, and publishes what the pipeline makes of the bytes.
#[tokio::test(flavor = "multi_thread")]
async fn html_pages_in_any_charset_come_out_as_the_pipeline_reads_them() {
    let fixtures = html_manifest();
    if fixtures.is_empty() {
        eprintln!("no tests/fixtures/html/manifest.json in this checkout; nothing to serve");
        return;
    }
    let app = TestApp::new("html", &[]).await;
    let server = PageServer::start().await;
    let settings = Settings::load_with_env(
        Some(&crate_dir().join("config")),
        None,
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    let pipeline = Pipeline::load(&settings).unwrap();
    for f in &fixtures {
        app.publish_url(&server.url(&format!("/site/{}", f.file)))
            .await;
    }
    let mut worker = app.spawn_worker();
    let got = app.collect(fixtures.len(), 0).await;
    for f in &fixtures {
        let url = server.url(&format!("/site/{}", f.file));
        let m = got.result_for(&url);
        assert_result_shape(m, &url);
        let r: ExtractionResult = serde_json::from_value(m.json.clone()).unwrap();
        assert_eq!(r.http.charset, f.charset, "{}", f.file);
        let body = std::fs::read(crate_dir().join("tests/fixtures/html").join(&f.file)).unwrap();
        let local = pipeline.process(Document {
            id: r.id.clone(),
            url: url.clone(),
            final_url: url.clone(),
            status: 200,
            content_type: f.content_type.clone(),
            body: &body,
            fetched_at: chrono::Utc::now(),
            meta: serde_json::Value::Null,
            attempts: 1,
        });
        assert_eq!(r.statistics, local.statistics, "{}", f.file);
        assert_eq!(r.article, local.article, "{}", f.file);
    }
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

/// The broker refuses results (a full results queue, `reject-publish`):
/// the worker must not acknowledge the inputs, and once the queue has room
/// again every URL is done; none is lost.
#[tokio::test(flavor = "multi_thread")]
async fn results_the_broker_refuses_are_not_acknowledged_and_not_lost() {
    let app = TestApp::new("nack", &[("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "50")]).await;
    let server = PageServer::start().await;
    let policy = format!("{}-full", app.prefix);
    // Full before the worker starts: one message in, limit one.
    app.publish_to(&app.names.results_queue, b"{\"filler\": true}")
        .await;
    let _policy = PolicyGuard::on_queue(
        &policy,
        &app.names.results_queue,
        r#"{"max-length":1,"overflow":"reject-publish"}"#,
    );
    // The broker applies a policy a moment later: probe until it refuses.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while app
        .try_publish_to(&app.names.results_queue, b"{\"filler\": true}")
        .await
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "policy never applied"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let urls: Vec<String> = (0..4).map(|i| server.url(&format!("/ok/n{i}"))).collect();
    for u in &urls {
        app.publish_url(u).await;
    }
    let mut worker = app.spawn_worker();
    worker
        .wait_for_log("publish not confirmed, trying again")
        .await;
    // Nothing got through: no result counted as published (counters move
    // only on a confirm, and only a confirm allows the acknowledgement).
    let text = http_get(worker.metrics_addr().await, "/metrics").await.1;
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"done\",kind=\"none\"}"
        ),
        0.0
    );
    // Room again. (Raising the limit rather than clearing the policy: a
    // RabbitMQ 3.10 quorum queue stays in its refusing state when the
    // limit simply disappears.)
    let _raised = PolicyGuard::on_queue(
        &policy,
        &app.names.results_queue,
        r#"{"max-length":100000,"overflow":"reject-publish"}"#,
    );
    let got = app
        .collect_until(|got| {
            let seen: HashSet<&str> = got
                .results
                .iter()
                .filter_map(|m| m.json["url"].as_str())
                .collect();
            urls.iter().all(|u| seen.contains(u.as_str())) || !got.failed.is_empty()
        })
        .await;
    assert!(got.failed.is_empty(), "{:#?}", got.failed);
    // Each URL exactly once: a refused result never counts.
    for u in &urls {
        let n = got
            .results
            .iter()
            .filter(|m| m.json["url"] == u.as_str())
            .count();
        assert_eq!(n, 1, "{u}");
    }
    let text = http_get(worker.metrics_addr().await, "/metrics").await.1;
    assert_eq!(
        metric(
            &text,
            "fraudstat_messages_total{outcome=\"done\",kind=\"none\"}"
        ),
        4.0
    );
    assert!(metric(&text, "fraudstat_publish_retries_total") >= 1.0);
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

/// A broker that is not there at start: the worker says so at once (with
/// what to check) and keeps trying; SIGTERM then stops it cleanly, with no
/// panic from a half-made connection.
#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_broker_is_reported_at_once_and_sigterm_still_stops_cleanly() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("amqp://guest:guest@127.0.0.1:{closed}/%2f");
    let env: Vec<(String, String)> = [
        ("FRAUDSTAT_AMQP__URL", url.as_str()),
        ("FRAUDSTAT_METRICS__LISTEN", ""),
        ("FRAUDSTAT_LOG__FORMAT", "json"),
        ("FRAUDSTAT_QUEUES__PREFIX", "unreachable"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut w = WorkerProcess::spawn(&["worker"], &env, None);
    let warned = tokio::time::timeout(
        Duration::from_secs(30),
        w.wait_for_log("cannot connect to the broker yet; trying again"),
    )
    .await
    .expect("no warning within 30 s");
    let error = warned["fields"]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("--amqp-url"),
        "the warning names the fix: {error}"
    );
    w.sigterm();
    let status = tokio::time::timeout(Duration::from_secs(20), w.wait())
        .await
        .expect("stopped within 20 s");
    assert!(status.success(), "{status:?}");
    let logs = w.logs().join("\n");
    assert!(!logs.contains("panicked"), "{logs}");
}

/// A second worker on a machine whose metrics port is taken stops at once
/// and says which setting gives it another.
#[tokio::test(flavor = "multi_thread")]
async fn a_taken_metrics_port_names_the_setting_that_moves_it() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let env: Vec<(String, String)> = [
        ("FRAUDSTAT_METRICS__LISTEN", addr.as_str()),
        ("FRAUDSTAT_LOG__FORMAT", "json"),
        ("FRAUDSTAT_QUEUES__PREFIX", "port-taken"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut w = WorkerProcess::spawn(&["worker"], &env, None);
    let status = tokio::time::timeout(Duration::from_secs(20), w.wait())
        .await
        .expect("exited within 20 s");
    assert!(!status.success());
    let logs = w.logs().join("\n");
    assert!(logs.contains("--metrics-listen"), "{logs}");
    drop(taken);
}

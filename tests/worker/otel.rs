//! OpenTelemetry export end to end: the real worker, the real broker, and an
//! OTLP/HTTP receiver started here that decodes the export requests with
//! the published protocol definitions (`opentelemetry-proto`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use lapin::types::{AMQPValue, FieldTable};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use prost::Message as _;

use crate::helpers::*;

/// One span as the collector received it.
#[derive(Debug, Clone)]
struct Exported {
    trace_id: String,
    span_id: String,
    parent: String,
    name: String,
    kind: i32,
    error: bool,
    attrs: HashMap<String, String>,
    events: Vec<String>,
    service: String,
}

/// An OTLP/HTTP receiver on 127.0.0.1, port 0.
struct Collector {
    addr: SocketAddr,
    spans: Arc<Mutex<Vec<Exported>>>,
}

fn text(v: &Option<opentelemetry_proto::tonic::common::v1::AnyValue>) -> String {
    match v.as_ref().and_then(|v| v.value.as_ref()) {
        Some(Value::StringValue(s)) => s.clone(),
        Some(Value::IntValue(i)) => i.to_string(),
        Some(Value::BoolValue(b)) => b.to_string(),
        Some(Value::DoubleValue(d)) => d.to_string(),
        other => format!("{other:?}"),
    }
}

async fn receive(State(spans): State<Arc<Mutex<Vec<Exported>>>>, body: Bytes) -> Vec<u8> {
    let request = ExportTraceServiceRequest::decode(body).expect("an OTLP export request");
    record(&spans, request);
    ExportTraceServiceResponse::default().encode_to_vec()
}

/// The same receiver over gRPC (`opentelemetry-proto`'s generated service).
struct GrpcReceiver(Arc<Mutex<Vec<Exported>>>);

#[tonic::async_trait]
impl TraceService for GrpcReceiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        record(&self.0, request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn record(spans: &Mutex<Vec<Exported>>, request: ExportTraceServiceRequest) {
    let mut got = spans.lock().unwrap();
    for rs in request.resource_spans {
        let service = rs
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|a| a.key == "service.name")
            .map(|a| text(&a.value))
            .unwrap_or_default();
        for ss in rs.scope_spans {
            for s in ss.spans {
                got.push(Exported {
                    trace_id: hex::encode(&s.trace_id),
                    span_id: hex::encode(&s.span_id),
                    parent: hex::encode(&s.parent_span_id),
                    name: s.name,
                    kind: s.kind,
                    error: s
                        .status
                        .as_ref()
                        .is_some_and(|st| st.code == StatusCode::Error as i32),
                    attrs: s
                        .attributes
                        .iter()
                        .map(|a| (a.key.clone(), text(&a.value)))
                        .collect(),
                    events: s.events.iter().map(|e| e.name.clone()).collect(),
                    service: service.clone(),
                });
            }
        }
    }
}

impl Collector {
    async fn start() -> Collector {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let spans = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/v1/traces", post(receive))
            .with_state(spans.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Collector { addr, spans }
    }

    async fn start_grpc() -> Collector {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let spans = Arc::new(Mutex::new(Vec::new()));
        let service = TraceServiceServer::new(GrpcReceiver(spans.clone()));
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
        );
        Collector { addr, spans }
    }

    fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn spans(&self) -> Vec<Exported> {
        self.spans.lock().unwrap().clone()
    }
}

const CALLER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

fn caller_headers(trace: &str, span: &str) -> FieldTable {
    let mut h = FieldTable::default();
    h.insert(
        "traceparent".into(),
        AMQPValue::LongString(format!("00-{trace}-{span}-01").into()),
    );
    h.insert("baggage".into(), AMQPValue::LongString("crawl=42".into()));
    h
}

fn url_message(url: &str) -> Vec<u8> {
    serde_json::json!({ "url": url }).to_string().into_bytes()
}

/// `00-<trace>-<span>-<flags>` split.
fn ids(traceparent: &str) -> (String, String) {
    let parts: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(parts.len(), 4, "{traceparent}");
    (parts[1].to_string(), parts[2].to_string())
}

fn first_corpus_page() -> String {
    let mut names: Vec<String> = std::fs::read_dir(corpus_pages())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names.remove(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn exported_spans_continue_the_callers_trace_and_outputs_name_them() {
    let server = PageServer::start().await;
    let collector = Collector::start().await;
    let app = TestApp::new("otel", &[]).await;

    // A page reached through a redirect, with the caller's context; a page
    // without context; a 404 with another caller's context.
    let page = server.url(&format!("/pages/{}", first_corpus_page()));
    let redirected = server.url(&format!("/redirect?to={page}"));
    app.publish(
        &url_message(&redirected),
        Some(caller_headers(CALLER_TRACE, CALLER_SPAN)),
    )
    .await;
    let plain = server.url("/ok/plain");
    app.publish(&url_message(&plain), None).await;
    let missing = server.url("/status/404");
    let other_trace = "0af7651916cd43dd8448eb211c80319c";
    app.publish(
        &url_message(&missing),
        Some(caller_headers(other_trace, "b7ad6b7169203331")),
    )
    .await;

    let endpoint = collector.endpoint();
    let mut worker = app.spawn_worker_with(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_SERVICE_NAME", "fraudstat-test"),
        // Nothing leaves before shutdown: what arrives was flushed by it.
        ("OTEL_BSP_SCHEDULE_DELAY", "600000"),
    ]);
    let got = app.collect(2, 1).await;
    let addr = worker.metrics_addr().await;
    let (_, metrics) = http_get(addr, "/metrics").await;
    assert_eq!(
        metric(&metrics, "fraudstat_tracing_enabled"),
        1.0,
        "{metrics}"
    );
    assert!(collector.spans().is_empty(), "exported before shutdown");
    worker.sigterm();
    assert!(worker.wait().await.success());
    let spans = collector.spans();
    let by_id: HashMap<&str, &Exported> = spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    assert!(
        spans.iter().all(|s| s.service == "fraudstat-test"),
        "{spans:#?}"
    );

    // Each output's traceparent names the exported publish span of its trace,
    // under the consumer span whose parent is the caller's.
    let consumer_of = |traceparent: &str| -> &Exported {
        let (trace, span) = ids(traceparent);
        let publish = by_id
            .get(span.as_str())
            .unwrap_or_else(|| panic!("{traceparent} names no exported span: {spans:#?}"));
        assert_eq!(publish.trace_id, trace);
        assert_eq!(publish.kind, SpanKind::Producer as i32);
        assert!(publish.name.starts_with("publish "), "{publish:?}");
        assert_eq!(publish.attrs["messaging.system"], "rabbitmq");
        assert!(
            publish.attrs.contains_key("fraudstat.confirm_ms"),
            "{publish:?}"
        );
        let consumer = by_id[publish.parent.as_str()];
        assert_eq!(consumer.kind, SpanKind::Consumer as i32);
        assert_eq!(consumer.name, format!("process {}", app.names.urls));
        assert_eq!(consumer.attrs["messaging.system"], "rabbitmq");
        assert_eq!(consumer.attrs["messaging.operation.type"], "process");
        assert_eq!(consumer.attrs["messaging.destination.name"], app.names.urls);
        assert!(
            consumer
                .attrs
                .contains_key("messaging.rabbitmq.destination.routing_key")
        );
        consumer
    };
    let children = |parent: &Exported| -> HashMap<String, Exported> {
        spans
            .iter()
            .filter(|s| s.parent == parent.span_id)
            .map(|s| (s.name.clone(), s.clone()))
            .collect()
    };

    let result = got.result_for(&redirected);
    let consumer = consumer_of(&result.headers["traceparent"]);
    assert_eq!(consumer.trace_id, CALLER_TRACE);
    assert_eq!(
        consumer.parent, CALLER_SPAN,
        "the caller's span is the parent"
    );
    assert_eq!(consumer.attrs["outcome"], "done");
    assert_eq!(result.headers["baggage"], "crawl=42");
    let kids = children(consumer);
    let fetch = &kids["GET"];
    assert_eq!(fetch.kind, SpanKind::Client as i32);
    assert_eq!(fetch.attrs["url.full"], redirected);
    assert_eq!(fetch.attrs["http.response.status_code"], "200");
    assert_eq!(fetch.attrs["http.request.resend_count"], "1");
    assert!(
        kids.contains_key("decode") && kids.contains_key("clean"),
        "{kids:#?}"
    );
    let statistics: usize = kids["extract"].attrs["fraudstat.statistics"]
        .parse()
        .unwrap();
    assert_eq!(
        statistics,
        result.json["statistics"].as_array().unwrap().len()
    );
    assert!(statistics > 0);

    // No context: a trace of its own, rooted at the consumer span.
    let result = got.result_for(&plain);
    let consumer = consumer_of(&result.headers["traceparent"]);
    assert!(consumer.parent.is_empty(), "{consumer:?}");
    assert_ne!(consumer.trace_id, CALLER_TRACE);

    // A failure: its record names the trace, the error is on the spans.
    let failure = got.failure_for(&missing);
    let consumer = consumer_of(&failure.headers["traceparent"]);
    assert_eq!(consumer.trace_id, other_trace);
    assert!(consumer.error, "{consumer:?}");
    assert_eq!(consumer.attrs["error.type"], "http_status");
    let fetch = &children(consumer)["GET"];
    assert!(fetch.error);
    assert_eq!(fetch.attrs["http.response.status_code"], "404");

    // Log lines inside a message carry the ids of the span they were
    // logged in: the `message finished` line, the consumer span's.
    let consumer = consumer_of(&got.result_for(&redirected).headers["traceparent"]);
    let line = worker
        .events()
        .into_iter()
        .find(|e| {
            e["fields"]["message"] == "message finished" && e["span"]["url"] == redirected.as_str()
        })
        .expect("a message finished line");
    assert_eq!(line["trace_id"], CALLER_TRACE, "{line}");
    assert_eq!(line["span_id"], consumer.span_id.as_str(), "{line}");
    assert!(line["span"]["result_id"].is_string(), "{line}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_decision_is_an_event_and_the_republish_carries_the_trace() {
    let server = PageServer::start().await;
    let collector = Collector::start().await;
    let app = TestApp::new("otel-retry", &[]).await;
    let flaky = server.url("/flaky/otel");
    app.publish(
        &url_message(&flaky),
        Some(caller_headers(CALLER_TRACE, CALLER_SPAN)),
    )
    .await;
    let endpoint = collector.endpoint();
    let mut worker = app.spawn_worker_with(&[("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str())]);
    let got = app.collect(1, 0).await;
    worker.sigterm();
    assert!(worker.wait().await.success());
    let spans = collector.spans();
    let consumers: Vec<&Exported> = spans
        .iter()
        .filter(|s| s.kind == SpanKind::Consumer as i32)
        .collect();
    assert_eq!(consumers.len(), 2, "{spans:#?}");
    let first = consumers
        .iter()
        .find(|s| s.parent == CALLER_SPAN)
        .expect("first attempt under the caller");
    assert!(
        first.events.iter().any(|e| e == "retry scheduled"),
        "{first:?}"
    );
    // The second attempt hangs off the first attempt's republish.
    let second = consumers.iter().find(|s| s.parent != CALLER_SPAN).unwrap();
    let republish = spans.iter().find(|s| s.span_id == second.parent).unwrap();
    assert_eq!(republish.parent, first.span_id);
    assert!(spans.iter().all(|s| s.trace_id == CALLER_TRACE));
    let (trace, _) = ids(&got.result_for(&flaky).headers["traceparent"]);
    assert_eq!(trace, CALLER_TRACE);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_export_off_nothing_leaves_and_the_callers_context_passes_through() {
    let server = PageServer::start().await;
    let collector = Collector::start().await;
    let app = TestApp::new("otel-off", &[]).await;
    let page = server.url("/ok/off");
    app.publish(
        &url_message(&page),
        Some(caller_headers(CALLER_TRACE, CALLER_SPAN)),
    )
    .await;
    let endpoint = collector.endpoint();
    let mut worker = app.spawn_worker_with(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_SDK_DISABLED", "true"),
    ]);
    let got = app.collect(1, 0).await;
    let addr = worker.metrics_addr().await;
    let (_, metrics) = http_get(addr, "/metrics").await;
    assert!(
        metrics.contains("\nfraudstat_tracing_enabled 0"),
        "{metrics}"
    );
    worker.sigterm();
    assert!(worker.wait().await.success());
    assert!(collector.spans().is_empty());
    let result = got.result_for(&page);
    assert_eq!(
        result.headers["traceparent"],
        format!("00-{CALLER_TRACE}-{CALLER_SPAN}-01")
    );
    assert_eq!(result.headers["baggage"], "crawl=42");
    // The log lines still carry the caller's trace id.
    let line = worker.wait_for_log("message finished").await;
    assert_eq!(line["trace_id"], CALLER_TRACE, "{line}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_collector_costs_a_counted_warning_once_a_minute() {
    let server = PageServer::start().await;
    let app = TestApp::new("otel-down", &[]).await;
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let worker = app.spawn_worker_with(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
    ]);
    let addr = worker.metrics_addr().await;
    let failures = || async {
        let (_, text) = http_get(addr, "/metrics").await;
        metric(&text, "fraudstat_trace_export_failures_total")
    };
    for wave in 0..2 {
        let page = server.url(&format!("/ok/down-{wave}"));
        app.publish(&url_message(&page), None).await;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while failures().await < f64::from(wave + 1) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no failed export counted"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let got = app.collect(2, 0).await;
    assert_eq!(got.results.len(), 2, "the work goes on");
    let warnings = worker
        .events()
        .iter()
        .filter(|e| {
            e["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("spans not exported"))
        })
        .count();
    assert_eq!(warnings, 1, "one warning a minute: {:#?}", worker.logs());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn spans_also_go_out_over_grpc() {
    let server = PageServer::start().await;
    let collector = Collector::start_grpc().await;
    let app = TestApp::new("otel-grpc", &[]).await;
    let page = server.url("/ok/grpc");
    app.publish(
        &url_message(&page),
        Some(caller_headers(CALLER_TRACE, CALLER_SPAN)),
    )
    .await;
    let endpoint = collector.endpoint();
    let mut worker = app.spawn_worker_with(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
    ]);
    let got = app.collect(1, 0).await;
    worker.sigterm();
    assert!(worker.wait().await.success());
    let spans = collector.spans();
    let consumer = spans
        .iter()
        .find(|s| s.kind == SpanKind::Consumer as i32)
        .unwrap_or_else(|| panic!("no consumer span: {spans:#?}"));
    assert_eq!(consumer.trace_id, CALLER_TRACE);
    assert_eq!(consumer.parent, CALLER_SPAN);
    assert_eq!(consumer.service, "fraudstat");
    let (trace, span) = ids(&got.result_for(&page).headers["traceparent"]);
    assert_eq!(trace, CALLER_TRACE);
    assert!(spans.iter().any(|s| s.span_id == span), "{spans:#?}");
    app.close().await;
}

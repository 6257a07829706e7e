//! Logs and traces.
//!
//! Logs: JSON lines for machines, pretty output for people, on stderr so
//! that `fraudstat extract` can keep stdout for results. Inside a message
//! every JSON line carries the OpenTelemetry `trace_id` and `span_id` of the
//! span it was logged in, so a log line leads to its trace.
//!
//! Traces: every `tracing` span of this crate is also an OpenTelemetry span
//! (through `tracing-opentelemetry`), exported over OTLP when the standard
//! `OTEL_*` variables ask for it ([`otel`]); W3C context travels in AMQP
//! headers ([`propagation`]).

pub mod otel;
pub mod propagation;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::trace::{TraceContextExt, TracerProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::dispatcher::WeakDispatch;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::{LookupSpan, SpanRef};
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::configuration::{LogFormat, LogSettings};

pub use otel::{Plan, TracingSetupError};

static EXPORTING: AtomicBool = AtomicBool::new(false);

/// The installed subscriber, for the log formatter to find span contexts:
/// inside a subscriber callback `tracing` hands out no dispatcher.
static DISPATCH: OnceLock<WeakDispatch> = OnceLock::new();

/// True when spans leave the process (an OTLP endpoint is set and export
/// is not switched off).
pub fn exporting() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// What [`init`] installed; [`Telemetry::shutdown`] sends the spans still
/// queued.
#[derive(Debug, Clone)]
pub struct Telemetry {
    plan: Plan,
    provider: Option<SdkTracerProvider>,
    /// Set by the first [`Telemetry::shutdown`]: the worker flushes within
    /// its grace period and `main` flushes after every command, and a
    /// second flush of a shut-down provider only reports that it was.
    shut: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Telemetry {
    /// Whether and where spans are exported.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Exports what is queued and stops the exporter, waiting at most
    /// `within`. Spans of the messages finished during a shutdown's grace
    /// period are sent here, inside that period.
    pub async fn shutdown(&self, within: Duration) {
        let Some(provider) = self.provider.clone() else {
            return;
        };
        if self.shut.swap(true, Ordering::SeqCst) {
            return;
        }
        if !matches!(self.plan, Plan::Export { .. }) {
            // Nothing was exported, so there is nothing to flush.
            let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
            return;
        }
        // The SDK blocks while it flushes: not on the runtime's threads.
        let flushed = tokio::task::spawn_blocking(move || provider.shutdown_with_timeout(within));
        match tokio::time::timeout(within + Duration::from_millis(100), flushed).await {
            Ok(Ok(Ok(()))) => tracing::debug!("spans flushed"),
            Ok(Ok(Err(e))) => crate::events::trace_export_failed(0, &e, true),
            Ok(Err(e)) => crate::events::trace_export_failed(0, &e, true),
            Err(_) => crate::events::trace_export_failed(0, &"flush timed out", true),
        }
    }
}

/// Installs the global subscriber: logs per `settings` (`RUST_LOG` wins
/// over `settings.level`) and spans per the `OTEL_*` variables. Fails on a
/// tracing variable it cannot honour. Calling it again installs nothing
/// (tests that share a process stay simple) and returns a handle that
/// exports nothing.
pub fn init<W>(settings: &LogSettings, writer: W) -> Result<Telemetry, TracingSetupError>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let plan = otel::plan(|k| std::env::var(k).ok())?;
    let provider = otel::provider(&plan)?;
    let dispatch = dispatch(settings, writer, &provider);
    if tracing::dispatcher::set_global_default(dispatch).is_err() {
        let _ = provider.shutdown();
        return Ok(Telemetry {
            shut: Default::default(),
            plan: Plan::Off(otel::Off::NoEndpoint),
            provider: None,
        });
    }
    let exporting = matches!(plan, Plan::Export { .. });
    EXPORTING.store(exporting, Ordering::Relaxed);
    crate::events::tracing_started(&plan);
    Ok(Telemetry {
        shut: Default::default(),
        plan,
        provider: Some(provider),
    })
}

/// Fields as a person reads them: the OpenTelemetry attributes of the
/// spans (dotted names: `messaging.system`, `url.full`, …) are for the trace
/// backend and would double every line's length, so they are left out; the
/// JSON lines keep them all.
fn human_fields() -> impl for<'w> tracing_subscriber::fmt::FormatFields<'w> + Send + Sync + 'static
{
    use tracing_subscriber::field::MakeExt;
    tracing_subscriber::fmt::format::debug_fn(|w, field, value| {
        let name = field.name();
        if name.contains('.') {
            Ok(())
        } else if name == "message" {
            write!(w, "{value:?}")
        } else {
            write!(w, "{name}={value:?}")
        }
    })
    .delimited(" ")
}

/// The subscriber [`init`] installs, built without installing it (for a
/// benchmark to compare against none): logs per `settings`, spans to
/// `provider`.
pub fn dispatch<W>(
    settings: &LogSettings,
    writer: W,
    provider: &SdkTracerProvider,
) -> tracing::Dispatch
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs: Box<dyn Layer<Registry> + Send + Sync> = match settings.format.resolve(terminal) {
        LogFormat::Json => {
            // No ANSI in JSON: page text and URLs are logged, and escape
            // codes in them must not reach an operator's terminal
            // (RUSTSEC-2025-0055); this formatter writes none.
            let mut json = json_subscriber::fmt::layer()
                .with_writer(writer)
                .with_current_span(true)
                .with_span_list(false);
            let inner = json.inner_layer_mut();
            inner.add_from_span("trace_id", |span| span_ids(span).map(|(t, _)| t));
            inner.add_from_span("span_id", |span| span_ids(span).map(|(_, s)| s));
            json.with_filter(filter).boxed()
        }
        LogFormat::Pretty | LogFormat::Auto => tracing_subscriber::fmt::layer()
            .with_ansi(terminal)
            .with_target(false)
            .fmt_fields(human_fields())
            .with_writer(writer)
            .with_filter(filter)
            .boxed(),
    };
    // The spans of this crate, and its events as span events; other
    // crates' spans (the broker client's, the HTTP client's) would only
    // add noise to a message's tree.
    let spans = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("fraudstat"))
        .with_location(false)
        .with_threads(false)
        .with_filter(Targets::new().with_target("fraudstat", tracing::Level::INFO));
    let dispatch = tracing::Dispatch::new(Registry::default().with(logs).with(spans));
    // The first one built is the one a process installs.
    let _ = DISPATCH.set(dispatch.downgrade());
    dispatch
}

/// The W3C trace and span ids of a span, as lowercase hex.
fn span_ids<S>(span: &SpanRef<'_, S>) -> Option<(String, String)>
where
    S: for<'a> LookupSpan<'a>,
{
    let dispatch = DISPATCH.get()?.upgrade()?;
    let cx = tracing_opentelemetry::get_otel_context(&span.id(), &dispatch)?;
    let sc = cx.span().span_context().clone();
    sc.is_valid()
        .then(|| (sc.trace_id().to_string(), sc.span_id().to_string()))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The human format keeps the fields people set and leaves the
    /// OpenTelemetry attributes to the trace backend.
    #[test]
    fn pretty_lines_leave_out_the_span_attributes() {
        let out = Buffer::default();
        let writer = out.clone();
        let settings = LogSettings {
            format: LogFormat::Pretty,
            level: "info".into(),
        };
        let provider = SdkTracerProvider::builder().build();
        let d = dispatch(&settings, move || writer.clone(), &provider);
        tracing::dispatcher::with_default(&d, || {
            let span = tracing::info_span!(
                target: "fraudstat",
                "message",
                result_id = "abc",
                "messaging.system" = "rabbitmq",
                "url.full" = "http://example.com/x"
            );
            let _g = span.enter();
            tracing::info!(target: "fraudstat", attempt = 2, "message finished");
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.contains("message finished") && text.contains("attempt=2"),
            "{text}"
        );
        assert!(text.contains("result_id"), "{text}");
        assert!(
            !text.contains("rabbitmq") && !text.contains("url.full"),
            "{text}"
        );
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            assert!(!text.contains('\u{1b}'), "no colour off a terminal: {text}");
        }
    }
}

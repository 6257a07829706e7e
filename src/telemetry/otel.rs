//! OpenTelemetry span export, configured the way every OpenTelemetry SDK is:
//! by the `OTEL_*` environment variables.
//!
//! Export is off unless an OTLP endpoint is set
//! (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`),
//! and `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off
//! again. The transport is `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or
//! `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` (the specification's
//! default) or `grpc`. The SDK and the exporter read the rest themselves:
//! `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`
//! (parent-based always-on by default), `OTEL_EXPORTER_OTLP_HEADERS`,
//! `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_BSP_*`.
//!
//! Spans leave in batches from the SDK's own thread, so a slow or absent
//! collector never holds up a message: a full export queue drops spans,
//! and a failed export is counted (`fraudstat_trace_export_failures_total`)
//! and logged at most once a minute.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use opentelemetry_otlp::{SpanExporter as OtlpExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};

/// The service name when neither `OTEL_SERVICE_NAME` nor a `service.name`
/// in `OTEL_RESOURCE_ATTRIBUTES` gives one.
pub const DEFAULT_SERVICE_NAME: &str = "fraudstat";

/// How spans travel to the collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// OTLP over HTTP with protobuf bodies (`http/protobuf`, port 4318).
    HttpProtobuf,
    /// OTLP over gRPC (`grpc`, port 4317).
    Grpc,
}

/// Why no span is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Off {
    /// No OTLP endpoint is set.
    NoEndpoint,
    /// `OTEL_SDK_DISABLED=true`.
    SdkDisabled,
    /// `OTEL_TRACES_EXPORTER=none`.
    ExporterNone,
}

/// What the environment asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Export over OTLP.
    Export {
        /// The transport.
        protocol: Protocol,
        /// The endpoint variable's value, for the start-up log line.
        endpoint: String,
    },
    /// Export nothing.
    Off(Off),
}

/// A tracing variable that cannot be honoured: start-up stops on it, as on
/// any other bad setting.
#[derive(Debug, thiserror::Error)]
pub enum TracingSetupError {
    /// A protocol this build does not speak.
    #[error("{var}={value:?}: the protocol must be http/protobuf or grpc")]
    Protocol {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
    },
    /// An exporter other than OTLP.
    #[error("OTEL_TRACES_EXPORTER={0:?}: only otlp and none are supported")]
    Exporter(String),
    /// The exporter could not be built (a malformed endpoint, say).
    #[error("setting up the OTLP span exporter: {0}")]
    Build(String),
}

/// Reads the plan from environment variables (`env` looks one up; empty
/// values count as unset, as the specification says).
pub fn plan(env: impl Fn(&str) -> Option<String>) -> Result<Plan, TracingSetupError> {
    let var = |k: &str| {
        env(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    if var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Ok(Plan::Off(Off::SdkDisabled));
    }
    if let Some(exporter) = var("OTEL_TRACES_EXPORTER") {
        match exporter.to_ascii_lowercase().as_str() {
            "none" => return Ok(Plan::Off(Off::ExporterNone)),
            "otlp" => {}
            _ => return Err(TracingSetupError::Exporter(exporter)),
        }
    }
    let protocol = match [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
    ]
    .into_iter()
    .find_map(|k| var(k).map(|v| (k, v)))
    {
        None => Protocol::HttpProtobuf,
        Some((_, v)) if v == "http/protobuf" => Protocol::HttpProtobuf,
        Some((_, v)) if v == "grpc" => Protocol::Grpc,
        Some((var, value)) => return Err(TracingSetupError::Protocol { var, value }),
    };
    let endpoint =
        var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT"));
    Ok(match endpoint {
        Some(endpoint) => Plan::Export { protocol, endpoint },
        None => Plan::Off(Off::NoEndpoint),
    })
}

/// The tracer provider for a plan. Without export it has no processor:
/// spans still get ids (the log lines carry them, and a message that came
/// without a trace starts one) but are dropped at once.
pub fn provider(plan: &Plan) -> Result<SdkTracerProvider, TracingSetupError> {
    let builder = SdkTracerProvider::builder().with_resource(resource());
    let Plan::Export { protocol, .. } = plan else {
        return Ok(builder.build());
    };
    let build = |e: opentelemetry_otlp::ExporterBuildError| TracingSetupError::Build(e.to_string());
    // The exporter reads the endpoint, headers, timeout and compression
    // variables itself; the transport is chosen here so that a value it
    // does not know stops start-up instead of falling back silently.
    let exporter = match protocol {
        Protocol::HttpProtobuf => OtlpExporter::builder()
            .with_http()
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .build()
            .map_err(build)?,
        Protocol::Grpc => OtlpExporter::builder()
            .with_tonic()
            .with_protocol(opentelemetry_otlp::Protocol::Grpc)
            .build()
            .map_err(build)?,
    };
    Ok(builder.with_batch_exporter(Counted::new(exporter)).build())
}

/// `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME` (read by the SDK's
/// detectors), the service name defaulting to [`DEFAULT_SERVICE_NAME`], and
/// the version.
fn resource() -> Resource {
    let detected = Resource::builder().build();
    let named = detected
        .get(&opentelemetry::Key::new("service.name"))
        .is_some_and(|v| !v.as_str().starts_with("unknown_service"));
    let mut builder = Resource::builder().with_attribute(opentelemetry::KeyValue::new(
        "service.version",
        env!("CARGO_PKG_VERSION"),
    ));
    if !named {
        builder = builder.with_service_name(DEFAULT_SERVICE_NAME);
    }
    builder.build()
}

/// Wraps the exporter so that each failed export is counted and a warning
/// is logged at most once per [`WARN_EVERY`]: a collector that is down
/// must not flood the logs it shares with the worker.
#[derive(Debug)]
struct Counted<E> {
    inner: E,
    last_warning: Mutex<Option<Instant>>,
}

/// The least time between two warnings about failed exports.
pub const WARN_EVERY: Duration = Duration::from_secs(60);

impl<E> Counted<E> {
    fn new(inner: E) -> Self {
        Self {
            inner,
            last_warning: Mutex::new(None),
        }
    }

    /// True, and the clock restarted, when the last warning is at least
    /// [`WARN_EVERY`] old.
    fn warning_due(&self) -> bool {
        match self.last_warning.lock() {
            Ok(mut last) => {
                let due = last.is_none_or(|t| t.elapsed() >= WARN_EVERY);
                if due {
                    *last = Some(Instant::now());
                }
                due
            }
            Err(_) => false,
        }
    }

    fn failed(&self, spans: usize, error: &dyn std::fmt::Display) {
        crate::events::trace_export_failed(spans, error, self.warning_due());
    }
}

impl<E: SpanExporter> SpanExporter for Counted<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let spans = batch.len();
        let result = self.inner.export(batch).await;
        if let Err(e) = &result {
            self.failed(spans, e);
        }
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn plan_of(vars: &[(&str, &str)]) -> Result<Plan, TracingSetupError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        plan(|k| vars.get(k).cloned())
    }

    #[test]
    fn off_unless_an_endpoint_is_set() {
        assert_eq!(plan_of(&[]).unwrap(), Plan::Off(Off::NoEndpoint));
        assert_eq!(
            plan_of(&[("OTEL_EXPORTER_OTLP_ENDPOINT", " ")]).unwrap(),
            Plan::Off(Off::NoEndpoint)
        );
        assert_eq!(
            plan_of(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")]).unwrap(),
            Plan::Export {
                protocol: Protocol::HttpProtobuf,
                endpoint: "http://c:4318".into()
            }
        );
        // The signal's own variables win over the general ones.
        assert_eq!(
            plan_of(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:4317"),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
                ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"),
            ])
            .unwrap(),
            Plan::Export {
                protocol: Protocol::Grpc,
                endpoint: "http://t:4317".into()
            }
        );
    }

    #[test]
    fn the_sdk_switch_and_the_none_exporter_turn_export_off() {
        let on = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318");
        assert_eq!(
            plan_of(&[on, ("OTEL_SDK_DISABLED", "TRUE")]).unwrap(),
            Plan::Off(Off::SdkDisabled)
        );
        // Anything but "true" leaves the SDK on, as the specification says.
        assert!(matches!(
            plan_of(&[on, ("OTEL_SDK_DISABLED", "1")]).unwrap(),
            Plan::Export { .. }
        ));
        assert_eq!(
            plan_of(&[on, ("OTEL_TRACES_EXPORTER", "none")]).unwrap(),
            Plan::Off(Off::ExporterNone)
        );
        assert!(matches!(
            plan_of(&[on, ("OTEL_TRACES_EXPORTER", "otlp")]).unwrap(),
            Plan::Export { .. }
        ));
    }

    #[test]
    fn unknown_values_stop_start_up_naming_the_variable() {
        let e = plan_of(&[("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]).unwrap_err();
        assert!(e.to_string().contains("OTEL_EXPORTER_OTLP_PROTOCOL"), "{e}");
        let e = plan_of(&[("OTEL_TRACES_EXPORTER", "zipkin")]).unwrap_err();
        assert!(e.to_string().contains("OTEL_TRACES_EXPORTER"), "{e}");
    }

    #[test]
    fn failed_exports_warn_once_a_minute() {
        let counted = Counted::new(());
        assert!(counted.warning_due());
        assert!(!counted.warning_due());
        assert!(!counted.warning_due());
        *counted.last_warning.lock().unwrap() = Instant::now().checked_sub(WARN_EVERY);
        assert!(counted.warning_due());
    }
}

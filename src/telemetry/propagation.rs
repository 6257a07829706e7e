//! W3C trace context and baggage carried in AMQP message headers.
//!
//! The crawler that published a URL may have put `traceparent`,
//! `tracestate` and `baggage` headers on its message. They are read here
//! with OpenTelemetry's standard propagators (W3C Trace Context and W3C
//! Baggage) and written on everything the worker publishes for that URL:
//! its result, its failure record, its retry republish.
//!
//! What is written depends on whether spans are exported
//! ([`super::exporting`]):
//!
//! - **exporting**: the context of the worker's current span (the `publish`
//!   span), so the next hop's span hangs off a span the backend has;
//! - **not exporting**: the caller's context, unchanged, so the next hop's
//!   span hangs off the crawler's and the trace does not break at a worker
//!   nobody can see. A message that came without a context gets the
//!   worker's own (its trace id is the one in the worker's log lines).

use std::sync::OnceLock;

use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use opentelemetry::propagation::{
    Extractor, Injector, TextMapCompositePropagator, TextMapPropagator,
};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// W3C trace context: version, trace id, parent span id, flags.
pub const TRACEPARENT: &str = "traceparent";
/// W3C vendor trace state.
pub const TRACESTATE: &str = "tracestate";
/// W3C baggage: key-value pairs the caller wants carried along.
pub const BAGGAGE: &str = "baggage";

/// Headers this module reads and writes, for code that copies them as they
/// are (the failure-queue replay).
pub const HEADERS: [&str; 3] = [TRACEPARENT, TRACESTATE, BAGGAGE];

/// Trace Context then Baggage, as OpenTelemetry SDKs do by default
/// (`OTEL_PROPAGATORS=tracecontext,baggage`).
fn propagator() -> &'static TextMapCompositePropagator {
    static PROPAGATOR: OnceLock<TextMapCompositePropagator> = OnceLock::new();
    PROPAGATOR.get_or_init(|| {
        TextMapCompositePropagator::new(vec![
            Box::new(TraceContextPropagator::new()),
            Box::new(BaggagePropagator::new()),
        ])
    })
}

/// Reads AMQP headers for the propagators. Only UTF-8 string values count:
/// a header of another AMQP type is not a W3C header.
struct HeaderReader<'a>(Option<&'a FieldTable>);

impl Extractor for HeaderReader<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        match self.0?.inner().get(key)? {
            AMQPValue::LongString(s) => std::str::from_utf8(s.as_bytes()).ok(),
            AMQPValue::ShortString(s) => Some(s.as_str()),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<&str> {
        self.0
            .map(|h| h.inner().keys().map(|k| k.as_str()).collect())
            .unwrap_or_default()
    }
}

/// Writes the propagators' headers as AMQP long strings.
struct HeaderWriter<'a>(&'a mut FieldTable);

impl Injector for HeaderWriter<'_> {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(
            ShortString::from(key),
            AMQPValue::LongString(LongString::from(value)),
        );
    }
}

/// The context a message arrived with: the caller's span (remote) and its
/// baggage. Malformed headers give an empty context, as the W3C
/// specification asks: the message then starts a trace of its own.
pub fn extract(headers: Option<&FieldTable>) -> opentelemetry::Context {
    propagator().extract(&HeaderReader(headers))
}

/// True when `cx` holds a caller's span (a valid `traceparent` came in).
pub fn has_caller(cx: &opentelemetry::Context) -> bool {
    cx.span().span_context().is_valid()
}

/// Writes trace context and baggage into the headers of a message the
/// worker publishes for an input that arrived with `received` (see the
/// module documentation for which context is written).
pub fn inject(headers: &mut FieldTable, received: &opentelemetry::Context) {
    let own;
    let cx = if super::exporting() || !has_caller(received) {
        own = tracing::Span::current().context();
        if has_caller(&own) { &own } else { received }
    } else {
        received
    };
    propagator().inject_context(cx, &mut HeaderWriter(headers));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> FieldTable {
        let mut h = FieldTable::default();
        for (k, v) in pairs {
            HeaderWriter(&mut h).set(k, (*v).to_string());
        }
        h
    }

    fn get(h: &FieldTable, key: &str) -> Option<String> {
        HeaderReader(Some(h)).get(key).map(str::to_string)
    }

    #[test]
    fn a_valid_context_is_read_and_passed_on_unchanged_when_not_exporting() {
        let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let input = headers(&[
            (TRACEPARENT, tp),
            (TRACESTATE, "congo=t61rcWkgMzE"),
            (BAGGAGE, "crawl=42"),
        ]);
        let cx = extract(Some(&input));
        assert!(has_caller(&cx));
        assert_eq!(
            cx.span().span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        let mut out = FieldTable::default();
        inject(&mut out, &cx);
        assert_eq!(get(&out, TRACEPARENT).as_deref(), Some(tp));
        assert_eq!(get(&out, TRACESTATE).as_deref(), Some("congo=t61rcWkgMzE"));
        assert_eq!(get(&out, BAGGAGE).as_deref(), Some("crawl=42"));
    }

    #[test]
    fn malformed_contexts_are_ignored() {
        for bad in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "garbage",
            "",
        ] {
            let cx = extract(Some(&headers(&[(TRACEPARENT, bad)])));
            assert!(!has_caller(&cx), "{bad}");
        }
        // A header of another AMQP type is not a W3C header.
        let mut h = FieldTable::default();
        h.insert(TRACEPARENT.into(), AMQPValue::LongInt(7));
        assert!(!has_caller(&extract(Some(&h))));
        assert!(!has_caller(&extract(None)));
    }
}

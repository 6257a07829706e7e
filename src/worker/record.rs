//! What gets published for each outcome: the result, the message for the
//! retry queue, or the failure record.

use chrono::{SecondsFormat, Utc};
use lapin::BasicProperties;
use lapin::types::{FieldTable, ShortString};
use serde::{Deserialize, Serialize};

use crate::amqp::headers;
use crate::amqp::publisher::Outgoing;
use crate::amqp::topology::{Names, RESULT_ROUTING_KEY};
use crate::article_url::redact_text;
use crate::input::{KeptInput, redact_body};
use crate::model::WorkerInfo;
use crate::telemetry::propagation;

use super::process::{Incoming, Outcome, Processed, Verdict, WorkError};

/// Persistent delivery mode: the message is written to disk.
const PERSISTENT: u8 = 2;

/// The error part of a failure record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureError {
    /// Stable kind (`bad_message`, `http_status`, `timeout`, `forbidden_address`, …).
    pub kind: String,
    /// Human-readable message.
    pub message: String,
    /// HTTP status, when the error is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// True when the error was transient and the attempt budget ran out.
    pub retries_exhausted: bool,
}

/// A URL that cannot be done, as published to `{prefix}.failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureRecord {
    /// The result id the URL would have had (a body hash for bad messages).
    pub id: String,
    /// The URL, when the message had a valid one, without user name and
    /// password.
    pub url: Option<String>,
    /// The input message: whole up to `worker.record_input_bytes`, else a
    /// prefix, with its length and hash (`input`, `input_encoding`,
    /// `input_truncated`, `input_bytes`, `input_sha256`), all of it with
    /// the URL's user name and password removed first.
    #[serde(flatten)]
    pub input: KeptInput,
    /// Why.
    pub error: FailureError,
    /// Attempts made, this one included.
    pub attempts: u32,
    /// RFC 3339 time of the first attempt.
    pub first_attempt_at: String,
    /// RFC 3339 time of this record.
    pub failed_at: String,
    /// Passed through from the input.
    #[serde(default)]
    pub meta: serde_json::Value,
    /// Who produced it.
    pub worker: WorkerInfo,
}

/// Sizes that bound every outgoing message.
#[derive(Debug, Clone, Copy)]
pub struct RecordLimits {
    /// Bytes of the input kept in a failure record.
    pub record_input_bytes: usize,
    /// Largest result published; above it, a failure record instead.
    pub max_result_bytes: usize,
}

/// Longest error message carried, in a record or a header.
const MAX_ERROR_MESSAGE_BYTES: usize = 1024;

/// A message to publish, owning its parts.
#[derive(Debug, Clone)]
pub struct OwnedOutgoing {
    exchange: String,
    routing_key: String,
    body: Vec<u8>,
    properties: BasicProperties,
}

impl OwnedOutgoing {
    /// Borrowed view for the publisher.
    pub fn as_outgoing(&self) -> Outgoing<'_> {
        Outgoing {
            exchange: &self.exchange,
            routing_key: &self.routing_key,
            body: &self.body,
            properties: self.properties.clone(),
        }
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn json_properties(id: &str, headers: FieldTable) -> BasicProperties {
    let mut p = BasicProperties::default()
        .with_delivery_mode(PERSISTENT)
        .with_content_type("application/json".into())
        .with_app_id("fraudstat".into())
        .with_timestamp(u64::try_from(Utc::now().timestamp()).unwrap_or(0))
        .with_headers(headers);
    // message_id lets consumers drop redeliveries without parsing the body.
    if let Ok(mid) = ShortString::try_new(id) {
        p = p.with_message_id(mid);
    }
    p
}

/// Builds what must be confirmed before the input may be acknowledged.
/// Every message it builds is bounded: the input body is (the worker
/// refuses larger ones unread), a failure record keeps a bounded part of
/// it, headers are the worker's own plus the trace context, and a result
/// over `max_result_bytes` becomes a small failure record. `None` for an
/// outcome that publishes nothing ([`Outcome::Abandoned`]).
pub fn outgoing(
    names: &Names,
    limits: RecordLimits,
    incoming: &Incoming<'_>,
    p: &Processed,
) -> Option<OwnedOutgoing> {
    Some(match &p.outcome {
        Outcome::Abandoned => return None,
        Outcome::Done(result) => {
            let mut h = FieldTable::default();
            propagation::inject(&mut h, &p.trace);
            headers::set_u64(&mut h, headers::ATTEMPTS, u64::from(p.attempt));
            let body = match serde_json::to_vec(result.as_ref()) {
                Ok(body) if body.len() <= limits.max_result_bytes => body,
                Ok(body) => {
                    let error = WorkError::ResultTooLarge {
                        bytes: body.len(),
                        limit: limits.max_result_bytes,
                    };
                    tracing::warn!(error = %error, "result replaced by a failure record");
                    return Some(failure(names, limits, incoming, p, &error, false));
                }
                Err(e) => {
                    let error = WorkError::Serialise(e.to_string());
                    tracing::error!(error = %error, "result dropped for a failure record");
                    return Some(failure(names, limits, incoming, p, &error, false));
                }
            };
            OwnedOutgoing {
                exchange: names.results_exchange.clone(),
                routing_key: RESULT_ROUTING_KEY.into(),
                body,
                properties: json_properties(&p.id, h),
            }
        }
        Outcome::Retry {
            error,
            queue,
            delay_ms,
        } => {
            // The input as it came, with our bookkeeping headers updated:
            // it flows back into the input queue when its delay is over.
            let h = attempt_headers(p, error);
            let mut props = incoming
                .properties
                .clone()
                .with_delivery_mode(PERSISTENT)
                .with_headers(h);
            props = props.with_expiration(delay_ms.to_string().as_str().into());
            OwnedOutgoing {
                exchange: String::new(),
                routing_key: queue.clone(),
                body: incoming.body.to_vec(),
                properties: props,
            }
        }
        Outcome::Failed { error, exhausted } => {
            failure(names, limits, incoming, p, error, *exhausted)
        }
    })
}

/// The record published when the broker refused what the worker built for
/// this input (too large, or a frame it would not take): the smallest
/// record that still says what happened, without the input body or meta,
/// so that it cannot be refused in turn.
pub fn refused_record(
    names: &Names,
    incoming: &Incoming<'_>,
    p: &Processed,
    reason: &str,
) -> OwnedOutgoing {
    let error = WorkError::PublishRefused(truncate(reason, MAX_ERROR_MESSAGE_BYTES));
    let limits = RecordLimits {
        record_input_bytes: 1024,
        max_result_bytes: 0,
    };
    let mut out = failure(names, limits, incoming, p, &error, false);
    if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&out.body) {
        v["meta"] = serde_json::Value::Null;
        if let Ok(body) = serde_json::to_vec(&v) {
            out.body = body;
        }
    }
    out
}

fn failure(
    names: &Names,
    limits: RecordLimits,
    incoming: &Incoming<'_>,
    p: &Processed,
    error: &WorkError,
    exhausted: bool,
) -> OwnedOutgoing {
    let record = FailureRecord {
        id: p.id.clone(),
        url: p.url.clone(),
        // Not the byte-exact input, unlike a retry's: a record is read by
        // people and kept, so the URL's password goes (a replay then
        // fetches without it).
        input: KeptInput::keep(&redact_body(incoming.body), limits.record_input_bytes),
        error: FailureError {
            kind: error.kind().to_string(),
            message: error_message(error),
            status: error.status(),
            retries_exhausted: exhausted && error.verdict() == Verdict::Retry,
        },
        attempts: p.attempt,
        first_attempt_at: p.first_attempt_at.clone(),
        failed_at: now(),
        meta: p.meta.clone(),
        worker: WorkerInfo::default(),
    };
    // Serialising strings and JSON values cannot fail; if it somehow did,
    // a smaller record still says what happened.
    let body = serde_json::to_vec(&record).unwrap_or_else(|e| {
        serde_json::json!({
            "id": p.id,
            "error": {"kind": error.kind(), "message": format!("{error} (record not serialisable: {e})")},
            "attempts": p.attempt,
        })
        .to_string()
        .into_bytes()
    });
    let h = attempt_headers(p, error);
    OwnedOutgoing {
        exchange: String::new(),
        routing_key: names.failed.clone(),
        body,
        properties: json_properties(&p.id, h),
    }
}

/// This attempt's bookkeeping (count, first attempt, the error) and the
/// trace context: what a retried input and a failure record both carry.
///
/// Nothing else of the input's headers is copied. The broker accepts a
/// message whose headers nearly fill a frame; copied onto a message of
/// ours with headers added, they overflowed `frame_max` and the broker
/// closed the whole publishing connection on every attempt.
fn attempt_headers(p: &Processed, error: &WorkError) -> FieldTable {
    let mut h = FieldTable::default();
    headers::set_u64(&mut h, headers::ATTEMPTS, u64::from(p.attempt));
    headers::set_str(&mut h, headers::FIRST_ATTEMPT_AT, &p.first_attempt_at);
    headers::set_str(&mut h, headers::ERROR_KIND, error.kind());
    headers::set_str(&mut h, headers::ERROR_MESSAGE, &error_message(error));
    propagation::inject(&mut h, &p.trace);
    h
}

/// The error as records and headers carry it: bounded, and without the
/// password of any URL it quotes.
fn error_message(error: &WorkError) -> String {
    truncate(&redact_text(&error.to_string()), MAX_ERROR_MESSAGE_BYTES)
}

/// At most `max` bytes, cut on a character boundary.
fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::Settings;
    use crate::input::{BadMessage, InputEncoding};
    use lapin::types::{AMQPValue, LongString};

    fn names() -> Names {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        Names::new(&Settings::load_with_env(Some(&dir), None, Vec::new()).unwrap())
    }

    const LIMITS: RecordLimits = RecordLimits {
        record_input_bytes: 4096,
        max_result_bytes: 64 << 10,
    };

    fn processed(outcome: Outcome) -> Processed {
        Processed {
            id: "id1".into(),
            url: Some("https://a.example/1".into()),
            attempt: 1,
            first_attempt_at: "2026-12-04T00:00:00.000Z".into(),
            trace: {
                let mut h = FieldTable::default();
                headers::set_str(
                    &mut h,
                    headers::TRACEPARENT,
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                );
                propagation::extract(Some(&h))
            },
            meta: serde_json::Value::Null,
            outcome,
            status: None,
            fetch_time: None,
            process_time: None,
        }
    }

    fn failed(error: WorkError) -> Outcome {
        Outcome::Failed {
            error,
            exhausted: false,
        }
    }

    fn header_bytes(p: &BasicProperties) -> usize {
        p.headers()
            .as_ref()
            .map(|h| {
                h.inner()
                    .iter()
                    .map(|(k, v)| {
                        k.as_str().len()
                            + match v {
                                AMQPValue::LongString(s) => s.as_bytes().len(),
                                _ => 8,
                            }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }

    #[test]
    fn a_huge_bad_body_makes_a_small_record_that_says_what_it_was() {
        let body = vec![0u8; 25 << 20];
        let props = BasicProperties::default();
        let incoming = Incoming {
            body: &body,
            properties: &props,
        };
        let p = processed(failed(WorkError::TooLarge {
            bytes: body.len(),
            limit: 65536,
        }));
        let out = outgoing(&names(), LIMITS, &incoming, &p).unwrap();
        assert!(out.body.len() < 2 * 4096 + 2048, "{}", out.body.len());
        let record: FailureRecord = serde_json::from_slice(&out.body).unwrap();
        assert_eq!(record.error.kind, "too_large");
        assert_eq!(record.input.input_encoding, InputEncoding::Base64);
        assert!(record.input.input_truncated);
        assert_eq!(record.input.input_bytes, 25 << 20);
        assert_eq!(record.input.input_sha256.len(), 64);
    }

    #[test]
    fn input_headers_are_not_copied_only_bookkeeping_and_trace_context() {
        let mut h = FieldTable::default();
        h.insert(
            "x-padding".into(),
            AMQPValue::LongString(LongString::from("x".repeat(130_900))),
        );
        h.insert(
            headers::FIRST_ATTEMPT_AT.into(),
            AMQPValue::LongString(LongString::from("y".repeat(100_000))),
        );
        let props = BasicProperties::default().with_headers(h);
        let body = br#"{"url":"https://a.example/1"}"#;
        let incoming = Incoming {
            body,
            properties: &props,
        };
        for outcome in [
            failed(WorkError::BadMessage(BadMessage("x".into()))),
            Outcome::Retry {
                error: WorkError::PublishRefused("x".into()),
                queue: "q".into(),
                delay_ms: 5,
            },
        ] {
            let out = outgoing(&names(), LIMITS, &incoming, &processed(outcome)).unwrap();
            let n = header_bytes(&out.properties);
            assert!(n < 2048, "{n} bytes of headers");
            let keys: Vec<String> = out
                .properties
                .headers()
                .as_ref()
                .unwrap()
                .inner()
                .keys()
                .map(|k| k.to_string())
                .collect();
            assert!(!keys.contains(&"x-padding".to_string()), "{keys:?}");
            assert!(keys.contains(&headers::TRACEPARENT.to_string()), "{keys:?}");
        }
    }

    #[test]
    fn a_refused_publish_ends_in_a_small_record_without_the_input() {
        let body = format!(
            r#"{{"url":"https://a.example/1","meta":"{}"}}"#,
            "m".repeat(60_000)
        );
        let props = BasicProperties::default();
        let incoming = Incoming {
            body: body.as_bytes(),
            properties: &props,
        };
        let out = refused_record(
            &names(),
            &incoming,
            &processed(Outcome::Abandoned),
            "406 message too large",
        );
        assert!(out.body.len() < 8192, "{}", out.body.len());
        let record: FailureRecord = serde_json::from_slice(&out.body).unwrap();
        assert_eq!(record.error.kind, "publish_refused");
        assert!(record.input.input_truncated);
    }

    /// A `MakeWriter` collecting what a subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The body and every header, as text.
    fn everything_published(out: &OwnedOutgoing) -> String {
        let mut all = String::from_utf8_lossy(&out.body).into_owned();
        for (k, v) in out.properties.headers().as_ref().unwrap().inner() {
            let v = match v {
                AMQPValue::LongString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
                other => format!("{other:?}"),
            };
            all.push_str(&format!("\n{k}: {v}"));
        }
        all
    }

    /// A URL with a password, refused at fetch (a loopback literal) or as a
    /// bad message: neither the record, its headers, nor a log line or
    /// span field of the message carries the password.
    #[tokio::test]
    async fn a_urls_password_is_in_no_record_and_no_log_line() {
        use tracing_subscriber::fmt::format::FmtSpan;
        let logs = Captured::default();
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_span_events(FmtSpan::CLOSE)
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || sink.clone())
            .finish();
        let _logging = tracing::subscriber::set_default(subscriber);

        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let settings = Settings::load_with_env(Some(&dir), None, Vec::new()).unwrap();
        assert!(!settings.fetch.allow_private_addresses);
        let processor = super::super::Processor::new(&settings).unwrap();
        let props = BasicProperties::default();
        for (body, kind, url) in [
            (
                r#"{"url":"http://user:secret@127.0.0.1:9/a","id":"x"}"#,
                "forbidden_address",
                Some("http://127.0.0.1:9/a"),
            ),
            (
                "http:user:secret@127.0.0.1:9/b",
                "forbidden_address",
                Some("http://127.0.0.1:9/b"),
            ),
            (
                r#"{"url":"ftp://user:secret@a.example/f"}"#,
                "bad_message",
                None,
            ),
        ] {
            let incoming = Incoming {
                body: body.as_bytes(),
                properties: &props,
            };
            let span = tracing::info_span!(
                "message",
                url = tracing::field::Empty,
                result_id = tracing::field::Empty,
                attempt = tracing::field::Empty,
            );
            let p = {
                use tracing::Instrument;
                processor.process_one(&incoming).instrument(span).await
            };
            assert_eq!(p.outcome.error().map(WorkError::kind), Some(kind), "{body}");
            assert_eq!(p.url.as_deref(), url, "{body}");
            let out = outgoing(&names(), LIMITS, &incoming, &p).unwrap();
            let published = everything_published(&out);
            assert!(!published.contains("secret"), "{published}");
            assert!(
                published.contains("x-fraudstat-error-message: "),
                "{published}"
            );
        }
        let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        assert!(
            logged.contains("127.0.0.1:9/a"),
            "the span was not logged: {logged}"
        );
        assert!(!logged.contains("secret"), "{logged}");
    }

    /// A retry republishes the input byte for byte (the next attempt needs
    /// its credentials), but the error it carries in a header is scrubbed.
    #[test]
    fn a_retry_keeps_its_input_exact_and_scrubs_its_error() {
        let body = br#"{"url":"http://user:secret@a.example/1"}"#;
        let props = BasicProperties::default();
        let incoming = Incoming {
            body,
            properties: &props,
        };
        let error = WorkError::Fetch(crate::fetch::FetchError::Connect(
            "error sending request for url (http://user:secret@a.example/1)".into(),
        ));
        let retry = Outcome::Retry {
            error,
            queue: "q".into(),
            delay_ms: 5,
        };
        let out = outgoing(&names(), LIMITS, &incoming, &processed(retry)).unwrap();
        assert_eq!(out.body, body);
        let message =
            headers::get_str(out.properties.headers().as_ref(), headers::ERROR_MESSAGE).unwrap();
        assert_eq!(
            message,
            "connection failed: error sending request for url (http://a.example/1)"
        );
        // Given up on, the same input makes a record without it.
        let error = WorkError::Fetch(crate::fetch::FetchError::Connect(
            "error sending request for url (http://user:secret@a.example/1)".into(),
        ));
        let failed = Outcome::Failed {
            error,
            exhausted: true,
        };
        let out = outgoing(&names(), LIMITS, &incoming, &processed(failed)).unwrap();
        let published = everything_published(&out);
        assert!(!published.contains("secret"), "{published}");
        let record: FailureRecord = serde_json::from_slice(&out.body).unwrap();
        assert_eq!(record.input.input["url"], "http://a.example/1");
    }
}

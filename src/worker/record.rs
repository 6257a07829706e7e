//! What gets published for each outcome: the result, the message for the
//! retry queue, or the failure record.

use chrono::{SecondsFormat, Utc};
use lapin::BasicProperties;
use lapin::types::{FieldTable, ShortString};
use serde::{Deserialize, Serialize};

use crate::amqp::headers;
use crate::amqp::publisher::{Outgoing, PublishError};
use crate::amqp::topology::{Names, RESULT_ROUTING_KEY};
use crate::input::body_as_json;
use crate::model::WorkerInfo;

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
    /// The URL, when the message had a valid one.
    pub url: Option<String>,
    /// The input message whole: its JSON, or its text.
    pub input: serde_json::Value,
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
pub fn outgoing(names: &Names, incoming: &Incoming<'_>, p: &Processed) -> OwnedOutgoing {
    let in_headers = incoming.properties.headers().as_ref();
    match &p.outcome {
        Outcome::Done(result) => {
            let mut h = FieldTable::default();
            p.trace.inject(&mut h);
            headers::set_u64(&mut h, headers::ATTEMPTS, u64::from(p.attempt));
            let body = match serde_json::to_vec(result.as_ref()) {
                Ok(body) => body,
                Err(e) => {
                    let error = WorkError::Serialise(e.to_string());
                    tracing::error!(error = %error, "result dropped for a failure record");
                    return failure(names, incoming, p, &error, false);
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
            let h = attempt_headers(in_headers, p, error);
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
        Outcome::Failed { error, exhausted } => failure(names, incoming, p, error, *exhausted),
    }
}

fn failure(
    names: &Names,
    incoming: &Incoming<'_>,
    p: &Processed,
    error: &WorkError,
    exhausted: bool,
) -> OwnedOutgoing {
    let record = FailureRecord {
        id: p.id.clone(),
        url: p.url.clone(),
        input: body_as_json(incoming.body),
        error: FailureError {
            kind: error.kind().to_string(),
            message: error.to_string(),
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
    let h = attempt_headers(incoming.properties.headers().as_ref(), p, error);
    OwnedOutgoing {
        exchange: String::new(),
        routing_key: names.failed.clone(),
        body,
        properties: json_properties(&p.id, h),
    }
}

/// What goes out when the broker refused this message's outcome for its
/// size (`refused` is permanent): a failure record of kind
/// `publish_refused` small by construction, without the input, its
/// headers or `meta`, whichever of them made the outcome too large.
pub fn too_large_record(
    names: &Names,
    _incoming: &Incoming<'_>,
    p: &Processed,
    refused: &PublishError,
) -> OwnedOutgoing {
    let message = truncate(&refused.to_string(), 1024);
    let record = FailureRecord {
        id: p.id.clone(),
        url: p.url.as_deref().map(|u| truncate(u, 4096)),
        input: serde_json::Value::Null,
        error: FailureError {
            kind: PUBLISH_REFUSED.to_string(),
            message: message.clone(),
            status: None,
            retries_exhausted: false,
        },
        attempts: p.attempt,
        first_attempt_at: p.first_attempt_at.clone(),
        failed_at: now(),
        meta: serde_json::Value::Null,
        worker: WorkerInfo::default(),
    };
    let body = serde_json::to_vec(&record).unwrap_or_default();
    let mut h = FieldTable::default();
    headers::set_u64(&mut h, headers::ATTEMPTS, u64::from(p.attempt));
    headers::set_str(&mut h, headers::FIRST_ATTEMPT_AT, &p.first_attempt_at);
    headers::set_str(&mut h, headers::ERROR_KIND, PUBLISH_REFUSED);
    headers::set_str(&mut h, headers::ERROR_MESSAGE, &message);
    p.trace.inject(&mut h);
    OwnedOutgoing {
        exchange: String::new(),
        routing_key: names.failed.clone(),
        body,
        properties: json_properties(&p.id, h),
    }
}

/// Error kind of a failure record sent because the outcome was too large
/// for the broker.
pub const PUBLISH_REFUSED: &str = "publish_refused";

/// The input's headers without the broker's death records, with this
/// attempt's bookkeeping (count, first attempt, the error) and the trace
/// context: what a retried input and a failure record both carry.
fn attempt_headers(
    in_headers: Option<&FieldTable>,
    p: &Processed,
    error: &WorkError,
) -> FieldTable {
    let mut h = headers::without_death_headers(in_headers);
    headers::set_u64(&mut h, headers::ATTEMPTS, u64::from(p.attempt));
    headers::set_str(&mut h, headers::FIRST_ATTEMPT_AT, &p.first_attempt_at);
    headers::set_str(&mut h, headers::ERROR_KIND, error.kind());
    headers::set_str(
        &mut h,
        headers::ERROR_MESSAGE,
        &truncate(&error.to_string(), 1024),
    );
    p.trace.inject(&mut h);
    h
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

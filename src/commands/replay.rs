//! `fraudstat replay-failures`: after the cause of some failures is fixed
//! (a site is back, an address was allowed, a bug was fixed), moves their
//! inputs from `{p}.failed` back to `{p}.urls` so the workers try again.
//!
//! The failure queue holds two shapes, and both are replayed:
//!
//! - a failure record published by a worker (`input` holds the input
//!   message whole, `error.kind` says why), whose input is republished;
//! - an input the broker dead-lettered when it reached the input queue's
//!   delivery limit (it kept killing its worker), recognised by its
//!   `x-death` header and republished as it was. Its kind is the broker's
//!   reason, `delivery_limit`.
//!
//! Each replayed input is published with confirms and only then is its
//! record acknowledged (removed) on the failure queue: a crash in between
//! leaves both, never neither. The copy starts afresh: the worker's
//! bookkeeping headers (attempts, first attempt, last error) and the
//! broker's `x-death` are dropped, so it gets the whole retry budget again;
//! trace context is kept.
//!
//! Records that do not match the filter (or that cannot be read) are left
//! in place: they are held unacknowledged while the run lasts, so the
//! command never sees one twice, and handed back at the end. The run looks
//! at no more messages than the queue held when it started, so records
//! that fail again while it runs wait for the next run.

use std::io::Write;

use lapin::options::{
    BasicAckOptions, BasicGetOptions, BasicNackOptions, ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, PublisherConfirm};
use serde::Serialize;

use crate::amqp::headers::{self, TRACEPARENT, TRACESTATE};
use crate::amqp::{self, AmqpError, Names};
use crate::article_url::redact;
use crate::configuration::Settings;
use crate::input::{InputEncoding, InputMessage};
use crate::worker::FailureRecord;

/// Kind given to inputs the broker dead-lettered without a reason header.
pub const DEAD_LETTERED: &str = "dead_lettered";

/// Confirms awaited at once: enough to keep a quorum queue's fsyncs busy,
/// few enough that a refusal stops the run early.
const WINDOW: usize = 64;

/// What to replay.
#[derive(Debug, Clone, Default)]
pub struct ReplayOptions {
    /// Move at most this many.
    pub limit: Option<usize>,
    /// Only these failure kinds (`http_status`, `timeout`, …,
    /// `delivery_limit`); all when empty.
    pub kinds: Vec<String>,
    /// Report what would move and move nothing.
    pub dry_run: bool,
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplayReport {
    /// Messages in the failure queue when the run started.
    pub queued_at_start: u32,
    /// Messages looked at.
    pub examined: usize,
    /// Inputs republished (confirmed) and removed from the failure queue;
    /// with `--dry-run`, those that would have been.
    pub moved: usize,
    /// Messages left in the failure queue (not matching, or unreadable).
    pub left: usize,
    /// Of those left, messages that are neither a failure record nor a
    /// dead-lettered input.
    pub unreadable: usize,
    /// Republications the broker refused; their records stay in place.
    pub refused: usize,
}

/// Why a run stopped early. Nothing is lost either way: a record is only
/// removed after its input was confirmed in the input queue, so running
/// the command again is always safe (and worth it once the broker is back).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The broker could not be reached or failed mid-run.
    #[error("{error} (after {moved} inputs were moved)")]
    Broker {
        /// What failed.
        error: AmqpError,
        /// Inputs moved before it.
        moved: usize,
    },
    /// The report could not be written.
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}

impl ReplayError {
    /// Whether running again later may succeed (the broker was away), as
    /// opposed to a problem that needs an operator.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ReplayError::Broker {
                error: AmqpError::Broker { .. },
                ..
            }
        )
    }
}

/// One line of the report, per message that moves (or would).
#[derive(Debug, Serialize)]
struct Line<'a> {
    action: &'a str,
    kind: &'a str,
    id: Option<&'a str>,
    url: Option<&'a str>,
}

/// A message of the failure queue, understood: the input to send back.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayable {
    /// `error.kind` of the record, or the broker's dead-letter reason.
    pub kind: String,
    /// Result id, when known.
    pub id: Option<String>,
    /// URL, when the input had a valid one, without user name and password
    /// (for the report; the body is replayed as it is).
    pub url: Option<String>,
    /// The input message body to republish.
    pub body: Vec<u8>,
    /// Its properties: persistent, content type, trace context.
    pub properties: BasicProperties,
}

/// Reads a failure-queue message: a worker's failure record, or an input
/// the broker dead-lettered (it carries `x-death`). `None` for anything
/// else, which is left where it is.
pub fn classify(body: &[u8], properties: &BasicProperties) -> Option<Replayable> {
    let hdrs = properties.headers().as_ref();
    let dead_lettered = hdrs.is_some_and(|h| h.inner().contains_key("x-death"));
    if dead_lettered {
        let kind = headers::get_str(hdrs, "x-first-death-reason")
            .unwrap_or_else(|| DEAD_LETTERED.to_string());
        let parsed = InputMessage::parse(body).ok();
        let mut fresh = FieldTable::default();
        if let Some(h) = hdrs {
            for (k, v) in headers::without_death_headers(Some(h)).inner() {
                if !k.as_str().starts_with("x-fraudstat-") {
                    fresh.insert(k.clone(), v.clone());
                }
            }
        }
        let mut props = BasicProperties::default()
            .with_delivery_mode(2)
            .with_headers(fresh);
        if let Some(ct) = properties.content_type() {
            props = props.with_content_type(ct.clone());
        }
        return Some(Replayable {
            kind,
            id: parsed.as_ref().map(|m| m.id.clone()),
            url: parsed.map(|m| m.url.redacted().into_owned()),
            body: body.to_vec(),
            properties: props,
        });
    }
    let record = serde_json::from_slice::<FailureRecord>(body).ok()?;
    // A record that kept only a prefix of its input cannot give it back.
    let (input, encoding) = record.input.body()?;
    let content_type = match encoding {
        InputEncoding::Json => "application/json",
        InputEncoding::Text => "text/plain",
        InputEncoding::Base64 => "application/octet-stream",
    };
    let mut fresh = FieldTable::default();
    for key in [TRACEPARENT, TRACESTATE] {
        if let Some(v) = headers::get_str(hdrs, key) {
            headers::set_str(&mut fresh, key, &v);
        }
    }
    Some(Replayable {
        kind: record.error.kind,
        id: Some(record.id),
        // Records written before URLs were redacted may still have userinfo.
        url: record.url.map(|u| redact(&u).into_owned()),
        body: input,
        properties: BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type(ShortString::from(content_type))
            .with_headers(fresh),
    })
}

struct Pending {
    confirm: PublisherConfirm,
    delivery_tag: u64,
}

/// Moves matching failure records back to the input queue, writing one
/// JSON line per moved (or, dry, movable) input to `out`.
pub async fn run(
    settings: &Settings,
    options: &ReplayOptions,
    out: &mut impl Write,
) -> Result<ReplayReport, ReplayError> {
    let names = Names::new(settings);
    let mut report = ReplayReport::default();
    let broker = |moved: usize| move |error: AmqpError| ReplayError::Broker { error, moved };

    let conn = amqp::connect_once(&settings.amqp, "fraudstat replay-failures")
        .await
        .map_err(broker(0))?;
    let channel = conn
        .create_channel()
        .await
        .map_err(|e| broker(0)(AmqpError::broker("opening a channel")(e)))?;
    // The input queue must exist, with the worker's arguments, before
    // anything is published to it.
    amqp::topology::declare(&channel, &names)
        .await
        .map_err(broker(0))?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(|e| broker(0)(AmqpError::broker("enabling confirms")(e)))?;
    report.queued_at_start = channel
        .queue_declare(
            names.failed.as_str().into(),
            QueueDeclareOptions {
                passive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(|e| broker(0)(AmqpError::broker("counting the failure queue")(e)))?
        .message_count();

    let mut held: Vec<u64> = Vec::new();
    let mut pending: Vec<Pending> = Vec::with_capacity(WINDOW);
    let mut selected = 0usize;
    let outcome: Result<(), ReplayError> = async {
        while report.examined < report.queued_at_start as usize {
            if options.limit.is_some_and(|limit| selected >= limit) {
                break;
            }
            let got = channel
                .basic_get(names.failed.as_str().into(), BasicGetOptions::default())
                .await
                .map_err(|e| {
                    broker(report.moved)(AmqpError::broker("reading the failure queue")(e))
                })?;
            let Some(message) = got else { break };
            report.examined += 1;
            let delivery = message.delivery;
            let Some(Replayable {
                kind,
                id,
                url,
                body,
                properties,
            }) = classify(&delivery.data, &delivery.properties)
            else {
                report.unreadable += 1;
                held.push(delivery.delivery_tag);
                continue;
            };
            if !options.kinds.is_empty() && !options.kinds.contains(&kind) {
                held.push(delivery.delivery_tag);
                continue;
            }
            selected += 1;
            let line = Line {
                action: if options.dry_run {
                    "would_move"
                } else {
                    "moved"
                },
                kind: &kind,
                id: id.as_deref(),
                url: url.as_deref(),
            };
            if options.dry_run {
                serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::from)?;
                writeln!(out)?;
                report.moved += 1;
                held.push(delivery.delivery_tag);
                continue;
            }
            let confirm = amqp::publish_input(&channel, &names, &body, properties)
                .await
                .map_err(broker(report.moved))?;
            serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::from)?;
            writeln!(out)?;
            pending.push(Pending {
                confirm,
                delivery_tag: delivery.delivery_tag,
            });
            if pending.len() >= WINDOW {
                settle(&channel, &mut pending, &mut report, &mut held).await?;
            }
        }
        settle(&channel, &mut pending, &mut report, &mut held).await
    }
    .await;

    // What stays is handed back now rather than when the channel closes,
    // so that it is in the queue again the moment the command returns.
    report.left = held.len();
    for tag in held {
        let nack = BasicNackOptions {
            requeue: true,
            multiple: false,
        };
        // If this fails the connection is gone, and the broker hands the
        // messages back all the same.
        let _ = channel.basic_nack(tag, nack).await;
    }
    let _ = conn.close(200, "done".into()).await;
    outcome.map(|()| report)
}

/// Waits for the confirms of the window: a confirmed input's record is
/// acknowledged (removed); a refused one's is kept.
async fn settle(
    channel: &lapin::Channel,
    pending: &mut Vec<Pending>,
    report: &mut ReplayReport,
    held: &mut Vec<u64>,
) -> Result<(), ReplayError> {
    for p in pending.drain(..) {
        let confirmed = amqp::confirmed(p.confirm)
            .await
            .map_err(|error| ReplayError::Broker {
                error,
                moved: report.moved,
            })?;
        if confirmed {
            channel
                .basic_ack(p.delivery_tag, BasicAckOptions::default())
                .await
                .map_err(|e| ReplayError::Broker {
                    error: AmqpError::broker("removing a replayed record")(e),
                    moved: report.moved,
                })?;
            report.moved += 1;
        } else {
            report.refused += 1;
            held.push(p.delivery_tag);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapin::types::{AMQPValue, LongString};

    fn record(input: serde_json::Value, kind: &str) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "id": "abc", "url": "https://a.example/1", "input": input,
            "error": {"kind": kind, "message": "m", "retries_exhausted": false},
            "attempts": 3, "first_attempt_at": "t", "failed_at": "t",
            "meta": null, "worker": {"version": "0.1.0"}
        }))
        .unwrap()
    }

    fn with_headers(pairs: &[(&str, &str)]) -> BasicProperties {
        let mut h = FieldTable::default();
        for (k, v) in pairs {
            h.insert((*k).into(), AMQPValue::LongString(LongString::from(*v)));
        }
        BasicProperties::default().with_headers(h)
    }

    fn header_keys(p: &BasicProperties) -> Vec<String> {
        let mut keys: Vec<String> = p
            .headers()
            .as_ref()
            .map(|h| h.inner().keys().map(|k| k.to_string()).collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    #[test]
    fn a_failure_record_gives_back_its_input_with_a_fresh_budget() {
        let props = with_headers(&[
            ("x-fraudstat-attempts", "3"),
            ("x-fraudstat-error-kind", "timeout"),
            (
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ),
        ]);
        let input = serde_json::json!({"url": "https://a.example/1", "meta": {"k": 1}});
        let Replayable {
            kind,
            body,
            properties,
            id,
            ..
        } = classify(&record(input.clone(), "timeout"), &props).expect("replayable");
        assert_eq!(kind, "timeout");
        assert_eq!(id.as_deref(), Some("abc"));
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
            input
        );
        assert_eq!(header_keys(&properties), vec!["traceparent"]);
        assert_eq!(*properties.delivery_mode(), Some(2));

        // A bare-URL input comes back as the text it was.
        let Replayable {
            body, properties, ..
        } = classify(
            &record("https://a.example/2".into(), "http_status"),
            &BasicProperties::default(),
        )
        .expect("replayable");
        assert_eq!(body, b"https://a.example/2");
        assert_eq!(
            properties.content_type().as_ref().map(|c| c.as_str()),
            Some("text/plain")
        );
    }

    #[test]
    fn a_dead_lettered_input_goes_back_as_it_was_without_its_death() {
        let mut props = with_headers(&[
            ("x-first-death-reason", "delivery_limit"),
            ("x-fraudstat-attempts", "2"),
            ("tracestate", "v=1"),
        ]);
        let mut h = props.headers().clone().unwrap();
        h.insert("x-death".into(), AMQPValue::FieldArray(Default::default()));
        props = props.with_headers(h);
        let Replayable {
            kind,
            body,
            properties,
            url,
            ..
        } = classify(b"https://a.example/3", &props).expect("replayable");
        assert_eq!(kind, "delivery_limit");
        assert_eq!(body, b"https://a.example/3");
        assert_eq!(url.as_deref(), Some("https://a.example/3"));
        assert_eq!(header_keys(&properties), vec!["tracestate"]);
    }

    #[test]
    fn a_record_gives_back_bytes_it_kept_base64_but_not_a_prefix() {
        let mut v: serde_json::Value =
            serde_json::from_slice(&record("AP8=".into(), "bad_message")).unwrap();
        v["input_encoding"] = "base64".into();
        let body = serde_json::to_vec(&v).unwrap();
        let r = classify(&body, &BasicProperties::default()).expect("replayable");
        assert_eq!(r.body, b"\x00\xff");
        v["input_truncated"] = true.into();
        let body = serde_json::to_vec(&v).unwrap();
        assert_eq!(classify(&body, &BasicProperties::default()), None);
    }

    #[test]
    fn anything_else_is_left_alone() {
        for body in [&b"not json"[..], b"{\"id\": 1}", b"https://a.example/4"] {
            assert_eq!(classify(body, &BasicProperties::default()), None);
        }
        // A record whose input is neither an object nor text.
        assert_eq!(
            classify(
                &record(serde_json::json!(5), "x"),
                &BasicProperties::default()
            ),
            None
        );
    }
}

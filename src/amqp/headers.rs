//! Message headers the worker reads and writes: the attempt count, the
//! first attempt's time, the last error, and W3C trace context.

use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};

/// Attempts already made on this URL (absent on a crawler's message).
pub const ATTEMPTS: &str = "x-fraudstat-attempts";
/// RFC 3339 time of the first attempt, kept across retries.
pub const FIRST_ATTEMPT_AT: &str = "x-fraudstat-first-attempt-at";
/// Kind of the last error (on retry messages and failure records).
pub const ERROR_KIND: &str = "x-fraudstat-error-kind";
/// Message of the last error.
pub const ERROR_MESSAGE: &str = "x-fraudstat-error-message";
/// W3C trace context.
pub const TRACEPARENT: &str = "traceparent";
/// W3C vendor trace state, passed through untouched.
pub const TRACESTATE: &str = "tracestate";

/// Headers the broker adds on dead-lettering. They must not be carried
/// into a republished retry: RabbitMQ drops a message whose `x-death`
/// shows it already expired from the same queue without a rejection in
/// between (its dead-letter cycle detection), which would silently lose
/// the second retry of a URL.
const BROKER_DEATH_HEADERS: [&str; 7] = [
    "x-death",
    "x-first-death-reason",
    "x-first-death-queue",
    "x-first-death-exchange",
    "x-last-death-reason",
    "x-last-death-queue",
    "x-last-death-exchange",
];

/// Reads a whole-number header whatever integer type the sender used
/// (or a numeric string, as some clients send).
pub fn get_u64(headers: Option<&FieldTable>, key: &str) -> Option<u64> {
    let value = headers?.inner().get(key)?;
    match value {
        AMQPValue::ShortShortUInt(n) => Some(u64::from(*n)),
        AMQPValue::ShortUInt(n) => Some(u64::from(*n)),
        AMQPValue::LongUInt(n) => Some(u64::from(*n)),
        AMQPValue::ShortShortInt(n) => u64::try_from(*n).ok(),
        AMQPValue::ShortInt(n) => u64::try_from(*n).ok(),
        AMQPValue::LongInt(n) => u64::try_from(*n).ok(),
        AMQPValue::LongLongInt(n) => u64::try_from(*n).ok(),
        AMQPValue::Timestamp(n) => Some(*n),
        AMQPValue::LongString(s) => std::str::from_utf8(s.as_bytes()).ok()?.trim().parse().ok(),
        AMQPValue::ShortString(s) => s.as_str().trim().parse().ok(),
        _ => None,
    }
}

/// Reads a text header (long or short string, valid UTF-8).
pub fn get_str(headers: Option<&FieldTable>, key: &str) -> Option<String> {
    match headers?.inner().get(key)? {
        AMQPValue::LongString(s) => std::str::from_utf8(s.as_bytes()).ok().map(str::to_string),
        AMQPValue::ShortString(s) => Some(s.as_str().to_string()),
        _ => None,
    }
}

/// Sets a text header.
pub fn set_str(headers: &mut FieldTable, key: &str, value: &str) {
    headers.insert(
        ShortString::from(key),
        AMQPValue::LongString(LongString::from(value)),
    );
}

/// Sets a whole-number header.
pub fn set_u64(headers: &mut FieldTable, key: &str, value: u64) {
    headers.insert(
        ShortString::from(key),
        AMQPValue::LongLongInt(i64::try_from(value).unwrap_or(i64::MAX)),
    );
}

/// The input's headers without what the broker added on dead-lettering.
pub fn without_death_headers(headers: Option<&FieldTable>) -> FieldTable {
    let mut out = FieldTable::default();
    if let Some(h) = headers {
        for (k, v) in h.inner() {
            if !BROKER_DEATH_HEADERS.contains(&k.as_str()) && k.as_str() != "x-delivery-count" {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// W3C trace context of one message's processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// 32 lowercase hex digits, shared by the whole trace.
    pub trace_id: String,
    /// 16 hex digits of this worker's span.
    pub span_id: String,
    /// 16 hex digits of the sender's span, when the input carried one.
    pub parent_span_id: Option<String>,
    /// Trace flags (`01` = sampled).
    pub flags: String,
    /// Vendor state, passed through.
    pub tracestate: Option<String>,
}

impl TraceContext {
    /// Continues the trace of the input's `traceparent` with a new span, or
    /// starts a new trace when it is absent or malformed.
    pub fn from_headers(headers: Option<&FieldTable>) -> Self {
        let parent = get_str(headers, TRACEPARENT).and_then(|tp| parse_traceparent(&tp));
        let tracestate = get_str(headers, TRACESTATE).filter(|s| s.len() <= 512);
        match parent {
            Some((trace_id, parent_span, flags)) => Self {
                trace_id,
                span_id: new_span_id(),
                parent_span_id: Some(parent_span),
                flags,
                tracestate,
            },
            None => Self {
                trace_id: format!("{:032x}", nonzero_u128()),
                span_id: new_span_id(),
                parent_span_id: None,
                flags: "01".into(),
                tracestate: None,
            },
        }
    }

    /// The `traceparent` to put on messages this worker publishes.
    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-{}", self.trace_id, self.span_id, self.flags)
    }

    /// Writes `traceparent` (and `tracestate`) into headers.
    pub fn inject(&self, headers: &mut FieldTable) {
        set_str(headers, TRACEPARENT, &self.traceparent());
        if let Some(ts) = &self.tracestate {
            set_str(headers, TRACESTATE, ts);
        }
    }
}

fn new_span_id() -> String {
    let id = loop {
        let n: u64 = rand::random();
        if n != 0 {
            break n;
        }
    };
    format!("{id:016x}")
}

fn nonzero_u128() -> u128 {
    loop {
        let n: u128 = rand::random();
        if n != 0 {
            return n;
        }
    }
}

/// `00-<trace id>-<parent id>-<flags>`, per W3C Trace Context: lowercase
/// hex of the right lengths, ids not all zero, version `ff` invalid.
fn parse_traceparent(s: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [version, trace_id, parent, flags] = parts.as_slice() else {
        // Versions after 00 may append fields; only their first four are ours.
        return parts
            .first()
            .filter(|v| **v != "00" && parts.len() > 4)
            .and_then(|_| parse_traceparent(&parts[..4].join("-")));
    };
    let hex = |x: &str, n: usize| {
        x.len() == n
            && x.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let ok = hex(version, 2)
        && *version != "ff"
        && hex(trace_id, 32)
        && trace_id.bytes().any(|b| b != b'0')
        && hex(parent, 16)
        && parent.bytes().any(|b| b != b'0')
        && hex(flags, 2);
    ok.then(|| (trace_id.to_string(), parent.to_string(), flags.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continues_a_valid_trace_and_starts_one_otherwise() {
        let mut h = FieldTable::default();
        set_str(
            &mut h,
            TRACEPARENT,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        );
        let t = TraceContext::from_headers(Some(&h));
        assert_eq!(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(t.parent_span_id.as_deref(), Some("00f067aa0ba902b7"));
        assert_ne!(t.span_id, "00f067aa0ba902b7");
        assert!(
            t.traceparent()
                .starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-")
        );

        for bad in [
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "garbage",
            "",
        ] {
            let mut h = FieldTable::default();
            set_str(&mut h, TRACEPARENT, bad);
            let t = TraceContext::from_headers(Some(&h));
            assert!(t.parent_span_id.is_none(), "{bad}");
            assert_eq!(t.trace_id.len(), 32);
        }
    }

    #[test]
    fn reads_numbers_of_any_width() {
        let mut h = FieldTable::default();
        h.insert("a".into(), AMQPValue::ShortShortUInt(3));
        h.insert("b".into(), AMQPValue::LongString("7".into()));
        h.insert("c".into(), AMQPValue::LongInt(-1));
        assert_eq!(get_u64(Some(&h), "a"), Some(3));
        assert_eq!(get_u64(Some(&h), "b"), Some(7));
        assert_eq!(get_u64(Some(&h), "c"), None);
        assert_eq!(get_u64(None, "a"), None);
    }
}

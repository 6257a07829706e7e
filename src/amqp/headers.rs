//! Message headers the worker reads and writes: the attempt count, the
//! first attempt's time, the last error. W3C trace context is
//! [`crate::telemetry::propagation`]'s.

use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};

/// Attempts already made on this URL (absent on a crawler's message).
pub const ATTEMPTS: &str = "x-fraudstat-attempts";
/// RFC 3339 time of the first attempt, kept across retries.
pub const FIRST_ATTEMPT_AT: &str = "x-fraudstat-first-attempt-at";
/// Kind of the last error (on retry messages and failure records).
pub const ERROR_KIND: &str = "x-fraudstat-error-kind";
/// Message of the last error.
pub const ERROR_MESSAGE: &str = "x-fraudstat-error-message";
pub use crate::telemetry::propagation::{BAGGAGE, TRACEPARENT, TRACESTATE};

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

#[cfg(test)]
mod tests {
    use super::*;

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

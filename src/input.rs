//! The input message: a JSON object `{"url", "id"?, "meta"?}` or a bare URL.
//!
//! Anything else is a bad message: never retried (it would fail the same
//! way every time), recorded in the failure queue with its reason at once.

use serde::Deserialize;

use crate::article_url::{ArticleUrl, stable_id};

/// Longest caller id accepted, so ids stay usable as AMQP `message_id`
/// (a short string of at most 255 bytes).
pub const MAX_ID_BYTES: usize = 255;

/// A valid input message.
#[derive(Debug, Clone)]
pub struct InputMessage {
    /// The URL to fetch.
    pub url: ArticleUrl,
    /// The result id: the caller's, or the URL's stable hash.
    pub id: String,
    /// Passed through to the result untouched.
    pub meta: serde_json::Value,
}

/// Why a message body is not an input message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad message: {0}")]
pub struct BadMessage(pub String);

#[derive(Deserialize)]
struct Wire {
    url: Option<serde_json::Value>,
    id: Option<serde_json::Value>,
    #[serde(default)]
    meta: serde_json::Value,
}

impl InputMessage {
    /// Parses a body. `content_type` is only a hint: a body starting with
    /// `{` is read as JSON whatever the header says.
    pub fn parse(body: &[u8]) -> Result<Self, BadMessage> {
        let text = std::str::from_utf8(body)
            .map_err(|_| BadMessage("body is not UTF-8 text".into()))?
            .trim();
        if text.is_empty() {
            return Err(BadMessage("empty body".into()));
        }
        let (raw_url, id, meta) = if text.starts_with('{') {
            let wire: Wire =
                serde_json::from_str(text).map_err(|e| BadMessage(format!("invalid JSON: {e}")))?;
            let url = match wire.url {
                Some(serde_json::Value::String(s)) => s,
                Some(_) => return Err(BadMessage("\"url\" is not a string".into())),
                None => return Err(BadMessage("no \"url\" field".into())),
            };
            let id = match wire.id {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
                Some(serde_json::Value::String(s)) if s.len() > MAX_ID_BYTES => {
                    return Err(BadMessage(format!(
                        "\"id\" longer than {MAX_ID_BYTES} bytes"
                    )));
                }
                Some(serde_json::Value::String(s)) => Some(s),
                // Numeric ids are common in crawler databases; keep their text.
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                Some(_) => return Err(BadMessage("\"id\" is not a string".into())),
            };
            (url, id, wire.meta)
        } else if text.starts_with('[') || text.starts_with('"') {
            return Err(BadMessage("JSON body is not an object".into()));
        } else if text.contains(char::is_whitespace) {
            return Err(BadMessage("body is neither JSON nor a single URL".into()));
        } else {
            (text.to_string(), None, serde_json::Value::Null)
        };
        let url = ArticleUrl::parse(&raw_url).map_err(|e| BadMessage(e.to_string()))?;
        let id = id.unwrap_or_else(|| url.stable_id());
        Ok(Self { url, id, meta })
    }
}

/// The input as it is kept in a failure record: the JSON itself when the
/// body is JSON, else the text (lossily decoded if it is not UTF-8).
pub fn body_as_json(body: &[u8]) -> serde_json::Value {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
        && v.is_object()
    {
        return v;
    }
    serde_json::Value::String(String::from_utf8_lossy(body).into_owned())
}

/// An id for a message too broken to have one: the hash of its body, so a
/// redelivered copy gets the same id.
pub fn body_id(body: &[u8]) -> String {
    stable_id(&format!("body:{}", String::from_utf8_lossy(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_json_and_bare_urls() {
        let m = InputMessage::parse(br#"{"url":"https://a.example/1","id":"c1","meta":{"k":1}}"#)
            .unwrap();
        assert_eq!(m.id, "c1");
        assert_eq!(m.meta["k"], 1);
        let b = InputMessage::parse(b"  https://a.example/1\n").unwrap();
        assert_eq!(b.id, b.url.stable_id());
        assert_eq!(b.meta, serde_json::Value::Null);
    }

    #[test]
    fn refuses_everything_else() {
        for body in [
            &b""[..],
            b"{not json",
            br#"{"id":"x"}"#,
            br#"{"url":5}"#,
            br#"{"url":"ftp://a.example/x"}"#,
            br#"["https://a.example/"]"#,
            b"two words",
            b"\xff\xfe",
            b"javascript:alert(1)",
        ] {
            assert!(InputMessage::parse(body).is_err(), "{body:?}");
        }
        let long = format!("https://a.example/{}", "x".repeat(9000));
        assert!(InputMessage::parse(long.as_bytes()).is_err());
    }
}

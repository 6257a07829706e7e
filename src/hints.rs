//! What is known about a page besides its bytes: the crawler's hints in the
//! input message's `meta` (`published`, `source`, `region`) and the host of
//! the URL the bytes came from.
//!
//! The page's own evidence wins; hints fill what the page lacks (a page
//! without a visible date, a reprint without a source line). They are read
//! once, at the pipeline's edge, so cleaning and extraction see one value.

use crate::text::date;

/// Longest hint kept, in characters: an outlet or region name is short,
/// and a longer value is not one.
pub const MAX_HINT_CHARS: usize = 100;

/// Offset given to a hinted time that names none: the pages are Chinese,
/// and the cleaner assumes the same (`meta.default_offset`).
const HINT_OFFSET: &str = "+08:00";

/// Hints about one page. Every field is optional; `Hints::default()` is a
/// page with nothing known besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// Publication date or time from the crawler, normalised as the
    /// article's own (`2024-01-05`, `2024-01-05T10:00:00+08:00`). The
    /// crawler may send an ISO date, RFC 3339, `2024-01-05 10:00` or
    /// `2024年1月5日`.
    pub published: Option<String>,
    /// The outlet the crawler credits.
    pub source: Option<String>,
    /// The region the crawler files the source under (`四川省`, `香港`).
    pub region: Option<String>,
    /// Lower-case host of the final URL (`gaj.chengdu.gov.cn`), if any.
    pub host: Option<String>,
}

impl Hints {
    /// Reads the hints of a page fetched from `final_url` with the input
    /// message's `meta`. Absent fields are `None`; a field that is not a
    /// string, is longer than [`MAX_HINT_CHARS`], or (`published`) is not a
    /// date is ignored with a warning: a bad hint is not a failed page.
    pub fn from_document(final_url: &str, meta: &serde_json::Value) -> Self {
        let host = url::Url::parse(final_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        Self {
            published: field(meta, "published").and_then(|v| {
                let d = date::format_exact_timestamp(&v, HINT_OFFSET, date::ROC_YEAR_MAX);
                if d.is_none() {
                    ignored("published", "not a date");
                }
                d
            }),
            source: field(meta, "source"),
            region: field(meta, "region"),
            host,
        }
    }
}

/// A string field of `meta`, trimmed; `None` when absent, empty or invalid.
fn field(meta: &serde_json::Value, name: &'static str) -> Option<String> {
    let v = meta.get(name)?;
    if v.is_null() {
        return None;
    }
    let Some(s) = v.as_str() else {
        ignored(name, "not a string");
        return None;
    };
    let s = s.trim();
    if s.chars().count() > MAX_HINT_CHARS {
        ignored(name, "too long");
        return None;
    }
    (!s.is_empty()).then(|| s.to_owned())
}

fn ignored(field: &'static str, reason: &'static str) {
    tracing::warn!(field, reason, "input hint ignored");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `f` with a subscriber that writes into the returned text.
    fn logged(f: impl FnOnce()) -> String {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                if let Ok(mut v) = self.0.lock() {
                    v.extend_from_slice(b);
                }
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let out = buf.clone();
        let sub = tracing_subscriber::fmt()
            .with_writer(move || out.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(sub, f);
        let bytes = buf.0.lock().map(|v| v.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn published_hints_are_normalised_like_the_article_date() {
        let p = |v: serde_json::Value| {
            Hints::from_document(
                "https://a.example/1",
                &serde_json::json!({ "published": v }),
            )
            .published
        };
        assert_eq!(p("2024-01-05".into()).as_deref(), Some("2024-01-05"));
        assert_eq!(
            p("2024-01-05T02:00:00Z".into()).as_deref(),
            Some("2024-01-05T02:00:00+00:00")
        );
        assert_eq!(
            p("2024-01-05 10:00".into()).as_deref(),
            Some("2024-01-05T10:00:00+08:00")
        );
        assert_eq!(p("2024年1月5日".into()).as_deref(), Some("2024-01-05"));
    }

    #[test]
    fn invalid_hints_are_ignored_with_a_warning_naming_the_field() {
        let cases = [
            (serde_json::json!({"published": "yesterday"}), "published"),
            (serde_json::json!({"published": "2024-02-30"}), "published"),
            (
                serde_json::json!({"published": "2024-01-05 and later"}),
                "published",
            ),
            (serde_json::json!({"published": 20240105}), "published"),
            (
                serde_json::json!({"source": "某".repeat(MAX_HINT_CHARS + 1)}),
                "source",
            ),
            (serde_json::json!({"region": ["四川省"]}), "region"),
        ];
        for (meta, name) in cases {
            let mut h = Hints::default();
            let log = logged(|| h = Hints::from_document("page.html", &meta));
            assert_eq!(h, Hints::default(), "{meta}");
            assert!(log.contains("input hint ignored"), "{meta}: {log}");
            assert!(log.contains(name), "{meta}: {log}");
        }
        // Absent and null fields are not worth a warning.
        let log = logged(|| {
            let _ = Hints::from_document("page.html", &serde_json::json!({"published": null}));
        });
        assert!(log.is_empty(), "{log}");
    }

    #[test]
    fn reads_meta_and_host() {
        let meta =
            serde_json::json!({"published": "2024-05-01", "region": " 四川省 ", "source": 3});
        let h = Hints::from_document("https://GAJ.Chengdu.gov.cn/a/1.html", &meta);
        assert_eq!(h.published.as_deref(), Some("2024-05-01"));
        assert_eq!(h.region.as_deref(), Some("四川省"));
        assert_eq!(h.source, None);
        assert_eq!(h.host.as_deref(), Some("gaj.chengdu.gov.cn"));
        assert_eq!(
            Hints::from_document("page.html", &serde_json::Value::Null),
            Hints::default()
        );
    }
}

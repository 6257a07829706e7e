//! What is known about a page besides its bytes: the crawler's hints in the
//! input message's `meta` (`published`, `source`, `region`) and the host of
//! the URL the bytes came from.
//!
//! The page's own evidence wins; hints fill what the page lacks (a page
//! without a visible date, a reprint without a source line). They are read
//! once, at the pipeline's edge, so cleaning and extraction see one value.

/// Hints about one page. Every field is optional; `Hints::default()` is a
/// page with nothing known besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// Publication date or time from the crawler, as an ISO date or RFC 3339.
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
    /// message's `meta`. Fields that are absent or not strings are `None`.
    pub fn from_document(final_url: &str, meta: &serde_json::Value) -> Self {
        let field = |name: &str| {
            meta.get(name)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let host = url::Url::parse(final_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        Self {
            published: field("published"),
            source: field("source"),
            region: field("region"),
            host,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

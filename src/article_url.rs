//! [`ArticleUrl`]: a URL from outside, checked once at the edge.

use sha2::{Digest, Sha256};
use url::Url;

/// Longest URL accepted, in bytes (the interface contract's 8 KiB).
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Why a URL was refused. Never worth a retry: the input itself is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Longer than [`MAX_URL_BYTES`].
    #[error("URL longer than {MAX_URL_BYTES} bytes")]
    TooLong,
    /// Not a URL at all.
    #[error("not a URL: {0}")]
    Unparsable(String),
    /// A scheme other than http or https.
    #[error("scheme {0:?} is not http or https")]
    Scheme(String),
    /// No host to fetch from.
    #[error("URL has no host")]
    NoHost,
}

/// An http(s) URL with a host, at most 8 KiB long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleUrl {
    raw: String,
    url: Url,
}

impl ArticleUrl {
    /// Checks a URL as received from a message, a file or the command line.
    pub fn parse(raw: &str) -> Result<Self, UrlError> {
        let trimmed = raw.trim();
        if trimmed.len() > MAX_URL_BYTES {
            return Err(UrlError::TooLong);
        }
        let url = Url::parse(trimmed).map_err(|e| UrlError::Unparsable(e.to_string()))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(UrlError::Scheme(url.scheme().to_string()));
        }
        if url.host().is_none() {
            return Err(UrlError::NoHost);
        }
        Ok(Self {
            raw: trimmed.to_string(),
            url,
        })
    }

    /// The URL as received (trimmed).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The parsed URL (WHATWG-normalised: lowercase host, default port dropped,
    /// numeric hosts such as `2130706433` read as IPv4).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// A stable id for the page: the same for every spelling of one URL that
    /// differs only in what does not change the page (fragment, host case,
    /// default port), so consumers can drop redeliveries.
    pub fn stable_id(&self) -> String {
        let mut u = self.url.clone();
        u.set_fragment(None);
        stable_id(u.as_str())
    }
}

/// Hex SHA-256 (first 128 bits) of a key: short enough for logs, wide enough
/// that two pages never share one.
pub fn stable_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_schemes_and_long_urls() {
        assert!(matches!(
            ArticleUrl::parse("ftp://a.example/x"),
            Err(UrlError::Scheme(_))
        ));
        assert!(matches!(
            ArticleUrl::parse("file:///etc/passwd"),
            Err(UrlError::Scheme(_))
        ));
        assert!(matches!(
            ArticleUrl::parse("not a url"),
            Err(UrlError::Unparsable(_))
        ));
        let long = format!("https://a.example/{}", "x".repeat(MAX_URL_BYTES));
        assert_eq!(ArticleUrl::parse(&long), Err(UrlError::TooLong));
    }

    #[test]
    fn id_ignores_fragment_and_host_case() {
        let a = ArticleUrl::parse("https://News.Example.com:443/a/1.html#top").unwrap();
        let b = ArticleUrl::parse("https://news.example.com/a/1.html").unwrap();
        assert_eq!(a.stable_id(), b.stable_id());
        let c = ArticleUrl::parse("https://news.example.com/a/2.html").unwrap();
        assert_ne!(a.stable_id(), c.stable_id());
    }
}

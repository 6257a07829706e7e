//! [`ArticleUrl`]: a URL from outside, checked once at the edge, and the
//! one way URLs are shown outside the process ([`redact`], [`redact_text`],
//! [`ArticleUrl::redacted`]): without the user name and password a URL may
//! carry (`http://user:secret@host/`), in logs, spans, results and failure
//! records alike.

use std::borrow::Cow;

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

    /// The URL to show in logs, spans and anything published: as received
    /// when it has no user name or password, else its normalised spelling
    /// without them (the raw text can spell userinfo in ways only a
    /// parser finds, such as `http:user:secret@host`).
    pub fn redacted(&self) -> Cow<'_, str> {
        if has_userinfo(&self.url) {
            Cow::Owned(without_userinfo(&self.url).into())
        } else {
            Cow::Borrowed(&self.raw)
        }
    }

    /// A stable id for the page: the same for every spelling of one URL that
    /// differs only in what does not change the page (fragment, host case,
    /// default port), so consumers can drop redeliveries. Userinfo is left
    /// out too: the id is published, and a hash of a URL with a password in
    /// it would let anyone holding the record try passwords offline.
    pub fn stable_id(&self) -> String {
        let mut u = without_userinfo(&self.url);
        u.set_fragment(None);
        stable_id(u.as_str())
    }
}

/// True when `url` carries a user name or a password.
pub fn has_userinfo(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// `url` without its user name and password.
pub fn without_userinfo(url: &Url) -> Url {
    let mut shown = url.clone();
    // Both fail only for URLs that cannot have userinfo, which then has none.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown
}

/// A URL given as text (a final URL, the `url` of a message) as it may be
/// shown: unchanged without userinfo, else normalised without it. Text
/// that is no URL is scrubbed as free text by [`redact_text`].
pub fn redact(text: &str) -> Cow<'_, str> {
    match Url::parse(text.trim()) {
        Ok(url) if has_userinfo(&url) => Cow::Owned(without_userinfo(&url).into()),
        Ok(_) => Cow::Borrowed(text),
        Err(_) => redact_text(text),
    }
}

/// Free text (an error message, a body that is not JSON) with the
/// userinfo of every `scheme://` URL in it removed: everything between
/// `//` and the last `@` before the end of the authority. JSON's escaped
/// spelling `:\/\/` counts as `://`, since some crawlers write it.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    const SLASHES: [&str; 2] = ["://", ":\\/\\/"];
    let mut out: Option<String> = None;
    let mut kept = 0;
    let mut from = 0;
    while let Some((at, sep)) = SLASHES
        .iter()
        .filter_map(|sep| text[from..].find(sep).map(|i| (from + i, sep.len())))
        .min()
    {
        let start = at + sep;
        let rest = &text[start..];
        let authority = rest
            .find(|c: char| {
                matches!(c, '/' | '\\' | '?' | '#' | '"' | '<' | '>') || c.is_whitespace()
            })
            .unwrap_or(rest.len());
        if let Some(last_at) = rest[..authority].rfind('@') {
            let o = out.get_or_insert_with(String::new);
            o.push_str(&text[kept..start]);
            kept = start + last_at + 1;
        }
        from = start + authority;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[kept..]);
            Cow::Owned(o)
        }
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
    fn userinfo_never_shows() {
        for (raw, shown) in [
            (
                "http://user:secret@a.example/p?q=1#f",
                "http://a.example/p?q=1#f",
            ),
            ("https://:secret@a.example/", "https://a.example/"),
            ("http://user@a.example:8080/", "http://a.example:8080/"),
            // The last `@` ends the userinfo (WHATWG).
            ("http://u:se@cret@a.example/x", "http://a.example/x"),
            // Spellings only a parser reads as userinfo.
            ("http:user:secret@a.example/", "http://a.example/"),
            ("http:\\\\user:secret@a.example/", "http://a.example/"),
            ("HTTP://User:Secret@A.Example:80/", "http://a.example/"),
        ] {
            let u = ArticleUrl::parse(raw).unwrap();
            assert_eq!(u.redacted(), shown, "{raw}");
            assert!(!u.redacted().contains("secret"), "{raw}");
            assert_eq!(redact(raw), shown, "{raw}");
        }
        // Without userinfo the URL is shown as received, unnormalised.
        let plain = ArticleUrl::parse("https://News.Example.com:443/a").unwrap();
        assert_eq!(plain.redacted(), "https://News.Example.com:443/a");
        assert!(matches!(plain.redacted(), Cow::Borrowed(_)));
        assert!(matches!(
            redact("https://a.example/@home"),
            Cow::Borrowed(_)
        ));
        // The id does not depend on (and so does not hash) the password.
        assert_eq!(
            ArticleUrl::parse("https://u:secret@a.example/1")
                .unwrap()
                .stable_id(),
            ArticleUrl::parse("https://a.example/1")
                .unwrap()
                .stable_id()
        );
    }

    #[test]
    fn userinfo_is_scrubbed_from_free_text() {
        for (text, want) in [
            (
                "error sending request for url (http://user:secret@a.example/x): refused",
                "error sending request for url (http://a.example/x): refused",
            ),
            (
                "from https://u:secret@a.example to ftp://x:y@b.example/f and http://c.example/@d",
                "from https://a.example to ftp://b.example/f and http://c.example/@d",
            ),
            (
                r#"{"url":"http:\/\/u:secret@a.example\/x"}"#,
                r#"{"url":"http:\/\/a.example\/x"}"#,
            ),
            (
                "mail me at someone@example.com",
                "mail me at someone@example.com",
            ),
            ("http://u:secret@a.example", "http://a.example"),
            ("trailing ://", "trailing ://"),
            (
                "中文 http://用户:密码@例子.中国/页 后",
                "中文 http://例子.中国/页 后",
            ),
        ] {
            assert_eq!(redact_text(text), want, "{text}");
        }
        assert!(matches!(redact_text("no urls here"), Cow::Borrowed(_)));
        // Not a URL: scrubbed as text.
        assert_eq!(
            redact("see http://u:secret@a.example/ now"),
            "see http://a.example/ now"
        );
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

//! Stage 1 of the pipeline: a URL to page bytes, safely and within bounds.
//!
//! Every resource is bounded: connect and total timeouts, a redirect limit,
//! and a cap on the decompressed body enforced while streaming (so a gzip
//! bomb stops at the cap instead of filling memory). Unless told otherwise,
//! only public addresses are fetched, checked after DNS resolution and again
//! on every redirect.

pub mod address;
pub mod host_limit;

use std::cell::Cell;
use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use tracing::Instrument;
use url::Url;

use crate::article_url::{ArticleUrl, has_userinfo, redact_text, without_userinfo};
use crate::configuration::FetchSettings;
use crate::fetch::address::AddressPolicy;

/// A fetched page, before decoding.
#[derive(Debug, Clone)]
pub struct FetchedPage {
    /// The URL after redirects, without user name and password.
    pub final_url: String,
    /// HTTP status (2xx here; others are errors).
    pub status: u16,
    /// Raw `Content-Type` header.
    pub content_type: Option<String>,
    /// The body, decompressed.
    pub body: Vec<u8>,
}

/// Why a fetch failed, and whether trying again later could help.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The host or an address it resolves to, or a redirect target, is not public.
    #[error(
        "forbidden address: {0} (only public addresses are fetched; allow others with --allow-private-addresses, FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES=true or fetch.allowed_networks)"
    )]
    ForbiddenAddress(String),
    /// The exchange took longer than allowed.
    #[error("timeout: {0}")]
    Timeout(String),
    /// Could not connect, or the connection broke.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The server answered with a non-success status.
    #[error("HTTP status {status}")]
    Status {
        /// The status code.
        status: u16,
        /// Seconds from `Retry-After`, when the server gave them.
        retry_after_secs: Option<u64>,
    },
    /// The body is larger than the configured cap.
    #[error("body larger than {limit} bytes")]
    TooLarge {
        /// The cap that was passed.
        limit: usize,
    },
    /// The server sent something that is not a text page.
    #[error("not a text page: {0}")]
    NotText(String),
    /// Too many redirects, or a redirect to a non-http(s) URL.
    #[error("redirect refused: {0}")]
    Redirect(String),
    /// Anything else reqwest reports (bad TLS, protocol errors).
    #[error("fetch failed: {0}")]
    Other(String),
}

impl FetchError {
    /// True when the same request may succeed later (timeouts, broken
    /// connections, 408, 429, 5xx); false when retrying cannot help.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout(_) | FetchError::Connect(_) => true,
            FetchError::Status { status, .. } => {
                *status == 408 || *status == 429 || (500..600).contains(status)
            }
            FetchError::Other(_) => true,
            FetchError::ForbiddenAddress(_)
            | FetchError::TooLarge { .. }
            | FetchError::NotText(_)
            | FetchError::Redirect(_) => false,
        }
    }

    /// A short, stable name for logs, metrics and failure records.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::ForbiddenAddress(_) => "forbidden_address",
            FetchError::Timeout(_) => "timeout",
            FetchError::Connect(_) => "connect",
            FetchError::Status { .. } => "http_status",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::NotText(_) => "not_text",
            FetchError::Redirect(_) => "redirect",
            FetchError::Other(_) => "other",
        }
    }
}

/// Marker error carried through reqwest's error chain so that a refused
/// address is reported as such, not as a generic connect failure.
#[derive(Debug)]
struct Forbidden(String);

impl std::fmt::Display for Forbidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl StdError for Forbidden {}

/// Resolves names with the system resolver and drops every address the
/// policy refuses, so a public-looking name that points inside is refused
/// too. The connector dials exactly the addresses returned here, which
/// closes the check-then-resolve-again (DNS rebinding) gap.
struct PublicOnlyResolver(Arc<AddressPolicy>);

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| policy.allows(a.ip()))
                .collect();
            if public.is_empty() && !addrs.is_empty() {
                let err: Box<dyn StdError + Send + Sync> = Box::new(Forbidden(format!(
                    "{host} resolves to a non-public address"
                )));
                return Err(err);
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Checks a URL's host when it is an IP literal (the resolver never sees those).
fn check_literal_host(url: &Url, policy: &AddressPolicy) -> Result<(), FetchError> {
    let ip: Option<IpAddr> = match url.host() {
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        _ => None,
    };
    match ip {
        Some(ip) if !policy.allows(ip) => Err(FetchError::ForbiddenAddress(format!(
            "{ip} is not a public address"
        ))),
        _ => Ok(()),
    }
}

/// Fetches pages with the limits of [`FetchSettings`]. Cheap to clone.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: Arc<FetchSettings>,
    policy: Arc<AddressPolicy>,
}

impl Fetcher {
    /// Builds the HTTP client. Fails only if TLS cannot be set up.
    pub fn new(settings: &FetchSettings) -> Result<Self, FetchError> {
        let policy = Arc::new(AddressPolicy::new(
            settings.allow_private_addresses,
            &settings.allowed_networks,
        ));
        let redirect_policy = policy.clone();
        let max_redirects = settings.max_redirects;
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                return attempt.error(format!("more than {max_redirects} redirects"));
            }
            let url = attempt.url();
            if url.scheme() != "http" && url.scheme() != "https" {
                let scheme = url.scheme().to_string();
                return attempt.error(format!("redirect to scheme {scheme}"));
            }
            // The bare reason: the error is wrapped as a forbidden address
            // again when it surfaces, and "forbidden address: forbidden
            // address: …" helps nobody.
            if let Err(FetchError::ForbiddenAddress(why)) =
                check_literal_host(url, &redirect_policy)
            {
                return attempt.error(Forbidden(why));
            }
            let followed = attempt.previous().len();
            let _ = REDIRECTS.try_with(|n| n.set(followed));
            attempt.follow()
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .connect_timeout(settings.connect_timeout())
            .timeout(settings.timeout())
            .redirect(redirects)
            // A proxy from the environment would bypass the address checks.
            .no_proxy();
        if !policy.allows_all() {
            builder = builder.dns_resolver(Arc::new(PublicOnlyResolver(policy.clone())));
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Other(e.to_string()))?;
        Ok(Self {
            client,
            settings: Arc::new(settings.clone()),
            policy,
        })
    }

    /// Fetches one page, streaming the body up to the size cap, in a span
    /// of its own (an HTTP client span, in OpenTelemetry's terms).
    pub async fn fetch(&self, url: &ArticleUrl) -> Result<FetchedPage, FetchError> {
        let target = url.url();
        // Credentials never reach a span (semantic conventions: `url.full`).
        let shown = without_userinfo(target);
        let span = tracing::info_span!(
            "fetch",
            otel.name = "GET",
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            "http.request.method" = "GET",
            "url.full" = shown.as_str(),
            "server.address" = target.host_str().unwrap_or_default(),
            "server.port" = target.port_or_known_default(),
            "http.response.status_code" = tracing::field::Empty,
            "http.request.resend_count" = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
        );
        let (fetched, redirects) = REDIRECTS
            .scope(Cell::new(0), async {
                let fetched = self.fetch_page(url).await;
                (fetched, REDIRECTS.with(Cell::get))
            })
            .instrument(span.clone())
            .await;
        if redirects > 0 {
            span.record("http.request.resend_count", redirects);
        }
        match &fetched {
            Ok(page) => {
                span.record("http.response.status_code", page.status);
            }
            Err(e) => {
                if let FetchError::Status { status, .. } = e {
                    span.record("http.response.status_code", *status);
                }
                span.record("error.type", e.kind());
                span.record("otel.status_code", "ERROR");
            }
        }
        fetched
    }

    async fn fetch_page(&self, url: &ArticleUrl) -> Result<FetchedPage, FetchError> {
        check_literal_host(url.url(), &self.policy)?;
        let mut response = self
            .client
            .get(url.url().clone())
            .send()
            .await
            .map_err(classify)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if !response.status().is_success() {
            return Err(FetchError::Status {
                status,
                retry_after_secs: retry_after(&headers),
            });
        }
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(ct) = &content_type
            && !is_textual(ct)
        {
            return Err(FetchError::NotText(ct.clone()));
        }
        let limit = self.settings.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|n| n as usize > limit)
        {
            return Err(FetchError::TooLarge { limit });
        }
        // reqwest moved the input's userinfo into an Authorization header,
        // but a redirect's Location can bring some of its own.
        let final_url = String::from(without_userinfo(response.url()));
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(FetchedPage {
            final_url,
            status,
            content_type,
            body,
        })
    }
}

tokio::task_local! {
    /// Redirects followed by the fetch in progress on this task: the
    /// redirect policy runs inside the request's future, on the task that
    /// awaits it.
    static REDIRECTS: Cell<usize>;
}

/// True for media types that can hold an article.
fn is_textual(content_type: &str) -> bool {
    let mime = crate::decode::media_type(content_type);
    mime.is_empty()
        || mime.starts_with("text/")
        || mime == "application/xhtml+xml"
        || mime == "application/xml"
}

/// Reads `Retry-After` in either of its forms, delay-seconds or an
/// HTTP-date; garbage is treated as absent, leaving the normal backoff in
/// charge.
fn retry_after(headers: &HeaderMap) -> Option<u64> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(u64::try_from(secs).unwrap_or(0))
}

/// Sorts a reqwest error into the kind that decides what happens next.
/// The URL reqwest puts in its message loses its userinfo (a redirect
/// target can have some), since the message ends up in records and logs.
fn classify(err: reqwest::Error) -> FetchError {
    let err = match err.url().filter(|u| has_userinfo(u)).map(without_userinfo) {
        Some(shown) => err.with_url(shown),
        None => err,
    };
    let mut source: Option<&(dyn StdError + 'static)> = Some(&err);
    while let Some(e) = source {
        if let Some(f) = e.downcast_ref::<Forbidden>() {
            return FetchError::ForbiddenAddress(f.0.clone());
        }
        source = e.source();
    }
    if err.is_timeout() {
        FetchError::Timeout(redact_text(&err.to_string()).into_owned())
    } else if err.is_redirect() {
        FetchError::Redirect(error_chain(&err))
    } else if err.is_connect() || err.is_request() || err.is_body() {
        FetchError::Connect(error_chain(&err))
    } else {
        FetchError::Other(error_chain(&err))
    }
}

/// The error and its causes on one line, for failure records, without
/// the password of any URL a cause quotes.
fn error_chain(err: &dyn StdError) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    redact_text(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn with_retry_after(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_ignores_garbage() {
        assert_eq!(retry_after(&with_retry_after("120")), Some(120));
        assert_eq!(retry_after(&with_retry_after(" 7 ")), Some(7));
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(90))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        let secs = retry_after(&with_retry_after(&soon)).unwrap();
        assert!((1..=90).contains(&secs), "{secs}");
        // A date in the past means "now".
        assert_eq!(
            retry_after(&with_retry_after("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(0)
        );
        assert_eq!(retry_after(&with_retry_after("soon")), None);
        assert_eq!(retry_after(&with_retry_after("-5")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}

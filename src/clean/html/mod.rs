//! Main-content extraction from HTML: the article body as paragraphs, title
//! candidates and metadata, for the cleaner to turn into an `Article`.
//!
//! The approach follows Readability and trafilatura: text blocks vote for
//! their ancestors (more text and more clauses, fewer links, article-like
//! class names), the best container wins together with qualifying siblings,
//! and chrome inside it (link lists, share widgets, related-news blocks,
//! editor lines) is pruned. Lengths count a CJK character like a short word
//! so that Chinese and English pages meet the same thresholds.
//!
//! Stages: `parse` (one pass from markup to `dom`, a compact tree of the
//! body with class weights and chrome flags, plus the page's metadata
//! elements and text; `entities` and `selector` serve it), `content`
//! (blocks, votes, choice, pruning), `meta` (title candidates, `<meta>`,
//! JSON-LD).
//! Vocabulary and thresholds: `config/html.toml`; figures:
//! `docs/clean-benchmark.md`.

mod content;
mod dom;
mod entities;
mod markup_meta;
mod parse;
mod rules;
mod selector;
#[doc(hidden)]
pub mod testing;
mod tokenize;

pub use rules::{HtmlRules, Tuning};
#[doc(hidden)]
pub use tokenize::html5lib_tokens;

use crate::budget::{Budget, PipelineLimits};
use crate::model::LimitHit;

/// Where a title candidate was found; the cleaner picks and trims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TitleSource {
    /// The `<title>` element (often carries a site suffix).
    TitleTag,
    /// `og:title` / `twitter:title` / `<meta name="title">`.
    MetaTag,
    /// `headline` of a JSON-LD object.
    JsonLd,
    /// An `<h1>` in the body.
    H1,
    /// The `<h1>` (or a copy of the title) leading the chosen content, or
    /// else the top heading just above the body.
    ContentHeading,
}

/// One possible title of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleCandidate {
    /// Where it came from.
    pub source: TitleSource,
    /// Whitespace-normalised text.
    pub text: String,
}

/// What [`extract`] finds in a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HtmlExtract {
    /// Title candidates in order of trust: meta tags, JSON-LD, `<h1>`s,
    /// `<title>` last (it usually carries the site name).
    pub title_candidates: Vec<TitleCandidate>,
    /// `(key, value)` pairs in document order. Keys are lower-cased `name`,
    /// `property`, `itemprop` or `http-equiv` of `<meta>` tags
    /// (`og:title`, `article:published_time`, `pubdate`, `author`, `source`
    /// …), `ld:<field>` for JSON-LD fields (`ld:datePublished`,
    /// `ld:headline`, `ld:author` …) and `time:datetime` for `<time>`
    /// elements.
    pub meta: Vec<(String, String)>,
    /// The article body: block-level paragraphs in document order, each
    /// with whitespace collapsed and trimmed, none empty.
    pub paragraphs: Vec<String>,
    /// Lines of the article container that the phrase rules of
    /// `config/html.toml` dropped from the body (`责任编辑：…`, `本文来源：…`,
    /// disclaimers), in document order: metadata readers may want them.
    pub dropped_lines: Vec<String>,
    /// The whole page as text: every element's text in document order
    /// (scripts and styles left out), a line break at each block tag, for
    /// readers of metadata the body leaves out.
    pub page_text: String,
    /// The bound (elements or text) that stopped the parse, if one did;
    /// the markup after that point was not read.
    pub limit: Option<LimitHit>,
}

impl HtmlExtract {
    /// The first value of a metadata key (`og:title`, `ld:datePublished` …).
    pub fn meta_value(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// The body as one string, paragraphs separated by `\n`.
    pub fn body_text(&self) -> String {
        self.paragraphs.join("\n")
    }
}

/// Extracts the main content, title candidates and metadata of a page.
///
/// Never panics on any input; a page without recognisable content yields
/// empty paragraphs.
pub fn extract(html: &str, rules: &HtmlRules) -> HtmlExtract {
    extract_within(
        html,
        rules,
        &PipelineLimits::unlimited(),
        &Budget::unlimited(),
    )
}

/// [`extract`] within the element and text bounds of `limits`, giving up
/// (with a meaningless result) once `budget` is exceeded.
pub fn extract_within(
    html: &str,
    rules: &HtmlRules,
    limits: &PipelineLimits,
    budget: &Budget,
) -> HtmlExtract {
    let parsed = parse::parse_within(html, rules, limits, budget);
    let mut out = HtmlExtract {
        limit: parsed.limit,
        ..HtmlExtract::default()
    };
    markup_meta::collect(&parsed.head, &parsed.dom, &mut out);
    let body = content::extract_body(&parsed.dom, rules, budget);
    if let Some(h) = body.heading {
        out.title_candidates.push(TitleCandidate {
            source: TitleSource::ContentHeading,
            text: h,
        });
    }
    out.paragraphs = body.paragraphs;
    out.dropped_lines = body.dropped;
    out.page_text = parsed.text;
    drop_leading_title(&mut out);
    out
}

/// Removes a copy of the title at the start of the body (sites repeat the
/// headline in a `<div>` or `<p>`, sometimes with a label such as 原创).
fn drop_leading_title(out: &mut HtmlExtract) {
    let key = |s: &str| -> Vec<char> { s.chars().filter(|c| c.is_alphanumeric()).collect() };
    let titles: Vec<Vec<char>> = out
        .title_candidates
        .iter()
        .map(|t| key(&t.text))
        .filter(|t| t.len() >= 4)
        .collect();
    let contains = |hay: &[char], needle: &[char]| {
        !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
    };
    while let Some(first) = out.paragraphs.first() {
        let p = key(first);
        let is_title = p.len() >= 4
            && titles.iter().any(|t| {
                // Equal, a title-tag prefix of it, or it plus a short label.
                contains(t, &p) || (contains(&p, t) && p.len() <= t.len() + 2)
            });
        if !is_title {
            break;
        }
        let text = out.paragraphs.remove(0);
        if !out
            .title_candidates
            .iter()
            .any(|c| c.source == TitleSource::ContentHeading)
        {
            out.title_candidates.push(TitleCandidate {
                source: TitleSource::ContentHeading,
                text,
            });
        }
    }
}

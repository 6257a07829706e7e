//! The message types that travel between the pipeline's stages.
//!
//! `decode` turns bytes into a [`Page`] (text plus how its charset was
//! found), `clean` turns a page into an [`Article`], `extract` turns an
//! article into [`Statistic`]s, and the whole lot is published as one
//! [`ExtractionResult`]. Field names here are the wire format of
//! `docs/interfaces.md` and `statistics.md`: renaming one breaks
//! every consumer downstream.

use serde::{Deserialize, Serialize};

/// What kind of document a page is, which decides how it is cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentKind {
    /// Markup: parsed into a DOM, chrome removed by structure and wording.
    Html,
    /// Plain text (a saved copy of a page): chrome removed by wording only.
    Text,
}

/// How the charset of a page was decided, for debugging wrong decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharsetSource {
    /// A byte-order mark at the start of the body.
    Bom,
    /// `charset=` in the HTTP `Content-Type` header.
    Http,
    /// `<meta charset>` or `<meta http-equiv="Content-Type">` in the page.
    Meta,
    /// No trustworthy label: guessed from the bytes.
    Detected,
}

/// A page decoded to text.
#[derive(Debug, Clone)]
pub struct Page {
    /// The decoded text, without BOM.
    pub text: String,
    /// WHATWG name of the encoding used, lowercase (`utf-8`, `gbk`, `gb18030`, `big5`).
    pub charset: String,
    /// Where that encoding came from.
    pub charset_source: CharsetSource,
    /// Whether the page is HTML or plain text.
    pub kind: ContentKind,
}

/// The script a text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Simplified Chinese.
    Hans,
    /// Traditional Chinese.
    Hant,
}

/// The article a page carries, with site chrome, spam and ruby garble removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The headline, without site-name suffixes; `None` where the page shows none.
    pub title: Option<String>,
    /// Publication time: RFC 3339 (`2024-01-09T10:32:00+08:00`) when the page
    /// gives a time of day, else an ISO date (`2024-01-09`); `None` where the
    /// page does not show the year.
    pub published: Option<String>,
    /// The outlet credited (来源, a dateline such as `人民网…电`, or a journal), in the page's script.
    pub source: Option<String>,
    /// The author or editor credited, where the page names one.
    pub author: Option<String>,
    /// Script of the body text.
    pub script: Script,
    /// The cleaned body: paragraphs separated by `\n`.
    pub text: String,
}

/// Time span a figure covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Period {
    /// The time phrase as written, in the page's script (`今年1至9月`).
    pub text: Option<String>,
    /// First day covered, ISO date, where it can be worked out.
    pub from: Option<String>,
    /// Last day covered, ISO date; `None` for open-ended periods (`…以来`).
    pub to: Option<String>,
}

/// What a statistic's value measures. A closed vocabulary of the spec
/// (`docs/statistics.md`), so it is a type: a misspelt kind does not
/// compile, and the wire keeps the lower-case names.
/// Ordered as declared: a report shows figures before their changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A count of things.
    Count,
    /// An amount of money.
    Money,
    /// A share or rate.
    Percent,
    /// A rise or fall.
    Change,
}

/// How a stated value is approximate (`5.3万余` is over, `约3万` about).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Approx {
    /// `余`, `多`, `以上`, `超`.
    Over,
    /// `约`, `近`, `左右`.
    About,
    /// `不到`, `以下`.
    Under,
}

/// Which way a change or an absolute rise or fall goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// A rise.
    Up,
    /// A fall.
    Down,
}

/// The unit of time an average is per (`日均`, `月均`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// Per day.
    Day,
    /// Per month.
    Month,
}

/// The wire names of the vocabularies, for logs, tests and SQL.
macro_rules! wire_names {
    ($($t:ty { $($v:ident => $n:literal),* })*) => {$(
        impl $t {
            /// The name on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $n),* }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($n => Ok(Self::$v),)*
                    _ => Err(format!("not a {}: {s:?}", stringify!($t))),
                }
            }
        }
    )*};
}

wire_names! {
    Kind { Count => "count", Money => "money", Percent => "percent", Change => "change" }
    Approx { Over => "over", About => "about", Under => "under" }
    Direction { Up => "up", Down => "down" }
    Per { Day => "day", Month => "month" }
}

/// One reported figure. See `docs/statistics.md` for every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statistic {
    /// Taxonomy id (`cases_solved`, …) or `other`.
    pub metric: String,
    /// The quantity with every multiplier folded in.
    pub value: f64,
    /// Counting word in Simplified script, `元`, `%`, `百分点`, `倍`, or `""`.
    pub unit: String,
    /// What the value measures.
    pub kind: Kind,
    /// ISO 4217 code for money, else `None`.
    pub currency: Option<String>,
    /// How the value is approximate, if it is.
    pub approx: Option<Approx>,
    /// For changes and absolute rises/falls.
    pub direction: Option<Direction>,
    /// For daily/monthly averages.
    pub per: Option<Per>,
    /// What is counted, as written but in Simplified script.
    pub subject: String,
    /// The time phrase governing the figure.
    pub period: Period,
    /// Area the figure covers, Simplified script.
    pub region: Option<String>,
    /// The sentence holding the figure.
    pub sentence: String,
    /// `[start, end)` character (not byte) offsets of the quantity in `Article::text`,
    /// or in `Article::title` when `in_title` is set.
    pub span: [usize; 2],
    /// True when the figure was found only in the headline; `span` then indexes the title.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_title: bool,
}

/// What the HTTP exchange (or the file read) looked like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpInfo {
    /// Response status; 200 for local files.
    pub status: u16,
    /// Media type without parameters.
    pub content_type: Option<String>,
    /// Encoding the body was decoded with.
    pub charset: String,
    /// Body size in bytes.
    pub bytes: usize,
}

/// Version stamp of the worker that produced a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerInfo {
    /// Crate version.
    pub version: String,
}

impl Default for WorkerInfo {
    fn default() -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// One result per URL, as published to `{prefix}.results` and printed by `fraudstat extract`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractionResult {
    /// Stable hash of the normalised URL, or the caller's id.
    pub id: String,
    /// The URL or path as received; a URL's user name and password are
    /// removed (it is then in its normalised spelling).
    pub url: String,
    /// The URL after redirects (the path for files), without user name and
    /// password.
    pub final_url: String,
    /// When the page was fetched or read, RFC 3339.
    pub fetched_at: String,
    /// The HTTP exchange.
    pub http: HttpInfo,
    /// The cleaned article.
    pub article: Article,
    /// Every statistic in the article.
    pub statistics: Vec<Statistic>,
    /// Passed through from the input message.
    #[serde(default)]
    pub meta: serde_json::Value,
    /// Delivery attempts it took.
    pub attempts: u32,
    /// Who produced it.
    pub worker: WorkerInfo,
    /// Bounds on per-page work that this page reached: where one is listed,
    /// the article or the statistics cover only the part of the page read
    /// before it. Absent on the wire when no bound was reached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<LimitHit>,
}

/// A bound on the work spent on one page (see `budget::PipelineLimits`
/// and `budget::Budget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The article text (or title) handed to extraction was cut.
    TextChars,
    /// The HTML tree stopped growing: later markup and text were not read.
    Nodes,
    /// Figures stopped being collected: later figures were not reported.
    Figures,
    /// The page's time ran out (or it was cancelled) during extraction.
    Deadline,
}

/// One bound reached while processing a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LimitHit {
    /// Which bound.
    pub limit: Limit,
    /// Where the work stopped: characters kept (`text_chars`), elements
    /// built (`nodes`), figures kept (`figures`), or milliseconds since the
    /// page's budget started (`deadline`).
    pub at: u64,
}

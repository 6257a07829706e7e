//! The pure part of the pipeline: `decode → clean → extract` on bytes that
//! were already fetched, with no network and no broker, so that the worker,
//! `fraudstat extract` and the tests all run exactly the same code.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::clean::Cleaner;
use crate::configuration::Settings;
use crate::decode::{DecodeConfig, Decoder};
use crate::error::ConfigError;
use crate::extract::Extractor;
use crate::model::{ContentKind, ExtractionResult, HttpInfo, Limit, LimitHit, WorkerInfo};

/// Bounds on the work one page may cause, whatever its size or shape.
///
/// Each bound stops the work where it is reached, so a page costs time and
/// memory in proportion to the bound rather than to the page, and the
/// result says so in [`ExtractionResult::limits`]. The defaults sit far
/// above every real press release (the longest article in the corpora is
/// under 40,000 characters and 9,000 elements, with a few hundred figures)
/// and keep one 8 MiB hostile page within the memory bound of
/// `docs/reliability.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineLimits {
    /// Characters of article text (and, separately, of title) handed to
    /// extraction; the rest is cut off and not published either.
    pub max_text_chars: usize,
    /// HTML elements built; markup after the last one is not read.
    pub max_nodes: usize,
    /// Figures collected per text; later figures are not reported.
    pub max_figures: usize,
}

impl Default for PipelineLimits {
    fn default() -> Self {
        Self {
            max_text_chars: 1_000_000,
            max_nodes: 200_000,
            max_figures: 3_000,
        }
    }
}

impl PipelineLimits {
    /// No bound at all: for measuring how the work itself scales.
    pub fn unlimited() -> Self {
        Self {
            max_text_chars: usize::MAX,
            max_nodes: usize::MAX,
            max_figures: usize::MAX,
        }
    }
}

/// How long one page may take, and a way to call it off from outside.
///
/// The stages check it cooperatively every few thousand units of work, so
/// a page stops within a bounded delay after its deadline or after the
/// cancel flag is set (on shutdown, say).
#[derive(Debug, Clone)]
pub struct Budget {
    deadline: Option<Instant>,
    cancel: Option<Arc<AtomicBool>>,
    /// When the budget was made: elapsed times are counted from here.
    started: Instant,
}

impl Default for Budget {
    fn default() -> Self {
        Self::unlimited()
    }
}

impl Budget {
    /// No deadline and no cancel flag: never exceeded.
    pub fn unlimited() -> Self {
        Self {
            deadline: None,
            cancel: None,
            started: Instant::now(),
        }
    }

    /// Exceeded from `deadline` on.
    pub fn until(deadline: Instant) -> Self {
        Self {
            deadline: Some(deadline),
            ..Self::unlimited()
        }
    }

    /// Also exceeded once `flag` is set.
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Whether the deadline has passed or the cancel flag is set. Costs an
    /// atomic load and, with a deadline, one monotonic clock read.
    pub fn exceeded(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Time since the budget was made.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Checks a [`Budget`] once every [`Meter::EVERY`] units of work, so that a
/// loop pays for a clock read only every few thousand steps. Once it finds
/// the budget exceeded it stays out, and every stage holding it stops.
#[derive(Debug)]
pub struct Meter<'a> {
    budget: &'a Budget,
    left: u32,
    out: bool,
}

impl<'a> Meter<'a> {
    /// Units of work between two checks: a unit is a character, a token or
    /// a figure-sized step, well under a microsecond each, so a check falls
    /// at most every few milliseconds.
    pub const EVERY: u32 = 4096;

    /// A meter on `budget`, out at once if it is already exceeded.
    pub fn new(budget: &'a Budget) -> Self {
        Self {
            budget,
            left: Self::EVERY,
            out: budget.exceeded(),
        }
    }

    /// Counts one unit; true once the budget is exceeded (and from then on).
    #[inline]
    pub fn tick(&mut self) -> bool {
        self.add(1)
    }

    /// Counts `n` units at once.
    #[inline]
    pub fn add(&mut self, n: usize) -> bool {
        if self.out {
            return true;
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        if n >= self.left {
            self.left = Self::EVERY;
            self.out = self.budget.exceeded();
        } else {
            self.left -= n;
        }
        self.out
    }

    /// Whether the budget was found exceeded.
    pub fn is_out(&self) -> bool {
        self.out
    }
}

/// A page whose budget ran out before extraction could start: there is no
/// article to report on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("page too complex: budget exceeded in {stage} after {} ms", elapsed.as_millis())]
pub struct TooComplex {
    /// `decode` or `clean`.
    pub stage: &'static str,
    /// Time since the budget was made.
    pub elapsed: Duration,
}

/// A page's bytes and what is known about where they came from.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// Stable id of the result.
    pub id: String,
    /// The URL or path as received.
    pub url: String,
    /// Where the bytes finally came from.
    pub final_url: String,
    /// HTTP status (200 for files).
    pub status: u16,
    /// Raw `Content-Type`, when known.
    pub content_type: Option<String>,
    /// The body.
    pub body: &'a [u8],
    /// When it was fetched or read.
    pub fetched_at: DateTime<Utc>,
    /// Passed through to the result.
    pub meta: serde_json::Value,
    /// Delivery attempts so far, this one included.
    pub attempts: u32,
}

/// Cleaner and extractor, loaded once and shared by every page.
#[derive(Debug, Clone)]
pub struct Pipeline {
    decoder: Decoder,
    cleaner: Cleaner,
    extractor: Extractor,
    limits: PipelineLimits,
}

impl Pipeline {
    /// Builds a pipeline from already-loaded stages, decoding with the
    /// default decoding settings.
    pub fn new(cleaner: Cleaner, extractor: Extractor) -> Self {
        Self {
            decoder: Decoder::default(),
            cleaner,
            extractor,
            limits: PipelineLimits::default(),
        }
    }

    /// The same pipeline with other bounds on per-page work.
    pub fn with_limits(mut self, limits: PipelineLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The bounds on per-page work in force.
    pub fn limits(&self) -> PipelineLimits {
        self.limits
    }

    /// Loads the rule files named in the settings.
    pub fn load(settings: &Settings) -> Result<Self, ConfigError> {
        let cleaner = Cleaner::from_files(
            &settings.rule_path(&settings.rules.clean),
            &settings.rule_path(&settings.rules.html),
        )?;
        let extractor = Extractor::from_file(&settings.rule_path(&settings.rules.lexicon))?;
        let decode_path = settings.rule_path(&settings.rules.decode);
        let text = std::fs::read_to_string(&decode_path).map_err(|source| ConfigError::Io {
            path: decode_path.clone(),
            source,
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: decode_path.clone(),
            message,
        };
        let config: DecodeConfig = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let decoder = Decoder::new(config).map_err(|e| invalid(e.to_string()))?;
        Ok(Self {
            decoder,
            cleaner,
            extractor,
            limits: PipelineLimits::default(),
        })
    }

    /// Turns one page into its result. Never fails: a page with nothing
    /// usable yields an empty article and no statistics. The bounds of
    /// [`PipelineLimits`] apply; time does not.
    pub fn process(&self, doc: Document<'_>) -> ExtractionResult {
        let Ok(result) = self.run(doc, &Budget::unlimited(), |_| Ok::<(), Infallible>(()));
        result
    }

    /// Turns one page into its result within `budget`.
    ///
    /// When the budget runs out during extraction, the result holds the
    /// statistics found so far and a [`Limit::Deadline`] entry; when it
    /// runs out before (decoding or cleaning), there is no article to
    /// report on and the page is [`TooComplex`].
    pub fn process_within(
        &self,
        doc: Document<'_>,
        budget: &Budget,
    ) -> Result<ExtractionResult, TooComplex> {
        self.run(doc, budget, |stage| {
            if budget.exceeded() {
                Err(TooComplex {
                    stage,
                    elapsed: budget.elapsed(),
                })
            } else {
                Ok(())
            }
        })
    }

    /// The stages, with `gate` deciding after each one before extraction
    /// whether to go on.
    fn run<E>(
        &self,
        doc: Document<'_>,
        budget: &Budget,
        gate: impl Fn(&'static str) -> Result<(), E>,
    ) -> Result<ExtractionResult, E> {
        gate("decode")?;
        let mut page = self.decoder.decode(doc.body, doc.content_type.as_deref());
        // A server that says text/plain means it, even if the text mentions tags.
        if doc.content_type.as_deref().is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/plain")
        }) {
            page.kind = ContentKind::Text;
        }
        gate("clean")?;
        let (mut article, mut limits) =
            self.cleaner
                .clean_within(&page, Some(&doc.final_url), self.limits.max_nodes, budget);
        let charset = std::mem::take(&mut page.charset);
        // The decoded page is the largest buffer still held: gone before
        // extraction allocates its own.
        drop(page);
        gate("clean")?;
        let max = self.limits.max_text_chars;
        if let Some(kept) = truncate_chars(&mut article.text, max) {
            limits.push(LimitHit {
                limit: Limit::TextChars,
                at: kept,
            });
        }
        if let Some(title) = article.title.as_mut()
            && let Some(kept) = truncate_chars(title, max)
        {
            limits.push(LimitHit {
                limit: Limit::TextChars,
                at: kept,
            });
        }
        let (statistics, hits) =
            self.extractor
                .extract_within(&article, self.limits.max_figures, budget);
        limits.extend(hits);
        Ok(ExtractionResult {
            id: doc.id,
            url: doc.url,
            final_url: doc.final_url,
            fetched_at: doc.fetched_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            http: HttpInfo {
                status: doc.status,
                content_type: doc.content_type.as_deref().map(media_type),
                charset,
                bytes: doc.body.len(),
            },
            article,
            statistics,
            meta: doc.meta,
            attempts: doc.attempts,
            worker: WorkerInfo::default(),
            limits,
        })
    }
}

/// Cuts `s` to its first `max` characters; returns how many were kept when
/// it did cut.
fn truncate_chars(s: &mut String, max: usize) -> Option<u64> {
    // Every character is at least a byte: most texts need no count.
    if s.len() <= max {
        return None;
    }
    let (cut, _) = s.char_indices().nth(max)?;
    s.truncate(cut);
    Some(max as u64)
}

/// `text/html; charset=gbk` → `text/html`.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

//! Bounds on the work one page may cause: the size limits
//! ([`PipelineLimits`]), the time budget ([`Budget`]) and the cheap
//! counter the stages check it with ([`Meter`]).
//!
//! A leaf module: every stage (`decode`, `clean`, `extract`) takes these
//! types, and the pipeline that runs the stages hands them in, so they
//! live below all of them rather than in `pipeline`, which imports the
//! stages.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Bounds on the work one page may cause, whatever its size or shape.
///
/// Each bound stops the work where it is reached, so a page costs time and
/// memory in proportion to the bound rather than to the page, and the
/// result says so in [`ExtractionResult::limits`]. The defaults sit two
/// orders of magnitude above the real pages in the test corpora (at most
/// 9,125 characters of article, 3,226 elements, 40 statistics) and keep
/// one 8 MiB hostile page within the memory bound of `docs/reliability.md`.
///
/// Read from the `[limits]` settings; the defaults here are those of
/// `config/default.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct PipelineLimits {
    /// Characters of text read from a page (the text of an HTML page's
    /// elements, or a text page) and of article text and title handed to
    /// extraction; the rest is not read, nor published.
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
    /// `None`: never runs out.
    budget: Option<&'a Budget>,
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
            budget: Some(budget),
            left: Self::EVERY,
            out: budget.exceeded(),
        }
    }

    /// A meter that never runs out.
    pub fn never() -> Self {
        Self {
            budget: None,
            left: Self::EVERY,
            out: false,
        }
    }

    /// The meter for a stage about to start: this one while the budget
    /// lasts, else `spare` (a [`Meter::never`]). A stage that starts after
    /// the budget ran out finishes the items already in hand (bounded by
    /// `max_figures`) instead of dropping them all; a stage during which it
    /// runs out stops there.
    pub fn stage<'m>(&'m mut self, spare: &'m mut Meter<'a>) -> &'m mut Meter<'a> {
        if self.out { spare } else { self }
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
            self.out = self.budget.is_some_and(Budget::exceeded);
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

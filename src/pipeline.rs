//! The pure part of the pipeline: `decode → clean → extract` on bytes that
//! were already fetched, with no network and no broker, so that the worker,
//! `fraudstat extract` and the tests all run exactly the same code.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::clean::Cleaner;
use crate::configuration::Settings;
use crate::decode::{DecodeConfig, Decoder};
use crate::error::ConfigError;
use crate::extract::Extractor;
use crate::model::{ContentKind, ExtractionResult, HttpInfo, WorkerInfo};

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
}

impl Pipeline {
    /// Builds a pipeline from already-loaded stages, decoding with the
    /// default decoding settings.
    pub fn new(cleaner: Cleaner, extractor: Extractor) -> Self {
        Self {
            decoder: Decoder::default(),
            cleaner,
            extractor,
        }
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
        })
    }

    /// Turns one page into its result. Never fails: a page with nothing
    /// usable yields an empty article and no statistics.
    pub fn process(&self, doc: Document<'_>) -> ExtractionResult {
        match self.process_within(doc, &Budget::unlimited()) {
            Ok(r) => r,
            Err(e) => unreachable!("an unlimited budget ran out: {e}"),
        }
    }

    /// As [`Pipeline::process`], giving up once `budget` runs out.
    pub fn process_within(
        &self,
        doc: Document<'_>,
        budget: &Budget,
    ) -> Result<ExtractionResult, TooComplex> {
        let started = Instant::now();
        let out_of_time = |stage| TooComplex {
            stage,
            elapsed: started.elapsed(),
        };
        if budget.exceeded() {
            return Err(out_of_time("decode"));
        }
        let mut page = self.decoder.decode(doc.body, doc.content_type.as_deref());
        // A server that says text/plain means it, even if the text mentions tags.
        if doc.content_type.as_deref().is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/plain")
        }) {
            page.kind = ContentKind::Text;
        }
        if budget.exceeded() {
            return Err(out_of_time("clean"));
        }
        let article = self.cleaner.clean(&page, Some(&doc.final_url));
        if budget.exceeded() {
            return Err(out_of_time("extract"));
        }
        let statistics = self.extractor.extract(&article);
        Ok(ExtractionResult {
            id: doc.id,
            url: doc.url,
            final_url: doc.final_url,
            fetched_at: doc.fetched_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            http: HttpInfo {
                status: doc.status,
                content_type: doc.content_type.as_deref().map(media_type),
                charset: page.charset.clone(),
                bytes: doc.body.len(),
            },
            article,
            statistics,
            meta: doc.meta,
            attempts: doc.attempts,
            worker: WorkerInfo::default(),
        })
    }
}

/// How long one page may take, and a switch to stop it early.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    deadline: Option<Instant>,
    cancel: Option<Arc<AtomicBool>>,
}

impl Budget {
    /// No deadline, no cancellation.
    pub fn unlimited() -> Self {
        Self::default()
    }

    /// Runs out at `deadline`.
    pub fn until(deadline: Instant) -> Self {
        Self {
            deadline: Some(deadline),
            cancel: None,
        }
    }

    /// Also runs out once `cancel` is set.
    pub fn with_cancel(mut self, cancel: Arc<AtomicBool>) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Whether the work should stop now.
    pub fn exceeded(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// A page whose budget ran out before there was anything to return.
#[derive(Debug, Clone, thiserror::Error)]
#[error("page too complex: budget ran out in {stage} after {elapsed:?}")]
pub struct TooComplex {
    /// The stage that was running.
    pub stage: &'static str,
    /// Time spent on the page.
    pub elapsed: Duration,
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

//! The pure part of the pipeline: `decode → clean → extract` on bytes that
//! were already fetched, with no network and no broker, so that the worker,
//! `fraudstat extract` and the tests all run exactly the same code.

use std::convert::Infallible;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::budget::{Budget, PipelineLimits};
use crate::clean::Cleaner;
use crate::configuration::Settings;
use crate::decode::{DecodeConfig, Decoder};
use crate::error::ConfigError;
use crate::extract::Extractor;
use crate::hints::Hints;
use crate::model::{ContentKind, ExtractionResult, HttpInfo, Limit, LimitHit, WorkerInfo};

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
        let text = crate::configuration::built_in::read_rule_file(&decode_path)?;
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
            limits: settings.limits,
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

    /// The stages, with `gate` deciding before the first and after each
    /// one before extraction whether to go on (it names the stage that ran
    /// out of time).
    fn run<E>(
        &self,
        doc: Document<'_>,
        budget: &Budget,
        gate: impl Fn(&'static str) -> Result<(), E>,
    ) -> Result<ExtractionResult, E> {
        gate("decode")?;
        let decoding = tracing::info_span!(
            "decode",
            "fraudstat.bytes" = doc.body.len(),
            "fraudstat.charset" = tracing::field::Empty,
        )
        .entered();
        let mut page = self
            .decoder
            .decode_within(doc.body, doc.content_type.as_deref(), budget);
        decoding.record("fraudstat.charset", page.charset.as_str());
        drop(decoding);
        // A server that says text/plain means it, even if the text mentions tags.
        if doc.content_type.as_deref().is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/plain")
        }) {
            page.kind = ContentKind::Text;
        }
        gate("decode")?;
        let hints = Hints::from_document(&doc.final_url, &doc.meta);
        let cleaning =
            tracing::info_span!("clean", "fraudstat.text_chars" = tracing::field::Empty,).entered();
        let (mut article, mut limits) =
            self.cleaner
                .clean_within(&page, Some(&doc.final_url), &hints, &self.limits, budget);
        cleaning.record("fraudstat.text_chars", article.text.chars().count());
        drop(cleaning);
        // The page's own evidence wins; the crawler's fills what it lacks.
        if article.published.is_none() {
            article.published.clone_from(&hints.published);
        }
        if article.source.is_none() {
            article.source.clone_from(&hints.source);
        }
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
        let extracting =
            tracing::info_span!("extract", "fraudstat.statistics" = tracing::field::Empty,)
                .entered();
        let (statistics, hits) =
            self.extractor
                .extract_within(&article, &hints, self.limits.max_figures, budget);
        extracting.record("fraudstat.statistics", statistics.len());
        drop(extracting);
        limits.extend(hits);
        // One entry per bound: the first place it stopped the work.
        let mut seen = Vec::with_capacity(limits.len());
        limits.retain(|h| {
            let first = !seen.contains(&h.limit);
            seen.push(h.limit);
            first
        });
        Ok(ExtractionResult {
            id: doc.id,
            url: doc.url,
            final_url: doc.final_url,
            fetched_at: doc.fetched_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            http: HttpInfo {
                status: doc.status,
                content_type: doc.content_type.as_deref().map(crate::decode::media_type),
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Instant;

    use super::*;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn pipeline() -> Pipeline {
        let settings = Settings::load_with_env(Some(&root().join("config")), None, Vec::new())
            .expect("settings load");
        Pipeline::load(&settings).expect("rule files load")
    }

    fn doc<'a>(body: &'a [u8], content_type: &str) -> Document<'a> {
        Document {
            id: "t".into(),
            url: "t".into(),
            final_url: "t".into(),
            status: 200,
            content_type: Some(content_type.into()),
            body,
            fetched_at: Utc::now(),
            meta: serde_json::Value::Null,
            attempts: 1,
        }
    }

    fn corpus(dir: &str) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/corpus").join(dir))
            .expect("corpus fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        v.sort();
        v
    }

    fn html_fixture() -> Vec<u8> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/html"))
            .expect("html fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "html"))
            .collect();
        v.sort();
        std::fs::read(v.first().expect("an html fixture")).expect("fixture reads")
    }

    #[test]
    fn an_exceeded_budget_stops_before_decoding() {
        let p = pipeline();
        let body = html_fixture();
        let budget = Budget::until(Instant::now());
        let err = p
            .process_within(doc(&body, "text/html"), &budget)
            .expect_err("no time left");
        assert_eq!(err.stage, "decode");
        assert!(err.to_string().contains("decode"), "{err}");
    }

    #[test]
    fn a_set_cancel_flag_stops_before_decoding() {
        let p = pipeline();
        let body = html_fixture();
        let flag = Arc::new(AtomicBool::new(false));
        let budget = Budget::unlimited().with_cancel(flag.clone());
        assert!(!budget.exceeded());
        flag.store(true, Ordering::Relaxed);
        let err = p
            .process_within(doc(&body, "text/html"), &budget)
            .expect_err("cancelled");
        assert_eq!(err.stage, "decode");
    }

    #[test]
    fn within_an_ample_budget_the_result_is_the_unbounded_one() {
        let p = pipeline();
        let body = html_fixture();
        let budget = Budget::until(Instant::now() + Duration::from_secs(3600));
        let mut a = p
            .process_within(doc(&body, "text/html"), &budget)
            .expect("ample time");
        let mut b = p.process(doc(&body, "text/html"));
        a.fetched_at.clear();
        b.fetched_at.clear();
        assert_eq!(a, b);
        assert!(a.limits.is_empty(), "{:?}", a.limits);
    }

    #[test]
    fn an_extraction_out_of_time_returns_what_it_found_and_says_so() {
        let p = pipeline();
        let page = corpus("pages").into_iter().next().expect("a corpus page");
        let text = std::fs::read_to_string(page).expect("page reads");
        let article = p.cleaner.clean_text(&text);
        let flag = Arc::new(AtomicBool::new(true));
        let budget = Budget::unlimited().with_cancel(flag);
        let (stats, hits) = p
            .extractor
            .extract_within(&article, &Hints::default(), 3000, &budget);
        assert!(stats.is_empty());
        assert!(hits.iter().any(|h| h.limit == Limit::Deadline), "{hits:?}");
    }

    /// Values the gold file of a corpus page lists.
    fn gold_values(gold: &Path) -> Vec<f64> {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(gold).expect("gold reads"))
                .expect("gold parses");
        v["statistics"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["value"].as_f64()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn more_figures_than_the_bound_records_figures() {
        let max_figures = 2;
        let p = pipeline().with_limits(PipelineLimits {
            max_figures,
            ..PipelineLimits::default()
        });
        let full = pipeline();
        let mut checked = 0;
        for gold in corpus("gold") {
            let values = gold_values(&gold);
            let page = root()
                .join("tests/fixtures/corpus/pages")
                .join(gold.file_stem().expect("name"))
                .with_extension("txt");
            let Ok(body) = std::fs::read(&page) else {
                continue;
            };
            let unbounded = full.process(doc(&body, "text/plain"));
            // Pages whose every figure is in the gold, with more than the bound.
            if values.len() <= max_figures
                || unbounded.statistics.len() <= max_figures
                || !unbounded
                    .statistics
                    .iter()
                    .all(|s| values.contains(&s.value))
            {
                continue;
            }
            let r = p.process(doc(&body, "text/plain"));
            assert!(
                r.limits.contains(&LimitHit {
                    limit: Limit::Figures,
                    at: max_figures as u64
                }),
                "{}: {:?}",
                page.display(),
                r.limits
            );
            assert!(r.statistics.len() <= max_figures);
            assert!(r.statistics.iter().all(|s| values.contains(&s.value)));
            checked += 1;
        }
        assert!(
            checked > 0,
            "no corpus page with more figures than the bound"
        );
    }

    #[test]
    fn a_huge_text_records_text_chars() {
        let max_text_chars = 2_000;
        let p = pipeline().with_limits(PipelineLimits {
            max_text_chars,
            ..PipelineLimits::default()
        });
        let page = corpus("pages").into_iter().next().expect("a corpus page");
        let one = std::fs::read(page).expect("page reads");
        let body: Vec<u8> = one.repeat(max_text_chars / one.len().max(1) + 2);
        for ct in ["text/plain", "text/html"] {
            let r = p.process(doc(&body, ct));
            assert!(
                r.limits.iter().any(|h| h.limit == Limit::TextChars),
                "{ct}: {:?}",
                r.limits
            );
            assert!(r.article.text.chars().count() <= max_text_chars);
        }
    }

    #[test]
    fn a_node_heavy_page_records_nodes() {
        let max_nodes = 1_000;
        let p = pipeline().with_limits(PipelineLimits {
            max_nodes,
            ..PipelineLimits::default()
        });
        let body = "<a>".repeat(max_nodes * 3);
        let r = p.process(doc(body.as_bytes(), "text/html"));
        assert_eq!(
            r.limits,
            vec![LimitHit {
                limit: Limit::Nodes,
                at: max_nodes as u64
            }]
        );
        let fixture = html_fixture();
        let r = p.process(doc(&fixture, "text/html"));
        assert!(r.limits.is_empty(), "{:?}", r.limits);
    }

    #[test]
    fn limit_hits_serialise_as_documented() {
        let hit = LimitHit {
            limit: Limit::TextChars,
            at: 7,
        };
        assert_eq!(
            serde_json::to_string(&hit).expect("serialises"),
            r#"{"limit":"text_chars","at":7}"#
        );
    }
}

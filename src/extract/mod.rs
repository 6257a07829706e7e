//! Stage 4 of the pipeline: an [`Article`] to its [`Statistic`]s.
//!
//! The text is read on a Simplified view ([`script`]), cut into sentences
//! and clauses ([`sentence`]); numbers become candidate figures with their
//! units ([`candidate`]), then get kind and direction ([`change`]), metric
//! ([`metric`]), period ([`period`]) and region ([`region`]); restatements
//! are merged ([`dedup`]). All vocabulary comes from `config/lexicon.toml`
//! and its siblings ([`lexicon`]).

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use ferrous_opencc::OpenCC;

use crate::error::ConfigError;
use crate::model::{Article, Statistic};

pub mod candidate;
pub mod change;
pub mod dedup;
pub mod lexicon;
pub mod metric;
pub mod numeral;
pub mod period;
pub mod region;
pub mod script;
pub mod sentence;

#[cfg(test)]
mod generality_tests;

use candidate::Kind;
use lexicon::Lexicon;
use script::View;
use sentence::Segments;

/// Finds every reported figure in an article.
///
/// Built once from `config/lexicon.toml` and shared by every message.
#[derive(Clone)]
pub struct Extractor {
    lex: Arc<Lexicon>,
    t2s: Option<Arc<OpenCC>>,
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor").finish_non_exhaustive()
    }
}

/// Figures of one text (body or title) with everything but the output shape.
struct Found {
    view: View,
    seg: Segments,
    figs: Vec<candidate::Figure>,
    periods: Vec<crate::model::Period>,
    phrases: Vec<period::Phrase>,
}

impl Extractor {
    /// Loads the lexicon from a TOML file (and `extract-periods.toml`,
    /// `extract-regions.toml` next to it).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let lex = Lexicon::from_file(path)?;
        let t2s = OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s)
            .ok()
            .map(Arc::new);
        Ok(Self {
            lex: Arc::new(lex),
            t2s,
        })
    }

    fn find(&self, text: &str, published: Option<NaiveDate>) -> Found {
        let view = View::new(text, self.t2s.as_deref());
        let lex = &*self.lex;
        let seg = Segments::new(&view.simp, lex.max_sentence_chars);
        let mut figs = candidate::figures(lex, &view.simp);
        figs.truncate(lex.max_figures);
        change::assign(lex, &view.simp, &seg, &mut figs);
        let figs = metric::assign(lex, &view.simp, &seg, figs);
        let phrases = period::phrases(lex, &view.simp, &figs);
        let periods = period::assign(lex, &view, &seg, &figs, &phrases, published);
        Found {
            view,
            seg,
            figs,
            periods,
            phrases,
        }
    }

    /// Extracts the statistics of one article.
    pub fn extract(&self, article: &Article) -> Vec<Statistic> {
        let lex = &*self.lex;
        let published = article
            .published
            .as_deref()
            .and_then(|p| p.get(..10))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let body = self.find(&article.text, published);
        let title = article.title.as_deref().map(|t| self.find(t, published));

        let mut all: Vec<char> = title
            .as_ref()
            .map(|t| t.view.simp.clone())
            .unwrap_or_default();
        all.push('\n');
        all.extend(body.view.simp.iter());
        let juris = region::jurisdiction(lex, &all);
        let page_region = region::page_region(lex, &body.view.simp, juris).or_else(|| {
            title
                .as_ref()
                .and_then(|t| region::page_region(lex, &t.view.simp, juris))
        });

        let (mut body_stats, heading) = self.statistics(&body, juris, page_region.as_ref(), false);
        // A report titled for a period (`袁州区2024年1月反诈预警地图`) covers
        // it throughout, when the body names the same period.
        if let Some(doc) = title.as_ref().and_then(|t| doc_period(t, &body, published)) {
            for st in body_stats.iter_mut().filter(|st| st.period.text.is_none()) {
                st.period = doc.clone();
            }
        }
        let title_stats = title
            .as_ref()
            .map(|t| self.statistics(t, juris, page_region.as_ref(), true).0)
            .unwrap_or_default();
        dedup::dedup(body_stats, &heading, title_stats)
    }

    #[allow(clippy::too_many_arguments)]
    fn statistics(
        &self,
        found: &Found,
        juris: Option<&lexicon::Jurisdiction>,
        page_region: Option<&String>,
        in_title: bool,
    ) -> (Vec<Statistic>, Vec<bool>) {
        let lex = &*self.lex;
        let regions = region::assign(lex, &found.view.simp, &found.seg, &found.figs, page_region);
        let mut stats = Vec::with_capacity(found.figs.len());
        let mut heading = Vec::with_capacity(found.figs.len());
        for (k, f) in found.figs.iter().enumerate() {
            let sent = found
                .seg
                .sentence_of(f.num_start)
                .and_then(|i| found.seg.sentences.get(i));
            let sentence = sent
                .map(|x| found.view.orig_slice(x.start, x.end).trim().to_string())
                .unwrap_or_default();
            let is_heading = sent
                .and_then(|x| found.seg.paragraphs.get(x.para))
                .is_some_and(|&(a, b)| {
                    b - a <= 40
                        && !found.view.simp.get(a..b).is_some_and(|w| {
                            w.iter().any(|c| matches!(c, '。' | '，' | ',' | '；'))
                        })
                });
            let currency = if f.kind == Kind::Money {
                f.currency
                    .clone()
                    .or_else(|| juris.map(|j| j.currency.clone()))
                    .or_else(|| Some("CNY".into()))
            } else {
                None
            };
            stats.push(Statistic {
                metric: f.metric.clone(),
                value: f.value,
                unit: f.unit.clone(),
                kind: f.kind.as_str().to_string(),
                currency,
                approx: f.approx.map(str::to_string),
                direction: f.direction.map(str::to_string),
                per: f.per.map(str::to_string),
                subject: f.subject.clone(),
                period: found.periods.get(k).cloned().unwrap_or_default(),
                region: regions.get(k).cloned().flatten(),
                sentence,
                span: [f.start, f.end],
                in_title,
            });
            heading.push(is_heading);
        }
        (stats, heading)
    }
}

/// The title's time phrase, when the body states the same one.
fn doc_period(
    title: &Found,
    body: &Found,
    published: Option<NaiveDate>,
) -> Option<crate::model::Period> {
    let tp = title.phrases.first()?;
    let text = title.view.simp_slice(tp.start, tp.end);
    let bp = body
        .phrases
        .iter()
        .find(|p| body.view.simp_slice(p.start, p.end) == text)?;
    let (from, to) = period::resolve(&text, published);
    Some(crate::model::Period {
        text: Some(body.view.orig_slice(bp.start, bp.end)),
        from: from.map(|d| d.to_string()),
        to: to.map(|d| d.to_string()),
    })
}

//! Stage 4 of the pipeline: an [`Article`] to its [`Statistic`]s.
//!
//! The text is read on a Simplified view ([`view`]), cut into sentences
//! and clauses ([`sentence`]); numbers become candidate figures with their
//! units ([`candidate`]), then get kind and direction ([`change`]), metric
//! ([`metric`]), period ([`period`] finds time phrases, [`time_context`]
//! picks the one governing each figure, [`period_resolve`] turns it into
//! dates) and region ([`region`]); restatements
//! are merged ([`dedup`]). All vocabulary comes from `config/lexicon.toml`
//! and its siblings ([`lexicon`]).

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use ferrous_opencc::OpenCC;

use crate::budget::{Budget, Meter, PipelineLimits};
use crate::error::ConfigError;
use crate::hints::Hints;
use crate::model::{Article, Limit, LimitHit, Statistic};

pub mod candidate;
pub mod change;
pub mod dedup;
pub mod gazetteer;
pub mod lexicon;
pub mod metric;
pub mod needed_chars;
pub mod period;
pub mod period_resolve;
pub mod region;
pub mod reporting_body;
pub mod sentence;
pub mod time_context;
pub mod view;

#[cfg(test)]
mod generality_tests;
#[cfg(test)]
mod period_resolve_tests;
#[cfg(test)]
mod region_tests;

use crate::model::Kind;
use lexicon::Lexicon;
use sentence::Segments;
use view::View;

/// Finds every reported figure in an article.
///
/// Built once from `config/lexicon.toml` and shared by every message.
#[derive(Clone)]
pub struct Extractor {
    lex: Arc<Lexicon>,
    t2s: &'static OpenCC,
    bodies: Arc<reporting_body::Resolver>,
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
    /// `extract-regions.toml`, `gazetteer.tsv` next to it). The gazetteer
    /// and `extract-regions.toml` are read once, for the lexicon and the
    /// reporting bodies both.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let sibling = |name| crate::configuration::built_in::sibling(path, name);
        let gaz = gazetteer::Gazetteer::from_file(&sibling("gazetteer.tsv"))?;
        let regions_path = sibling("extract-regions.toml");
        let regions: lexicon::RawRegions<reporting_body::RawRules> = lexicon::read(&regions_path)?;
        let lex = Lexicon::with_regions(path, &regions, &gaz)?;
        let bodies = reporting_body::Resolver::new(regions.reporting_body, gaz, &regions_path)?;
        crate::text::script::ensure_loaded()?;
        let t2s = crate::text::script::t2s()?;
        Ok(Self {
            lex: Arc::new(lex),
            t2s,
            bodies: Arc::new(bodies),
        })
    }

    /// Figures of one text with their kind, metric and period, at most
    /// `max_figures` of them (`cut` is set when that bound was reached),
    /// and only as many as were attributed before the meter ran out.
    fn find(
        &self,
        text: &str,
        published: Option<NaiveDate>,
        max_figures: usize,
        meter: &mut Meter<'_>,
        cut: &mut bool,
    ) -> Found {
        let view = View::new(text, Some(self.t2s));
        let lex = &*self.lex;
        let seg = Segments::new(&view.simp, lex.max_sentence_chars);
        let (mut figs, hit) = candidate::figures_within(lex, &view.simp, max_figures, meter);
        *cut |= hit;
        let mut spare = Meter::never();
        let done = change::assign(lex, &view.simp, &seg, &mut figs, meter.stage(&mut spare));
        figs.truncate(done);
        let mut figs = metric::assign(lex, &view.simp, &seg, figs, meter.stage(&mut spare));
        // A list handing one figure to many items (`分别`, `各`) may add
        // figures: the bound holds for what is reported.
        if figs.len() > max_figures {
            figs.truncate(max_figures);
            *cut = true;
        }
        // Phrases are read from the whole text, not per figure: past the
        // budget, the figures in hand go without.
        let phrases = if meter.is_out() {
            Vec::new()
        } else {
            period::phrases_within(lex, &view.simp, &figs, meter)
        };
        let periods = time_context::assign(
            lex,
            &view,
            &seg,
            &figs,
            &phrases,
            published,
            meter.stage(&mut spare),
        );
        figs.truncate(periods.len());
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
        let max_figures = PipelineLimits::default().max_figures;
        self.extract_within(
            article,
            &Hints::default(),
            max_figures,
            &Budget::unlimited(),
        )
        .0
    }

    /// Extracts the statistics of one article, from at most `max_figures`
    /// figures (body first, then title), within `budget`:
    /// once it is exceeded, the statistics attributed so far are returned.
    /// The bounds reached are listed with the statistics.
    pub fn extract_within(
        &self,
        article: &Article,
        hints: &Hints,
        max_figures: usize,
        budget: &Budget,
    ) -> (Vec<Statistic>, Vec<LimitHit>) {
        let mut meter = Meter::new(budget);
        let mut cut = false;
        let stats = self.extract_metered(article, hints, max_figures, &mut meter, &mut cut);
        let mut hits = Vec::new();
        if cut {
            hits.push(LimitHit {
                limit: Limit::Figures,
                at: max_figures as u64,
            });
        }
        if meter.is_out() {
            hits.push(LimitHit {
                limit: Limit::Deadline,
                at: u64::try_from(budget.elapsed().as_millis()).unwrap_or(u64::MAX),
            });
        }
        (stats, hits)
    }

    fn extract_metered(
        &self,
        article: &Article,
        hints: &Hints,
        max_figures: usize,
        meter: &mut Meter<'_>,
        cut: &mut bool,
    ) -> Vec<Statistic> {
        let lex = &*self.lex;
        // The page's own date, else the one the input message supplies.
        let iso_date = |p: &str| {
            p.get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        };
        let published = article
            .published
            .as_deref()
            .and_then(iso_date)
            .or_else(|| hints.published.as_deref().and_then(iso_date));
        let body = self.find(&article.text, published, max_figures, meter, cut);
        // The bound is per page: the title has what the body left.
        let left = max_figures.saturating_sub(body.figs.len());
        let title = article
            .title
            .as_deref()
            .map(|t| self.find(t, published, left, meter, cut));

        // Title and body read as one text joined by a line break; no word
        // spans a line break, so their hits can be counted apart (a joined
        // copy cost four bytes a character).
        let title_simp: &[char] = title.as_ref().map_or(&[], |t| &t.view.simp);
        let juris = region::jurisdiction_of(lex, &[title_simp, &body.view.simp]);
        // Source lines and the region hint are matched on the Simplified
        // view, as the text is.
        let simp = |s: &str| View::new(s, Some(self.t2s)).simp;
        // The pipeline copies the crawler's source into a page without
        // one: the same line counts once.
        let mut sources: Vec<Vec<char>> = [article.source.as_deref(), hints.source.as_deref()]
            .into_iter()
            .flatten()
            .map(simp)
            .collect();
        sources.dedup();
        let region_hint: Option<String> = hints.region.as_deref().map(|r| simp(r).iter().collect());
        let facts = reporting_body::PageFacts {
            title: title_simp,
            body: &body.view.simp,
            sources: &sources,
            host: hints.host.as_deref(),
            region_hint: region_hint.as_deref(),
        };
        let page_region = region::resolve_page(lex, &self.bodies, &facts, juris);
        tracing::debug!(
            region = ?page_region,
            jurisdiction = ?juris.map(|j| &j.region),
            sources = facts.sources.len(),
            host = ?facts.host,
            "page region"
        );

        let (mut body_stats, heading) =
            self.statistics(&body, juris, page_region.as_ref(), false, meter);
        // A report titled for a period (`袁州区2024年1月反诈预警地图`) covers
        // it throughout, when the body names the same period.
        let doc = title.as_ref().and_then(|t| {
            time_context::title_period(
                lex,
                (&t.view, &t.seg, &t.phrases),
                (&body.view, &body.seg, &body.phrases),
                published,
            )
            .map(|p| (p, t.figs.is_empty()))
        });
        // A bulletin opening with its period (`2025年6月份，袁州区共发…`)
        // covers the figures of its later paragraphs likewise.
        let doc = doc.or_else(|| {
            time_context::lead_period(
                lex,
                (&body.view, &body.seg, &body.phrases, &body.figs),
                published,
            )
            .map(|p| (p, true))
        });
        if let Some((doc, whole_body)) = doc {
            for (st, _) in body_stats
                .iter_mut()
                .zip(&heading)
                .filter(|(st, h)| st.period.text.is_none() && (whole_body || **h))
            {
                st.period = doc.clone();
            }
        }
        let title_stats = title
            .as_ref()
            .map(|t| {
                self.statistics(t, juris, page_region.as_ref(), true, meter)
                    .0
            })
            .unwrap_or_default();
        let mut spare = Meter::never();
        dedup::dedup_within(body_stats, &heading, title_stats, meter.stage(&mut spare))
    }

    #[allow(clippy::too_many_arguments)]
    fn statistics(
        &self,
        found: &Found,
        juris: Option<&lexicon::Jurisdiction>,
        page_region: Option<&String>,
        in_title: bool,
        meter: &mut Meter<'_>,
    ) -> (Vec<Statistic>, Vec<bool>) {
        let lex = &*self.lex;
        let mut spare = Meter::never();
        let regions = region::assign(
            lex,
            &self.bodies,
            &found.view.simp,
            &found.seg,
            &found.figs,
            page_region,
            meter.stage(&mut spare),
        );
        let mut stats = Vec::with_capacity(found.figs.len());
        let mut heading = Vec::with_capacity(found.figs.len());
        // Regions stop with the meter: only figures given one are reported.
        for (k, f) in found.figs.iter().enumerate().take(regions.len()) {
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
                kind: f.kind,
                currency,
                approx: f.approx,
                direction: f.direction,
                per: f.per,
                subject: f.subject.clone(),
                period: found.periods.get(k).cloned().unwrap_or_default(),
                region: regions.get(k).cloned().flatten(),
                sentence,
                span: {
                    let r = found.view.orig_range(f.start, f.end);
                    [r.start, r.end]
                },
                in_title,
            });
            if let Some(st) = stats.last() {
                // The explain channel: `RUST_LOG=fraudstat::extract=debug`
                // shows, per figure, what each stage decided.
                tracing::debug!(
                    value = st.value,
                    unit = %st.unit,
                    metric = %st.metric,
                    period = ?st.period.text,
                    from = ?st.period.from,
                    to = ?st.period.to,
                    region = ?st.region,
                    in_title,
                    sentence = %st.sentence,
                    "statistic"
                );
            }
            heading.push(is_heading);
        }
        (stats, heading)
    }
}

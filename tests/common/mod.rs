//! Helpers shared by the corpus tests: loading gold files and matching the
//! statistics an extractor found against them, the way
//! `docs/statistics.md` scores them: one statistic at a time
//! here (every field, for the strict HTML test), totals over a corpus as
//! `score_stats.py` computes them in [`scoring`].
//!
//! Each test crate uses only part of this module.
#![allow(dead_code)]

pub mod scoring;

use std::fmt;
use std::path::{Path, PathBuf};

use fraudstat::model::{Approx, Direction, Per, Statistic};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// Relative tolerance for values, as in the spec.
pub const VALUE_TOLERANCE: f64 = 1e-9;

/// Units the gold files and the extractor may spell differently: the
/// extractor writes Simplified units, but a Traditional page's counting word
/// may slip through unconverted.
const UNIT_ALIASES: &[(&str, &str)] = &[
    ("個", "个"),
    ("條", "条"),
    ("筆", "笔"),
    ("處", "处"),
    ("萬", "万"),
    ("億", "亿"),
    ("％", "%"),
];

/// A gold file: `tests/fixtures/corpus/gold/NAME.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    /// The text page it labels.
    pub page: String,
    /// The headline; `None` where the page shows none.
    pub title: Option<String>,
    /// ISO date, or `None` where the page does not show the year.
    pub published: Option<String>,
    /// The outlet credited.
    pub source: Option<String>,
    /// Every statistic of the article.
    pub statistics: Vec<GoldStatistic>,
}

/// One labelled statistic.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldStatistic {
    /// The words of the page that state it.
    pub quote: String,
    /// Taxonomy id.
    pub metric: String,
    /// Value with multipliers folded in.
    pub value: f64,
    /// Counting word, `元`, `%`, `百分点`, `倍` or `""`.
    pub unit: String,
    /// `count`, `money`, `percent` or `change`.
    pub kind: String,
    /// `over`, `about`, `under`.
    pub approx: Option<String>,
    /// `up` or `down`.
    pub direction: Option<String>,
    /// `day` or `month`.
    pub per: Option<String>,
    /// What is counted.
    pub subject: String,
    /// The governing time phrase.
    pub period: GoldPeriod,
    /// Area covered.
    pub region: Option<String>,
    /// Hard cases that count neither for nor against.
    #[serde(default)]
    pub optional: bool,
}

/// The time span of a gold statistic.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldPeriod {
    /// As written.
    pub text: Option<String>,
    /// First day, ISO.
    pub from: Option<String>,
    /// Last day, ISO.
    pub to: Option<String>,
}

/// The crate's corpus directory (`tests/fixtures/corpus`).
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

/// Loads the gold file of a corpus page. `name` may carry a `.txt` or
/// `.json` extension or none (`000_1839626aca774743`, `dev-001.txt`).
pub fn load_gold(name: &str) -> Result<Gold, String> {
    let stem = name
        .strip_suffix(".json")
        .or_else(|| name.strip_suffix(".txt"))
        .unwrap_or(name);
    let path = corpus_dir().join("gold").join(format!("{stem}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// NFKC, then the Traditional/full-width aliases folded to the spelling the
/// spec uses.
pub fn normalise_unit(unit: &str) -> String {
    let mut unit: String = unit.trim().nfkc().collect();
    for (from, to) in UNIT_ALIASES {
        unit = unit.replace(from, to);
    }
    unit
}

/// NFKC and trimmed, for comparing free-text fields.
pub fn normalise_text(text: &str) -> String {
    text.trim().nfkc().collect()
}

/// Equal to [`VALUE_TOLERANCE`] relative.
pub fn values_match(a: f64, b: f64) -> bool {
    if a == b {
        return true;
    }
    (a - b).abs() <= VALUE_TOLERANCE * a.abs().max(b.abs())
}

fn same_quantity(gold: &GoldStatistic, found: &Statistic) -> bool {
    values_match(gold.value, found.value)
        && normalise_unit(&gold.unit) == normalise_unit(&found.unit)
}

/// The fields scored on a matched pair that disagree, as `field: found ≠ gold`.
pub fn field_differences(gold: &GoldStatistic, found: &Statistic) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut check = |field: &str, found: Option<&str>, gold: Option<&str>| {
        let found = found.map(normalise_text);
        let gold = gold.map(normalise_text);
        if found != gold {
            diffs.push(format!("{field}: found {found:?}, gold {gold:?}"));
        }
    };
    check("metric", Some(&found.metric), Some(&gold.metric));
    check(
        "approx",
        found.approx.map(Approx::as_str),
        gold.approx.as_deref(),
    );
    check(
        "direction",
        found.direction.map(Direction::as_str),
        gold.direction.as_deref(),
    );
    check("per", found.per.map(Per::as_str), gold.per.as_deref());
    check("region", found.region.as_deref(), gold.region.as_deref());
    diffs
}

/// A found statistic paired with a gold one whose scored fields differ.
#[derive(Debug, Clone)]
pub struct WrongFields {
    /// The gold entry.
    pub gold: GoldStatistic,
    /// What was found for it.
    pub found: Statistic,
    /// `field: found …, gold …` for each difference.
    pub differences: Vec<String>,
}

/// How one page's statistics compare with its gold file.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Non-optional gold entries matched with every scored field right.
    pub correct: usize,
    /// Optional gold entries that were found (whatever their fields).
    pub optional_found: usize,
    /// Non-optional gold entries nothing was found for.
    pub missing: Vec<GoldStatistic>,
    /// Found statistics that match no gold entry, optional ones included.
    pub extra: Vec<Statistic>,
    /// Non-optional gold entries found with a wrong metric, approx,
    /// direction, per or region.
    pub wrong: Vec<WrongFields>,
}

impl Report {
    /// True when nothing is missing, extra or wrong.
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.wrong.is_empty()
    }
}

fn describe_found(s: &Statistic) -> String {
    format!(
        "{} {} {} approx={:?} direction={:?} per={:?} region={:?} «{}»",
        s.value, s.unit, s.metric, s.approx, s.direction, s.per, s.region, s.sentence
    )
}

fn describe_gold(s: &GoldStatistic) -> String {
    format!(
        "{} {} {} approx={:?} direction={:?} per={:?} region={:?} «{}»",
        s.value, s.unit, s.metric, s.approx, s.direction, s.per, s.region, s.quote
    )
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} correct, {} missing, {} extra, {} with wrong fields, {} optional found",
            self.correct,
            self.missing.len(),
            self.extra.len(),
            self.wrong.len(),
            self.optional_found
        )?;
        for g in &self.missing {
            writeln!(f, "  missing: {}", describe_gold(g))?;
        }
        for s in &self.extra {
            writeln!(f, "  extra:   {}", describe_found(s))?;
        }
        for w in &self.wrong {
            writeln!(
                f,
                "  wrong:   {} {} «{}»",
                w.gold.value, w.gold.unit, w.gold.quote
            )?;
            for d in &w.differences {
                writeln!(f, "           {d}")?;
            }
        }
        Ok(())
    }
}

/// Pairs found statistics with gold ones by value and unit. Exact pairs
/// (every scored field equal) are made first so that a repeated value with
/// different fields pairs with the right entry; then the rest pair by value
/// and unit, non-optional gold entries first.
pub fn match_statistics(gold: &[GoldStatistic], found: &[Statistic]) -> Report {
    let mut m = Matching {
        gold,
        found,
        gold_used: vec![false; gold.len()],
        found_used: vec![false; found.len()],
        report: Report::default(),
    };
    for (exact, optional) in [(true, false), (true, true), (false, false), (false, true)] {
        m.pair(exact, optional);
    }
    let Matching {
        gold_used,
        found_used,
        mut report,
        ..
    } = m;
    report.missing = gold
        .iter()
        .zip(&gold_used)
        .filter(|(g, used)| !g.optional && !**used)
        .map(|(g, _)| g.clone())
        .collect();
    report.extra = found
        .iter()
        .zip(&found_used)
        .filter(|(_, used)| !**used)
        .map(|(s, _)| s.clone())
        .collect();
    report
}

struct Matching<'a> {
    gold: &'a [GoldStatistic],
    found: &'a [Statistic],
    gold_used: Vec<bool>,
    found_used: Vec<bool>,
    report: Report,
}

impl Matching<'_> {
    /// One greedy pass over the gold entries that are (or are not)
    /// optional, pairing each with the first free found statistic of the
    /// same quantity (and, when `exact`, the same scored fields).
    fn pair(&mut self, exact: bool, optional: bool) {
        for (gi, g) in self.gold.iter().enumerate() {
            if self.gold_used.get(gi).copied().unwrap_or(true) || g.optional != optional {
                continue;
            }
            let found_used = &self.found_used;
            let candidate = self.found.iter().enumerate().find(|(fi, s)| {
                !found_used.get(*fi).copied().unwrap_or(true)
                    && same_quantity(g, s)
                    && (!exact || field_differences(g, s).is_empty())
            });
            let Some((fi, s)) = candidate else { continue };
            if let Some(u) = self.gold_used.get_mut(gi) {
                *u = true;
            }
            if let Some(u) = self.found_used.get_mut(fi) {
                *u = true;
            }
            let differences = field_differences(g, s);
            if optional {
                self.report.optional_found += 1;
            } else if differences.is_empty() {
                self.report.correct += 1;
            } else {
                self.report.wrong.push(WrongFields {
                    gold: g.clone(),
                    found: s.clone(),
                    differences,
                });
            }
        }
    }
}

/// A gold entry as the extractor would report it (sentence = quote, span
/// empty), for testing the matcher and for oracles.
pub fn gold_as_statistic(g: &GoldStatistic) -> Statistic {
    Statistic {
        metric: g.metric.clone(),
        value: g.value,
        unit: g.unit.clone(),
        kind: g.kind.parse().expect("gold files hold the spec's kinds"),
        currency: (g.kind == "money").then(|| "CNY".to_string()),
        approx: g
            .approx
            .as_deref()
            .map(|a| a.parse().expect("a spec approx")),
        direction: g
            .direction
            .as_deref()
            .map(|d| d.parse().expect("a spec direction")),
        per: g.per.as_deref().map(|p| p.parse().expect("a spec per")),
        subject: g.subject.clone(),
        period: fraudstat::model::Period {
            text: g.period.text.clone(),
            from: g.period.from.clone(),
            to: g.period.to.clone(),
        },
        region: g.region.clone(),
        sentence: g.quote.clone(),
        span: [0, 0],
        in_title: false,
    }
}

//! Corpus totals with the project scorer's rules
//! (shared/tools/score_stats.py): greedy one-to-one matching on value (1e-9
//! relative) and NFKC-normalised unit, optional gold entries counting
//! neither way, attributes scored on matched pairs.

use std::path::Path;

use fraudstat::clean::Cleaner;
use fraudstat::extract::Extractor;
use fraudstat::model::{CharsetSource, ContentKind, Page};
use serde_json::Value;

use super::{normalise_text, normalise_unit, values_match};

/// Attributes scored on matched pairs, in the scorer's order.
pub const ATTRS: [&str; 6] = [
    "metric",
    "approx",
    "direction",
    "per",
    "period.text",
    "region",
];

/// Resolved attributes, scored on matched pairs beside `ATTRS` (they do not
/// take part in choosing pairs, as in the scorer).
pub const RESOLVED: [&str; 2] = ["period.from", "period.to"];

/// What a gold fact needs, besides being found, to be usable for analysis.
const USABLE: [&str; 4] = ["metric", "period.from", "period.to", "region"];

fn norm_unit(u: Option<&Value>) -> String {
    normalise_unit(u.and_then(Value::as_str).unwrap_or(""))
}

fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |d, k| d.get(k))
}

fn norm_attr(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::Null => return None,
        Value::String(s) => normalise_text(s),
        other => normalise_text(&other.to_string()),
    };
    (!s.is_empty()).then_some(s)
}

fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
        (Some(a), Some(b)) => values_match(a, b),
        _ => false,
    }
}

/// Greedy matching as the scorer does it: pairs, missed gold, extra predictions.
fn matching<'a>(
    gold: &[&'a Value],
    pred: &[&'a Value],
) -> (Vec<(&'a Value, &'a Value)>, Vec<&'a Value>, Vec<&'a Value>) {
    let mut used = vec![false; pred.len()];
    let mut pairs = Vec::new();
    let mut missed = Vec::new();
    for g in gold {
        let mut hit: Option<(usize, usize)> = None;
        for (j, p) in pred.iter().enumerate() {
            if used.get(j) == Some(&true) {
                continue;
            }
            if same_value(g.get("value"), p.get("value"))
                && norm_unit(g.get("unit")) == norm_unit(p.get("unit"))
            {
                let agree = ATTRS
                    .iter()
                    .filter(|k| norm_attr(get(g, k)) == norm_attr(get(p, k)))
                    .count();
                if hit.is_none_or(|(_, best)| agree > best) {
                    hit = Some((j, agree));
                }
            }
        }
        match hit {
            Some((j, _)) => {
                if let Some(u) = used.get_mut(j) {
                    *u = true;
                }
                if let Some(p) = pred.get(j) {
                    pairs.push((*g, *p));
                }
            }
            None => missed.push(*g),
        }
    }
    let extra = pred
        .iter()
        .enumerate()
        .filter(|(j, _)| used.get(*j) != Some(&true))
        .map(|(_, p)| *p)
        .collect();
    (pairs, missed, extra)
}

/// Totals over a directory of gold files, with a per-page error report.
pub struct Score {
    /// Pages scored.
    pub pages: usize,
    /// Matched required statistics.
    pub tp: usize,
    /// Predictions matching no gold entry.
    pub fp: usize,
    /// Required gold entries not found.
    pub fneg: usize,
    /// Agreeing attributes on matched pairs, by `ATTRS` index.
    pub ok: [usize; 6],
    /// Scored attributes on matched pairs, by `ATTRS` index.
    pub n: [usize; 6],
    /// Agreeing resolved attributes on matched pairs, by `RESOLVED` index.
    pub resolved_ok: [usize; 2],
    /// Matched pairs whose metric, period.from, period.to and region agree.
    pub usable: usize,
    /// `MISSED` / `EXTRA` / `ATTR` lines per page.
    pub report: String,
}

impl Score {
    /// tp / (tp + fp).
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp > 0 {
            self.tp as f64 / (self.tp + self.fp) as f64
        } else {
            0.0
        }
    }

    /// tp / (tp + fn).
    pub fn recall(&self) -> f64 {
        if self.tp + self.fneg > 0 {
            self.tp as f64 / (self.tp + self.fneg) as f64
        } else {
            0.0
        }
    }

    /// Share of matched pairs whose attribute `k` agrees (1.0 when none).
    pub fn rate(&self, k: usize) -> f64 {
        let total = self.n.get(k).copied().unwrap_or(0);
        if total == 0 {
            1.0
        } else {
            self.ok.get(k).copied().unwrap_or(0) as f64 / total as f64
        }
    }

    /// Share of matched pairs whose resolved attribute `k` agrees (1.0
    /// when none).
    pub fn resolved_rate(&self, k: usize) -> f64 {
        if self.tp == 0 {
            1.0
        } else {
            self.resolved_ok.get(k).copied().unwrap_or(0) as f64 / self.tp as f64
        }
    }

    /// Share of required gold facts found with metric, period and region right.
    pub fn usable_rate(&self) -> f64 {
        if self.tp + self.fneg == 0 {
            0.0
        } else {
            self.usable as f64 / (self.tp + self.fneg) as f64
        }
    }

    /// One line with P, R and every attribute rate.
    pub fn summary(&self) -> String {
        let resolved = RESOLVED
            .iter()
            .enumerate()
            .map(|(k, a)| {
                format!(
                    "{a}={}/{} ({:.3})",
                    self.resolved_ok.get(k).copied().unwrap_or(0),
                    self.tp,
                    self.resolved_rate(k)
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        format!(
            "precision {:.3} recall {:.3} (tp {} fp {} fn {}); {} {resolved}; usable {}/{} ({:.3})",
            self.precision(),
            self.recall(),
            self.tp,
            self.fp,
            self.fneg,
            ATTRS
                .iter()
                .enumerate()
                .map(|(k, a)| format!(
                    "{a}={}/{} ({:.3})",
                    self.ok.get(k).copied().unwrap_or(0),
                    self.n.get(k).copied().unwrap_or(0),
                    self.rate(k)
                ))
                .collect::<Vec<_>>()
                .join(" "),
            self.usable,
            self.tp + self.fneg,
            self.usable_rate()
        )
    }
}

/// Runs the real cleaner and extractor (crate `config/`) over every page
/// that has a gold file in `fixtures/<set>/gold` and scores the result.
pub fn score_set(set: &str) -> Score {
    score_variant(set, &|page| page.to_string())
}

/// [`score_set`] on every page rewritten by `page` (a typographic variant
/// of the set), scored against the same gold files by the same rules.
pub fn score_variant(set: &str, page: &dyn Fn(&str) -> String) -> Score {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cleaner = Cleaner::from_file(&root.join("config/clean.toml")).expect("clean config");
    let ex = Extractor::from_file(&root.join("config/lexicon.toml")).expect("lexicon");
    let gold_dir = root.join("tests/fixtures").join(set).join("gold");
    let pages_dir = root.join("tests/fixtures").join(set).join("pages");
    let mut names: Vec<String> = std::fs::read_dir(&gold_dir)
        .expect("gold dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    let mut ok = [0usize; 6];
    let mut n = [0usize; 6];
    let mut resolved_ok = [0usize; 2];
    let mut usable = 0usize;
    let mut report = String::new();
    for name in &names {
        let gold: Value =
            serde_json::from_str(&std::fs::read_to_string(gold_dir.join(name)).expect("gold file"))
                .expect("gold json");
        let page_name = gold
            .get("page")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| name.replace(".json", ".txt"));
        let plain = std::fs::read_to_string(pages_dir.join(&page_name)).expect("page file");
        let page = Page {
            text: page(&plain),
            charset: "utf-8".into(),
            charset_source: CharsetSource::Detected,
            kind: ContentKind::Text,
        };
        let article = cleaner.clean(&page, None);
        let stats = ex.extract(&article);
        let pred_json: Vec<Value> = stats
            .iter()
            .map(|s| serde_json::to_value(s).expect("serialise"))
            .collect();
        let pred: Vec<&Value> = pred_json.iter().collect();
        let all: Vec<&Value> = gold
            .get("statistics")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let required: Vec<&Value> = all
            .iter()
            .copied()
            .filter(|s| s.get("optional") != Some(&Value::Bool(true)))
            .collect();
        let optional: Vec<&Value> = all
            .iter()
            .copied()
            .filter(|s| s.get("optional") == Some(&Value::Bool(true)))
            .collect();
        let (pairs, missed, extra) = matching(&required, &pred);
        let (_, _, extra) = matching(&optional, &extra);
        tp += pairs.len();
        fneg += missed.len();
        fp += extra.len();
        let mut lines = Vec::new();
        for m in &missed {
            lines.push(format!(
                "  MISSED {} {}  {}",
                m["value"],
                m["unit"],
                m.get("quote").and_then(Value::as_str).unwrap_or("")
            ));
        }
        for x in &extra {
            let sentence: String = x
                .get("sentence")
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(50)
                .collect();
            lines.push(format!(
                "  EXTRA  {} {}  {}",
                x["value"], x["unit"], sentence
            ));
        }
        for (g, p) in &pairs {
            let mut diffs = Vec::new();
            usable += usize::from(
                USABLE
                    .iter()
                    .all(|k| norm_attr(get(g, k)) == norm_attr(get(p, k))),
            );
            for (k, attr) in RESOLVED.iter().enumerate() {
                let (gv, pv) = (norm_attr(get(g, attr)), norm_attr(get(p, attr)));
                if gv == pv {
                    if let Some(c) = resolved_ok.get_mut(k) {
                        *c += 1;
                    }
                } else {
                    diffs.push(format!("{attr}: {gv:?} vs {pv:?}"));
                }
            }
            for (k, attr) in ATTRS.iter().enumerate() {
                let gv = norm_attr(get(g, attr));
                let pv = norm_attr(get(p, attr));
                if matches!(*attr, "direction" | "per") && gv.is_none() && pv.is_none() {
                    continue;
                }
                if let Some(c) = n.get_mut(k) {
                    *c += 1;
                }
                if gv == pv {
                    if let Some(c) = ok.get_mut(k) {
                        *c += 1;
                    }
                } else {
                    diffs.push(format!("{attr}: {gv:?} vs {pv:?}"));
                }
            }
            if !diffs.is_empty() {
                lines.push(format!(
                    "  ATTR   {} {}: {}",
                    g["value"],
                    g["unit"],
                    diffs.join("; ")
                ));
            }
        }
        if !lines.is_empty() {
            report.push_str(&format!("{page_name}\n{}\n", lines.join("\n")));
        }
    }
    Score {
        pages: names.len(),
        tp,
        fp,
        fneg,
        ok,
        n,
        resolved_ok,
        usable,
        report,
    }
}

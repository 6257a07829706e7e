//! The extractor against the corpus gold, through the real cleaner, with
//! the project scorer's matching rules (shared/tools/score_stats.py):
//! greedy one-to-one on value (1e-9 relative) and NFKC-normalised unit,
//! optional gold entries counting neither way.

use std::path::Path;

use fraudstat::clean::Cleaner;
use fraudstat::extract::Extractor;
use fraudstat::model::{CharsetSource, ContentKind, Page};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const ATTRS: [&str; 6] = [
    "metric",
    "approx",
    "direction",
    "per",
    "period.text",
    "region",
];

fn norm_unit(u: Option<&Value>) -> String {
    let s = u.and_then(Value::as_str).unwrap_or("");
    let s: String = s.nfkc().collect::<String>().trim().to_string();
    s.chars()
        .map(|c| match c {
            '個' => '个',
            '條' => '条',
            '筆' => '笔',
            '處' => '处',
            '萬' => '万',
            '億' => '亿',
            '％' => '%',
            c => c,
        })
        .collect()
}

fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |d, k| d.get(k))
}

fn norm_attr(v: Option<&Value>) -> Option<String> {
    let v = v?;
    let s = match v {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let s: String = s.nfkc().collect::<String>().trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
        (Some(a), Some(b)) => a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
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

#[test]
fn corpus_statistics_match_gold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cleaner = Cleaner::from_file(&root.join("config/clean.toml")).expect("clean config");
    let ex = Extractor::from_file(&root.join("config/lexicon.toml")).expect("lexicon");
    let gold_dir = root.join("tests/fixtures/corpus/gold");
    let pages_dir = root.join("tests/fixtures/corpus/pages");
    let mut names: Vec<String> = std::fs::read_dir(&gold_dir)
        .expect("gold dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 45,
        "expected the 45 corpus pages, found {}",
        names.len()
    );

    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    let mut ok = [0usize; 6];
    let mut n = [0usize; 6];
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
        let text = std::fs::read_to_string(pages_dir.join(&page_name)).expect("page file");
        let page = Page {
            text,
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
    let precision = if tp + fp > 0 {
        tp as f64 / (tp + fp) as f64
    } else {
        0.0
    };
    let recall = if tp + fneg > 0 {
        tp as f64 / (tp + fneg) as f64
    } else {
        0.0
    };
    let rate = |k: usize| {
        let total = n.get(k).copied().unwrap_or(0);
        if total == 0 {
            1.0
        } else {
            ok.get(k).copied().unwrap_or(0) as f64 / total as f64
        }
    };
    let summary = format!(
        "precision {precision:.3} recall {recall:.3} (tp {tp} fp {fp} fn {fneg}); {}",
        ATTRS
            .iter()
            .enumerate()
            .map(|(k, a)| format!(
                "{a}={}/{} ({:.3})",
                ok.get(k).copied().unwrap_or(0),
                n.get(k).copied().unwrap_or(0),
                rate(k)
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("{summary}");
    let mut failures = Vec::new();
    if recall < 0.98 {
        failures.push("recall < 0.98".to_string());
    }
    if precision < 0.98 {
        failures.push("precision < 0.98".to_string());
    }
    for (k, attr) in ATTRS.iter().enumerate() {
        let bar = if *attr == "period.text" { 0.90 } else { 0.95 };
        if rate(k) < bar {
            failures.push(format!("{attr} {:.3} < {bar}", rate(k)));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n{summary}\n\nper-page errors:\n{report}",
        failures.join(", ")
    );
}

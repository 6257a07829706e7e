//! One statistic per fact: a figure restated in the headline or in a
//! sub-heading is dropped in favour of the body sentence that states it.

use crate::model::Statistic;

fn same_fact(a: &Statistic, b: &Statistic) -> bool {
    let close =
        a.value == b.value || (a.value - b.value).abs() <= 1e-9 * a.value.abs().max(b.value.abs());
    close && a.unit == b.unit
}

/// Removes restatements. `heading[i]` tells whether statistic `i` sits in a
/// short line without sentence punctuation (a sub-heading).
pub fn dedup(body: Vec<Statistic>, heading: &[bool], title: Vec<Statistic>) -> Vec<Statistic> {
    let mut keep = vec![true; body.len()];
    for i in 0..body.len() {
        if !heading.get(i).copied().unwrap_or(false) {
            continue;
        }
        let Some(a) = body.get(i) else { continue };
        let dup = body.iter().enumerate().any(|(j, b)| {
            j != i
                && !heading.get(j).copied().unwrap_or(false)
                && same_fact(a, b)
                && a.metric == b.metric
        });
        if dup && let Some(k) = keep.get_mut(i) {
            *k = false;
        }
    }
    // Money said twice in the body with the same metric and approximation
    // (`騙款達逾120萬元` … `損失120多萬元`) is one fact.
    for i in 0..body.len() {
        for j in 0..i {
            if let (Some(a), Some(b)) = (body.get(i), body.get(j))
                && keep.get(j) == Some(&true)
                && keep.get(i) == Some(&true)
                && a.kind == "money"
                && same_fact(a, b)
                && a.metric == b.metric
                && a.approx == b.approx
                && a.currency == b.currency
                && let Some(k) = keep.get_mut(i)
            {
                *k = false;
            }
        }
    }
    // The same count said again in another sentence (a summary paragraph
    // and its detail). Small numbers repeat by chance, so only from 10 up.
    for i in 0..body.len() {
        for j in 0..i {
            if let (Some(a), Some(b)) = (body.get(i), body.get(j))
                && keep.get(j) == Some(&true)
                && keep.get(i) == Some(&true)
                && a.value >= 10.0
                && a.sentence != b.sentence
                && a.kind == b.kind
                && same_fact(a, b)
                && a.metric == b.metric
                && let Some(k) = keep.get_mut(i)
            {
                *k = false;
            }
        }
    }
    let mut out: Vec<Statistic> = body
        .into_iter()
        .zip(keep)
        .filter_map(|(s, k)| k.then_some(s))
        .collect();
    for t in title {
        if !out.iter().any(|b| same_fact(&t, b)) {
            out.push(t);
        }
    }
    out
}

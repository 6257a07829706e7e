//! One statistic per fact: a figure restated in the headline or in a
//! sub-heading is dropped in favour of the body sentence that states it.

use crate::budget::{Budget, Meter};
use crate::model::Kind;
use crate::model::Statistic;

fn same_fact(a: &Statistic, b: &Statistic) -> bool {
    let close =
        a.value == b.value || (a.value - b.value).abs() <= 1e-9 * a.value.abs().max(b.value.abs());
    close && a.unit == b.unit
}

/// The same sentence met again further on: a page that repeats a paragraph
/// (a lead printed twice, a reprint glued to its original).
fn repeated(a: &Statistic, b: &Statistic) -> bool {
    a.sentence == b.sentence && a.span[0].abs_diff(b.span[0]) >= a.sentence.chars().count()
}

/// Whether two mentions of one count may be one fact. Small round counts
/// (`60多起`, `200余个`) recur by chance in a story: they must count the
/// same thing (one subject holds the other). Exact counts from 100 up are
/// one fact even where the two sentences' verbs lead to two metrics
/// (`接获…当中209宗为真实骗案` in the lead and in the body).
fn same_count(a: &Statistic, b: &Statistic) -> bool {
    let round = a.approx.is_some() || b.approx.is_some();
    let subjects = a.subject.is_empty()
        || b.subject.is_empty()
        || a.subject.contains(b.subject.as_str())
        || b.subject.contains(a.subject.as_str());
    if round && a.value < 1000.0 && !subjects {
        return false;
    }
    a.metric == b.metric || a.kind == Kind::Count && !round && a.value >= 100.0
}

/// Removes restatements. `heading[i]` tells whether statistic `i` sits in a
/// short line without sentence punctuation (a sub-heading).
pub fn dedup(body: Vec<Statistic>, heading: &[bool], title: Vec<Statistic>) -> Vec<Statistic> {
    dedup_within(body, heading, title, &mut Meter::new(&Budget::unlimited()))
}

/// [`dedup`] that stops merging when the meter runs out: the statistics
/// not yet compared are all kept. The pairwise passes cost the square of
/// the figures, which `max_figures` bounds.
pub fn dedup_within(
    mut body: Vec<Statistic>,
    heading: &[bool],
    title: Vec<Statistic>,
    meter: &mut Meter<'_>,
) -> Vec<Statistic> {
    let mut keep = vec![true; body.len()];
    // Every pass below compares each statistic with those before it.
    let mut out_of_time = |i: usize| meter.add(i + 1);
    drop_restating_headings(&body, heading, &mut keep, &mut out_of_time);
    // A repeated sentence says each of its figures again, small ones too,
    // so a later copy goes even where an earlier pass dropped it already.
    merge_pairs(
        &mut body,
        &mut keep,
        &mut out_of_time,
        false,
        repeated_sentence,
    );
    for rule in [
        money_said_twice,
        count_said_again,
        change_restated,
        money_kept_twice,
    ] {
        merge_pairs(&mut body, &mut keep, &mut out_of_time, true, rule);
    }
    let out: Vec<Statistic> = body
        .into_iter()
        .zip(keep)
        .filter_map(|(s, k)| k.then_some(s))
        .collect();
    add_title(out, title)
}

/// A heading restates its body in other words, and the two wordings may
/// lead to two metrics (`去年起诉…4万人` over `共起诉…4万人`).
fn drop_restating_headings(
    body: &[Statistic],
    heading: &[bool],
    keep: &mut [bool],
    out_of_time: &mut impl FnMut(usize) -> bool,
) {
    let is_heading = |i: usize| heading.get(i).copied().unwrap_or(false);
    for (i, a) in body.iter().enumerate() {
        if out_of_time(i) {
            break;
        }
        if !is_heading(i) {
            continue;
        }
        let dup = body.iter().enumerate().any(|(j, b)| {
            j != i && !is_heading(j) && same_fact(a, b) && (a.metric == b.metric || a.value >= 10.0)
        });
        if dup && let Some(k) = keep.get_mut(i) {
            *k = false;
        }
    }
}

/// What a pairwise rule makes of a later statistic and an earlier one.
enum Dropped {
    /// The later one restates the earlier.
    Later,
    /// The earlier one is a run-in heading of the later.
    Earlier,
    /// The later one restates the earlier, and names the metric the earlier
    /// one lacked.
    LaterNamingEarlier,
}

/// Applies `rule` to every pair (later `i`, earlier `j`) whose earlier one
/// is kept (and the later one too, with `both_kept`).
fn merge_pairs(
    body: &mut [Statistic],
    keep: &mut [bool],
    out_of_time: &mut impl FnMut(usize) -> bool,
    both_kept: bool,
    rule: fn(&Statistic, &Statistic) -> Option<Dropped>,
) {
    for i in 0..body.len() {
        if out_of_time(i) {
            break;
        }
        for j in 0..i {
            let kept = |k: usize| keep.get(k) == Some(&true);
            if !kept(j) || (both_kept && !kept(i)) {
                continue;
            }
            let (Some(a), Some(b)) = (body.get(i), body.get(j)) else {
                continue;
            };
            let (drop, kept, metric) = match rule(a, b) {
                None => continue,
                Some(Dropped::Later) => (i, j, None),
                Some(Dropped::Earlier) => (j, i, None),
                Some(Dropped::LaterNamingEarlier) => (i, j, Some(a.metric.clone())),
            };
            if let Some(k) = keep.get_mut(drop) {
                *k = false;
            }
            // A headline restated as the body's first line has no time
            // phrase; the sentence that says the figure again in full
            // (`于2025年3月17日至28日展开行动，逮捕34人`) does: the fact
            // kept takes the period its restatement names. So does a lead
            // with a vague phrase (`开展…工作7个月以来`) restated with a
            // resolved one (`截至5月底`).
            let period = body.get(drop).map(|d| d.period.clone());
            // A relative phrase (`去年`) left open for want of a publication
            // date still says which period it is: it stays.
            let resolved = |p: &crate::model::Period| p.from.is_some() || p.to.is_some();
            let relative = |p: &crate::model::Period| {
                p.text
                    .as_deref()
                    .is_some_and(|t| t.contains(['今', '去', '前', '上', '本', '昨', '明']))
            };
            if let Some(period) = period
                && period.text.is_some()
                && let Some(k) = body.get_mut(kept)
                && (k.period.text.is_none()
                    || (!resolved(&k.period) && !relative(&k.period) && resolved(&period)))
            {
                k.period = period;
            }
            if let Some(metric) = metric
                && let Some(b) = body.get_mut(j)
                && b.metric == "other"
            {
                b.metric = metric;
            }
        }
    }
}

fn repeated_sentence(a: &Statistic, b: &Statistic) -> Option<Dropped> {
    (same_fact(a, b) && repeated(a, b) && a.kind == b.kind).then_some(Dropped::Later)
}

/// Money said twice in the body with the same metric and approximation
/// (`騙款達逾120萬元` … `損失120多萬元`) is one fact.
fn money_said_twice(a: &Statistic, b: &Statistic) -> Option<Dropped> {
    (a.kind == Kind::Money
        && same_fact(a, b)
        && a.metric == b.metric
        && a.approx == b.approx
        && a.direction == b.direction
        && a.currency == b.currency)
        .then_some(Dropped::Later)
}

/// The same count said again in another sentence (a summary paragraph and
/// its detail). Small numbers repeat by chance, so only from 10 up.
fn count_said_again(a: &Statistic, b: &Statistic) -> Option<Dropped> {
    let same = a.value >= 10.0
        && same_fact(a, b)
        // an inline sub-heading run into its paragraph (`首3季拘4552人…
        // 葉雲龍表示…共拘捕了4,552人`) shares the sentence; a large count
        // said twice there is still one fact
        && (a.sentence != b.sentence || a.value >= 100.0)
        && a.kind == b.kind
        // a fall and a rise of the same size are two facts
        && a.direction == b.direction
        && same_count(a, b);
    // in one sentence the earlier mention is the run-in heading
    same.then_some(if a.sentence == b.sentence {
        Dropped::Earlier
    } else {
        Dropped::Later
    })
}

/// A change or an amount restated in a later sentence, once with a metric
/// and once without one (`微升了0.1%` … `微升0.1%(+22宗)`,
/// `对295笔、2384.91万元…返还` in the lead and in the last line): the
/// statement that names what changed says what it is.
fn change_restated(a: &Statistic, b: &Statistic) -> Option<Dropped> {
    (matches!(a.kind, Kind::Change | Kind::Money)
        && a.kind == b.kind
        && same_fact(a, b)
        && a.sentence != b.sentence
        && a.direction == b.direction
        && a.direction.is_some() == (a.kind == Kind::Change)
        && a.approx == b.approx
        && a.currency == b.currency
        && (a.metric == b.metric || a.metric == "other" || b.metric == "other"))
        .then_some(Dropped::LaterNamingEarlier)
}

/// Money kept from the victims said twice in one story (`成功拦截18.8万元`
/// … `为群众挽回18.8万元经济损失`) is one sum, whichever verb says it.
fn money_kept_twice(a: &Statistic, b: &Statistic) -> Option<Dropped> {
    const SAVED: [&str; 3] = ["funds_stopped", "funds_returned", "losses_avoided"];
    (a.kind == Kind::Money
        && b.kind == Kind::Money
        && same_fact(a, b)
        && a.sentence != b.sentence
        && SAVED.contains(&a.metric.as_str())
        && SAVED.contains(&b.metric.as_str())
        && a.approx == b.approx
        && a.currency == b.currency
        && a.direction.is_none()
        && b.direction.is_none())
    .then_some(Dropped::Later)
}

/// Adds the figures of the title that the body does not state.
fn add_title(mut out: Vec<Statistic>, title: Vec<Statistic>) -> Vec<Statistic> {
    // Body values in order, so that each title figure is compared only with
    // the body figures of nearly its value.
    let mut values: Vec<(f64, usize)> = out.iter().enumerate().map(|(k, b)| (b.value, k)).collect();
    values.sort_by(|x, y| x.0.total_cmp(&y.0));
    let body_len = out.len();
    for t in title {
        let restated = if t.value.is_finite() {
            // Values within `same_fact`'s tolerance of `t` lie within this.
            let tol = 2e-9 * t.value.abs();
            let lo = values.partition_point(|x| x.0 < t.value - tol);
            values
                .get(lo..)
                .unwrap_or_default()
                .iter()
                .take_while(|x| x.0 <= t.value + tol)
                .any(|&(_, k)| out.get(k).is_some_and(|b| same_fact(&t, b)))
        } else {
            out.iter().take(body_len).any(|b| same_fact(&t, b))
        };
        // Title figures are compared with one another too, as before.
        let restated = restated
            || out
                .get(body_len..)
                .unwrap_or_default()
                .iter()
                .any(|b| same_fact(&t, b));
        if !restated {
            out.push(t);
        }
    }
    out
}

//! Which taxonomy metric a figure reports, and what it counts.
//!
//! The metric comes from the nearest governing verb before the figure in
//! its clause (or in earlier clauses when the figure continues a list),
//! checked against the nouns between that verb and the figure; failing a
//! verb, from nouns alone; failing those, a change or a comparison takes
//! the metric of the figure it modifies. A topic clause (`资金止付方面,`,
//! `在资金拦截上,`) governs the clauses after it; a verb after the figure
//! governs it in the passive (`被冻结`), after 将/把/对, or where it
//! qualifies the money noun after an amount (`万元涉诈返还资金`); items
//! listed before 分别 give their metrics to the figures after it in order
//! (a run of changes joined by `和`/`、` is such a list without 分别).
//! Acts the taxonomy does not count (逮捕, 起诉, 查询 …) are verbs of an
//! `other` rule, so they govern as any verb; fraud-only rules give way to
//! `other` when the noun phrase names another crime and no fraud word.

use super::candidate::Figure;
use super::change::{rate_of_change, split_list};
use super::lexicon::{Lexicon, MetricRule};
use super::sentence::{Segments, clause_end, clause_start};
use crate::budget::Meter;
use crate::model::Kind;
use crate::text::chars::is_han;

fn kind_fits(rule: &MetricRule, f: &Figure) -> bool {
    let k = f.kind.as_str();
    let kind_ok = rule.kinds.iter().any(|x| x == k)
        || (f.kind == Kind::Change && rule.kinds.iter().any(|x| x == "count" || x == "money"));
    let unit_ok = rule.units.is_empty() || rule.units.contains(&f.unit) || f.kind == Kind::Change;
    kind_ok && unit_ok
}

struct Ctx {
    sent_start: usize,
    send: usize,
    clo: usize,
    cend: usize,
    wlo: usize,
    /// End of the figure's own list item after it: nouns and verbs past a
    /// `、` or an opening bracket belong to the next item (`…下跌9.1%、
    /// 家庭暴力刑事案件…`, `220人(其中抓获网上逃犯90人)`).
    nend: usize,
    /// The nearest earlier clause of the sentence that names a topic
    /// (`资金止付方面,`, `在资金拦截上,`): it governs the clauses after it.
    topic: Option<(usize, usize)>,
}

fn context(lex: &Lexicon, s: &[char], seg: &Segments, figs: &[Figure], i: usize) -> Option<Ctx> {
    let f = figs.get(i)?;
    let sent = seg.sentences.get(seg.sentence_of(f.num_start)?)?;
    let clo = clause_start(s, f.start, sent.start);
    let cend = clause_end(s, f.end, sent.end);
    let wlo = i
        .checked_sub(1)
        .and_then(|j| figs.get(j))
        .filter(|g| g.end <= f.start && g.end >= sent.start)
        .map(|g| g.end.max(clo))
        .unwrap_or(clo);
    let nend = (f.end..cend)
        .find(|&j| matches!(s.get(j), Some('、' | '(' | '（')))
        .unwrap_or(cend);
    Some(Ctx {
        sent_start: sent.start,
        send: sent.end,
        clo,
        cend,
        wlo,
        nend,
        topic: topic_before(lex, s, sent.start, clo),
    })
}

/// The nearest clause of `[sent_start, clo)` that names a topic. Bounded by
/// the sentence, as the verb search is.
fn topic_before(
    lex: &Lexicon,
    s: &[char],
    sent_start: usize,
    clo: usize,
) -> Option<(usize, usize)> {
    let mut j = clo;
    while j > sent_start + 1 {
        let b = j - 1;
        let a = clause_start(s, b, sent_start);
        if lex.topic_endings.ending_at(s, b).is_some()
            || (lex.framed_topic_openers.at(s, a).is_some()
                && lex.framed_topic_endings.ending_at(s, b).is_some())
        {
            return Some((a, b));
        }
        j = a;
    }
    None
}

/// Whether the figure's counting word stands in for the rule's noun
/// (`刑拘222人`, `冻结3000万元`).
fn unit_is_noun(rule: &MetricRule, f: &Figure) -> bool {
    rule.unit_noun && matches!(f.kind, Kind::Count | Kind::Money) && rule.units.contains(&f.unit)
}

/// Whether the words of `spans` put the figure out of a fraud-only rule's
/// scope: they name another crime (`毒品犯罪案件`, `涉枪爆案件`) or crime at
/// large (`犯罪案件`) and no fraud word qualifies it (`电信网络诈骗等新型侵财
/// 犯罪案件` stays in).
fn out_of_scope(lex: &Lexicon, rule: &MetricRule, s: &[char], spans: &[(usize, usize)]) -> bool {
    if !rule.fraud_scope && rule.scope_nouns.is_empty() {
        return false;
    }
    let names_other = spans.iter().any(|&(a, b)| {
        (rule.fraud_scope && lex.other_crime.find(s, a, b).is_some())
            || rule.scope_nouns.find(s, a, b).is_some()
    });
    names_other
        && !spans
            .iter()
            .any(|&(a, b)| lex.fraud_words.find(s, a, b).is_some())
}

/// Whether the verb at `vp` sits in the figure's topic clause and the topic
/// names what the rule counts.
fn topic_fits(s: &[char], rule: &MetricRule, f: &Figure, vp: usize, c: &Ctx) -> bool {
    c.topic.is_some_and(|(a, b)| {
        (a..b).contains(&vp)
            && (rule.nouns.is_empty()
                || rule.nouns.find(s, a, b).is_some()
                || unit_is_noun(rule, f))
    })
}

/// The span after the figure where a verb governs it: the rest of the
/// clause after 将/把 (`将3000万元依法冻结`), or the few characters right
/// after a passive marker (`1200万元资金被成功冻结`).
fn passive_span(lex: &Lexicon, s: &[char], f: &Figure, c: &Ctx) -> Option<(usize, usize)> {
    if lex.ba.rfind(s, c.wlo, f.start).is_some() {
        return Some((f.end, c.nend));
    }
    let (pp, pl) = match lex.passive.find(s, f.end, c.cend) {
        Some(p) => p,
        // `1178名犯罪嫌疑人,被公安机关押解回国`: the passive opens the next
        // clause, when the figure's own has no verb.
        None if lex.all_verbs.find(s, c.clo, c.cend).is_none() => {
            let lo = c.cend + 1;
            lex.passive.find(s, lo, (lo + 3).min(c.send))?
        }
        None => return None,
    };
    let lo = pp + pl;
    let hi = clause_end(s, lo, (lo + lex.passive_reach).min(c.send));
    Some((lo, hi))
}

/// Distance of a verb of `rule` after the figure that governs it: one the
/// rule allows after its figure (`2620名…遣返回国`), one in the passive, or
/// one that qualifies the money noun right after an amount (`94.88万元涉诈
/// 返还资金`).
fn verb_after(
    lex: &Lexicon,
    rule: &MetricRule,
    s: &[char],
    f: &Figure,
    c: &Ctx,
    passive: Option<(usize, usize)>,
) -> Option<usize> {
    let found = if rule.after {
        rule.verbs.find(s, f.end, c.nend)
    } else {
        None
    };
    let modifier = || {
        let hi = (f.end + lex.passive_reach / 2).min(c.cend);
        rule.verbs.find(s, f.end, hi).filter(|&(vp, vl)| {
            f.kind == Kind::Money && lex.money_nouns_after.at(s, vp + vl).is_some()
        })
    };
    let in_passive = passive.and_then(|(lo, hi)| rule.verbs.find(s, lo, hi));
    let (vp, _) = found.or(in_passive).or_else(modifier)?;
    // `该团伙19人已被警方依法刑事拘留`: people the passive acts on are its
    // noun, whatever names them.
    let passive_people = in_passive.is_some_and(|(p, _)| p == vp) && unit_is_noun(rule, f);
    let noun_ok = rule.nouns.is_empty()
        || rule.nouns.find(s, f.end, vp).is_some()
        || rule.nouns.rfind(s, c.wlo, f.start).is_some()
        || (!rule.after && unit_is_noun(rule, f))
        || passive_people;
    let in_scope = !out_of_scope(lex, rule, s, &[(c.wlo, f.start), (f.end, vp)]);
    (noun_ok && in_scope).then(|| vp - f.end + 4)
}

/// Best rule with a verb: `(rule index, distance, subject start)`.
fn by_verb(
    lex: &Lexicon,
    s: &[char],
    f: &Figure,
    c: &Ctx,
    prev: Option<&Figure>,
) -> Option<(usize, usize, usize)> {
    let prev_end = prev.map(|g| g.end);
    // An earlier figure in the same counting word that no metric claimed
    // (`接获18,515宗求助,当中209宗…`) shows that a verb before it does not
    // run through the list.
    let prev_unclaimed = prev.is_some_and(|g| g.metric == "other" && g.unit == f.unit);
    // A change is governed from its own clause only (`实现发案同比下降22%`
    // must not reach back to 破获); a count may continue a list.
    // A verb of its own after the figure (`有卅人拿回…`) closes the list too.
    let verb_lo = if f.kind == Kind::Change || lex.all_verbs.rfind(s, c.clo, c.cend).is_some() {
        c.clo
    } else {
        c.sent_start
    };
    let passive = passive_span(lex, s, f, c);
    let mut best: Option<(usize, usize, usize)> = None;
    let mut best_vp = usize::MAX;
    for (ri, rule) in lex.metrics.iter().enumerate() {
        if rule.verbs.is_empty() || !kind_fits(rule, f) {
            continue;
        }
        // The nearest occurrence of the rule's verbs whose noun fits.
        let mut hi = f.start;
        while let Some((vp, vl)) = rule.verbs.rfind(s, verb_lo, hi) {
            hi = vp + vl - 1;
            let ve = vp + vl;
            let nlo = match prev_end {
                Some(pe) if pe > ve => pe,
                _ => ve,
            };
            // A counting word the rule names (`刑拘222人`) is noun enough
            // when the verb is in the figure's own clause.
            let noun_ok = rule.nouns.is_empty()
                || rule.nouns.rfind(s, nlo, f.start).is_some()
                || rule.nouns.find(s, f.end, c.nend).is_some()
                || (vp >= c.clo && unit_is_noun(rule, f))
                // `查获诈欺集团84个,计1,024人`: a list item with nothing
                // but its counting word.
                || (prev_end.is_some_and(|pe| pe > ve)
                    && unit_is_noun(rule, f)
                    && trim_subject(lex, s, nlo, f.start).is_empty())
                || topic_fits(s, rule, f, vp, c);
            // A verb beyond an earlier figure governs this one only through a
            // list with no verb of its own.
            let crosses = prev_end.is_some_and(|pe| pe > ve)
                && lex
                    .all_verbs
                    .rfind(s, prev_end.unwrap_or(0), f.start)
                    .is_some();
            if crosses || (prev_unclaimed && prev_end.is_some_and(|pe| pe > ve)) {
                break;
            }
            // A verb that means this metric only for some actor (`警方…逮捕`).
            let unsubjected =
                !rule.subjects.is_empty() && rule.subjects.rfind(s, c.sent_start, vp).is_none();
            let excluded = unsubjected
                || rule.not_nouns.rfind(s, nlo, f.start).is_some()
                || rule.not_nouns.find(s, f.end, c.nend).is_some()
                || (f.kind == Kind::Change && rule.not_after_noun.find(s, nlo, f.start).is_some())
                // The verb's own subject counts too (`勒索案录得1542宗`).
                || out_of_scope(lex, rule, s, &[(nlo, f.start), (f.end, c.nend), (c.wlo, vp)]);
            if noun_ok && !excluded {
                // A verb from an earlier clause governs less closely than
                // one in the figure's own clause, even one after it.
                let d = f.start - ve + if vp < c.clo { 12 } else { 0 };
                // On a tie the longer verb wins: `返还冻结资金` returns money,
                // `劝阻拦截金额` spares it; the 冻结 or 拦截 inside only
                // qualifies the noun.
                if best.is_none_or(|(_, bd, _)| d < bd)
                    || (best.is_some_and(|(_, bd, _)| d == bd) && vp < best_vp)
                {
                    best = Some((ri, d, nlo));
                    best_vp = vp;
                }
                break;
            }
        }
        if let Some(d) = verb_after(lex, rule, s, f, c, passive)
            && best.is_none_or(|(_, bd, _)| d < bd)
        {
            best = Some((ri, d, c.wlo));
        }
    }
    best
}

/// Where [`by_noun`] looks: `[lo, hi)` before the figure, `[f.end,
/// after_hi)` after it, and the topic clause that governs it.
struct Look {
    lo: usize,
    hi: usize,
    after_hi: usize,
    topic: Option<(usize, usize)>,
}

/// Best rule on nouns alone.
fn by_noun(lex: &Lexicon, s: &[char], f: &Figure, look: &Look, fallback: bool) -> Option<usize> {
    let (lo, hi, after_hi) = (look.lo, look.hi, look.after_hi);
    let (ta, tb) = look.topic.unwrap_or((lo, lo));
    let mut best: Option<(usize, usize)> = None;
    for (ri, rule) in lex.metrics.iter().enumerate() {
        if !rule.verbs.is_empty() || !kind_fits(rule, f) {
            continue;
        }
        // `拦阻诈欺件数部分,…则有149件`: the topic rules a metric out too.
        if rule.not_nouns.rfind(s, lo, hi).is_some()
            || rule.not_nouns.find(s, f.end, after_hi).is_some()
            || rule.not_nouns.find(s, ta, tb).is_some()
        {
            continue;
        }
        if out_of_scope(lex, rule, s, &[(lo, hi), (f.end, after_hi), (ta, tb)]) {
            continue;
        }
        let d = if let Some((np, nl)) = rule.nouns.rfind(s, lo, hi) {
            if rule.not_after_noun.find(s, np + nl, hi).is_some() {
                continue;
            }
            Some(hi - (np + nl))
        } else if let Some((np, _)) = rule.nouns.find(s, f.end, after_hi) {
            Some(np - f.end + 8)
        } else if fallback && rule.fallback && f.kind == Kind::Count && rule.units.contains(&f.unit)
        {
            // Counted in the rule's units with nothing else said (`有1.14万宗`).
            Some(usize::MAX / 2)
        } else {
            None
        };
        if let Some(d) = d
            && best.is_none_or(|(_, bd)| d < bd)
        {
            best = Some((ri, d));
        }
    }
    best.map(|(r, _)| r)
}

/// Metric of a noun phrase on its own (`发案数`, `刑事破案数`).
fn of_phrase(lex: &Lexicon, s: &[char], a: usize, b: usize, f: &Figure) -> Option<String> {
    // A verb and noun inside the phrase.
    for rule in &lex.metrics {
        if rule.verbs.is_empty() || !kind_fits(rule, f) {
            continue;
        }
        if let Some((vp, vl)) = rule.verbs.find(s, a, b)
            && (rule.nouns.is_empty()
                || rule.nouns.find(s, vp + vl, b).is_some()
                || unit_is_noun(rule, f))
            && !out_of_scope(lex, rule, s, &[(vp + vl, b)])
        {
            return Some(rule.id.clone());
        }
    }
    let mut probe = f.clone();
    probe.end = b;
    let look = Look {
        lo: a,
        hi: b,
        after_hi: b,
        topic: None,
    };
    by_noun(lex, s, &probe, &look, false)
        .and_then(|r| lex.metrics.get(r))
        .map(|r| r.id.clone())
}

fn trim_subject(lex: &Lexicon, s: &[char], mut a: usize, mut b: usize) -> String {
    let fillers = [
        '共', '计', '累', '了', '达', '为', '是', '有', '约', '近', '超', '逾', '总', '合', '的',
        '“', '”', '，', ',', '、', ' ',
    ];
    while a < b && s.get(a).is_some_and(|c| fillers.contains(c)) {
        a += 1;
    }
    while b > a && s.get(b - 1).is_some_and(|c| fillers.contains(c)) {
        b -= 1;
    }
    let _ = lex;
    s.get(a..b).map(|w| w.iter().collect()).unwrap_or_default()
}

/// A figure in a list after 分别, given the metric of its place in the list:
/// changes take the nouns listed in their own clause (`破获电诈案件、抓获
/// 犯罪嫌疑人同比分别上升39%和81%`), else the earlier figures' metrics in
/// order (`破获案件…,抓获…,分别同比上升13.5%、2.28%`); counts and money
/// take the nouns or verbs listed before 分别 (`止付、冻结涉案资金分别为
/// 2.1亿元、1.3亿元`) when those name a metric. A run of changes joined by
/// list separators (`…同比上升5.06%和13.71%`) is such a list without 分别.
fn respectively(
    lex: &Lexicon,
    s: &[char],
    figs: &[Figure],
    out: &[Figure],
    i: usize,
    f: &Figure,
    c: &Ctx,
) -> Option<Figure> {
    let (rp, rl) = lex
        .respectively
        .rfind(s, c.clo, f.start)
        .or_else(|| change_run_start(lex, s, figs, i, c))?;
    let in_group = |g: &Figure| {
        g.start >= rp + rl && g.end <= c.cend.max(f.end) && g.kind == f.kind && g.start >= c.clo
    };
    // The list's figures sit next to this one: walk out from it, not over
    // every figure of the page.
    let before = (0..i)
        .rev()
        .take_while(|&j| figs.get(j).is_some_and(|g| g.start >= rp + rl))
        .filter(|&j| figs.get(j).is_some_and(in_group))
        .count();
    let after = (i + 1..figs.len())
        .take_while(|&j| figs.get(j).is_some_and(|g| g.start < c.cend.max(f.end)))
        .filter(|&j| figs.get(j).is_some_and(in_group))
        .count();
    let (k, pos) = (before + 1 + after, before);
    if k < 2 {
        return None;
    }
    let hi = strip_change_words(lex, s, c.clo, rp);
    if f.kind == Kind::Change {
        // Nouns of the clause's own come first: earlier figures of the
        // sentence may count other things.
        if names_own_subject(lex, s, c.clo, hi)
            && let Some(g) = by_listed_nouns(lex, s, f, c, hi, (k, pos), false)
        {
            return Some(g);
        }
        let earlier: Vec<&Figure> = out
            .iter()
            .rev()
            .take_while(|g| g.start >= c.sent_start)
            .filter(|g| g.end <= c.clo && matches!(g.kind, Kind::Count | Kind::Money))
            .collect();
        // `earlier` runs backwards: the list's first change takes the
        // k-th figure back.
        let mut f = f.clone();
        if let Some(t) = earlier.get(k - 1 - pos).filter(|_| earlier.len() >= k) {
            f.metric = t.metric.clone();
            f.subject = t.subject.clone();
            return Some(f);
        }
        if let Some(t) = repeated_list(lex, s, out, c, k, pos).or_else(|| {
            baselines_only(lex, s, c, rp)
                .then(|| earlier.first().copied())
                .flatten()
        }) {
            f.metric = t.metric.clone();
            f.subject = t.subject.clone();
            return Some(f);
        }
    }
    by_listed_nouns(lex, s, f, c, hi, (k, pos), true)
}

/// `hi` moved back over the change words and fillers that end a list of
/// nouns (`…嫌疑人数同比上升`).
fn strip_change_words(lex: &Lexicon, s: &[char], lo: usize, mut hi: usize) -> usize {
    while hi > lo
        && let Some(len) = lex
            .change_markers
            .ending_at(s, hi)
            .or_else(|| lex.up.ending_at(s, hi))
            .or_else(|| lex.down.ending_at(s, hi))
            .or_else(|| lex.modifier_fill.ending_at(s, hi))
    {
        hi -= len.min(hi - lo);
    }
    hi
}

/// Start of a run of changes in the figure's clause joined only by list
/// separators (`5.06%和13.71%`), when the figure is in one.
fn change_run_start(
    lex: &Lexicon,
    s: &[char],
    figs: &[Figure],
    i: usize,
    c: &Ctx,
) -> Option<(usize, usize)> {
    let f = figs.get(i)?;
    if f.kind != Kind::Change {
        return None;
    }
    let joined = |a: &Figure, b: &Figure| {
        a.end <= b.start
            && a.kind == Kind::Change
            && b.kind == Kind::Change
            && s.get(a.end..b.start).is_some_and(|w| {
                let w: Vec<char> = w.iter().copied().filter(|ch| !ch.is_whitespace()).collect();
                lex.list_separators.contains(&w)
            })
    };
    let mut first = i;
    while first > 0
        && let (Some(a), Some(b)) = (figs.get(first - 1), figs.get(first))
        && a.start >= c.clo
        && joined(a, b)
    {
        first -= 1;
    }
    let next_joined = figs
        .get(i + 1)
        .is_some_and(|b| b.end <= c.cend && joined(f, b));
    (first < i || next_joined).then(|| figs.get(first).map(|g| (g.start, 0)))?
}

/// The figure given the metric of the `pos`-th of `k` nouns listed before
/// `hi` in its clause (or, with `prev_clause`, closing the clause before:
/// `立案数和经济损失数,同比分别下降5.7%和4.3%`). A count or an amount keeps
/// its own reading unless the list names its metric.
fn by_listed_nouns(
    lex: &Lexicon,
    s: &[char],
    f: &Figure,
    c: &Ctx,
    hi: usize,
    (k, pos): (usize, usize),
    prev_clause: bool,
) -> Option<Figure> {
    let mut parts = split_list(lex, s, c.clo, hi);
    if prev_clause && parts.is_empty() && c.clo > c.sent_start + 1 {
        let end = c.clo - 1;
        let start = clause_start(s, end, c.sent_start);
        parts = split_list(lex, s, start, end);
    }
    let &(a, b) = parts.get(pos).filter(|_| parts.len() == k)?;
    let mut f = f.clone();
    match f.kind {
        Kind::Change | Kind::Percent => {
            let last = parts.last().copied().unwrap_or((a, b));
            f.metric = of_phrase(lex, s, a, b, &f)
                .or_else(|| of_phrase(lex, s, last.0, last.1, &f))
                .filter(|_| f.kind == Kind::Change)
                .unwrap_or_else(|| "other".into());
        }
        _ => f.metric = of_phrase(lex, s, a, b, &f)?,
    }
    f.subject = trim_subject(lex, s, a, b);
    Some(f)
}

/// `发案率、损失率同比分别下降54%、45%,环比分别下降59%、56%`: a list of
/// changes with no nouns of its own, right after a list of as many changes,
/// repeats that list's subjects in order.
fn repeated_list<'a>(
    lex: &Lexicon,
    s: &[char],
    out: &'a [Figure],
    c: &Ctx,
    k: usize,
    pos: usize,
) -> Option<&'a Figure> {
    if c.clo <= c.sent_start + 1 {
        return None;
    }
    let own_lo = lex
        .respectively
        .rfind(s, c.clo, c.cend)
        .map_or(c.clo, |(p, _)| p);
    if names_own_subject(lex, s, c.clo, own_lo) {
        return None;
    }
    let prev_lo = clause_start(s, c.clo - 1, c.sent_start);
    lex.respectively.find(s, prev_lo, c.clo)?;
    let prev: Vec<&Figure> = out
        .iter()
        .rev()
        .take_while(|g| g.start >= prev_lo)
        .filter(|g| g.kind == Kind::Change && g.end <= c.clo)
        .collect();
    // `prev` runs backwards.
    (prev.len() == k)
        .then(|| prev.get(k - 1 - pos).copied())
        .flatten()
}

/// `3548宗,比2023年与2019年同期分别上升18%及5.5%`: the words before 分别
/// name only the times compared with, so every change is of the figure
/// before.
fn baselines_only(lex: &Lexicon, s: &[char], c: &Ctx, rp: usize) -> bool {
    rp > c.clo
        && lex.periods.comparison.find(s, c.clo, rp).is_some()
        && !names_own_subject(lex, s, c.clo, rp)
}

/// Whether the words of `[lo, hi)` name a subject of their own, beyond
/// change words, comparisons, fillers and dates (`较二〇二三年`).
fn names_own_subject(lex: &Lexicon, s: &[char], lo: usize, hi: usize) -> bool {
    let mut rest = 0;
    let mut j = lo;
    while j < hi {
        if let Some(len) = lex
            .up
            .at(s, j)
            .or_else(|| lex.down.at(s, j))
            .or_else(|| lex.change_markers.at(s, j))
            .or_else(|| lex.periods.comparison.at(s, j))
            .or_else(|| lex.modifier_fill.at(s, j))
        {
            j += len;
            continue;
        }
        if s.get(j).is_some_and(|c| {
            is_han(*c) && !"〇○零一二三四五六七八九十两年月日份季度前同期".contains(*c)
        }) {
            rest += 1;
        }
        j += 1;
    }
    rest >= 2
}

/// A figure no verb or noun names: a change, a comparison or a subset
/// takes the metric of the figure it modifies; failing that, nouns alone
/// or the counting word decide.
fn inherit(lex: &Lexicon, s: &[char], out: &[Figure], f: &mut Figure, c: &Ctx) {
    let window: String = s
        .get(c.wlo..f.start)
        .map(|w| w.iter().collect())
        .unwrap_or_default();
    let own_subject = names_own_subject(lex, s, c.wlo, f.start);
    // `(约新台币2.44兆元)`: a conversion of the figure before it.
    let paren = matches!(s.get(c.wlo), Some('(' | '（'));
    let no_verb = lex.all_verbs.rfind(s, c.clo, c.cend).is_none();
    let linked = paren
        || (!own_subject
            && (f.kind == Kind::Change
                || f.direction.is_some()
                || lex.subset.find(s, c.clo, f.start).is_some()
                || lex.comparison_words_in(&window)));
    // A breakdown in the same counting word with no verb of its
    // own (`…车手1516人次,…越南籍最多,达274人次`); a verb after the figure
    // (`向5000余名群众返还资金`) makes it the object of another act, and
    // a semicolon closes the list.
    let breakdown = f.kind == Kind::Count && no_verb;
    // Only the sentence's figures: stop at its start.
    let prev = out
        .iter()
        .rev()
        .take_while(|g| g.start >= c.sent_start)
        .find(|g| {
            g.end <= f.start
                && if f.kind == Kind::Change {
                    matches!(g.kind, Kind::Count | Kind::Money)
                } else {
                    g.unit == f.unit
                }
        });
    let prev_same_unit = prev.filter(|g| {
        g.unit == f.unit
            && !s
                .get(g.end..f.start)
                .is_some_and(|w| w.iter().any(|&ch| matches!(ch, ';' | '；')))
    });
    if let Some(g) = prev
        .filter(|_| linked)
        .or(prev_same_unit.filter(|_| breakdown))
    {
        f.metric = g.metric.clone();
        f.subject = g.subject.clone();
    } else {
        if let Some(m) = by_noun(lex, s, f, &c.look(f.start), true).and_then(|r| lex.metrics.get(r))
        {
            f.metric = m.id.clone();
        }
        f.subject = trim_subject(lex, s, c.wlo, f.start);
    }
}

/// Assigns metric and subject; returns the figures with list
/// distributions (`均`, `各`) expanded.
///
/// Stops when the meter runs out: only the figures done by then are returned.
pub fn assign(
    lex: &Lexicon,
    s: &[char],
    seg: &Segments,
    figs: Vec<Figure>,
    meter: &mut Meter<'_>,
) -> Vec<Figure> {
    let mut out: Vec<Figure> = Vec::with_capacity(figs.len());
    for i in 0..figs.len() {
        // Every metric rule looks back over the clause.
        if meter.add(256) {
            break;
        }
        let Some(f0) = figs.get(i) else { continue };
        let mut f = f0.clone();
        let Some(c) = context(lex, s, seg, &figs, i) else {
            out.push(f);
            continue;
        };
        let prev = out
            .last()
            .filter(|g| g.end <= f.start && g.end >= c.sent_start);

        // `分别同比上升13.5%、2.28%`, `止付、冻结资金分别为2.1亿元、1.3亿元`.
        if let Some(g) = respectively(lex, s, &figs, &out, i, &f, &c) {
            out.push(g);
            continue;
        }

        // `发案数和损失金额均下降30%`: one change for each noun.
        if f.kind == Kind::Change
            && let Some((ep, _)) = lex.each.rfind(s, c.wlo, f.start)
        {
            let parts = split_list(lex, s, c.clo, ep);
            if parts.len() > 1 {
                for &(a, b) in &parts {
                    let mut g = f.clone();
                    g.metric = of_phrase(lex, s, a, b, &f).unwrap_or_else(|| "other".into());
                    g.subject = trim_subject(lex, s, a, b);
                    out.push(g);
                }
                continue;
            }
        }

        // `为85宗个案冻结…`: the figure counts what another action was for.
        if f.kind == Kind::Count
            && lex.beneficiary.ending_at(s, f.start).is_some()
            && let Some((vp, _)) = lex.all_verbs.find(s, f.end, c.cend)
        {
            f.subject = trim_subject(lex, s, f.end, vp);
            out.push(f);
            continue;
        }

        // `民众欲将1300万元现金存入…`: an intended act is no result.
        if matches!(f.kind, Kind::Count | Kind::Money)
            && lex.intent.rfind(s, c.clo, f.start).is_some()
        {
            f.subject = trim_subject(lex, s, c.wlo, f.start);
            out.push(f);
            continue;
        }

        // A change of a rate (`破案率同比上升36%`) is no taxonomy count; a
        // rate of the change itself (`上升比率达41.4%`) is the change.
        let of_rate = f.kind == Kind::Change
            && lex
                .share
                .rfind(s, c.wlo, f.start)
                .is_some_and(|(sp, _)| !rate_of_change(lex, s, sp));
        let metric = if f.kind == Kind::Percent || of_rate {
            None
        } else {
            by_verb(lex, s, &f, &c, prev)
                .and_then(|(r, _, lo)| lex.metrics.get(r).map(|m| (m.id.clone(), lo)))
                .or_else(|| {
                    by_noun(lex, s, &f, &c.look(f.start), false)
                        .and_then(|r| lex.metrics.get(r).map(|m| (m.id.clone(), c.wlo)))
                })
        };
        match metric {
            Some((m, lo)) => {
                f.metric = m;
                f.subject = trim_subject(lex, s, lo, f.start);
            }
            None if f.kind != Kind::Percent && !of_rate => inherit(lex, s, &out, &mut f, &c),
            None => {
                f.subject = trim_subject(lex, s, c.wlo, f.start);
            }
        }
        if f.subject.is_empty() {
            f.subject = trim_subject(lex, s, f.end, c.cend);
        }

        // `三阳、湛郎各5起`: one count for each place.
        if matches!(f.kind, Kind::Count | Kind::Money)
            && let Some(len) = lex.each_count.ending_at(s, f.start)
        {
            let parts = split_list(lex, s, c.wlo, f.start - len);
            if parts.len() > 1 {
                for &(a, b) in &parts {
                    let mut g = f.clone();
                    g.subject = trim_subject(lex, s, a, b);
                    out.push(g);
                }
                continue;
            }
        }
        out.push(f);
    }
    breakdowns_by_sex(s, seg, &mut out);
    out
}

/// `27男12女`, `8男3女共11人被捕`: the men and women of a count take the
/// metric of the nearest count of people in their sentence, which they
/// break down.
fn breakdowns_by_sex(s: &[char], seg: &Segments, figs: &mut [Figure]) {
    let is_part = |f: &Figure| {
        f.kind == Kind::Count && f.unit.is_empty() && matches!(s.get(f.end), Some('男' | '女'))
    };
    for i in 0..figs.len() {
        let Some(f) = figs.get(i).filter(|f| is_part(f)) else {
            continue;
        };
        let sent = seg.sentence_of(f.start);
        let total = figs
            .iter()
            .filter(|g| {
                !is_part(g)
                    && g.kind == Kind::Count
                    && matches!(g.unit.as_str(), "人" | "名")
                    && g.metric != "other"
                    && seg.sentence_of(g.start) == sent
            })
            .min_by_key(|g| g.start.abs_diff(f.start))
            .map(|g| g.metric.clone());
        if let (Some(m), Some(f)) = (total, figs.get_mut(i)) {
            f.metric = m;
        }
    }
}

impl Ctx {
    /// The look of [`by_noun`] for a figure starting at `start`.
    fn look(&self, start: usize) -> Look {
        Look {
            lo: self.wlo,
            hi: start,
            after_hi: self.nend,
            topic: self.topic,
        }
    }
}

impl Lexicon {
    fn comparison_words_in(&self, window: &str) -> bool {
        let w: Vec<char> = window.chars().collect();
        self.periods.comparison.find(&w, 0, w.len()).is_some()
    }
}

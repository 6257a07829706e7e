//! Time phrases (`今年1至9月`, `截至2024年底`, `…以来`) found in a text.
//! Which one governs a figure is `time_context.rs`'s question, and what
//! dates it stands for `period_resolve.rs`'s.

use super::candidate::Figure;
use super::lexicon::Lexicon;
use super::sentence::is_clause_break;
use crate::budget::{Budget, Meter};
use crate::text::chars::is_han;

/// A time phrase found in the text.
#[derive(Debug, Clone)]
pub struct Phrase {
    /// First character.
    pub start: usize,
    /// One past the last.
    pub end: usize,
    /// Whether it names a comparison base (`较去年同期`).
    pub comparison: bool,
}

fn has_time_content(w: &[char]) -> bool {
    w.iter().any(|c| {
        c.is_ascii_digit()
            || "〇○零一二三四五六七八九十两廿卅年月日号季今去前近目当期来周".contains(*c)
    })
        // The campaign as the time of its figures (`在行动中冻结…`), as
        // `行动期间` is.
        || w.ends_with(&['动', '中'])
        || w.ends_with(&['案', '中'])
}

/// Figure spans sorted by start, with the running maximum of their ends
/// and the minimum end of every suffix: overlap and containment questions
/// about "any figure" answered by binary search instead of a scan of all
/// figures per phrase or clause.
struct FigSpans {
    /// `(num_start, end)` of the number alone and of the quantity.
    starts: Vec<usize>,
    /// Maximum quantity end over `starts[..=k]`.
    prefix_max_end: Vec<usize>,
    /// Minimum numeral end over `starts[k..]`.
    suffix_min_num_end: Vec<usize>,
}

impl FigSpans {
    fn new(figs: &[Figure]) -> Self {
        let mut spans: Vec<(usize, usize, usize)> = figs
            .iter()
            .map(|f| (f.num_start, f.num_end, f.end))
            .collect();
        spans.sort_unstable();
        let starts = spans.iter().map(|x| x.0).collect();
        let mut prefix_max_end = Vec::with_capacity(spans.len());
        let mut m = 0;
        for x in &spans {
            m = m.max(x.2);
            prefix_max_end.push(m);
        }
        let mut suffix_min_num_end = vec![usize::MAX; spans.len()];
        let mut m = usize::MAX;
        for (k, x) in spans.iter().enumerate().rev() {
            m = m.min(x.1);
            if let Some(slot) = suffix_min_num_end.get_mut(k) {
                *slot = m;
            }
        }
        Self {
            starts,
            prefix_max_end,
            suffix_min_num_end,
        }
    }

    /// Some figure with `num_start < b` and `a < end`.
    fn overlaps(&self, a: usize, b: usize) -> bool {
        let k = self.starts.partition_point(|&x| x < b);
        k > 0 && self.prefix_max_end.get(k - 1).is_some_and(|&e| e > a)
    }

    /// Some figure with `num_start >= a` and `num_end <= b`.
    fn numeral_within(&self, a: usize, b: usize) -> bool {
        let k = self.starts.partition_point(|&x| x < a);
        self.suffix_min_num_end.get(k).is_some_and(|&e| e <= b)
    }
}

/// Finds the time phrases of a text.
pub fn phrases(lex: &Lexicon, s: &[char], figs: &[Figure]) -> Vec<Phrase> {
    phrases_within(lex, s, figs, &mut Meter::new(&Budget::unlimited()))
}

/// Every match of every period pattern in `text` (the characters `s`), as
/// character offsets; `None` when the meter ran out. Byte offsets become
/// character offsets by walking the text once in order. A pattern none of
/// whose needed characters the text can hold is not run.
fn pattern_matches(
    lex: &Lexicon,
    s: &[char],
    text: &str,
    meter: &mut Meter<'_>,
) -> Option<Vec<(usize, usize)>> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    let present = super::needed_chars::CharMask::of(s.iter().copied());
    for (re, needs) in lex
        .periods
        .period_regex
        .iter()
        .zip(&lex.periods.period_needs)
    {
        if needs.is_some_and(|n| !present.meets(&n)) {
            continue;
        }
        let mut bytes: Vec<usize> = Vec::new();
        for m in re.find_iter(text) {
            if meter.add(1 + (m.end() - m.start()) / 8) {
                return None;
            }
            bytes.push(m.start());
            bytes.push(m.end());
        }
        let chars = byte_to_char(text, &bytes);
        found.extend(chars.chunks_exact(2).filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        }));
    }
    Some(found)
}

/// [`phrases`] that stops, with the phrases found so far, when the meter
/// runs out.
pub fn phrases_within(
    lex: &Lexicon,
    s: &[char],
    figs: &[Figure],
    meter: &mut Meter<'_>,
) -> Vec<Phrase> {
    let spans = FigSpans::new(figs);
    let text: String = s.iter().collect();
    let mut out = open_clauses_within(lex, s, &spans, meter);
    if meter.is_out() {
        return out;
    }
    // The open-clause phrases: sorted and disjoint (one per clause).
    let open_clauses = out.len();
    // Every pattern's matches; the longest wins where they overlap.
    let Some(mut found) = pattern_matches(lex, s, &text, meter) else {
        return out;
    };
    found.sort_by_key(|&(a, b)| (a, std::cmp::Reverse(b)));
    // Matches come in order of start and every kept one is checked against
    // all kept before, so each starts at most one character after the
    // current start and ends past it: overlap with any of them is overlap
    // with the furthest end.
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut taken_end = 0;
    for (a, b) in found {
        if meter.tick() {
            break;
        }
        if b <= a + 1 || a < taken_end {
            continue;
        }
        let Some(w) = s.get(a..b) else { continue };
        if !has_time_content(w) || w.iter().all(|c| "至到—－-~～自从由在于".contains(*c))
        {
            continue;
        }
        if spans.overlaps(a, b) {
            continue;
        }
        if lex.periods.event_before.ending_at(s, a).is_some() {
            continue;
        }
        if is_name_number(s, a, w) {
            continue;
        }
        // `上周三类诈骗`: last week, three kinds; the numeral before a
        // counting word is no weekday.
        let b = if b >= a + 3
            && s.get(b - 2).is_some_and(|c| matches!(c, '周' | '期'))
            && s.get(b - 1).is_some_and(|c| "一二三四五六".contains(*c))
            && s.get(b)
                .is_some_and(|c| "类种个项大名人起宗件成批次".contains(*c))
        {
            b - 1
        } else {
            b
        };
        let a = after_verb_separator(s, a);
        taken.push((a, b));
        taken_end = taken_end.max(b);
    }
    let mut prev_base_end: Option<usize> = None;
    for (a, b) in taken {
        if meter.tick() {
            break;
        }
        let Some(w) = s.get(a..b) else { continue };
        if !has_time_content(w) || w.iter().all(|c| "至到—－-~～自从由在于".contains(*c))
        {
            continue;
        }
        if lex
            .periods
            .period_reject
            .at(s, b.saturating_sub(1))
            .is_some()
            || lex
                .periods
                .period_reject
                .at(s, b.saturating_sub(2))
                .is_some()
        {
            continue;
        }
        // A time phrase never overlaps a figure.
        if spans.overlaps(a, b) {
            continue;
        }
        if is_fraction(lex, s, a, b) {
            continue;
        }
        if is_report_date(lex, s, a, b) {
            continue;
        }
        // Taken phrases are disjoint from one another, so only an open
        // clause can hold this one: the last one starting at or before it.
        let clauses = out.get(..open_clauses).unwrap_or_default();
        let k = clauses.partition_point(|p| p.start <= a);
        if k > 0 && clauses.get(k - 1).is_some_and(|p| b <= p.end) {
            continue;
        }
        // Spaces may sit between a comparison word and its base (`較 113年`).
        let mut a0 = a;
        while a0 > 0 && s.get(a0 - 1).is_some_and(|c| c.is_whitespace()) {
            a0 -= 1;
        }
        // `较2023年及2019年同期`: after a joiner, a base only when the phrase
        // before the joiner is one.
        let joined = lex
            .periods
            .comparison_joiners
            .ending_at(s, a0)
            .is_some_and(|len| prev_base_end.is_some_and(|e| e + len == a0));
        let compared_pair = lex.periods.compare_verbs.ending_at(s, a0).is_some()
            && lex.periods.compare_pair_joiners.at(s, b).is_some();
        let comparison = joined
            || (lex.periods.comparison.ending_at(s, a0).is_some() && !compared_pair)
            || (a >= 1
                && lex.periods.comparison.ending_at(s, a - 1).is_some()
                && s.get(a - 1) == Some(&'于'));
        prev_base_end = comparison.then_some(b);
        out.push(Phrase {
            start: a,
            end: b,
            comparison,
        });
    }
    out.sort_by_key(|p| p.start);
    merge_bracketed_dates(s, &mut out);
    out
}

/// `上周(7月20日至26日)`, `去年(2024年)`: a relative word and the dates
/// the page gives for it in brackets right after are one phrase, so that
/// the dates decide it (`period_resolve::explicit`).
fn merge_bracketed_dates(s: &[char], out: &mut Vec<Phrase>) {
    let mut k = 0;
    while k + 1 < out.len() {
        let (Some(p), Some(q)) = (out.get(k), out.get(k + 1)) else {
            break;
        };
        let opens = s.get(p.end).is_some_and(|c| matches!(c, '(' | '（'));
        let closes = s.get(q.end).is_some_and(|c| matches!(c, ')' | '）'));
        let head_has_no_number = s.get(p.start..p.end).is_some_and(|w| {
            !w.iter()
                .any(|&c| crate::text::numeral::digit(c).is_some() || c == '十')
        });
        if opens && closes && q.start == p.end + 1 && head_has_no_number {
            let end = q.end + 1;
            if let Some(p) = out.get_mut(k) {
                p.end = end;
            }
            out.remove(k + 1);
        }
        k += 1;
    }
}

/// Whether the `1/3` at `[a, b)` is a share (`占1/3左右`), not a day.
fn is_fraction(lex: &Lexicon, s: &[char], a: usize, b: usize) -> bool {
    s.get(a..b).is_some_and(|w| w.contains(&'/'))
        && (lex.periods.fraction_before.ending_at(s, a).is_some()
            || lex.periods.fraction_after.at(s, b).is_some())
}

/// Clauses that are themselves open periods (`自夏季…行动开展以来`), sorted
/// and disjoint (one per clause).
fn open_clauses_within(
    lex: &Lexicon,
    s: &[char],
    spans: &FigSpans,
    meter: &mut Meter<'_>,
) -> Vec<Phrase> {
    let mut out: Vec<Phrase> = Vec::new();
    let mut cs = 0;
    for i in 0..=s.len() {
        if meter.tick() {
            return out;
        }
        if i == s.len() || s.get(i).is_some_and(|&c| is_clause_break(c)) {
            // `该团伙自2022年以来`: the phrase starts at 自, and a long clause
            // (a body's full name before it) is one when 自 is near its end.
            let lo = cs.max(i.saturating_sub(lex.periods.max_open_clause));
            let mark = (lo..i).find(|&k| matches!(s.get(k), Some('自' | '从')));
            let short = i - cs <= lex.periods.max_open_clause;
            let checked_from = if short { Some(cs) } else { mark };
            if i > cs
                && lex.periods.open_clause_endings.ending_at(s, i).is_some()
                && let Some(from) = checked_from
                && !spans.numeral_within(from, i)
            {
                let mut a = mark.unwrap_or(cs);
                // A dateline or a bracketed credit before the phrase
                // (`中新网长沙5月19日电 (记者傅煜)今年以来`) is not part of it:
                // its day would read as the period's start.
                if let Some(k) = (a..i).rev().find(|&k| {
                    matches!(s.get(k), Some(')' | '）' | '】'))
                        || (matches!(s.get(k), Some('电' | '讯'))
                            && k > 0
                            && matches!(s.get(k - 1), Some('日' | '号')))
                }) {
                    a = k + 1;
                }
                while let Some(len) = lex.periods.trim_lead.at(s, a) {
                    a += len;
                }
                while a < i && s.get(a).is_some_and(|c| c.is_whitespace()) {
                    a += 1;
                }
                if a < i {
                    out.push(Phrase {
                        start: a,
                        end: i,
                        comparison: false,
                    });
                }
            }
            cs = i + 1;
        }
    }
    out
}

/// Character offsets of the byte offsets `bytes` (each on a character
/// boundary) in `text`, sorted or not, in one walk plus a sort.
fn byte_to_char(text: &str, bytes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..bytes.len()).collect();
    order.sort_by_key(|&k| bytes.get(k).copied().unwrap_or(0));
    let mut out = vec![0usize; bytes.len()];
    let mut chars = text.char_indices().map(|(b, _)| b).enumerate().peekable();
    let total = text.chars().count();
    for k in order {
        let target = bytes.get(k).copied().unwrap_or(0);
        let mut ci = total;
        while let Some(&(c, b)) = chars.peek() {
            if b >= target {
                ci = c;
                break;
            }
            chars.next();
        }
        if let Some(slot) = out.get_mut(k) {
            *slot = ci;
        }
    }
    out
}

/// `下降至11月份`, `增至去年的6,862宗`: a separator after a verb belongs
/// to the verb, so the
/// phrase starts after it. Opening a clause (`，至2020年9月，刑事案件发案
/// 172起`) 至 is `截至`, up to, and stays.
fn after_verb_separator(s: &[char], a: usize) -> usize {
    let opens_clause = a == 0
        || s.get(a - 1)
            .is_some_and(|&c| is_clause_break(c) || matches!(c, '（' | '(') || c.is_whitespace());
    // `运行至今`: since then, not up to a point.
    let since_now = s.get(a + 1) == Some(&'今') && s.get(a + 2) != Some(&'年');
    if matches!(s.get(a), Some('至' | '到'))
        && !(opens_clause && s.get(a) == Some(&'至'))
        && !since_now
        && s.get(a + 1).is_some_and(|c| {
            c.is_ascii_digit() || "〇○零一二三四五六七八九十两今去前本上".contains(*c)
        })
    {
        a + 1
    } else {
        a
    }
}

/// `蓝天二号`, `长安三号`: a day written in Chinese numerals with 号 right
/// after a name's characters numbers the name (a campaign, a ship), not a
/// day; a day stands after a month, a separator or a clause boundary.
fn is_name_number(s: &[char], a: usize, w: &[char]) -> bool {
    let bare_day = w.last() == Some(&'号')
        && w.len() >= 2
        && w.iter()
            .take(w.len() - 1)
            .all(|c| "〇○零一二三四五六七八九十两廿卅".contains(*c));
    bare_day
        && a.checked_sub(1)
            .and_then(|k| s.get(k))
            .is_some_and(|&c| is_han(c) && !"月至到和及与、或于在是从自".contains(c))
}

/// Whether the day at `[a, b)` is the report's own date (a dateline
/// `北京1月5日电`, or `1月5日，…警方通报`) rather than a period: only a single
/// day can be one, and what follows it says so.
fn is_report_date(lex: &Lexicon, s: &[char], a: usize, b: usize) -> bool {
    let Some(w) = s.get(a..b) else { return false };
    let day = w.last().is_some_and(|c| matches!(c, '日' | '号'))
        && !w
            .iter()
            .any(|c| matches!(c, '至' | '到' | '—' | '－' | '~' | '～' | '起'));
    if !day {
        return false;
    }
    let after: String = s
        .get(b..s.len().min(b + 16))
        .map(|w| w.iter().collect())
        .unwrap_or_default();
    lex.periods.report_after.is_match(&after)
}

//! Time phrases (`今年1至9月`, `截至2024年底`, `…以来`) and the period each
//! figure falls under, resolved to dates against the publication date.

use chrono::{Datelike, NaiveDate};

use super::candidate::Figure;
use super::lexicon::Lexicon;
use super::script::View;
use super::sentence::{Segments, is_clause_break};
use crate::model::Period;
use crate::pipeline::{Budget, Meter};

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
    let mut out: Vec<Phrase> = Vec::new();
    // Clauses that are themselves open periods (`自夏季…行动开展以来`).
    let mut cs = 0;
    for i in 0..=s.len() {
        if meter.tick() {
            return out;
        }
        if i == s.len() || s.get(i).is_some_and(|&c| is_clause_break(c)) {
            if i > cs
                && i - cs <= lex.max_open_clause
                && lex.open_clause_endings.ending_at(s, i).is_some()
                && !spans.numeral_within(cs, i)
            {
                let mut a = cs;
                // `该团伙自2022年以来`: the phrase starts at 自.
                if let Some(k) = (cs..i).find(|&k| matches!(s.get(k), Some('自' | '从'))) {
                    a = k;
                }
                while let Some(len) = lex.trim_lead.at(s, a) {
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
    // The open-clause phrases: sorted and disjoint (one per clause).
    let open_clauses = out.len();
    // Every pattern's matches; the longest wins where they overlap. Byte
    // offsets become character offsets by walking the text once in order.
    let mut found: Vec<(usize, usize)> = Vec::new();
    for re in &lex.period_regex {
        let mut bytes: Vec<usize> = Vec::new();
        for m in re.find_iter(&text) {
            if meter.add(1 + (m.end() - m.start()) / 8) {
                return out;
            }
            bytes.push(m.start());
            bytes.push(m.end());
        }
        let chars = byte_to_char(&text, &bytes);
        found.extend(chars.chunks_exact(2).filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        }));
    }
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
        if lex.event_before.ending_at(s, a).is_some() {
            continue;
        }
        // `下降至11月份`: the separator belongs to the verb.
        let a = if matches!(s.get(a), Some('至' | '到'))
            && s.get(a + 1)
                .is_some_and(|c| c.is_ascii_digit() || "〇○零一二三四五六七八九十两".contains(*c))
        {
            a + 1
        } else {
            a
        };
        taken.push((a, b));
        taken_end = taken_end.max(b);
    }
    for (a, b) in taken {
        if meter.tick() {
            break;
        }
        let Some(w) = s.get(a..b) else { continue };
        if !has_time_content(w) || w.iter().all(|c| "至到—－-~～自从由在于".contains(*c))
        {
            continue;
        }
        if lex.period_reject.at(s, b.saturating_sub(1)).is_some()
            || lex.period_reject.at(s, b.saturating_sub(2)).is_some()
        {
            continue;
        }
        // A time phrase never overlaps a figure.
        if spans.overlaps(a, b) {
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
        let comparison = lex.comparison.ending_at(s, a0).is_some()
            || (a >= 1
                && lex.comparison.ending_at(s, a - 1).is_some()
                && s.get(a - 1) == Some(&'于'));
        out.push(Phrase {
            start: a,
            end: b,
            comparison,
        });
    }
    out.sort_by_key(|p| p.start);
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

/// Chooses, for each figure, the time phrase that governs it.
pub fn assign(
    lex: &Lexicon,
    view: &View,
    seg: &Segments,
    figs: &[Figure],
    phrases: &[Phrase],
    published: Option<NaiveDate>,
    meter: &mut Meter<'_>,
) -> Vec<Period> {
    let s = &view.simp;
    // Phrases are sorted by start: those starting in `[lo, hi)` are a range.
    let starting_in = |lo: usize, hi: usize| {
        let a = phrases.partition_point(|p| p.start < lo);
        let b = phrases.partition_point(|p| p.start < hi).max(a);
        a..b
    };
    // The paragraph introducing the list an item paragraph belongs to,
    // remembered for the last item asked about: a list's items are met in
    // order, and walking back over all earlier items for each of their
    // figures was quadratic in the length of a list.
    let mut intro_memo: Option<(usize, usize)> = None;
    let mut chosen: Vec<Option<usize>> = Vec::with_capacity(figs.len());
    for (i, f) in figs.iter().enumerate() {
        if meter.add(64) {
            break;
        }
        let Some(si) = seg.sentence_of(f.num_start) else {
            chosen.push(None);
            continue;
        };
        let Some(sent) = seg.sentences.get(si) else {
            chosen.push(None);
            continue;
        };
        // In the sentence, before the figure (a phrase is never empty, so
        // one ending by the figure starts before it).
        let before: Vec<usize> = starting_in(sent.start, f.start)
            .filter(|&k| phrases.get(k).is_some_and(|p| p.end <= f.start))
            .collect();
        let mut pick = None;
        if let Some(&last) = before.last()
            && phrases.get(last).is_some_and(|p| p.comparison)
        {
            // A base value right after its comparison phrase (`较去年9月601件`).
            let p_end = phrases.get(last).map(|p| p.end).unwrap_or(0);
            let no_fig_between = !figs.iter().any(|g| g.start >= p_end && g.end <= f.start);
            let no_dir = lex.up.find(s, p_end, f.start).is_none()
                && lex.down.find(s, p_end, f.start).is_none();
            let linked = i
                .checked_sub(1)
                .and_then(|j| figs.get(j).zip(chosen.get(j)))
                .is_some_and(|(g, c)| {
                    *c == Some(last)
                        && s.get(g.end..f.start)
                            .is_some_and(|w| w.len() == 1 && lex.list_separators.contains(w))
                });
            if (no_fig_between || linked)
                && no_dir
                && f.direction.is_none()
                && f.kind != super::candidate::Kind::Change
            {
                pick = Some(last);
            }
        }
        if pick.is_none() {
            pick = before
                .iter()
                .rev()
                .copied()
                .find(|&k| phrases.get(k).is_some_and(|p| !p.comparison));
        }
        if pick.is_none() {
            // The latest period named earlier in the paragraph carries on
            // (`据悉,2023年1月至今年5月…。…4.9万名…`).
            if let Some(&(pa, _)) = seg.paragraphs.get(sent.para) {
                pick = starting_in(pa, sent.start).rev().find(|&k| {
                    phrases
                        .get(k)
                        .is_some_and(|p| p.end <= sent.start && !p.comparison)
                });
            }
        }
        if pick.is_none()
            && let Some(&(pa, _)) = seg.paragraphs.get(sent.para)
        {
            // A list item goes on with the period of the paragraph that
            // introduced the list.
            let is_item = |k: usize| {
                seg.paragraphs.get(k).is_some_and(|&(x, y)| {
                    let h: String = s
                        .get(x..y.min(x + 8))
                        .map(|w| w.iter().collect())
                        .unwrap_or_default();
                    lex.list_marker.is_match(h.trim_start())
                })
            };
            if is_item(sent.para) {
                // Back over the earlier items to the paragraph introducing them.
                let mut intro = sent.para;
                while intro > 0 && is_item(intro) {
                    // An item already walked back from leads to the same intro.
                    if let Some((item, its_intro)) = intro_memo
                        && item == intro
                    {
                        intro = its_intro;
                        break;
                    }
                    intro -= 1;
                }
                intro_memo = Some((sent.para, intro));
                let lo = seg
                    .paragraphs
                    .get(intro.saturating_sub(2))
                    .map(|p| p.0)
                    .unwrap_or(0);
                pick = starting_in(lo, pa)
                    .rev()
                    .find(|&k| phrases.get(k).is_some_and(|p| p.end <= pa && !p.comparison));
            }
        }
        if pick.is_none() && lex.refer_back.at(s, sent.start).is_some() {
            // Back to the previous figure's period.
            pick = (0..i)
                .rev()
                .find(|&j| figs.get(j).is_some_and(|g| g.end <= sent.start))
                .and_then(|j| chosen.get(j).copied().flatten());
        }
        chosen.push(pick);
    }
    chosen
        .iter()
        .map(|c| match c.and_then(|k| phrases.get(k)) {
            Some(p) => {
                let text = view.phrase_slice(p.start, p.end);
                let simp = view.simp_slice(p.start, p.end);
                let (from, to) = resolve(&simp, published);
                Period {
                    text: Some(text),
                    from: from.map(|d| d.to_string()),
                    to: to.map(|d| d.to_string()),
                }
            }
            None => Period::default(),
        })
        .collect()
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '0'..='9' => c as u32 - '0' as u32,
        '０'..='９' => c as u32 - '０' as u32,
        '〇' | '○' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Reads a small number written with Arabic or Chinese digits (`12`, `十二`, `二〇二三`).
fn small_number(w: &[char]) -> Option<u32> {
    if w.is_empty() {
        return None;
    }
    if w.contains(&'十') || w.contains(&'廿') || w.contains(&'卅') {
        let mut total = 0;
        let mut cur = 0;
        for &c in w {
            match c {
                '十' => {
                    total += if cur == 0 { 10 } else { cur * 10 };
                    cur = 0;
                }
                '廿' => total += 20,
                '卅' => total += 30,
                _ => cur = cn_digit(c)?,
            }
        }
        return Some(total + cur);
    }
    w.iter()
        .try_fold(0u32, |acc, &c| Some(acc * 10 + cn_digit(c)?))
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

#[derive(Debug, Default, Clone, Copy)]
struct Point {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
}

/// Parses the date points of a phrase, in order.
fn points(w: &[char], pub_year: Option<i32>) -> Vec<Point> {
    let mut pts: Vec<Point> = Vec::new();
    let mut cur = Point::default();
    let mut i = 0;
    let mut num: Vec<char> = Vec::new();
    while i < w.len() {
        let c = w.get(i).copied().unwrap_or(' ');
        if cn_digit(c).is_some() || matches!(c, '十' | '廿' | '卅') {
            num.push(c);
            i += 1;
            continue;
        }
        match c {
            '年' => {
                let y = if num.is_empty() {
                    let p = if i > 0 { w.get(i - 1).copied() } else { None };
                    match p {
                        Some('今' | '本' | '当' | '同') => pub_year,
                        Some('去' | '上') => pub_year.map(|y| y - 1),
                        Some('前') => pub_year.map(|y| y - 2),
                        Some('明') => pub_year.map(|y| y + 1),
                        _ => None,
                    }
                } else {
                    // Four digits are a year, three from 100 an ROC year;
                    // fewer are a duration (`两年来`, `过去三年`).
                    small_number(&num).and_then(|n| {
                        let n = n as i32;
                        match num.len() {
                            4 => Some(n),
                            3 if (100..200).contains(&n) => Some(n + 1911),
                            _ => None,
                        }
                    })
                };
                if cur.year.is_some() || cur.month.is_some() {
                    pts.push(cur);
                    cur = Point::default();
                }
                cur.year = y;
                num.clear();
            }
            '月' => {
                if !num.is_empty() {
                    if cur.month.is_some() {
                        pts.push(cur);
                        cur = Point {
                            year: None,
                            month: None,
                            day: None,
                        };
                    }
                    cur.month = small_number(&num);
                } else if i > 0 && w.get(i - 1) == Some(&'上') {
                    cur.month = None;
                }
                num.clear();
            }
            '日' | '号' => {
                if !num.is_empty() {
                    cur.day = small_number(&num);
                }
                num.clear();
            }
            '至' | '到' | '—' | '－' | '-' | '~' | '～'
                if num.is_empty()
                    && cur.year.is_none()
                    && cur.month.is_none()
                    && cur.day.is_none() =>
            {
                // `截至…`: not a range.
            }
            '至' | '到' | '—' | '－' | '-' | '~' | '～' => {
                if !num.is_empty() {
                    // `1至9月`: a bare number before the separator is a month.
                    cur.month = small_number(&num);
                    num.clear();
                }
                pts.push(cur);
                cur = Point::default();
            }
            _ => {
                num.clear();
            }
        }
        i += 1;
    }
    if cur.year.is_some() || cur.month.is_some() || cur.day.is_some() {
        pts.push(cur);
    }
    pts
}

/// Works out `from` and `to` of a Simplified time phrase.
pub fn resolve(
    phrase: &str,
    published: Option<NaiveDate>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let w: Vec<char> = phrase.chars().collect();
    let pub_year = published.map(|d| d.year());
    let open = phrase.ends_with("以来") || phrase.ends_with("至今") || phrase.ends_with("年来");
    let until = phrase.starts_with("截至") || phrase.starts_with("截止");
    let mut pts = points(&w, pub_year);
    // Relative months and `1/10` dates.
    if let Some(d) = published {
        let prev = d.with_day(1).and_then(|x| x.pred_opt());
        let rel = if phrase.contains("上个月") || phrase.contains("上月") {
            prev.map(|p| (p.year(), p.month()))
        } else if phrase.contains("本月") || phrase.contains("当月") {
            Some((d.year(), d.month()))
        } else {
            None
        };
        if let Some((y, m)) = rel
            && !pts.iter().any(|p| p.month.is_some() && p.day.is_none())
        {
            match pts.first_mut() {
                Some(p) if p.month.is_none() => {
                    p.year = Some(y);
                    p.month = Some(m);
                }
                None => pts.push(Point {
                    year: Some(y),
                    month: Some(m),
                    day: None,
                }),
                _ => {}
            }
        }
        if let Some((a, b)) = phrase.split_once('/')
            && let (Ok(m), Ok(dd)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>())
        {
            pts = vec![Point {
                year: Some(d.year()),
                month: Some(m),
                day: Some(dd),
            }];
        }
    }
    // Fill missing years from the neighbour or the relative words.
    let mut last_year: Option<i32> = None;
    for p in pts.iter_mut() {
        if p.year.is_none() {
            p.year = last_year;
        }
        last_year = p.year.or(last_year);
    }
    if pts.len() == 2
        && let (Some(a), Some(b)) = (pts.first().copied(), pts.get(1).copied())
        && a.year.is_none()
        && b.year.is_some()
        && let Some(p) = pts.first_mut()
    {
        p.year = b.year;
    }
    // `11月10日至21日`: a day alone takes the month before it.
    let mut last_month: Option<u32> = None;
    for p in pts.iter_mut() {
        if p.month.is_none() && p.day.is_some() {
            p.month = last_month;
        }
        last_month = p.month.or(last_month);
    }
    // A month without a year is the latest such month up to publication.
    if let Some(d) = published {
        for p in pts.iter_mut() {
            if p.year.is_none()
                && let Some(m) = p.month
            {
                p.year = Some(if m <= d.month() {
                    d.year()
                } else {
                    d.year() - 1
                });
            }
        }
    }
    let half = |y: i32, m1: u32, m2: u32| (NaiveDate::from_ymd_opt(y, m1, 1), last_day(y, m2));
    let year_of = pts
        .first()
        .and_then(|p| p.year)
        .or(if phrase.contains("今年") {
            pub_year
        } else {
            None
        });
    if let Some(y) = year_of {
        if phrase.contains("上半年") {
            return half(y, 1, 6);
        }
        if phrase.contains("下半年") {
            return half(y, 7, 12);
        }
        // Quarters: `首三季`/`前三季度` run from January, `第三季度` is one quarter.
        let wq: Vec<char> = phrase.chars().collect();
        if let Some(qi) = wq.iter().position(|&c| c == '季') {
            let n = qi
                .checked_sub(1)
                .and_then(|k| wq.get(k))
                .and_then(|&c| cn_digit(c))
                .filter(|n| (1..=4).contains(n));
            let lead = qi.checked_sub(2).and_then(|k| wq.get(k)).copied();
            match (n, lead) {
                (Some(n), Some('首' | '前' | '头')) => return half(y, 1, 3 * n),
                (Some(n), _) => return half(y, 3 * n - 2, 3 * n),
                (None, Some(_) | None) if phrase.contains("首季") => return half(y, 1, 3),
                _ => {}
            }
        }
        if let Some(pos) = phrase.find("首").or_else(|| phrase.find("前"))
            && phrase.contains("月")
        {
            let rest: Vec<char> = phrase
                .get(pos..)
                .unwrap_or("")
                .chars()
                .skip(1)
                .take_while(|c| cn_digit(*c).is_some() || *c == '十')
                .collect();
            if let Some(n) = small_number(&rest).filter(|n| (1..=12).contains(n)) {
                return half(y, 1, n);
            }
        }
    }
    let start_of = |p: &Point| -> Option<NaiveDate> {
        let y = p.year?;
        match (p.month, p.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d),
            (Some(m), None) => NaiveDate::from_ymd_opt(y, m, 1),
            (None, _) => NaiveDate::from_ymd_opt(y, 1, 1),
        }
    };
    let end_of = |p: &Point| -> Option<NaiveDate> {
        let y = p.year?;
        match (p.month, p.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d),
            (Some(m), None) => last_day(y, m),
            (None, _) => NaiveDate::from_ymd_opt(y, 12, 31),
        }
    };
    match pts.as_slice() {
        [] => (None, None),
        [p] => {
            let mut from = start_of(p);
            let mut to = end_of(p);
            if until {
                from = None;
            }
            if open {
                to = None;
            }
            // `截至12月初`, `今年` (still running): no known end.
            if phrase.contains('初') || phrase == "今年" || phrase == "本年" {
                to = None;
            }
            (from, to)
        }
        [a, .., b] => {
            let from = start_of(a);
            let to = if open || phrase.ends_with("至今") {
                None
            } else {
                end_of(b)
            };
            (from, to)
        }
    }
}

//! Numbers to candidate figures: the counting word after a number, its
//! approximation words and currency, and the filters that drop numbers that
//! are not statistics (dates, ordinals, names, thresholds, labels).

use super::lexicon::Lexicon;
use crate::budget::{Budget, Meter};
use crate::model::{Approx, Direction, Kind, Per};
use crate::text::chars::is_han;
use crate::text::numeral::{self, NumeralForm};

/// One quantity found in a text, with what the words around it say.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Start of the numeral.
    pub num_start: usize,
    /// End of the numeral.
    pub num_end: usize,
    /// Start of the quantity (approximation and currency words included).
    pub start: usize,
    /// End of the quantity (unit and suffixes included).
    pub end: usize,
    /// Value with multipliers folded in.
    pub value: f64,
    /// Unit, Simplified.
    pub unit: String,
    /// Kind.
    pub kind: Kind,
    /// Currency named next to the number.
    pub currency: Option<String>,
    /// `over`, `about`, `under`.
    pub approx: Option<Approx>,
    /// `up`, `down`.
    pub direction: Option<Direction>,
    /// `day`, `month`.
    pub per: Option<Per>,
    /// Metric id.
    pub metric: String,
    /// What is counted.
    pub subject: String,
    /// Money written without 元.
    pub bare_money: bool,
    /// Direction written as a sign before the number (`-47.2%`, `(+22宗)`).
    pub sign: Option<Direction>,
}

/// A numeral found in the Simplified view, in characters.
#[derive(Debug, Clone)]
struct Num {
    start: usize,
    end: usize,
    value: f64,
    form: NumeralForm,
    approx: bool,
}

fn scan_chars(s: &[char]) -> Vec<Num> {
    let raw = numeral::scan_chars(s);
    // `三成三,` comes back as `三成` and `三`: join them again (into a new
    // list: removing from the middle was quadratic on a page of them).
    let mut joined: Vec<numeral::NumeralMatch> = Vec::with_capacity(raw.len());
    // A joined pair is not joined again with what follows.
    let mut last_joined = false;
    for b in raw {
        if let Some(a) = joined.last_mut()
            && !last_joined
            && a.form == NumeralForm::Cheng
            && a.end == b.start
            && b.form == NumeralForm::Chinese
            && b.value < 10.0
            && b.end == b.start + 1
        {
            a.value += b.value;
            a.end = b.end;
            last_joined = true;
            continue;
        }
        last_joined = false;
        joined.push(b);
    }
    joined
        .into_iter()
        .map(|m| Num {
            start: m.start,
            end: m.end,
            value: m.value,
            form: m.form,
            approx: m.approx,
        })
        .filter(|n| n.end > n.start && n.value.is_finite())
        .collect()
}

fn is_break(c: Option<&char>) -> bool {
    match c {
        None => true,
        Some(&c) => {
            super::sentence::is_clause_break(c)
                || c.is_whitespace()
                || matches!(c, '、' | '）' | ')' | '”' | '」' | '(' | '（')
        }
    }
}

fn has_multiplier_char(s: &[char], a: usize, b: usize) -> bool {
    s.get(a..b).is_some_and(|w| {
        w.iter()
            .any(|c| matches!(c, '万' | '亿' | '千' | '兆' | '萬' | '億'))
    })
}

/// Whether a money context word (`损失`, `被骗`) sits in the clause before
/// `start`, read over its last 12 characters only: scanning back to the
/// clause start was quadratic on a clause of endless figures.
fn money_context_before(lex: &Lexicon, s: &[char], start: usize) -> bool {
    let lo = start.saturating_sub(12);
    let clause_lo = super::sentence::clause_start(s, start, lo);
    lex.money_context.rfind(s, clause_lo, start).is_some()
}

/// `按照“健全一套体系,完善两大平台,创建四项机制”`: a small number in
/// Chinese numerals inside a quotation is the wording of a slogan. The
/// nearest quotation mark before it (within `slogan_reach`) must open one.
fn in_slogan(lex: &Lexicon, s: &[char], n: &Num, f: &Figure, line_lo: usize) -> bool {
    let chinese = s
        .get(n.start..n.end)
        .is_some_and(|w| !w.is_empty() && w.iter().all(|c| is_chinese_digit(*c)));
    // `“足不出户,日赚千元”`: a lone round multiplier is slogan wording too.
    let lone_multiplier = n.end == n.start + 1 && has_multiplier_char(s, n.start, n.end);
    if !chinese || f.value > lex.slogan_max_value && !lone_multiplier {
        return false;
    }
    let lo = n.start.saturating_sub(lex.slogan_reach).max(line_lo);
    s.get(lo..n.start)
        .and_then(|w| {
            w.iter()
                .rev()
                .find(|c| matches!(c, '“' | '”' | '「' | '」' | '『' | '』'))
        })
        .is_some_and(|c| matches!(c, '“' | '「' | '『'))
}

/// `五位、六位甚至10位数字`: the counts of a list share the noun after its
/// last item, so a list ending in a measure (`10位数字`, not_count) is no
/// count of people either. `unit_at` is where the unit of `len` chars sits.
fn shares_measure(lex: &Lexicon, s: &[char], unit_at: usize, len: usize) -> bool {
    let Some(unit) = s.get(unit_at..unit_at + len) else {
        return false;
    };
    let mut j = unit_at + len;
    // A few more items at most: the look stays short on any page.
    for _ in 0..4 {
        // the joiner (`、`, `或`, `甚至`): at most two characters
        let mut gap = 0;
        while gap < 2
            && s.get(j).is_some_and(|c| {
                !c.is_ascii_digit() && !is_chinese_digit(*c) && !is_break(Some(c)) || *c == '、'
            })
        {
            j += 1;
            gap += 1;
        }
        let digits_from = j;
        while s
            .get(j)
            .is_some_and(|c| c.is_ascii_digit() || is_chinese_digit(*c))
        {
            j += 1;
        }
        if gap == 0 || j == digits_from || s.get(j..j + len) != Some(unit) {
            return false;
        }
        if lex.not_count.at(s, j).is_some_and(|nc| nc > len) {
            return true;
        }
        j += len;
    }
    false
}

/// `聚焦网络、资金、信息三条战线`, `对甲县、乙县、丙县三个重点地区`: a small
/// number in Chinese numerals right after a list of exactly that many items
/// counts the list the sentence has just named, which reports nothing.
fn sizes_list(s: &[char], n: &Num, f: &Figure, clause_lo: usize) -> bool {
    let chinese = s
        .get(n.start..n.end)
        .is_some_and(|w| !w.is_empty() && w.iter().all(|c| is_chinese_digit(*c)));
    if !chinese || f.kind != Kind::Count || !(2.0..=10.0).contains(&f.value) {
        return false;
    }
    let Some(clause) = s.get(clause_lo..n.start) else {
        return false;
    };
    let items: Vec<&[char]> = clause.split(|c| *c == '、').collect();
    // `甲、乙和丙三家`: the last two items joined by a word
    let joined = items
        .last()
        .is_some_and(|w| w.iter().any(|c| matches!(c, '和' | '及' | '与')));
    let count = items.len() + usize::from(joined);
    // `张某、李某等三名嫌疑人`: a partial list, or one of people, leaves
    // the number as the count.
    let partial = items.last().is_some_and(|w| w.last() == Some(&'等'))
        || items.iter().any(|w| w.contains(&'某'));
    // The first item may carry the clause's verb; the others are names.
    !partial
        && count == f.value as usize
        && items.len() >= 2
        && items.iter().skip(1).all(|w| {
            (1..=10).contains(&w.len())
                && !w
                    .iter()
                    // plain digits only: 陆 of `陆川县` is a financial six
                    .any(|c| numeral::digit(*c).is_some() || c.is_whitespace())
        })
}

fn is_chinese_digit(c: char) -> bool {
    "〇○零一二三四五六七八九十两廿卅百千万亿壹贰叁肆伍陆柒捌玖拾佰仟".contains(c)
}

/// Finds every candidate figure in `s` (a Simplified view).
pub fn figures(lex: &Lexicon, s: &[char]) -> Vec<Figure> {
    figures_within(lex, s, usize::MAX, &mut Meter::new(&Budget::unlimited())).0
}

/// Finds the first `max` candidate figures in `s`, stopping when the meter
/// runs out; the flag tells whether `max` cut the list short.
pub fn figures_within(
    lex: &Lexicon,
    s: &[char],
    max: usize,
    meter: &mut Meter<'_>,
) -> (Vec<Figure>, bool) {
    let mut nums = scan_chars(s);
    if meter.add(s.len()) {
        return (Vec::new(), false);
    }
    // `近万条`, `逾千人`: a lone multiplier after an approximation word,
    // which the numeral scanner leaves alone because alone it is a word.
    let mut lone = Vec::new();
    for i in 1..s.len() {
        let Some((_, mult)) = lex.multipliers.at(s, i) else {
            continue;
        };
        let after_approx =
            lex.about_prefix.ending_at(s, i).is_some() || lex.over_prefix.ending_at(s, i).is_some();
        let unit_after = lex.count_units.at(s, i + 1).is_some()
            || lex.money_units.at(s, i + 1).is_some()
            || lex.currency_suffix.at(s, i + 1).is_some();
        if !(after_approx && unit_after && mult >= 100.0) {
            continue;
        }
        // `nums` is still the scanner's output here: sorted and disjoint,
        // so a binary search keeps this linear on pages full of figures.
        let k = nums.partition_point(|n| n.end <= i);
        let covered = nums.get(k).is_some_and(|n| n.start <= i);
        if !covered {
            lone.push(Num {
                start: i,
                end: i + 1,
                value: mult,
                form: NumeralForm::Chinese,
                approx: false,
            });
        }
    }
    nums.extend(lone);
    nums.sort_by_key(|n| n.start);
    // Spans of names holding numerals.
    let mut name_spans = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if let Some(len) = lex.names.at(s, i) {
            name_spans.push((i, i + len));
            i += len;
        } else {
            i += 1;
        }
    }
    let mut out: Vec<Figure> = Vec::new();
    let mut marks = Marks::default();
    let mut cut = false;
    for (k, n) in nums.iter().enumerate() {
        // One past the bound, so that the last kept figure is judged with
        // its successor as on a page without a bound.
        if out.len() > max {
            cut = true;
            break;
        }
        if meter.tick() {
            break;
        }
        // Name spans are sorted and disjoint: only the first one ending
        // after the figure's start can overlap it.
        let j = name_spans.partition_point(|&(_, b)| b <= n.start);
        if name_spans.get(j).is_some_and(|&(a, _)| a < n.end) {
            continue;
        }
        // Garbage next to Latin letters, dots or slashes (`X6`, `5.39.217.768`, `1/10`).
        let prev = if n.start > 0 {
            s.get(n.start - 1)
        } else {
            None
        };
        let next = s.get(n.end);
        let after_currency = lex.currency_prefix.ending_at(s, n.start).is_some();
        // `跌幅-47.2%`, `(+22宗)`: a sign after a word or bracket, not inside
        // a code or a phone number (`0531-66661234`, `3-5`).
        let sign = match prev {
            Some('-' | '－' | '−') => Some(Direction::Down),
            Some('+' | '＋') => Some(Direction::Up),
            _ => None,
        }
        .filter(|_| {
            n.start >= 2
                && s.get(n.start - 2).is_some_and(|c| {
                    !c.is_ascii_alphanumeric()
                        && !is_chinese_digit(*c)
                        && !matches!(c, '-' | '+' | '.' | '/' | '_')
                })
        });
        let prev = if sign.is_some() { None } else { prev };
        if prev.is_some_and(|c| {
            !after_currency && c.is_ascii_alphanumeric()
                || matches!(c, '.' | '/' | '-' | '_' | '·' | '×' | '*' | '#' | '@')
        }) || next.is_some_and(|c| {
            c.is_ascii_alphabetic()
                || matches!(c, '/' | '-' | '_' | '·' | '×' | '*' | '.' | ':' | '：')
        }) && !(next == Some(&'.') && n.form == NumeralForm::Chinese)
        {
            continue;
        }
        if let Some(mut f) = figure_at(lex, s, n, &mut marks) {
            // A lower bound of a range shares the fate of its upper bound.
            let _ = k;
            if matches!(f.kind, Kind::Percent | Kind::Count) {
                f.sign = sign;
            }
            out.push(f);
        }
    }
    drop_thresholds(lex, s, &mut out);
    if out.len() > max {
        out.truncate(max);
        cut = true;
    }
    (out, cut)
}

/// The last line, clause and sentence breaks before a position, and the
/// next line break and comma-like mark at or after it, kept up to date as
/// the numbers are visited in text order: each character is looked at a
/// bounded number of times whatever the number of figures.
#[derive(Debug, Default)]
struct Marks {
    /// Characters before this are accounted for.
    pos: usize,
    last_nl: Option<usize>,
    last_break: Option<usize>,
    last_stop: Option<usize>,
    last_punct: Option<usize>,
    /// Next `\n` at or after `pos` (or the text's end), once looked for.
    next_nl: Option<usize>,
    /// Next comma-like mark at or after `pos` (or the text's end).
    next_punct: Option<usize>,
}

fn is_line_punct(c: char) -> bool {
    matches!(c, '。' | '，' | ',' | '；' | ';')
}

impl Marks {
    fn advance(&mut self, s: &[char], to: usize) {
        let to = to.min(s.len());
        while self.pos < to {
            let j = self.pos;
            if let Some(&c) = s.get(j) {
                if c == '\n' {
                    self.last_nl = Some(j);
                }
                if super::sentence::is_clause_break(c) {
                    self.last_break = Some(j);
                }
                if matches!(c, '。' | '！' | '？' | '!' | '?') {
                    self.last_stop = Some(j);
                }
                if is_line_punct(c) {
                    self.last_punct = Some(j);
                }
            }
            self.pos += 1;
        }
        if self.next_nl.is_some_and(|p| p < self.pos) {
            self.next_nl = None;
        }
        if self.next_punct.is_some_and(|p| p < self.pos) {
            self.next_punct = None;
        }
    }

    fn next_nl(&mut self, s: &[char]) -> usize {
        let from = self.pos;
        *self.next_nl.get_or_insert_with(|| {
            s.get(from..)
                .and_then(|w| w.iter().position(|&c| c == '\n'))
                .map_or(s.len(), |k| from + k)
        })
    }

    fn next_punct(&mut self, s: &[char]) -> usize {
        let from = self.pos;
        *self.next_punct.get_or_insert_with(|| {
            s.get(from..)
                .and_then(|w| w.iter().position(|&c| is_line_punct(c)))
                .map_or(s.len(), |k| from + k)
        })
    }
}

fn figure_at(lex: &Lexicon, s: &[char], n: &Num, marks: &mut Marks) -> Option<Figure> {
    let f = figure_parts(lex, s, n)?;
    // Every look along the line is bounded by a window, so that a page of
    // one endless line costs time in proportion to its figures, not to the
    // figures times the line.
    let win = lex.max_sentence_chars;
    let win_lo = n.start.saturating_sub(win);
    let win_hi = s.len().min(n.end.saturating_add(win));
    marks.advance(s, n.start);
    let after = |m: Option<usize>, lo: usize| m.filter(|&j| j >= lo).map_or(lo, |j| j + 1);
    let line_lo = after(marks.last_nl, win_lo);
    let clause_lo = after(marks.last_break, line_lo);
    // Furniture labels sit on short lines or right before the count.
    let short_line = s
        .get(line_lo..)
        .map_or(0, |w| w.iter().take(41).take_while(|c| **c != '\n').count())
        <= 40;
    // A bulleted headline line (`• 衛生局接獲通報1宗…`) is sidebar chrome.
    let mut head = line_lo;
    while s.get(head).is_some_and(|c| *c == ' ') {
        head += 1;
    }
    // No line break lies in `[line_lo, n.start)`, so the line ends at the
    // next one from the figure on.
    let line_end = marks.next_nl(s).min(win_hi).max(line_lo);
    let punctuated =
        marks.last_punct.is_some_and(|j| j >= line_lo) || marks.next_punct(s) < line_end;
    if short_line && !punctuated && lex.bullet_lines.at(s, head).is_some() {
        return None;
    }
    if lex.credit_after.at(s, f.end).is_some() {
        return None;
    }
    if is_pair_pronoun(lex, s, &f, clause_lo)
        || is_story_pair(lex, s, &f)
        || is_list_count(lex, s, &f)
    {
        return None;
    }
    let lo = if short_line {
        line_lo
    } else if clause_lo > line_lo
        && n.start <= clause_lo + 1
        && matches!(s.get(clause_lo - 1), Some(':' | '：'))
    {
        // `作者:社会变革 点击:79次`: the label sits before its colon.
        (clause_lo - 1).saturating_sub(4).max(line_lo)
    } else {
        clause_lo.max(n.start.saturating_sub(4))
    };
    // `对诈骗网站的访问1267万次`: a noun of the text, not page furniture.
    if lex
        .chrome
        .rfind(s, lo, n.start)
        .is_some_and(|(p, _)| p == 0 || s.get(p - 1) != Some(&'的'))
    {
        return None;
    }
    if in_slogan(lex, s, n, &f, line_lo) || sizes_list(s, n, &f, clause_lo) {
        return None;
    }
    // Statutory maximums describe the law, not what the police achieved.
    if lex.penalty.rfind(s, clause_lo, n.start).is_some() {
        return None;
    }
    let mut sent_lo = after(marks.last_stop, line_lo);
    while s.get(sent_lo).is_some_and(|c| c.is_whitespace()) {
        sent_lo += 1;
    }
    if lex.advice.at(s, sent_lo).is_some() {
        return None;
    }
    if lex.unreported.contains(&f.unit) {
        return None;
    }
    let near = |i: usize| lex.vague.at(s, i).is_some();
    // `数万`: a bare multiplier after a vague word.
    let bare_multiplier = n.end == n.start + 1 && has_multiplier_char(s, n.start, n.end);
    if (n.start..n.end).any(near)
        || near(n.end)
        || (bare_multiplier && n.start > 0 && lex.vague.ending_at(s, n.start).is_some())
    {
        return None;
    }
    Some(f)
}

/// `两人均已被刑事拘留`, `民警将二人抓获`: "the two of them", which names
/// people already counted, not a count of its own.
fn is_pair_pronoun(lex: &Lexicon, s: &[char], f: &Figure, clause_lo: usize) -> bool {
    if lex.pair_pronouns.at(s, f.start) != Some(f.end.saturating_sub(f.start)) {
        return false;
    }
    let mut head = clause_lo;
    while head < f.start
        && s.get(head)
            .is_some_and(|c| c.is_whitespace() || matches!(c, '“' | '「' | '"'))
    {
        head += 1;
    }
    let after_name = (1..=2).any(|back| {
        f.start
            .checked_sub(back)
            .is_some_and(|k| lex.pair_after_name.at(s, k).is_some())
    });
    head == f.start
        || after_name
        || lex.pair_before.ending_at(s, f.start).is_some()
        || lex.pair_after.at(s, f.end).is_some()
}

/// `兩名男子走進支行`, `两位民警赶到`: a pair written out in words before a
/// description of people is two characters of a story, not a count. Digits
/// (`擒獲3名嫌疑男子`) stay counts.
fn is_story_pair(lex: &Lexicon, s: &[char], f: &Figure) -> bool {
    lex.story_counts.at(s, f.start) == Some(f.end.saturating_sub(f.start))
        && lex.story_people.at(s, f.end).is_some()
}

/// `出台228项便民服务措施`, `以下6种类型案件`, `5类业务`: a count of the
/// measures, kinds or policies a text goes on to list or describe, which
/// the spec sets apart as a list count, not a statistic.
fn is_list_count(lex: &Lexicon, s: &[char], f: &Figure) -> bool {
    let unit: Vec<char> = f.unit.chars().collect();
    if unit.is_empty() || !lex.list_units.contains(&unit) {
        return false;
    }
    let announced = lex.list_before.ending_at(s, f.num_start).is_some();
    let hi = (f.end + lex.list_reach).min(s.len());
    let mut i = f.end;
    let mut noun = false;
    while i < hi
        && !s
            .get(i)
            .is_some_and(|&c| super::sentence::is_clause_break(c))
    {
        if lex.list_nouns.at(s, i).is_some() {
            noun = true;
            break;
        }
        i += 1;
    }
    announced || noun
}

/// What follows a numeral: its unit and kind, and where they end.
struct UnitRead {
    unit: String,
    kind: Kind,
    /// A currency named after the number (`万港元`).
    currency: Option<String>,
    /// End of the unit.
    end: usize,
    /// The value with a multiplier after an approximation suffix
    /// (`94.88余万元`) or a `成` folded in.
    value: f64,
    /// From the numeral itself or a suffix between number and unit (`余`).
    approx: Option<Approx>,
    /// Money written without 元.
    bare_money: bool,
}

impl UnitRead {
    fn new(unit: &str, kind: Kind, end: usize, n: &Num) -> Self {
        UnitRead {
            unit: unit.into(),
            kind,
            currency: None,
            end,
            value: n.value,
            approx: n.approx.then_some(Approx::Over),
            bare_money: false,
        }
    }
}

/// Reads one numeral as a figure: the unit after it, currency and
/// approximation words around it. `None` for numerals that are not
/// figures (ordinals, durations, bare numbers without money context).
fn figure_parts(lex: &Lexicon, s: &[char], n: &Num) -> Option<Figure> {
    if is_ordinal(lex, s, n)? {
        return None;
    }
    let read = match n.form {
        NumeralForm::Percent | NumeralForm::Cheng => {
            let mut end = n.end;
            if let Some(len) = lex.percent.at(s, end) {
                end += len;
            }
            UnitRead::new("%", Kind::Percent, end, n)
        }
        _ => unit_after(lex, s, n)?,
    };
    let UnitRead {
        mut unit,
        mut kind,
        mut currency,
        end,
        value,
        approx,
        mut bare_money,
    } = read;

    // Currency and approximation words before the number.
    let mut start = n.start;
    if let Some((len, cur)) = lex.currency_prefix.ending_at(s, start)
        && (kind == Kind::Money || has_multiplier_char(s, n.start, n.end))
    {
        currency = Some(cur);
        start -= len;
        if kind != Kind::Money {
            kind = Kind::Money;
            unit = "元".into();
            bare_money = true;
        }
    }
    let (start, pre) = approx_before(lex, s, start);
    let post = approx_after(lex, s, end);
    let approx = match (pre, approx.or(post)) {
        (Some(Approx::About), _) => Some(Approx::About),
        (Some(x), _) => Some(x),
        (None, x) => x,
    };
    if value <= 0.0 && kind == Kind::Count {
        return None;
    }
    // `一名男子`, `一个时期`: a Chinese "one" with a counting word narrates,
    // it does not report.
    // `一块展板` is the same: 块 is a counting word there, not money.
    if n.form == NumeralForm::Chinese && value == 1.0 && matches!(kind, Kind::Count | Kind::Money) {
        return None;
    }
    Some(Figure {
        num_start: n.start,
        num_end: n.end,
        start: start.min(n.start),
        end,
        value,
        unit,
        kind,
        currency,
        approx,
        direction: None,
        per: None,
        metric: "other".into(),
        subject: String::new(),
        bare_money,
        sign: None,
    })
}

/// Ordinals and ranks (`第3名`, `前3位`); `前10个月` is a count.
fn is_ordinal(lex: &Lexicon, s: &[char], n: &Num) -> Option<bool> {
    let Some(len) = lex.ordinal_prefix.ending_at(s, n.start) else {
        return Some(false);
    };
    let w: String = s.get(n.start - len..n.start)?.iter().collect();
    Some(w != "前" || lex.rank_units.at(s, n.end).is_some())
}

/// An approximation word before the quantity, and the quantity's new start.
fn approx_before(lex: &Lexicon, s: &[char], start: usize) -> (usize, Option<Approx>) {
    if let Some(len) = lex.about_prefix.ending_at(s, start) {
        (start - len, Some(Approx::About))
    } else if let Some(len) = lex.under_prefix.ending_at(s, start) {
        (start - len, Some(Approx::Under))
    } else if let Some(len) = lex.over_prefix.ending_at(s, start) {
        (start - len, Some(Approx::Over))
    } else {
        (start, None)
    }
}

/// An approximation word after the unit (`以上`, `左右`, `以下`).
fn approx_after(lex: &Lexicon, s: &[char], end: usize) -> Option<Approx> {
    if lex.over_suffix.at(s, end).is_some() {
        Some(Approx::Over)
    } else if lex.about_suffix.at(s, end).is_some() {
        Some(Approx::About)
    } else if lex.under_suffix.at(s, end).is_some() {
        Some(Approx::Under)
    } else {
        None
    }
}

/// The unit after a plain numeral: percent, percentage points, times,
/// `成`, money, a counting word, or money without 元 where the context
/// says so.
fn unit_after(lex: &Lexicon, s: &[char], n: &Num) -> Option<UnitRead> {
    let mut read = UnitRead::new("", Kind::Count, n.end, n);
    // Approximation suffix between number and unit.
    let mut suffix_len = 0;
    if let Some(len) = lex.unit_over_suffix.at(s, n.end) {
        suffix_len = len;
        read.approx = Some(Approx::Over);
    } else if let Some(len) = lex.unit_about_suffix.at(s, n.end) {
        suffix_len = len;
        read.approx = Some(Approx::About);
    }
    let q = n.end + suffix_len;
    // A multiplier after the suffix (`94.88余万元`).
    let (q, mult) = match lex.multipliers.at(s, q) {
        Some((len, m)) if suffix_len > 0 => (q + len, m),
        _ => (q, 1.0),
    };
    let mut set = |unit: &str, kind: Kind, len: usize| {
        read.unit = unit.into();
        read.kind = kind;
        read.end = q + len;
    };
    if let Some(len) = lex.percent.at(s, q) {
        set("%", Kind::Percent, len);
    } else if let Some(len) = lex.percent_words.at(s, q) {
        set("百分点", Kind::Change, len);
    } else if let Some(len) = lex.times.at(s, q) {
        set("倍", Kind::Change, len);
    } else if let Some(len) = lex
        .cheng
        .at(s, q)
        .filter(|_| n.value <= 10.0 && suffix_len == 0)
    {
        set("%", Kind::Percent, len);
        read_cheng(lex, s, &mut read);
    } else if let Some((len, cur)) = lex.currency_suffix.at(s, q) {
        set("元", Kind::Money, len);
        read.currency = Some(cur);
    } else if let Some(len) = lex.money_units.at(s, q).filter(|&len| {
        lex.money_needs_context.at(s, q) != Some(len) || money_context_before(lex, s, n.start)
    }) {
        set("元", Kind::Money, len);
        if let Some((len2, cur)) = lex.currency_suffix.at(s, read.end) {
            read.currency = Some(cur);
            read.end += len2;
        }
    } else if let Some(len) = lex.count_units.at(s, q) {
        if !is_count_unit(lex, s, n, q, len) {
            return None;
        }
        read.unit = s.get(q..q + len)?.iter().collect();
        read.end = q + len;
    } else if is_money_without_unit(lex, s, n, q, mult) {
        set("元", Kind::Money, 0);
        read.bare_money = true;
    } else if suffix_len == 0 && gender_breakdown(s, n, q) {
        // `27男12女`: the men and women of a count, with no counting word.
        read.end = q;
    } else {
        return None;
    }
    read.value *= mult;
    Some(read)
}

/// Whether the number at `n` is one half of a breakdown by sex written
/// without counting words (`39名被捕人包括27男12女`, `8男3女共11人被捕`):
/// a number before `男` followed by a number before `女`, or the second
/// of those.
fn gender_breakdown(s: &[char], n: &Num, q: usize) -> bool {
    let digit = |c: &char| c.is_ascii_digit() || is_chinese_digit(*c);
    match s.get(q) {
        Some('男') => {
            let after = q + 1;
            let run = s
                .get(after..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| digit(c))
                .count();
            run > 0 && s.get(after + run) == Some(&'女')
        }
        Some('女') => {
            n.start >= 2
                && s.get(n.start - 1) == Some(&'男')
                && s.get(n.start - 2).is_some_and(digit)
        }
        _ => false,
    }
}

/// `三成` is 30 %; `三成三` is 33 %.
fn read_cheng(lex: &Lexicon, s: &[char], read: &mut UnitRead) {
    read.value *= 10.0;
    let p = read.end;
    if let Some(c) = s.get(p)
        && let Some(d) = numeral::digit(*c).map(f64::from)
        && !s
            .get(p + 1)
            .is_some_and(|c| lex.count_units.at(&[*c], 0).is_some() || is_chinese_digit(*c))
    {
        read.value += d;
        read.end += 1;
    }
}

/// A counting word of `len` at `q` counts (`3个月`, `24小时` are
/// durations; `2024年第3期` an issue).
fn is_count_unit(lex: &Lexicon, s: &[char], n: &Num, q: usize, len: usize) -> bool {
    let nc = lex.not_count.at(s, q).unwrap_or(0);
    let blocked = lex.count_blockers.at(s, q + len).is_some()
        && lex.count_blocker_exceptions.at(s, q + len).is_none();
    if nc > len || blocked || shares_measure(lex, s, q, len) {
        return false;
    }
    let issue = lex.issue_units.at(s, q) == Some(len);
    !(issue && n.start > 0 && s.get(n.start - 1) == Some(&'年'))
}

/// Money written without 元: after a currency (`HK$3,000`, `人民币500`),
/// or a multiplied number among money words.
fn is_money_without_unit(lex: &Lexicon, s: &[char], n: &Num, q: usize, mult: f64) -> bool {
    if lex.currency_prefix.ending_at(s, n.start).is_some() {
        return true;
    }
    if !(has_multiplier_char(s, n.start, n.end) || mult > 1.0) {
        return false;
    }
    // `3,570万及3,790万澳门元`: the first of a pair of amounts.
    let paired = lex.list_separators.at(s, q).is_some_and(|len| {
        let r = q + len;
        let digits = (r..s.len())
            .take_while(|&k| {
                s.get(k).is_some_and(|c| {
                    c.is_ascii_digit() || matches!(c, ',' | '.') || is_chinese_digit(*c)
                })
            })
            .count();
        digits > 0
            && (lex.money_units.at(s, r + digits).is_some()
                || lex.currency_suffix.at(s, r + digits).is_some())
    });
    // `冻结1.2亿资金`: the noun after says what the number counts.
    let noun_after = lex.money_nouns_after.at(s, q).is_some();
    money_context_before(lex, s, n.start) || paired || noun_after
}

/// Drops figures that qualify another figure: `百万元以上案件1512起`,
/// `10万元以上的有7起`, `5万元到10万元的有5起`, `超过100万元的案件`,
/// `部督案件(财产损失100万元以上)3起`.
fn drop_thresholds(lex: &Lexicon, s: &[char], figs: &mut Vec<Figure>) {
    let is_range_word = |f: &Figure| {
        lex.threshold
            .at(s, f.end)
            .and_then(|len| s.get(f.end..f.end + len))
            .is_some_and(|w| w == ['至'] || w == ['到'])
    };
    let mut drop = vec![false; figs.len()];
    for (i, f) in figs.iter().enumerate() {
        let next_start = figs.get(i + 1).map(|g| g.start);
        let qualifier = if let Some(len) = lex.threshold.at(s, f.end) {
            let mut p = f.end + len;
            if is_range_word(f) {
                // A lower bound: decided with its upper bound below.
                next_start.is_some_and(|g| g >= p && g <= p + 1)
            } else {
                if s.get(p) == Some(&'的') {
                    p += 1;
                }
                // `部督案件(财产损失100万元以上)3起`: a bracketed bound
                // qualifies the cases it follows.
                s.get(p)
                    .is_some_and(|&c| !is_break(Some(&c)) || matches!(c, ')' | '）'))
            }
        } else {
            // `超过100万元的案件`: an over-bound qualifying a noun.
            let over_prefix =
                f.start < f.num_start && lex.over_prefix.ending_at(s, f.num_start).is_some();
            over_prefix
                && s.get(f.end) == Some(&'的')
                && s.get(f.end + 1).is_some_and(|c| is_han(*c))
                && lex.case_nouns.at(s, f.end + 1).is_some()
        };
        if let Some(d) = drop.get_mut(i) {
            *d = qualifier;
        }
    }
    // A range keeps both bounds unless its upper bound qualifies a count
    // (`5万元到10万元的有5起`), then both go.
    for i in 0..figs.len() {
        let lower_range = drop.get(i) == Some(&true) && figs.get(i).is_some_and(is_range_word);
        if !lower_range {
            continue;
        }
        let upper_qualifies = figs.get(i + 1).is_some_and(|g| s.get(g.end) == Some(&'的'))
            || drop.get(i + 1) == Some(&true);
        if upper_qualifies {
            if let Some(d) = drop.get_mut(i + 1) {
                *d = true;
            }
        } else if let Some(d) = drop.get_mut(i) {
            *d = false;
        }
    }
    let mut k = 0;
    figs.retain(|_| {
        let keep = !drop.get(k).copied().unwrap_or(false);
        k += 1;
        keep
    });
}

//! A time phrase to its `from` and `to` dates, by the rows of the spec's
//! "Resolving a period" table (docs/statistics.md): one function per
//! row, picked by [`classify`]. `period.rs` finds phrases, `time_context.rs`
//! says which one governs a figure and what the passage around it states;
//! this module only turns one phrase plus that context into dates.
//!
//! The word classes that pick a row are analyst-editable, in
//! `config/extract-periods.toml` under `[classes]`.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::lexicon::Words;
use crate::text::date::ROC_YEAR_MAX;
use crate::text::numeral::{digit, small_number};

/// `from` and `to` of a period; `None` where the page does not let one
/// work it out.
pub type Span = (Option<NaiveDate>, Option<NaiveDate>);

/// Word classes that decide which row of the table a phrase falls under,
/// as written in `[classes]` of `extract-periods.toml` (Simplified).
#[derive(Debug, Clone, Deserialize)]
pub struct RawClasses {
    /// A look-back or vague time (`近期`, `近日`, `过去`, `初期`): null, null.
    pub look_back: Vec<String>,
    /// Words of a campaign with no dates of its own (`期间`): null, null
    /// unless the phrase names dates.
    pub campaign: Vec<String>,
    /// The current, unfinished period on its own (`今年`, `本月`):
    /// its first day, then null.
    pub current: Vec<String>,
    /// Endings of an open-ended period (`以来`, `至今`, `起`).
    pub open_endings: Vec<String>,
    /// Beginnings of a period up to a point (`截至`).
    pub up_to_starts: Vec<String>,
    /// Endings of a period up to a point (`以前`, `及以前`).
    pub up_to_endings: Vec<String>,
    /// After an up-to word, "now" (`目前`): the end stays open.
    pub now: Vec<String>,
    /// The whole of the year the passage is about (`全年`).
    pub full_year: Vec<String>,
    /// The same period as the one the passage is about (`同期`).
    pub same_period: Vec<String>,
}

/// [`RawClasses`] ready for matching.
#[derive(Debug, Clone)]
pub struct Classes {
    look_back: Words,
    campaign: Words,
    current: Vec<String>,
    open_endings: Vec<String>,
    up_to_starts: Vec<String>,
    up_to_endings: Vec<String>,
    now: Vec<String>,
    full_year: Words,
    same_period: Words,
}

impl Classes {
    /// Compiles the configured classes.
    pub fn new(raw: &RawClasses) -> Self {
        // Longest first, so that `截止到` is stripped before `截止`.
        let longest_first = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            v
        };
        Self {
            look_back: Words::new(&raw.look_back),
            campaign: Words::new(&raw.campaign),
            current: raw.current.clone(),
            open_endings: longest_first(&raw.open_endings),
            up_to_starts: longest_first(&raw.up_to_starts),
            up_to_endings: longest_first(&raw.up_to_endings),
            now: raw.now.clone(),
            full_year: Words::new(&raw.full_year),
            same_period: Words::new(&raw.same_period),
        }
    }
}

/// What the text around a phrase says, gathered by the time context.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// The publication date (`Article.published`, else the crawler's).
    pub published: Option<NaiveDate>,
    /// The nearest year stated before the phrase in its passage.
    pub passage_year: Option<i32>,
    /// The start of an open-ended period stated before the phrase in its
    /// passage (`2023年7月…以来，截至2024年底`).
    pub passage_start: Option<NaiveDate>,
    /// The period the passage is about, for `同期`.
    pub reference: Option<Span>,
    /// The latest date stated with its year before the phrase in its
    /// passage: a year-less end before it belongs to the year after
    /// (`2015年10月30日…行动开展7个月以来，截至5月底` ends in 2016).
    pub passage_latest: Option<NaiveDate>,
    /// The last single day the text named before the phrase, for `当日`
    /// and `同日`; none once a vague time (`早前`) came after it.
    pub last_day: Option<NaiveDate>,
}

/// The row of the spec's table a phrase falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A date or range with its year (`2023年`, `2024年1至9月`).
    Dated,
    /// The same without a year (`1至9月`, `8月15日`).
    Yearless,
    /// Relative to the publication date, finished (`去年`, `上月`, `114年`
    /// is [`Kind::Dated`]).
    Relative,
    /// The current, unfinished period on its own (`今年`, `本月`).
    Current,
    /// `全年`.
    FullYear,
    /// Open-ended (`…以来`, `至今`, `2015年起`).
    OpenEnded,
    /// Up to a point (`截至2024年底`, `2013年及以前`).
    UpTo,
    /// A look-back or vague time (`近三年`, `近日`).
    LookBack,
    /// A campaign without dates (`专项行动期间`).
    Campaign,
    /// `去年同期`, `同期`: the passage's period, shifted to the year named.
    SamePeriod,
}

/// Which row of the table `phrase` (Simplified) falls under.
pub fn classify(phrase: &str, cls: &Classes) -> Kind {
    let phrase = explicit(phrase).map_or(phrase, |(_, dates)| dates);
    let last_year = last_year_spelled_out(phrase, None);
    let phrase = last_year.as_deref().unwrap_or(phrase);
    let w: Vec<char> = phrase.chars().collect();
    let pts = points(&w, &Context::default());
    let has_point = !pts.is_empty();
    if cls.same_period.find(&w, 0, w.len()).is_some() {
        return Kind::SamePeriod;
    }
    // `至今` is open-ended; `至今年5月`, `至2020年9月` are up to a point.
    let since_now = phrase.starts_with("至今") && !phrase.starts_with("至今年");
    if !since_now
        && cls
            .up_to_starts
            .iter()
            .any(|p| phrase.starts_with(p.as_str()))
        || cls
            .up_to_endings
            .iter()
            .any(|e| phrase.ends_with(e.as_str()))
    {
        return Kind::UpTo;
    }
    if cls.full_year.find(&w, 0, w.len()).is_some() {
        return Kind::FullYear;
    }
    let part = quarter(&w).is_some() || first_months(&w).is_some() || previous_quarter(&w);
    if cls.look_back.find(&w, 0, w.len()).is_some() || (!has_point && !part && duration(&w)) {
        return Kind::LookBack;
    }
    if cls
        .open_endings
        .iter()
        .any(|e| phrase.ends_with(e.as_str()))
    {
        return Kind::OpenEnded;
    }
    // `自2024年底上线后`: a start with no end, whatever follows the phrase.
    if phrase.starts_with('自') && has_point && !w.iter().any(|&c| is_range_separator(c)) {
        return Kind::OpenEnded;
    }
    if cls.current.iter().any(|c| c == phrase) {
        return Kind::Current;
    }
    if !has_point && cls.campaign.find(&w, 0, w.len()).is_some() {
        return Kind::Campaign;
    }
    if relative(&w) {
        Kind::Relative
    } else if pts.iter().any(|p| matches!(p.year, Year::Known(_))) {
        Kind::Dated
    } else {
        Kind::Yearless
    }
}

/// `上一年度`, `上一年`: the year before the one the passage is about
/// (`2023年…较上一年度`), else before the publication's, as `上年` says it;
/// `None` when the phrase does not spell it so.
fn last_year_spelled_out(phrase: &str, passage_year: Option<i32>) -> Option<String> {
    phrase.contains("上一年").then(|| match passage_year {
        Some(y) => phrase.replace("上一年", &format!("{}年", y - 1)),
        None => phrase.replace("上一年", "上年"),
    })
}

/// Works out `from` and `to` of a Simplified time phrase in its context.
pub fn resolve(phrase: &str, ctx: &Context, cls: &Classes) -> Span {
    let phrase = explicit(phrase).map_or(phrase, |(_, dates)| dates);
    let last_year = last_year_spelled_out(phrase, ctx.passage_year);
    let phrase = last_year.as_deref().unwrap_or(phrase);
    let dated_weekdays = weekdays_as_days(phrase);
    let phrase = dated_weekdays.as_deref().unwrap_or(phrase);
    match classify(phrase, cls) {
        Kind::Dated => dated(phrase, ctx),
        Kind::Yearless => yearless(phrase, ctx),
        Kind::Relative => relative_finished(phrase, ctx),
        Kind::Current => current(phrase, ctx),
        Kind::FullYear => full_year(phrase, ctx),
        Kind::OpenEnded => open_ended(phrase, ctx, cls),
        Kind::UpTo => up_to(phrase, ctx, cls),
        Kind::LookBack | Kind::Campaign => (None, None),
        Kind::SamePeriod => same_period(phrase, ctx),
    }
}

/// A relative word with the dates it stands for in brackets
/// (`上周(7月20日至26日)`, `去年(2024年)`): the word and the dates, which
/// decide. The word has no number of its own, so `由上月20日至昨日(31日)`
/// is not one.
pub fn explicit(phrase: &str) -> Option<(&str, &str)> {
    let open = phrase.find(['(', '（'])?;
    let head = phrase.get(..open)?;
    let rest = phrase.get(open..)?;
    let inner = rest.strip_prefix(['(', '（'])?.strip_suffix([')', '）'])?;
    let numbered = |t: &str| t.chars().any(|c| digit(c).is_some() || c == '十');
    (!head.is_empty() && !numbered(head) && numbered(inner)).then_some((head, inner))
}

/// The numerals of the days of the week after `周` / `星期`, Monday first
/// (`日` and `天` both Sunday).
const WEEKDAYS: &str = "一二三四五六日天";

/// A weekday given with its day in brackets (`上周一(8日)至昨日(17日)`, as
/// Hong Kong papers date a week's operation) stands for that day: the
/// phrase with each such weekday replaced by its day (`8日至昨日(17日)`).
/// `None` when the phrase has none.
fn weekdays_as_days(phrase: &str) -> Option<String> {
    let w: Vec<char> = phrase.chars().collect();
    let mut out = String::with_capacity(phrase.len());
    let mut changed = false;
    let mut i = 0;
    while let Some(&c) = w.get(i) {
        // `上周一(`, `周五（`, `星期三(`: the weekday word ends before a bracket.
        let word_len = [("上星期", 4), ("星期", 3), ("上周", 3), ("周", 2)]
            .iter()
            .find(|(lead, _)| {
                let l: Vec<char> = lead.chars().collect();
                w.get(i..i + l.len()) == Some(l.as_slice())
            })
            .map(|&(_, n)| n);
        if let Some(n) = word_len
            && w.get(i + n - 1).is_some_and(|d| WEEKDAYS.contains(*d))
            && w.get(i + n).is_some_and(|b| matches!(b, '(' | '（'))
            && let Some(close) = (i + n + 1..(i + n + 5).min(w.len()))
                .find(|&k| w.get(k).is_some_and(|b| matches!(b, ')' | '）')))
            && w.get(close - 1).is_some_and(|d| matches!(d, '日' | '号'))
        {
            out.extend(w.get(i + n + 1..close).unwrap_or_default());
            changed = true;
            i = close + 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    changed.then_some(out)
}

/// Row "a date or range with its year": its first day to its last day.
fn dated(phrase: &str, ctx: &Context) -> Span {
    calendar(phrase, ctx)
}

/// Row "the same without a year": the year from the passage, else the most
/// recent such date on or before the publication date.
fn yearless(phrase: &str, ctx: &Context) -> Span {
    calendar(phrase, ctx)
}

/// Row "relative to the publication date, finished" (`去年`, `上月`,
/// `今年1至10月`, `上半年`): resolved against the publication date.
fn relative_finished(phrase: &str, ctx: &Context) -> Span {
    calendar(phrase, ctx)
}

/// Row "the current, unfinished period": its first day, no end.
fn current(phrase: &str, ctx: &Context) -> Span {
    let (from, _) = calendar(phrase, ctx);
    let from = from.or_else(|| {
        // `本季度`: the quarter the publication date falls in.
        let d = ctx.published.filter(|_| phrase.contains('季'))?;
        ymd(d.year(), (d.month() - 1) / 3 * 3 + 1, 1)
    });
    (from, None)
}

/// Row `全年`: the year the passage is about (a year the phrase or the
/// passage states, else the publication year), to its 31 December.
fn full_year(phrase: &str, ctx: &Context) -> Span {
    let w: Vec<char> = phrase.chars().collect();
    let stated = points(&w, ctx).first().and_then(|p| p.year.known());
    let y = match stated {
        Some(y) => Some(y),
        // A relative year the publication date cannot resolve.
        None if relative(&w) => None,
        None => ctx.passage_year.or(ctx.published.map(|d| d.year())),
    };
    match y {
        Some(y) => (ymd(y, 1, 1), ymd(y, 12, 31)),
        None => (None, None),
    }
}

/// Row "open-ended": its start where stated (`今年以来` → 1 January), no end.
fn open_ended(phrase: &str, ctx: &Context, cls: &Classes) -> Span {
    let mut rest = phrase;
    for e in &cls.open_endings {
        if let Some(r) = rest.strip_suffix(e.as_str()) {
            rest = r;
            break;
        }
    }
    let rest = rest.trim_end_matches(['至', '到']);
    let (mut from, _) = calendar(rest, ctx);
    // `年初以来`: the start of the year the passage is about.
    if from.is_none() && (rest == "年初" || rest.ends_with("今年初")) {
        from = ctx
            .passage_year
            .or(ctx.published.map(|d| d.year()))
            .and_then(|y| ymd(y, 1, 1));
    }
    (from, None)
}

/// Row "up to a point": the start the passage states, else none, to that
/// day; `截至目前` keeps the end open.
fn up_to(phrase: &str, ctx: &Context, cls: &Classes) -> Span {
    let mut rest = phrase;
    for s in &cls.up_to_starts {
        if let Some(r) = rest.strip_prefix(s.as_str()) {
            rest = r;
            break;
        }
    }
    for e in &cls.up_to_endings {
        if let Some(r) = rest.strip_suffix(e.as_str()) {
            rest = r;
            break;
        }
    }
    if rest.is_empty() || cls.now.iter().any(|n| rest.starts_with(n.as_str())) {
        return (ctx.passage_start, None);
    }
    // `截至12月初`: no day to end on.
    if rest.ends_with('初') {
        return (ctx.passage_start, None);
    }
    // `从民国93年到今年3月底为止`: a range ended by an up-to word states its
    // own start, which stands even when its end cannot be resolved.
    let (from, mut to) = calendar(rest, ctx);
    if !rest.contains('年')
        && let (Some(t), Some(latest)) = (to, ctx.passage_latest)
        && t < latest
    {
        to = shift_years(t, 1);
    }
    let ranged = rest.starts_with(['从', '自', '由']) && rest.contains(['到', '至']);
    let from = if ranged { from } else { None };
    let from = from.or(ctx.passage_start.filter(|s| to.is_none_or(|t| *s <= t)));
    (from, to)
}

/// `同期`: the passage's period in the year the phrase names (`去年同期`
/// is the year before the passage's), or the passage's period itself.
fn same_period(phrase: &str, ctx: &Context) -> Span {
    let Some((Some(from), to)) = ctx.reference else {
        return (None, None);
    };
    let w: Vec<char> = phrase.chars().collect();
    let shift = match points(&w, ctx).first().map(|p| p.year) {
        Some(Year::Known(y)) if phrase.chars().next().is_some_and(|c| digit(c).is_some()) => {
            y - from.year()
        }
        _ if phrase.starts_with("前年") => -2,
        _ if phrase.starts_with("去年") || phrase.starts_with("上年") => -1,
        _ => 0,
    };
    match to {
        Some(to) => (shift_years(from, shift), shift_years(to, shift)),
        // `2025年以来…同期发案数下降`: the passage's own open period.
        None if shift == 0 => (Some(from), None),
        // `今年以来…较去年同期`: that year's span up to the day published.
        None => (
            shift_years(from, shift),
            ctx.published.and_then(|p| shift_years(p, shift)),
        ),
    }
}

fn shift_years(d: NaiveDate, by: i32) -> Option<NaiveDate> {
    let y = d.year() + by;
    // 29 February moves to 28 February.
    NaiveDate::from_ymd_opt(y, d.month(), d.day()).or_else(|| last_day(y, d.month()))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// Whether a phrase counts from the publication date (`今年`, `去年`, `上月`).
fn relative(w: &[char]) -> bool {
    w.windows(2).any(|p| {
        matches!(
            p,
            ['今' | '去' | '前' | '本' | '明' | '当' | '上', '年']
                | ['上' | '本' | '当', '月']
                | ['上', '个' | '周' | '星']
                | ['本', '季']
        )
    }) || (!w.contains(&'年')
        && w.iter()
            .any(|c| matches!(c, '半' | '季' | '首' | '头' | '前' | '昨')))
}

fn is_range_separator(c: char) -> bool {
    matches!(c, '至' | '到' | '迄' | '—' | '－' | '-' | '~' | '～')
}

/// `上季度`, `上一季`: the quarter before the publication date's.
fn previous_quarter(w: &[char]) -> bool {
    w.windows(2).any(|p| matches!(p, ['上', '季']))
        || w.windows(3).any(|p| matches!(p, ['上', '一' | '个', '季']))
}

/// `上周`, `本周`: Monday to Sunday of the week before the publication
/// date's, or of its own.
fn week(w: &[char], ctx: &Context) -> Option<Span> {
    let text: String = w.iter().collect();
    let back = if ["上周", "上星期", "上个星期", "上礼拜", "上个礼拜"]
        .iter()
        .any(|x| text.contains(x))
    {
        7
    } else if ["本周", "本星期", "这周", "这星期"]
        .iter()
        .any(|x| text.contains(x))
    {
        0
    } else {
        return None;
    };
    let Some(d) = ctx.published else {
        return Some((None, None));
    };
    let monday = d.checked_sub_days(chrono::Days::new(
        u64::from(d.weekday().num_days_from_monday()) + back,
    ))?;
    // `上周五`: one day of that week.
    let weekday = ["周", "星期"].iter().find_map(|lead| {
        let after = text.split_once(lead)?.1.chars().next()?;
        WEEKDAYS.chars().position(|c| c == after).map(|k| k.min(6))
    });
    if let Some(k) = weekday {
        let day = monday.checked_add_days(chrono::Days::new(k as u64));
        return Some((day, day));
    }
    Some((Some(monday), monday.checked_add_days(chrono::Days::new(6))))
}

/// A number of years or months with no calendar point (`三年来`, `近两年`).
fn duration(w: &[char]) -> bool {
    w.iter()
        .any(|c| matches!(c, '年' | '月' | '天' | '周' | '季'))
        && w.iter().any(|c| digit(*c).is_some() || *c == '十')
        && !weekday(w)
}

/// Whether the phrase names a weekday (`上周三`, `星期五`): its numeral is
/// the day of the week, not a count of weeks.
fn weekday(w: &[char]) -> bool {
    w.windows(2)
        .any(|p| matches!(p, ['周' | '期', d] if WEEKDAYS.contains(*d)))
}

/// A year as a phrase gives it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Year {
    /// Not given.
    #[default]
    Absent,
    /// Stated or resolved.
    Known(i32),
    /// Relative to a publication date that is not known.
    Unknown,
}

impl Year {
    fn known(self) -> Option<i32> {
        match self {
            Year::Known(y) => Some(y),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Point {
    year: Year,
    month: Option<u32>,
    day: Option<u32>,
    /// `底`/`末` after a bare year: its end.
    end: bool,
    /// `初`: early in it, with no day to end on.
    early: bool,
    /// `上旬` / `中旬` / `下旬`: the first, second or third ten days of
    /// its month (1 to 3).
    dekad: Option<u32>,
}

impl Point {
    /// The point of one known day, or of a day nobody can tell.
    fn on(day: Option<NaiveDate>) -> Self {
        match day {
            Some(d) => Point {
                year: Year::Known(d.year()),
                month: Some(d.month()),
                day: Some(d.day()),
                ..Point::default()
            },
            None => Point {
                year: Year::Unknown,
                ..Point::default()
            },
        }
    }

    fn is_empty(&self) -> bool {
        self.year == Year::Absent && self.month.is_none() && self.day.is_none()
    }
}

/// The year a `…年` word names: digits (four, or an ROC year of three from
/// 100, or of two or three after `民国`), or a word relative to the
/// publication year.
fn year_word(num: &[char], before: Option<char>, minguo: bool, ctx: &Context) -> Year {
    let pub_year = ctx.published.map(|d| d.year());
    if num.is_empty() {
        let delta = match before {
            // `当年` is "that year": the one the passage just named
            // (`2023年…当年诈骗案件总数…`), else the current one.
            Some('当') if ctx.passage_year.is_some() => {
                return ctx.passage_year.map_or(Year::Absent, Year::Known);
            }
            Some('今' | '本' | '当') => 0,
            Some('去' | '上') => -1,
            Some('前') => -2,
            Some('明') => 1,
            Some('同') => {
                return ctx.passage_year.map_or(Year::Absent, Year::Known);
            }
            _ => return Year::Absent,
        };
        return pub_year.map_or(Year::Unknown, |y| Year::Known(y + delta));
    }
    // Fewer digits are a duration (`两年来`, `过去三年`).
    small_number(num).map_or(Year::Absent, |n| {
        let n = n as i32;
        match num.len() {
            4 => Year::Known(n),
            1..=3 if minguo && (1..ROC_YEAR_MAX).contains(&n) => Year::Known(n + 1911),
            3 if (100..ROC_YEAR_MAX).contains(&n) => Year::Known(n + 1911),
            _ => Year::Absent,
        }
    })
}

/// `上旬` / `中旬` / `下旬`: which ten days of the month (1 to 3).
fn dekad(before: Option<char>) -> Option<u32> {
    match before {
        Some('上') => Some(1),
        Some('中') => Some(2),
        Some('下') => Some(3),
        _ => None,
    }
}

/// Parses the date points of a phrase, in order.
fn points(w: &[char], ctx: &Context) -> Vec<Point> {
    let mut pts: Vec<Point> = Vec::new();
    let mut cur = Point::default();
    let mut num: Vec<char> = Vec::new();
    for (i, &c) in w.iter().enumerate() {
        if digit(c).is_some() || matches!(c, '十' | '廿' | '卅') {
            num.push(c);
            continue;
        }
        // `今(112)年`: the bracket closing a year's digits keeps them for
        // the 年 after it.
        if matches!(c, ')' | '）') && !num.is_empty() && w.get(i + 1) == Some(&'年') {
            continue;
        }
        let before = i.checked_sub(1).and_then(|k| w.get(k)).copied();
        match c {
            '年' => {
                let minguo = i >= num.len() + 2
                    && w.get(i - num.len() - 2..i - num.len()) == Some(&['民', '国'][..]);
                let y = year_word(&num, before, minguo, ctx);
                if !cur.is_empty() && y != Year::Absent {
                    pts.push(cur);
                    cur = Point::default();
                }
                if y != Year::Absent {
                    cur.year = y;
                }
            }
            '月' if !num.is_empty() => {
                if cur.month.is_some() {
                    pts.push(cur);
                    cur = Point::default();
                }
                cur.month = small_number(&num);
            }
            // `同月14日`: the month the passage is about, when it is one.
            '月' if before == Some('同') && num.is_empty() => {
                let month = ctx.reference.and_then(|(f, t)| {
                    let (f, t) = (f?, t?);
                    ((f.year(), f.month()) == (t.year(), t.month())).then_some(f)
                });
                if let Some(m) = month {
                    if cur.month.is_some() {
                        pts.push(cur);
                        cur = Point::default();
                    }
                    cur.year = Year::Known(m.year());
                    cur.month = Some(m.month());
                }
            }
            // `上个月`, not the `个月` of `首十个月`.
            '月' if matches!(before, Some('上' | '本' | '当'))
                || (before == Some('个')
                    && i.checked_sub(2)
                        .and_then(|k| w.get(k))
                        .is_some_and(|c| matches!(c, '上' | '本' | '当'))) =>
            {
                let back = w.get(..i).is_some_and(|x| x.contains(&'上'));
                if cur.month.is_some() {
                    pts.push(cur);
                    cur = Point::default();
                }
                // `当月`: the month the passage is about, when it is one.
                let that_month = ctx.reference.and_then(|(f, t)| {
                    let (f, t) = (f?, t?);
                    (before == Some('当') && (f.year(), f.month()) == (t.year(), t.month()))
                        .then_some(f)
                });
                match that_month.or(ctx.published) {
                    Some(d) => {
                        let m = if back {
                            d.with_day(1).and_then(|x| x.pred_opt())
                        } else {
                            Some(d)
                        };
                        if let Some(m) = m {
                            cur.year = Year::Known(m.year());
                            cur.month = Some(m.month());
                        }
                    }
                    None => cur.year = Year::Unknown,
                }
            }
            '日' | '号' if !num.is_empty() => cur.day = small_number(&num),
            // `当日`, `同日`: the day the passage just named, when it named one.
            '日' | '天' if matches!(before, Some('当' | '同')) && cur.is_empty() => {
                cur = Point::on(ctx.last_day);
            }
            // `昨日`, `今天`, `前日`: a day counted from the publication date.
            '日' | '天' if matches!(before, Some('昨' | '今' | '前')) && cur.is_empty() => {
                let back = match before {
                    Some('昨') => 1,
                    Some('前') => 2,
                    _ => 0,
                };
                let day = ctx
                    .published
                    .and_then(|d| d.checked_sub_days(chrono::Days::new(back)));
                cur = Point::on(day);
            }
            '底' | '末' => cur.end = true,
            '初' => cur.early = true,
            '旬' if cur.month.is_some() && cur.day.is_none() => cur.dekad = dekad(before),
            '至' | '到' | '—' | '－' | '-' | '~' | '～' if !cur.is_empty() || !num.is_empty() =>
            {
                if !num.is_empty() {
                    // `1至9月`: a bare number before the separator is a month.
                    cur.month = small_number(&num);
                }
                pts.push(cur);
                cur = Point::default();
            }
            _ => {}
        }
        num.clear();
    }
    if !cur.is_empty() {
        pts.push(cur);
    }
    pts
}

/// The year of yearless points: the passage's, else the latest such one
/// on or before publication (decided on the last point, so that a range
/// ends before the page is out).
fn fill_years(pts: &mut [Point], ctx: &Context) {
    // A range's later point names the year of an earlier one (`11月至2024年1月`
    // is rare; `2023年1月至5月` common): forward first, then back.
    let mut last = Year::Absent;
    for p in pts.iter_mut() {
        if p.year == Year::Absent {
            p.year = last;
        }
        if p.year != Year::Absent {
            last = p.year;
        }
    }
    let mut next = Year::Absent;
    for p in pts.iter_mut().rev() {
        if p.year == Year::Absent {
            p.year = next;
        }
        if p.year != Year::Absent {
            next = p.year;
        }
    }
    // `11月10日至21日`: a day alone takes the month before it.
    let mut last_month = None;
    for p in pts.iter_mut() {
        if p.month.is_none() && p.day.is_some() {
            p.month = last_month;
        }
        last_month = p.month.or(last_month);
    }
    // `8日至昨日(17日)`: a first day with no month takes the later point's
    // month, or the month before it when the day comes later in a month.
    let mut next: Option<(Year, u32, u32)> = None;
    for p in pts.iter_mut().rev() {
        if p.month.is_none()
            && let (Some(day), Some((year, month, next_day))) = (p.day, next)
        {
            if day <= next_day {
                p.month = Some(month);
                p.year = year;
            } else if month > 1 {
                p.month = Some(month - 1);
                p.year = year;
            } else {
                p.month = Some(12);
                p.year = match year {
                    Year::Known(y) => Year::Known(y - 1),
                    other => other,
                };
            }
        }
        if let (Some(m), Some(d)) = (p.month, p.day) {
            next = Some((p.year, m, d));
        }
    }
    if pts.iter().all(|p| p.year == Year::Absent) {
        let y = match (ctx.passage_year, ctx.published, pts.last()) {
            (Some(y), _, _) => Some(y),
            (None, Some(d), Some(p)) => {
                let m = p.month.unwrap_or(1);
                let dd = p.day.unwrap_or(1);
                Some(if (m, dd) <= (d.month(), d.day()) {
                    d.year()
                } else {
                    d.year() - 1
                })
            }
            _ => None,
        };
        // A day with no month (`截至4日19时`): the latest such day.
        if let (Some(d), Some(p)) = (ctx.published, pts.last_mut())
            && p.month.is_none()
            && let Some(day) = p.day
        {
            let (y, m) = if day <= d.day() {
                (d.year(), d.month())
            } else {
                let prev = d.with_day(1).and_then(|x| x.pred_opt()).unwrap_or(d);
                (prev.year(), prev.month())
            };
            p.year = Year::Known(y);
            p.month = Some(m);
            return;
        }
        if let Some(y) = y {
            for p in pts.iter_mut() {
                p.year = Year::Known(y);
            }
        }
    }
}

/// The span of a phrase's calendar points, with quarters, halves and
/// `首N个月` read against their year.
fn calendar(phrase: &str, ctx: &Context) -> Span {
    let w: Vec<char> = phrase.chars().collect();
    let mut pts = points(&w, ctx);
    if let Some(p) = month_slash_day(phrase) {
        pts = vec![p];
    }
    if let Some(span) = week(&w, ctx) {
        return span;
    }
    if let Some(span) = part_of_year(&w, &pts, ctx) {
        return span;
    }
    fill_years(&mut pts, ctx);
    let start_of = |p: &Point| -> Option<NaiveDate> {
        let y = p.year.known()?;
        if p.end && p.month.is_none() {
            return ymd(y, 12, 31);
        }
        let first = p.dekad.map_or(1, |k| 10 * (k - 1) + 1);
        ymd(y, p.month.unwrap_or(1), p.day.unwrap_or(first))
    };
    let end_of = |p: &Point| -> Option<NaiveDate> {
        let y = p.year.known()?;
        match (p.month, p.day) {
            (Some(m), Some(d)) => ymd(y, m, d),
            (Some(m), None) => match p.dekad {
                Some(k @ (1 | 2)) => ymd(y, m, 10 * k),
                _ => last_day(y, m),
            },
            (None, None) => ymd(y, 12, 31),
            (None, Some(_)) => None,
        }
    };
    match (pts.first(), pts.last()) {
        (Some(a), Some(b)) => (start_of(a), end_of(b).filter(|_| !b.early)),
        _ => (None, None),
    }
}

/// `1/10` as Taiwan pages date a day: month and day, no year.
fn month_slash_day(phrase: &str) -> Option<Point> {
    let (a, b) = phrase.split_once('/')?;
    let m = a
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=12).contains(m))?;
    let d = b
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    Some(Point {
        month: Some(m),
        day: Some(d),
        ..Point::default()
    })
}

/// Halves, quarters and `首N个月` of the phrase's year (stated, passage or
/// publication), or `None` when the phrase names none.
fn part_of_year(w: &[char], pts: &[Point], ctx: &Context) -> Option<Span> {
    let text: String = w.iter().collect();
    if previous_quarter(w) {
        let Some(d) = ctx.published else {
            return Some((None, None));
        };
        let q = (d.month() - 1) / 3;
        let (y, q) = if q == 0 {
            (d.year() - 1, 4)
        } else {
            (d.year(), q)
        };
        return Some((ymd(y, 3 * q - 2, 1), last_day(y, 3 * q)));
    }
    let (m1, m2) = if text.contains("上半年") || text.contains("前半年") {
        (1, 6)
    } else if text.contains("下半年") || text.contains("后半年") {
        (7, 12)
    } else if let Some(q) = quarter(w) {
        q
    } else if let Some(n) = first_months(w) {
        (1, n)
    } else {
        return None;
    };
    let stated = pts.first().map(|p| p.year).unwrap_or_default();
    let y = match stated {
        Year::Known(y) => y,
        Year::Unknown => return Some((None, None)),
        // Most recent such part finished by the publication date.
        Year::Absent => match (ctx.passage_year, ctx.published) {
            (Some(y), _) => y,
            (None, Some(d)) if m2 <= d.month() || d >= last_day(d.year(), m2)? => d.year(),
            (None, Some(d)) => d.year() - 1,
            (None, None) => return Some((None, None)),
        },
    };
    Some((ymd(y, m1, 1), last_day(y, m2)))
}

/// `第三季度` (one quarter), `前三季度`/`首三季` (from January), `首季`.
fn quarter(w: &[char]) -> Option<(u32, u32)> {
    let qi = w.iter().position(|&c| c == '季')?;
    let n = qi
        .checked_sub(1)
        .and_then(|k| w.get(k))
        .and_then(|&c| digit(c))
        .filter(|n| (1..=4).contains(n));
    let lead = qi.checked_sub(2).and_then(|k| w.get(k)).copied();
    if previous_quarter(w) {
        return None;
    }
    match (n, lead) {
        (Some(n), Some('首' | '前' | '头')) => Some((1, 3 * n)),
        (Some(n), _) => Some((3 * n - 2, 3 * n)),
        (None, _) if qi > 0 && w.get(qi - 1) == Some(&'首') => Some((1, 3)),
        _ => None,
    }
}

/// `首十个月`, `前7个月`: January to the N-th month.
fn first_months(w: &[char]) -> Option<u32> {
    let pos = w.iter().position(|&c| matches!(c, '首' | '前' | '头'))?;
    // `前年`: a year, not the first months.
    if w.get(pos + 1) == Some(&'年') || !w.contains(&'月') {
        return None;
    }
    let rest: Vec<char> = w
        .get(pos + 1..)?
        .iter()
        .copied()
        .take_while(|c| digit(*c).is_some() || *c == '十')
        .collect();
    small_number(&rest).filter(|n| (1..=12).contains(n))
}

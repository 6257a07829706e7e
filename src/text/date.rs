//! Dates as pages write them: the one reader of calendar dates for the
//! cleaner, the crawler's hints and the extractor.
//!
//! Full dates (`2024年1月5日`, `2024-01-05`, `2024/1/5`, `2024.01.05`,
//! `二〇二四年一月九日`, ROC `民國113年1月5日` / `113年1月5日`) with an
//! optional time; year-less dates (`1月5日`, `01-05 10:32`) completed from a
//! reference date; two-digit years (`24-01-05`) only where a caller knows a
//! date stands there; dates in URL paths (`/2024/0105/`, `/t20240105_`,
//! `/2019-11-25/doc-`). Date syntax is fixed by the calendar, not by
//! vocabulary, so the patterns live here rather than in `config/`.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::numeral;

/// A calendar date with an optional time of day, as shown on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// Gregorian year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
    /// Hour, minute, second, when shown.
    pub time: Option<(u32, u32, u32)>,
}

impl Shown {
    /// RFC 3339 with `offset` when a time is known, else an ISO date.
    pub fn format(&self, offset: &str) -> String {
        match self.time {
            Some((h, mi, s)) => format!(
                "{:04}-{:02}-{:02}T{h:02}:{mi:02}:{s:02}{offset}",
                self.year, self.month, self.day
            ),
            None => format!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }

    /// Whether the date exists in the calendar and the time on a clock.
    pub fn valid(&self) -> bool {
        self.date().is_some() && self.time.is_none_or(|(h, m, s)| h < 24 && m < 60 && s < 60)
    }

    /// The calendar date, if it exists.
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day)
    }

    /// The same date without its time of day.
    pub fn day_only(self) -> Self {
        Self { time: None, ..self }
    }
}

/// A date shown without its year (`1月5日`, `10-08 12:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
    /// Hour, minute, second, when shown.
    pub time: Option<(u32, u32, u32)>,
}

impl MonthDay {
    /// The date in the year that puts it on or before `reference` (the
    /// nearest such): a page dated `12-30` with a reference of 5 January is
    /// from the December before. `None` when the day does not exist then.
    pub fn complete(self, reference: NaiveDate) -> Option<Shown> {
        let year = if (self.month, self.day) <= (reference.month(), reference.day()) {
            reference.year()
        } else {
            reference.year() - 1
        };
        let out = Shown {
            year,
            month: self.month,
            day: self.day,
            time: self.time,
        };
        out.valid().then_some(out)
    }
}

/// A date read from a URL path: the year always, month and day when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlDate {
    /// Gregorian year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, when the path gives one.
    pub day: Option<u32>,
}

impl UrlDate {
    /// The full date, when the path gives a day.
    pub fn shown(&self) -> Option<Shown> {
        let s = Shown {
            year: self.year,
            month: self.month,
            day: self.day?,
            time: None,
        };
        s.valid().then_some(s)
    }

    /// The last day the path allows: its day, or the end of its month.
    pub fn latest(&self) -> Option<NaiveDate> {
        match self.day {
            Some(d) => NaiveDate::from_ymd_opt(self.year, self.month, d),
            None => {
                let (y, m) = if self.month == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, self.month + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
            }
        }
    }
}

/// ROC years (`113年`) below this are read as 民國 years.
pub const ROC_YEAR_MAX: i32 = 200;

static GREGORIAN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s*|[Tt])(?:星期.|週.|周.|\([一二三四五六日]\)|（[一二三四五六日]）)?\s*(上午|下午|中午|晚上|早上|凌晨)?\s*(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?",
    )
    .ok()
});
static ROC: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(民國|民国)?\s*(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})[:：](\d{2}))?",
    )
    .ok()
});
static HANZI: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日",
    )
    .ok()
});
static SHORT_YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?",
    )
    .ok()
});
static MONTH_DAY_HANZI: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?")
        .ok()
});
static MONTH_DAY_NUMERIC: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2})[-/](\d{1,2})(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?").ok()
});
static URL_DAY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    // Bounded by path separators (or the `t` of `t20240105_`), so that a
    // digit run inside a hash or an id (`doc-a20240105b`) is not a date.
    Regex::new(r"(?:^|[/_.\-t])((?:19|20)\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?:[/_.\-]|$)").ok()
});
static URL_MONTH: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"/((?:19|20)\d{2})[-/_]?(\d{2})/").ok());

/// A small number in digits or Chinese numerals (`十二`, `廿`, `07`), read
/// by the one small-number reader, [`numeral::small_number`].
pub fn hanzi_small(s: &str) -> Option<u32> {
    numeral::small_number(&s.chars().collect::<Vec<_>>())
}

fn num(m: Option<regex::Match<'_>>) -> Option<u32> {
    m.and_then(|m| m.as_str().parse().ok())
}

fn clock(h: Option<u32>, m: Option<u32>, s: Option<u32>) -> Option<(u32, u32, u32)> {
    Some((h?, m?, s.unwrap_or(0)))
}

/// Whether the byte before `start` or at `end` of `s` is an ASCII digit: a
/// date glued to other digits (`12019-01-05`, an id) is not a date.
fn glued(s: &str, start: usize, end: usize) -> bool {
    let b = s.as_bytes();
    // `2019年02月23日447`: a view count run into the bar after a closing
    // `日` leaves the date whole.
    let closed = s.get(..end).is_some_and(|d| d.ends_with('日'));
    (start > 0 && b.get(start - 1).is_some_and(u8::is_ascii_digit))
        || (!closed && b.get(end).is_some_and(u8::is_ascii_digit))
}

/// Matches of one pattern tried per call; a line with more candidates
/// than this is a list, not a dateline.
const MAX_TRIES: usize = 8;

fn gregorian(s: &str) -> Option<(Shown, usize, usize)> {
    let re = GREGORIAN.as_ref()?;
    re.captures_iter(s).take(MAX_TRIES).find_map(|c| {
        let m0 = c.get(0)?;
        // The pattern may end on spaces after the day; a number after
        // them (`2022-10-26 3hk香港`) is not glued to the date.
        let end = m0.start() + m0.as_str().trim_end().len();
        if glued(s, m0.start(), end) {
            return None;
        }
        // `下午3:20` is 15:20; `上午`/`凌晨` hours stand as written.
        let pm = c
            .get(4)
            .is_some_and(|m| matches!(m.as_str(), "下午" | "晚上" | "中午"));
        let time = clock(num(c.get(5)), num(c.get(6)), num(c.get(7)))
            .map(|(h, mi, se)| (if pm && h < 12 { h + 12 } else { h }, mi, se));
        let d = Shown {
            year: i32::try_from(num(c.get(1))?).ok()?,
            month: num(c.get(2))?,
            day: num(c.get(3))?,
            time,
        };
        d.valid().then_some((d, m0.start(), end))
    })
}

fn roc(s: &str, roc_year_max: i32) -> Option<(Shown, usize, usize)> {
    let re = ROC.as_ref()?;
    re.captures_iter(s).take(MAX_TRIES).find_map(|c| {
        let m0 = c.get(0)?;
        let y = c.get(2)?;
        // A 4-digit year also matches `\d{2,3}` at its tail.
        if y.start() > 0
            && s.as_bytes()
                .get(y.start() - 1)
                .is_some_and(u8::is_ascii_digit)
        {
            return None;
        }
        let year: i32 = y.as_str().parse().ok()?;
        // `民國` says so outright; a bare `113年` only below the bound.
        if year < 1 || (c.get(1).is_none() && year >= roc_year_max) {
            return None;
        }
        let d = Shown {
            year: year + 1911,
            month: num(c.get(3))?,
            day: num(c.get(4))?,
            time: clock(num(c.get(5)), num(c.get(6)), None),
        };
        d.valid().then_some((d, m0.start(), m0.end()))
    })
}

fn hanzi(s: &str) -> Option<(Shown, usize, usize)> {
    let re = HANZI.as_ref()?;
    re.captures_iter(s).take(MAX_TRIES).find_map(|c| {
        let m0 = c.get(0)?;
        let y = i32::try_from(hanzi_small(c.get(1)?.as_str())?).ok()?;
        let d = Shown {
            year: y,
            month: hanzi_small(c.get(2)?.as_str())?,
            day: hanzi_small(c.get(3)?.as_str())?,
            time: None,
        };
        d.valid().then_some((d, m0.start(), m0.end()))
    })
}

/// Finds the first full date (with the year) in `s`: `2024-01-09 10:32:26`,
/// `2024年01月09日 10:32`, `2021/06/20`, ROC `114年3月5日` (years below
/// `roc_year_max`, any year after `民國`), `二〇二四年一月九日`. Returns it
/// with its byte range.
pub fn find_date(s: &str, roc_year_max: i32) -> Option<(Shown, usize, usize)> {
    [gregorian(s), roc(s, roc_year_max), hanzi(s)]
        .into_iter()
        .flatten()
        .min_by_key(|&(_, start, _)| start)
}

/// A date with a two-digit year at the start of `s` (`18-03-08 23:16`),
/// read as 20xx. Only for places that hold a date (after `发布时间：`):
/// elsewhere `24-01-05` may be a score or a code.
pub fn short_year_date(s: &str) -> Option<(Shown, usize)> {
    let c = SHORT_YEAR.as_ref()?.captures(s)?;
    let m0 = c.get(0)?;
    if glued(s, m0.start(), m0.end()) {
        return None;
    }
    let d = Shown {
        year: 2000 + i32::try_from(num(c.get(1))?).ok()?,
        month: num(c.get(2))?,
        day: num(c.get(3))?,
        time: clock(num(c.get(4)), num(c.get(5)), num(c.get(6))),
    };
    d.valid().then_some((d, m0.end()))
}

/// A year-less date: `1月5日` (with an optional time) anywhere in `s`, or
/// a numeric `01-05` / `09/07 19:02` at its start (a numeric pair alone is
/// a date only where one is expected, so it must open the text).
pub fn month_day(s: &str) -> Option<(MonthDay, usize, usize)> {
    let numeric = MONTH_DAY_NUMERIC.as_ref().and_then(|re| re.captures(s));
    let hanzi = MONTH_DAY_HANZI.as_ref().and_then(|re| re.captures(s));
    [numeric, hanzi].into_iter().flatten().find_map(|c| {
        let m0 = c.get(0)?;
        if glued(s, m0.start(), m0.end()) {
            return None;
        }
        let md = MonthDay {
            month: num(c.get(1))?,
            day: num(c.get(2))?,
            time: clock(num(c.get(3)), num(c.get(4)), num(c.get(5))),
        };
        // Any leap year admits every month-day pair that exists at all.
        let ok = NaiveDate::from_ymd_opt(2000, md.month, md.day).is_some()
            && md.time.is_none_or(|(h, m, s)| h < 24 && m < 60 && s < 60);
        ok.then_some((md, m0.start(), m0.end()))
    })
}

static ENGLISH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let month = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?";
    Regex::new(&format!(
        r"\b(?:{month}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})|(\d{{1,2}})\s+{month},?\s+(\d{{4}}))\b"
    ))
    .ok()
});

/// The month a `Jan`, `Sept`, `December` names, 1–12.
fn english_month(m: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = m.to_ascii_lowercase();
    let k = MONTHS.iter().position(|x| m.starts_with(x))?;
    u32::try_from(k + 1).ok()
}

/// The first date written in English in `s` (`May 1, 2020`, `Jan. 5, 2024`,
/// `5 January 2024`), as aggregators show a Chinese article's date, with
/// its byte range. A month name must be one, in full or cut short:
/// `Mayor 1, 2020` is none.
pub fn english_date(s: &str) -> Option<(Shown, usize, usize)> {
    let re = ENGLISH.as_ref()?;
    re.captures_iter(s).take(MAX_TRIES).find_map(|c| {
        let m0 = c.get(0)?;
        let (name, day, year) = match (c.get(1), c.get(4)) {
            (Some(n), _) => (n, c.get(2)?, c.get(3)?),
            (None, Some(d)) => (c.get(5)?, d, c.get(6)?),
            _ => return None,
        };
        let word = m0.as_str().get(name.start() - m0.start()..)?;
        let word: String = word.chars().take_while(char::is_ascii_alphabetic).collect();
        let full = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        let lower = word.to_ascii_lowercase();
        if !full.iter().any(|f| f.starts_with(lower.as_str())) {
            return None;
        }
        let d = Shown {
            year: year.as_str().parse().ok()?,
            month: english_month(name.as_str())?,
            day: day.as_str().parse().ok()?,
            time: None,
        };
        d.valid().then_some((d, m0.start(), m0.end()))
    })
}

/// Every `M月D日` in `s` with its byte range, in order, as written (the
/// caller judges the numbers): datelines (`1月5日电`) are found this way.
pub fn month_days(s: &str) -> impl Iterator<Item = (u32, u32, usize, usize)> + '_ {
    MONTH_DAY_HANZI
        .as_ref()
        .into_iter()
        .flat_map(move |re| re.captures_iter(s))
        .filter_map(|c| {
            let m0 = c.get(0)?;
            // The date alone: a dateline's verb follows the `日`.
            let end = m0.start() + m0.as_str().find('日')? + '日'.len_utf8();
            Some((num(c.get(1))?, num(c.get(2))?, m0.start(), end))
        })
}

/// The date in a URL's path: `/2024/0105/`, `/202401/t20240105_123.html`,
/// `/c/2019-11-25/doc-…`, `/a/20200911/…`, `/2019-12/10/c_…`; or only the
/// year and month (`/news/201909/1220000.shtml`). The host and query are
/// not read: hosts and ids carry digits that are no date.
pub fn url_date(url: &str) -> Option<UrlDate> {
    let path = match url.find("://") {
        Some(i) => {
            let rest = url.get(i + 3..)?;
            rest.get(rest.find('/')?..)?
        }
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    if let Some(c) = URL_DAY.as_ref().and_then(|re| re.captures(path)) {
        let d = UrlDate {
            year: i32::try_from(num(c.get(1))?).ok()?,
            month: num(c.get(2))?,
            day: num(c.get(3)),
        };
        if d.shown().is_some() {
            return Some(d);
        }
    }
    let c = URL_MONTH.as_ref()?.captures(path)?;
    let d = UrlDate {
        year: i32::try_from(num(c.get(1))?).ok()?,
        month: num(c.get(2))?,
        day: None,
    };
    (1..=12).contains(&d.month).then_some(d)
}

/// Reads a value that holds a date or time (a `<meta>` tag, a JSON-LD
/// field): `2024-01-09T10:32:00+08:00`, `2024-01-09T02:32:00.000Z`,
/// `2024-01-09 10:32`, `2024年1月9日`. Returns RFC 3339 with the value's own
/// offset, or `default_offset` when it gives none; an ISO date when no time
/// is given. The first date in the value is read.
pub fn format_timestamp(v: &str, default_offset: &str, roc_year_max: i32) -> Option<String> {
    timestamp(v, default_offset, roc_year_max).map(|(s, _, _)| s)
}

/// [`format_timestamp`] for a value that must be nothing but a date or
/// time (a crawler's hint): `None` when anything precedes or follows it.
pub fn format_exact_timestamp(v: &str, default_offset: &str, roc_year_max: i32) -> Option<String> {
    let v = v.trim();
    let (s, start, rest) = timestamp(v, default_offset, roc_year_max)?;
    (start == 0 && rest.trim().is_empty()).then_some(s)
}

/// The formatted timestamp, where its date starts in `v`, and what follows
/// it (after the offset).
fn timestamp<'a>(
    v: &'a str,
    default_offset: &str,
    roc_year_max: i32,
) -> Option<(String, usize, &'a str)> {
    let (d, start, end) = find_date(v, roc_year_max)?;
    let rest = v.get(end..).unwrap_or("");
    if d.time.is_none() {
        return Some((d.format(""), start, rest));
    }
    let rest = rest.trim_start();
    // Fractions of a second carry no meaning here.
    let rest = rest
        .strip_prefix('.')
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
        .unwrap_or(rest);
    if let Some(after) = rest.strip_prefix(['Z', 'z']) {
        return Some((d.format("+00:00"), start, after));
    }
    if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-') {
        let tail = rest.get(1..).unwrap_or("");
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(tail.len());
        let digits: String = tail
            .get(..len)
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .take(4)
            .collect();
        let offset = match (digits.get(..2), digits.get(2..4)) {
            (Some(h), Some(m)) => format!("{sign}{h}:{m}"),
            (Some(h), None) => format!("{sign}{h}:00"),
            _ => return Some((d.format(default_offset), start, rest)),
        };
        return Some((d.format(&offset), start, tail.get(len..).unwrap_or("")));
    }
    Some((d.format(default_offset), start, rest))
}

#[cfg(test)]
mod tests {

    /// The patterns are literals held as `Option` so that no input path can
    /// panic on them; a literal that stopped compiling would silently turn
    /// its reader off, so each is checked here instead.
    #[test]
    fn every_literal_pattern_compiles() {
        assert!(super::GREGORIAN.is_some(), "GREGORIAN");
        assert!(super::ROC.is_some(), "ROC");
        assert!(super::HANZI.is_some(), "HANZI");
        assert!(super::SHORT_YEAR.is_some(), "SHORT_YEAR");
        assert!(super::MONTH_DAY_HANZI.is_some(), "MONTH_DAY_HANZI");
        assert!(super::MONTH_DAY_NUMERIC.is_some(), "MONTH_DAY_NUMERIC");
        assert!(super::URL_DAY.is_some(), "URL_DAY");
        assert!(super::URL_MONTH.is_some(), "URL_MONTH");
        assert!(super::ENGLISH.is_some(), "ENGLISH");
    }

    #[test]
    fn a_number_after_a_space_is_not_glued_to_the_date() {
        let (d, start, end) =
            super::find_date("2022-10-26 3hk香港自由行 大公文匯", 200).expect("a date");
        assert_eq!((d.year, d.month, d.day, start, end), (2022, 10, 26, 0, 10));
        assert!(super::find_date("2022-10-263", 200).is_none(), "glued");
    }
    use super::*;

    fn date(s: &str) -> Option<String> {
        find_date(s, ROC_YEAR_MAX).map(|(d, _, _)| d.format("+08:00"))
    }

    #[test]
    fn full_dates_in_their_common_forms() {
        assert_eq!(date("2024年1月5日").as_deref(), Some("2024-01-05"));
        assert_eq!(date("发布：2024-01-05").as_deref(), Some("2024-01-05"));
        assert_eq!(date("2024/1/5").as_deref(), Some("2024-01-05"));
        assert_eq!(date("2024.01.05").as_deref(), Some("2024-01-05"));
        assert_eq!(
            date("2024-01-09 10:32:26").as_deref(),
            Some("2024-01-09T10:32:26+08:00")
        );
        assert_eq!(
            date("2019年06月15日08:18  来源：").as_deref(),
            Some("2019-06-15T08:18:00+08:00")
        );
        assert_eq!(
            date("2024年1月9日 下午3:20").as_deref(),
            Some("2024-01-09T15:20:00+08:00")
        );
        assert_eq!(
            date("2025年12月24日 星期三 10:05").as_deref(),
            Some("2025-12-24T10:05:00+08:00")
        );
        assert_eq!(date("二〇二四年一月九日").as_deref(), Some("2024-01-09"));
        // The first valid one wins over an impossible one before it.
        assert_eq!(
            date("2024年13月40日 2024年2月29日").as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(date("2023-02-29"), None);
        // Digits glued on either side make an id, not a date.
        assert_eq!(date("编号12024-01-05"), None);
        assert_eq!(date("2024-01-051"), None);
        // A count run in after `日` is not part of the date.
        assert_eq!(date("2019年02月23日447未知").as_deref(), Some("2019-02-23"));
        assert_eq!(date("今年1至9月"), None);
        assert_eq!(date("1月5日电"), None);
    }

    #[test]
    fn english_dates_as_aggregators_print_them() {
        let en = |s: &str| english_date(s).map(|(d, _, _)| d.format("+08:00"));
        assert_eq!(
            en("警方呼吁市民提防骗案 Mar 7, 2021 警方表示").as_deref(),
            Some("2021-03-07")
        );
        assert_eq!(en("Sept. 30, 2019").as_deref(), Some("2019-09-30"));
        assert_eq!(
            en("updated 12 December 2022").as_deref(),
            Some("2022-12-12")
        );
        assert_eq!(en("August 2nd, 2023").as_deref(), Some("2023-08-02"));
        // Not a month, or not a day of it.
        assert_eq!(en("Mayor 3, 2020"), None);
        assert_eq!(en("Feb 30, 2021"), None);
        assert_eq!(en("共3, 2020宗"), None);
    }

    #[test]
    fn roc_dates_on_taiwan_pages() {
        assert_eq!(date("發布日期：114年3月5日").as_deref(), Some("2025-03-05"));
        assert_eq!(date("民國113年1月5日").as_deref(), Some("2024-01-05"));
        assert_eq!(
            date("113年1月5日 14:30").as_deref(),
            Some("2024-01-05T14:30:00+08:00")
        );
        // `2024年` is not ROC year 24 read from its tail.
        assert_eq!(date("2024年1月5日").as_deref(), Some("2024-01-05"));
        // Above the bound a bare `YYY年` is not a year.
        assert_eq!(find_date("250年1月5日", 200), None);
        assert!(find_date("民國250年1月5日", 200).is_some());
    }

    #[test]
    fn two_digit_years_only_at_the_start() {
        let d = short_year_date("18-03-08 23:16").map(|(d, _)| d.format("+08:00"));
        assert_eq!(d.as_deref(), Some("2018-03-08T23:16:00+08:00"));
        // Inline elements glued together in a page's text.
        let d = short_year_date("18-03-0823:16").map(|(d, _)| d.format("+08:00"));
        assert_eq!(d.as_deref(), Some("2018-03-08T23:16:00+08:00"));
        assert_eq!(short_year_date("比分 24-01-05"), None);
        assert_eq!(short_year_date("24-13-05"), None);
        assert_eq!(short_year_date("124-01-05"), None);
    }

    #[test]
    fn year_less_dates_take_the_year_of_the_reference() {
        let r = NaiveDate::from_ymd_opt(2024, 1, 20).expect("date");
        let md = |s: &str| month_day(s).map(|(m, _, _)| m);
        let c = |s: &str| {
            md(s)
                .and_then(|m| m.complete(r))
                .map(|d| d.format("+08:00"))
        };
        assert_eq!(c("1月5日").as_deref(), Some("2024-01-05"));
        assert_eq!(
            c("10-08 12:00").as_deref(),
            Some("2023-10-08T12:00:00+08:00")
        );
        assert_eq!(c("09/07").as_deref(), Some("2023-09-07"));
        assert_eq!(c("1月20日").as_deref(), Some("2024-01-20"));
        // A numeric pair is a date only at the start; `月日` anywhere.
        assert_eq!(md("比分 3-2"), None);
        assert!(md("于1月5日发布").is_some());
        assert_eq!(md("13-40"), None);
        let all: Vec<_> = month_days("1月5日电 2月 3日讯")
            .map(|(m, d, _, _)| (m, d))
            .collect();
        assert_eq!(all, vec![(1, 5), (2, 3)]);
        let (_, _, start, end) = month_days("中新社1月5日 10:00电").next().expect("one");
        assert_eq!(&"中新社1月5日 10:00电"[start..end], "1月5日");
        // 29 February exists only in leap years.
        let leap = MonthDay {
            month: 2,
            day: 29,
            time: None,
        };
        assert_eq!(leap.complete(r), None);
        assert!(
            leap.complete(NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"))
                .is_some()
        );
    }

    #[test]
    fn dates_in_url_paths() {
        let u = |s: &str| url_date(s).map(|d| (d.year, d.month, d.day));
        assert_eq!(
            u("https://gaj.example.gov.cn/2024/0105/c123.html"),
            Some((2024, 1, Some(5)))
        );
        assert_eq!(
            u("http://www.example.gov.cn/xwzx/202401/t20240105_4421.html"),
            Some((2024, 1, Some(5)))
        );
        assert_eq!(
            u("https://news.sina.com.cn/c/2019-11-25/doc-iihnzahi3275702.shtml"),
            Some((2019, 11, Some(25)))
        );
        assert_eq!(
            u("http://nb.ifeng.com/a/20200911/14526474_0.shtml"),
            Some((2020, 9, Some(11)))
        );
        assert_eq!(
            u("http://www.xinhuanet.com/world/2019-12/10/c_1125327450.htm"),
            Some((2019, 12, Some(10)))
        );
        assert_eq!(
            u("https://ol.gamersky.com/news/201909/1220000.shtml"),
            Some((2019, 9, None))
        );
        // Hosts, ids and queries are not dates.
        assert_eq!(u("https://www.njxfhn.com/post/2740.html"), None);
        assert_eq!(u("https://a.example.com/c_1125327450.htm"), None);
        assert_eq!(u("https://20240105.example.com/a.html?d=20240105"), None);
        assert_eq!(u("https://a.example.com/2024/1399/x.html"), None);
        assert_eq!(u("https://a.example.com/doc-a20240105b.html"), None);
        assert_eq!(u("pages/000_9f20240105c1.txt"), None);
        let ym = url_date("https://x.example.com/news/201902/1.html").and_then(|d| d.latest());
        assert_eq!(ym, NaiveDate::from_ymd_opt(2019, 2, 28));
    }

    #[test]
    fn timestamps_keep_their_offset() {
        let f = |s: &str| format_exact_timestamp(s, "+08:00", ROC_YEAR_MAX);
        assert_eq!(
            f("2024-01-09T10:32:00+08:00").as_deref(),
            Some("2024-01-09T10:32:00+08:00")
        );
        assert_eq!(
            f("2024-01-09T02:32:00.000Z").as_deref(),
            Some("2024-01-09T02:32:00+00:00")
        );
        assert_eq!(
            f("2024-01-09T10:32:00-0500").as_deref(),
            Some("2024-01-09T10:32:00-05:00")
        );
        assert_eq!(
            f("2024-01-09 10:32").as_deref(),
            Some("2024-01-09T10:32:00+08:00")
        );
        assert_eq!(f("2024年1月5日").as_deref(), Some("2024-01-05"));
        assert_eq!(f(" 2024-01-09 ").as_deref(), Some("2024-01-09"));
        assert_eq!(f("yesterday"), None);
        assert_eq!(f("about 2024-01-09"), None);
        assert_eq!(f("2024-02-30"), None);
        assert_eq!(f("2024-01-09 and more"), None);
        // A tag value may carry words around its date.
        assert_eq!(
            format_timestamp("Published 2024-01-09", "+08:00", ROC_YEAR_MAX).as_deref(),
            Some("2024-01-09")
        );
    }
}

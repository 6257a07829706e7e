//! The publication date of a page, from the evidence a page gives.
//!
//! News pages show the date in an information bar next to the headline
//! (`2019-09-07 13:43:45 来源：…`, `发布时间：10-08 12:00`, `原创 某报
//! 2019-09-09 16:01:46`, `| 发布时间: 2018-05-17 |`, a year and a
//! `09/07` in separate elements). Pages also carry dates that are not the
//! article's: related-news lists and “more from this author” lists, comment
//! threads, footers (`Copyright 2005-2024`). So the bar is read only right
//! after the headline, up to where the text begins, and it comes before the
//! labelled lines of the page around the body (where those lists are);
//! only the page's date tags and the body's own labelled lines and
//! datelines come before it. The crawler's hint and a date in the URL come
//! last. A bar date without a year (`10-08`) takes it from another date the
//! page, the crawler or the URL gives.
//!
//! Every reader here looks at a bounded number of lines after at most
//! [`MAX_HEADLINES`] places, so the cost stays linear in the page.

use chrono::NaiveDate;

use super::config::Rules;
use super::html::HtmlExtract;
use super::text::cjk_count;
use crate::text::date::{self, MonthDay, Shown};

/// Occurrences of the headline whose following lines are read.
const MAX_HEADLINES: usize = 4;

/// What the bar next to the headline shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarDate {
    /// A full date.
    Full(Shown),
    /// A date without its year, to be completed from a reference.
    YearLess(MonthDay),
}

impl BarDate {
    /// The full date, completing a year-less one from the first of
    /// `references` that admits it.
    pub fn resolve(self, references: &[NaiveDate]) -> Option<Shown> {
        match self {
            BarDate::Full(d) => Some(d),
            BarDate::YearLess(md) => references.iter().find_map(|r| md.complete(*r)),
        }
    }
}

/// Whitespace removed: the page text keeps the markup's spacing.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `line` is the headline `title` (both squashed): the same text,
/// the headline with a short label around it (`原创`, a mirror's
/// `[品牌]` prefix), or a truncated copy of it.
fn is_headline(line: &str, title: &str) -> bool {
    let (l, t) = (line.chars().count(), title.chars().count());
    if t < 4 || l < 4 {
        return false;
    }
    (l <= t + 12 && line.contains(title)) || (title.contains(line) && l * 5 >= t * 3 && l >= 8)
}

/// Whether a line is running text: the bar ends where the text begins.
fn is_running_text(line: &str, rules: &Rules) -> bool {
    cjk_count(line) >= rules.text.min_prose_cjk
        && line.contains(['，', '。', ',', '；'])
        && date::find_date(line, rules.meta.roc_year_max).is_none()
}

/// Whether a line links to the previous or next article (`上一篇：…`):
/// the date in it is that article's.
fn is_pager(line: &str, rules: &Rules) -> bool {
    rules
        .meta
        .pager_words
        .iter()
        .any(|w| !w.is_empty() && line.contains(w.as_str()))
}

/// The value after a date label (`发布时间：`, `时间:`) in `line`, if any.
fn labelled_value<'a>(line: &'a str, rules: &Rules) -> Option<&'a str> {
    rules
        .meta
        .date_labels
        .iter()
        .filter(|l| !l.is_empty())
        .find_map(|l| {
            let at = line.find(l.as_str())?;
            let after = line.get(at + l.len()..)?;
            let v = after.trim_start_matches([' ', ':', '：', '\u{3000}']);
            // `发表于10-08` needs no colon; `时间过得…` is no label.
            (v.len() < after.len() || l.ends_with(['于', '於'])).then_some(v)
        })
}

/// A date read from one line of the bar; `prev` is the line before it,
/// for a year shown apart from its month and day (`2019` / `09/07`).
fn bar_line_date(line: &str, prev: Option<&str>, rules: &Rules) -> Option<BarDate> {
    if let Some((d, _, _)) = date::find_date(line, rules.meta.roc_year_max) {
        return Some(BarDate::Full(d));
    }
    if let Some(v) = labelled_value(line, rules) {
        if let Some((d, _)) = date::short_year_date(v) {
            return Some(BarDate::Full(d));
        }
        if let Some((md, 0, _)) = date::month_day(v) {
            return Some(BarDate::YearLess(md));
        }
    }
    // A line that is only a month and day (`09/07`, `09月07日`).
    let only_date = line
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '/' | '-' | ':' | ' ' | '月' | '日'));
    if !only_date {
        return None;
    }
    let Some((md, 0, _)) = date::month_day(line) else {
        return None;
    };
    let year = prev
        .map(str::trim)
        .filter(|p| p.len() == 4)
        .and_then(|p| p.parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y));
    match year {
        Some(year) => {
            let d = Shown {
                year,
                month: md.month,
                day: md.day,
                time: md.time,
            };
            d.valid().then_some(BarDate::Full(d))
        }
        None => Some(BarDate::YearLess(md)),
    }
}

/// The date in the information bar after the headline: the first date in
/// the short lines that follow an occurrence of `title` in `lines`, before
/// the running text starts. Occurrences are tried in order; the first is
/// skipped when it opens the page (the `<title>` element, followed by
/// navigation rather than a bar).
pub fn headline_bar<'a>(
    lines: impl Iterator<Item = &'a str>,
    title: &str,
    rules: &Rules,
) -> Option<BarDate> {
    bar_after(lines, title, true, rules)
}

/// [`headline_bar`]; `skip_opening` skips a headline on the first line.
fn bar_after<'a>(
    lines: impl Iterator<Item = &'a str>,
    title: &str,
    skip_opening: bool,
    rules: &Rules,
) -> Option<BarDate> {
    let title = squash(title);
    let title_head = title.chars().next();
    let max_lines = rules.meta.bar_lines;
    let max_chars = rules.meta.bar_max_chars;
    let mut headlines = 0;
    // Lines left to read after the latest headline, the line before, and a
    // year-less date that a full one further down the bar would beat.
    let mut left = 0usize;
    let mut prev: Option<String> = None;
    let mut year_less: Option<BarDate> = None;
    let mut opening = skip_opening;
    for raw in lines {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let first = std::mem::take(&mut opening);
        let chars = line.chars().count();
        // Most lines share no character with the headline's ends: they are
        // told apart without building a squashed copy.
        let may_be_headline = chars <= max_chars
            && (title_head.is_some_and(|c| line.contains(c))
                || line.chars().next().is_some_and(|c| title.contains(c)));
        if may_be_headline && is_headline(&squash(line), &title) {
            if year_less.is_some() {
                break;
            }
            if first {
                continue;
            }
            headlines += 1;
            if headlines > MAX_HEADLINES {
                break;
            }
            left = max_lines;
            prev = None;
            continue;
        }
        if left == 0 {
            continue;
        }
        left -= 1;
        // The text, or a related-news or comment block, ends the bar; a
        // bar line may name the comments (`2024-01-05 来源：… 网友评论`).
        let footer = chars <= 30
            && rules.sets.stop.found_in(line)
            && date::find_date(line, rules.meta.roc_year_max).is_none();
        if footer || is_running_text(line, rules) {
            left = 0;
        } else if chars <= max_chars && !line.contains('。') && !is_pager(line, rules) {
            match bar_line_date(line, prev.as_deref(), rules) {
                Some(d @ BarDate::Full(_)) => return Some(d),
                Some(d) => year_less = year_less.or(Some(d)),
                None => {}
            }
            prev = Some(line.to_string());
        }
        if left == 0 && year_less.is_some() {
            break;
        }
    }
    year_less
}

/// Dates of `<meta>` tags that may lend a year to a year-less bar date:
/// keys naming a date or time (`dateUpdate`, `og:time`, `apub:time`).
pub fn tag_references<'a>(
    meta: impl Iterator<Item = (&'a str, &'a str)>,
    rules: &Rules,
) -> Vec<NaiveDate> {
    meta.filter(|(k, _)| {
        rules
            .meta
            .reference_key_words
            .iter()
            .any(|w| !w.is_empty() && k.contains(w.as_str()))
    })
    .filter_map(|(_, v)| date::find_date(v, rules.meta.roc_year_max))
    .filter_map(|(d, start, _)| (start == 0).then(|| d.date()).flatten())
    .take(8)
    .collect()
}

/// The date in the first of `urls` whose path has one, as a full date, and
/// the latest day it allows (its day, or the end of its month) as a
/// reference for year-less dates.
pub fn url_evidence<'a>(urls: impl Iterator<Item = &'a str>) -> (Option<Shown>, Option<NaiveDate>) {
    match urls.filter_map(date::url_date).next() {
        Some(u) => (u.shown(), u.latest()),
        None => (None, None),
    }
}

/// What is known of a page besides its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known<'a> {
    /// The URL the page came from.
    pub url: Option<&'a str>,
    /// The crawler's publication date, already checked and formatted.
    pub published: Option<&'a str>,
}

impl Known<'_> {
    fn hint_date(&self) -> Option<NaiveDate> {
        let (d, _, _) = date::find_date(self.published?, date::ROC_YEAR_MAX)?;
        d.date()
    }
}

/// The dates an HTML page gives, each from its own reader.
#[derive(Debug, Clone, Default)]
pub struct HtmlDates {
    /// From `<meta>` tags or JSON-LD, formatted.
    pub tag: Option<String>,
    /// From labelled lines and datelines of the body, formatted.
    pub in_body: Option<String>,
    /// From the information bar after the headline.
    pub bar: Option<BarDate>,
    /// From labelled lines of the page text around the body, formatted.
    pub around_body: Option<String>,
}

/// The publication date of an HTML page: its tags, the body's own
/// labelled lines and datelines, the headline's bar, labelled lines around
/// the body, the crawler's date, and a date in its URL (the fetched one,
/// `<link rel=canonical>` or `og:url`), in that order. The bar comes before
/// the lines around the body, which also hold the related-news lists.
/// `reconcile` settles the bar's date with the text's dateline (a mirror's
/// own stamp against the day the text was filed).
pub fn choose_html(
    ex: &HtmlExtract,
    dates: HtmlDates,
    known: &Known<'_>,
    reconcile: &dyn Fn(Shown) -> Shown,
    rules: &Rules,
) -> Option<String> {
    let urls = known
        .url
        .into_iter()
        .chain(ex.meta_value("canonical"))
        .chain(ex.meta_value("og:url"));
    let (url_full, url_latest) = url_evidence(urls);
    let offset = rules.meta.default_offset.as_str();
    dates
        .tag
        .or(dates.in_body)
        .or_else(|| {
            let mut refs =
                tag_references(ex.meta.iter().map(|(k, v)| (k.as_str(), v.as_str())), rules);
            refs.extend(known.hint_date());
            refs.extend(url_latest);
            dates
                .bar?
                .resolve(&refs)
                .map(|d| reconcile(d).format(offset))
        })
        .or(dates.around_body)
        .or_else(|| known.published.map(str::to_string))
        .or_else(|| url_full.map(|d| d.format(offset)))
}

/// The publication date of a text page whose labelled lines and datelines
/// gave none: the bar after its headline (line `title` of `lines`), the
/// crawler's date, a date in its URL, or an English date by the headline.
pub fn fallback_text<'a>(
    lines: impl Iterator<Item = &'a str>,
    title: Option<&str>,
    known: &Known<'_>,
    rules: &Rules,
) -> Option<String> {
    let (url_full, url_latest) = url_evidence(known.url.into_iter());
    let offset = rules.meta.default_offset.as_str();
    let lines: Vec<&str> = lines.collect();
    title
        .and_then(|t| bar_after(lines.iter().copied(), t, false, rules))
        .and_then(|b| {
            let refs: Vec<NaiveDate> = known.hint_date().into_iter().chain(url_latest).collect();
            b.resolve(&refs)
        })
        .map(|d| d.format(offset))
        .or_else(|| known.published.map(str::to_string))
        .or_else(|| url_full.map(|d| d.format(offset)))
        .or_else(|| date_led_line(&lines, rules).map(|d| d.format(offset)))
        .or_else(|| closing_stamp(&lines, rules).map(|d| d.format(offset)))
        .or_else(|| english_near_headline(&lines, rules).map(|d| d.format(offset)))
}

/// Non-empty lines from the top of a text page in which an information bar
/// separated from the headline (by a lead paragraph, a share button) is
/// still looked for.
const TOP_LINES: usize = 12;

/// A short line among the first of the page that opens with a full date
/// (`2022-10-26 3hk香港自由行 大公文匯 阅读:`): an information bar that the
/// copy moved below the lead paragraph, where [`bar_after`] stops reading.
/// A date that opens a line of running text is an event, not a stamp.
fn date_led_line(lines: &[&str], rules: &Rules) -> Option<Shown> {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .take(TOP_LINES)
        .filter(|l| {
            l.chars().count() <= rules.meta.bar_max_chars
                && !l.contains('。')
                && !is_running_text(l, rules)
        })
        .find_map(|l| match date::find_date(l, rules.meta.roc_year_max) {
            Some((d, 0, _)) if d.valid() => Some(d),
            _ => None,
        })
}

/// A date with its time of day closing the page's text
/// (`…与去年同期相若。2022-12-12 19:08:03`): the stamp that broadcasters'
/// and aggregators' pages print after the article. Only with a time, and
/// only at the very end, since a bare date there may be the last event of
/// the story.
fn closing_stamp(lines: &[&str], rules: &Rules) -> Option<Shown> {
    let last = lines.iter().map(|l| l.trim()).rfind(|l| !l.is_empty())?;
    // The stamp is short; reading only the line's tail keeps this linear
    // and leaves dates earlier in the last paragraph alone.
    let tail_start = last
        .char_indices()
        .rev()
        .nth(CLOSING_TAIL_CHARS)
        .map_or(0, |(i, _)| i);
    let tail = &last[tail_start..];
    let mut found = None;
    let mut from = 0;
    while let Some((d, start, end)) = date::find_date(&tail[from..], rules.meta.roc_year_max) {
        found = Some((d, from + end));
        from += start + 1;
        while !tail.is_char_boundary(from) {
            from += 1;
        }
    }
    let (d, end) = found?;
    let rest = tail[end..].trim();
    // What may follow a stamp: a counter or a closing bracket (`(1)`).
    let only_trailer = rest.chars().count() <= 6 && !rest.chars().any(crate::text::chars::is_han);
    (d.time.is_some() && d.valid() && only_trailer).then_some(d)
}

/// Characters at the end of a page's last line searched for a closing stamp.
const CLOSING_TAIL_CHARS: usize = 40;

/// A date in English (`May 1, 2020`) in the headline's line or the bar's
/// lines after it, as aggregators print a Chinese article's date: the last
/// resort, when the page shows no date the Chinese way.
fn english_near_headline(lines: &[&str], rules: &Rules) -> Option<Shown> {
    lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .take(rules.meta.bar_lines + 1)
        .find_map(|l| date::english_date(l).map(|(d, _, _)| d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/clean.toml");
        match Rules::from_file(&path) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    fn bar(page: &str, title: &str) -> Option<String> {
        let r = rules();
        let refs = [NaiveDate::from_ymd_opt(2024, 3, 1).expect("date")];
        headline_bar(page.lines(), title, &r)
            .and_then(|b| b.resolve(&refs))
            .map(|d| d.format("+08:00"))
    }

    const TITLE: &str = "某市警方破获特大电信诈骗案";

    #[test]
    fn the_bar_after_the_headline_wins_over_lists_and_footers() {
        let page = format!(
            "{TITLE}_某某网\n首页\n今天是2024年2月29日\n{TITLE}\n分享到：\n2024-01-05 10:32:11\n\
             来源：某某日报\n1月4日，某市公安局通报，破获电信诈骗案件12起，抓获嫌疑人30名。\n\
             相关新闻\n另一条新闻2023-12-30\nCopyright 2005-2024"
        );
        assert_eq!(
            bar(&page, TITLE).as_deref(),
            Some("2024-01-05T10:32:11+08:00")
        );
    }

    #[test]
    fn bar_forms() {
        let with = |bar_line: &str| bar(&format!("导航\n{TITLE}\n{bar_line}\n正文"), TITLE);
        assert_eq!(
            with("原创 南方都市报 2024-01-05 16:01:46").as_deref(),
            Some("2024-01-05T16:01:46+08:00")
        );
        assert_eq!(
            with("| 发布时间: 2024-01-05 | 浏览次数: 2168").as_deref(),
            Some("2024-01-05")
        );
        assert_eq!(
            with("发表于2024-01-05 21:30|").as_deref(),
            Some("2024-01-05T21:30:00+08:00")
        );
        assert_eq!(with("发布时间：18-03-08").as_deref(), Some("2018-03-08"));
        assert_eq!(
            with("发表于01-05 21:30").as_deref(),
            Some("2024-01-05T21:30:00+08:00")
        );
        // Year-less: the reference (1 March 2024) lends its year.
        assert_eq!(with("发布时间：01-05").as_deref(), Some("2024-01-05"));
        assert_eq!(with("发布时间：10-08").as_deref(), Some("2023-10-08"));
        assert_eq!(
            bar(&format!("导航\n{TITLE}\n2024\n01/05\n19:02\n正文"), TITLE).as_deref(),
            Some("2024-01-05")
        );
        // A score or a count is not a date.
        assert_eq!(with("点赞 3-2"), None);
        // Links to the next article and related lists carry other dates.
        assert_eq!(with("上一篇：某县警方通报 2023-12-30"), None);
        assert_eq!(
            bar(
                &format!("导航\n{TITLE}\n相关新闻\n另一条新闻 2023-12-30\n"),
                TITLE
            ),
            None
        );
    }

    #[test]
    fn the_bar_ends_where_the_text_begins() {
        let page = format!(
            "导航\n{TITLE}\n某某日报\n记者从市公安局获悉，今年以来全市破获电诈案件120起，同比上升。\n2023-12-30"
        );
        assert_eq!(bar(&page, TITLE), None);
        // The `<title>` line opening the page is followed by navigation.
        assert_eq!(bar(&format!("{TITLE}\n2024-02-29\n"), TITLE), None);
        assert_eq!(
            bar(&format!("\n  \n{TITLE}\n今天是2024年2月29日\n"), TITLE),
            None
        );
        assert_eq!(bar("", TITLE), None);
        assert_eq!(bar("2024-01-05", ""), None);
    }

    #[test]
    fn an_english_date_by_the_headline_is_the_last_resort() {
        let r = rules();
        let run =
            |page: &str, known: &Known<'_>| fallback_text(page.lines(), Some(TITLE), known, &r);
        let page = format!("{TITLE} Dec 3, 2022 警方表示，今年以来共接获骗案报告130宗。");
        assert_eq!(run(&page, &Known::default()).as_deref(), Some("2022-12-03"));
        // The crawler's date comes first.
        let known = Known {
            url: None,
            published: Some("2022-12-04"),
        };
        assert_eq!(run(&page, &known).as_deref(), Some("2022-12-04"));
        // Far below the headline, in a related list, it is another article's.
        let far = format!(
            "{TITLE}\n{}另一篇 Dec 3, 2022",
            "正文一段\n".repeat(r.meta.bar_lines + 1)
        );
        assert_eq!(run(&far, &Known::default()), None);
    }

    /// A bar a copy moved below the lead paragraph, and a stamp closing the
    /// text, are read when nothing better is there; a date opening running
    /// text, or a bare date at the end, is an event.
    #[test]
    fn a_bar_below_the_lead_and_a_closing_stamp_are_read_last() {
        let r = rules();
        let run = |page: &str| fallback_text(page.lines(), Some(TITLE), &Known::default(), &r);
        let lead = "立法会今日举行会议,议员关注政府有否採取有效措施加强打击电话骗案,并询问当局有没有信心。";
        let page =
            format!("{TITLE}\n{lead}\n2022-10-26 3hk香港自由行 大公文匯 阅读: [复制网址]\n正文。");
        assert_eq!(run(&page).as_deref(), Some("2022-10-26"));
        let page = format!("{TITLE}\n{lead}\n2022年10月26日，警方共拘捕12人，涉款逾千万元。");
        assert_eq!(run(&page), None, "a date opening running text is an event");

        let page = format!("{TITLE}\n{lead}与去年同期相若。2022-12-1219:08:03(1)");
        assert_eq!(run(&page).as_deref(), Some("2022-12-12T19:08:03+08:00"));
        let page = format!("{TITLE}\n{lead}案发于2022-12-12。");
        assert_eq!(run(&page), None, "a bare date at the end is the story's");
    }

    #[test]
    fn headlines_match_with_labels_and_truncation() {
        let t = squash(TITLE);
        assert!(is_headline(&squash("原创 某市警方破获特大电信诈骗案"), &t));
        assert!(is_headline("[某品牌]某市警方破获特大电信诈骗案", &t));
        assert!(is_headline("某市警方破获特大电信", &t));
        assert!(!is_headline("某市", &t));
        assert!(!is_headline(
            &format!("{TITLE}，记者从市公安局获悉今年以来全市破获电诈案件"),
            &t
        ));
    }

    fn shown(y: i32, m: u32, d: u32) -> Shown {
        Shown {
            year: y,
            month: m,
            day: d,
            time: None,
        }
    }

    #[test]
    fn the_sources_of_a_date_in_order() {
        let r = rules();
        let ex = HtmlExtract {
            meta: vec![(
                "og:url".to_string(),
                "https://a.example.com/2024/0105/1.html".to_string(),
            )],
            ..HtmlExtract::default()
        };
        let same = |d: Shown| d;
        let none = Known::default();
        let pick = |dates: HtmlDates, known: &Known<'_>| choose_html(&ex, dates, known, &same, &r);
        let bar = Some(BarDate::Full(shown(2024, 1, 5)));
        // The bar beats labelled lines around the body (lists live there).
        let d = HtmlDates {
            bar,
            around_body: Some("2023-12-30".into()),
            ..HtmlDates::default()
        };
        assert_eq!(pick(d, &none).as_deref(), Some("2024-01-05"));
        // Tags and the body's own lines beat the bar.
        let d = HtmlDates {
            tag: Some("2024-01-04".into()),
            bar,
            ..HtmlDates::default()
        };
        assert_eq!(pick(d, &none).as_deref(), Some("2024-01-04"));
        // Without page dates: the crawler's, then the URL's.
        let hinted = Known {
            url: None,
            published: Some("2024-02-01"),
        };
        assert_eq!(
            pick(HtmlDates::default(), &hinted).as_deref(),
            Some("2024-02-01")
        );
        assert_eq!(
            pick(HtmlDates::default(), &none).as_deref(),
            Some("2024-01-05")
        );
        // A year-less bar takes the hint's year before the URL's.
        let d = HtmlDates {
            bar: Some(BarDate::YearLess(MonthDay {
                month: 12,
                day: 30,
                time: None,
            })),
            ..HtmlDates::default()
        };
        assert_eq!(pick(d.clone(), &hinted).as_deref(), Some("2023-12-30"));
        // The dateline reconciliation applies to the bar.
        let filed = |_: Shown| shown(2023, 12, 29);
        assert_eq!(
            choose_html(&ex, d, &hinted, &filed, &r).as_deref(),
            Some("2023-12-29")
        );
    }

    #[test]
    fn references_from_tags_and_urls() {
        let r = rules();
        let meta = [
            ("dateupdate", "2019-10-08 12:00:57"),
            ("author", "2019"),
            ("og:time", "x"),
        ];
        assert_eq!(
            tag_references(meta.iter().copied(), &r),
            vec![NaiveDate::from_ymd_opt(2019, 10, 8).expect("date")]
        );
        let (full, latest) = url_evidence(
            [
                "page.html",
                "https://ol.example.com/news/201909/1220000.shtml",
            ]
            .into_iter(),
        );
        assert_eq!(full, None);
        assert_eq!(latest, NaiveDate::from_ymd_opt(2019, 9, 30));
    }
}

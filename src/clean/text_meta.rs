//! Page metadata read from text lines: publication date, credited outlet,
//! author, and headline trimming.

use std::sync::LazyLock;

use regex::Regex;

use super::config::Rules;
pub use super::line_date::{find_date, split_date_prefix, starts_with_date};
use super::text::{
    Analysis, Kind, Line, cjk_count, is_breadcrumb, last_bracket, starts_with_label,
};

pub use crate::text::date::Shown;
use crate::text::date::{self, hanzi_small};

static DAY_ONLY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"([\d一二三四五六七八九十廿卅]{1,3})日").ok());
static COPYRIGHT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)copyright\s*(?:©|\(c\)|\?)?\s*(?:\d{4}(?:\s*-\s*\d{4})?)?\s*([a-z0-9][a-z0-9.\-]*\.[a-z]{2,})")
        .ok()
});

/// Metadata found on a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMeta {
    /// Publication date or time, formatted.
    pub published: Option<String>,
    /// The credited outlet.
    pub source: Option<String>,
    /// The credited author or editor.
    pub author: Option<String>,
}

/// A dateline at the start of a paragraph: `人民網呼和浩特8月19日電`,
/// `中新社 北京1月5日电`, `【香港中通社十日電】`.
#[derive(Debug, Clone, PartialEq)]
struct Dateline {
    outlet: Option<String>,
    month: Option<u32>,
    day: u32,
}

fn dateline(s: &str, rules: &Rules) -> Option<Dateline> {
    let m = &rules.meta;
    let head: String = s.chars().take(40).collect();
    // `人民网北京 1 月 5 日电`, `１月５日電`: read as plainly written.
    let head = crate::text::typography::normalize(&head).text();
    let head = head.trim_start_matches(['【', '〔', '[', ' ']);
    let mut found: Option<(usize, Option<u32>, u32)> = None;
    for (month, day, start, end) in date::month_days(head) {
        let rest = head.get(end..).unwrap_or("");
        if m.dateline_verbs
            .iter()
            .any(|v| rest.starts_with(v.as_str()))
        {
            found = Some((start, Some(month), day));
            break;
        }
    }
    if found.is_none()
        && let Some(re) = DAY_ONLY.as_ref()
    {
        for c in re.captures_iter(head) {
            let Some(m0) = c.get(0) else { continue };
            let rest = head.get(m0.end()..).unwrap_or("");
            if m.dateline_verbs
                .iter()
                .any(|v| rest.starts_with(v.as_str()))
                && let Some(d) = c.get(1).and_then(|d| hanzi_small(d.as_str()))
            {
                found = Some((m0.start(), None, d));
                break;
            }
        }
    }
    let (pos, month, day) = found?;
    let prefix = head.get(..pos)?.trim();
    if prefix.chars().count() > 20
        || prefix.contains(['，', ',', '。', '：', ':', '；'])
        || !(1..=31).contains(&day)
    {
        return None;
    }
    Some(Dateline {
        outlet: outlet_prefix(prefix, rules),
        month,
        day,
    })
}

/// The shortest head of `s` that ends like an outlet name (`人民網` in
/// `人民網呼和浩特`).
fn outlet_prefix(s: &str, rules: &Rules) -> Option<String> {
    let m = &rules.meta;
    let mut best: Option<usize> = None;
    for suf in &m.outlet_suffixes {
        if suf.is_empty() {
            continue;
        }
        if let Some(i) = s.find(suf.as_str()) {
            let end = i + suf.len();
            if best.is_none_or(|b| end < b) {
                best = Some(end);
            }
        }
    }
    let name = s.get(..best?)?.trim();
    (cjk_count(name) >= 2 && !is_non_source(name, rules)).then(|| name.to_string())
}

fn is_non_source(s: &str, rules: &Rules) -> bool {
    let m = &rules.meta;
    m.non_source
        .iter()
        .any(|n| !n.is_empty() && s.starts_with(n.as_str()))
        || m.non_source_exact.iter().any(|n| n == s.trim())
}

/// The value after a label on a line, up to the next label or separator.
fn label_value(
    line: &str,
    labels: &[String],
    rules: &Rules,
    stop_at_space: bool,
) -> Option<String> {
    // Longest label first, so `责任编辑` wins over `编辑`.
    let mut sorted: Vec<&String> = labels.iter().filter(|l| !l.is_empty()).collect();
    sorted.sort_by_key(|l| std::cmp::Reverse(l.len()));
    let mut hit: Option<(usize, usize)> = None;
    for l in sorted {
        let mut from = 0;
        while let Some(i) = line.get(from..).and_then(|t| t.find(l.as_str())) {
            let at = from + i;
            let after = line.get(at + l.len()..).unwrap_or("");
            let t = after.trim_start();
            if t.starts_with([':', '：', '|', '｜']) && hit.is_none_or(|(h, _)| at < h) {
                hit = Some((at, at + l.len()));
            }
            from = at + l.len();
        }
    }
    let (_, end) = hit?;
    let rest = line.get(end..)?.trim_start();
    let rest = rest.get(rest.chars().next()?.len_utf8()..)?.trim_start();
    let mut cut = rest.len();
    for l in &rules.meta.all_labels {
        if l.is_empty() {
            continue;
        }
        if let Some(i) = rest.find(l.as_str())
            && i > 0
        {
            cut = cut.min(i);
        }
    }
    for (i, c) in rest.char_indices() {
        let stop = matches!(
            c,
            '|' | '｜' | '[' | ']' | '【' | '】' | '(' | '（' | ')' | '）'
        ) || (stop_at_space && c == ' ');
        if stop {
            cut = cut.min(i);
            break;
        }
    }
    let v = rest.get(..cut)?.trim();
    Some(v.to_string())
}

/// Cuts a trailing date or time off a value (`人民日报2021-10-29 17:41`).
fn strip_trailing_date(v: &str, rules: &Rules) -> String {
    match find_date(v, rules) {
        Some((_, start, _)) => v.get(..start).unwrap_or(v).trim().to_string(),
        None => v.to_string(),
    }
}

fn source_from_labels(lines: &[Line], rules: &Rules) -> Option<String> {
    lines
        .iter()
        .filter(|l| l.kind == Kind::Meta)
        .filter_map(|l| label_value(&l.text, &rules.meta.source_labels, rules, true))
        .map(|v| strip_trailing_date(&v, rules))
        // `来源：采写：南都`: a second label inside the value.
        .map(|v| match v.rsplit_once([':', '：']) {
            Some((_, tail)) if cjk_count(tail) >= 2 => tail.trim().to_string(),
            _ => v,
        })
        .find(|v| cjk_count(v) >= 2 && !is_non_source(v, rules))
}

fn bracket_credit(text: &str, rules: &Rules) -> Option<String> {
    let rest = text
        .strip_prefix('【')
        .or_else(|| text.strip_prefix('〔'))?;
    let end = rest.find(['】', '〕'])?;
    let inner = rest.get(..end)?.trim();
    if is_non_source(inner, rules) {
        return None;
    }
    // `香港中通社十日電`: drop the date and verb.
    let name = match dateline(inner, rules) {
        Some(d) => d.outlet?,
        None => inner.to_string(),
    };
    let outlet_like = rules
        .meta
        .outlet_suffixes
        .iter()
        .any(|s| !s.is_empty() && name.ends_with(s.as_str()));
    (outlet_like && cjk_count(&name) >= 2 && name.chars().count() <= 16).then_some(name)
}

/// `神农架新闻网(神农架融媒体中心)(记者 吴冠宇 …)针对…`: an outlet that
/// opens the first paragraph, right before a bracketed byline, credits
/// the article as a byline line would.
fn lead_byline(text: &str, rules: &Rules) -> Option<String> {
    let open = text.find(['(', '（'])?;
    let name = text.get(..open)?.trim().trim_end_matches(['讯', '訊']);
    let window: String = text.get(open..)?.chars().take(40).collect();
    let bylined = rules
        .meta
        .byline_words
        .iter()
        .any(|w| !w.is_empty() && window.contains(w.as_str()));
    let outlet_like = rules
        .meta
        .outlet_suffixes
        .iter()
        .any(|s| !s.is_empty() && name.ends_with(s.as_str()));
    (bylined
        && outlet_like
        && cjk_count(name) >= 2
        && name.chars().count() <= 16
        && !is_non_source(name, rules))
    .then(|| name.to_string())
}

fn byline_parts(text: &str, rules: &Rules) -> Option<(Option<String>, Option<String>)> {
    let m = &rules.meta;
    let mut words: Vec<&String> = m.byline_words.iter().filter(|w| !w.is_empty()).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let (pos, w) = words
        .iter()
        .filter_map(|w| text.find(w.as_str()).map(|i| (i, w.len())))
        .min_by_key(|&(i, _)| i)?;
    let before = text.get(..pos)?;
    // `采写：南都记者 余毅菁`: a label before the outlet.
    let before = before
        .rsplit_once([':', '：'])
        .map_or(before, |(_, tail)| tail);
    let outlet = before
        .split(['、', '／', '/', ' ', '·'])
        .map(str::trim)
        // `臨汾新聞網訊(記者 范韶華)`: the outlet's news-flash mark and the
        // bracket opening the byline are not its name.
        .map(|s| {
            s.trim_end_matches(['(', '（'])
                .trim_end_matches(['讯', '訊'])
        })
        .find(|s| !s.is_empty())
        .filter(|s| cjk_count(s) + s.chars().filter(char::is_ascii_alphabetic).count() >= 2)
        .filter(|s| !is_non_source(s, rules))
        .map(str::to_string);
    let after = text.get(pos + w..)?.trim_start();
    let mut name: String = after
        .chars()
        .take_while(|c| !matches!(c, '／' | '/' | ' ' | ':' | '：' | ')' | '）'))
        .collect();
    for end in &m.byline_ends {
        if let Some(stripped) = name.strip_suffix(end.as_str()) {
            name = stripped.to_string();
        }
    }
    let author = (cjk_count(&name) >= 2 && name.chars().count() <= 5).then_some(name);
    Some((outlet, author))
}

fn source_from_bylines(lines: &[Line], rules: &Rules) -> Option<String> {
    lines
        .iter()
        .filter(|l| l.kind == Kind::Meta)
        .filter(|l| {
            rules
                .meta
                .byline_words
                .iter()
                .any(|w| !w.is_empty() && l.text.contains(w.as_str()))
        })
        .find_map(|l| byline_parts(&l.text, rules).and_then(|(o, _)| o))
}

fn source_from_journal(lines: &[Line]) -> Option<String> {
    lines.iter().filter(|l| l.kind == Kind::Meta).find_map(|l| {
        let (name, issue) = l.text.rsplit_once(' ')?;
        (issue.ends_with('期') && issue.contains('年') && cjk_count(name) >= 2)
            .then(|| name.trim().to_string())
    })
}

/// The site a breadcrumb trail starts from (`山西新闻网>>融媒·专题>>…`,
/// `您所在的位置:东南网 > 福清频道 > 正文`): the outlet that published the
/// page, where no line credits one. Only a trail above the body counts,
/// and only a first step named like an outlet (`…网`, `…报`), not `首页`.
fn source_from_breadcrumb(a: &Analysis, rules: &Rules) -> Option<String> {
    let above = a.body.first().copied().unwrap_or(a.lines.len());
    a.lines.iter().take(above).find_map(|l| {
        let t = l.text.trim();
        if !is_breadcrumb(t) {
            return None;
        }
        let first_sep = t.find(['>', '›', '»', '＞']).unwrap_or(t.len());
        // A label before the trail (`当前位置：`) ends at its colon.
        let head = t.get(..first_sep)?;
        let step = head
            .rsplit_once([':', '：'])
            .map_or(head, |(_, after)| after)
            .trim();
        let outlet = rules
            .meta
            .outlet_suffixes
            .iter()
            .any(|suf| !suf.is_empty() && step.ends_with(suf.as_str()));
        (outlet
            && cjk_count(step) >= 2
            && step.chars().count() <= 12
            && !is_non_source(step, rules))
        .then(|| step.to_string())
    })
}

fn source_from_category(lines: &[Line], rules: &Rules) -> Option<String> {
    let i = lines
        .iter()
        .position(|l| rules.meta.category_headers.contains(&l.text))?;
    let next = lines.iter().skip(i + 1).find(|l| !l.text.is_empty())?;
    let mut t = next.text.as_str();
    for b in &rules.chrome.bullet_prefixes {
        if let Some(s) = t.strip_prefix(b.as_str()) {
            t = s.trim();
        }
    }
    (cjk_count(t) >= 2 && t.chars().count() <= 16).then(|| t.to_string())
}

fn trailing_credit(body_last: &str, rules: &Rules) -> Option<String> {
    let inner = last_bracket(body_last.trim_end_matches([' ', '。']))?.trim();
    let ok = cjk_count(inner) >= 2
        && inner.chars().count() <= 14
        && !inner.contains(['，', ',', '、', ' '])
        && rules
            .meta
            .credit_suffixes
            .iter()
            .any(|s| !s.is_empty() && inner.ends_with(s.as_str()))
        && !rules.sets.caption_markers.found_in(inner);
    ok.then(|| inner.to_string())
}

fn source_from_copyright(lines: &[Line]) -> Option<String> {
    let re = COPYRIGHT.as_ref()?;
    lines.iter().find_map(|l| {
        re.captures(&l.text)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().trim_end_matches('.').to_string())
    })
}

fn author_from_lines(lines: &[Line], rules: &Rules) -> Option<String> {
    for l in lines.iter().filter(|l| l.kind == Kind::Meta) {
        if let Some(v) = label_value(&l.text, &rules.meta.author_labels, rules, false) {
            let v = v.trim();
            // `梅   晶` is a two-character name spaced out.
            let v = if cjk_count(v) <= 4 {
                v.replace(' ', "")
            } else {
                v.split(' ').next().unwrap_or(v).to_string()
            };
            // `杜硕_NB12556`, `韩保林 PK155`: an editor's staff code follows
            // the name.
            let v = v.split('_').next().unwrap_or("").trim();
            let v = if cjk_count(v) >= 2 {
                v.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == ' ')
            } else {
                v
            };
            let v = v.to_string();
            if cjk_count(&v) >= 2 && v.chars().count() <= 12 {
                return Some(v);
            }
        }
        if rules
            .meta
            .byline_words
            .iter()
            .any(|w| !w.is_empty() && l.text.contains(w.as_str()))
            && let Some((_, Some(a))) = byline_parts(&l.text, rules)
        {
            return Some(a);
        }
    }
    None
}

/// Reads the metadata of an analysed text page.
pub fn extract(a: &Analysis, rules: &Rules) -> PageMeta {
    let ordered = meta_lines_by_nearness(a);
    let head = ordered.as_slice();
    let prose: Vec<&Line> = a
        .body
        .iter()
        .filter_map(|&i| a.lines.get(i))
        .filter(|l| l.kind == Kind::Prose)
        .take(3)
        .collect();
    let dl = prose.iter().find_map(|l| dateline(&l.text, rules));

    let source = source_from_labels(head, rules)
        .or_else(|| prose.iter().find_map(|l| bracket_credit(&l.text, rules)))
        .or_else(|| prose.first().and_then(|l| lead_byline(&l.text, rules)))
        .or_else(|| dl.as_ref().and_then(|d| d.outlet.clone()))
        .or_else(|| source_from_bylines(head, rules))
        .or_else(|| source_from_journal(head))
        .or_else(|| source_from_category(&a.lines, rules))
        .or_else(|| {
            a.body
                .last()
                .and_then(|&i| a.lines.get(i))
                .and_then(|l| trailing_credit(&l.text, rules))
        })
        .or_else(|| source_from_breadcrumb(a, rules))
        .or_else(|| source_from_copyright(&a.lines));

    let labelled = head
        .iter()
        .filter(|l| l.kind == Kind::Meta)
        .find_map(|l| find_date(&l.text, rules).map(|(d, _, _)| d));
    let published = combine_dates(labelled, dl.as_ref(), &a.lines, rules)
        .map(|d| d.format(&rules.meta.default_offset));

    PageMeta {
        published,
        source,
        author: author_from_lines(head, rules),
    }
}

/// Reconciles a date shown outside the text (the headline's bar) with the
/// dateline of the article's first paragraphs, as a labelled date is: a
/// mirror's own stamp loses to the dateline's day when they are days apart.
pub fn reconcile_with_dateline(shown: Shown, a: &Analysis, rules: &Rules) -> Shown {
    let dl = a
        .body
        .iter()
        .filter_map(|&i| a.lines.get(i))
        .filter(|l| l.kind == Kind::Prose)
        .take(3)
        .find_map(|l| dateline(&l.text, rules));
    combine_dates(Some(shown), dl.as_ref(), &[], rules).unwrap_or(shown)
}

/// The metadata lines before the footer, the article's own first: those
/// from the headline (or the first paragraph) down, then those above it,
/// nearest first. A sidebar's `来源:`/date lines above the article lose to
/// the article's.
fn meta_lines_by_nearness(a: &Analysis) -> Vec<Line> {
    let head = a.header_and_body();
    let anchor = a
        .title
        .or_else(|| a.body.first().copied())
        .unwrap_or(0)
        .min(head.len());
    let (above, below) = head.split_at(anchor);
    below
        .iter()
        .chain(above.iter().rev())
        .filter(|l| l.kind == Kind::Meta)
        .cloned()
        .collect()
}

/// Reconciles the page's labelled date with the dateline of the text.
///
/// A mirror's `发布时间` may be the copy date, not the article's: when the
/// dateline (`1月5日电`) disagrees, the dateline's month and day win and the
/// labelled date only lends its year. Without a labelled date, a dateline
/// takes its year from a full date elsewhere on the page with the same
/// month and day, and otherwise stays unresolved.
fn combine_dates(
    labelled: Option<Shown>,
    dl: Option<&Dateline>,
    lines: &[Line],
    rules: &Rules,
) -> Option<Shown> {
    match (labelled, dl) {
        (Some(d), Some(dl)) => {
            let month = dl.month.unwrap_or(d.month);
            if month == d.month && dl.day == d.day {
                return Some(d);
            }
            let year = if (month, dl.day) <= (d.month, d.day) {
                d.year
            } else {
                d.year - 1
            };
            let out = Shown {
                year,
                month,
                day: dl.day,
                time: None,
            };
            if !out.valid() {
                return Some(d);
            }
            // A paper printed the morning after its `十日電` dateline keeps
            // its own date; only a copy made much later (a mirror) does not.
            let gap = days_between(&out, &d).unwrap_or(0);
            if gap <= rules.meta.dateline_grace_days {
                Some(d)
            } else {
                Some(out)
            }
        }
        (Some(d), None) => Some(d),
        (None, Some(dl)) => {
            let month = dl.month?;
            lines.iter().find_map(|l| {
                find_date(&l.text, rules)
                    .map(|(d, _, _)| d)
                    .filter(|d| d.month == month && d.day == dl.day)
                    .map(|d| Shown { time: None, ..d })
            })
        }
        (None, None) => None,
    }
}

fn days_between(a: &Shown, b: &Shown) -> Option<i64> {
    let a = chrono::NaiveDate::from_ymd_opt(a.year, a.month, a.day)?;
    let b = chrono::NaiveDate::from_ymd_opt(b.year, b.month, b.day)?;
    Some((b - a).num_days())
}

/// Trims a headline: known prefixes (`正在阅读:`) and site names appended
/// after a separator (`…_新闻中心_某某网`, `… - 中新网`).
pub fn clean_title(title: &str, rules: &Rules) -> String {
    let m = &rules.meta;
    let mut t = title.trim().to_string();
    for p in &m.title_strip_prefixes {
        if let Some(s) = t.strip_prefix(p.as_str()) {
            t = s.trim().to_string();
        }
    }
    loop {
        let mut changed = false;
        // `…封闭！_网易订阅`: what follows an underscore is always the site.
        for sep in &m.always_site_separators {
            if sep.is_empty() {
                continue;
            }
            if let Some(i) = t.rfind(sep.as_str()) {
                let head = t.get(..i).unwrap_or("").trim();
                let tail = t.get(i + sep.len()..).unwrap_or("").trim();
                if cjk_count(head) >= 4 && tail.chars().count() <= 20 {
                    t = head.to_string();
                    changed = true;
                    break;
                }
            }
        }
        if changed {
            continue;
        }
        for sep in &m.site_separators {
            if sep.is_empty() {
                continue;
            }
            let Some(i) = t.rfind(sep.as_str()) else {
                continue;
            };
            let (head, tail) = (
                t.get(..i).unwrap_or(""),
                t.get(i + sep.len()..).unwrap_or(""),
            );
            let tail = tail.trim();
            let head = head.trim();
            if !head.is_empty()
                && cjk_count(head) >= 4
                && tail.chars().count() <= 20
                && m.site_suffix_words
                    .iter()
                    .any(|w| !w.is_empty() && tail.ends_with(w.as_str()))
            {
                t = head.to_string();
                changed = true;
                break;
            }
        }
        if !changed {
            break;
        }
    }
    // `新闻动态-`: a separator left dangling.
    let t = t.trim_end_matches(['-', '_', '|', '｜', ' ', '–', '—']);
    t.to_string()
}

/// Whether a title candidate is only a site's name (`山西省人民政府网站`).
pub fn is_site_name(title: &str, rules: &Rules) -> bool {
    title.chars().count() <= 16
        && rules
            .meta
            .site_name_endings
            .iter()
            .any(|e| !e.is_empty() && title.ends_with(e.as_str()))
}

/// Whether a line is a labelled metadata line (used by the HTML path).
pub fn is_meta_line(s: &str, rules: &Rules) -> bool {
    starts_with_label(s, &rules.meta.all_labels)
}

/// Formats a date from a `<meta>` tag or JSON-LD (`2024-01-09T10:32:00+08:00`,
/// `2024-01-09 10:32`, `2024年1月9日`): RFC 3339 with the tag's own offset,
/// or the default one when it gives none; an ISO date when no time is given.
pub fn format_tag_date(v: &str, rules: &Rules) -> Option<String> {
    date::format_timestamp(v, &rules.meta.default_offset, rules.meta.roc_year_max)
}

#[cfg(test)]
mod tests {

    /// The patterns are literals held as `Option` so that no input path can
    /// panic on them; a literal that stopped compiling would silently turn
    /// its reader off, so each is checked here instead.
    #[test]
    fn every_literal_pattern_compiles() {
        assert!(super::DAY_ONLY.is_some(), "DAY_ONLY");
        assert!(super::COPYRIGHT.is_some(), "COPYRIGHT");
    }
    use super::*;

    fn rules() -> Rules {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/clean.toml");
        match Rules::from_file(&path) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    fn date(s: &str) -> Option<String> {
        let r = rules();
        find_date(s, &r).map(|(d, _, _)| d.format(&r.meta.default_offset))
    }

    #[test]
    fn date_forms() {
        assert_eq!(
            date("2024年01月09日 10:32 來源:華西都市報").as_deref(),
            Some("2024-01-09T10:32:00+08:00")
        );
        assert_eq!(
            date("2024-01-09 10:32:26").as_deref(),
            Some("2024-01-09T10:32:26+08:00")
        );
        assert_eq!(date("2021/06/20").as_deref(), Some("2021-06-20"));
        assert_eq!(
            date("2024年1月9日 下午3:20").as_deref(),
            Some("2024-01-09T15:20:00+08:00")
        );
        assert_eq!(
            date("2025年12月24日 星期三 10:05").as_deref(),
            Some("2025-12-24T10:05:00+08:00")
        );
        assert_eq!(
            date("2025/12/24（三）23:15").as_deref(),
            Some("2025-12-24T23:15:00+08:00")
        );
        assert_eq!(date("發布日期：114年3月5日").as_deref(), Some("2025-03-05"));
        assert_eq!(date("二〇二四年一月九日").as_deref(), Some("2024-01-09"));
        assert_eq!(
            date("二○二三年十二月三十一日").as_deref(),
            Some("2023-12-31")
        );
        assert_eq!(date("2024年13月40日"), None);
        assert_eq!(date("今年1至9月"), None);
        assert_eq!(date("1月5日电"), None);
    }

    #[test]
    fn dates_with_web_typography() {
        let r = rules();
        assert_eq!(date("2024 年 1 月 5 日").as_deref(), Some("2024-01-05"));
        assert_eq!(date("２０２４年１月５日").as_deref(), Some("2024-01-05"));
        assert_eq!(
            date("**2024**-**01**-**05** **10**:**32**").as_deref(),
            Some("2024-01-05T10:32:00+08:00")
        );
        assert!(starts_with_date("**2024**年**1**月**5**日 来源：某报", &r));
        let line = "发布时间：\u{3000}２０２４年１月５日　来源：某报";
        let (meta, rest) = split_date_prefix(line, &r).unwrap_or_default();
        assert_eq!(meta, "发布时间：\u{3000}２０２４年１月５日");
        assert_eq!(rest, "来源：某报");
        // A Latin label in full-width forms, as a page set all in them has.
        let line = "ｄａｔｅ ２０２５－１０－１３ 警政署統計，上月受理詐欺案１萬４１０９件";
        let (meta, rest) = split_date_prefix(line, &r).unwrap_or_default();
        assert_eq!(meta, "ｄａｔｅ ２０２５－１０－１３");
        assert!(rest.starts_with("警政署"), "{rest}");
    }

    #[test]
    fn tag_dates_keep_their_offset() {
        let r = rules();
        let f = |s: &str| format_tag_date(s, &r);
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
        assert_eq!(f("2024-01-09").as_deref(), Some("2024-01-09"));
        assert_eq!(f("yesterday"), None);
    }

    #[test]
    fn mirror_date_lends_its_year_to_the_dateline() {
        let r = rules();
        let mirror = Shown {
            year: 2024,
            month: 11,
            day: 2,
            time: Some((0, 6, 35)),
        };
        let dl = Dateline {
            outlet: Some("中新社".into()),
            month: Some(1),
            day: 5,
        };
        let got = combine_dates(Some(mirror), Some(&dl), &[], &r).map(|d| d.format("+08:00"));
        assert_eq!(got.as_deref(), Some("2024-01-05"));
        // A paper dated the morning after its dateline keeps its own date.
        let paper = Shown {
            year: 2024,
            month: 2,
            day: 11,
            time: None,
        };
        let dl = Dateline {
            outlet: None,
            month: None,
            day: 10,
        };
        let got = combine_dates(Some(paper), Some(&dl), &[], &r).map(|d| d.format("+08:00"));
        assert_eq!(got.as_deref(), Some("2024-02-11"));
        // A December dateline copied in January belongs to the year before.
        let copy = Shown {
            year: 2025,
            month: 1,
            day: 20,
            time: None,
        };
        let dl = Dateline {
            outlet: None,
            month: Some(12),
            day: 30,
        };
        let got = combine_dates(Some(copy), Some(&dl), &[], &r).map(|d| d.format("+08:00"));
        assert_eq!(got.as_deref(), Some("2024-12-30"));
    }

    #[test]
    fn datelines_name_the_outlet() {
        let r = rules();
        let d = |s: &str| dateline(s, &r).and_then(|d| d.outlet);
        assert_eq!(
            d("人民網呼和浩特8月19日電 (王慧)8月19日上午").as_deref(),
            Some("人民網")
        );
        assert_eq!(
            d("中新社 北京1月5日电 (记者 郭超凯)").as_deref(),
            Some("中新社")
        );
        assert_eq!(
            d("中国甘肃网12月20日讯 据甘肃日报报道").as_deref(),
            Some("中国甘肃网")
        );
        assert_eq!(
            d("【香港中通社十日電】去年香港錄得").as_deref(),
            Some("香港中通社")
        );
        assert_eq!(d("1月5日,广州铁路警方通报"), None);
        assert_eq!(d("据悉,今年1月5日电信诈骗"), None);
    }

    /// Batch Z, written afresh: an outlet opening the first paragraph
    /// before a bracketed byline credits the article; a body or a place
    /// opening a sentence with an aside does not.
    #[test]
    fn an_outlet_before_a_lead_byline_is_the_source() {
        let r = rules();
        let l = |s: &str| lead_byline(s, &r);
        assert_eq!(
            l("神农架新闻网(神农架融媒体中心)(记者 吴明 通讯员 柳青)针对当前…").as_deref(),
            Some("神农架新闻网")
        );
        assert_eq!(
            l("临汾新闻网讯(记者 范华)近日，…").as_deref(),
            Some("临汾新闻网")
        );
        assert_eq!(l("县公安局(反诈中心)近日破获案件3起。"), None);
        assert_eq!(l("近日，市民张某(化名)被骗，记者了解到…"), None);
    }

    #[test]
    fn titles_lose_site_suffixes_only() {
        let r = rules();
        let t = |s: &str| clean_title(s, &r);
        assert_eq!(t("四川電詐下降22%_新闻中心_某某网"), "四川電詐下降22%");
        assert_eq!(t("公安部通报打击电诈成果-中新网"), "公安部通报打击电诈成果");
        assert_eq!(
            t("公安部通报打击电诈成果 - 人民网"),
            "公安部通报打击电诈成果"
        );
        assert_eq!(
            t("正在阅读:打击电诈 守护群众钱袋子"),
            "打击电诈 守护群众钱袋子"
        );
        assert_eq!(
            t("“预警劝阻”是什么?有必要了解一下→-全球播资讯"),
            "“预警劝阻”是什么?有必要了解一下→-全球播资讯"
        );
        assert_eq!(t("2021-2022年电诈案件统计"), "2021-2022年电诈案件统计");
        assert_eq!(t("京沪高速无锡段封闭！_网易订阅"), "京沪高速无锡段封闭！");
        assert_eq!(t("新闻动态-"), "新闻动态");
        assert_eq!(t("原创 最不愁吃肉的国家"), "最不愁吃肉的国家");
        assert!(is_site_name("山西省人民政府网站", &r));
        assert!(!is_site_name("诈骗嫌疑人全部落网", &r));
    }
}

//! Full dates in a line of page text, as the cleaner reads them: through
//! the typography pass, so that `**2024** 年 1 月 5 日` is a date, with the
//! byte range mapped back to the line as written.
//!
//! Both line classification (`text`) and metadata (`meta`) ask this module;
//! it asks only the shared date reader, so the two no longer import each
//! other.

use super::config::Rules;
use crate::text::date::{self, Shown};

/// Finds the first full date (with the year) in `s`: `2024-01-09 10:32:26`,
/// `2024年01月09日 10:32`, `2021/06/20`, ROC `114年3月5日`, `二〇二四年一月九日`,
/// also as web editors write them (`２０２４年`, `**2024** 年 1 月 5 日`).
/// Returns it with its byte range in `s`.
pub fn find_date(s: &str, rules: &Rules) -> Option<(Shown, usize, usize)> {
    let n = crate::text::typography::normalize(s);
    let t = n.text();
    if t == s {
        return find_plain_date(s, rules);
    }
    let (d, a, b) = find_plain_date(&t, rules)?;
    let r = n.orig_byte_range(s, a..b);
    // Markers and spaces dropped before or after a date that opens or
    // closes the line are the date's (`**2024-01-05**` opens its line).
    let start = if a == 0 { 0 } else { r.start };
    let end = if b == t.len() { s.len() } else { r.end };
    Some((d, start, end))
}

/// [`find_date`] on text with plain typography.
fn find_plain_date(s: &str, rules: &Rules) -> Option<(Shown, usize, usize)> {
    date::find_date(s, rules.meta.roc_year_max)
}

/// Whether a line opens with a full date.
pub fn starts_with_date(s: &str, rules: &Rules) -> bool {
    find_date(s, rules).is_some_and(|(_, start, _)| start == 0)
}

/// Splits `date 2025-12-24 警方前日…` / `发布时间:2024-11-02 00:06:35 来源…`
/// into the labelled date and the rest of the line.
pub fn split_date_prefix(s: &str, rules: &Rules) -> Option<(String, String)> {
    // Labels are matched width-blind: a page set in full-width forms
    // writes `ｄａｔｅ` and `Ｄａｔｅ：`.
    let folded: String = s.chars().map(crate::text::typography::fold).collect();
    let label = rules
        .meta
        .date_labels
        .iter()
        .filter(|l| !l.is_empty() && folded.starts_with(l.as_str()))
        .max_by_key(|l| l.len())?;
    let cut = s
        .char_indices()
        .nth(label.chars().count())
        .map_or(s.len(), |(i, _)| i);
    let after = s.get(cut..)?;
    let trimmed = after.trim_start_matches([' ', '\u{3000}', '\u{a0}', ':', '：']);
    if trimmed.len() == after.len() && !after.is_empty() {
        // `时间过得…`: a label must be followed by a separator.
        return None;
    }
    let (_, start, end) = find_date(trimmed, rules)?;
    if start != 0 {
        return None;
    }
    let offset = s.len() - trimmed.len();
    let meta = s.get(..offset + end)?.trim().to_string();
    let rest = s
        .get(offset + end..)?
        .trim_start_matches([' ', '|', '｜', ',', '，'])
        .trim()
        .to_string();
    Some((meta, rest))
}

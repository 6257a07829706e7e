//! Typography normalisation: one pass that makes a figure written with
//! web-editor typography read like the same figure written plainly.
//!
//! WeChat articles and Markdown exports write `抓获犯罪嫌疑人 25 人`,
//! `**2000 余万元**`, `1 月 21 日`, `２５人`: spaces of every Unicode kind
//! and emphasis markers between or inside the parts of a figure, a date or
//! a unit, and full-width digits. Scanners that read the plain form
//! (`25人`, `2000余万元`) miss these, so the text is normalised once and
//! every scanner reads the result.
//!
//! [`normalize`]:
//! - drops zero-width characters (they split numbers invisibly);
//! - strips Markdown emphasis (`*`, `**`, `_`, `__` runs) except where the
//!   marker is a list bullet, stands between spaces (`3 * 4`) or joins two
//!   ASCII letters or digits (`snake_case`, `2*3`);
//! - folds full-width digits, Latin letters and the signs numbers use
//!   (`．` `％` `＋` `－` `／` `＄`) to ASCII; `，` stays, because between two
//!   numbers it is a list separator far more often than a thousands one,
//!   except inside a number written all in full-width digits and grouped
//!   by threes (`４，６１９`), the full-width form of `4,619`;
//! - removes horizontal space between two "tight" characters (ideographs,
//!   CJK punctuation, digits, `%`), where the space is typographic only:
//!   `25 人`, `2024 年 1 月`, `13.5 万元`. It keeps space between two
//!   digits (`2023 2024` must stay two numbers; `6 300` stays a grouped
//!   number for the numeral reader), next to Latin words (`Apple Pay`,
//!   `ETtoday 新聞`) and next to ASCII punctuation, and between two
//!   ideographs (or CJK punctuation) it removes only a single space, tab or
//!   no-break space (a wide or repeated space there separates fields:
//!   `来源：新华网　　作者：`). Line breaks are never touched.
//!
//! Period texts the extractor quotes are read back through this pass too
//! (`2024年1月` for `2024 年 **1** 月`); sentences and spans keep the page.
//!
//! Every character of the result comes from exactly one character of the
//! input, in order, so an offset map ([`Normalized::orig_range`]) takes any
//! span of the result back to the input. The pass is linear in the input.

use std::ops::Range;

use super::chars::is_han;

/// A normalised text and the way back to the text it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised characters.
    pub chars: Vec<char>,
    /// From offsets in `chars` to offsets in the input.
    pub map: OffsetMap,
}

/// From character offsets in a normalised text to character offsets in the
/// text it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// For each normalised character, the index of the input character it
    /// came from (strictly increasing); empty when nothing was removed, so
    /// that a page without web typography pays nothing for its map.
    starts: Vec<usize>,
    /// Number of normalised characters.
    len: usize,
    /// Number of characters of the input.
    orig_len: usize,
}

impl OffsetMap {
    /// Input index of normalised character `i`.
    fn start(&self, i: usize) -> Option<usize> {
        if i >= self.len {
            None
        } else if self.starts.is_empty() {
            Some(i)
        } else {
            self.starts.get(i).copied()
        }
    }

    /// Number of characters of the input.
    pub fn orig_len(&self) -> usize {
        self.orig_len
    }

    /// Input index of normalised character `i` (whose normalised form is
    /// [`fold`] of that input character).
    pub fn orig_index(&self, i: usize) -> Option<usize> {
        self.start(i)
    }

    /// Input character range of the normalised character range `[a, b)`
    /// (clamped to the text). A non-empty span maps to the input from its
    /// first character to its last, so markers and spaces removed just
    /// outside it stay outside (`**25人**` → the span of `25人`); an empty
    /// span maps to the empty range before the input character of its
    /// position (after the last kept one at the end).
    pub fn orig_range(&self, a: usize, b: usize) -> Range<usize> {
        let n = self.len;
        let a = a.min(n);
        let b = b.clamp(a, n);
        // Past the last character is just after it, not after what was
        // removed behind it.
        let after = |i: usize| {
            i.checked_sub(1)
                .and_then(|k| self.start(k))
                .map_or(0, |s| s + 1)
        };
        let at = |i: usize| self.start(i).unwrap_or_else(|| after(n));
        if a == b {
            let p = at(a);
            return p..p;
        }
        at(a)..after(b)
    }
}

impl Normalized {
    /// The normalised text as a string.
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// Number of normalised characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether the normalised text is empty.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Number of characters of the input.
    pub fn orig_len(&self) -> usize {
        self.map.orig_len
    }

    /// See [`OffsetMap::orig_range`].
    pub fn orig_range(&self, a: usize, b: usize) -> Range<usize> {
        self.map.orig_range(a, b)
    }

    /// Byte range in `original` (the text this was made from) of the byte
    /// range `bytes` of [`Normalized::text`]. Offsets off a character
    /// boundary round down to one.
    pub fn orig_byte_range(&self, original: &str, bytes: Range<usize>) -> Range<usize> {
        let to_char = |byte: usize| {
            let mut k = 0;
            let mut seen = 0;
            for c in &self.chars {
                if seen + c.len_utf8() > byte {
                    break;
                }
                seen += c.len_utf8();
                k += 1;
            }
            k
        };
        let chars = self.orig_range(to_char(bytes.start), to_char(bytes.end));
        let mut byte_of = original.char_indices().map(|(b, _)| b);
        let start = byte_of.clone().nth(chars.start).unwrap_or(original.len());
        let end = byte_of.nth(chars.end).unwrap_or(original.len());
        start..end
    }
}

/// Normalises `text` (see the module documentation).
pub fn normalize(text: &str) -> Normalized {
    let chars: Vec<char> = text.chars().collect();
    normalize_chars(&chars)
}

/// [`normalize`] on characters.
pub fn normalize_chars(text: &[char]) -> Normalized {
    let kept = strip_and_fold(text);
    let mut chars = Vec::with_capacity(kept.len());
    let mut starts = Vec::with_capacity(kept.len());
    let mut i = 0;
    while let Some(&(c, at)) = kept.get(i) {
        if !is_horizontal_space(c) {
            chars.push(c);
            starts.push(at);
            i += 1;
            continue;
        }
        let mut j = i;
        while kept.get(j).is_some_and(|&(c, _)| is_horizontal_space(c)) {
            j += 1;
        }
        let run = kept.get(i..j).unwrap_or_default();
        let left = chars.last().copied();
        let right = kept.get(j).map(|&(c, _)| c);
        if !removable(left, right, run) {
            for &(c, at) in run {
                chars.push(c);
                starts.push(at);
            }
        }
        i = j;
    }
    let len = chars.len();
    if len == text.len() {
        starts = Vec::new();
    }
    Normalized {
        chars,
        map: OffsetMap {
            starts,
            len,
            orig_len: text.len(),
        },
    }
}

/// First step: zero-width characters and emphasis markers out, full-width
/// forms folded; each kept character with its input index.
fn strip_and_fold(text: &[char]) -> Vec<(char, usize)> {
    let mut kept = Vec::with_capacity(text.len());
    let mut line_start = 0;
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        if c == '\n' {
            line_start = i + 1;
        }
        if super::chars::is_invisible(c) {
            i += 1;
            continue;
        }
        if matches!(c, '*' | '_') {
            let mut j = i;
            while text.get(j) == Some(&c) {
                j += 1;
            }
            let before = i.checked_sub(1).and_then(|k| text.get(k)).copied();
            let after = text.get(j).copied();
            let bullet = c == '*'
                && text
                    .get(line_start..i)
                    .is_some_and(|p| p.iter().all(|&p| is_horizontal_space(p)))
                && after.is_none_or(char::is_whitespace);
            if bullet || !is_emphasis(before, after) {
                for k in i..j {
                    kept.push((c, k));
                }
            }
            i = j;
            continue;
        }
        let c = if c == '，' && full_width_group_comma(text, i) {
            ','
        } else {
            fold(c)
        };
        kept.push((c, i));
        i += 1;
    }
    kept
}

/// Whether the `，` at `i` groups the thousands of a number written all in
/// full-width digits (`４，６１９宗`, `２，４００，０００元`): one to three
/// full-width digits before it, exactly three after it. A page set in
/// full-width forms widens the ASCII comma of `4,619` into this one;
/// between ASCII digits `，` stays a list separator.
fn full_width_group_comma(text: &[char], i: usize) -> bool {
    let fw = |c: &char| ('０'..='９').contains(c);
    let before = text
        .get(..i)
        .unwrap_or_default()
        .iter()
        .rev()
        .take_while(|c| fw(c))
        .count();
    let after = text
        .get(i + 1..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| fw(c))
        .count();
    // The run before may itself follow a grouping comma (`２，４００，０００`).
    (1..=3).contains(&before) && after == 3 && !text.get(i + 4).is_some_and(char::is_ascii_digit)
}

/// Whether a `*`/`_` run between `before` and `after` is emphasis rather
/// than a literal sign (`2*3`, `file_name`, `a * b`).
fn is_emphasis(before: Option<char>, after: Option<char>) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let blank = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let literal = (alnum(before) && alnum(after)) || (blank(before) && blank(after));
    !literal
}

/// Whether the space run `run` between `left` and `right` goes.
fn removable(left: Option<char>, right: Option<char>, run: &[(char, usize)]) -> bool {
    let (Some(l), Some(r)) = (left, right) else {
        return false;
    };
    if !is_tight(l) || !is_tight(r) {
        return false;
    }
    let digit = |c: char| c.is_ascii_digit();
    if digit(l) && digit(r) {
        return false;
    }
    if digit(l) || digit(r) || is_unit_sign(l) || is_unit_sign(r) {
        return true;
    }
    matches!(run, [(' ' | '\u{a0}' | '\t', _)])
}

/// Characters a typographic space may be removed next to.
fn is_tight(c: char) -> bool {
    c.is_ascii_digit() || is_unit_sign(c) || is_han(c) || is_cjk_punct(c)
}

/// Signs that belong to the number before them.
fn is_unit_sign(c: char) -> bool {
    matches!(c, '%' | '‰' | '℃')
}

/// CJK and full-width punctuation, and the quotes and dashes CJK text uses.
fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{3006}'
        | '\u{3008}'..='\u{303F}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '\u{2018}'..='\u{201F}'
        | '\u{2014}' | '\u{2026}' | '\u{00B7}')
}

/// Space inside a line, of any Unicode kind.
pub fn is_horizontal_space(c: char) -> bool {
    c.is_whitespace()
        && !matches!(
            c,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
}

/// Full-width digits, letters and number signs to ASCII.
pub fn fold(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '．' | '％' | '＋' | '－' | '／' | '＄' => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(s: &str) -> String {
        normalize(s).text()
    }

    #[test]
    fn a_full_width_grouping_comma_folds_and_a_list_comma_stays() {
        assert_eq!(norm("涉款４，４００萬元"), "涉款4,400萬元");
        assert_eq!(norm("２，４００，０００元"), "2,400,000元");
        assert_eq!(
            norm("分別佔４，６１９宗及３，９５１宗"),
            "分別佔4,619宗及3,951宗"
        );
        // Between ASCII digits, or not grouped by threes, it separates a list.
        assert_eq!(norm("4，619"), "4，619");
        assert_eq!(norm("１２，３４"), "12，34");
        assert_eq!(norm("１２３４，５６７"), "1234，567");
        assert_eq!(norm("１，２３４５"), "1，2345");
    }

    #[test]
    fn spaces_inside_figures_go() {
        assert_eq!(norm("抓获犯罪嫌疑人 25 人"), "抓获犯罪嫌疑人25人");
        assert_eq!(norm("1 月 21 日"), "1月21日");
        assert_eq!(norm("13.5 万元"), "13.5万元");
        assert_eq!(norm("涉案金额\u{a0}1.2\u{3000}亿元"), "涉案金额1.2亿元");
        assert_eq!(norm("同比上升 13.5 %，"), "同比上升13.5%，");
        assert_eq!(norm("共 3\u{2009}起 ， 其中"), "共3起，其中");
        assert_eq!(norm("2024\u{202f}年\u{2005}1 月"), "2024年1月");
    }

    #[test]
    fn emphasis_goes() {
        assert_eq!(norm("**2000 余万元**"), "2000余万元");
        assert_eq!(norm("抓获 __25__ 人"), "抓获25人");
        assert_eq!(norm("破获 *12* 起"), "破获12起");
        assert_eq!(norm("***三成***"), "三成");
    }

    #[test]
    fn literal_stars_and_underscores_stay() {
        assert_eq!(norm("* 第一项"), "* 第一项");
        assert_eq!(norm("  * 第一项"), "  * 第一项");
        assert_eq!(norm("2*3 与 a * b"), "2*3与 a * b");
        assert_eq!(norm("file_name.txt"), "file_name.txt");
        assert_eq!(norm("**2023**2024"), "2023**2024");
    }

    #[test]
    fn full_width_folds() {
        assert_eq!(norm("２５人"), "25人");
        assert_eq!(norm("１．５万"), "1.5万");
        assert_eq!(norm("３５％"), "35%");
        assert_eq!(norm("ＨＫ＄１２０"), "HK$120");
        // Grouped by threes in full-width digits: the full-width `12,345`.
        assert_eq!(norm("１２，３４５人"), "12,345人");
    }

    #[test]
    fn separating_spaces_stay() {
        assert_eq!(norm("2023 2024"), "2023 2024");
        assert_eq!(norm("6 300人"), "6 300人");
        assert_eq!(norm("ETtoday 新聞"), "ETtoday 新聞");
        assert_eq!(norm("Apple Pay 支付"), "Apple Pay 支付");
        assert_eq!(norm("iPhone 15 手机"), "iPhone 15手机");
        assert_eq!(
            norm("来源：新华网\u{3000}\u{3000}作者：张三"),
            "来源：新华网\u{3000}\u{3000}作者：张三"
        );
        assert_eq!(norm("\u{3000}\u{3000}2024年"), "\u{3000}\u{3000}2024年");
        assert_eq!(norm("25人\n 30起"), "25人\n 30起");
        assert_eq!(norm("25 人\r\n30 起"), "25人\r\n30起");
    }

    #[test]
    fn ideographs_lose_a_single_plain_space() {
        assert_eq!(norm("反诈 宣传"), "反诈宣传");
        assert_eq!(norm("反诈  宣传"), "反诈  宣传");
    }

    #[test]
    fn zero_width_characters_go() {
        assert_eq!(norm("2\u{200b}5人"), "25人");
    }

    #[test]
    fn spans_map_back() {
        let src = "抓获 **25** 人，冻结 １．５ 万元";
        let n = normalize(src);
        let text = n.text();
        assert_eq!(text, "抓获25人，冻结1.5万元");
        let orig: Vec<char> = src.chars().collect();
        let slice = |r: Range<usize>| orig.get(r).map(|s| s.iter().collect::<String>());
        // `25人` in the normalised text is `25** 人` in the input.
        assert_eq!(slice(n.orig_range(2, 5)).as_deref(), Some("25** 人"));
        assert_eq!(slice(n.orig_range(8, 13)).as_deref(), Some("１．５ 万元"));
        assert_eq!(n.orig_range(13, 13), orig.len()..orig.len());
        assert_eq!(n.orig_range(40, 50), orig.len()..orig.len());
        let bytes = n.orig_byte_range(src, 2 * 3..2 * 3 + 2);
        assert_eq!(src.get(bytes), Some("25"));
    }

    #[test]
    fn plain_text_maps_to_itself() {
        let n = normalize("　　今年以来，抓获25人。");
        assert_eq!(n.text(), "　　今年以来，抓获25人。");
        assert_eq!(n.orig_range(8, 11), 8..11);
        assert_eq!(n.orig_range(13, 13), 13..13);
    }

    proptest! {
        #[test]
        fn orig_range_in_bounds_and_monotonic(
            s in "[ \u{a0}\u{3000}\u{2009}*_0-9０-９年月人万.．a-z\n]{0,40}",
            a in 0usize..50,
            b in 0usize..50,
        ) {
            let (a, b) = (a.min(b), a.max(b));
            let n = normalize(&s);
            let r = n.orig_range(a, b);
            prop_assert!(r.start <= r.end && r.end <= n.orig_len());
            prop_assert!(n.len() <= n.orig_len());
            // Wider spans never map narrower.
            let wider = n.orig_range(a.saturating_sub(1), b + 1);
            prop_assert!(wider.start <= r.start || r.start == r.end);
            prop_assert!(wider.end >= r.end);
            let mut last = 0;
            for i in 0..=n.len() {
                let p = n.orig_range(i, i).start;
                prop_assert!(p >= last);
                last = p;
            }
        }

        #[test]
        fn each_character_comes_from_its_source(s in "\\PC{0,60}") {
            let n = normalize(&s);
            let orig: Vec<char> = s.chars().collect();
            for (i, &c) in n.chars.iter().enumerate() {
                let r = n.orig_range(i, i + 1);
                prop_assert_eq!(r.len(), 1);
                let src = orig.get(r.start).copied();
                prop_assert_eq!(src.map(fold), Some(c));
            }
        }

        #[test]
        fn normalising_twice_changes_nothing_more(s in "[ \u{3000}*0-9０-９年月人万a-z]{0,40}") {
            let once = norm(&s);
            prop_assert_eq!(norm(&once), once.clone());
        }
    }
}

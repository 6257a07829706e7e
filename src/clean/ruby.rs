//! Repair of broken ruby annotations.
//!
//! Some sites render `<ruby>` pronunciation guides that survive copy/paste
//! and text extraction as pinyin in brackets right after the character:
//! `網(wǎng)絡(luò)` for `網絡`. The brackets are removed only when their
//! content is pinyin and they follow a CJK character, so real brackets such
//! as `(市、區)`, `(王慧)`, `(105.4%)` or `(FB)` stay.

/// Letters that occur in pinyin, with and without tone marks.
const PINYIN_TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ";

/// Whether `c` is a toned pinyin letter; CJK and ASCII are rejected by
/// range before the list is searched.
fn is_toned(c: char) -> bool {
    ('\u{e0}'..='\u{1e3f}').contains(&c) && PINYIN_TONED.contains(c)
}

/// Removes every pinyin bracket group that follows a CJK character.
///
/// `neutral` lists toneless syllables accepted on their own (`de`, `le` …);
/// any other group needs at least one tone mark, so that plain Latin words
/// in brackets are never taken for pinyin.
pub fn repair(text: &str, neutral: &[String]) -> String {
    // Nearly every line has neither a bracket nor a toned letter; this
    // check runs on every line of every page.
    if !text.contains(['(', '（']) && !text.chars().any(is_toned) {
        return text.to_string();
    }
    let toneless = lost_its_tones(text);
    // Removing one group can join a character to the next one's pinyin;
    // a few passes reach the fixed point.
    let mut cur = repair_once(text, neutral, toneless);
    for _ in 0..4 {
        let next = repair_once(&cur, neutral, toneless);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// Toneless groups after characters that show a line's ruby lost its tone
/// marks (`全國(guo)注冊(ce)用(yong)戶(hu)`): one or two could be a real
/// bracket, a run of them is not.
const TONELESS_RUN: usize = 3;

/// Whether the line's ruby was written, or kept, without tone marks: at
/// least [`TONELESS_RUN`] brackets right after a character hold one
/// toneless pinyin syllable each.
fn lost_its_tones(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut n = 0;
    for (i, w) in chars.windows(2).enumerate() {
        if let [prev, '(' | '（'] = w
            && is_han(*prev)
        {
            let content: String = chars
                .iter()
                .skip(i + 2)
                .take_while(|c| c.is_ascii_lowercase())
                .collect();
            let close = chars.get(i + 2 + content.chars().count());
            if close.is_some_and(|c| matches!(c, ')' | '）')) && is_syllable(&content) {
                n += 1;
                if n >= TONELESS_RUN {
                    return true;
                }
            }
        }
    }
    false
}

fn repair_once(text: &str, neutral: &[String], toneless: bool) -> String {
    let text = strip_bare(text);
    if !text.contains('(') && !text.contains('（') {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if (c == '(' || c == '（') && i > 0 {
            let prev = chars.get(i - 1).copied().unwrap_or(' ');
            if is_han(prev)
                && let Some(end) = pinyin_group_end(&chars, i + 1, neutral, toneless)
            {
                i = end + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Removes toned pinyin glued to a character without brackets
/// (`網wǎng絡luò`), which is what `<ruby>` leaves when only the `<rp>`
/// brackets are dropped. A run needs a tone mark, so Latin words stay.
fn strip_bare(text: &str) -> String {
    if !text.chars().any(is_toned) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        out.push(c);
        i += 1;
        if !is_han(c) {
            continue;
        }
        let mut j = i;
        let mut toned = false;
        while let Some(&p) = chars.get(j) {
            if is_toned(p) {
                toned = true;
            } else if !(p.is_ascii_lowercase() || p == 'ü') {
                break;
            }
            j += 1;
        }
        let next_latin = chars.get(j).is_some_and(|n| n.is_ascii_alphanumeric());
        let run: String = chars
            .get(i..j)
            .map(|r| r.iter().collect())
            .unwrap_or_default();
        if toned && j > i && !next_latin && is_syllable(&run) {
            i = j;
        }
    }
    out
}

/// Whether `s` is one pinyin syllable: an optional initial, one to three
/// vowels, an optional `n`/`ng`/`r` final (`wǎng`, `luò`, but not `café`).
fn is_syllable(s: &str) -> bool {
    const INITIALS: [&str; 23] = [
        "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
        "r", "z", "c", "s", "y", "w",
    ];
    let rest = INITIALS.iter().find_map(|i| s.strip_prefix(i)).unwrap_or(s);
    let vowels: usize = rest
        .chars()
        .take_while(|c| "aeiouü".contains(*c) || is_toned(*c))
        .map(char::len_utf8)
        .sum();
    let (Some(v), Some(fin)) = (rest.get(..vowels), rest.get(vowels..)) else {
        return false;
    };
    let n = v.chars().count();
    (1..=3).contains(&n) && matches!(fin, "" | "n" | "ng" | "r")
}

/// If `chars[start..]` holds pinyin followed by a closing bracket, returns
/// the index of that bracket.
fn pinyin_group_end(
    chars: &[char],
    start: usize,
    neutral: &[String],
    toneless: bool,
) -> Option<usize> {
    let mut content = String::new();
    let mut j = start;
    while let Some(&c) = chars.get(j) {
        if c == ')' || c == '）' {
            break;
        }
        // Pinyin syllables are short; a long run is some other bracket.
        if content.chars().count() > 24 {
            return None;
        }
        // Full-width pinyin (`（ｗǎｎｇ）`, a page set in full-width Latin)
        // is read as its ASCII letters.
        content.push(match c {
            'ａ'..='ｚ' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        });
        j += 1;
    }
    if j >= chars.len() {
        return None;
    }
    let bare_syllable = toneless && is_syllable(content.trim());
    if bare_syllable || is_pinyin(&content, neutral) {
        Some(j)
    } else {
        None
    }
}

/// Whether a bracket's content is pinyin.
pub fn is_pinyin(content: &str, neutral: &[String]) -> bool {
    let trimmed = content.trim();
    if trimmed.is_empty() {
        return false;
    }
    let mut toned = false;
    for c in trimmed.chars() {
        if is_toned(c) {
            toned = true;
        } else if !(c.is_ascii_lowercase() || c == 'ü' || c == ' ' || c == '\'') {
            return false;
        }
    }
    toned || neutral.iter().any(|n| n == trimmed)
}

use crate::text::chars::is_han;

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        repair(s, &["de".to_string(), "le".to_string()])
    }

    #[test]
    fn removes_pinyin_after_characters() {
        assert_eq!(fix("網(wǎng)絡(luò)"), "網絡");
        assert_eq!(fix("來(lái)源:華西都市報(bào)"), "來源:華西都市報");
        assert_eq!(fix("錄入易受騙人員38.1萬(wàn)人"), "錄入易受騙人員38.1萬人");
        assert_eq!(fix("27.4萬(wàn)起"), "27.4萬起");
        assert_eq!(fix("發(fā)布會(huì)"), "發布會");
        assert_eq!(fix("好的(de)人"), "好的人");
        // Set in full-width forms.
        assert_eq!(fix("網（ｗǎｎｇ）絡（ｌｕò）"), "網絡");
        assert_eq!(fix("ＡＢ（ＣＤ）"), "ＡＢ（ＣＤ）");
    }

    #[test]
    fn removes_bare_pinyin_left_by_ruby_markup() {
        assert_eq!(fix("網wǎng絡luò詐騙"), "網絡詐騙");
        assert_eq!(fix("使用Chrome瀏覽器"), "使用Chrome瀏覽器");
        assert_eq!(fix("城市café"), "城市café");
    }

    #[test]
    fn removes_toneless_pinyin_in_a_run_of_it() {
        assert_eq!(
            fix("全國(guo)注冊(ce)用(yong)(yong)戶(hu)已超過6500萬(wan)"),
            "全國注冊用戶已超過6500萬"
        );
        // One or two toneless groups may be real brackets.
        assert_eq!(fix("公司(ma)與機構(li)"), "公司(ma)與機構(li)");
    }

    #[test]
    fn keeps_real_brackets() {
        for s in [
            "縣(市、區(qū))",
            "人民網呼和浩特8月19日電 (王慧)",
            "超过一倍(105.4%)",
            "(一)「可疑帳號警示」",
            "臉書(FB)",
            "电子商务骗案(E-commerce Scam)",
            "以房养老(abc)",
            "(wǎng)開頭",
            "沒有閉括號(wǎng",
        ] {
            let want = s.replace("區(qū)", "區");
            assert_eq!(fix(s), want, "{s}");
        }
    }

    #[test]
    fn nested_ruby_inside_real_bracket() {
        assert_eq!(fix("縣(市、區(qū))進(jìn)行"), "縣(市、區)進行");
    }
}

//! Injected spam: markup debris, keyword lists, forum anti-copy garbage.

use super::config::SpamRules;
use crate::text::chars::is_han;

/// Whether a whole line is injected junk (markup, keyword or link list).
pub fn is_spam_line(line: &str, rules: &SpamRules) -> bool {
    if rules.line_set.is_match(line) {
        return true;
    }
    is_separator_list(line, rules)
}

/// A line cut by `_` or `|` into many short items: SEO keyword blocks
/// (`99热精品_美女…_…`) and place lists (`罗城| 建瓯市| …`).
fn is_separator_list(line: &str, rules: &SpamRules) -> bool {
    for sep in &rules.list_separators {
        // Most lines hold no separator at all: skip the split.
        if sep.is_empty() || !line.contains(sep.as_str()) {
            continue;
        }
        let items: Vec<&str> = line
            .split(sep.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if items.len() >= rules.min_list_items {
            let short = items
                .iter()
                .filter(|s| s.chars().count() <= rules.max_list_item_chars)
                .count();
            // A table row (`刷单返利 | 120起 | 35%`) has figures in most
            // cells; keyword and place lists have few.
            let with_digits = items
                .iter()
                .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
                .count();
            // A truncated last item may be long; most must be short.
            if short * 5 >= items.len() * 4 && with_digits * 2 < items.len() {
                return true;
            }
        }
    }
    false
}

/// Removes spam fragments inside a line: configured words and runs of
/// anti-copy garbage tokens (`: j' J3 \`+ Z2 ~9 |9 @`).
pub fn strip_inline(line: &str, rules: &SpamRules) -> String {
    let mut s = line.to_string();
    for w in &rules.inline_words {
        if !w.is_empty() && s.contains(w.as_str()) {
            s = s.replace(w.as_str(), "");
        }
    }
    strip_garbage_runs(&s, rules)
}

/// One maximal stretch of ASCII words separated by spaces.
struct Run {
    start: usize,
    end: usize,
    words: Vec<(usize, usize)>,
}

fn strip_garbage_runs(line: &str, rules: &SpamRules) -> String {
    // A run of n words holds n - 1 spaces; most Chinese lines have none.
    let spaces = memchr::memchr_iter(b' ', line.as_bytes()).count();
    if spaces + 1 < rules.garbage_min_tokens {
        return line.to_string();
    }
    let runs = ascii_runs(line);
    let mut cut: Vec<(usize, usize)> = Vec::new();
    for run in &runs {
        if run.words.len() < rules.garbage_min_tokens {
            continue;
        }
        let words: Vec<&str> = run
            .words
            .iter()
            .filter_map(|&(a, b)| line.get(a..b))
            .collect();
        let garbage = words
            .iter()
            .filter(|w| is_garbage_token(w, rules.garbage_max_token_chars))
            .count();
        let punct = words
            .iter()
            .filter(|w| w.chars().any(|c| c.is_ascii_punctuation()))
            .count();
        // Real text has few one- or two-letter tokens with stray symbols;
        // garbage is almost nothing else.
        if garbage * 10 >= words.len() * 7 && punct * 3 >= words.len() {
            cut.push((run.start, run.end));
        }
    }
    if cut.is_empty() {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut pos = 0;
    for (a, b) in cut {
        if let Some(piece) = line.get(pos..a) {
            out.push_str(piece);
        }
        pos = b;
    }
    if let Some(piece) = line.get(pos..) {
        out.push_str(piece);
    }
    out
}

fn is_garbage_token(w: &str, max: usize) -> bool {
    let n = w.chars().count();
    if n == 0 {
        return false;
    }
    if n <= max {
        return true;
    }
    // Long debris such as `W5.39.217.768`: letters glued to digit groups.
    let letters = w.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let digits = w.chars().filter(|c| c.is_ascii_digit()).count();
    letters > 0 && digits > 0 && letters <= 2
}

/// Finds stretches of printable-ASCII words separated by spaces, bounded by
/// non-ASCII text or the line ends.
fn ascii_runs(line: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut cur: Option<Run> = None;
    let mut word_start: Option<usize> = None;
    for (i, c) in line.char_indices() {
        if c.is_ascii_graphic() {
            if word_start.is_none() {
                word_start = Some(i);
            }
        } else if c == ' ' {
            if let Some(ws) = word_start.take() {
                let run = cur.get_or_insert(Run {
                    start: ws,
                    end: i,
                    words: Vec::new(),
                });
                run.words.push((ws, i));
                run.end = i + 1;
            }
        } else {
            if let Some(ws) = word_start.take() {
                let run = cur.get_or_insert(Run {
                    start: ws,
                    end: i,
                    words: Vec::new(),
                });
                run.words.push((ws, i));
                run.end = i;
            }
            if let Some(r) = cur.take() {
                runs.push(r);
            }
        }
    }
    if let Some(ws) = word_start.take() {
        let run = cur.get_or_insert(Run {
            start: ws,
            end: line.len(),
            words: Vec::new(),
        });
        run.words.push((ws, line.len()));
        run.end = line.len();
    }
    if let Some(r) = cur.take() {
        runs.push(r);
    }
    runs
}

/// Most distinct spliced pieces a page may show before the rule gives up.
const MAX_SPUN_PIECES: usize = 16;

/// Characters after a spliced piece that tell one place it sits in from
/// another.
const SPUN_CONTEXT: usize = 6;

/// Content-spinning leftovers: spam copies of an article splice pieces of
/// the headline into the text right after punctuation (`消息,余名押解4月21日`
/// where the headline has `680余名…押解回国`). A fragment counts when it
/// follows a clause mark, is made of headline bigrams, and is not itself a
/// piece of the headline; fragments are removed only when a page has at
/// least `min_hits` of them, so one coincidence never edits real text.
pub fn strip_spun(lines: &mut [String], title: &str, len: usize, min_hits: usize) {
    if len < 4 || !len.is_multiple_of(2) || min_hits == 0 {
        return;
    }
    let tchars: Vec<char> = title.chars().collect();
    let title_bigrams: Vec<(char, char)> = tchars
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .collect();
    if title_bigrams.is_empty() {
        return;
    }
    let is_fragment = |frag: &[char]| -> bool {
        frag.len() == len
            && frag.iter().all(|c| is_han(*c))
            && frag
                .chunks(2)
                .all(|p| matches!(p, [a, b] if title_bigrams.contains(&(*a, *b))))
            && !title.contains(&frag.iter().collect::<String>())
    };
    let marks = ['，', ',', '。', '；', ';', '：', ':', '！', '？'];
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for (li, line) in lines.iter().enumerate() {
        let cs: Vec<char> = line.chars().collect();
        for (i, c) in cs.iter().enumerate() {
            if marks.contains(c)
                && let Some(frag) = cs.get(i + 1..i + 1 + len)
                && is_fragment(frag)
            {
                hits.push((li, i + 1));
            }
        }
    }
    // A spliced piece sits only after punctuation; a phrase that also
    // occurs inside sentences (`如何防范打擊電信詐騙`) is the text's own.
    let frag_at = |li: usize, start: usize| -> String {
        lines
            .get(li)
            .map(|l| l.chars().skip(start).take(len).collect())
            .unwrap_or_default()
    };
    let frags: Vec<String> = hits.iter().map(|&(li, st)| frag_at(li, st)).collect();
    let mut distinct: Vec<&String> = frags.iter().collect();
    distinct.sort();
    distinct.dedup();
    // Spinners reuse a handful of pieces; a page with many different ones
    // is ordinary text that happens to share its headline's words.
    if distinct.len() > MAX_SPUN_PIECES {
        return;
    }
    let spliced_only: Vec<(&String, bool)> = distinct
        .into_iter()
        .map(|f| {
            let everywhere: usize = lines.iter().map(|l| l.matches(f.as_str()).count()).sum();
            let spliced = frags.iter().filter(|g| *g == f).count();
            (f, everywhere == spliced)
        })
        .collect();
    let keep: Vec<bool> = frags
        .iter()
        .map(|f| spliced_only.iter().any(|(g, ok)| *g == f && *ok))
        .collect();
    let hits: Vec<(usize, usize)> = hits
        .into_iter()
        .zip(keep)
        .filter_map(|(h, k)| k.then_some(h))
        .collect();
    // A sentence the page repeats (a lead restated in the body) repeats its
    // own words too: hits in the same surroundings count once, so only
    // pieces spliced into different places reach `min_hits`.
    let mut contexts: Vec<String> = hits
        .iter()
        .map(|&(li, st)| {
            lines
                .get(li)
                .map(|l| l.chars().skip(st).take(len + SPUN_CONTEXT).collect())
                .unwrap_or_default()
        })
        .collect();
    contexts.sort();
    contexts.dedup();
    if contexts.len() < min_hits {
        return;
    }
    for (li, line) in lines.iter_mut().enumerate() {
        let starts: Vec<usize> = hits
            .iter()
            .filter(|(l, _)| *l == li)
            .map(|(_, s)| *s)
            .collect();
        if starts.is_empty() {
            continue;
        }
        *line = line
            .chars()
            .enumerate()
            .filter(|(i, _)| !starts.iter().any(|s| (*s..*s + len).contains(i)))
            .map(|(_, c)| c)
            .collect();
    }
}

/// Whether a line has any CJK ideograph.
pub fn has_cjk(line: &str) -> bool {
    line.chars().any(is_han)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::config::Rules;

    fn rules() -> SpamRules {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/clean.toml");
        match Rules::from_file(&path) {
            Ok(r) => r.spam,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn strips_forum_garbage() {
        let r = rules();
        assert_eq!(
            strip_inline(
                ": j' J3 `+ Z2 ~9 |9 @ 同月,某售货员齐某被骗入十几万元。) {9 h' w1 H/ z. w$ B* w",
                &r
            ),
            "同月,某售货员齐某被骗入十几万元。"
        );
        assert_eq!(
            strip_inline("9 V; U$ h& L% r司警又指,已接獲796宗", &r),
            "司警又指,已接獲796宗"
        );
        assert_eq!(
            strip_inline("+ ~- q4 b& ?/ m* R! W5.39.217.768 S! C! h\" v; n- V( C", &r).trim(),
            ""
        );
    }

    #[test]
    fn keeps_real_ascii() {
        let r = rules();
        for s in [
            "香港二○二四年錄得44 480宗騙案",
            "电子商务骗案(E-commerce Scam)的增幅",
            "原创独立设计师品牌SHANG1 BY SHANGYI 2024秋冬系列",
            "1.假交友(投資詐財)詐騙 45件 8290.9萬",
        ] {
            assert_eq!(strip_inline(s, &r), s);
        }
    }

    #[test]
    fn strips_spun_headline_fragments_only_when_repeated() {
        let title = "680余名中国籍涉赌诈违法犯罪嫌疑人被分批从柬埔寨押解回国";
        let mut lines = vec![
            "据公安部网站消息,余名押解4月21日晨,中国随着两架包机降落".to_string(),
            "持续深化国际执法合作,余名押解摧毁了一大批跨境犯罪团伙,嫌疑人被押解回国".to_string(),
        ];
        strip_spun(&mut lines, title, 4, 2);
        assert_eq!(lines[0], "据公安部网站消息,4月21日晨,中国随着两架包机降落");
        assert_eq!(
            lines[1],
            "持续深化国际执法合作,摧毁了一大批跨境犯罪团伙,嫌疑人被押解回国"
        );
        let mut natural = vec![
            "記者:打擊電信詐騙跨國犯罪".to_string(),
            "如何防范打擊電信詐騙。打擊電信網絡犯罪".to_string(),
        ];
        let before = natural.clone();
        strip_spun(
            &mut natural,
            "推進打擊治理電信網絡詐騙犯罪工作答記者問",
            4,
            2,
        );
        assert_eq!(natural, before);
        // The same sentence twice (lead and body) is one place, not two.
        let mut repeated = vec![
            "破案3.6万余起,打掉涉诈犯罪团伙窝点1200余个。".to_string(),
            "2017年以来共抓获嫌疑人4.5万余人,打掉涉诈犯罪团伙窝点1200余个。".to_string(),
        ];
        let before = repeated.clone();
        strip_spun(
            &mut repeated,
            "警方打击电信网络诈骗犯罪 打掉1200余个涉诈团伙窝点",
            4,
            2,
        );
        assert_eq!(repeated, before);
        let mut one = vec!["消息,余名押解4月21日晨".to_string()];
        strip_spun(&mut one, title, 4, 2);
        assert_eq!(one[0], "消息,余名押解4月21日晨");
    }

    #[test]
    fn detects_lists() {
        let r = rules();
        assert!(is_spam_line(
            "• 99热精品在线国产_美女午夜性视频免费_国产精品国产高清国产av_av欧美777_自拍偷自拍亚洲精品老妇",
            &r
        ));
        assert!(is_spam_line(
            "罗城| 建瓯市| 邯郸县| 平顶山市| 平潭县| 兴安县",
            &r
        ));
        assert!(is_spam_line("• <tr id=\"yyy80\"></tr>", &r));
        assert!(!is_spam_line("刷单返利 | 120起 | 35% | 同比下降12%", &r));
        assert!(!is_spam_line(
            "发布时间: 2017-01-20 17:29:48 | 来源: 中国网-健康中国 | 责任编辑: 李晓宪",
            &r
        ));
    }
}

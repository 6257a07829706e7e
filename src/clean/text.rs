//! Plain-text cleaning: normalise lines, classify each one (prose, short
//! line, metadata, chrome, spam) and keep the article: the densest block of
//! prose (blocks end at footer markers and at runs of chrome), its
//! sub-headings and short body lines, and its headline.

use super::config::Rules;
use super::line_date;
use super::ruby;
use super::spam;
use crate::budget::{Budget, Meter};
use crate::text::chars::is_han;

/// What a line of a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Empty.
    Blank,
    /// No Chinese at all (ids, garbage, English furniture).
    Noise,
    /// Injected junk: markup, keyword lists.
    Spam,
    /// Navigation, share widgets, hotlines, copyright.
    Chrome,
    /// A photo caption.
    Caption,
    /// A list entry (related links, feeds).
    Bullet,
    /// The start of the footer (related news, comments).
    Stop,
    /// A related-reading block inside the article: its heading and links.
    Related,
    /// Source, date, author or byline.
    Meta,
    /// A paragraph of running text.
    Prose,
    /// A short line: headline, sub-heading, list item of the body.
    Short,
}

/// One normalised line and its class.
#[derive(Debug, Clone)]
pub struct Line {
    /// The text, normalised.
    pub text: String,
    /// Its class.
    pub kind: Kind,
}

/// A page split into classified lines, with the article located.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Every line of the page.
    pub lines: Vec<Line>,
    /// Index of the headline.
    pub title: Option<usize>,
    /// Indices of the body paragraphs, in order.
    pub body: Vec<usize>,
    /// Index of the first footer line, if one was found.
    pub footer: Option<usize>,
}

impl Analysis {
    /// The lines before the footer: where page metadata is looked for.
    pub fn header_and_body(&self) -> &[Line] {
        let end = self.footer.unwrap_or(self.lines.len());
        self.lines.get(..end).unwrap_or(&self.lines)
    }

    /// The cleaned body text.
    pub fn body_text(&self) -> String {
        self.body
            .iter()
            .filter_map(|&i| self.lines.get(i))
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The headline as written (before site-suffix trimming).
    pub fn title_text(&self) -> Option<&str> {
        self.title
            .and_then(|i| self.lines.get(i))
            .map(|l| l.text.as_str())
    }
}

/// Normalises one line: control characters out, ruby repaired, spaces
/// collapsed (a single space between digit groups such as `44 480` stays),
/// inline spam removed, trimmed.
pub fn normalise_line(raw: &str, rules: &Rules) -> String {
    let mut s = String::with_capacity(raw.len());
    let mut last_space = false;
    for c in raw.chars() {
        let c = match c {
            c if is_space(c) => ' ',
            c if vanishes(c) => continue,
            c => c,
        };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        s.push(c);
    }
    let s = ruby::repair(&s, &rules.text.neutral_syllables);
    let s = spam::strip_inline(&s, &rules.spam);
    // Removing garbage can leave two spaces where it sat.
    let mut out = String::with_capacity(s.len());
    for part in s.split(' ').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// Characters [`normalise_line`] turns into a plain space.
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{3000}' | '\u{2002}'..='\u{200a}' | '\u{202f}' | '\u{205f}'
    )
}

/// Characters a line made only of normalises to nothing: spaces (trimmed),
/// zero-width characters and controls.
fn vanishes(c: char) -> bool {
    is_space(c) || crate::text::chars::is_invisible(c) || c.is_control()
}

/// Counts CJK ideographs.
pub fn cjk_count(s: &str) -> usize {
    s.chars().filter(|&c| is_han(c)).count()
}

/// Running text: enough CJK and either several clauses or a sentence end.
/// A headline has at most one clause mark inside (`內蒙古:全力鏟除…`,
/// `…亮眼！去年…`) and no full stop at its end.
fn is_prose(s: &str, cjk: usize, rules: &Rules) -> bool {
    if cjk < rules.text.min_prose_cjk {
        return false;
    }
    let marks = s
        .chars()
        .filter(|&c| rules.text.clause_marks.contains(c))
        .count();
    marks >= 2 || (ends_sentence(s) && marks >= 1)
}

/// Whether a line ends like a sentence (`。`, `！`, `？`, before any
/// closing quote or bracket).
fn ends_sentence(s: &str) -> bool {
    s.trim_end_matches(['”', '」', '"', '’', '）', ')', ' '])
        .ends_with(['。', '！', '？', '!', '?', '…', '；', ';'])
}

fn contains_any(s: &str, words: &[String]) -> bool {
    words
        .iter()
        .any(|w| !w.is_empty() && s.contains(w.as_str()))
}

fn starts_with_any(s: &str, words: &[String]) -> bool {
    words
        .iter()
        .any(|w| !w.is_empty() && s.starts_with(w.as_str()))
}

/// Whether the line opens with a metadata label and a separator
/// (`来源:`, `来源 | `, `编辑：`).
pub fn starts_with_label(s: &str, labels: &[String]) -> bool {
    labels.iter().any(|l| {
        s.strip_prefix(l.as_str()).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.starts_with([':', '：', '|', '｜']) || (rest.len() < s.len() - l.len())
        })
    })
}

/// Whether the line is a photo caption.
fn is_caption(s: &str, rules: &Rules) -> bool {
    let c = &rules.chrome;
    let trimmed = s.trim_end_matches([' ', '。', '.']);
    if c.caption_end_markers
        .iter()
        .any(|m| !m.is_empty() && trimmed.ends_with(m.as_str()))
    {
        return true;
    }
    if let Some(inner) = last_bracket(trimmed)
        && (contains_any(inner, &c.caption_end_markers)
            || contains_any(inner, &c.caption_bracket_markers))
    {
        return true;
    }
    starts_with_any(s, &c.caption_prefixes)
        || (s.chars().count() <= rules.text.max_chrome_chars
            && rules.sets.caption_anywhere.found_in(s))
}

/// The content of a bracket group that ends the line.
pub fn last_bracket(s: &str) -> Option<&str> {
    let body = s.strip_suffix(')').or_else(|| s.strip_suffix('）'))?;
    let open = body.rfind(['(', '（'])?;
    let inner = body.get(open..)?;
    let inner = inner
        .strip_prefix('(')
        .or_else(|| inner.strip_prefix('（'))?;
    Some(inner)
}

/// A share bar names several networks (`分享：微信 微博 QQ空间`).
fn is_share_bar(s: &str, rules: &Rules) -> bool {
    let c = &rules.chrome;
    c.min_share_targets > 0
        && c.share_targets
            .iter()
            .filter(|t| !t.is_empty() && s.contains(t.as_str()))
            .count()
            >= c.min_share_targets
}

/// A breadcrumb trail: `首页> IT频道> IT头条 > 正文`.
pub(crate) fn is_breadcrumb(s: &str) -> bool {
    (s.contains('>') || s.contains('›') || s.contains('»'))
        && !s.contains(['，', '。', '；'])
        && s.chars().count() <= 80
}

/// A byline: `记者 张天培`, `南方网、粤学习记者 陈榕`, `聯合報／記者陳政錄／北京報導`,
/// `王志芹 北京報道` — but not a sub-heading such as `记者调查`.
fn is_byline(s: &str, rules: &Rules) -> bool {
    let m = &rules.meta;
    if cjk_count(s) > 24 || s.contains(['，', ',', '。', '；', ';', '！', '!', '？', '?']) {
        return false;
    }
    // `…北京報導` or a dateline of its own, `中央社記者王大明台北5日電`.
    let reported = m
        .byline_ends
        .iter()
        .any(|e| !e.is_empty() && s.ends_with(e.as_str()))
        || m.dateline_verbs.iter().any(|v| {
            !v.is_empty()
                && s.strip_suffix(v.as_str())
                    .is_some_and(|p| p.ends_with('日'))
        });
    let words = || {
        m.byline_words
            .iter()
            .chain(&m.author_labels)
            .filter(|w| !w.is_empty())
    };
    let has_word = words().any(|w| s.contains(w.as_str()));
    if !has_word {
        return reported && cjk_count(s) <= 16;
    }
    if reported || s.contains(['／', '/']) {
        return true;
    }
    // The word, a space or colon, then a two- or three-character name.
    words().any(|w| {
        s.match_indices(w.as_str()).any(|(i, _)| {
            let after = s.get(i + w.len()..).unwrap_or("");
            let rest = after.trim_start_matches([' ', ':', '：']);
            if rest.len() == after.len() {
                return false;
            }
            let name: String = rest.chars().take_while(|c| is_han(*c)).collect();
            let next = rest.get(name.len()..).and_then(|r| r.chars().next());
            (2..=3).contains(&name.chars().count())
                && next
                    .is_none_or(|c| matches!(c, ' ' | '、' | '／' | '/' | ')' | '）' | ']' | '】'))
        })
    })
}

fn is_journal_line(s: &str) -> bool {
    // `中國防偽報道 2021年5期`
    let Some((name, issue)) = s.rsplit_once(' ') else {
        return false;
    };
    let Some(rest) = issue.strip_suffix('期') else {
        return false;
    };
    let Some((y, n)) = rest.split_once('年') else {
        return false;
    };
    cjk_count(name) >= 2
        && y.len() == 4
        && y.chars().all(|c| c.is_ascii_digit())
        && !n.is_empty()
        && n.chars().all(|c| c.is_ascii_digit())
}

/// A site's host opening a date bar (`www.1075thevibe.com2023-06-28
/// 16:02:30來源: 廣州日報`) is the bar's label: the line after it.
fn after_host(s: &str) -> &str {
    static HOST: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:https?://)?(?:[A-Za-z0-9-]+\.)+(?:com|cn|net|org|gov|edu|hk|tw|mo|sg|my|info|cc|tv|top)",
        )
        .ok()
    });
    HOST.as_ref()
        .and_then(|re| re.find(s))
        .and_then(|m| s.get(m.end()..))
        .map_or(s, str::trim_start)
}

/// Classifies one normalised line.
pub fn classify(s: &str, rules: &Rules) -> Kind {
    let c = &rules.chrome;
    let m = &rules.meta;
    if s.is_empty() {
        return Kind::Blank;
    }
    if spam::is_spam_line(s, &rules.spam) {
        return Kind::Spam;
    }
    if !spam::has_cjk(s) {
        // `2021-06-20 02:27:26` alone on a line is the page's date.
        if line_date::starts_with_date(s, rules) {
            return Kind::Meta;
        }
        return Kind::Noise;
    }
    if rules.sets.strong.found_in(s) {
        return Kind::Chrome;
    }
    let chars = s.chars().count();
    // Footer headers and link entries are labels, not sentences: a body
    // line `他在网上发表评论。` or `• 全年破获案件326起；` is text.
    let sentence = ends_sentence(s);
    if chars <= 30 && !sentence && rules.sets.stop.found_in(s) {
        return Kind::Stop;
    }
    let list_item_ends = s
        .trim_end_matches(['”', '」', '"', '’', '）', ')', ' '])
        .ends_with(['。', '；', ';']);
    if starts_with_any(s, &c.bullet_prefixes) && !list_item_ends {
        return Kind::Bullet;
    }
    if c.exact.iter().any(|e| e == s) {
        return Kind::Chrome;
    }
    let cjk = cjk_count(s);
    let prose_like = is_prose(s, cjk, rules);
    let unbracketed = s.trim_start_matches(['[', '【', '(', '（', ' ']);
    // `来源:… | 责任编辑:…` may be long; `記者:如何防范?` in an interview
    // is a sentence and stays text.
    if starts_with_label(unbracketed, &m.all_labels) && !sentence {
        return Kind::Meta;
    }
    if !prose_like && !sentence && line_date::starts_with_date(after_host(s), rules) {
        return Kind::Meta;
    }
    if is_journal_line(s) || is_byline(s, rules) {
        return Kind::Meta;
    }
    if starts_with_any(
        s.trim_start_matches(['(', '（', '【', '[', ' ']),
        &m.not_title_prefixes,
    ) {
        return Kind::Chrome;
    }
    if is_caption(s, rules) {
        return Kind::Caption;
    }
    // Chrome wording decides only for lines that are not finished
    // sentences: `骗子通过微信联系受害人，诱导其转账5万元。` is body,
    // `微信 微博 QQ空间` is a share bar and `舉報電話:12318(…)、021-…` a
    // hotline line.
    if !ends_sentence(s)
        && chars <= rules.text.max_chrome_chars
        && (rules.sets.words.found_in(s) || is_breadcrumb(s) || is_share_bar(s, rules))
    {
        return Kind::Chrome;
    }
    if prose_like { Kind::Prose } else { Kind::Short }
}

fn is_title_like(s: &str, rules: &Rules) -> bool {
    let n = s.chars().count();
    n >= rules.text.min_title_chars
        && n <= rules.text.max_title_chars
        && cjk_count(s) >= 4
        && !s.ends_with(['。', ':', '：', ';', '；', ','])
        && !starts_with_any(s, &rules.meta.not_title_prefixes)
        // A timestamp or a photo credit inside is a dateline or caption.
        && line_date::find_date(s, rules).is_none()
        && !has_clock_time(s)
        && !rules.sets.caption_markers.found_in(s)
}

/// A prose-looking line that can still be a headline: short, no full
/// stop anywhere, no sentence ending.
fn is_headline_shaped(s: &str, rules: &Rules) -> bool {
    s.chars().count() <= rules.text.max_title_chars.min(48)
        && !s.contains(['。', '；', ';'])
        && !ends_sentence(s)
        && line_date::find_date(s, rules).is_none()
}

/// `12:08` or `07:48:21` somewhere in the line.
fn has_clock_time(s: &str) -> bool {
    let cs: Vec<char> = s.chars().collect();
    cs.windows(4).any(|w| match w {
        [a, b, ':', d] => a.is_ascii_digit() && b.is_ascii_digit() && d.is_ascii_digit(),
        _ => false,
    })
}

/// Character bigrams of a string's CJK text.
fn bigrams(s: &str) -> Vec<(char, char)> {
    let cs: Vec<char> = s
        .chars()
        .filter(|c| is_han(*c) || c.is_ascii_digit())
        .collect();
    cs.windows(2)
        .filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .collect()
}

/// The bigrams of `b`, for [`overlap_in`].
fn bigram_set(b: &str) -> rustc_hash::FxHashSet<(char, char)> {
    bigrams(b).into_iter().collect()
}

/// Share of `a`'s bigrams found in `b`.
fn overlap(a: &str, b: &str) -> f64 {
    overlap_in(a, &bigram_set(b))
}

/// Share of `a`'s bigrams in the set `gb` (one set serves many lines).
fn overlap_in(a: &str, gb: &rustc_hash::FxHashSet<(char, char)>) -> f64 {
    let ga = bigrams(a);
    if ga.is_empty() {
        return 0.0;
    }
    let hit = ga.iter().filter(|g| gb.contains(g)).count();
    hit as f64 / ga.len() as f64
}

/// Normalises and classifies lines; a date glued to the front of a line
/// (`date 2025-12-24 警方前日…`) becomes a metadata line of its own and the
/// rest is classified separately.
fn build_lines<'a>(
    raw: impl Iterator<Item = &'a str>,
    rules: &Rules,
    meter: &mut Meter<'_>,
) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    // Some copies run paragraphs together, each opened by a full-width
    // double-space indent: that indent is a paragraph break.
    let pieces = raw.flat_map(|r| r.split("\u{3000}\u{3000}"));
    for raw in pieces {
        // A line costs about its length to normalise and classify.
        if meter.add(1 + raw.len() / 16) {
            break;
        }
        // Most lines of a whole page's text are indentation between tags;
        // after a blank line they would be dropped anyway, so they skip
        // the normalising and classifying.
        if raw.chars().all(vanishes) && lines.last().is_some_and(|l| l.kind == Kind::Blank) {
            continue;
        }
        let raw = normalise_line(raw, rules);
        if raw.is_empty() && lines.last().is_some_and(|l| l.kind == Kind::Blank) {
            continue;
        }
        if let Some((meta, rest)) = line_date::split_date_prefix(&raw, rules) {
            lines.push(Line {
                kind: Kind::Meta,
                text: meta,
            });
            if !rest.is_empty() {
                let kind = classify(&rest, rules);
                lines.push(Line { text: rest, kind });
            }
            continue;
        }
        let kind = classify(&raw, rules);
        lines.push(Line { text: raw, kind });
    }
    mark_related_blocks(&mut lines, rules);
    lines
}

/// Whether a stop line heads a related-reading block (`延伸阅读`,
/// `【相关新闻】`, `相關新聞：`).
fn is_related_marker(s: &str, rules: &Rules) -> bool {
    let t = s.trim_matches(['【', '】', '[', ']', ':', '：', ' ', '>', '»']);
    t.chars().count() <= 8
        && rules
            .chrome
            .related_markers
            .iter()
            .any(|m| !m.is_empty() && t.starts_with(m.as_str()))
}

/// Re-marks related-reading blocks inside the article: a related marker
/// followed, within `max_related_links` non-blank lines, by running text
/// (a line with a full stop) is no footer. The marker and the headline
/// links before that text become [`Kind::Related`], which neither ends nor
/// joins the article. Each line is looked at a bounded number of times.
fn mark_related_blocks(lines: &mut [Line], rules: &Rules) {
    let max = rules.chrome.max_related_links;
    let mut i = 0;
    while i < lines.len() {
        let opens = lines
            .get(i)
            .is_some_and(|l| l.kind == Kind::Stop && is_related_marker(&l.text, rules));
        if !opens {
            i += 1;
            continue;
        }
        let mut links = 0;
        let mut resumes = None;
        for (j, l) in lines.iter().enumerate().skip(i + 1) {
            if l.kind == Kind::Blank {
                continue;
            }
            if matches!(l.kind, Kind::Prose | Kind::Short) && l.text.contains('。') {
                resumes = Some(j);
                break;
            }
            if l.kind == Kind::Stop || links >= max {
                break;
            }
            links += 1;
        }
        let Some(end) = resumes else {
            i += 1;
            continue;
        };
        for l in lines.iter_mut().take(end).skip(i) {
            if l.kind != Kind::Blank {
                l.kind = Kind::Related;
            }
        }
        i = end;
    }
}

/// Classifies paragraphs an HTML extractor already chose: every prose or
/// short paragraph before a footer marker is body; there is no headline
/// among them.
pub fn analyse_paragraphs(paragraphs: &[String], rules: &Rules) -> Analysis {
    analyse_paragraphs_within(paragraphs, rules, &Budget::unlimited())
}

/// [`analyse_paragraphs`] that stops reading lines once `budget` is exceeded.
pub fn analyse_paragraphs_within(
    paragraphs: &[String],
    rules: &Rules,
    budget: &Budget,
) -> Analysis {
    let mut meter = Meter::new(budget);
    let lines = build_lines(paragraphs.iter().flat_map(|p| p.lines()), rules, &mut meter);
    let first_prose = lines.iter().position(|l| l.kind == Kind::Prose);
    let footer = first_prose.and_then(|fp| {
        lines
            .iter()
            .enumerate()
            .skip(fp + 1)
            .find(|(_, l)| l.kind == Kind::Stop)
            .map(|(i, _)| i)
    });
    let end = footer.unwrap_or(lines.len());
    let body = (0..end)
        .filter(|&i| {
            lines
                .get(i)
                .is_some_and(|l| matches!(l.kind, Kind::Prose | Kind::Short))
        })
        .collect();
    Analysis {
        lines,
        title: None,
        body,
        footer,
    }
}

/// Splits, classifies and locates the article in a text page.
pub fn analyse(text: &str, rules: &Rules) -> Analysis {
    analyse_within(text, rules, &Budget::unlimited())
}

/// [`analyse`] that stops reading lines once `budget` is exceeded.
pub fn analyse_within(text: &str, rules: &Rules, budget: &Budget) -> Analysis {
    let mut meter = Meter::new(budget);
    let lines = build_lines(text.lines(), rules, &mut meter);

    let block = densest_block(&lines);
    let first_prose = block.map(|b| b.first);
    let footer = block.and_then(|b| {
        lines
            .iter()
            .enumerate()
            .skip(b.last + 1)
            .find(|(_, l)| l.kind == Kind::Stop)
            .map(|(i, _)| i)
    });
    let end = footer.unwrap_or(lines.len());
    let last_prose = block.map(|b| b.last);
    let from = block.map_or(0, |b| b.after);

    let mut first_prose = first_prose;
    let mut title = find_title(&lines, from, first_prose, end, rules);
    // A long headline with two commas reads as prose; when it has no full
    // stop and a date or source line follows, it is the headline.
    if title.is_none()
        && let Some(fp) = first_prose
        && let Some(l) = lines.get(fp)
        && is_headline_shaped(&l.text, rules)
        && lines
            .iter()
            .skip(fp + 1)
            .find(|n| n.kind != Kind::Blank)
            .is_some_and(|n| n.kind == Kind::Meta)
        && let Some(next) = lines
            .iter()
            .enumerate()
            .skip(fp + 1)
            .find(|(_, n)| n.kind == Kind::Prose)
            .map(|(i, _)| i)
            .filter(|&i| last_prose.is_some_and(|lp| i <= lp))
    {
        title = Some(fp);
        first_prose = Some(next);
    }
    // A page of short lines only (verse-like layouts): the text runs from
    // the headline to the first footer marker.
    let footer = footer.or_else(|| {
        if block.is_some() {
            return None;
        }
        let t = title?;
        lines
            .iter()
            .enumerate()
            .skip(t + 1)
            .find(|(_, l)| l.kind == Kind::Stop)
            .map(|(i, _)| i)
    });
    let end = footer.unwrap_or(end);

    let start = match (title, first_prose) {
        (Some(t), Some(fp)) if t < fp => t + 1,
        (_, Some(fp)) => fp,
        (Some(t), None) => t + 1,
        (None, None) => 0,
    };
    // A short closing sentence (`目前，案件正在进一步侦办中。`) after the
    // last long paragraph still belongs to the text.
    let is_sentence_line = |l: &Line| {
        l.kind == Kind::Short
            && ends_sentence(&l.text)
            && cjk_count(&l.text) >= rules.text.min_sentence_cjk
    };
    let stop = match last_prose {
        Some(lp) => {
            let mut stop = lp + 1;
            for (i, l) in lines.iter().enumerate().take(end).skip(lp + 1) {
                if l.kind == Kind::Blank {
                    continue;
                }
                if !is_sentence_line(l) {
                    break;
                }
                stop = i + 1;
            }
            stop
        }
        None => end,
    };
    let title_text = title.and_then(|t| lines.get(t)).map(|l| l.text.clone());
    let mut body = Vec::new();
    for i in start..stop {
        let Some(l) = lines.get(i) else { break };
        if !matches!(l.kind, Kind::Prose | Kind::Short) || Some(i) == title {
            continue;
        }
        if title_text.as_deref() == Some(l.text.as_str()) {
            continue;
        }
        // Between the headline and the text only a subtitle or a short
        // opening sentence is body; a bare name or label there is photo or
        // page furniture.
        if first_prose.is_some_and(|fp| i < fp)
            && !is_title_like(&l.text, rules)
            && !is_sentence_line(l)
        {
            continue;
        }
        body.push(i);
    }
    let mut lines = lines;
    if let Some(t) = title_text.as_deref() {
        let mut texts: Vec<String> = body
            .iter()
            .filter_map(|&i| lines.get(i).map(|l| l.text.clone()))
            .collect();
        spam::strip_spun(
            &mut texts,
            t,
            rules.spam.spun_fragment_chars,
            rules.spam.spun_min_hits,
        );
        for (&i, t) in body.iter().zip(texts) {
            if let Some(l) = lines.get_mut(i) {
                l.text = t;
            }
        }
    }
    Analysis {
        lines,
        title,
        body,
        footer,
    }
}

/// Characters of each opening paragraph compared with headline candidates.
const LEAD_CHARS: usize = 400;

/// How many short lines above the text may be the headline.
const MAX_TITLE_CANDIDATES: usize = 12;

/// A run of prose paragraphs not broken by page furniture.
#[derive(Debug, Clone, Copy)]
struct Block {
    /// First prose line.
    first: usize,
    /// Last prose line.
    last: usize,
    /// First line after the previous block (where a headline may start).
    after: usize,
}

/// Lines in a row of menu, link-list or junk that end a block of text.
const BLOCK_BREAK_LINES: usize = 3;

/// The article: the block of prose with the most CJK text, where blocks
/// are separated by footer markers and by runs of chrome, link lists or
/// junk. Captions, metadata and short lines (sub-headings) do not break a
/// block: articles have them inside.
fn densest_block(lines: &[Line]) -> Option<Block> {
    let mut best: Option<(usize, Block)> = None;
    let mut cur: Option<(usize, Block)> = None;
    let mut after = 0;
    let mut hard_run = 0;
    let close = |cur: &mut Option<(usize, Block)>, best: &mut Option<(usize, Block)>| {
        if let Some((score, b)) = cur.take()
            && best.as_ref().is_none_or(|(s, _)| score > *s)
        {
            *best = Some((score, b));
        }
    };
    for (i, l) in lines.iter().enumerate() {
        match l.kind {
            Kind::Prose => {
                hard_run = 0;
                let weight = cjk_count(&l.text);
                match cur.as_mut() {
                    Some((score, b)) => {
                        *score += weight;
                        b.last = i;
                    }
                    None => {
                        cur = Some((
                            weight,
                            Block {
                                first: i,
                                last: i,
                                after,
                            },
                        ));
                    }
                }
            }
            Kind::Stop => {
                if let Some((_, b)) = cur.as_ref() {
                    after = b.last + 1;
                }
                close(&mut cur, &mut best);
                hard_run = 0;
            }
            Kind::Chrome | Kind::Noise | Kind::Spam | Kind::Bullet => {
                hard_run += 1;
                if hard_run >= BLOCK_BREAK_LINES {
                    if let Some((_, b)) = cur.as_ref() {
                        after = b.last + 1;
                    }
                    close(&mut cur, &mut best);
                }
            }
            Kind::Short => hard_run = 0,
            Kind::Blank | Kind::Meta | Kind::Caption | Kind::Related => {}
        }
    }
    close(&mut cur, &mut best);
    best.map(|(_, b)| b)
}

/// Whether the text from `first_prose` holds a section heading: a short,
/// headline-shaped line with prose right after it.
fn has_section_headings(lines: &[Line], first_prose: usize, end: usize, rules: &Rules) -> bool {
    let body = lines
        .get(first_prose..end.min(lines.len()))
        .unwrap_or_default();
    let mut heading = false;
    for l in body {
        match l.kind {
            Kind::Blank | Kind::Noise | Kind::Spam => continue,
            Kind::Prose if heading => return true,
            Kind::Short => heading = is_title_like(&l.text, rules),
            _ => heading = false,
        }
    }
    false
}

fn find_title(
    lines: &[Line],
    from: usize,
    first_prose: Option<usize>,
    end: usize,
    rules: &Rules,
) -> Option<usize> {
    let is_candidate = |i: &usize| {
        lines
            .get(*i)
            .is_some_and(|l| l.kind == Kind::Short && is_title_like(&l.text, rules))
    };
    // The headline sits just above the text; looking further back only
    // finds menus, and bounds the work on pages of endless short lines.
    // Without prose, the text is all short lines and the headline is the
    // first of them, before any footer marker.
    let candidates: Vec<usize> = match first_prose {
        Some(limit) => {
            let mut c: Vec<usize> = (from.min(limit)..limit)
                .rev()
                .filter(is_candidate)
                .take(MAX_TITLE_CANDIDATES)
                .collect();
            c.reverse();
            c
        }
        None => {
            let limit = lines
                .iter()
                .position(|l| l.kind == Kind::Stop)
                .unwrap_or(end)
                .min(end);
            (0..limit)
                .filter(is_candidate)
                .take(MAX_TITLE_CANDIDATES)
                .collect()
        }
    };
    // A headline repeated elsewhere on the page (print headline, related
    // box, `正在阅读:` bar) beats a stray short line.
    let repeated = |i: usize| {
        lines.get(i).is_some_and(|c| {
            lines
                .iter()
                .enumerate()
                .any(|(j, l)| j != i && l.text.contains(c.text.as_str()))
        })
    };
    if let Some(fp) = first_prose
        && !candidates.is_empty()
    {
        // Several short lines above the text (menus, app banners, the
        // headline, a subtitle): the headline shares the most words with
        // the opening paragraphs, is often repeated, and sits close by.
        let lead: String = lines
            .iter()
            .skip(fp)
            .filter(|l| l.kind == Kind::Prose)
            .take(3)
            .flat_map(|l| l.text.chars().take(LEAD_CHARS))
            .collect();
        let lead = bigram_set(&lead);
        let last = candidates.last().copied();
        // An article with section headings in its body (`各地市县发案情况`
        // between paragraphs) usually opens with one too, right above the
        // text: there the line next to the text is the first heading, not
        // the headline, and the nearest-line bonus goes against it.
        let sectioned = candidates.len() > 1 && has_section_headings(lines, fp, end, rules);
        let score = |i: usize| -> f64 {
            let Some(l) = lines.get(i) else { return 0.0 };
            let n = l.text.chars().count().min(24) as f64 / 24.0;
            2.0 * overlap_in(&l.text, &lead)
                + if repeated(i) { 0.6 } else { 0.0 }
                + match (Some(i) == last, sectioned) {
                    (true, false) => 0.4,
                    (true, true) => -0.6,
                    _ => 0.0,
                }
                + 0.2 * n
        };
        let mut best: Option<(f64, usize)> = None;
        for &i in &candidates {
            let sc = score(i);
            if best.is_none_or(|(b, _)| sc > b) {
                best = Some((sc, i));
            }
        }
        // A headline shares some words with its text; a lone banner
        // (`视频直播间`) shares none.
        let (_, i) = best?;
        let ov = lines.get(i).map_or(0.0, |l| overlap_in(&l.text, &lead));
        if ov >= rules.text.min_title_overlap || repeated(i) {
            return Some(i);
        }
        return None;
    }
    if let Some(i) = candidates
        .iter()
        .copied()
        .find(|&i| repeated(i))
        .or_else(|| candidates.last().copied())
    {
        return Some(i);
    }
    // Forum posts restate the headline right after an opening summary.
    let fp = first_prose?;
    let next = (fp + 1..end).find(|&i| {
        lines
            .get(i)
            .is_some_and(|l| !matches!(l.kind, Kind::Blank | Kind::Noise | Kind::Spam))
    })?;
    let l = lines.get(next)?;
    let p = lines.get(fp)?;
    (l.kind == Kind::Short && is_title_like(&l.text, rules) && overlap(&l.text, &p.text) >= 0.5)
        .then_some(next)
}

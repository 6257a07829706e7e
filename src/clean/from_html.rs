//! HTML pages: the DOM extractor (`html::extract`) finds the body
//! paragraphs, title candidates and `<meta>` tags; the text-level repairs
//! and metadata readers then run on its output, with the page's whole text
//! as a fallback for metadata the extractor pruned (editor lines, 来源).

use super::config::Rules;
use super::html::{self, HtmlExtract, HtmlRules, TitleSource};
use super::pubdate::{self, Known};
use super::text::{self, cjk_count};
use super::text_meta::{self, PageMeta};
use super::{ruby, spam};
use crate::budget::{Budget, PipelineLimits};
use crate::model::LimitHit;

/// What the HTML path produces before the script is decided.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// Headline without site suffix.
    pub title: Option<String>,
    /// Publication date or time.
    pub published: Option<String>,
    /// Credited outlet.
    pub source: Option<String>,
    /// Credited author.
    pub author: Option<String>,
    /// Body paragraphs joined by `\n`.
    pub text: String,
    /// The bound (elements or text) that stopped the parse, if one did.
    pub limit: Option<LimitHit>,
}

/// Cleans one HTML page.
pub fn clean(page: &str, html_rules: &HtmlRules, rules: &Rules) -> Cleaned {
    clean_within(
        page,
        html_rules,
        rules,
        &Known::default(),
        &PipelineLimits::unlimited(),
        &Budget::unlimited(),
    )
}

/// [`clean`] within the element and text bounds of `limits`, giving up
/// (with a meaningless result) once `budget` is exceeded. `known` is what
/// the caller knows besides the page (its URL, the crawler's date).
pub fn clean_within(
    page: &str,
    html_rules: &HtmlRules,
    rules: &Rules,
    known: &Known<'_>,
    limits: &PipelineLimits,
    budget: &Budget,
) -> Cleaned {
    let ex = html::extract_within(page, html_rules, limits, budget);
    let paragraphs = text::analyse_paragraphs_within(&ex.paragraphs, rules, budget);
    let para_meta = text_meta::extract(&paragraphs, rules);
    let tags = tag_meta(&ex, rules);

    let mut body: Vec<&str> = paragraphs
        .body
        .iter()
        .filter_map(|&i| paragraphs.lines.get(i))
        .map(|l| l.text.as_str())
        .collect();
    // The line classifier reads Chinese prose; on a page in another language
    // it would keep nothing, so the DOM extractor's paragraphs stand as they
    // are (its own chrome pruning still applied).
    let dom_chars: usize = ex.paragraphs.iter().map(|p| p.chars().count()).sum();
    let dom_ideographs: usize = ex.paragraphs.iter().map(|p| cjk_count(p)).sum();
    if dom_ideographs * 10 < dom_chars {
        body = ex
            .paragraphs
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect();
    }
    let dom_cjk: usize = body.iter().map(|p| cjk_count(p)).sum();
    let dom_missed = dom_cjk < rules.html.min_dom_body_cjk;

    // The extractor prunes editor and source lines from the body; the page
    // text still has them. What that text reading is for — labelled
    // metadata lines and a body where the DOM has too few ideographs —
    // needs Chinese text, so a page without a single ideograph skips it
    // (all it could still give there is a `©` outlet or a bare date line;
    // the fallback body must add ideographs, so it never applies). When
    // the DOM found the article, only the lines around it are read: the
    // metadata sits next to the article, and classifying the whole page's
    // navigation and link lists was a quarter of the pipeline's time.
    let page_analysis = if has_ideograph(page) {
        let stripped = ex.page_text.as_str();
        let window = if dom_missed {
            None
        } else {
            around(stripped, &ex.paragraphs, rules.html.meta_window_lines)
        };
        text::analyse_within(window.unwrap_or(stripped), rules, budget)
    } else {
        text::Analysis::default()
    };
    let page_meta = text_meta::extract(&page_analysis, rules);

    // Headings come straight from the DOM, so ruby garble (`網(wǎng)絡(luò)`) in
    // them has not been through the text repairs yet.
    let title = pick_title(&ex, rules)
        .or_else(|| {
            page_analysis
                .title_text()
                .map(|t| text_meta::clean_title(t, rules))
                .filter(|t| !t.is_empty())
        })
        .map(|t| ruby::repair(&t, &rules.text.neutral_syllables));
    // When the DOM extractor finds (almost) nothing — pages built of bare
    // text and <br>, or odd markup — the text reading of the page stands in.
    if dom_missed {
        let fallback: Vec<&str> = page_analysis
            .body
            .iter()
            .filter_map(|&i| page_analysis.lines.get(i))
            .map(|l| l.text.as_str())
            .collect();
        // A language menu (`中文 日本語`) on a foreign page is not an article.
        let fallback_cjk: usize = fallback.iter().map(|p| cjk_count(p)).sum();
        if fallback_cjk > dom_cjk && fallback_cjk >= rules.html.min_dom_body_cjk {
            body = fallback;
        }
    }
    if let (Some(t), Some(first)) = (title.as_deref(), body.first())
        && squash(first) == squash(t)
    {
        body.remove(0);
    }
    let mut body: Vec<String> = body.into_iter().map(str::to_string).collect();
    if let Some(t) = title.as_deref() {
        spam::strip_spun(
            &mut body,
            t,
            rules.spam.spun_fragment_chars,
            rules.spam.spun_min_hits,
        );
    }
    let bar = title
        .as_deref()
        .and_then(|t| pubdate::headline_bar(ex.page_text.lines(), t, rules));
    let published = pubdate::choose_html(
        &ex,
        pubdate::HtmlDates {
            tag: tags.published,
            in_body: para_meta.published,
            bar,
            around_body: page_meta.published,
        },
        known,
        &|d| text_meta::reconcile_with_dateline(d, &paragraphs, rules),
        rules,
    );
    Cleaned {
        title,
        published,
        // A credited 来源 line outside the body beats a dateline inside it
        // (`齊魯網?閃電新聞1月10日訊` is the site, 來源 names the outlet),
        // which is also the order the plain-text reading uses.
        source: page_meta.source.or(para_meta.source).or(tags.source),
        // `<meta name=author>` often names the site; a byline is better.
        author: para_meta.author.or(page_meta.author).or(tags.author),
        text: body.join("\n"),
        limit: ex.limit,
    }
}

/// The lines of `stripped` (the page's text) from `margin` non-blank lines
/// before the DOM body's first paragraph to `margin` after its last, or
/// `None` when either cannot be found there.
///
/// Each paragraph is found by its longest whitespace-free run near its
/// start or end: the DOM collapses whitespace, the stripped text keeps it.
fn around<'a>(stripped: &'a str, paragraphs: &[String], margin: usize) -> Option<&'a str> {
    let first = anchor(paragraphs.first()?.chars().take(60))?;
    let last_para = paragraphs.last()?;
    let tail = last_para.chars().count().saturating_sub(60);
    let last = anchor(last_para.chars().skip(tail))?;
    let start = stripped.find(&first)?;
    let end = stripped.rfind(&last)? + last.len();
    if end < start {
        return None;
    }
    let before = stripped.get(..start)?;
    let after = stripped.get(end..)?;
    let lo = start - back_lines(before, margin);
    let hi = end + forward_lines(after, margin);
    stripped.get(lo..hi)
}

/// The longest run of non-whitespace characters (at most 24) in `chars`;
/// `None` if shorter than 4, too common to place a paragraph.
fn anchor(chars: impl Iterator<Item = char>) -> Option<String> {
    let mut best = String::new();
    let mut run = String::new();
    for c in chars {
        if c.is_whitespace() || run.chars().count() >= 24 {
            if run.chars().count() > best.chars().count() {
                best = std::mem::take(&mut run);
            }
            run.clear();
        }
        if !c.is_whitespace() {
            run.push(c);
        }
    }
    if run.chars().count() > best.chars().count() {
        best = run;
    }
    (best.chars().count() >= 4).then_some(best)
}

/// Bytes at the end of `text` spanning the unfinished line it ends with
/// (the body's own) and the `n` non-blank lines before it.
fn back_lines(text: &str, n: usize) -> usize {
    let mut lines = text.rsplit('\n');
    let mut bytes = lines.next().map_or(0, str::len);
    let mut seen = 0;
    for line in lines {
        if seen == n {
            break;
        }
        bytes += line.len() + 1;
        seen += usize::from(!line.trim().is_empty());
    }
    bytes.min(text.len())
}

/// Bytes at the start of `text` spanning the rest of its first line (the
/// body's own) and the `n` non-blank lines after it.
fn forward_lines(text: &str, n: usize) -> usize {
    let mut lines = text.split('\n');
    let mut bytes = lines.next().map_or(0, str::len);
    let mut seen = 0;
    for line in lines {
        if seen == n {
            break;
        }
        bytes += 1 + line.len();
        seen += usize::from(!line.trim().is_empty());
    }
    bytes.min(text.len())
}

/// Whether `page` has a CJK ideograph. Ideographs are encoded with lead
/// bytes E3-E9, EF or F0; a page without those is ruled out by a byte scan.
fn has_ideograph(page: &str) -> bool {
    has_ideograph_lead(page.as_bytes()) && page.chars().any(crate::text::chars::is_han)
}

/// Whether `bytes` hold a lead byte of an ideograph. Most of an English
/// page is ASCII: sixteen bytes at a time, a chunk with no high bit set is
/// passed over whole.
fn has_ideograph_lead(bytes: &[u8]) -> bool {
    const HIGH: u128 = u128::from_ne_bytes([0x80; 16]);
    let lead = |b: &u8| matches!(b, 0xE3..=0xE9 | 0xEF | 0xF0);
    let mut chunks = bytes.chunks_exact(16);
    for chunk in &mut chunks {
        let word = chunk.try_into().map_or(HIGH, u128::from_ne_bytes);
        if word & HIGH != 0 && chunk.iter().any(lead) {
            return true;
        }
    }
    chunks.remainder().iter().any(lead)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Metadata from `<meta>` tags and JSON-LD.
fn tag_meta(ex: &HtmlExtract, rules: &Rules) -> PageMeta {
    let keys = &rules.html;
    let first = |list: &[String]| -> Option<String> {
        list.iter()
            .filter_map(|k| ex.meta_value(k))
            .map(str::trim)
            .find(|v| !v.is_empty() && !v.starts_with("http"))
            .map(str::to_string)
    };
    let published = keys
        .published_keys
        .iter()
        .filter_map(|k| ex.meta_value(k))
        .find_map(|v| text_meta::format_tag_date(v, rules));
    let source = first(&keys.source_keys).filter(|s| cjk_count(s) >= 2 || s.contains('.'));
    let author = first(&keys.author_keys).filter(|a| {
        a.chars().count() <= 40
            && !a.contains(['@', ','])
            && !a.chars().all(|c| c.is_ascii_digit())
            && !rules.meta.non_source_exact.iter().any(|n| n == a)
    });
    PageMeta {
        published,
        source,
        author,
    }
}

/// The headline: a heading shown on the page that the `<title>` or
/// `og:title` confirms, else the first trusted candidate, site suffix cut.
fn pick_title(ex: &HtmlExtract, rules: &Rules) -> Option<String> {
    let cands: Vec<(TitleSource, String)> = ex
        .title_candidates
        .iter()
        .map(|c| (c.source, text_meta::clean_title(&c.text, rules)))
        .filter(|(_, t)| cjk_count(t) + t.split_whitespace().count() >= 3)
        .filter(|(_, t)| !text_meta::is_site_name(t, rules))
        .collect();
    let is_heading = |s: TitleSource| matches!(s, TitleSource::H1 | TitleSource::ContentHeading);
    let labels: Vec<&str> = ex
        .title_candidates
        .iter()
        .filter(|c| !is_heading(c.source))
        .map(|c| c.text.as_str())
        .collect();
    let confirmed = cands
        .iter()
        .find(|(s, t)| is_heading(*s) && labels.iter().any(|l| l.contains(t.as_str())));
    confirmed
        .or_else(|| {
            cands
                .iter()
                .find(|(s, _)| matches!(s, TitleSource::MetaTag | TitleSource::JsonLd))
        })
        .or_else(|| cands.iter().find(|(s, _)| is_heading(*s)))
        .or_else(|| cands.first())
        .map(|(_, t)| t.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The chunked scan agrees with the plain one on any text, the
        /// lead byte anywhere (inside a chunk, across, in the remainder).
        #[test]
        fn ideograph_lead_scan_agrees_with_a_plain_scan(s in "[a-z ,.\\n]{0,40}[\\u{80}-\\u{ffff}]?[a-z ]{0,40}") {
            let plain = s.bytes().any(|b| matches!(b, 0xE3..=0xE9 | 0xEF | 0xF0));
            proptest::prop_assert_eq!(has_ideograph_lead(s.as_bytes()), plain);
        }
    }

    const PAGE: &str = "导航 首页 新闻\n\n频道一\n频道二\n来源：某市公安局\n\n\
        标题行\n第一段 今年以来全市破获电诈案件120起。\n中间段落。\n\
        最后一段 挽回损失300万元。\n责任编辑：张三\n相关新闻一\n相关新闻二\n版权所有";

    fn paragraphs() -> Vec<String> {
        vec![
            "第一段 今年以来全市破获电诈案件120起。".to_string(),
            "最后一段 挽回损失300万元。".to_string(),
        ]
    }

    #[test]
    fn the_window_spans_the_body_and_its_margin_of_non_blank_lines() {
        let w = around(PAGE, &paragraphs(), 2).expect("window");
        // Two non-blank lines before the body (the blank one is not counted)
        // and two after it.
        assert!(w.starts_with("来源：某市公安局"), "{w:?}");
        assert!(w.contains("责任编辑：张三"));
        assert!(w.ends_with("相关新闻一"), "{w:?}");
        assert!(!w.contains("频道二") && !w.contains("版权所有"));
    }

    #[test]
    fn a_body_not_found_in_the_page_text_gives_no_window() {
        assert_eq!(around(PAGE, &["别处没有的段落内容".to_string()], 2), None);
        assert_eq!(around(PAGE, &[], 2), None);
        // Too short to place.
        assert_eq!(around(PAGE, &["首页".to_string()], 2), None);
    }

    #[test]
    fn anchors_are_the_longest_whitespace_free_run() {
        assert_eq!(
            anchor("ab 今年以来全市 x".chars()).as_deref(),
            Some("今年以来全市")
        );
        assert_eq!(anchor("a b c".chars()), None);
    }
}

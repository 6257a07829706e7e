//! The HTML main-content extractor on real pages, checked against the
//! benchmark's ground truth (`tests/fixtures/html-bench/ground-truth.json`)
//! and, for Chinese pages, against GNE's output and the chrome vocabulary of
//! `config/html.toml`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use fraudstat::clean::html::{HtmlExtract, HtmlRules, TitleSource, extract};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/html-bench")
}

fn rules() -> HtmlRules {
    match HtmlRules::from_file(&root().join("config/html.toml")) {
        Ok(r) => r,
        Err(e) => panic!("config/html.toml: {e}"),
    }
}

fn read(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

fn json(path: &Path) -> HashMap<String, Value> {
    match serde_json::from_str(&read(path)) {
        Ok(v) => v,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// The benchmark's tokens: runs of word characters; for CJK text every
/// character is a token.
fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in s.chars() {
        let cjk = matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF);
        if cjk || !(c.is_alphanumeric() || c == '_') {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            if cjk {
                out.push(c.to_string());
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn contains_seq(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The benchmark's metric for one page: 4-token shingles, multiset overlap.
fn shingle_f1(pred: &[String], truth: &[String]) -> f64 {
    fn shingles(t: &[String]) -> HashMap<&[String], usize> {
        let mut m = HashMap::new();
        if t.len() < 4 {
            if !t.is_empty() {
                *m.entry(t).or_default() += 1;
            }
        } else {
            for w in t.windows(4) {
                *m.entry(w).or_default() += 1;
            }
        }
        m
    }
    let (p, t) = (shingles(pred), shingles(truth));
    let tp: usize = p
        .iter()
        .map(|(k, n)| (*n).min(t.get(k).copied().unwrap_or(0)))
        .sum();
    let np: usize = p.values().sum();
    let nt: usize = t.values().sum();
    if np == 0 || nt == 0 {
        return 0.0;
    }
    let (prec, rec) = (tp as f64 / np as f64, tp as f64 / nt as f64);
    if prec + rec == 0.0 {
        0.0
    } else {
        2.0 * prec * rec / (prec + rec)
    }
}

fn body_of(v: &Value) -> String {
    v.get("articleBody")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The `n` longest paragraphs of a text, as token sequences.
fn longest_paragraphs(text: &str, n: usize) -> Vec<(String, Vec<String>)> {
    let mut paras: Vec<(String, Vec<String>)> = text
        .lines()
        .map(|l| (l.to_string(), tokens(l)))
        .filter(|(_, t)| t.len() >= 8)
        .collect();
    paras.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
    paras.truncate(n);
    paras
}

fn run(path: &Path, rules: &HtmlRules) -> HtmlExtract {
    extract(&read(path), rules)
}

#[test]
fn benchmark_pages_keep_the_body_and_drop_the_chrome() {
    let rules = rules();
    let truth = json(&fixtures().join("ground-truth.json"));
    assert!(truth.len() >= 5, "fixture ground truth is missing pages");
    for (id, entry) in &truth {
        let x = run(&fixtures().join(format!("{id}.html")), &rules);
        let got = tokens(&x.body_text());
        let want_text = body_of(entry);
        let want = tokens(&want_text);
        // Key sentences of the article survive, word for word.
        for (para, toks) in longest_paragraphs(&want_text, 3) {
            assert!(
                contains_seq(&got, &toks),
                "{id}: lost body paragraph {para:?}"
            );
        }
        // Nothing long that is not article text: every paragraph we return
        // of a dozen words or more occurs in the ground truth, except for
        // at most one (a caption or a byline the annotators left out).
        let foreign: Vec<&String> = x
            .paragraphs
            .iter()
            .filter(|p| {
                let t = tokens(p);
                t.len() >= 12 && !contains_seq(&want, &t)
            })
            .collect();
        assert!(foreign.len() <= 1, "{id}: chrome kept: {foreign:?}");
        let f1 = shingle_f1(&got, &want);
        assert!(f1 >= 0.9, "{id}: shingle F1 {f1:.3} < 0.9");
    }
}

#[test]
fn sidebar_classed_article_and_cookie_banner() {
    // theantijunecleaver.com wraps the article in `theiaStickySidebar` and
    // shows a cookie banner: the article must still win.
    let rules = rules();
    let id = "0e014df693f182824fe5e24030ddbe1d0b96ddb9685cf20d5766457ed32ffa2d";
    let x = run(&fixtures().join(format!("{id}.html")), &rules);
    let body = x.body_text();
    assert!(!body.contains("uses cookies"), "cookie banner kept: {body}");
    let truth = json(&fixtures().join("ground-truth.json"));
    let want = truth.get(id).map(body_of).unwrap_or_default();
    let f1 = shingle_f1(&tokens(&body), &tokens(&want));
    assert!(f1 >= 0.9, "F1 {f1:.3}");
}

/// Chinese chrome phrases as configured, read from `config/html.toml`.
fn chrome_phrases() -> Vec<String> {
    let cfg: toml::Value = match toml::from_str(&read(&root().join("config/html.toml"))) {
        Ok(v) => v,
        Err(e) => panic!("config/html.toml: {e}"),
    };
    let mut out = Vec::new();
    for key in ["drop_paragraph", "drop_prefix", "tail_markers"] {
        let list = cfg
            .get("phrases")
            .and_then(|p| p.get(key))
            .and_then(toml::Value::as_array)
            .cloned()
            .unwrap_or_default();
        out.extend(
            list.iter()
                .filter_map(toml::Value::as_str)
                .filter(|s| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
                .map(str::to_string),
        );
    }
    assert!(!out.is_empty(), "no Chinese chrome phrases in config");
    out
}

#[test]
fn chinese_pages_keep_the_body_and_drop_editor_and_disclaimer_lines() {
    let rules = rules();
    let phrases = chrome_phrases();
    let silver = json(&fixtures().join("zh/gne-silver.json"));
    assert_eq!(silver.len(), 2);
    for (id, entry) in &silver {
        let x = run(&fixtures().join(format!("zh/{id}.html")), &rules);
        let got = tokens(&x.body_text());
        let silver_text = body_of(entry);
        for (para, toks) in longest_paragraphs(&silver_text, 3) {
            assert!(
                contains_seq(&got, &toks),
                "{id}: lost body paragraph {para:?}"
            );
        }
        // GNE keeps chrome lines such as 免责声明 or 相关资讯请关注; we must not.
        let chrome_lines: Vec<&str> = silver_text
            .lines()
            .filter(|l| phrases.iter().any(|p| l.contains(p.as_str())))
            .collect();
        assert!(
            !chrome_lines.is_empty(),
            "{id}: fixture has no chrome line to test"
        );
        for line in chrome_lines {
            let line = line.trim();
            assert!(
                !x.paragraphs.iter().any(|p| p.contains(line)),
                "{id}: chrome line kept: {line:?}"
            );
            // …but reported, for the metadata readers.
            assert!(
                x.dropped_lines.iter().any(|d| d.contains(line)),
                "{id}: chrome line not in dropped_lines: {line:?} {:?}",
                x.dropped_lines
            );
        }
        // The page's headline is offered without the site suffix.
        let silver_title = entry
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        assert!(
            x.title_candidates
                .iter()
                .any(|t| t.source != TitleSource::TitleTag && t.text == silver_title),
            "{id}: no clean title candidate equal to {silver_title:?}: {:?}",
            x.title_candidates
        );
    }
}

#[test]
fn metadata_is_read_from_meta_tags() {
    let rules = rules();
    let x = run(&fixtures().join("zh/qq_qq.html"), &rules);
    assert!(!x.meta.is_empty(), "no meta tags read");
    assert!(
        x.title_candidates
            .iter()
            .any(|t| t.source == TitleSource::TitleTag),
        "no <title> candidate"
    );
}

#[test]
fn hostile_input_does_not_panic() {
    let rules = rules();
    let cases = [
        "",
        "<",
        "<<<>>>",
        "<p class=\"unterminated",
        "<script>never closed",
        "<!-- never closed",
        "<div><div><div>",
        "\u{0}\u{feff}<p>\u{200b}</p>",
        "<table><td>x<td>y</table><br><br><br>",
        "<svg><p>inside svg</p></svg><plaintext><p>rest",
    ];
    for c in cases {
        let _ = extract(c, &rules);
    }
    let deep = "<div>".repeat(3_000) + "text" + &"</div>".repeat(3_000);
    let x = extract(&deep, &rules);
    assert!(x.paragraphs.len() <= 1);
}

#[test]
fn br_separated_text_and_chrome_lists() {
    // Old government sites put the whole article in one cell, lines split by
    // <br>, between link lists.
    let rules = rules();
    let lines: Vec<String> = (1..=6)
        .map(|i| format!("第{i}段：近日，某市公安局破获一起电信网络诈骗案件，抓获犯罪嫌疑人{i}名，涉案金额达{i}00余万元。"))
        .collect();
    let links: String = (1..=12)
        .map(|i| format!("<li><a href=\"/n{i}\">其他新闻标题第{i}条</a></li>"))
        .collect();
    let html = format!(
        "<html><head><title>某市破获电诈案件_某某网</title></head><body>\
         <div class=\"nav\"><ul>{links}</ul></div>\
         <table><tr><td class=\"left\"><ul>{links}</ul></td>\
         <td>{}<br>责任编辑：张三<br></td></tr></table>\
         <div class=\"footer\">版权所有 某某网</div></body></html>",
        lines.join("<br>\n")
    );
    let x = extract(&html, &rules);
    assert_eq!(x.paragraphs, lines, "body: {:?}", x.paragraphs);
    assert!(
        x.title_candidates
            .iter()
            .any(|t| t.source == TitleSource::TitleTag && t.text == "某市破获电诈案件_某某网")
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Fragments that exercise the pre-scan and the tree builder: tags with
    /// and without quotes, raw-text elements, comments, stray brackets,
    /// multi-byte text.
    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("<div class=\"content\">".to_string()),
            Just("</div>".to_string()),
            Just("<p>".to_string()),
            Just("</p>".to_string()),
            Just("<br>".to_string()),
            Just("<a href='x'>".to_string()),
            Just("</a>".to_string()),
            Just("<script>if(a<b){}</script>".to_string()),
            Just("<script type=\"application/ld+json\">{\"headline\":\"x\"".to_string()),
            Just("<style>p{}".to_string()),
            Just("<!--".to_string()),
            Just("-->".to_string()),
            Just("<title>".to_string()),
            Just("<svg><p>".to_string()),
            Just("<td style=\"display:none\">".to_string()),
            Just("<li class=\"share nav\">".to_string()),
            Just("<".to_string()),
            Just(">".to_string()),
            Just("\"".to_string()),
            Just("责任编辑：".to_string()),
            Just("相关新闻".to_string()),
            "[a-z ,.]{0,12}",
            "[\u{4e00}-\u{4e80}，。]{0,12}",
        ]
    }

    fn shared_rules() -> &'static HtmlRules {
        static RULES: std::sync::OnceLock<HtmlRules> = std::sync::OnceLock::new();
        RULES.get_or_init(rules)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics_and_paragraphs_are_trimmed(parts in prop::collection::vec(fragment(), 0..60)) {
            let html = parts.concat();
            let x = extract(&html, shared_rules());
            for p in &x.paragraphs {
                prop_assert!(!p.is_empty());
                prop_assert_eq!(p.trim(), p.as_str());
            }
        }
    }
}

#[test]
fn configured_css_selectors_mark_chrome() {
    let path = root().join("config/html.toml");
    let text = read(&path);
    assert!(
        text.contains("junk = []"),
        "config/html.toml has no empty selector list"
    );
    let with_selector = text.replacen("junk = []", "junk = [\"div.box-x1\"]", 1);
    let rules = match HtmlRules::from_toml_str(&with_selector, &path) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let body: String = (1..=5)
        .map(|i| format!("<p>Paragraph {i} of the article, long enough to count as real prose, with a clause, and another one.</p>"))
        .collect();
    let promo = "Subscribers read this special offer, which looks like prose, has clauses, and is long enough.";
    let html = format!(
        "<html><body><div class=\"article\">{body}<div class=\"box-x1\"><p>{promo}</p></div></div></body></html>"
    );
    let plain = extract(&html, &self::rules());
    assert!(
        plain.paragraphs.iter().any(|p| p == promo),
        "control: {:?}",
        plain.paragraphs
    );
    let x = extract(&html, &rules);
    assert_eq!(x.paragraphs.len(), 5, "{:?}", x.paragraphs);
    assert!(!x.paragraphs.iter().any(|p| p == promo));
}

/// The same pages through the whole pipeline (`fraudstat extract` runs
/// this): the article text is the body, also on pages in other languages
/// whose language menu (`中文 日本語`) holds the only ideographs.
#[test]
fn the_pipeline_keeps_the_body_of_pages_in_other_languages() {
    let settings = fraudstat::configuration::Settings::load_with_env(
        Some(&root().join("config")),
        None,
        Vec::new(),
    )
    .expect("settings");
    let pipeline = fraudstat::pipeline::Pipeline::load(&settings).expect("rules");
    let truth = json(&fixtures().join("ground-truth.json"));
    for (id, entry) in &truth {
        let bytes = std::fs::read(fixtures().join(format!("{id}.html"))).expect("fixture");
        let result = pipeline.process(fraudstat::pipeline::Document {
            id: id.clone(),
            url: id.clone(),
            final_url: id.clone(),
            status: 200,
            content_type: Some("text/html".into()),
            body: &bytes,
            fetched_at: chrono::Utc::now(),
            meta: Value::Null,
            attempts: 1,
        });
        let got = tokens(&result.article.text);
        let want = tokens(&body_of(entry));
        let f1 = shingle_f1(&got, &want);
        assert!(f1 >= 0.9, "{id}: article text shingle F1 {f1:.3} < 0.9");
    }
}

#[test]
fn unsupported_css_selectors_are_refused_at_load() {
    let path = root().join("config/html.toml");
    let text = read(&path);
    for bad in ["div + p", "p:first-child", "a ~ b", "div >"] {
        let with_selector = text.replacen("junk = []", &format!("junk = [\"{bad}\"]"), 1);
        match HtmlRules::from_toml_str(&with_selector, &path) {
            Ok(_) => panic!("`{bad}` was accepted"),
            Err(e) => assert!(e.to_string().contains("selectors.junk"), "{e}"),
        }
    }
}

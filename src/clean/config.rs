//! `config/clean.toml`: the cleaner's vocabulary and tunables.

use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;

use crate::error::ConfigError;

/// The file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    text: TextTuning,
    chrome: ChromeWords,
    spam: RawSpam,
    meta: MetaWords,
    html: HtmlKeys,
}

/// How HTML pages are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HtmlKeys {
    /// The DOM extractor's rules file, relative to this file.
    pub rules_file: String,
    /// `<meta>` / JSON-LD keys holding the publication time, most trusted first.
    pub published_keys: Vec<String>,
    /// Keys holding the credited outlet.
    pub source_keys: Vec<String>,
    /// Keys holding the author.
    pub author_keys: Vec<String>,
    /// Below this many CJK characters the DOM extractor's body is taken
    /// as a miss and the page's text reading is used instead.
    pub min_dom_body_cjk: usize,
    /// Non-blank lines of page text read on each side of the DOM body for
    /// metadata (来源, 责任编辑, date lines) the extractor pruned.
    pub meta_window_lines: usize,
}

/// Thresholds of the line classifier.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextTuning {
    /// CJK characters a line needs (with a clause mark) to count as prose.
    pub min_prose_cjk: usize,
    /// Clause and sentence marks.
    pub clause_marks: String,
    /// Shortest headline, in characters.
    pub min_title_chars: usize,
    /// Longest headline, in characters.
    pub max_title_chars: usize,
    /// CJK characters of a finished sentence kept at the article's edges.
    pub min_sentence_cjk: usize,
    /// Lines longer than this are never chrome by wording alone.
    pub max_chrome_chars: usize,
    /// Share of a headline's bigrams its opening paragraphs must contain.
    pub min_title_overlap: f64,
    /// Toneless pinyin syllables accepted by the ruby repair.
    pub neutral_syllables: Vec<String>,
}

/// Wording of site chrome.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChromeWords {
    /// Substrings that make a short line chrome.
    pub words: Vec<String>,
    /// Share targets; a short line naming several is a share bar.
    pub share_targets: Vec<String>,
    /// Share targets a share bar names at least.
    pub min_share_targets: usize,
    /// Substrings that make any line chrome.
    pub strong_words: Vec<String>,
    /// Whole lines that are chrome.
    pub exact: Vec<String>,
    /// List-entry prefixes.
    pub bullet_prefixes: Vec<String>,
    /// Caption credits at a line's end or in its last bracket.
    pub caption_end_markers: Vec<String>,
    /// Caption credits only inside a line's last bracket.
    pub caption_bracket_markers: Vec<String>,
    /// Caption words anywhere in a short line.
    pub caption_anywhere: Vec<String>,
    /// Caption openings.
    pub caption_prefixes: Vec<String>,
    /// Words that start the footer.
    pub stop_markers: Vec<String>,
    /// Footer markers that may instead head a related-reading block inside
    /// the article (`延伸阅读`): its links go, the text after them stays.
    pub related_markers: Vec<String>,
    /// Link lines such a block holds at most before text resumes.
    pub max_related_links: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpam {
    line_patterns: Vec<String>,
    inline_words: Vec<String>,
    list_separators: Vec<String>,
    min_list_items: usize,
    max_list_item_chars: usize,
    garbage_min_tokens: usize,
    garbage_max_token_chars: usize,
    spun_fragment_chars: usize,
    spun_min_hits: usize,
}

/// Compiled spam rules.
#[derive(Debug, Clone)]
pub struct SpamRules {
    /// A line matching one of these is junk.
    pub line_patterns: Vec<Regex>,
    /// The same patterns as one set, so a line is scanned once (every line
    /// of every page is tested).
    pub line_set: regex::RegexSet,
    /// Fragments removed wherever they occur.
    pub inline_words: Vec<String>,
    /// Separators of keyword and link lists.
    pub list_separators: Vec<String>,
    /// Items a line needs to be taken for a list.
    pub min_list_items: usize,
    /// Longest list item, in characters.
    pub max_list_item_chars: usize,
    /// Shortest run of garbage tokens removed.
    pub garbage_min_tokens: usize,
    /// Longest garbage token.
    pub garbage_max_token_chars: usize,
    /// Length of spliced headline fragments (two bigrams).
    pub spun_fragment_chars: usize,
    /// Fragments a page needs before any is removed.
    pub spun_min_hits: usize,
}

/// Wording of metadata lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaWords {
    /// Labels before the outlet.
    pub source_labels: Vec<String>,
    /// Labels before the publication date.
    pub date_labels: Vec<String>,
    /// Labels before the author or editor.
    pub author_labels: Vec<String>,
    /// Every label, to cut a value where the next label starts.
    pub all_labels: Vec<String>,
    /// Credits naming no outlet.
    pub non_source: Vec<String>,
    /// Whole credits naming no outlet (`网络`, `综合`).
    pub non_source_exact: Vec<String>,
    /// Endings of outlet names in datelines.
    pub outlet_suffixes: Vec<String>,
    /// Endings of organisations credited at the article's end.
    pub credit_suffixes: Vec<String>,
    /// Dateline verbs (`电`, `讯`).
    pub dateline_verbs: Vec<String>,
    /// Byline words (`记者`).
    pub byline_words: Vec<String>,
    /// Byline endings (`报道`).
    pub byline_ends: Vec<String>,
    /// Category menu headers whose next line names the outlet.
    pub category_headers: Vec<String>,
    /// Prefixes that rule a line out as a headline.
    pub not_title_prefixes: Vec<String>,
    /// Prefixes removed from a headline.
    pub title_strip_prefixes: Vec<String>,
    /// Separators before an appended site name.
    pub site_separators: Vec<String>,
    /// Separators after which a short tail is always a site name.
    pub always_site_separators: Vec<String>,
    /// Endings of a candidate that is only a site's name.
    pub site_name_endings: Vec<String>,
    /// Endings that mark a headline suffix as a site name.
    pub site_suffix_words: Vec<String>,
    /// Offset for times shown without one.
    pub default_offset: String,
    /// Years below this in `YYY年` are ROC years.
    pub roc_year_max: i32,
    /// Days a labelled date may follow the dateline's day and still be the
    /// article's date (a paper printed the next morning).
    pub dateline_grace_days: i64,
    /// Non-blank lines after the headline read for its information bar.
    pub bar_lines: usize,
    /// Longest bar line, in characters; longer lines are text.
    pub bar_max_chars: usize,
    /// `<meta>` keys containing one of these may lend their date's year to
    /// a year-less bar date.
    pub reference_key_words: Vec<String>,
    /// A bar line with one of these links to another article (`上一篇`).
    pub pager_words: Vec<String>,
}

/// A word list compiled for one-pass substring search.
#[derive(Debug, Clone)]
pub struct WordSet {
    ac: Option<AhoCorasick>,
}

impl WordSet {
    /// Compiles a list; empty entries are ignored.
    pub fn new(words: &[String]) -> Result<Self, String> {
        let words: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Ok(Self { ac: None });
        }
        AhoCorasick::new(&words)
            .map(|ac| Self { ac: Some(ac) })
            .map_err(|e| e.to_string())
    }

    /// Whether `s` contains any of the words.
    pub fn found_in(&self, s: &str) -> bool {
        self.ac.as_ref().is_some_and(|ac| ac.is_match(s))
    }
}

/// The chrome word lists compiled for matching every line.
#[derive(Debug, Clone)]
pub struct ChromeSets {
    /// [`ChromeWords::words`].
    pub words: WordSet,
    /// [`ChromeWords::strong_words`].
    pub strong: WordSet,
    /// [`ChromeWords::stop_markers`].
    pub stop: WordSet,
    /// [`ChromeWords::caption_anywhere`].
    pub caption_anywhere: WordSet,
    /// [`ChromeWords::caption_end_markers`] and
    /// [`ChromeWords::caption_bracket_markers`], matched anywhere.
    pub caption_markers: WordSet,
}

/// Everything the cleaner needs, compiled.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Line classifier thresholds.
    pub text: TextTuning,
    /// Chrome wording.
    pub chrome: ChromeWords,
    /// Chrome wording, compiled.
    pub sets: ChromeSets,
    /// Spam rules.
    pub spam: SpamRules,
    /// Metadata wording.
    pub meta: MetaWords,
    /// HTML reading.
    pub html: HtmlKeys,
}

impl Rules {
    /// Reads and compiles a rules file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = crate::configuration::built_in::read_rule_file(path)?;
        Self::from_toml_str(&text, path)
    }

    /// Compiles rules from TOML text; `path` only names the file in errors.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: PathBuf::from(path),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut line_patterns = Vec::with_capacity(raw.spam.line_patterns.len());
        for p in &raw.spam.line_patterns {
            let re = Regex::new(&format!("(?i){p}"))
                .map_err(|e| invalid(format!("spam.line_patterns `{p}`: {e}")))?;
            line_patterns.push(re);
        }
        let line_set = regex::RegexSet::new(line_patterns.iter().map(Regex::as_str))
            .map_err(|e| invalid(format!("spam.line_patterns: {e}")))?;
        if parse_offset(&raw.meta.default_offset).is_none() {
            return Err(invalid(format!(
                "meta.default_offset `{}` is not an offset like +08:00",
                raw.meta.default_offset
            )));
        }
        let set = |name: &str, list: &[String]| {
            WordSet::new(list).map_err(|e| invalid(format!("chrome.{name}: {e}")))
        };
        let sets = ChromeSets {
            words: set("words", &raw.chrome.words)?,
            strong: set("strong_words", &raw.chrome.strong_words)?,
            stop: set("stop_markers", &raw.chrome.stop_markers)?,
            caption_anywhere: set("caption_anywhere", &raw.chrome.caption_anywhere)?,
            caption_markers: set(
                "caption_end_markers",
                &[
                    raw.chrome.caption_end_markers.as_slice(),
                    raw.chrome.caption_bracket_markers.as_slice(),
                ]
                .concat(),
            )?,
        };
        Ok(Self {
            text: raw.text,
            chrome: raw.chrome,
            sets,
            spam: SpamRules {
                line_patterns,
                line_set,
                inline_words: raw.spam.inline_words,
                list_separators: raw.spam.list_separators,
                min_list_items: raw.spam.min_list_items.max(2),
                max_list_item_chars: raw.spam.max_list_item_chars,
                garbage_min_tokens: raw.spam.garbage_min_tokens.max(2),
                garbage_max_token_chars: raw.spam.garbage_max_token_chars.max(1),
                spun_fragment_chars: raw.spam.spun_fragment_chars,
                spun_min_hits: raw.spam.spun_min_hits,
            },
            meta: raw.meta,
            html: raw.html,
        })
    }
}

/// Parses `+08:00` / `-05:00`.
pub fn parse_offset(s: &str) -> Option<chrono::FixedOffset> {
    let s = s.trim();
    let sign = match s.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let rest = s.get(1..)?;
    let (h, m) = rest.split_once(':')?;
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    chrono::FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

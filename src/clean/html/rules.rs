//! `config/html.toml`: vocabulary and tunables of the extractor.

use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use markup5ever::LocalName;
use regex::Regex;
use serde::Deserialize;

use crate::error::ConfigError;

/// Attributes the extractor reads (besides those of `attributes.junk`);
/// the parser drops all others.
const READ_ATTRS: &[&str] = &[
    "class",
    "id",
    "type",
    "property",
    "name",
    "content",
    "itemprop",
    "http-equiv",
    "datetime",
    "charset",
];

/// Compiled extraction rules, built once and shared by every page.
#[derive(Debug, Clone)]
pub struct HtmlRules {
    pub(crate) drop_tags: Vec<LocalName>,
    pub(crate) leaf_tags: Vec<LocalName>,
    pub(crate) chrome_tags: Vec<LocalName>,
    pub(crate) junk_attrs: Vec<AttrTest>,
    pub(crate) junk_selectors: Vec<super::selector::Selector>,
    positive: Option<Regex>,
    negative: Option<Regex>,
    unlikely: Option<Regex>,
    maybe: Option<Regex>,
    pub(crate) drop_paragraph: Option<AhoCorasick>,
    pub(crate) tail_markers: Vec<String>,
    pub(crate) related_markers: Vec<String>,
    pub(crate) drop_prefix: Vec<String>,
    pub(crate) comma_chars: Vec<char>,
    /// Attributes the parser keeps (lower-case), besides those of
    /// `tested_attrs`.
    kept_attrs: Vec<String>,
    /// Attributes kept only when a junk test on them passes (`style` is
    /// read only for `display:none`).
    tested_attrs: Vec<AttrTest>,
    /// Packed name (see `pack_name`) → index in `kept_attrs`.
    attr_index: rustc_hash::FxHashMap<u128, usize>,
    /// Per `kept_attrs` entry: whether a junk test names it.
    junk_named: Vec<bool>,
    /// Numeric thresholds, public so callers and tests can experiment.
    pub tuning: Tuning,
}

/// Numeric thresholds (see the comments in `config/html.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tuning {
    /// Weight of one CJK character relative to one Latin letter.
    pub cjk_char_weight: f32,
    /// Characters counted as clause separators.
    pub comma_chars: String,
    /// Blocks shorter than this do not vote.
    pub min_paragraph_len: f32,
    /// Length at which a block's length bonus is capped.
    pub length_bonus_unit: f32,
    /// Cap of a block's length bonus (points).
    pub length_bonus_cap: f32,
    /// How many ancestor levels a block votes for.
    pub vote_levels: u32,
    /// Class/id bonus or malus.
    pub class_weight: f32,
    /// Least score of a joining sibling container.
    pub sibling_min_score: f32,
    /// Bonus (share of the best score) of a sibling with the best's class.
    pub sibling_class_bonus: f32,
    /// Share of the best score a sibling needs to join.
    pub sibling_score_ratio: f32,
    /// Length a sibling paragraph needs to join.
    pub sibling_min_len: f32,
    /// Max link density of a joining sibling paragraph.
    pub sibling_max_link_density: f32,
    /// Share of the best text votes a candidate container needs.
    pub min_vote_share: f32,
    /// Share of the best score that makes a close alternative.
    pub alternative_ratio: f32,
    /// Close alternatives under one ancestor that promote it.
    pub min_alternatives: usize,
    /// Link density above which a short block inside the content is dropped.
    pub max_block_link_density: f32,
    /// Blocks at least this long are kept whatever their link density.
    pub long_block_len: f32,
    /// "Short" for drop_paragraph and tail_markers.
    pub short_paragraph_len: f32,
    /// Blocks after a related-reading heading read as its links before,
    /// without running text, it is taken for the page's footer.
    pub max_related_blocks: usize,
    /// Containers of quotes below this link density are never pruned.
    pub quote_max_link_density: f32,
    /// Containers with at least this many clause separators are never pruned.
    pub prune_spare_commas: u32,
    /// Text-poor containers shorter than this are pruned.
    pub prune_min_len: f32,
    /// Link density above which a container is pruned…
    pub prune_max_link_density: f32,
    /// …unless it is at least this long.
    pub prune_link_len_cap: f32,
    /// Link density above which an article-named container is pruned.
    pub prune_max_link_density_positive: f32,
    /// A container with one embed needs this much text to stay.
    pub prune_embed_min_len: f32,
    /// How many blocks before the body are searched for its headline.
    pub heading_lookback: usize,
    /// Below this, fall back to all low-link text of the page.
    pub min_article_len: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    tags: RawTags,
    attributes: RawAttributes,
    #[serde(default)]
    selectors: RawSelectors,
    class_words: RawClassWords,
    phrases: RawPhrases,
    tuning: Tuning,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTags {
    drop: Vec<String>,
    leaf: Vec<String>,
    chrome: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttributes {
    junk: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelectors {
    #[serde(default)]
    junk: Vec<String>,
}

/// One test from `attributes.junk`.
#[derive(Debug, Clone)]
pub(crate) struct AttrTest {
    /// Lower-case attribute name.
    pub name: String,
    pub op: AttrOp,
}

/// How an attribute value is tested.
#[derive(Debug, Clone)]
pub(crate) enum AttrOp {
    /// The attribute is present.
    Present,
    /// The value equals this (lower-case) text.
    Equals(String),
    /// The value, lower-cased and without whitespace, contains this text.
    Contains(String),
}

impl AttrTest {
    pub(crate) fn parse(spec: &str) -> Self {
        let squeeze = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect()
        };
        if let Some((name, value)) = spec.split_once('~') {
            Self {
                name: name.trim().to_ascii_lowercase(),
                op: AttrOp::Contains(squeeze(value)),
            }
        } else if let Some((name, value)) = spec.split_once('=') {
            Self {
                name: name.trim().to_ascii_lowercase(),
                op: AttrOp::Equals(value.trim().to_lowercase()),
            }
        } else {
            Self {
                name: spec.trim().to_ascii_lowercase(),
                op: AttrOp::Present,
            }
        }
    }

    /// Whether an attribute value passes the test.
    pub fn matches(&self, value: &str) -> bool {
        match &self.op {
            AttrOp::Present => true,
            AttrOp::Equals(v) => value.trim().eq_ignore_ascii_case(v),
            AttrOp::Contains(v) if value.is_ascii() => {
                // Inline styles are long and ASCII: squeeze bytes, no chars.
                let squeezed: Vec<u8> = value
                    .bytes()
                    .filter(|c| !c.is_ascii_whitespace())
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                memchr::memmem::find(&squeezed, v.as_bytes()).is_some()
            }
            AttrOp::Contains(v) => {
                let squeezed: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .flat_map(char::to_lowercase)
                    .collect();
                squeezed.contains(v.as_str())
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClassWords {
    positive: Vec<String>,
    negative: Vec<String>,
    unlikely: Vec<String>,
    maybe: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhrases {
    drop_paragraph: Vec<String>,
    drop_prefix: Vec<String>,
    tail_markers: Vec<String>,
    related_markers: Vec<String>,
}

/// Which attributes the parser keeps on each element, and the packed-name
/// index it looks them up by; built once from the junk-attribute tests.
struct AttrIndex {
    kept_attrs: Vec<String>,
    tested_attrs: Vec<AttrTest>,
    attr_index: rustc_hash::FxHashMap<u128, usize>,
    junk_named: Vec<bool>,
}

impl AttrIndex {
    fn build(junk_attrs: &[AttrTest]) -> Result<Self, String> {
        // Attributes tested only for presence or equality are short;
        // `~` (contains) tests are on long values such as `style`.
        let mut kept_attrs: Vec<String> = READ_ATTRS.iter().map(|a| a.to_string()).collect();
        kept_attrs.extend(
            junk_attrs
                .iter()
                .filter(|t| !matches!(t.op, AttrOp::Contains(_)))
                .map(|t| t.name.clone()),
        );
        kept_attrs.sort();
        kept_attrs.dedup();
        let tested_attrs: Vec<AttrTest> = junk_attrs
            .iter()
            .filter(|t| matches!(t.op, AttrOp::Contains(_)))
            .filter(|t| !kept_attrs.contains(&t.name))
            .cloned()
            .collect();
        let mut attr_index = rustc_hash::FxHashMap::default();
        for (i, k) in kept_attrs.iter().enumerate() {
            let packed = pack_name(k.as_bytes()).ok_or_else(|| {
                format!("attributes.junk: attribute name `{k}` is longer than 16 bytes")
            })?;
            attr_index.insert(packed, i);
        }
        let junk_named = kept_attrs
            .iter()
            .map(|k| junk_attrs.iter().any(|t| t.name == *k))
            .collect();
        Ok(Self {
            kept_attrs,
            tested_attrs,
            attr_index,
            junk_named,
        })
    }
}

impl HtmlRules {
    /// Loads and compiles the rules from a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = crate::configuration::built_in::read_rule_file(path)?;
        Self::from_toml_str(&text, path)
    }

    /// Compiles rules from TOML text; `path` only names the source in errors.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: PathBuf::from(path),
            message,
        };
        let raw: RawRules = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let tags = |names: &[String]| -> Vec<LocalName> {
            names
                .iter()
                .map(|n| LocalName::from(n.to_ascii_lowercase()))
                .collect()
        };
        let junk_attrs: Vec<AttrTest> = raw
            .attributes
            .junk
            .iter()
            .map(|s| AttrTest::parse(s))
            .collect();
        if let Some(bad) = junk_attrs.iter().find(|t| t.name.is_empty()) {
            return Err(invalid(format!(
                "attributes.junk: empty attribute name in {bad:?}"
            )));
        }
        let words = |name: &str, list: &[String]| -> Result<Option<Regex>, ConfigError> {
            if list.is_empty() {
                return Ok(None);
            }
            // ASCII word boundaries: class names are ASCII, and a Unicode
            // `\b` makes the lazy DFA give way to a slower engine.
            let pattern = format!("(?i){}", list.join("|").replace("\\b", "(?-u:\\b)"));
            Regex::new(&pattern)
                .map(Some)
                .map_err(|e| invalid(format!("class_words.{name}: {e}")))
        };
        let drop_paragraph = if raw.phrases.drop_paragraph.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&raw.phrases.drop_paragraph)
                    .map_err(|e| invalid(format!("phrases.drop_paragraph: {e}")))?,
            )
        };
        let t = &raw.tuning;
        let positive_ok = [
            ("cjk_char_weight", t.cjk_char_weight),
            ("length_bonus_unit", t.length_bonus_unit),
        ];
        for (name, v) in positive_ok {
            if !(v.is_finite() && v > 0.0) {
                return Err(invalid(format!("tuning.{name} must be > 0")));
            }
        }
        let mut junk_selectors = Vec::with_capacity(raw.selectors.junk.len());
        for sel in &raw.selectors.junk {
            let m = super::selector::Selector::parse(sel)
                .map_err(|e| invalid(format!("selectors.junk: `{sel}`: {e}")))?;
            junk_selectors.push(m);
        }
        let index = AttrIndex::build(&junk_attrs).map_err(invalid)?;
        Ok(Self {
            drop_tags: tags(&raw.tags.drop),
            leaf_tags: tags(&raw.tags.leaf),
            chrome_tags: tags(&raw.tags.chrome),
            junk_attrs,
            junk_selectors,
            positive: words("positive", &raw.class_words.positive)?,
            negative: words("negative", &raw.class_words.negative)?,
            unlikely: words("unlikely", &raw.class_words.unlikely)?,
            maybe: words("maybe", &raw.class_words.maybe)?,
            drop_paragraph,
            tail_markers: raw
                .phrases
                .tail_markers
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            related_markers: raw
                .phrases
                .related_markers
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            drop_prefix: raw
                .phrases
                .drop_prefix
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            comma_chars: raw.tuning.comma_chars.chars().collect(),
            kept_attrs: index.kept_attrs,
            tested_attrs: index.tested_attrs,
            attr_index: index.attr_index,
            junk_named: index.junk_named,
            tuning: raw.tuning,
        })
    }

    /// The attribute named `name` (any case) as the parser keeps it, its
    /// lower-case name; `None` for attributes nothing reads.
    pub(crate) fn kept_attr(&self, name: &[u8], value: &str) -> Option<KeptAttr<'_>> {
        // Called for every attribute of every tag (hundreds of thousands a
        // second): one hash probe on the packed lower-cased name.
        if let Some(key) = pack_name(name)
            && let Some(&at) = self.attr_index.get(&key)
        {
            return self.kept_attrs.get(at).map(|k| KeptAttr {
                name: k.as_str(),
                junk_tested: self.junk_named.get(at).copied().unwrap_or(false),
            });
        }
        self.tested_attrs
            .iter()
            .find(|t| t.name.as_bytes().eq_ignore_ascii_case(name) && t.matches(value))
            .map(|t| KeptAttr {
                name: t.name.as_str(),
                junk_tested: true,
            })
    }

    /// Class/id weight of an element (`+class_weight` for article-like
    /// names, `-class_weight` for chrome-like ones; both can apply) and
    /// whether the names make it chrome regardless of its text (unlikely
    /// and not maybe).
    pub(crate) fn key_class(&self, key: &str) -> (f32, bool) {
        if key.is_empty() {
            return (0.0, false);
        }
        let hit = |r: &Option<Regex>| r.as_ref().is_some_and(|r| r.is_match(key));
        let mut w = 0.0;
        if hit(&self.positive) {
            w += self.tuning.class_weight;
        }
        if hit(&self.negative) {
            w -= self.tuning.class_weight;
        }
        (w, hit(&self.unlikely) && !hit(&self.maybe))
    }
}

/// An attribute the parser keeps, as [`HtmlRules::kept_attr`] names it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeptAttr<'a> {
    /// Lower-case name.
    pub name: &'a str,
    /// Whether a junk test of `attributes.junk` reads it.
    pub junk_tested: bool,
}

/// An attribute name of at most 16 bytes, ASCII-lower-cased, as one
/// number (`None` for longer names, which no rule reads).
fn pack_name(name: &[u8]) -> Option<u128> {
    if name.is_empty() || name.len() > 16 {
        return None;
    }
    let mut buf = [0u8; 16];
    for (d, s) in buf.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    Some(u128::from_le_bytes(buf))
}

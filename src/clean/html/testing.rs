//! Views of the HTML reader for the tests that check it against the
//! Standard (`tests/html_differential.rs`); not an API.

use markup5ever::LocalName;

use super::content::is_block;
use super::dom::{Dom, Ix};
use super::parse;
use super::rules::HtmlRules;
use super::tokenize::atom;

/// An element (with `name`) or a text node (`name` empty, with `text`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextNode {
    /// Lower-case element name; empty for text.
    pub name: String,
    /// The text of a text node, character references decoded.
    pub text: String,
    /// Children in document order.
    pub children: Vec<TextNode>,
}

/// The compact tree our reader builds for `html` (the body, with the
/// elements and text the rules drop left out), as [`TextNode`]s.
pub fn text_tree(html: &str, rules: &HtmlRules) -> TextNode {
    let parsed = parse::parse_within(
        html,
        rules,
        &crate::budget::PipelineLimits::unlimited(),
        &crate::budget::Budget::unlimited(),
    );
    convert(&parsed.dom, 0)
}

fn convert(dom: &Dom, ix: Ix) -> TextNode {
    // Depth is bounded by parse::MAX_DEPTH.
    let n = dom.get(ix);
    TextNode {
        name: n.name.to_string(),
        text: n.text.clone(),
        children: n.children.iter().map(|&c| convert(dom, c)).collect(),
    }
}

/// Whether our reader keeps the text inside an element named `name`:
/// not for the elements the rules drop or keep as leaves, nor for the
/// raw-text elements it skips (scripts, styles, frames, SVG, MathML) or
/// reads as the title.
pub fn keeps_text(rules: &HtmlRules, name: &str) -> bool {
    let n: LocalName = atom(name.as_bytes());
    !(rules.drop_tags.contains(&n)
        || rules.leaf_tags.contains(&n)
        || matches!(
            parse::raw_kind(&n, &[], false),
            super::tokenize::Raw::Skip | super::tokenize::Raw::Title
        ))
}

/// Whether an element named `name` is a block for the content extractor
/// (its text is a block of its own).
pub fn is_block_name(name: &str) -> bool {
    is_block(&atom(name.as_bytes()))
}

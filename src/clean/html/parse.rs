//! One pass from markup to the compact [`Dom`]: the tree builder, fed by
//! the tokenizer of `tokenize`, both made for this extractor in place of a
//! general HTML parser.
//!
//! Why not html5ever: a full parser builds a tree of every element,
//! attribute and character of the page, and on news pages that was half of
//! the pipeline's time, while the extractor reads a sliver of it: element
//! names, `class`/`id`, a few attributes and the text outside scripts. This
//! pass reads the bytes once, skips script and style bodies with `memchr`,
//! keeps only the attributes the rules read, and builds the `Dom` directly.
//!
//! The tree follows the HTML Standard's tree construction where it decides
//! which element a text ends up in: void elements, `<p>` closed by the
//! blocks that cannot sit inside it, `<li>`/`<dd>`/`<dt>` closing their
//! open siblings, implied `<tbody>`/`<tr>` and cell closing in tables, end
//! tags honoured only within their scope (a stray `</span>` cannot close a
//! `<div>`), and `<html>`/`<head>`/`<body>` tags transparent, since the
//! standard moves body content written in `<head>` to the body anyway. It
//! leaves out what moves text between blocks only on broken pages
//! (re-opening formatting elements, foster parenting out of tables, HTML
//! elements breaking out of SVG). `tests/html_differential.rs` compares
//! the text of this tree with html5ever's, block by block, on every page
//! we have, and lists each accepted difference.
//! Nesting deeper than [`MAX_DEPTH`] is flattened: its text stays.

use markup5ever::{LocalName, local_name};
use rustc_hash::FxHashMap;

use super::dom::is_heading;
use super::dom::{Dom, Ix, Node};
use super::entities;
use super::rules::HtmlRules;
use super::selector::Element;
use super::tokenize::{Attr, Raw, Sink, tokenize};
use crate::budget::{Budget, Meter, PipelineLimits};
use crate::model::{Limit, LimitHit};

/// Open elements kept at most; deeper start tags (and as many end tags)
/// are ignored, as browsers also flatten absurd nesting.
pub(crate) const MAX_DEPTH: usize = 512;

/// What the head and the metadata elements of a page say, in document
/// order, for `meta::collect`.
#[derive(Debug, Default)]
pub(crate) struct Head {
    /// Text of the first non-empty `<title>`.
    pub title: Option<String>,
    /// `<meta>` tags, JSON-LD blocks and `<time datetime>`s.
    pub items: Vec<HeadItem>,
}

/// One metadata element, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeadItem {
    /// `<meta>`: lower-cased `property`, `name`, `itemprop` or
    /// `http-equiv`, and `content`.
    Meta(String, String),
    /// The text of a `<script type="application/ld+json">`.
    JsonLd(String),
    /// The `datetime` of a `<time>`.
    Time(String),
}

/// A parsed page.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// The body as the extractor sees it.
    pub dom: Dom,
    /// Metadata elements.
    pub head: Head,
    /// The page's text, every element's text in document order with a line
    /// break at each block tag, for the text cleaner's metadata reading.
    pub text: String,
    /// The bound (nodes or text) that stopped the parse, if one did: the
    /// markup after that point was not read.
    pub limit: Option<LimitHit>,
}

/// Parses `html` with `rules`' vocabulary.
#[cfg(test)]
pub(crate) fn parse(html: &str, rules: &HtmlRules) -> Parsed {
    parse_within(
        html,
        rules,
        &PipelineLimits::unlimited(),
        &Budget::unlimited(),
    )
}

/// Parses `html`, stopping once `limits.max_nodes` elements and text nodes
/// are built, `limits.max_text_chars` characters of text are read, or the
/// budget is exceeded.
pub(crate) fn parse_within(
    html: &str,
    rules: &HtmlRules,
    limits: &PipelineLimits,
    budget: &Budget,
) -> Parsed {
    // Room for what the bounds let in, not for the whole input.
    let room = html
        .len()
        .min(limits.max_nodes.saturating_mul(64))
        .min(limits.max_text_chars.saturating_mul(4));
    let mut b = Builder::new(rules, room);
    b.max_text_chars = limits.max_text_chars;
    let mut meter = Meter::new(budget);
    let mut hit = None;
    let mut out_of_budget = false;
    tokenize(html, 0, &mut b, |b| {
        if b.dom.nodes.len() >= limits.max_nodes {
            hit = Some(LimitHit {
                limit: Limit::Nodes,
                at: b.dom.nodes.len() as u64,
            });
        } else if b.text_chars >= limits.max_text_chars {
            hit = Some(LimitHit {
                limit: Limit::TextChars,
                at: b.text_chars as u64,
            });
        } else {
            out_of_budget = meter.tick();
        }
        hit.is_some() || out_of_budget
    });
    // The last run of text may have been cut at the bound, with no token
    // after it to notice.
    let limit = if out_of_budget {
        None
    } else {
        hit.or_else(|| {
            (b.text_chars >= limits.max_text_chars).then_some(LimitHit {
                limit: Limit::TextChars,
                at: b.text_chars as u64,
            })
        })
    };
    let mut dom = b.dom;
    dom.unflag_page_wrappers();
    Parsed {
        dom,
        head: b.head,
        text: b.text,
        limit,
    }
}

/// An element on the stack of open elements.
#[derive(Debug)]
struct Open {
    name: LocalName,
    /// Where its children go; `None` inside dropped and leaf elements.
    ix: Option<Ix>,
}

/// Tree construction state.
struct Builder<'r> {
    rules: &'r HtmlRules,
    dom: Dom,
    head: Head,
    text: String,
    open: Vec<Open>,
    /// Start tags ignored past MAX_DEPTH, matched by as many end tags.
    flattened: usize,
    /// Characters of text read so far (into `text`, the page text).
    text_chars: usize,
    /// Characters of text read at most.
    max_text_chars: usize,
    /// `(weight, unlikely)` per class/id key: many elements share one.
    seen_keys: FxHashMap<String, (f32, bool)>,
    /// Per node, what junk selectors test (only when there are selectors).
    elements: Vec<Element>,
}

impl<'r> Builder<'r> {
    fn new(rules: &'r HtmlRules, bytes: usize) -> Self {
        let mut dom = Dom::with_capacity(bytes / 64 + 16);
        dom.nodes.push(Node::element(local_name!("body"), 0));
        Self {
            rules,
            dom,
            head: Head::default(),
            text: String::with_capacity(bytes / 4),
            open: Vec::with_capacity(64),
            flattened: 0,
            text_chars: 0,
            max_text_chars: usize::MAX,
            seen_keys: FxHashMap::default(),
            elements: if rules.junk_selectors.is_empty() {
                Vec::new()
            } else {
                vec![Element::default()]
            },
        }
    }

    /// Where content goes now: `None` when it is dropped.
    fn target(&self) -> Option<Ix> {
        match self.open.last() {
            Some(o) => o.ix,
            None => Some(0),
        }
    }

    fn add_text(&mut self, raw: &str) {
        self.add_text_as(raw, true);
    }

    /// Text, its character references decoded unless `decode` is off
    /// (RAWTEXT and PLAINTEXT content).
    fn add_text_as(&mut self, raw: &str, decode: bool) {
        if raw.is_empty() {
            return;
        }
        let mark = self.text.len();
        if decode {
            entities::decode_into(raw, false, &mut self.text);
        } else {
            self.text.push_str(raw);
        }
        // NUL is dropped and CR is a line break, as the tokenizer does.
        let piece_has_odd = self
            .text
            .get(mark..)
            .is_some_and(|p| p.bytes().any(|c| c == 0 || c == b'\r'));
        if piece_has_odd {
            let fixed: String = self
                .text
                .get(mark..)
                .unwrap_or_default()
                .replace("\r\n", "\n")
                .chars()
                .filter(|&c| c != '\0')
                .map(|c| if c == '\r' { '\n' } else { c })
                .collect();
            self.text.truncate(mark);
            self.text.push_str(&fixed);
        }
        self.count_text(mark);
        let Some(parent) = self.target() else {
            return;
        };
        let piece = self.text.get(mark..).unwrap_or_default();
        if piece.is_empty() {
            return;
        }
        // Adjacent text is one node so that a block's text stays whole.
        let last = self.dom.nodes.get(parent).and_then(|p| p.children.last());
        if let Some(&last) = last
            && let Some(prev) = self.dom.nodes.get_mut(last)
            && prev.is_text
        {
            prev.text.push_str(piece);
            return;
        }
        let ix = self.dom.nodes.len();
        let mut node = Node::element(local_name!(""), parent);
        node.is_text = true;
        node.text = piece.to_string();
        self.dom.nodes.push(node);
        if !self.elements.is_empty() {
            self.elements.push(Element::default());
        }
        if let Some(p) = self.dom.nodes.get_mut(parent) {
            p.children.push(ix);
        }
    }

    /// Counts the text added to the page text since `mark`, cutting it at
    /// the text bound: one run of text can be the whole page.
    fn count_text(&mut self, mark: usize) {
        let room = self.max_text_chars.saturating_sub(self.text_chars);
        let piece = self.text.get(mark..).unwrap_or_default();
        match piece.char_indices().nth(room) {
            Some((cut, _)) => {
                self.text.truncate(mark + cut);
                self.text_chars += room;
            }
            None => self.text_chars += piece.chars().count(),
        }
    }

    /// A line break in the page text (block tags, as `strip_tags` did).
    fn line_break(&mut self, name: &LocalName) {
        if breaks_line(name) {
            self.text.push('\n');
        }
    }

    fn in_scope(&self, pred: impl Fn(&LocalName) -> bool, boundary: Scope) -> bool {
        for o in self.open.iter().rev() {
            if pred(&o.name) {
                return true;
            }
            if boundary.stops(&o.name) {
                return false;
            }
        }
        false
    }

    /// Pops elements until one matching `pred` is popped.
    fn pop_until(&mut self, pred: impl Fn(&LocalName) -> bool) {
        while let Some(o) = self.open.pop() {
            if pred(&o.name) {
                break;
            }
        }
    }

    fn close_p(&mut self) {
        self.close_in(|n| *n == local_name!("p"), Scope::Button);
    }

    /// `</p>`: closes the open `<p>`, or, with none in button scope, acts
    /// as `<p></p>` (the Standard inserts an empty `<p>`), which splits the
    /// text around it into blocks as the page-text pass does.
    fn end_p(&mut self) {
        if self.in_scope(|n| *n == local_name!("p"), Scope::Button) {
            self.pop_until(|n| *n == local_name!("p"));
        } else {
            self.insert(local_name!("p"), &[], false);
        }
    }

    fn open_element(&mut self, name: LocalName, attrs: &[Attr<'_>], self_closing: bool) {
        self.line_break(&name);
        match name {
            local_name!("html") | local_name!("head") | local_name!("body") => return,
            local_name!("frameset") | local_name!("frame") => return,
            _ => {}
        }
        self.meta_item(&name, attrs);
        let nests = !(is_void(&name) || self_closing && is_foreign(&name));
        if nests && self.open.len() >= MAX_DEPTH {
            self.flattened += 1;
            return;
        }
        if closes_p(&name) {
            self.close_p();
        }
        if self.make_room(&name) {
            self.insert(name, attrs, nests);
        }
    }

    /// Closes what a start tag `name` implicitly ends; `false` when the
    /// tag is ignored (table parts outside a table).
    fn make_room(&mut self, name: &LocalName) -> bool {
        let top_is = |b: &Self, pred: &dyn Fn(&LocalName) -> bool| {
            b.open.last().is_some_and(|o| pred(&o.name))
        };
        match *name {
            // A heading closes a heading left open.
            ref n if is_heading(n) && top_is(self, &is_heading) => {
                self.open.pop();
            }
            local_name!("li") => self.close_list_item(|n| *n == local_name!("li")),
            local_name!("dd") | local_name!("dt") => {
                self.close_list_item(|n| matches!(*n, local_name!("dd") | local_name!("dt")))
            }
            local_name!("button") => self.close_in(|n| *n == local_name!("button"), Scope::Default),
            local_name!("a") | local_name!("nobr") => {
                // An open link is closed by the next one, unless a block
                // inside it would be split (the standard's adoption agency).
                if let Some(pos) = self.open.iter().rposition(|o| o.name == *name)
                    && self
                        .open
                        .get(pos + 1..)
                        .is_some_and(|above| above.iter().all(|o| !is_special(&o.name)))
                {
                    self.open.truncate(pos);
                }
            }
            local_name!("option") | local_name!("optgroup")
                if top_is(self, &|n| *n == local_name!("option")) =>
            {
                self.open.pop();
            }
            local_name!("td") | local_name!("th") => return self.prepare_table_row_content(),
            local_name!("tr") => return self.prepare_row(),
            local_name!("tbody")
            | local_name!("thead")
            | local_name!("tfoot")
            | local_name!("caption")
            | local_name!("colgroup") => {
                if !self.in_scope(|n| *n == local_name!("table"), Scope::Table) {
                    return false;
                }
                self.clear_to_table();
            }
            local_name!("col") => {
                return self.in_scope(|n| *n == local_name!("table"), Scope::Table);
            }
            _ => {}
        }
        true
    }

    /// `<li>`, `<dd>`, `<dt>`: closes the open item of the same list (the
    /// open `<p>` was closed before, as for every tag in `closes_p`).
    fn close_list_item(&mut self, item: impl Fn(&LocalName) -> bool) {
        for (depth, o) in self.open.iter().enumerate().rev() {
            if item(&o.name) {
                self.open.truncate(depth);
                break;
            }
            if is_special(&o.name)
                && !matches!(
                    o.name,
                    local_name!("address") | local_name!("div") | local_name!("p")
                )
            {
                break;
            }
        }
    }

    /// Pops to the innermost open table.
    fn clear_to_table(&mut self) {
        while let Some(o) = self.open.last() {
            if o.name == local_name!("table") {
                break;
            }
            self.open.pop();
        }
    }

    /// Before a `<tr>`: closes an open row (and its cell), opens an implied
    /// `<tbody>` when the table has none. `false` outside a table.
    fn prepare_row(&mut self) -> bool {
        if !self.in_scope(|n| *n == local_name!("table"), Scope::Table) {
            return false;
        }
        loop {
            match self.open.last().map(|o| o.name.clone()) {
                Some(local_name!("tbody") | local_name!("thead") | local_name!("tfoot")) => {
                    return true;
                }
                Some(local_name!("table")) => {
                    self.insert(local_name!("tbody"), &[], true);
                    return true;
                }
                Some(_) => {
                    self.open.pop();
                }
                None => return false,
            }
        }
    }

    /// Before a `<td>`/`<th>`: closes an open cell, opens an implied row.
    /// `false` outside a table.
    fn prepare_table_row_content(&mut self) -> bool {
        if !self.in_scope(|n| *n == local_name!("table"), Scope::Table) {
            return false;
        }
        loop {
            match self.open.last().map(|o| o.name.clone()) {
                Some(local_name!("tr")) => return true,
                Some(local_name!("tbody") | local_name!("thead") | local_name!("tfoot")) => {
                    self.insert(local_name!("tr"), &[], true);
                    return true;
                }
                Some(local_name!("table")) => {
                    self.insert(local_name!("tbody"), &[], true);
                    self.insert(local_name!("tr"), &[], true);
                    return true;
                }
                Some(_) => {
                    self.open.pop();
                }
                None => return false,
            }
        }
    }

    /// Adds an element at the insertion point and, unless void, opens it.
    fn insert(&mut self, name: LocalName, attrs: &[Attr<'_>], nests: bool) {
        let parent = self.target();
        let rules = self.rules;
        let dropped = rules.drop_tags.contains(&name);
        let ix = match parent {
            Some(parent) if !dropped => Some(self.add_element(&name, attrs, parent)),
            _ => None,
        };
        if nests {
            let inner = ix.filter(|_| !rules.leaf_tags.contains(&name));
            self.open.push(Open { name, ix: inner });
        }
    }

    fn add_element(&mut self, name: &LocalName, attrs: &[Attr<'_>], parent: Ix) -> Ix {
        let rules = self.rules;
        let mut key = String::new();
        let mut junk_attr = false;
        for a in attrs {
            if a.name == "class" || a.name == "id" {
                if !key.is_empty() {
                    key.push(' ');
                }
                key.push_str(&a.value);
            }
            if !junk_attr && a.junk_tested {
                junk_attr = rules
                    .junk_attrs
                    .iter()
                    .any(|t| t.name == a.name && t.matches(&a.value));
            }
        }
        let (weight, unlikely) = if key.is_empty() {
            (0.0, false)
        } else if let Some(&hit) = self.seen_keys.get(&key) {
            hit
        } else {
            let hit = rules.key_class(&key);
            self.seen_keys.insert(key.clone(), hit);
            hit
        };
        let ix = self.dom.nodes.len();
        let selected = !self.elements.is_empty() && {
            let el = Element::new(
                name,
                attrs.iter().map(|a| (a.name, a.value.as_ref())),
                parent,
            );
            self.elements.push(el);
            rules
                .junk_selectors
                .iter()
                .any(|s| s.matches(ix, &self.elements))
        };
        let junk = junk_attr || selected || rules.chrome_tags.contains(name) || unlikely;
        let mut node = Node::element(name.clone(), parent);
        node.key = key;
        node.junk = junk;
        node.weight = weight;
        self.dom.nodes.push(node);
        if let Some(p) = self.dom.nodes.get_mut(parent) {
            p.children.push(ix);
        }
        ix
    }

    fn close_element(&mut self, name: LocalName) {
        self.line_break(&name);
        if self.flattened > 0 && !is_void(&name) {
            self.flattened -= 1;
            return;
        }
        match name {
            local_name!("html") | local_name!("head") | local_name!("body") => {}
            local_name!("br") => self.open_element(local_name!("br"), &[], false),
            local_name!("p") => self.end_p(),
            local_name!("li") => self.close_in(|n| *n == local_name!("li"), Scope::ListItem),
            local_name!("dd") | local_name!("dt") => self.close_named(&name, Scope::Default),
            ref n if is_heading(n) => self.close_in(is_heading, Scope::Default),
            local_name!("td")
            | local_name!("th")
            | local_name!("tr")
            | local_name!("tbody")
            | local_name!("thead")
            | local_name!("tfoot")
            | local_name!("table")
            | local_name!("caption") => self.close_named(&name, Scope::Table),
            ref n if is_special(n) => self.close_named(&name, Scope::Default),
            _ => {
                // Any other end tag closes the innermost element of its
                // name unless a block lies between (then it is a stray).
                for depth in (0..self.open.len()).rev() {
                    let Some(o) = self.open.get(depth) else { break };
                    if o.name == name {
                        self.open.truncate(depth);
                        return;
                    }
                    if is_special(&o.name) {
                        return;
                    }
                }
            }
        }
    }

    /// Pops to the innermost element matching `pred` if one is in `scope`.
    fn close_in(&mut self, pred: impl Fn(&LocalName) -> bool, scope: Scope) {
        if self.in_scope(&pred, scope) {
            self.pop_until(&pred);
        }
    }

    /// [`Self::close_in`] for the elements named `name`.
    fn close_named(&mut self, name: &LocalName, scope: Scope) {
        self.close_in(|n| n == name, scope);
    }

    /// Records `<meta>`, `<time datetime>`, `<link rel=canonical>` and
    /// JSON-LD openings.
    fn meta_item(&mut self, name: &LocalName, attrs: &[Attr<'_>]) {
        let attr = |n: &str| attrs.iter().find(|a| a.name == n).map(|a| a.value.as_ref());
        match *name {
            local_name!("meta") => {
                let key = attr("property")
                    .or_else(|| attr("name"))
                    .or_else(|| attr("itemprop"))
                    .or_else(|| attr("http-equiv"));
                if let (Some(k), Some(v)) = (key, attr("content")) {
                    self.head
                        .items
                        .push(HeadItem::Meta(k.trim().to_lowercase(), v.to_string()));
                }
            }
            local_name!("time") => {
                if let Some(dt) = attr("datetime") {
                    self.head.items.push(HeadItem::Time(dt.to_string()));
                }
            }
            // The page's own address may carry its date (`/2024/0105/`).
            local_name!("link") => {
                if attr("rel").is_some_and(|r| r.trim().eq_ignore_ascii_case("canonical"))
                    && let Some(href) = attr("href")
                {
                    self.head
                        .items
                        .push(HeadItem::Meta("canonical".into(), href.to_string()));
                }
            }
            _ => {}
        }
    }
}

impl<'a, 'r: 'a> Sink<'a> for Builder<'r> {
    fn keep_attr(&self, name: &'a [u8], value: &'a str) -> Option<(&'a str, bool)> {
        let rules: &'r HtmlRules = self.rules;
        rules
            .kept_attr(name, value)
            .map(|k| (k.name, k.junk_tested))
    }

    fn start_tag(&mut self, name: LocalName, attrs: &[Attr<'a>], self_closing: bool) -> Raw {
        let raw = raw_kind(&name, attrs, self_closing);
        self.open_element(name, attrs, self_closing);
        raw
    }

    fn end_tag(&mut self, name: LocalName) {
        self.close_element(name);
    }

    fn text(&mut self, raw: &'a str) {
        self.add_text(raw);
    }

    fn raw_text(&mut self, kind: Raw, content: &'a str) {
        match kind {
            Raw::Title => {
                // Decoded once, into the page text, which reads it too.
                let mark = self.text.len();
                entities::decode_into(content, false, &mut self.text);
                self.count_text(mark);
                let t = self.text.get(mark..).unwrap_or_default();
                if self.head.title.is_none() && !t.trim().is_empty() {
                    self.head.title = Some(t.to_string());
                }
            }
            Raw::JsonLd => self.head.items.push(HeadItem::JsonLd(content.to_string())),
            Raw::Text => self.add_text(content),
            Raw::Verbatim | Raw::Rest => self.add_text_as(content, false),
            Raw::No | Raw::Skip => {}
        }
    }
}

/// Scopes of the standard's "has an element in scope" tests.
#[derive(Clone, Copy)]
enum Scope {
    Default,
    ListItem,
    Button,
    Table,
}

impl Scope {
    fn stops(self, n: &LocalName) -> bool {
        let base = matches!(
            *n,
            local_name!("applet")
                | local_name!("caption")
                | local_name!("html")
                | local_name!("table")
                | local_name!("td")
                | local_name!("th")
                | local_name!("marquee")
                | local_name!("object")
                | local_name!("template")
        );
        match self {
            Scope::Default => base,
            Scope::ListItem => base || matches!(*n, local_name!("ol") | local_name!("ul")),
            Scope::Button => base || *n == local_name!("button"),
            Scope::Table => matches!(
                *n,
                local_name!("html") | local_name!("table") | local_name!("template")
            ),
        }
    }
}

/// Elements that never have content.
fn is_void(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("area")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("image")
            | local_name!("input")
            | local_name!("keygen")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("param")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
    )
}

/// SVG and MathML, where `<x/>` is honoured as empty.
fn is_foreign(n: &LocalName) -> bool {
    matches!(*n, local_name!("svg") | local_name!("math"))
}

/// Start tags that close an open `<p>`.
fn closes_p(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("center")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("search")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("ul")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("pre")
            | local_name!("listing")
            | local_name!("plaintext")
            | local_name!("table")
            | local_name!("hr")
            | local_name!("xmp")
            | local_name!("li")
            | local_name!("dd")
            | local_name!("dt")
    )
}

/// The standard's "special" category: elements that a stray end tag of
/// another name cannot close past.
fn is_special(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("address")
            | local_name!("applet")
            | local_name!("area")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("blockquote")
            | local_name!("body")
            | local_name!("br")
            | local_name!("button")
            | local_name!("caption")
            | local_name!("center")
            | local_name!("col")
            | local_name!("colgroup")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("embed")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("frame")
            | local_name!("frameset")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("head")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("hr")
            | local_name!("html")
            | local_name!("iframe")
            | local_name!("img")
            | local_name!("input")
            | local_name!("keygen")
            | local_name!("li")
            | local_name!("link")
            | local_name!("listing")
            | local_name!("main")
            | local_name!("marquee")
            | local_name!("menu")
            | local_name!("meta")
            | local_name!("nav")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
            | local_name!("object")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("param")
            | local_name!("plaintext")
            | local_name!("pre")
            | local_name!("script")
            | local_name!("search")
            | local_name!("section")
            | local_name!("select")
            | local_name!("source")
            | local_name!("style")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("template")
            | local_name!("textarea")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("title")
            | local_name!("tr")
            | local_name!("track")
            | local_name!("ul")
            | local_name!("wbr")
            | local_name!("xmp")
    )
}

/// Tags that start a new line in the page text.
fn breaks_line(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("p")
            | local_name!("div")
            | local_name!("br")
            | local_name!("li")
            | local_name!("tr")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("title")
            | local_name!("section")
            | local_name!("article")
            | local_name!("header")
            | local_name!("footer")
            | local_name!("table")
            | local_name!("ul")
            | local_name!("ol")
    )
}

/// How the tokenizer reads the content of the element a start tag opens.
pub(super) fn raw_kind(name: &LocalName, attrs: &[Attr<'_>], self_closing: bool) -> Raw {
    match *name {
        local_name!("script") => {
            let ld = attrs
                .iter()
                .any(|a| a.name == "type" && a.value.to_ascii_lowercase().contains("ld+json"));
            if ld { Raw::JsonLd } else { Raw::Skip }
        }
        local_name!("style")
        | local_name!("noscript")
        | local_name!("iframe")
        | local_name!("noembed")
        | local_name!("noframes") => Raw::Skip,
        local_name!("svg") | local_name!("math") if !self_closing => Raw::Skip,
        local_name!("title") => Raw::Title,
        local_name!("textarea") => Raw::Text,
        local_name!("xmp") => Raw::Verbatim,
        local_name!("plaintext") => Raw::Rest,
        _ => Raw::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> HtmlRules {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/html.toml");
        match HtmlRules::from_file(&path) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    /// The tree as `name(children)` with text in quotes, junk marked `!`.
    fn shape(html: &str) -> String {
        let p = parse(html, &rules());
        fn walk(dom: &Dom, ix: Ix, out: &mut String) {
            let n = dom.get(ix);
            if n.is_text {
                out.push_str(&format!("{:?}", n.text));
                return;
            }
            out.push_str(&n.name);
            if n.junk {
                out.push('!');
            }
            if !n.children.is_empty() {
                out.push('(');
                for (i, &c) in n.children.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    walk(dom, c, out);
                }
                out.push(')');
            }
        }
        let mut out = String::new();
        walk(&p.dom, 0, &mut out);
        out
    }

    #[test]
    fn paragraphs_and_list_items_close_as_the_standard_says() {
        assert_eq!(
            shape("<p>a<p>b<div>c</div>"),
            r#"body(p("a") p("b") div("c"))"#
        );
        assert_eq!(
            shape("<ul><li>a<li>b<ul><li>c</ul></ul>"),
            r#"body(ul(li("a") li("b" ul(li("c")))))"#
        );
        assert_eq!(
            shape("<dl><dt>a<dd>b<dt>c</dl>"),
            r#"body(dl(dt("a") dd("b") dt("c")))"#
        );
        assert_eq!(shape("<h2>a<h3>b</h2>c"), r#"body(h2("a") h3("b") "c")"#);
    }

    #[test]
    fn stray_end_tags_do_not_close_blocks() {
        assert_eq!(
            shape("<div><span>a<div>b</span>c</div>d</div>e"),
            // `</span>` cannot close past the inner <div>, so the span is
            // still open for "d" after that div ends.
            r#"body(div(span("a" div("bc") "d")) "e")"#
        );
        // A stray `</p>` is `<p></p>`: it splits the text, as in the
        // Standard and as the page-text pass breaks the line there.
        assert_eq!(shape("<div>a</p>b</div>"), r#"body(div("a" p "b"))"#);
        let lines: Vec<String> = parse("<div>a</p>b</div>", &rules())
            .text
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        assert_eq!(lines, ["a", "b"]);
        assert_eq!(
            shape("<div><b>a</b></i>b</div>"),
            r#"body(div(b("a") "b"))"#
        );
    }

    #[test]
    fn comments_end_as_the_standard_says() {
        assert_eq!(shape("<p>a<!-- x --!>b</p>"), r#"body(p("ab"))"#);
        assert_eq!(shape("<p>a<!-->b<!--->c</p>"), r#"body(p("abc"))"#);
        // `<!--!>` is not an end; the comment runs on to `-->`.
        assert_eq!(shape("<p>a<!--!>b-->c</p>"), r#"body(p("ac"))"#);
        assert_eq!(shape("<p>a<!---!>b--->c</p>"), r#"body(p("ac"))"#);
    }

    #[test]
    fn script_data_has_its_escaped_states() {
        let s = r#"<p>a<script><!--document.write("<script></script>")//--></script>b</p>"#;
        assert_eq!(shape(s), r#"body(p("ab"))"#);
        // Escaped but not double-escaped: `</script>` ends the script.
        assert_eq!(
            shape("<p>a<script><!-- x </script>b</p>"),
            r#"body(p("ab"))"#
        );
        // Double-escaped with no `-->`: the script runs to the end.
        assert_eq!(
            shape("<p>a<script><!--<script></script>b</p>"),
            r#"body(p("a"))"#
        );
        // `-->` inside double escaping returns to script data.
        assert_eq!(
            shape("<p>a<script><!--<script>--></script>b</p>"),
            r#"body(p("ab"))"#
        );
    }

    #[test]
    fn end_tags_read_their_attributes() {
        assert_eq!(shape(r#"<div>a</div x=">">b"#), r#"body(div("a") "b")"#);
    }

    #[test]
    fn tables_get_their_implied_rows_and_cells_close() {
        assert_eq!(
            shape("<table><tr><td>a<td>b<tr><td>c</table>d"),
            r#"body(table(tbody(tr(td("a") td("b")) tr(td("c")))) "d")"#
        );
        assert_eq!(
            shape("<table><td>a</td></table>"),
            r#"body(table(tbody(tr(td("a")))))"#
        );
        // Cells outside a table are ignored, their text kept.
        assert_eq!(shape("<div><td>a</td></div>"), r#"body(div("a"))"#);
        // An end tag cannot close past a table.
        assert_eq!(
            shape("<div><table><tr><td>a</div>b</td></tr></table>c</div>"),
            r#"body(div(table(tbody(tr(td("ab")))) "c"))"#
        );
    }

    #[test]
    fn links_close_the_open_link() {
        assert_eq!(shape("<a>x<a>y"), r#"body(a("x") a("y"))"#);
    }

    #[test]
    fn dropped_and_leaf_elements_keep_their_text_out() {
        assert_eq!(
            shape(
                "<p>a<script>var s='<p>x</p>';</script><style>p{}</style>b</p><select><option>o</select><nav>n</nav>"
            ),
            r#"body(p("ab") select nav!("n"))"#
        );
        assert_eq!(
            shape("<p>a<svg><text>t</text></svg>b<svg/>c</p>"),
            r#"body(p("abc"))"#
        );
        assert_eq!(
            shape(
                "<html><head><title>T</title><meta name=a content=b></head><body><p>x</p></body></html>"
            ),
            r#"body(p("x"))"#
        );
        // Body content written in <head> belongs to the body.
        assert_eq!(shape("<head><div>x</div>"), r#"body(div("x"))"#);
    }

    #[test]
    fn text_is_decoded_and_adjacent_pieces_merged() {
        assert_eq!(
            shape("<p>a&amp;b<!-- c -->&#20013;\r\nd\0e</p>"),
            r#"body(p("a&b中\nde"))"#
        );
        assert_eq!(shape("<p>1 < 2 <> 3</p>"), r#"body(p("1 < 2 <> 3"))"#);
        assert_eq!(shape("<plaintext><p>x"), r#"body(plaintext("<p>x"))"#);
        // RAWTEXT and PLAINTEXT content is not decoded.
        assert_eq!(
            shape("<xmp>&amp;</xmp><plaintext>&amp;"),
            r#"body(xmp("&amp;") plaintext("&amp;"))"#
        );
    }

    #[test]
    fn junk_attributes_and_classes_mark_chrome() {
        assert_eq!(
            shape(
                r#"<div style="Display: None">a</div><div class="share-box">b</div><div hidden>c</div><div style="color:red">d</div>"#
            ),
            r#"body(div!("a") div!("b") div!("c") div("d"))"#
        );
    }

    #[test]
    fn absurd_nesting_is_flattened_but_its_text_kept() {
        let deep = format!(
            "{}破获案件8163起{}<p>after</p>",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        let p = parse(&deep, &rules());
        let divs = p
            .dom
            .nodes
            .iter()
            .filter(|n| n.name == local_name!("div"))
            .count();
        assert_eq!(divs, MAX_DEPTH);
        let text: Vec<&str> = p
            .dom
            .nodes
            .iter()
            .filter(|n| n.is_text)
            .map(|n| n.text.as_str())
            .collect();
        assert_eq!(text, ["破获案件8163起", "after"]);
        // The <p> after the flattened part lands at the top again.
        let last = p.dom.nodes.iter().rposition(|n| n.name == local_name!("p"));
        assert_eq!(last.map(|ix| p.dom.get(ix).parent), Some(0));
    }

    #[test]
    fn metadata_elements_are_collected_in_order() {
        let p = parse(
            r#"<title>A &amp; B</title><meta property="OG:Title" content="T &quot;x&quot;"><meta charset=utf-8>
               <script type="application/ld+json">{"headline":"<b>"}</script><time datetime="2024-01-09">x</time>"#,
            &rules(),
        );
        assert_eq!(p.head.title.as_deref(), Some("A & B"));
        assert_eq!(
            p.head.items,
            [
                HeadItem::Meta("og:title".into(), "T \"x\"".into()),
                HeadItem::JsonLd(r#"{"headline":"<b>"}"#.into()),
                HeadItem::Time("2024-01-09".into()),
            ]
        );
        // The page text reads the title decoded, like the rest of the text.
        assert!(p.text.lines().any(|l| l == "A & B"), "{:?}", p.text);
    }

    #[test]
    fn page_text_has_a_line_per_block_and_no_scripts() {
        let p = parse(
            "<p>一</p><script>var x='<p>';</script><div>二<br>三</div><span>四</span>",
            &rules(),
        );
        let lines: Vec<&str> = p.text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(lines, ["一", "二", "三", "四"]);
    }

    #[test]
    fn truncated_input_ends_cleanly() {
        for html in [
            "<p>a<script>never closed",
            "<p>a<!-- open",
            "<p>a<script",
            "<p class=\"x",
            "<",
            "</",
            "<!",
            "&#",
            "<p>中文<b>字",
        ] {
            let p = parse(html, &rules());
            assert!(
                p.dom
                    .nodes
                    .iter()
                    .all(|n| n.text.chars().all(|c| c != '\0')),
                "{html}"
            );
        }
        assert_eq!(shape("<p>a<script>never closed"), r#"body(p("a"))"#);
    }
}

//! A compact copy of the parsed page: only the elements and text that can
//! matter, with class/id keys and flags precomputed, in pre-order so that a
//! reverse scan visits children before parents.

use std::collections::HashMap;

use dom_query::{Document, LocalName, NodeData, NodeId, local_name};
use tendril::StrTendril;

use super::rules::HtmlRules;

/// Index of a node in [`Dom::nodes`].
pub(crate) type Ix = usize;

/// One element or text node.
#[derive(Debug)]
pub(crate) struct Node {
    /// Element name; empty for text nodes.
    pub name: LocalName,
    /// Parent index; the root is its own parent.
    pub parent: Ix,
    /// Child indices in document order.
    pub children: Vec<Ix>,
    /// Text of a text node (raw, not normalised); shares the parser's buffer.
    pub text: StrTendril,
    /// `class` and `id`, space-separated (empty if neither).
    pub key: String,
    /// Chrome tag, junk attribute or unlikely class/id on this element.
    pub junk: bool,
    /// Class/id weight (see `HtmlRules::class_weight`).
    pub weight: f32,
    /// `rel`/`itemprop` hints are not kept; only whether this is a text node.
    pub is_text: bool,
}

impl Node {
    fn empty() -> Self {
        Node {
            name: local_name!(""),
            parent: 0,
            children: Vec::new(),
            text: StrTendril::new(),
            key: String::new(),
            junk: false,
            weight: 0.0,
            is_text: false,
        }
    }
}

/// The compact page.
#[derive(Debug)]
pub(crate) struct Dom {
    /// Nodes in pre-order; index 0 is the root (the `<body>` or document).
    pub nodes: Vec<Node>,
    /// Returned for out-of-range indices (never expected).
    empty: Node,
}

/// What one dom_query node turns into.
enum Seen {
    Text(StrTendril),
    Element {
        name: LocalName,
        key: String,
        junk_attr: bool,
        children: bool,
    },
    Descend,
    Skip,
}

impl Dom {
    /// Copies the body of `doc` (the whole document if it has no body).
    pub fn build(doc: &Document, rules: &HtmlRules) -> Self {
        let tree = &doc.tree;
        let start = tree.body().map_or_else(|| tree.root().id, |b| b.id);
        let mut dom = Dom {
            nodes: Vec::with_capacity(tree.len() / 2 + 1),
            empty: Node::empty(),
        };
        dom.nodes.push(Node {
            name: local_name!("body"),
            parent: 0,
            children: Vec::new(),
            text: StrTendril::new(),
            key: String::new(),
            junk: false,
            weight: 0.0,
            is_text: false,
        });
        // (source node, parent index in the copy); children pushed reversed
        // so they pop in document order.
        let mut stack: Vec<(NodeId, Ix)> = Vec::new();
        let mut seen_keys: HashMap<String, (f32, bool)> = HashMap::new();
        push_children(doc, start, 0, &mut stack);
        while let Some((id, parent)) = stack.pop() {
            let seen = tree
                .get_unchecked(&id)
                .query(|tn| see(&tn.data, rules))
                .unwrap_or(Seen::Skip);
            match seen {
                Seen::Skip => {}
                Seen::Descend => push_children(doc, id, parent, &mut stack),
                Seen::Text(text) => {
                    // Adjacent text nodes are merged so a block's text stays whole.
                    if let Some(&last) = dom.nodes.get(parent).and_then(|p| p.children.last())
                        && let Some(prev) = dom.nodes.get_mut(last)
                        && prev.is_text
                    {
                        prev.text.push_tendril(&text);
                        continue;
                    }
                    let ix = dom.nodes.len();
                    dom.nodes.push(Node {
                        name: local_name!(""),
                        parent,
                        children: Vec::new(),
                        text,
                        key: String::new(),
                        junk: false,
                        weight: 0.0,
                        is_text: true,
                    });
                    if let Some(p) = dom.nodes.get_mut(parent) {
                        p.children.push(ix);
                    }
                }
                Seen::Element {
                    name,
                    key,
                    junk_attr,
                    children,
                } => {
                    // Many elements share class names: classify each name once.
                    let (weight, unlikely) = if key.is_empty() {
                        (0.0, false)
                    } else if let Some(&hit) = seen_keys.get(&key) {
                        hit
                    } else {
                        let hit = (rules.class_weight(&key), rules.is_unlikely(&key));
                        seen_keys.insert(key.clone(), hit);
                        hit
                    };
                    let junk = junk_attr
                        || rules.chrome_tags.contains(&name)
                        || unlikely && !matches!(name, local_name!("body") | local_name!("html"));
                    let ix = dom.nodes.len();
                    dom.nodes.push(Node {
                        name,
                        parent,
                        children: Vec::new(),
                        text: StrTendril::new(),
                        key,
                        junk,
                        weight,
                        is_text: false,
                    });
                    if let Some(p) = dom.nodes.get_mut(parent) {
                        p.children.push(ix);
                    }
                    if children {
                        push_children(doc, id, ix, &mut stack);
                    }
                }
            }
        }
        dom.unflag_page_wrappers();
        dom
    }

    /// Clears the chrome flag of elements that hold most of the page's
    /// text: ASP.NET sites wrap the whole page in a `<form>`, some themes
    /// put the article in a "sidebar" column.
    fn unflag_page_wrappers(&mut self) {
        let n = self.nodes.len();
        let mut len = vec![0usize; n];
        for ix in (1..n).rev() {
            let (own, parent) = match self.nodes.get(ix) {
                Some(node) => (node.text.len(), node.parent),
                None => continue,
            };
            let total = len.get(ix).copied().unwrap_or(0) + own;
            if let Some(l) = len.get_mut(ix) {
                *l = total;
            }
            if let Some(p) = len.get_mut(parent) {
                *p += total;
            }
        }
        let page = len.first().copied().unwrap_or(0);
        for (node, l) in self.nodes.iter_mut().zip(&len) {
            if node.junk && *l * 2 > page {
                node.junk = false;
            }
        }
    }

    /// The node at `ix` (the root for an out-of-range index).
    pub fn get(&self, ix: Ix) -> &Node {
        self.nodes.get(ix).unwrap_or(&self.empty)
    }

    /// Whether `anc` is `ix` or one of its ancestors.
    pub fn is_within(&self, ix: Ix, anc: Ix) -> bool {
        let mut cur = ix;
        loop {
            if cur == anc {
                return true;
            }
            let p = self.get(cur).parent;
            if p == cur {
                return false;
            }
            cur = p;
        }
    }
}

fn push_children(doc: &Document, id: NodeId, parent: Ix, stack: &mut Vec<(NodeId, Ix)>) {
    let mark = stack.len();
    stack.extend(doc.tree.child_ids_of_it(&id, false).map(|c| (c, parent)));
    if let Some(added) = stack.get_mut(mark..) {
        added.reverse();
    }
}

fn see(data: &NodeData, rules: &HtmlRules) -> Seen {
    match data {
        NodeData::Text { contents } => Seen::Text(contents.clone()),
        NodeData::Element(el) => {
            let name = el.name.local.clone();
            if rules.drop_tags.contains(&name) {
                return Seen::Skip;
            }
            let mut key = String::new();
            let mut junk_attr = false;
            for a in &el.attrs {
                let an: &str = &a.name.local;
                if an == "class" || an == "id" {
                    if !key.is_empty() {
                        key.push(' ');
                    }
                    // The class-word patterns are case-insensitive.
                    key.push_str(&a.value);
                }
                if !junk_attr {
                    junk_attr = rules
                        .junk_attrs
                        .iter()
                        .any(|t| t.name == an && t.matches(&a.value));
                }
            }
            let children = !rules.leaf_tags.contains(&name);
            Seen::Element {
                name,
                key,
                junk_attr,
                children,
            }
        }
        NodeData::Document | NodeData::Fragment => Seen::Descend,
        _ => Seen::Skip,
    }
}

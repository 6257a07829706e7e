//! A compact copy of the parsed page: only the elements and text that can
//! matter, with class/id keys and flags precomputed, in pre-order so that a
//! reverse scan visits children before parents.

use markup5ever::{LocalName, local_name};

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
    /// Text of a text node (entities decoded, whitespace as written).
    pub text: String,
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
    /// An element without attributes or children (text nodes start so too).
    pub fn element(name: LocalName, parent: Ix) -> Self {
        Node {
            name,
            parent,
            children: Vec::new(),
            text: String::new(),
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

impl Dom {
    /// An empty page with room for `n` nodes.
    pub fn with_capacity(n: usize) -> Self {
        Dom {
            nodes: Vec::with_capacity(n),
            empty: Node::element(local_name!(""), 0),
        }
    }

    /// Clears the chrome flag of elements that hold most of the page's
    /// text: ASP.NET sites wrap the whole page in a `<form>`, some themes
    /// put the article in a "sidebar" column.
    pub(crate) fn unflag_page_wrappers(&mut self) {
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

    /// All text under `ix`, in document order.
    pub fn text_of(&self, ix: Ix) -> String {
        let mut out = String::new();
        let mut stack = vec![ix];
        while let Some(i) = stack.pop() {
            let node = self.get(i);
            if node.is_text {
                out.push_str(&node.text);
            } else {
                stack.extend(node.children.iter().rev());
            }
        }
        out
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

/// The level of a heading element, `<h1>` to `<h6>`.
pub(super) fn heading_level(name: &LocalName) -> Option<u8> {
    match *name {
        local_name!("h1") => Some(1),
        local_name!("h2") => Some(2),
        local_name!("h3") => Some(3),
        local_name!("h4") => Some(4),
        local_name!("h5") => Some(5),
        local_name!("h6") => Some(6),
        _ => None,
    }
}

/// `<h1>` to `<h6>`: the tree builder closes them as a group and the
/// scorer weighs them, so the notion lives with the tree.
pub(super) fn is_heading(name: &LocalName) -> bool {
    heading_level(name).is_some()
}

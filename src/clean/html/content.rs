//! Scoring and choosing the article container, then pruning it and reading
//! its paragraphs.

use markup5ever::{LocalName, local_name};

use super::dom::{Dom, Ix, heading_level, is_heading};
use super::rules::{HtmlRules, Tuning};
use crate::budget::{Budget, Meter};
use crate::text::chars::is_unspaced_script;

/// The article body found in a page.
#[derive(Debug, Default)]
pub(crate) struct Body {
    /// Paragraphs in document order.
    pub paragraphs: Vec<String>,
    /// The leading `<h1>` of the chosen content, taken out of the body.
    pub heading: Option<String>,
    /// Chrome lines of the content dropped by phrase rules.
    pub dropped: Vec<String>,
}

/// A run of inline text between block boundaries.
#[derive(Debug)]
struct Block {
    /// The nearest block-level element holding the run.
    owner: Ix,
    /// Whitespace-normalised text.
    text: String,
    /// Length in units (see `config/html.toml`).
    len: f32,
    /// Length of the part inside links.
    link_len: f32,
    /// Clause separators.
    commas: u32,
    /// Inside a chrome element.
    junk: bool,
}

/// Per-element totals over the subtree.
#[derive(Debug, Default, Clone, Copy)]
struct Agg {
    len: f32,
    link: f32,
    commas: u32,
    paras: u32,
    imgs: u32,
    lis: u32,
    inputs: u32,
    embeds: u32,
    quotes: u32,
    heading_len: f32,
}

impl Agg {
    /// Adds a child's totals to its parent's.
    fn add(&mut self, own: &Agg) {
        self.len += own.len;
        self.link += own.link;
        self.commas += own.commas;
        self.paras += own.paras;
        self.imgs += own.imgs;
        self.lis += own.lis;
        self.inputs += own.inputs;
        self.embeds += own.embeds;
        self.quotes += own.quotes;
        self.heading_len += own.heading_len;
    }
}

/// Reads the article body of the page.
///
/// Stops early, with a meaningless body, once `budget` is exceeded: the
/// caller then drops the page.
pub(crate) fn extract_body(dom: &Dom, rules: &HtmlRules, budget: &Budget) -> Body {
    let mut meter = Meter::new(budget);
    let blocks = segment(dom, rules, &mut meter);
    let t = &rules.tuning;
    if meter.is_out() {
        return Body::default();
    }
    let first = choose(dom, rules, &blocks, true);
    if first.1 >= t.min_article_len || meter.add(dom.nodes.len() + blocks.len()) {
        return first.0;
    }
    // Some sites mark the article itself hidden or give it a chrome-like
    // class: score again without the chrome flags.
    let second = choose(dom, rules, &blocks, false);
    if second.1 > first.1 {
        second.0
    } else {
        first.0
    }
}

pub(super) fn is_block(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("body")
            | local_name!("caption")
            | local_name!("center")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("hr")
            | local_name!("html")
            | local_name!("legend")
            | local_name!("li")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("pre")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("tr")
            | local_name!("ul")
    )
}

/// Elements that hold sections of a page rather than one paragraph.
fn is_container(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("div")
            | local_name!("section")
            | local_name!("article")
            | local_name!("main")
            | local_name!("body")
            | local_name!("td")
            | local_name!("center")
            | local_name!("blockquote")
            | local_name!("form")
            | local_name!("font")
    )
}

/// Length in units and clause separators of a piece of text.
fn measure(s: &str, rules: &HtmlRules) -> (f32, u32) {
    let mut latin = 0u32;
    let mut cjk = 0u32;
    let mut commas = 0u32;
    for c in s.chars() {
        // Most characters of most pages are ASCII: no Unicode tables.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                latin += 1;
            } else if c.is_ascii_whitespace() {
                // Indentation between tags: most of a page's text nodes.
            } else if rules.comma_chars.contains(&c) {
                commas += 1;
            }
        } else if is_unspaced_script(c) {
            cjk += 1;
        } else if rules.comma_chars.contains(&c) {
            commas += 1;
        } else if c.is_alphanumeric() {
            latin += 1;
        }
    }
    (
        latin as f32 + cjk as f32 * rules.tuning.cjk_char_weight,
        commas,
    )
}

/// Collapses whitespace runs to one space and trims.
fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() || crate::text::chars::is_invisible(c) {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

#[derive(Default)]
struct Run {
    text: String,
    len: f32,
    link_len: f32,
    commas: u32,
}

impl Run {
    fn push(&mut self, piece: &str, in_link: bool, rules: &HtmlRules) {
        let (len, commas) = measure(piece, rules);
        self.text.push_str(piece);
        self.len += len;
        self.commas += commas;
        if in_link {
            self.link_len += len;
        }
    }

    /// Empties the run, keeping its buffer.
    fn reset(&mut self) {
        self.text.clear();
        self.len = 0.0;
        self.link_len = 0.0;
        self.commas = 0;
    }
}

enum Ev {
    Enter(Ix),
    Exit(Ix),
}

/// Splits the page into text blocks at block-element and `<br>` boundaries.
fn segment(dom: &Dom, rules: &HtmlRules, meter: &mut Meter<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut run = Run::default();
    let mut owners: Vec<Ix> = vec![0];
    let mut link_depth = 0u32;
    let mut junk_depth = 0u32;
    let mut pre_depth = 0u32;
    let mut stack: Vec<Ev> = Vec::new();
    let root = dom.get(0);
    stack.extend(root.children.iter().rev().map(|&c| Ev::Enter(c)));

    let flush = |run: &mut Run, owner: Ix, junk: bool, blocks: &mut Vec<Block>| {
        if run.len > 0.0 || run.text.chars().any(|c| !c.is_whitespace()) {
            let text = normalize(&run.text);
            if !text.is_empty() {
                blocks.push(Block {
                    owner,
                    text,
                    len: run.len,
                    link_len: run.link_len,
                    commas: run.commas,
                    junk,
                });
            }
        }
        run.reset();
    };

    while let Some(ev) = stack.pop() {
        if meter.tick() {
            break;
        }
        match ev {
            Ev::Enter(ix) => {
                let node = dom.get(ix);
                let owner = owners.last().copied().unwrap_or(0);
                if node.is_text {
                    // Inside <pre> a line break ends a paragraph.
                    let text: &str = &node.text;
                    if pre_depth > 0 {
                        let mut lines = text.split('\n');
                        if let Some(first) = lines.next() {
                            run.push(first, link_depth > 0, rules);
                        }
                        for line in lines {
                            flush(&mut run, owner, junk_depth > 0, &mut blocks);
                            run.push(line, link_depth > 0, rules);
                        }
                    } else {
                        run.push(text, link_depth > 0, rules);
                    }
                    continue;
                }
                if node.name == local_name!("br") || node.name == local_name!("hr") {
                    flush(&mut run, owner, junk_depth > 0, &mut blocks);
                    continue;
                }
                if node.name == local_name!("img") {
                    // An image between words separates them.
                    run.text.push(' ');
                }
                if node.junk && !is_block(&node.name) && junk_depth == 0 {
                    // Inline chrome inside a paragraph (hidden spans, hover
                    // cards, share links) would otherwise join its text.
                    continue;
                }
                if is_block(&node.name) {
                    flush(&mut run, owner, junk_depth > 0, &mut blocks);
                    owners.push(ix);
                }
                if node.junk {
                    junk_depth += 1;
                }
                if node.name == local_name!("a") {
                    link_depth += 1;
                }
                if node.name == local_name!("pre") {
                    pre_depth += 1;
                }
                stack.push(Ev::Exit(ix));
                stack.extend(node.children.iter().rev().map(|&c| Ev::Enter(c)));
            }
            Ev::Exit(ix) => {
                let node = dom.get(ix);
                if is_block(&node.name) {
                    let owner = owners.last().copied().unwrap_or(0);
                    flush(&mut run, owner, junk_depth > 0, &mut blocks);
                    owners.pop();
                }
                if node.junk {
                    junk_depth = junk_depth.saturating_sub(1);
                }
                if node.name == local_name!("a") {
                    link_depth = link_depth.saturating_sub(1);
                }
                if node.name == local_name!("pre") {
                    pre_depth = pre_depth.saturating_sub(1);
                }
            }
        }
    }
    flush(&mut run, 0, false, &mut blocks);
    blocks
}

fn init_score(name: &LocalName) -> f32 {
    match *name {
        local_name!("div") | local_name!("article") | local_name!("section") => 5.0,
        local_name!("pre") | local_name!("td") | local_name!("blockquote") => 3.0,
        local_name!("address")
        | local_name!("ol")
        | local_name!("ul")
        | local_name!("dl")
        | local_name!("dd")
        | local_name!("dt")
        | local_name!("li")
        | local_name!("form") => -3.0,
        ref n if is_heading(n) => -5.0,
        local_name!("th") => -5.0,
        _ => 0.0,
    }
}

/// Chooses the content and reads it; returns the body and its length.
///
/// Why a page came out as it did is logged at `debug` level (target
/// `fraudstat::clean::html::content`): the best candidates with their
/// scores, the element chosen, every pruned element and dropped block.
fn choose(dom: &Dom, rules: &HtmlRules, blocks: &[Block], skip_junk: bool) -> (Body, f32) {
    let scoring = Scoring::new(dom, rules, blocks, skip_junk);
    let top = scoring.pick_top();
    let selected = scoring.qualifying_siblings(top);
    let (inside, excluded) = scoring.prune_selection(&selected);
    scoring.read(&inside, &excluded)
}

/// One scoring pass over a page: per-element text totals and the votes
/// paragraphs cast for their ancestors, in the manner of Readability.
struct Scoring<'a> {
    dom: &'a Dom,
    rules: &'a HtmlRules,
    blocks: &'a [Block],
    /// Whether blocks and elements inside chrome are left out of this pass.
    skip_junk: bool,
    /// Subtree totals per element.
    agg: Vec<Agg>,
    /// Whether an element has a block-level child.
    has_block_child: Vec<bool>,
    /// Tag and class/id weights plus votes; `None` for elements no
    /// paragraph voted for.
    score: Vec<Option<f32>>,
    /// Votes alone, without tag and class/id weights: siblings of the best
    /// container must earn their place with text, not with a class name.
    votes: Vec<f32>,
}

impl<'a> Scoring<'a> {
    fn new(dom: &'a Dom, rules: &'a HtmlRules, blocks: &'a [Block], skip_junk: bool) -> Self {
        let n = dom.nodes.len();
        let mut scoring = Scoring {
            dom,
            rules,
            blocks,
            skip_junk,
            agg: vec![Agg::default(); n],
            has_block_child: vec![false; n],
            score: vec![None; n],
            votes: vec![0.0; n],
        };
        scoring.total_subtrees();
        scoring.cast_votes();
        scoring
    }

    /// Whether a block counts in this pass.
    fn counted(&self, b: &Block) -> bool {
        !(self.skip_junk && b.junk)
    }

    fn agg(&self, ix: Ix) -> Agg {
        self.agg.get(ix).copied().unwrap_or_default()
    }

    fn link_density(&self, ix: Ix) -> f32 {
        self.agg
            .get(ix)
            .map_or(0.0, |a| if a.len > 0.0 { a.link / a.len } else { 0.0 })
    }

    fn final_score(&self, ix: Ix) -> Option<f32> {
        self.score
            .get(ix)
            .copied()
            .flatten()
            .map(|s| s * (1.0 - self.link_density(ix)))
    }

    fn vote_final(&self, ix: Ix) -> f32 {
        self.votes.get(ix).copied().unwrap_or(0.0) * (1.0 - self.link_density(ix))
    }

    /// Fills `agg` and `has_block_child`, children before parents.
    fn total_subtrees(&mut self) {
        let (dom, blocks, skip_junk) = (self.dom, self.blocks, self.skip_junk);
        for b in blocks.iter().filter(|b| !(skip_junk && b.junk)) {
            if let Some(a) = self.agg.get_mut(b.owner) {
                a.len += b.len;
                a.link += b.link_len;
                a.commas += b.commas;
                if is_heading(&dom.get(b.owner).name) {
                    a.heading_len += b.len;
                }
            }
        }
        for ix in (1..dom.nodes.len()).rev() {
            let node = dom.get(ix);
            let mut own = self.agg(ix);
            // Readability turns text-only divs into paragraphs before counting.
            let text_only_container = is_container(&node.name)
                && !self.has_block_child.get(ix).copied().unwrap_or(false)
                && own.len > 0.0;
            match node.name {
                local_name!("p") => own.paras += 1,
                _ if text_only_container => own.paras += 1,
                local_name!("img") => own.imgs += 1,
                local_name!("li") => own.lis += 1,
                local_name!("input") | local_name!("select") | local_name!("textarea") => {
                    own.inputs += 1;
                }
                local_name!("iframe") | local_name!("object") | local_name!("embed") => {
                    own.embeds += 1;
                }
                local_name!("blockquote") => own.quotes += 1,
                _ => {}
            }
            if let Some(a) = self.agg.get_mut(ix) {
                *a = own;
            }
            let p = node.parent;
            if is_block(&node.name)
                && let Some(h) = self.has_block_child.get_mut(p)
            {
                *h = true;
            }
            if let Some(pa) = self.agg.get_mut(p) {
                pa.add(&own);
            }
        }
    }

    /// Each paragraph long enough votes for its container and a few
    /// ancestors, less the further up.
    fn cast_votes(&mut self) {
        let (dom, t) = (self.dom, &self.rules.tuning);
        let (blocks, skip_junk) = (self.blocks, self.skip_junk);
        for b in blocks.iter().filter(|b| !(skip_junk && b.junk)) {
            if b.len < t.min_paragraph_len {
                continue;
            }
            let s = 1.0 + b.commas as f32 + (b.len / t.length_bonus_unit).min(t.length_bonus_cap);
            let owner = dom.get(b.owner);
            let mut cur = if is_container(&owner.name)
                && self.has_block_child.get(b.owner).copied().unwrap_or(false)
            {
                b.owner
            } else {
                owner.parent
            };
            for level in 0..t.vote_levels {
                let div = match level {
                    0 => 1.0,
                    1 => 2.0,
                    l => l as f32 * 3.0,
                };
                let node = dom.get(cur);
                if let Some(slot) = self.score.get_mut(cur) {
                    let base = slot.unwrap_or_else(|| init_score(&node.name) + node.weight);
                    *slot = Some(base + s / div);
                }
                if let Some(v) = self.votes.get_mut(cur) {
                    *v += s / div;
                }
                if cur == 0 {
                    break;
                }
                cur = node.parent;
            }
        }
    }

    /// The element holding the article: the best-scored candidate, widened
    /// to an ancestor holding several close runners-up, to a wrapper that
    /// scores comparably, and to the parent of an only child.
    fn pick_top(&self) -> Ix {
        let (dom, t) = (self.dom, &self.rules.tuning);
        // A class name alone must not crown a byline: candidates need a fair
        // share of the text votes the best-voted element got.
        let n = dom.nodes.len();
        let max_votes = (0..n).map(|ix| self.vote_final(ix)).fold(0.0f32, f32::max);
        let mut ranked: Vec<(Ix, f32)> = (0..n)
            .filter(|&ix| self.vote_final(ix) >= max_votes * t.min_vote_share)
            .filter_map(|ix| self.final_score(ix).map(|s| (ix, s)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));

        let mut top = ranked.first().map_or(0, |r| r.0);
        let top_score = ranked.first().map_or(0.0, |r| r.1);

        // Several close runners-up under one ancestor: the article is split
        // into parts and the ancestor holds them all.
        let alternatives: Vec<Ix> = ranked
            .iter()
            .skip(1)
            .take(5)
            .filter(|r| r.1 >= top_score * t.alternative_ratio)
            .map(|r| r.0)
            .collect();
        if alternatives.len() >= t.min_alternatives {
            let mut anc = dom.get(top).parent;
            while anc != 0 {
                let inside = alternatives
                    .iter()
                    .filter(|&&a| dom.is_within(a, anc))
                    .count();
                if inside >= t.min_alternatives {
                    top = anc;
                    break;
                }
                anc = dom.get(anc).parent;
            }
        }
        top = self.climb_wrappers(top);
        // An only child is the same content as its parent.
        while top != 0 {
            let p = dom.get(top).parent;
            let elems = dom
                .get(p)
                .children
                .iter()
                .filter(|&&c| !dom.get(c).is_text)
                .count();
            if elems == 1 && p != 0 {
                top = p;
            } else {
                break;
            }
        }
        self.log_candidates(&ranked, top);
        top
    }

    /// Climbs while the parent scores comparably: a wrapper of the article.
    fn climb_wrappers(&self, mut top: Ix) -> Ix {
        let dom = self.dom;
        let mut last = self.final_score(top).unwrap_or(0.0);
        let threshold = last / 3.0;
        let mut parent = dom.get(top).parent;
        while top != 0 && parent != 0 {
            let Some(ps) = self.final_score(parent) else {
                parent = dom.get(parent).parent;
                continue;
            };
            if ps < threshold {
                break;
            }
            if ps > last {
                top = parent;
                break;
            }
            last = ps;
            parent = dom.get(parent).parent;
        }
        top
    }

    fn log_candidates(&self, ranked: &[(Ix, f32)], top: Ix) {
        if !tracing::enabled!(tracing::Level::DEBUG) {
            return;
        }
        let dom = self.dom;
        for (ix, score) in ranked.iter().take(8) {
            tracing::debug!(
                pass.skip_junk = self.skip_junk,
                element = ix,
                tag = %dom.get(*ix).name,
                key = %dom.get(*ix).key,
                score,
                len = self.agg(*ix).len,
                link_density = self.link_density(*ix),
                "content candidate"
            );
        }
        tracing::debug!(
            pass.skip_junk = self.skip_junk,
            element = top,
            tag = %dom.get(top).name,
            key = %dom.get(top).key,
            score = self.final_score(top).unwrap_or(0.0),
            "content chosen"
        );
    }

    /// The chosen element and those of its siblings that score close to it,
    /// share its class, or read as paragraphs of the same text.
    fn qualifying_siblings(&self, top: Ix) -> Vec<Ix> {
        if top == 0 {
            return vec![0];
        }
        let (dom, t) = (self.dom, &self.rules.tuning);
        let top_final = self.final_score(top).unwrap_or(0.0);
        let threshold = (top_final * t.sibling_score_ratio).max(t.sibling_min_score);
        let vote_threshold = self.vote_final(top) * t.sibling_score_ratio;
        let top_key = &dom.get(top).key;
        // The last block of each element, looked up per sibling below: a
        // scan of all blocks per sibling was quadratic on long flat pages.
        let mut last_block: Vec<Option<usize>> = vec![None; dom.nodes.len()];
        for (bi, b) in self.blocks.iter().enumerate() {
            if let Some(slot) = last_block.get_mut(b.owner) {
                *slot = Some(bi);
            }
        }
        let mut selected = Vec::new();
        for &s in &dom.get(dom.get(top).parent).children {
            if s == top {
                selected.push(s);
                continue;
            }
            let sib = dom.get(s);
            if sib.is_text || (self.skip_junk && sib.junk) {
                continue;
            }
            let bonus = if !top_key.is_empty() && sib.key == *top_key {
                top_final * t.sibling_class_bonus
            } else {
                0.0
            };
            if let Some(fs) = self.final_score(s)
                && fs + bonus >= threshold
                && self.vote_final(s) + bonus >= vote_threshold
            {
                selected.push(s);
                continue;
            }
            let a = self.agg(s);
            let ld = self.link_density(s);
            let paragraph_like = sib.name == local_name!("p")
                || (is_container(&sib.name)
                    && !self.has_block_child.get(s).copied().unwrap_or(true));
            if !paragraph_like {
                continue;
            }
            if a.len >= t.sibling_min_len && ld < t.sibling_max_link_density {
                selected.push(s);
            } else if a.len > 0.0 && a.len < t.sibling_min_len && ld == 0.0 {
                let last = last_block.get(s).copied().flatten();
                let ends = last.and_then(|bi| self.blocks.get(bi)).is_some_and(|b| {
                    b.text
                        .ends_with(['.', '。', '!', '?', '！', '？', '"', '”'])
                });
                if ends {
                    selected.push(s);
                }
            }
        }
        selected
    }

    /// Conditional pruning inside the selection: which elements are inside
    /// it, and which of those are dropped (with everything under them).
    fn prune_selection(&self, selected: &[Ix]) -> (Vec<bool>, Vec<bool>) {
        let (dom, t) = (self.dom, &self.rules.tuning);
        let n = dom.nodes.len();
        let mut excluded = vec![false; n];
        let mut inside = vec![false; n];
        for &s in selected {
            if let Some(v) = inside.get_mut(s) {
                *v = true;
            }
        }
        for ix in 1..n {
            let node = dom.get(ix);
            let p = node.parent;
            let p_inside = inside.get(p).copied().unwrap_or(false);
            let p_excluded = excluded.get(p).copied().unwrap_or(false);
            if !p_inside || inside.get(ix).copied().unwrap_or(false) {
                continue;
            }
            if let Some(v) = inside.get_mut(ix) {
                *v = true;
            }
            let drop = p_excluded
                || (self.skip_junk && node.junk)
                || prune(
                    dom,
                    t,
                    ix,
                    self.agg(ix),
                    self.score.get(ix).copied().flatten().unwrap_or(0.0),
                );
            if let Some(v) = excluded.get_mut(ix) {
                *v = drop;
            }
            if drop && !p_excluded {
                tracing::debug!(
                    element = ix,
                    tag = %node.name,
                    key = %node.key,
                    len = self.agg(ix).len,
                    link_density = self.link_density(ix),
                    junk = node.junk,
                    "content pruned"
                );
            }
        }
        (inside, excluded)
    }

    /// Reads the paragraphs of the selection, judging each block.
    fn read(&self, inside: &[bool], excluded: &[bool]) -> (Body, f32) {
        let (dom, rules) = (self.dom, self.rules);
        let mut body = Body::default();
        let mut total = 0.0;
        let mut seen_text = false;
        let mut first_kept: Option<usize> = None;
        // Blocks read since a related-reading heading, while inside its list.
        let mut related: Option<usize> = None;
        for (bi, b) in self.blocks.iter().enumerate() {
            if !self.counted(b)
                || !inside.get(b.owner).copied().unwrap_or(false)
                || excluded.get(b.owner).copied().unwrap_or(false)
            {
                continue;
            }
            let Some(verdict) = in_related(&mut related, judge(rules, b, seen_text), b, rules)
            else {
                continue;
            };
            if verdict != Verdict::Keep {
                tracing::debug!(
                    ?verdict,
                    text = %b.text.chars().take(60).collect::<String>(),
                    "content block dropped"
                );
            }
            match verdict {
                Verdict::Keep => {}
                Verdict::Drop => continue,
                Verdict::DropPhrase => {
                    body.dropped.push(b.text.clone());
                    continue;
                }
                Verdict::Stop => break,
                Verdict::Related => {
                    related = Some(0);
                    continue;
                }
            }
            if dom.get(b.owner).name == local_name!("h1") && !seen_text {
                if body.heading.is_none() {
                    body.heading = Some(b.text.clone());
                }
                continue;
            }
            seen_text = true;
            first_kept.get_or_insert(bi);
            total += b.len;
            body.paragraphs.push(b.text.clone());
        }
        if body.heading.is_none()
            && let Some(first) = first_kept
        {
            body.heading = self.heading_before(first);
        }
        (body, total)
    }

    /// Without an `<h1>` in the content, the headline is usually the last
    /// heading shortly before the first paragraph (an `<h2>` above the
    /// article `<div>`). The highest-ranked heading wins (an `<h2>` title
    /// over its `<h3>` subtitle); among equals, the nearest.
    fn heading_before(&self, first: usize) -> Option<String> {
        let t = &self.rules.tuning;
        let mut best: Option<(u8, &Block)> = None;
        for b in self
            .blocks
            .get(first.saturating_sub(t.heading_lookback)..first)
            .unwrap_or_default()
            .iter()
            .filter(|b| self.counted(b) && b.len >= t.min_paragraph_len)
        {
            if let Some(level) = heading_level(&self.dom.get(b.owner).name)
                && best.is_none_or(|(l, _)| level <= l)
            {
                best = Some((level, b));
            }
        }
        best.map(|(_, b)| b.text.clone())
    }
}

/// What happens to a block of the chosen content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Keep,
    /// Chrome: a link line.
    Drop,
    /// Chrome named by a configured phrase (editor, copyright, disclaimer
    /// lines): dropped, but reported for metadata readers.
    DropPhrase,
    /// A trailing block (related news, comments) starts: stop reading.
    Stop,
    /// A related-reading heading: its links are dropped, and the text may
    /// go on after them.
    Related,
}

fn judge(rules: &HtmlRules, b: &Block, seen_text: bool) -> Verdict {
    let t = &rules.tuning;
    let ld = if b.len > 0.0 { b.link_len / b.len } else { 0.0 };
    if b.len < t.long_block_len && ld > t.max_block_link_density {
        return Verdict::Drop;
    }
    // Markers are short: lower-casing the head of the block is enough.
    let head: String = b
        .text
        .chars()
        .take(48)
        .flat_map(char::to_lowercase)
        .collect();
    let starts = |list: &[String]| list.iter().any(|m| head.starts_with(m.as_str()));
    if starts(&rules.drop_prefix) {
        return Verdict::DropPhrase;
    }
    if b.len < t.short_paragraph_len {
        if seen_text && starts(&rules.related_markers) {
            return Verdict::Related;
        }
        if starts(&rules.tail_markers) {
            // Before any body text it heads a box above the article.
            return if seen_text {
                Verdict::Stop
            } else {
                Verdict::Drop
            };
        }
        if rules
            .drop_paragraph
            .as_ref()
            .is_some_and(|ac| ac.is_match(&b.text))
        {
            return Verdict::DropPhrase;
        }
    }
    Verdict::Keep
}

/// Passes a block's verdict through an open related-reading block
/// (`related`: blocks read since its heading): its links are dropped
/// (`None`), running text closes it and is kept, and a footer marker or a
/// list too long for it ends the reading (`Stop`).
fn in_related(
    related: &mut Option<usize>,
    verdict: Verdict,
    b: &Block,
    rules: &HtmlRules,
) -> Option<Verdict> {
    let Some(n) = *related else {
        return Some(verdict);
    };
    if verdict == Verdict::Keep && is_running_text(b, &rules.tuning) {
        *related = None;
        Some(verdict)
    } else if matches!(verdict, Verdict::Stop | Verdict::Related)
        || n >= rules.tuning.max_related_blocks
    {
        Some(Verdict::Stop)
    } else {
        *related = Some(n + 1);
        None
    }
}

/// Whether a block reads as running text rather than a headline link: a
/// sentence ends in it (headlines carry no full stop).
fn is_running_text(b: &Block, t: &Tuning) -> bool {
    b.text.contains('。') || (b.text.trim_end().ends_with('.') && b.len >= t.short_paragraph_len)
}

/// Whether an element inside the chosen content is chrome (Readability's
/// "clean conditionally").
fn prune(dom: &Dom, t: &Tuning, ix: Ix, a: Agg, content_score: f32) -> bool {
    let node = dom.get(ix);
    let name = &node.name;
    let checked = matches!(
        *name,
        local_name!("table")
            | local_name!("ul")
            | local_name!("ol")
            | local_name!("div")
            | local_name!("section")
            | local_name!("dl")
            | local_name!("header")
            | local_name!("aside")
            | local_name!("form")
    );
    if !checked {
        return false;
    }
    let weight = node.weight;
    let ld = if a.len > 0.0 { a.link / a.len } else { 0.0 };
    // Embedded posts and quotes are article text, though a tweet's wrapper
    // is a "widget" and its handle and date are links.
    if a.quotes > 0 && ld < t.quote_max_link_density {
        return false;
    }
    if weight + content_score < 0.0 {
        return true;
    }
    if a.commas >= t.prune_spare_commas {
        return false;
    }

    let is_list = matches!(*name, local_name!("ul") | local_name!("ol"));
    let p = a.paras as f32;
    let img = a.imgs as f32;
    let li = a.lis as f32 - 100.0;
    let heading_density = if a.len > 0.0 {
        a.heading_len / a.len
    } else {
        0.0
    };
    (img > 1.0 && p / img < 0.5)
        || (!is_list && li > p)
        || (a.inputs as f32 > (p / 3.0).floor())
        || (!is_list
            && heading_density < 0.9
            && a.len < t.prune_min_len
            && (img == 0.0 || img > 2.0))
        || (weight < t.class_weight
            && ld > t.prune_max_link_density
            && a.len < t.prune_link_len_cap)
        || (weight >= t.class_weight && ld > t.prune_max_link_density_positive)
        || ((a.embeds == 1 && a.len < t.prune_embed_min_len) || a.embeds > 1)
}

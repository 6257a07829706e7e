//! Our HTML reader against html5ever, page by page, block by block.
//!
//! Every HTML page we have is parsed twice: by our tokenizer and compact
//! tree builder (`fraudstat::clean::html::testing::text_tree`) and by
//! html5ever's tokenizer and tree builder (the Standard's, into an
//! `RcDom`). On html5ever's tree the text our reader leaves out is left
//! out as well (the `<head>`, comments, and the elements whose text it does
//! not keep: scripts, styles, templates, `<noscript>`, frames, SVG, MathML,
//! the rules' dropped and leaf elements). Both trees are then cut into
//! blocks the way the content extractor cuts them (at block elements,
//! `<br>`, `<hr>`), whitespace collapsed, empty blocks left out, and the
//! two lists of blocks compared by a diff.
//!
//! Every difference must be listed in
//! `tests/fixtures/html_differential_accepted.toml` (page, the differing
//! blocks, why it is accepted); the test fails on a difference not listed
//! and on a listed one that no longer occurs (on the pages read: the
//! benchmark pages of `../shared/bench` are read only where present).
//!
//! Pages: `tests/fixtures/**/*.html` and `*.html.gz` (the fixtures, the
//! bench sample and the 60 Chinese news pages, the hostile samples of
//! `tests/fixtures/html-hostile`), and the 181 pages of
//! `../shared/bench/article-extraction/html` when that directory exists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fraudstat::clean::html::HtmlRules;
use fraudstat::clean::html::testing::{TextNode, is_block_name, keeps_text, text_tree};
use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rules() -> HtmlRules {
    match HtmlRules::from_file(&root().join("config/html.toml")) {
        Ok(r) => r,
        Err(e) => panic!("config/html.toml: {e}"),
    }
}

/// The HTML pages: `(name shown and listed, bytes)`.
fn pages() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                let name = p.to_string_lossy();
                if name.ends_with(".html") || name.ends_with(".html.gz") {
                    out.push(p);
                }
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("tests/fixtures"), &mut files);
    let fixtures = files.len();
    let shared = root().join("../shared/bench/article-extraction/html");
    walk(&shared, &mut files);
    files[..fixtures].sort();
    files[fixtures..].sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("page");
            let bytes = if p.extension().is_some_and(|e| e == "gz") {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out)
                    .expect("gzip");
                out
            } else {
                bytes
            };
            let name = match p.strip_prefix(root().join("tests/fixtures")) {
                Ok(rel) => rel.to_string_lossy().into_owned(),
                Err(_) => format!(
                    "bench:{}",
                    p.file_name().unwrap_or_default().to_string_lossy()
                ),
            };
            (name, bytes)
        })
        .collect()
}

/// html5ever's tree as [`TextNode`]s, with what our reader leaves out left
/// out (see the module documentation).
fn html5ever_tree(html: &str, rules: &HtmlRules) -> TextNode {
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(html);
    let mut body = TextNode::default();
    convert(&dom.document, rules, &mut body);
    body
}

fn convert(h: &Handle, rules: &HtmlRules, out: &mut TextNode) {
    match &h.data {
        NodeData::Document => {
            for c in h.children.borrow().iter() {
                convert(c, rules, out);
            }
        }
        NodeData::Text { contents } => out.children.push(TextNode {
            text: contents.borrow().to_string(),
            ..TextNode::default()
        }),
        NodeData::Element { name, .. } => {
            let local: &str = &name.local;
            // Template contents live apart from the tree (and our rules
            // drop templates); the head holds no visible text: the
            // Standard moves text and body elements written there to the
            // body.
            if local == "head" || !keeps_text(rules, local) {
                return;
            }
            let mut el = TextNode {
                name: local.to_string(),
                ..TextNode::default()
            };
            for c in h.children.borrow().iter() {
                convert(c, rules, &mut el);
            }
            out.children.push(el);
        }
        _ => {}
    }
}

/// The blocks of a tree: text between block elements, `<br>` and `<hr>`,
/// whitespace collapsed, empty ones left out.
fn blocks(tree: &TextNode) -> Vec<String> {
    fn walk(n: &TextNode, run: &mut String, out: &mut Vec<String>) {
        if n.name.is_empty() {
            run.push_str(&n.text);
            return;
        }
        let cut = is_block_name(&n.name) || n.name == "br" || n.name == "hr";
        if cut {
            flush(run, out);
        }
        for c in &n.children {
            walk(c, run, out);
        }
        if cut {
            flush(run, out);
        }
    }
    fn flush(run: &mut String, out: &mut Vec<String>) {
        let text = run.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            out.push(text);
        }
        run.clear();
    }
    let mut out = Vec::new();
    let mut run = String::new();
    for c in &tree.children {
        walk(c, &mut run, &mut out);
    }
    flush(&mut run, &mut out);
    out
}

/// One difference: consecutive blocks only ours has, then consecutive
/// blocks only html5ever has, as a key (each block cut to 60 characters).
fn hunks(ours: &[String], theirs: &[String]) -> Vec<String> {
    // Longest common subsequence over the two block lists (pages have at
    // most a few thousand blocks; common prefix and suffix first).
    let pre = ours.iter().zip(theirs).take_while(|(a, b)| a == b).count();
    let suf = ours[pre..]
        .iter()
        .rev()
        .zip(theirs[pre..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let a = &ours[pre..ours.len() - suf];
    let b = &theirs[pre..theirs.len() - suf];
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let cut = |s: &str| -> String {
        let mut c: String = s.chars().take(60).collect();
        if s.chars().nth(60).is_some() {
            c.push('…');
        }
        c
    };
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut only_ours, mut only_theirs) = (Vec::new(), Vec::new());
    let mut emit = |o: &mut Vec<String>, t: &mut Vec<String>| {
        if !o.is_empty() || !t.is_empty() {
            out.push(format!("ours: {o:?} | html5ever: {t:?}"));
            o.clear();
            t.clear();
        }
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            emit(&mut only_ours, &mut only_theirs);
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
            only_ours.push(cut(&a[i]));
            i += 1;
        } else {
            only_theirs.push(cut(&b[j]));
            j += 1;
        }
    }
    emit(&mut only_ours, &mut only_theirs);
    out
}

#[derive(serde::Deserialize)]
struct Accepted {
    #[serde(default)]
    accepted: Vec<Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    page: String,
    block: String,
    why: String,
}

#[test]
fn our_tree_has_the_text_of_html5evers_block_by_block() {
    let rules = rules();
    let listed: Accepted = toml::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/html_differential_accepted.toml"))
            .expect("accepted list"),
    )
    .expect("accepted list TOML");
    let mut accepted: BTreeMap<(String, String), (&str, bool)> = BTreeMap::new();
    for e in &listed.accepted {
        assert!(!e.why.trim().is_empty(), "{}: no reason given", e.page);
        accepted.insert((e.page.clone(), e.block.clone()), (e.why.as_str(), false));
    }
    let pages = pages();
    let (mut blocks_ours, mut blocks_theirs, mut same_pages) = (0usize, 0usize, 0usize);
    let mut unlisted = Vec::new();
    let mut read = std::collections::BTreeSet::new();
    for (name, bytes) in &pages {
        let page = fraudstat::decode::decode(bytes, None);
        let ours = blocks(&text_tree(&page.text, &rules));
        let theirs = blocks(&html5ever_tree(&page.text, &rules));
        blocks_ours += ours.len();
        blocks_theirs += theirs.len();
        read.insert(name.as_str());
        let diffs = hunks(&ours, &theirs);
        if diffs.is_empty() {
            same_pages += 1;
        }
        for d in diffs {
            match accepted.get_mut(&(name.clone(), d.clone())) {
                Some(hit) => hit.1 = true,
                None => unlisted.push(format!(
                    "[[accepted]]\npage = {name:?}\nblock = {}\nwhy = \"\"\n",
                    toml::Value::String(d)
                )),
            }
        }
    }
    let stale: Vec<String> = accepted
        .iter()
        .filter(|((page, _), (_, hit))| !hit && read.contains(page.as_str()))
        .map(|((page, block), _)| format!("{page}: {block}"))
        .collect();
    let seen = accepted.values().filter(|(_, hit)| *hit).count();
    println!(
        "html differential: {} pages ({same_pages} the same), {blocks_ours} blocks ours, \
         {blocks_theirs} html5ever's, {seen} accepted differences, {} not accepted",
        pages.len(),
        unlisted.len()
    );
    assert!(
        unlisted.is_empty(),
        "{} differences not in tests/fixtures/html_differential_accepted.toml:\n{}",
        unlisted.len(),
        unlisted.join("\n")
    );
    assert!(
        stale.is_empty(),
        "accepted differences that no longer occur (remove them):\n{}",
        stale.join("\n")
    );
}

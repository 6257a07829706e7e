//! Title candidates and metadata: `<title>`, `<meta>`, JSON-LD, `<h1>`,
//! `<time>`.

use dom_query::{Document, NodeData, NodeId, local_name};
use serde_json::Value;

use super::dom::Dom;
use super::{HtmlExtract, TitleCandidate, TitleSource};

/// JSON-LD fields worth reporting; nested objects are searched too.
const LD_FIELDS: &[&str] = &[
    "headline",
    "name",
    "datePublished",
    "dateCreated",
    "dateModified",
    "author",
    "publisher",
    "description",
];

/// Most JSON-LD blocks are small; a huge one is data, not metadata.
const MAX_LD_BYTES: usize = 512 * 1024;

/// Fills `title_candidates` and `meta` from the whole document.
pub(crate) fn collect(doc: &Document, _dom: &Dom, out: &mut HtmlExtract) {
    let tree = &doc.tree;
    let mut titles: Vec<TitleCandidate> = Vec::new();
    let mut title_tag: Option<String> = None;
    let mut h1s: Vec<String> = Vec::new();
    let mut stack: Vec<NodeId> = vec![tree.root().id];
    while let Some(id) = stack.pop() {
        let node = tree.get_unchecked(&id);
        enum Kind {
            Title,
            Meta(String, String),
            LdJson,
            H1,
            Time(String),
            Other,
            Leaf,
        }
        let kind = node
            .query(|tn| match &tn.data {
                NodeData::Element(el) => {
                    let attr = |n: &str| {
                        el.attrs
                            .iter()
                            .find(|a| &*a.name.local == n)
                            .map(|a| a.value.to_string())
                    };
                    match el.name.local {
                        local_name!("title") => Kind::Title,
                        local_name!("meta") => {
                            let key = attr("property")
                                .or_else(|| attr("name"))
                                .or_else(|| attr("itemprop"))
                                .or_else(|| attr("http-equiv"));
                            match (key, attr("content")) {
                                (Some(k), Some(v)) => Kind::Meta(k.trim().to_lowercase(), v),
                                _ => Kind::Leaf,
                            }
                        }
                        local_name!("script") => {
                            if attr("type")
                                .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"))
                            {
                                Kind::LdJson
                            } else {
                                Kind::Leaf
                            }
                        }
                        local_name!("style") | local_name!("svg") | local_name!("noscript") => {
                            Kind::Leaf
                        }
                        local_name!("h1") => Kind::H1,
                        local_name!("time") => attr("datetime").map_or(Kind::Other, Kind::Time),
                        _ => Kind::Other,
                    }
                }
                NodeData::Document | NodeData::Fragment => Kind::Other,
                _ => Kind::Leaf,
            })
            .unwrap_or(Kind::Leaf);
        match kind {
            Kind::Leaf => continue,
            Kind::Title => {
                if title_tag.is_none() {
                    let t = squash(&node.text());
                    if !t.is_empty() {
                        title_tag = Some(t);
                    }
                }
                continue;
            }
            Kind::Meta(k, v) => {
                let v = squash(&v);
                if v.is_empty() {
                    continue;
                }
                if matches!(k.as_str(), "og:title" | "twitter:title" | "title") {
                    push_title(&mut titles, TitleSource::MetaTag, &v);
                }
                out.meta.push((k, v));
                continue;
            }
            Kind::LdJson => {
                let text = node.text();
                if text.len() <= MAX_LD_BYTES
                    && let Ok(v) = serde_json::from_str::<Value>(text.trim())
                {
                    let mut fields = Vec::new();
                    ld_fields(&v, 0, &mut fields);
                    for (k, v) in fields {
                        if k == "headline" {
                            push_title(&mut titles, TitleSource::JsonLd, &v);
                        }
                        out.meta.push((format!("ld:{k}"), v));
                    }
                }
                continue;
            }
            Kind::H1 => {
                if h1s.len() < 3 {
                    let t = squash(&node.text());
                    if !t.is_empty() {
                        h1s.push(t);
                    }
                }
                continue;
            }
            Kind::Time(dt) => {
                let dt = squash(&dt);
                if !dt.is_empty() {
                    out.meta.push(("time:datetime".to_string(), dt));
                }
            }
            Kind::Other => {}
        }
        let mark = stack.len();
        stack.extend(tree.child_ids_of_it(&id, false));
        if let Some(added) = stack.get_mut(mark..) {
            added.reverse();
        }
    }
    for h in h1s {
        push_title(&mut titles, TitleSource::H1, &h);
    }
    if let Some(t) = title_tag {
        push_title(&mut titles, TitleSource::TitleTag, &t);
    }
    out.title_candidates = titles;
}

fn push_title(titles: &mut Vec<TitleCandidate>, source: TitleSource, text: &str) {
    let text = squash(text);
    if !text.is_empty() && !titles.iter().any(|t| t.source == source && t.text == text) {
        titles.push(TitleCandidate { source, text });
    }
}

/// Collapses whitespace.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Collects the first value of each field in [`LD_FIELDS`], depth-first.
fn ld_fields(v: &Value, depth: usize, out: &mut Vec<(String, String)>) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => {
            for i in items {
                ld_fields(i, depth + 1, out);
            }
        }
        Value::Object(map) => {
            for &f in LD_FIELDS {
                if out.iter().any(|(k, _)| k == f) {
                    continue;
                }
                let Some(val) = map.get(f) else { continue };
                // `name` is only a title at the top level of an article object.
                if f == "name" && depth > 1 {
                    continue;
                }
                if let Some(s) = ld_string(val) {
                    out.push((f.to_string(), s));
                }
            }
            for (k, val) in map {
                if k == "@graph" || val.is_object() || val.is_array() {
                    if LD_FIELDS.contains(&k.as_str()) {
                        continue;
                    }
                    ld_fields(val, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

/// A JSON-LD value as text: strings as they are, objects by their `name`.
fn ld_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let s = squash(s);
            (!s.is_empty()).then_some(s)
        }
        Value::Object(m) => m.get("name").and_then(ld_string),
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(ld_string).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

//! Title candidates and metadata: `<title>`, `<meta>`, JSON-LD, `<h1>`,
//! `<time>`.

use markup5ever::local_name;
use serde_json::Value;

use super::dom::Dom;
use super::parse::{Head, HeadItem};
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

/// Fills `title_candidates` and `meta` from what the parser collected and
/// the `<h1>`s of the body.
pub(crate) fn collect(head: &Head, dom: &Dom, out: &mut HtmlExtract) {
    let mut titles: Vec<TitleCandidate> = Vec::new();
    for item in &head.items {
        let (key, value) = match item {
            HeadItem::JsonLd(json) => {
                ld_json(json, &mut titles, out);
                continue;
            }
            HeadItem::Meta(key, value) => (key.as_str(), value),
            HeadItem::Time(value) => ("time:datetime", value),
        };
        let v = squash(value);
        if v.is_empty() {
            continue;
        }
        if matches!(key, "og:title" | "twitter:title" | "title") {
            push_title(&mut titles, TitleSource::MetaTag, &v);
        }
        out.meta.push((key.to_string(), v));
    }
    let h1s = dom
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.name == local_name!("h1"))
        .map(|(ix, _)| squash(&dom.text_of(ix)))
        .filter(|t| !t.is_empty())
        .take(3);
    for h in h1s {
        push_title(&mut titles, TitleSource::H1, &h);
    }
    if let Some(t) = head.title.as_deref().map(squash).filter(|t| !t.is_empty()) {
        push_title(&mut titles, TitleSource::TitleTag, &t);
    }
    out.title_candidates = titles;
}

/// The fields of one JSON-LD block.
fn ld_json(text: &str, titles: &mut Vec<TitleCandidate>, out: &mut HtmlExtract) {
    if text.len() > MAX_LD_BYTES {
        return;
    }
    let Ok(v) = serde_json::from_str::<Value>(text.trim()) else {
        return;
    };
    let mut fields = Vec::new();
    ld_fields(&v, 0, &mut fields);
    for (k, v) in fields {
        if k == "headline" {
            push_title(titles, TitleSource::JsonLd, &v);
        }
        out.meta.push((format!("ld:{k}"), v));
    }
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

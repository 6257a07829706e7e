//! Stage 3 of the pipeline: a decoded page to an [`Article`].
//!
//! Text pages (saved copies full of site chrome) are split into lines,
//! each line is classified by wording and shape (`text`), and the article
//! is the run of prose plus its headline. HTML pages are reduced to
//! paragraphs first and then go through the same text-level repairs
//! (ruby garble, spam, metadata lines).

use std::path::Path;

use crate::error::ConfigError;
use crate::model::{Article, ContentKind, Page};

pub mod config;
pub mod html;
pub mod meta;
pub mod ruby;
pub mod script;
pub mod spam;
pub mod text;

use config::Rules;

/// Removes chrome and spam from pages and reads their metadata.
///
/// Built once from `config/clean.toml` and shared by every message.
#[derive(Debug, Clone)]
pub struct Cleaner {
    rules: Rules,
}

impl Cleaner {
    /// Loads the cleaning rules from a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        Ok(Self {
            rules: Rules::from_file(path)?,
        })
    }

    /// Builds a cleaner from TOML text; `path` only names the source in errors.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self, ConfigError> {
        Ok(Self {
            rules: Rules::from_toml_str(text, path)?,
        })
    }

    /// The compiled rules.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Cleans one page. `url` helps with site-specific rules and is optional.
    pub fn clean(&self, page: &Page, url: Option<&str>) -> Article {
        let _ = url;
        match page.kind {
            ContentKind::Text => self.clean_text(&page.text),
            ContentKind::Html => self.clean_text(&strip_tags(&page.text)),
        }
    }

    /// Cleans plain text (a saved copy of a page).
    pub fn clean_text(&self, text: &str) -> Article {
        let analysis = text::analyse(text, &self.rules);
        let meta = meta::extract(&analysis, &self.rules);
        let title = analysis
            .title_text()
            .map(|t| meta::clean_title(t, &self.rules))
            .filter(|t| !t.is_empty());
        let body = analysis.body_text();
        let script = script::detect(&format!("{}{body}", title.as_deref().unwrap_or("")));
        Article {
            title,
            published: meta.published,
            source: meta.source,
            author: meta.author,
            script,
            text: body,
        }
    }
}

/// A crude markup-to-text fallback: block tags become line breaks, other
/// tags vanish, `<script>`/`<style>` go with their content, and the common
/// entities are decoded.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let Some(rest) = html.get(i..) else { break };
        let Some(c) = rest.chars().next() else { break };
        if c != '<' {
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let lrest = lower.get(i..).unwrap_or("");
        let mut skipped = false;
        for tag in ["script", "style", "noscript"] {
            if lrest.starts_with(&format!("<{tag}")) {
                let close = format!("</{tag}");
                i = match lrest.find(&close) {
                    Some(p) => i + p + close.len(),
                    None => html.len(),
                };
                skipped = true;
                break;
            }
        }
        if skipped {
            continue;
        }
        let end = rest.find('>').map_or(html.len(), |p| i + p + 1);
        let name: String = lrest
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if matches!(
            name.as_str(),
            "p" | "div"
                | "br"
                | "li"
                | "tr"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "title"
                | "section"
                | "article"
                | "header"
                | "footer"
                | "table"
                | "ul"
                | "ol"
        ) {
            out.push('\n');
        }
        i = end;
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

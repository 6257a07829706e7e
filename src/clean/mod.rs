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
pub mod from_html;
pub mod html;
pub mod meta;
pub mod ruby;
pub mod script;
pub mod spam;
pub mod text;

use config::Rules;
use html::HtmlRules;

/// Removes chrome and spam from pages and reads their metadata.
///
/// Built once from `config/clean.toml` and shared by every message.
#[derive(Debug, Clone)]
pub struct Cleaner {
    rules: Rules,
    html: HtmlRules,
}

impl Cleaner {
    /// Loads the cleaning rules from a TOML file, and the HTML extractor's
    /// rules from the file its `[html] rules_file` names (relative to it).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml_str(&text, path)
    }

    /// Loads the cleaning rules and the HTML extractor's rules from two
    /// given files (the `[rules] clean` and `[rules] html` settings), so the
    /// HTML rules need not sit next to the cleaning rules.
    pub fn from_files(clean: &Path, html: &Path) -> Result<Self, ConfigError> {
        Ok(Self {
            rules: Rules::from_file(clean)?,
            html: HtmlRules::from_file(html)?,
        })
    }

    /// Builds a cleaner from TOML text; `path` names the source in errors
    /// and anchors the relative path of the HTML rules file.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let rules = Rules::from_toml_str(text, path)?;
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        let html = HtmlRules::from_file(&dir.join(&rules.html.rules_file))?;
        Ok(Self { rules, html })
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
            ContentKind::Html => self.clean_html(&page.text),
        }
    }

    /// Cleans an HTML page.
    pub fn clean_html(&self, page: &str) -> Article {
        let c = from_html::clean(page, &self.html, &self.rules);
        let script = script::detect_parts(&[c.title.as_deref().unwrap_or(""), &c.text]);
        Article {
            title: c.title,
            published: c.published,
            source: c.source,
            author: c.author,
            script,
            text: c.text,
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
        let script = script::detect_parts(&[title.as_deref().unwrap_or(""), &body]);
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

/// A crude markup-to-text view of a whole page, read for metadata lines the
/// extractor prunes: block tags become line breaks, other
/// tags vanish, `<script>`/`<style>` go with their content, and the common
/// entities are decoded.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    // ASCII lowercasing keeps every byte offset, so `lower` and `html`
    // share their char boundaries.
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let Some(rest) = html.get(i..) else { break };
        // Text runs are copied whole; only markup is looked at.
        let Some(lt) = rest.find('<') else {
            out.push_str(rest);
            break;
        };
        out.push_str(rest.get(..lt).unwrap_or(""));
        i += lt;
        let lrest = lower.get(i..).unwrap_or("");
        let after_lt = lrest.get(1..).unwrap_or("");
        if let Some(tag) = ["script", "style", "noscript"]
            .into_iter()
            .find(|t| after_lt.starts_with(t))
        {
            let close = format!("</{tag}");
            i = match lrest.find(&close) {
                Some(p) => {
                    let after = i + p + close.len();
                    lower
                        .get(after..)
                        .and_then(|r| r.find('>'))
                        .map_or(html.len(), |q| after + q + 1)
                }
                None => html.len(),
            };
            continue;
        }
        let end = lrest.find('>').map_or(html.len(), |p| i + p + 1);
        let name_from = lrest.trim_start_matches(['<', '/']);
        let name_len = name_from
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let name = name_from.get(..name_len).unwrap_or("");
        if matches!(
            name,
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
    decode_entities(&out)
}

/// Decodes the named entities common on Chinese pages and numeric ones.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let tail = rest.get(amp..).unwrap_or("");
        let semi = tail.get(..12.min(tail.len())).and_then(|t| t.find(';'));
        let decoded = semi.and_then(|end| {
            let name = tail.get(1..end)?;
            let c = match name {
                "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "amp" => '&',
                "middot" => '·',
                "ldquo" => '“',
                "rdquo" => '”',
                "lsquo" => '‘',
                "rsquo" => '’',
                "mdash" => '—',
                "hellip" => '…',
                "copy" => '©',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = tail.get(len..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            decode_entities("a&nbsp;b &amp; &#20013;&#x6587; &bogus; &"),
            "a b & 中文 &bogus; &"
        );
    }

    #[test]
    fn tags_become_lines() {
        let t = strip_tags("<p>一</p><script>var x='<p>';</script><div>二<br>三</div>");
        let lines: Vec<&str> = t.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(lines, ["一", "二", "三"]);
    }
}

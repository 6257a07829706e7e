//! Stage 3 of the pipeline: a decoded page to an [`Article`].
//!
//! Text pages (saved copies full of site chrome) are split into lines,
//! each line is classified by wording and shape (`text`), and the article
//! is the run of prose plus its headline. HTML pages are reduced to
//! paragraphs first and then go through the same text-level repairs
//! (ruby garble, spam, metadata lines).

use std::path::Path;

use crate::budget::{Budget, PipelineLimits};
use crate::error::ConfigError;
use crate::hints::Hints;
use crate::model::{Article, ContentKind, Limit, LimitHit, Page};
use crate::text::script;

pub mod config;
pub mod from_html;
pub mod html;
pub mod line_date;
pub mod pubdate;
pub mod ruby;
pub mod spam;
pub mod text;
pub mod text_meta;

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
        let text = crate::configuration::built_in::read_rule_file(path)?;
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
        let limits = PipelineLimits::default();
        self.clean_within(page, url, &Hints::default(), &limits, &Budget::unlimited())
            .0
    }

    /// Cleans one page reading at most `limits.max_nodes` HTML elements and
    /// `limits.max_text_chars` characters of its text, and says which bound
    /// stopped the reading. Once `budget` is exceeded the article is
    /// meaningless: the caller checks the budget and drops it.
    pub fn clean_within(
        &self,
        page: &Page,
        url: Option<&str>,
        hints: &Hints,
        limits: &PipelineLimits,
        budget: &Budget,
    ) -> (Article, Vec<LimitHit>) {
        let known = pubdate::Known {
            url,
            published: hints.published.as_deref(),
        };
        match page.kind {
            ContentKind::Text => {
                let (text, hit) = match page.text.char_indices().nth(limits.max_text_chars) {
                    Some((cut, _)) => (
                        page.text.get(..cut).unwrap_or_default(),
                        Some(LimitHit {
                            limit: Limit::TextChars,
                            at: limits.max_text_chars as u64,
                        }),
                    ),
                    None => (page.text.as_str(), None),
                };
                let article = self.clean_text_within(text, &known, budget);
                (article, hit.into_iter().collect())
            }
            ContentKind::Html => {
                let c = from_html::clean_within(
                    &page.text,
                    &self.html,
                    &self.rules,
                    &known,
                    limits,
                    budget,
                );
                let hits = c.limit.into_iter().collect();
                (Self::article_of(c), hits)
            }
        }
    }

    /// Cleans an HTML page.
    pub fn clean_html(&self, page: &str) -> Article {
        Self::article_of(from_html::clean(page, &self.html, &self.rules))
    }

    fn article_of(c: from_html::Cleaned) -> Article {
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
        self.clean_text_within(text, &pubdate::Known::default(), &Budget::unlimited())
    }

    fn clean_text_within(
        &self,
        text: &str,
        known: &pubdate::Known<'_>,
        budget: &Budget,
    ) -> Article {
        let analysis = text::analyse_within(text, &self.rules, budget);
        let meta = text_meta::extract(&analysis, &self.rules);
        let published = meta.published.or_else(|| {
            let from = analysis.title.unwrap_or(0);
            pubdate::fallback_text(
                analysis.lines.iter().skip(from).map(|l| l.text.as_str()),
                analysis.title_text(),
                known,
                &self.rules,
            )
        });
        let title = analysis
            .title_text()
            .map(|t| text_meta::clean_title(t, &self.rules))
            .filter(|t| !t.is_empty());
        let body = analysis.body_text();
        let script = script::detect_parts(&[title.as_deref().unwrap_or(""), &body]);
        Article {
            title,
            published,
            source: meta.source,
            author: meta.author,
            script,
            text: body,
        }
    }
}

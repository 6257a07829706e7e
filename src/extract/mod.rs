//! Stage 4 of the pipeline: an [`Article`] to its [`Statistic`]s.

use std::path::Path;

use crate::error::ConfigError;
use crate::model::{Article, Statistic};

pub mod numeral;

/// Finds every reported figure in an article.
///
/// Built once from `config/lexicon.toml` and shared by every message.
#[derive(Debug, Clone)]
pub struct Extractor {}

impl Extractor {
    /// Loads the lexicon from a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let _ = path;
        Ok(Self {})
    }

    /// Extracts the statistics of one article.
    pub fn extract(&self, article: &Article) -> Vec<Statistic> {
        let _ = article;
        Vec::new()
    }
}

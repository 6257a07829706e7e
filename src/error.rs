//! Errors shared by several modules.

use std::path::PathBuf;

/// A rule or lexicon file could not be loaded. Never worth a retry: the
/// file must be fixed, so start-up stops with this message.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("invalid {path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the setting.
        message: String,
    },
}

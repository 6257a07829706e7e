//! Settings: `config/default.toml`, then a file given with `--config`, then
//! `FRAUDSTAT_…` environment variables (nested keys joined with `__`).
//!
//! Settings are checked once at start-up and turned into typed values, so a
//! bad one stops the process with a message naming it instead of failing on
//! the first message hours later.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// Prefix of every environment variable the service reads.
pub const ENV_PREFIX: &str = "FRAUDSTAT";

/// Everything the service can be told.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// The broker.
    pub amqp: AmqpSettings,
    /// Queue and exchange names.
    pub queues: QueueSettings,
    /// How pages are fetched.
    pub fetch: FetchSettings,
    /// How logs are written.
    pub log: LogSettings,
    /// Where word lists and patterns live.
    pub rules: RuleFiles,
    /// Directory the rule paths are relative to (that of `default.toml`).
    #[serde(skip)]
    pub config_dir: PathBuf,
}

/// `[amqp]`
#[derive(Clone, Deserialize)]
pub struct AmqpSettings {
    /// Broker URL; holds credentials, so never logged whole.
    pub url: String,
}

impl std::fmt::Debug for AmqpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL carries the password: show only where it points.
        let shown = url::Url::parse(&self.url)
            .map(|u| format!("{}://{}", u.scheme(), u.host_str().unwrap_or("")))
            .unwrap_or_else(|_| "<invalid>".into());
        f.debug_struct("AmqpSettings").field("url", &shown).finish()
    }
}

/// `[queues]`
#[derive(Debug, Clone, Deserialize)]
pub struct QueueSettings {
    /// Prefix of every queue and exchange name.
    pub prefix: String,
}

/// `[fetch]`
#[derive(Debug, Clone, Deserialize)]
pub struct FetchSettings {
    /// Whether non-public addresses may be fetched.
    pub allow_private_addresses: bool,
    /// Seconds allowed to connect.
    pub connect_timeout_secs: u64,
    /// Seconds allowed for the whole exchange.
    pub timeout_secs: u64,
    /// Largest body accepted, in decompressed bytes.
    pub max_body_bytes: usize,
    /// Redirects followed at most.
    pub max_redirects: usize,
    /// `User-Agent` header.
    pub user_agent: String,
}

impl FetchSettings {
    /// Connect timeout as a duration.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs)
    }

    /// Total timeout as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line, for log pipelines.
    Json,
    /// Human-readable, for a terminal.
    Pretty,
}

/// `[log]`
#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    /// Line format.
    pub format: LogFormat,
    /// Default filter when `RUST_LOG` is unset.
    pub level: String,
}

/// `[rules]`: paths of the rule files, relative to the config directory.
#[derive(Debug, Clone, Deserialize)]
pub struct RuleFiles {
    /// Plain-text cleaning rules.
    pub clean: PathBuf,
    /// HTML cleaning rules.
    pub html: PathBuf,
    /// Statistics lexicon.
    pub lexicon: PathBuf,
}

/// Settings could not be loaded; the message names the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A file is missing, unreadable or not valid TOML, or a value has the wrong type.
    #[error(transparent)]
    Load(#[from] config::ConfigError),
    /// A value has the right type but is not acceptable.
    #[error("configuration: invalid {key}: {reason}")]
    Invalid {
        /// Dotted name of the setting (`fetch.timeout_secs`).
        key: &'static str,
        /// Why it is refused.
        reason: String,
    },
}

impl Settings {
    /// Loads `config_dir/default.toml`, then `extra` if given, then the
    /// environment, and validates the result.
    pub fn load(config_dir: &Path, extra: Option<&Path>) -> Result<Self, SettingsError> {
        Self::load_with_env(config_dir, extra, std::env::vars())
    }

    /// As [`Settings::load`], with the environment passed in so tests need
    /// not mutate the process environment.
    pub fn load_with_env(
        config_dir: &Path,
        extra: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let mut builder = config::Config::builder()
            .add_source(config::File::from(config_dir.join("default.toml")).required(true));
        if let Some(path) = extra {
            builder = builder.add_source(config::File::from(path).required(true));
        }
        let env: std::collections::HashMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX) && k.contains("__"))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix(ENV_PREFIX)
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .source(Some(env)),
        );
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        settings.config_dir = config_dir.to_path_buf();
        settings.validate()?;
        Ok(settings)
    }

    /// Resolves a rule path against the config directory.
    pub fn rule_path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.config_dir.join(path)
        }
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |key, reason: &str| SettingsError::Invalid {
            key,
            reason: reason.to_string(),
        };
        match url::Url::parse(&self.amqp.url) {
            Ok(u) if u.scheme() == "amqp" || u.scheme() == "amqps" => {}
            Ok(_) => return Err(invalid("amqp.url", "scheme must be amqp or amqps")),
            Err(e) => return Err(invalid("amqp.url", &e.to_string())),
        }
        let prefix = &self.queues.prefix;
        if prefix.is_empty()
            || prefix.len() > 200
            || !prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err(invalid(
                "queues.prefix",
                "1 to 200 characters of letters, digits, '.', '-' or '_'",
            ));
        }
        let f = &self.fetch;
        if f.connect_timeout_secs == 0 || f.connect_timeout_secs > 300 {
            return Err(invalid("fetch.connect_timeout_secs", "must be 1 to 300"));
        }
        if f.timeout_secs == 0 || f.timeout_secs > 3600 {
            return Err(invalid("fetch.timeout_secs", "must be 1 to 3600"));
        }
        if f.max_body_bytes < 1024 || f.max_body_bytes > 1 << 30 {
            return Err(invalid("fetch.max_body_bytes", "must be 1 KiB to 1 GiB"));
        }
        if f.max_redirects > 20 {
            return Err(invalid("fetch.max_redirects", "must be 0 to 20"));
        }
        if f.user_agent.trim().is_empty() {
            return Err(invalid("fetch.user_agent", "must not be empty"));
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(invalid("log.level", "not a tracing filter directive"));
        }
        Ok(())
    }
}

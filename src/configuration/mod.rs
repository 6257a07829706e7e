//! Settings: the built-in `config/default.toml`, then `default.toml` of a
//! config directory if one is given, then a file given with `--config`, then
//! `FRAUDSTAT_…` environment variables (nested keys joined with `__`), then
//! the command line's flags.
//!
//! Every layer is strict: a key the built-in `default.toml` does not have,
//! in a file or in a `FRAUDSTAT_` variable, stops start-up with the closest
//! valid name, since a misspelt setting that is silently ignored (say
//! `FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESS`) is worse than no setting.
//!
//! Settings are checked once at start-up and turned into typed values, so a
//! bad one stops the process with a message naming it instead of failing on
//! the first message hours later.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub mod built_in;
mod strict;

pub use strict::UnknownSetting;

/// Prefix of every environment variable the service reads.
pub const ENV_PREFIX: &str = "FRAUDSTAT";

/// Everything the service can be told.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Settings {
    /// The broker.
    pub amqp: AmqpSettings,
    /// Queue and exchange names.
    pub queues: QueueSettings,
    /// How pages are fetched.
    pub fetch: FetchSettings,
    /// How logs are written.
    pub log: LogSettings,
    /// Broker-side retries of transient failures.
    pub retry: RetrySettings,
    /// Concurrency and shutdown of `fraudstat worker`.
    pub worker: WorkerSettings,
    /// The metrics and health listener.
    pub metrics: MetricsSettings,
    /// Where word lists and patterns live.
    pub rules: RuleFiles,
    /// Bounds on the work one page may cause.
    pub limits: crate::budget::PipelineLimits,
    /// `fraudstat sink`: results into PostgreSQL.
    pub sink: SinkSettings,
    /// Directory the rule paths are relative to; `None` for the built-in
    /// files alone.
    #[serde(skip)]
    pub config_dir: Option<PathBuf>,
}

/// `[amqp]`
#[derive(Clone, Deserialize, serde::Serialize)]
pub struct AmqpSettings {
    /// Broker URL; holds credentials, so never logged whole.
    #[serde(serialize_with = "serialize_masked_url")]
    pub url: String,
    /// Heartbeat interval asked of the broker, in seconds (used unless the
    /// URL carries `?heartbeat=`).
    pub heartbeat_secs: u16,
    /// Seconds a publish may wait for the broker's confirm before it counts
    /// as failed and is tried again.
    pub publish_timeout_secs: u64,
    /// Publish attempts (with backoff, waiting for reconnection in between)
    /// before a message is handed back to the broker unacknowledged.
    pub publish_attempts: usize,
    /// Seconds a lost connection may stay unrecovered before the worker
    /// gives up on it and exits non-zero, for the orchestrator to restart it.
    pub recovery_timeout_secs: u64,
}

impl AmqpSettings {
    /// The publish confirm timeout as a duration.
    pub fn publish_timeout(&self) -> Duration {
        Duration::from_secs(self.publish_timeout_secs)
    }

    /// How long a connection may stay lost before the worker gives up.
    pub fn recovery_timeout(&self) -> Duration {
        Duration::from_secs(self.recovery_timeout_secs)
    }
}

impl std::fmt::Debug for AmqpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL carries the password: show only where it points.
        let shown = url::Url::parse(&self.url)
            .map(|u| format!("{}://{}", u.scheme(), u.host_str().unwrap_or("")))
            .unwrap_or_else(|_| "<invalid>".into());
        f.debug_struct("AmqpSettings")
            .field("url", &shown)
            .field("heartbeat_secs", &self.heartbeat_secs)
            .field("publish_timeout_secs", &self.publish_timeout_secs)
            .field("publish_attempts", &self.publish_attempts)
            .field("recovery_timeout_secs", &self.recovery_timeout_secs)
            .finish()
    }
}

/// `[queues]`
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct QueueSettings {
    /// Prefix of every queue and exchange name.
    pub prefix: String,
    /// Deliveries of one input message (crashes and requeues included)
    /// before the broker dead-letters it to the failure queue.
    pub delivery_limit: u32,
}

/// `[retry]`
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct RetrySettings {
    /// Delay of each retry queue, in milliseconds, in increasing order; the
    /// n-th retry waits in the n-th queue (the last one is reused).
    #[serde(deserialize_with = "de_u64_list")]
    pub delays_ms: Vec<u64>,
    /// Attempts in total (the first included) before a transient failure
    /// becomes a failure record.
    pub max_attempts: u32,
    /// Fraction of a delay that is randomly taken off each retry, so that
    /// URLs failing together do not all come back together.
    pub jitter: f64,
}

/// `[worker]`
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct WorkerSettings {
    /// URLs processed at once; also the broker prefetch.
    pub concurrency: u16,
    /// URLs of one host fetched at once, so a burst from one site does not
    /// hammer it.
    pub per_host_concurrency: usize,
    /// Seconds allowed after SIGTERM for in-flight URLs to finish.
    pub shutdown_grace_secs: u64,
    /// Largest input message body read; a larger one fails at once as
    /// `too_large`, unparsed.
    pub max_input_bytes: usize,
    /// Bytes of the input kept in a failure record; a longer input is kept
    /// as a prefix with its full length and SHA-256.
    pub record_input_bytes: usize,
    /// Largest result published; a larger one becomes a `result_too_large`
    /// failure record. Keep it below the broker's `max_message_size`.
    pub max_result_bytes: usize,
    /// Milliseconds of CPU stage one page may take before it stops with
    /// what it found (or a `too_complex` failure record).
    pub page_deadline_ms: u64,
    /// Threads of the CPU stage (decode, clean, extract); 0 for one per core.
    pub cpu_threads: usize,
}

impl WorkerSettings {
    /// The shutdown grace period as a duration.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// The per-page deadline as a duration.
    pub fn page_deadline(&self) -> Duration {
        Duration::from_millis(self.page_deadline_ms)
    }

    /// Threads of the CPU pool: the setting, or the cores this process may use.
    pub fn cpu_threads(&self) -> usize {
        if self.cpu_threads > 0 {
            return self.cpu_threads;
        }
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

/// `[sink]`: `fraudstat sink`, results from the broker into PostgreSQL.
#[derive(Clone, Deserialize, serde::Serialize)]
pub struct SinkSettings {
    /// PostgreSQL URL; holds credentials, so never logged whole.
    #[serde(serialize_with = "serialize_masked_url")]
    pub database_url: String,
    /// Results stored in one transaction at most; also half the broker
    /// prefetch, so the next batch arrives while one is written.
    pub batch_size: u16,
    /// Milliseconds a batch waits for more results once it has one.
    pub batch_wait_ms: u64,
    /// Connections to the database at most.
    pub max_connections: u32,
    /// First wait, in milliseconds, before a batch that failed for a
    /// transient database error is tried again; doubled each time.
    pub retry_min_delay_ms: u64,
    /// Longest wait between two tries of a batch, in milliseconds.
    pub retry_max_delay_ms: u64,
    /// Tries of one batch before the sink gives up and exits non-zero
    /// (the batch is not acknowledged: the broker redelivers it).
    pub retry_attempts: usize,
}

impl SinkSettings {
    /// The batch wait as a duration.
    pub fn batch_wait(&self) -> Duration {
        Duration::from_millis(self.batch_wait_ms)
    }

    /// The retry schedule of a batch: exponential with jitter, as the
    /// worker's reconnection.
    pub fn backoff(&self) -> backon::ExponentialBuilder {
        backon::ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(self.retry_min_delay_ms))
            .with_max_delay(Duration::from_millis(self.retry_max_delay_ms))
            .with_jitter()
            .with_max_times(self.retry_attempts.saturating_sub(1))
    }
}

impl std::fmt::Debug for SinkSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SinkSettings")
            .field("database_url", &masked_url(&self.database_url))
            .field("batch_size", &self.batch_size)
            .field("batch_wait_ms", &self.batch_wait_ms)
            .field("max_connections", &self.max_connections)
            .field("retry_min_delay_ms", &self.retry_min_delay_ms)
            .field("retry_max_delay_ms", &self.retry_max_delay_ms)
            .field("retry_attempts", &self.retry_attempts)
            .finish()
    }
}

/// `[metrics]`
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct MetricsSettings {
    /// Address of the `/metrics`, `/healthz`, `/readyz` listener
    /// (`host:port`; port 0 picks a free one); empty turns it off.
    pub listen: String,
}

/// `[fetch]`
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
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
    /// Non-public networks (CIDR, or single addresses) that may be fetched
    /// even when `allow_private_addresses` is off: in-cluster sources.
    #[serde(default, deserialize_with = "de_string_list")]
    pub allowed_networks: Vec<String>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// `pretty` when standard error is a terminal, `json` otherwise: people
    /// at a terminal read, services' log pipelines parse.
    Auto,
    /// One JSON object per line, for log pipelines.
    Json,
    /// Human-readable, one line each; coloured only on a terminal.
    Pretty,
}

impl LogFormat {
    /// `Auto` made definite for a writer that is (or is not) a terminal.
    pub fn resolve(self, terminal: bool) -> LogFormat {
        match self {
            LogFormat::Auto if terminal => LogFormat::Pretty,
            LogFormat::Auto => LogFormat::Json,
            definite => definite,
        }
    }
}

/// `[log]`
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct LogSettings {
    /// Line format.
    pub format: LogFormat,
    /// Default filter when `RUST_LOG` is unset.
    pub level: String,
}

/// `[rules]`: paths of the rule files, relative to the config directory.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct RuleFiles {
    /// Plain-text cleaning rules.
    pub clean: PathBuf,
    /// HTML cleaning rules.
    pub html: PathBuf,
    /// Statistics lexicon.
    pub lexicon: PathBuf,
    /// Charset detection tunables.
    pub decode: PathBuf,
}

/// Settings could not be loaded; the message names the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A file is missing, unreadable or not valid TOML, or a value has the wrong type.
    #[error(transparent)]
    Load(#[from] config::ConfigError),
    /// `--config-dir` (or `FRAUDSTAT_CONFIG_DIR`) is not a directory.
    #[error(
        "configuration: config directory {0} does not exist (it is optional: without --config-dir and FRAUDSTAT_CONFIG_DIR the built-in settings and rules are used)"
    )]
    NoConfigDir(PathBuf),
    /// A file or variable names a setting that does not exist.
    #[error(transparent)]
    Unknown(#[from] UnknownSetting),
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
    /// Loads the built-in settings, then `config_dir/default.toml` if
    /// there is one, then `extra` if given, then the environment, and
    /// validates the result.
    pub fn load(config_dir: Option<&Path>, extra: Option<&Path>) -> Result<Self, SettingsError> {
        Self::load_with_env(config_dir, extra, std::env::vars())
    }

    /// As [`Settings::load`], with the environment passed in so tests need
    /// not mutate the process environment (and the command line's flags can
    /// be appended to it: a later pair wins).
    pub fn load_with_env(
        config_dir: Option<&Path>,
        extra: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let defaults = built_in::file("default.toml").expect("default.toml is built in");
        let known = strict::Known::from_defaults(defaults);
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(defaults, config::FileFormat::Toml));
        let mut files = Vec::new();
        if let Some(dir) = config_dir {
            if !dir.is_dir() {
                return Err(SettingsError::NoConfigDir(dir.to_path_buf()));
            }
            let own = dir.join("default.toml");
            if own.is_file() {
                files.push(own);
            }
        }
        files.extend(extra.map(Path::to_path_buf));
        for file in &files {
            let text = std::fs::read_to_string(file).map_err(|e| {
                config::ConfigError::Foreign(format!("{}: {e}", file.display()).into())
            })?;
            known.check_file(file, &text)?;
            builder = builder.add_source(config::File::from_str(&text, config::FileFormat::Toml));
        }
        let env: std::collections::HashMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        let mut names: Vec<&String> = env.keys().collect();
        names.sort();
        for name in names {
            known.check_env(name)?;
        }
        let env: std::collections::HashMap<String, String> =
            env.into_iter().filter(|(k, _)| k.contains("__")).collect();
        builder = builder.add_source(
            config::Environment::with_prefix(ENV_PREFIX)
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .source(Some(env)),
        );
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        settings.config_dir = config_dir.map(Path::to_path_buf);
        settings.validate()?;
        Ok(settings)
    }

    /// Resolves a rule path: absolute paths stay; relative ones are taken
    /// from the config directory, else from the files built into the
    /// binary. The path is the config directory's even where it lacks the
    /// file ([`built_in::read`] then gives the built-in one), so that the
    /// files read beside it (`extract-regions.toml` and `gazetteer.tsv`
    /// beside `lexicon.toml`, `html.toml` beside `clean.toml`) are taken
    /// from the config directory too: a directory holding only
    /// `gazetteer.tsv` overrides the gazetteer.
    pub fn rule_path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.to_path_buf();
        }
        match &self.config_dir {
            Some(dir) => dir.join(path),
            None => built_in::path(path),
        }
    }

    /// The settings in force as TOML, with the broker password masked, and
    /// where each rule file comes from: what `fraudstat settings` prints.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "# config directory: {}\n",
            match &self.config_dir {
                Some(d) => d.display().to_string(),
                None => "none (built-in settings and rules)".to_string(),
            }
        ));
        for (key, path) in [
            ("rules.clean", &self.rules.clean),
            ("rules.html", &self.rules.html),
            ("rules.lexicon", &self.rules.lexicon),
            ("rules.decode", &self.rules.decode),
        ] {
            out.push_str(&format!(
                "# {key}: {}\n",
                built_in::origin(&self.rule_path(path))
            ));
        }
        out.push('\n');
        out.push_str(&self.masked_toml());
        out
    }

    fn masked_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot show the settings: {e}\n"))
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
        for net in &f.allowed_networks {
            if crate::fetch::address::Network::parse(net).is_none() {
                return Err(invalid(
                    "fetch.allowed_networks",
                    &format!("{net:?} is not an address or CIDR network"),
                ));
            }
        }
        if self.amqp.heartbeat_secs > 0 && self.amqp.heartbeat_secs < 2 {
            return Err(invalid(
                "amqp.heartbeat_secs",
                "must be 0 (off) or at least 2",
            ));
        }
        if self.amqp.publish_timeout_secs == 0 || self.amqp.publish_timeout_secs > 600 {
            return Err(invalid("amqp.publish_timeout_secs", "must be 1 to 600"));
        }
        if self.amqp.publish_attempts == 0 || self.amqp.publish_attempts > 100 {
            return Err(invalid("amqp.publish_attempts", "must be 1 to 100"));
        }
        if self.amqp.recovery_timeout_secs < 5 {
            return Err(invalid("amqp.recovery_timeout_secs", "must be at least 5"));
        }
        if self.queues.delivery_limit == 0 {
            return Err(invalid("queues.delivery_limit", "must be at least 1"));
        }
        let r = &self.retry;
        if r.delays_ms.is_empty() || r.delays_ms.len() > 20 {
            return Err(invalid("retry.delays_ms", "must list 1 to 20 delays"));
        }
        // The broker's x-message-ttl is a 32-bit count of milliseconds; a day
        // is already far past any useful retry.
        if r.delays_ms.iter().any(|d| *d == 0 || *d > 86_400_000) {
            return Err(invalid(
                "retry.delays_ms",
                "each delay must be 1 ms to 1 day",
            ));
        }
        if r.delays_ms.windows(2).any(|w| w[0] >= w[1]) {
            return Err(invalid("retry.delays_ms", "delays must increase"));
        }
        if r.max_attempts == 0 || r.max_attempts > 1000 {
            return Err(invalid("retry.max_attempts", "must be 1 to 1000"));
        }
        if !(0.0..1.0).contains(&r.jitter) {
            return Err(invalid("retry.jitter", "must be at least 0 and below 1"));
        }
        let w = &self.worker;
        if w.concurrency == 0 {
            return Err(invalid("worker.concurrency", "must be at least 1"));
        }
        if w.per_host_concurrency == 0 {
            return Err(invalid("worker.per_host_concurrency", "must be at least 1"));
        }
        if w.shutdown_grace_secs > 3600 {
            return Err(invalid("worker.shutdown_grace_secs", "must be 0 to 3600"));
        }
        if !(256..=(64 << 20)).contains(&w.max_input_bytes) {
            return Err(invalid("worker.max_input_bytes", "must be 256 B to 64 MiB"));
        }
        if !(64..=(16 << 20)).contains(&w.record_input_bytes) {
            return Err(invalid(
                "worker.record_input_bytes",
                "must be 64 B to 16 MiB",
            ));
        }
        if !((64 << 10)..=(512 << 20)).contains(&w.max_result_bytes) {
            return Err(invalid(
                "worker.max_result_bytes",
                "must be 64 KiB to 512 MiB",
            ));
        }
        if !(10..=3_600_000).contains(&w.page_deadline_ms) {
            return Err(invalid(
                "worker.page_deadline_ms",
                "must be 10 ms to 1 hour",
            ));
        }
        let l = &self.limits;
        if l.max_text_chars < 1000 {
            return Err(invalid("limits.max_text_chars", "must be at least 1000"));
        }
        if l.max_nodes < 100 {
            return Err(invalid("limits.max_nodes", "must be at least 100"));
        }
        if l.max_figures == 0 {
            return Err(invalid("limits.max_figures", "must be at least 1"));
        }
        if w.cpu_threads > 1024 {
            return Err(invalid(
                "worker.cpu_threads",
                "must be 0 (one per core) to 1024",
            ));
        }
        if !self.metrics.listen.is_empty()
            && self.metrics.listen.parse::<std::net::SocketAddr>().is_err()
        {
            return Err(invalid(
                "metrics.listen",
                "must be host:port with an IP address (or empty to turn it off)",
            ));
        }
        self.validate_sink()?;
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(invalid("log.level", "not a tracing filter directive"));
        }
        Ok(())
    }
}

impl Settings {
    fn validate_sink(&self) -> Result<(), SettingsError> {
        let invalid = |key, reason: &str| SettingsError::Invalid {
            key,
            reason: reason.to_string(),
        };
        let k = &self.sink;
        match url::Url::parse(&k.database_url) {
            Ok(u) if u.scheme() == "postgres" || u.scheme() == "postgresql" => {}
            Ok(_) => {
                return Err(invalid(
                    "sink.database_url",
                    "scheme must be postgres or postgresql",
                ));
            }
            Err(e) => return Err(invalid("sink.database_url", &e.to_string())),
        }
        if !(1..=10_000).contains(&k.batch_size) {
            return Err(invalid("sink.batch_size", "must be 1 to 10000"));
        }
        if k.batch_wait_ms > 60_000 {
            return Err(invalid("sink.batch_wait_ms", "must be 0 to 60000"));
        }
        if !(1..=1000).contains(&k.max_connections) {
            return Err(invalid("sink.max_connections", "must be 1 to 1000"));
        }
        if k.retry_min_delay_ms == 0 || k.retry_min_delay_ms > k.retry_max_delay_ms {
            return Err(invalid(
                "sink.retry_min_delay_ms",
                "must be at least 1 and at most sink.retry_max_delay_ms",
            ));
        }
        if k.retry_max_delay_ms > 3_600_000 {
            return Err(invalid("sink.retry_max_delay_ms", "must be at most 1 hour"));
        }
        if !(1..=10_000).contains(&k.retry_attempts) {
            return Err(invalid("sink.retry_attempts", "must be 1 to 10000"));
        }
        Ok(())
    }
}

/// `url` with its password replaced by `****`, for showing settings.
pub fn masked_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "<not a URL>".to_string(),
    }
}

fn serialize_masked_url<S: serde::Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&masked_url(url))
}

/// A list given as a TOML array or, from the environment, as one
/// comma-separated string (`FRAUDSTAT_RETRY__DELAYS_MS=1000,5000`).
fn de_string_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Str(String),
        Int(i64),
        Float(f64),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        List(Vec<Item>),
        One(Item),
    }
    let item = |i: Item| match i {
        Item::Str(s) => s,
        Item::Int(n) => n.to_string(),
        Item::Float(n) => n.to_string(),
    };
    let items: Vec<String> = match Raw::deserialize(d)? {
        Raw::List(v) => v.into_iter().map(item).collect(),
        Raw::One(i) => vec![item(i)],
    };
    Ok(items
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect())
}

/// As [`de_string_list`], each item a whole number.
fn de_u64_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    de_string_list(d)?
        .iter()
        .map(|s| {
            s.parse::<u64>()
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a whole number")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(env: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        Settings::load_with_env(
            Some(&dir),
            None,
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )
    }

    #[test]
    fn lists_come_from_the_environment_comma_separated() {
        let s = load(&[
            ("FRAUDSTAT_RETRY__DELAYS_MS", "1000,5000"),
            ("FRAUDSTAT_FETCH__ALLOWED_NETWORKS", "10.0.0.0/8, 127.0.0.1"),
        ])
        .unwrap();
        assert_eq!(s.retry.delays_ms, vec![1000, 5000]);
        assert_eq!(s.fetch.allowed_networks, vec!["10.0.0.0/8", "127.0.0.1"]);
        // A single number parses as a number, not a list; still accepted.
        let s = load(&[("FRAUDSTAT_RETRY__DELAYS_MS", "2500")]).unwrap();
        assert_eq!(s.retry.delays_ms, vec![2500]);
        let s = load(&[]).unwrap();
        assert_eq!(s.retry.delays_ms, vec![5000, 30000, 120000]);
        // The file's bounds are the pipeline's defaults, stated once each.
        assert_eq!(s.limits, crate::budget::PipelineLimits::default());
        assert!(s.fetch.allowed_networks.is_empty());
    }

    #[test]
    fn bad_worker_settings_name_themselves() {
        for (key, value, named) in [
            ("FRAUDSTAT_RETRY__DELAYS_MS", "5000,1000", "retry.delays_ms"),
            ("FRAUDSTAT_RETRY__DELAYS_MS", "0", "retry.delays_ms"),
            ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "0", "retry.max_attempts"),
            ("FRAUDSTAT_RETRY__JITTER", "1.5", "retry.jitter"),
            ("FRAUDSTAT_WORKER__CONCURRENCY", "0", "worker.concurrency"),
            (
                "FRAUDSTAT_WORKER__PER_HOST_CONCURRENCY",
                "0",
                "worker.per_host_concurrency",
            ),
            ("FRAUDSTAT_METRICS__LISTEN", "nowhere", "metrics.listen"),
            (
                "FRAUDSTAT_WORKER__MAX_INPUT_BYTES",
                "10",
                "worker.max_input_bytes",
            ),
            (
                "FRAUDSTAT_WORKER__RECORD_INPUT_BYTES",
                "0",
                "worker.record_input_bytes",
            ),
            (
                "FRAUDSTAT_WORKER__MAX_RESULT_BYTES",
                "100",
                "worker.max_result_bytes",
            ),
            (
                "FRAUDSTAT_WORKER__PAGE_DEADLINE_MS",
                "0",
                "worker.page_deadline_ms",
            ),
            (
                "FRAUDSTAT_AMQP__RECOVERY_TIMEOUT_SECS",
                "1",
                "amqp.recovery_timeout_secs",
            ),
            (
                "FRAUDSTAT_QUEUES__DELIVERY_LIMIT",
                "0",
                "queues.delivery_limit",
            ),
            (
                "FRAUDSTAT_FETCH__ALLOWED_NETWORKS",
                "10.0.0.0/99",
                "fetch.allowed_networks",
            ),
            ("FRAUDSTAT_AMQP__HEARTBEAT_SECS", "1", "amqp.heartbeat_secs"),
        ] {
            let err = load(&[(key, value)]).unwrap_err().to_string();
            assert!(err.contains(named), "{key}={value}: {err}");
        }
    }
}

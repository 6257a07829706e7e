//! Logging set-up: JSON lines for machines, pretty output for people.
//!
//! Logs go to stderr so that `fraudstat extract` can keep stdout for results.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::configuration::{LogFormat, LogSettings};

/// Installs the global subscriber. `RUST_LOG` wins over `settings.level`.
/// Calling it twice is harmless (the second call does nothing), which keeps
/// tests that share a process simple.
pub fn init<W>(settings: &LogSettings, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    let _ = match settings.format {
        // No ANSI in JSON: page text and URLs are logged, and escape codes in
        // them must not reach an operator's terminal (RUSTSEC-2025-0055).
        LogFormat::Json => builder
            .json()
            .with_ansi(false)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Pretty => builder.pretty().try_init(),
    };
}

//! `fraudstat report`: a static HTML report of the sink's database
//! (`docs/report.md`).
//!
//! - [`load`]: reads the views `facts` and `conflicts`;
//! - [`period`]: which span class (annual, quarterly, monthly, other) a
//!   closed period is, so that spans are never mixed on one line;
//! - [`chart`]: one time-series chart as inline SVG, every point marked;
//! - [`render`]: the page: charts per metric, the fact tables, the
//!   conflicts and what was left out, all text escaped.

use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod chart;
pub mod load;
pub mod period;
pub mod render;

pub use render::{Limits, Summary};

/// What `fraudstat report` is asked to do.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The PostgreSQL database the sink writes (`postgres://…`).
    pub database_url: String,
    /// Directory the report is written into (created if missing).
    pub out_dir: PathBuf,
    /// Rows shown in one table at most.
    pub max_rows: usize,
    /// Facts (and conflicts) read from the database at most, which bounds
    /// the report's memory and size whatever the database holds.
    pub max_facts: i64,
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The database could not be reached.
    #[error("connecting to the database {url}: {source}")]
    Connect {
        /// The URL, password masked.
        url: String,
        /// sqlx's error.
        source: sqlx::Error,
    },
    /// A query of the sink's views failed.
    #[error("{context}: {source}")]
    Database {
        /// What was being read.
        context: &'static str,
        /// sqlx's error.
        source: sqlx::Error,
    },
    /// plotters could not draw a chart.
    #[error("drawing a chart: {0}")]
    Chart(String),
    /// The report could not be written.
    #[error("{context} {}: {source}", path.display())]
    Write {
        /// What was being done.
        context: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl ReportError {
    /// Whether running again later may succeed: the database was away or
    /// failed, as opposed to a chart or a file that needs an operator.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Connect { .. } | Self::Database { .. })
    }
}

/// Default of `--max-rows`.
pub const DEFAULT_MAX_ROWS: usize = 500;
/// Default of `--max-facts`.
pub const DEFAULT_MAX_FACTS: i64 = 20_000;

/// Reads the database and writes `out_dir/index.html`; returns its path
/// and what it holds.
pub async fn run(options: &ReportOptions) -> Result<(PathBuf, Summary), ReportError> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(15))
        .connect(&options.database_url)
        .await
        .map_err(|source| ReportError::Connect {
            url: masked(&options.database_url),
            source,
        })?;
    let data = load::load(&pool, options.max_facts).await?;
    pool.close().await;
    let generated = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let (html, summary) = render::page(
        &data,
        Limits {
            max_rows: options.max_rows,
        },
        &generated,
    )?;
    let path = write(&options.out_dir, &html)?;
    Ok((path, summary))
}

/// Writes `index.html` whole or not at all: a reader never opens half a
/// report.
fn write(dir: &Path, html: &str) -> Result<PathBuf, ReportError> {
    let failed = |context: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Write {
            context,
            path,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(failed("creating", dir))?;
    let path = dir.join("index.html");
    let partial = dir.join(".index.html.partial");
    std::fs::write(&partial, html).map_err(failed("writing", &partial))?;
    std::fs::rename(&partial, &path).map_err(failed("writing", &path))?;
    Ok(std::fs::canonicalize(&path).unwrap_or(path))
}

/// The URL without its password, for messages.
fn masked(database_url: &str) -> String {
    match url::Url::parse(database_url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "(not a URL)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            super::masked("postgres://app:s3cret@db:5432/fraud"),
            "postgres://app:***@db:5432/fraud"
        );
        assert_eq!(
            super::masked("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
    }
}

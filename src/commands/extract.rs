//! `fraudstat extract FILE_OR_URL…`: the pipeline without a broker.
//!
//! Files (HTML or plain text, `-` for stdin) are read from disk; `http(s)://`
//! arguments are fetched with the same limits as the worker. One result JSON
//! per line goes to stdout; problems go to the log on stderr, and the command
//! carries on with the next input.

use std::io::{Read, Write};
use std::path::Path;

use chrono::Utc;

use crate::article_url::{ArticleUrl, redact, stable_id};
use crate::configuration::Settings;
use crate::error::ConfigError;
use crate::fetch::{FetchError, Fetcher};
use crate::pipeline::{Document, Pipeline};

/// Largest local file read, so that a mistaken argument (a disk image, say)
/// cannot exhaust memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why one input could not be turned into a result.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be read.
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    /// The file is larger than the command reads.
    #[error("{0} is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge(String),
    /// The URL could not be fetched.
    #[error("cannot fetch {0}: {1}")]
    Fetch(String, FetchError),
}

/// Why the command as a whole could not run.
#[derive(Debug, thiserror::Error)]
pub enum ExtractCommandError {
    /// A rule file is missing or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be built.
    #[error("cannot set up fetching: {0}")]
    Fetcher(FetchError),
    /// Stdout is gone.
    #[error("cannot write results: {0}")]
    Write(#[source] std::io::Error),
}

/// Processes every input in order, writing one JSON line per success to
/// `out`. Returns how many inputs failed.
pub async fn run(
    settings: &Settings,
    inputs: &[String],
    out: &mut impl Write,
) -> Result<usize, ExtractCommandError> {
    let pipeline = Pipeline::load(settings)?;
    let mut fetcher: Option<Fetcher> = None;
    let mut failed = 0;
    for input in inputs {
        let result = match ArticleUrl::parse(input) {
            Ok(url) => {
                let fetcher = match &fetcher {
                    Some(f) => f.clone(),
                    None => {
                        let f =
                            Fetcher::new(&settings.fetch).map_err(ExtractCommandError::Fetcher)?;
                        fetcher = Some(f.clone());
                        f
                    }
                };
                extract_url(&pipeline, &fetcher, &url).await
            }
            Err(_) => extract_file(&pipeline, input),
        };
        match result {
            Ok(json) => {
                writeln!(out, "{json}").map_err(ExtractCommandError::Write)?;
            }
            Err(e) => {
                failed += 1;
                tracing::error!(input = %redact(input), error = %e, "input skipped");
            }
        }
    }
    out.flush().map_err(ExtractCommandError::Write)?;
    Ok(failed)
}

async fn extract_url(
    pipeline: &Pipeline,
    fetcher: &Fetcher,
    url: &ArticleUrl,
) -> Result<String, InputError> {
    let page = fetcher
        .fetch(url)
        .await
        .map_err(|e| InputError::Fetch(url.redacted().into_owned(), e))?;
    let result = pipeline.process(Document {
        id: url.stable_id(),
        url: url.redacted().into_owned(),
        final_url: page.final_url.clone(),
        status: page.status,
        content_type: page.content_type.clone(),
        body: &page.body,
        fetched_at: Utc::now(),
        meta: serde_json::Value::Null,
        attempts: 1,
    });
    Ok(to_json(&result))
}

fn extract_file(pipeline: &Pipeline, input: &str) -> Result<String, InputError> {
    let body = if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| InputError::Read(input.to_string(), e))?;
        buf
    } else {
        let file =
            std::fs::File::open(input).map_err(|e| InputError::Read(input.to_string(), e))?;
        let mut buf = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| InputError::Read(input.to_string(), e))?;
        buf
    };
    if body.len() as u64 > MAX_FILE_BYTES {
        return Err(InputError::TooLarge(input.to_string()));
    }
    let result = pipeline.process(Document {
        id: stable_id(&format!("file:{input}")),
        url: input.to_string(),
        final_url: input.to_string(),
        status: 200,
        content_type: content_type_for(input).map(str::to_string),
        body: &body,
        fetched_at: Utc::now(),
        meta: serde_json::Value::Null,
        attempts: 1,
    });
    Ok(to_json(&result))
}

/// Media type implied by a file name; `None` lets the decoder sniff.
fn content_type_for(path: &str) -> Option<&'static str> {
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)?;
    match ext.as_str() {
        "txt" | "text" => Some("text/plain"),
        "html" | "htm" | "shtml" | "xhtml" => Some("text/html"),
        _ => None,
    }
}

fn to_json(result: &crate::model::ExtractionResult) -> String {
    // Serialising plain structs of strings and numbers cannot fail; a NaN
    // value would, and is written as null rather than lost.
    serde_json::to_string(result).unwrap_or_else(|e| {
        tracing::error!(error = %e, "result not serialisable");
        String::from("{}")
    })
}

//! `fraudstat enqueue [FILE]`: publishes URLs, one a line, from a file or
//! stdin, to the input queue, with publisher confirms.
//!
//! Lines are sent as they are (trimmed): a line starting with `{` as a
//! JSON message, anything else as a bare URL. Checking them is the
//! worker's job, so a bad line ends as a failure record with its reason
//! rather than vanishing here. Blank lines and `#` comments are skipped.

use std::path::Path;

use lapin::options::ConfirmSelectOptions;
use lapin::{BasicProperties, PublisherConfirm};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

use crate::amqp::{self, AmqpError, Names};
use crate::configuration::Settings;

/// Confirms awaited at once: enough to keep the broker busy (quorum queues
/// confirm after an fsync, so one at a time would be slow), few enough to
/// bound memory.
const WINDOW: usize = 256;

/// What happened to the lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EnqueueReport {
    /// Lines confirmed by the broker.
    pub confirmed: usize,
    /// Lines the broker refused or could not route.
    pub refused: usize,
}

/// Why enqueueing stopped.
#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    /// The file or stdin could not be read.
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    /// The broker failed; lines before this may have been published.
    #[error("{error} (after {confirmed} lines were confirmed)")]
    Broker {
        /// What failed.
        error: AmqpError,
        /// Lines confirmed before it.
        confirmed: usize,
    },
}

/// Publishes every line of `file` (stdin when `None`).
pub async fn run(settings: &Settings, file: Option<&Path>) -> Result<EnqueueReport, EnqueueError> {
    match file {
        Some(path) if path != Path::new("-") => {
            let f = tokio::fs::File::open(path)
                .await
                .map_err(|e| EnqueueError::Read(path.display().to_string(), e))?;
            publish_lines(settings, f, &path.display().to_string()).await
        }
        _ => publish_lines(settings, tokio::io::stdin(), "stdin").await,
    }
}

async fn publish_lines(
    settings: &Settings,
    reader: impl AsyncRead + Unpin,
    source: &str,
) -> Result<EnqueueReport, EnqueueError> {
    let mut report = EnqueueReport::default();
    let broker = |report: &EnqueueReport| {
        let confirmed = report.confirmed;
        move |error: AmqpError| EnqueueError::Broker { error, confirmed }
    };
    let names = Names::new(settings);
    let conn = amqp::connect_once(&settings.amqp, "fraudstat enqueue")
        .await
        .map_err(broker(&report))?;
    let channel = conn
        .create_channel()
        .await
        .map_err(|e| broker(&report)(AmqpError::broker("opening a channel")(e)))?;
    amqp::topology::declare(&channel, &names)
        .await
        .map_err(broker(&report))?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(|e| broker(&report)(AmqpError::broker("enabling confirms")(e)))?;

    let mut lines = BufReader::new(reader).lines();
    let mut pending: Vec<PublisherConfirm> = Vec::with_capacity(WINDOW);
    loop {
        let line = lines
            .next_line()
            .await
            .map_err(|e| EnqueueError::Read(source.to_string(), e))?;
        let Some(line) = line else { break };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let content_type = if line.starts_with('{') {
            "application/json"
        } else {
            "text/plain"
        };
        let properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type(content_type.into());
        let confirm = amqp::publish_input(&channel, &names, line.as_bytes(), properties)
            .await
            .map_err(broker(&report))?;
        pending.push(confirm);
        if pending.len() >= WINDOW {
            settle(&mut pending, &mut report)
                .await
                .map_err(|e| broker(&report)(e))?;
        }
    }
    settle(&mut pending, &mut report)
        .await
        .map_err(|e| broker(&report)(e))?;
    let _ = conn.close(200, "done".into()).await;
    Ok(report)
}

async fn settle(
    pending: &mut Vec<PublisherConfirm>,
    report: &mut EnqueueReport,
) -> Result<(), AmqpError> {
    for confirm in pending.drain(..) {
        if amqp::confirmed(confirm).await? {
            report.confirmed += 1;
        } else {
            report.refused += 1;
        }
    }
    Ok(())
}

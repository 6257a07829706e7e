//! Publishing with confirms, on the worker's own publishing connection.
//!
//! A publish counts as done only when the broker confirmed it (`basic.ack`)
//! *and* did not return it as unroutable (`mandatory`): only then may the
//! input be acknowledged. Everything else is tried again with backoff,
//! waiting for the connection to recover in between, and in the end
//! reported so the caller hands the input back to the broker.

use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Channel, Confirmation, Connection};
use tokio::sync::Mutex;

use crate::configuration::AmqpSettings;
use crate::events;

/// A publish that the broker did not confirm. Never a reason to drop the
/// message: the input is requeued and tried again.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PublishError {
    /// No confirm within the publish timeout.
    #[error("no confirm from the broker within {0:?}")]
    Timeout(Duration),
    /// The broker refused the message (`basic.nack`: queue full or failing).
    #[error("the broker refused the message (nack)")]
    Nacked,
    /// The broker returned the message as unroutable (missing queue or binding).
    #[error("the broker returned the message as unroutable: {0}")]
    Returned(String),
    /// The channel was not in confirm mode, so nothing was promised.
    #[error("the channel lost confirm mode")]
    ConfirmsLost,
    /// The channel or connection failed.
    #[error("broker error: {0}")]
    Broker(lapin::Error),
}

/// One message to publish.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// Exchange (`""` for the default exchange, routing by queue name).
    pub exchange: &'a str,
    /// Routing key.
    pub routing_key: &'a str,
    /// Body.
    pub body: &'a [u8],
    /// Properties (persistence, headers, ids).
    pub properties: BasicProperties,
}

/// A confirm-mode channel on the publishing connection, reopened when the
/// broker closes it (a channel-level error is not covered by connection
/// recovery). Shared by every in-flight message.
pub struct Publisher {
    connection: Arc<Connection>,
    channel: Mutex<Option<Channel>>,
    timeout: Duration,
    attempts: usize,
}

impl Publisher {
    /// Wraps the publishing connection.
    pub fn new(connection: Arc<Connection>, settings: &AmqpSettings) -> Self {
        Self {
            connection,
            channel: Mutex::new(None),
            timeout: settings.publish_timeout(),
            attempts: settings.publish_attempts.max(1),
        }
    }

    /// The publishing connection (for readiness checks and closing).
    pub fn connection(&self) -> &Arc<Connection> {
        &self.connection
    }

    async fn channel(&self) -> Result<Channel, PublishError> {
        let mut slot = self.channel.lock().await;
        if let Some(ch) = slot.as_ref() {
            let status = ch.status();
            if status.connected() {
                return Ok(ch.clone());
            }
            // While the connection itself is still coming back, the channel
            // is recovered with it. Once the connection is up again, a
            // channel still "reconnecting" never finishes (seen when the
            // connection dropped between a publish and its confirm: every
            // later publish failed at once, the inputs went back and forth
            // until the delivery limit dead-lettered them); replace it.
            if status.reconnecting() && !self.connection.status().connected() {
                return Ok(ch.clone());
            }
        }
        let ch = self
            .connection
            .create_channel()
            .await
            .map_err(PublishError::Broker)?;
        ch.confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(PublishError::Broker)?;
        *slot = Some(ch.clone());
        Ok(ch)
    }

    async fn forget_channel(&self) {
        *self.channel.lock().await = None;
    }

    async fn publish_once(&self, out: &Outgoing<'_>) -> Result<(), PublishError> {
        let ch = self.channel().await?;
        let attempt = async {
            let confirm = ch
                .basic_publish(
                    out.exchange.into(),
                    out.routing_key.into(),
                    BasicPublishOptions {
                        mandatory: true,
                        ..BasicPublishOptions::default()
                    },
                    out.body,
                    out.properties.clone(),
                )
                .await?;
            confirm.await
        };
        // lapin can leave a publish waiting forever when the broker closes
        // the connection under it (lapin#409): bound it.
        match tokio::time::timeout(self.timeout, attempt).await {
            Err(_) => Err(PublishError::Timeout(self.timeout)),
            Ok(Ok(Confirmation::Ack(None))) => Ok(()),
            Ok(Ok(Confirmation::Ack(Some(returned)))) => Err(PublishError::Returned(format!(
                "{} {}",
                returned.reply_code, returned.reply_text
            ))),
            Ok(Ok(Confirmation::Nack(_))) => Err(PublishError::Nacked),
            Ok(Ok(Confirmation::NotRequested)) => {
                // Confirm mode was lost (a channel reopened under us): the
                // broker promised nothing, so the publish does not count.
                self.forget_channel().await;
                Err(PublishError::ConfirmsLost)
            }
            Ok(Err(e)) => {
                // Wait (bounded) for the connection to come back; if this
                // error cannot be recovered, the channel is dead: open a new
                // one on the next attempt.
                let recovered =
                    tokio::time::timeout(self.timeout, ch.wait_for_recovery(e.clone())).await;
                if !matches!(recovered, Ok(Ok(()))) {
                    self.forget_channel().await;
                }
                Err(PublishError::Broker(e))
            }
        }
    }

    /// Publishes and waits for the broker's confirm, retrying with
    /// exponential backoff and jitter.
    pub async fn publish(&self, out: &Outgoing<'_>) -> Result<(), PublishError> {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(5))
            .with_max_times(self.attempts.saturating_sub(1))
            .with_jitter();
        (|| self.publish_once(out))
            .retry(backoff)
            .notify(|e: &PublishError, wait: Duration| {
                events::publish_retry(out.routing_key, e, wait);
            })
            .await
    }
}

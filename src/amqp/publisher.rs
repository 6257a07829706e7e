//! Publishing with confirms, on the worker's own publishing connection.
//!
//! A publish counts as done only when the broker confirmed it (`basic.ack`)
//! *and* did not return it as unroutable (`mandatory`): only then may the
//! input be acknowledged.
//!
//! **One publish per channel at a time.** lapin 4.12 cannot be trusted to
//! match a confirm to its publish when several are outstanding on one
//! channel: it numbers a publish and queues its frames in two unlocked
//! steps (a later publish can overtake on the wire), completes a multiple
//! ack in `HashMap` order, hands a `basic.return` to whichever confirm it
//! completes next, and keeps waiting returns across a recovery
//! (docs/reliability.md, "lapin confirm recovery"). So every publish leases
//! a confirm-mode channel of its own from a pool and gives it back only
//! after a clean ack or nack; with one outstanding delivery tag per
//! channel, no confirm can settle another publish.
//!
//! **A channel that saw any error is never used again**, nor one lapin
//! recovered after a lost connection: lapin reopens it with delivery tags
//! restarting at 1, so it is closed and a fresh one opened. What was
//! pending on it fails (the caller retries or hands the input back).
//!
//! **Refusals.** A message too big for the broker (header frame over
//! `frame_max`, body over its max message size) is a permanent failure of
//! that message ([`PublishError::TooLarge`]), found before sending where
//! possible so it does not close channels or connections under other
//! messages. A full queue (`basic.nack` from `reject-publish`), a message
//! returned as unroutable, or a connection blocked by a memory or disk
//! alarm is the broker pushing back: the publish is held and retried with
//! capped backoff for as long as that lasts, and [`Backpressure`] tells the
//! consumer to stop taking deliveries meanwhile. Anything else (timeouts,
//! broken connections) is retried a bounded number of times.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::protocol::{AMQPErrorKind, AMQPHardError, AMQPSoftError};
use lapin::{BasicProperties, Channel, Confirmation, Connection, ErrorKind};
use tokio::sync::{Semaphore, watch};
use tokio_util::sync::CancellationToken;

use super::Losses;
use crate::configuration::AmqpSettings;
use crate::events;

/// Channels open for publishing at most; each carries one publish at a
/// time, so this bounds publishes in flight per process (the worker has
/// at most `worker.concurrency` anyway).
const MAX_CHANNELS: usize = 128;

/// How often a publish waiting for its confirm checks whether the
/// connection was lost meanwhile.
const LOSS_CHECK: Duration = Duration::from_millis(100);

/// Frame overhead the broker does not count as payload: type, channel,
/// size, end octet.
const FRAME_OVERHEAD: u32 = 8;

/// A publish the broker did not confirm, and whether trying again helps.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PublishError {
    /// No confirm within the publish timeout. Transient.
    #[error("no confirm from the broker within {0:?}")]
    Timeout(Duration),
    /// The broker refused the message (`basic.nack`: a queue full under
    /// `reject-publish`, or failing). Pushback: held and retried.
    #[error("the broker refused the message (nack)")]
    Nacked,
    /// The broker returned the message as unroutable (missing queue or
    /// binding). Pushback: held and retried.
    #[error("the broker returned the message as unroutable: {0}")]
    Returned(String),
    /// The channel was not in confirm mode, so nothing was promised. Transient.
    #[error("the channel lost confirm mode")]
    ConfirmsLost,
    /// The channel or connection failed. Transient.
    #[error("broker error: {0}")]
    Broker(lapin::Error),
    /// The connection was lost before the confirm came; the message may or
    /// may not have landed. Transient (a republish may duplicate it).
    #[error("the publishing connection was lost before the confirm")]
    ConnectionLost,
    /// The broker cannot take this message at all (frame or message size
    /// limit). Permanent: trying again cannot help.
    #[error("message too large for the broker: {0}")]
    TooLarge(String),
    /// The worker is shutting down while the publish was held back by the
    /// broker; nothing was confirmed.
    #[error("stopped while the broker was pushing back")]
    Stopped,
}

impl PublishError {
    /// True when publishing this same message again cannot succeed.
    pub fn is_permanent(&self) -> bool {
        matches!(self, PublishError::TooLarge(_))
    }

    /// True when the broker is pushing back (full queue, unroutable): the
    /// message is fine and will go once the broker takes it again.
    pub fn is_pushback(&self) -> bool {
        matches!(self, PublishError::Nacked | PublishError::Returned(_))
    }

    /// Stable short name for logs and metric labels.
    pub fn kind(&self) -> &'static str {
        match self {
            PublishError::Timeout(_) => "timeout",
            PublishError::Nacked => "nacked",
            PublishError::Returned(_) => "unroutable",
            PublishError::ConfirmsLost => "confirms_lost",
            PublishError::Broker(_) => "broker",
            PublishError::ConnectionLost => "connection_lost",
            PublishError::TooLarge(_) => "too_large",
            PublishError::Stopped => "stopped",
        }
    }
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

/// Whether the broker is pushing back on publishes now. The worker's
/// consume loop waits on it before taking the next delivery, so a replica
/// under pushback holds only what it already has.
#[derive(Clone)]
pub struct Backpressure(Arc<Gate>);

struct Gate {
    /// Publishes held back now.
    held: Mutex<usize>,
    /// `true` while nothing is held back.
    clear: watch::Sender<bool>,
}

impl Default for Backpressure {
    fn default() -> Self {
        Self(Arc::new(Gate {
            held: Mutex::new(0),
            clear: watch::Sender::new(true),
        }))
    }
}

impl Backpressure {
    /// True while at least one publish is held back by the broker.
    pub fn is_on(&self) -> bool {
        !*self.0.clear.borrow()
    }

    /// Completes at once when nothing is held back, otherwise as soon as
    /// every held publish went through (or gave up).
    pub async fn wait_clear(&self) {
        let mut rx = self.0.clear.subscribe();
        // The sender lives in `self`, so the wait cannot fail.
        let _ = rx.wait_for(|clear| *clear).await;
    }

    fn hold(&self, reason: &PublishError) -> Hold {
        let mut held = self.0.held.lock().unwrap_or_else(|e| e.into_inner());
        *held += 1;
        if *held == 1 {
            self.0.clear.send_replace(false);
            events::backpressure_on(reason.kind(), reason);
        }
        Hold(self.clone())
    }
}

/// One publish held back; the gate clears when the last one is dropped.
struct Hold(Backpressure);

impl Drop for Hold {
    fn drop(&mut self) {
        let gate = &self.0.0;
        let mut held = gate.held.lock().unwrap_or_else(|e| e.into_inner());
        *held = held.saturating_sub(1);
        if *held == 0 {
            gate.clear.send_replace(true);
            events::backpressure_off();
        }
    }
}

/// A confirm-mode channel lent to one publish at a time.
struct Lease {
    channel: Channel,
    /// The connection's loss count when the channel was opened: a channel
    /// from before a loss is lapin's recovered one, never reused.
    epoch: u64,
}

/// Publishes with confirms over a pool of confirm-mode channels on one
/// connection, one publish per channel at a time. Shared by every
/// in-flight message.
pub struct Publisher {
    connection: Arc<Connection>,
    losses: Losses,
    idle: Mutex<Vec<Lease>>,
    channels: Semaphore,
    timeout: Duration,
    attempts: usize,
    /// The broker's max message size once it told us (0: not known yet).
    max_body: AtomicU64,
    backpressure: Backpressure,
    stop: CancellationToken,
}

impl Publisher {
    /// Wraps the publishing connection.
    pub fn new(connection: Arc<Connection>, settings: &AmqpSettings) -> Self {
        Self {
            connection,
            losses: Losses::default(),
            idle: Mutex::new(Vec::new()),
            channels: Semaphore::new(MAX_CHANNELS),
            timeout: settings.publish_timeout(),
            attempts: settings.publish_attempts.max(1),
            max_body: AtomicU64::new(0),
            backpressure: Backpressure::default(),
            stop: CancellationToken::new(),
        }
    }

    /// Counts the connection's losses (from [`super::connect`]), so that
    /// channels lapin recovered in the background are never published on.
    pub fn with_losses(mut self, losses: Losses) -> Self {
        self.losses = losses;
        self
    }

    /// Stops waiting on broker pushback once `stop` is cancelled: a held
    /// publish then ends with [`PublishError::Stopped`].
    pub fn with_stop(mut self, stop: CancellationToken) -> Self {
        self.stop = stop;
        self
    }

    /// The pushback gate the consumer waits on.
    pub fn backpressure(&self) -> Backpressure {
        self.backpressure.clone()
    }

    /// The publishing connection (for readiness checks and closing).
    pub fn connection(&self) -> &Arc<Connection> {
        &self.connection
    }

    /// Publishes and waits for the broker's confirm. Permanent refusals
    /// return at once; pushback is held and retried with capped backoff
    /// until the broker takes the message (or the worker stops); other
    /// failures are retried `amqp.publish_attempts` times in all.
    pub async fn publish(&self, out: &Outgoing<'_>) -> Result<(), PublishError> {
        let builder = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(5))
            .with_jitter()
            .without_max_times();
        let mut transient = builder.build();
        let mut pushback = builder.build();
        let mut failures = 0;
        let mut held: Option<Hold> = None;
        loop {
            let error = match self.publish_once(out).await {
                Ok(()) => return Ok(()),
                Err(e) if e.is_permanent() || matches!(e, PublishError::Stopped) => return Err(e),
                Err(e) => e,
            };
            let wait = if error.is_pushback() {
                held.get_or_insert_with(|| self.backpressure.hold(&error));
                pushback.next()
            } else {
                failures += 1;
                if failures >= self.attempts {
                    return Err(error);
                }
                transient.next()
            }
            .unwrap_or(Duration::from_secs(5));
            events::publish_retry(out.routing_key, &error, wait);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                // Held inputs are left unacknowledged on shutdown; others
                // keep their bounded retries within the grace period.
                _ = self.stop.cancelled(), if held.is_some() => return Err(PublishError::Stopped),
            }
        }
    }

    /// One attempt: publish on a channel of its own and wait for the
    /// confirm (for as long as the connection is blocked, plus the publish
    /// timeout). No retry.
    pub async fn publish_once(&self, out: &Outgoing<'_>) -> Result<(), PublishError> {
        self.check_size(out)?;
        // Never closed, so acquiring cannot fail.
        let _permit = self
            .channels
            .acquire()
            .await
            .map_err(|_| PublishError::Stopped)?;
        let lease = match tokio::time::timeout(self.timeout, self.lease()).await {
            Ok(lease) => lease?,
            Err(_) => return Err(PublishError::Timeout(self.timeout)),
        };
        let channel = lease.channel.clone();
        let attempt = async {
            channel
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
                .await?
                .await
        };
        tokio::pin!(attempt);
        let mut held: Option<Hold> = None;
        let mut deadline = tokio::time::Instant::now() + self.timeout;
        let mut look = tokio::time::interval(LOSS_CHECK);
        let waited = loop {
            tokio::select! {
                r = &mut attempt => break r,
                // lapin can leave a publish waiting forever when the broker
                // closes the connection under it (lapin#409): bound it,
                // except while the broker blocks the connection (lapin then
                // holds the frames back; the confirm comes after the alarm).
                _ = tokio::time::sleep_until(deadline) => {
                    if self.connection.status().blocked() {
                        held.get_or_insert_with(|| {
                            self.backpressure.hold(&PublishError::Timeout(self.timeout))
                        });
                        deadline = tokio::time::Instant::now() + self.timeout;
                        continue;
                    }
                    self.retire(lease);
                    return Err(PublishError::Timeout(self.timeout));
                }
                // The connection went down under this publish: its confirm
                // can only come from lapin's recovered channel, which is
                // not trusted; fail now rather than at the timeout.
                _ = look.tick() => {
                    if self.losses.count() != lease.epoch {
                        self.retire(lease);
                        return Err(PublishError::ConnectionLost);
                    }
                }
                _ = self.stop.cancelled(), if held.is_some() => {
                    self.retire(lease);
                    return Err(PublishError::Stopped);
                }
            }
        };
        match waited {
            Ok(Confirmation::Ack(None)) => {
                self.give_back(lease);
                Ok(())
            }
            Ok(Confirmation::Ack(Some(returned))) => {
                self.give_back(lease);
                Err(PublishError::Returned(format!(
                    "{} {}",
                    returned.reply_code, returned.reply_text
                )))
            }
            Ok(Confirmation::Nack(_)) => {
                self.give_back(lease);
                Err(PublishError::Nacked)
            }
            Ok(Confirmation::NotRequested) => {
                self.retire(lease);
                Err(PublishError::ConfirmsLost)
            }
            Err(e) => {
                self.retire(lease);
                Err(self.classify(e, out))
            }
        }
    }

    /// Refuses at once what the broker would refuse by closing the channel
    /// (body) or the whole connection (header frame).
    fn check_size(&self, out: &Outgoing<'_>) -> Result<(), PublishError> {
        let frame_max = self.connection.configuration().frame_max();
        if frame_max > 0 {
            let limit = u64::from(frame_max.saturating_sub(FRAME_OVERHEAD));
            let header = header_frame_payload(&out.properties);
            if header > limit {
                return Err(PublishError::TooLarge(format!(
                    "properties and headers take {header} bytes, over the broker's frame limit of {limit}"
                )));
            }
        }
        let max = self.max_body.load(Ordering::Relaxed);
        let len = out.body.len() as u64;
        if max > 0 && len > max {
            return Err(PublishError::TooLarge(format!(
                "message size {len} is larger than the broker's max size {max}"
            )));
        }
        Ok(())
    }

    /// A refusal for size closes the channel, failing whatever was on it:
    /// it is this message's fault only if the size the broker names is its
    /// own (or above the limit). The limit is remembered to refuse the next
    /// oversized message before it costs a channel.
    fn classify(&self, error: lapin::Error, out: &Outgoing<'_>) -> PublishError {
        if let ErrorKind::ProtocolError(amqp) = error.kind() {
            let text = amqp.get_message().as_str();
            match amqp.kind() {
                AMQPErrorKind::Soft(AMQPSoftError::PRECONDITIONFAILED) => {
                    if let Some((size, max)) = size_refusal(text) {
                        self.max_body.store(max, Ordering::Relaxed);
                        let len = out.body.len() as u64;
                        if len == size || len > max {
                            return PublishError::TooLarge(text.to_string());
                        }
                    }
                }
                AMQPErrorKind::Hard(AMQPHardError::FRAMEERROR) => {
                    let limit = u64::from(
                        self.connection
                            .configuration()
                            .frame_max()
                            .saturating_sub(FRAME_OVERHEAD),
                    );
                    if limit > 0 && header_frame_payload(&out.properties) > limit {
                        return PublishError::TooLarge(text.to_string());
                    }
                }
                _ => {}
            }
        }
        PublishError::Broker(error)
    }

    /// An idle channel opened since the last connection loss, or a new one.
    async fn lease(&self) -> Result<Lease, PublishError> {
        loop {
            let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            match idle {
                Some(lease)
                    if lease.epoch == self.losses.count() && lease.channel.status().connected() =>
                {
                    return Ok(lease);
                }
                Some(stale) => self.retire(stale),
                None => break,
            }
        }
        // While lapin reconnects, opening a channel fails: wait (the caller
        // bounds it) rather than burn attempts.
        loop {
            let status = self.connection.status();
            if status.connected() {
                break;
            }
            if status.closed() || status.errored() {
                let state = if status.closed() {
                    lapin::ConnectionState::Closed
                } else {
                    lapin::ConnectionState::Error
                };
                return Err(PublishError::Broker(
                    ErrorKind::InvalidConnectionState(state).into(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let epoch = self.losses.count();
        let channel = self
            .connection
            .create_channel()
            .await
            .map_err(PublishError::Broker)?;
        if let Err(e) = channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
        {
            self.retire(Lease { channel, epoch });
            return Err(PublishError::Broker(e));
        }
        Ok(Lease { channel, epoch })
    }

    fn give_back(&self, lease: Lease) {
        if lease.epoch != self.losses.count() {
            self.retire(lease);
            return;
        }
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(lease);
    }

    /// Drops a channel for good. Closing it tells the broker; one lapin is
    /// still recovering is closed once it is back, so it does not linger
    /// on the broker unused.
    fn retire(&self, lease: Lease) {
        let channel = lease.channel;
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
            while channel.status().reconnecting() && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            if channel.status().connected() {
                let closing = channel.close(200, "publisher retired this channel".into());
                let _ = tokio::time::timeout(Duration::from_secs(5), closing).await;
            }
        });
    }
}

/// Payload bytes of the content header frame for these properties: class,
/// weight and body size (12 bytes), then the encoded properties.
fn header_frame_payload(properties: &BasicProperties) -> u64 {
    let encoded = lapin::protocol::basic::gen_properties(properties)(Vec::new().into())
        .map(|written| written.position)
        // Encoding into memory cannot fail; if it did, let the broker judge.
        .unwrap_or(0);
    12 + encoded
}

/// `(size, max)` from the broker's refusal of an oversized message:
/// `PRECONDITION_FAILED - message size 209 is larger than configured max
/// size 100` (RabbitMQ 3.8+; "max size" without "configured" at the
/// default).
fn size_refusal(text: &str) -> Option<(u64, u64)> {
    let rest = text.split_once("message size ")?.1;
    let (size, rest) = rest.split_once(' ')?;
    let max = rest
        .split_once("max size ")?
        .1
        .split(|c: char| !c.is_ascii_digit())
        .next()?;
    Some((size.parse().ok()?, max.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapin::types::{AMQPValue, FieldTable, LongString};

    #[test]
    fn size_refusals_are_read() {
        assert_eq!(
            size_refusal(
                "PRECONDITION_FAILED - message size 209 is larger than configured max size 100"
            ),
            Some((209, 100))
        );
        assert_eq!(
            size_refusal("PRECONDITION_FAILED - message size 5 is larger than max size 4"),
            Some((5, 4))
        );
        assert_eq!(size_refusal("PRECONDITION_FAILED - inequivalent arg"), None);
    }

    #[test]
    fn header_frames_are_measured() {
        let small = header_frame_payload(&BasicProperties::default());
        assert_eq!(small, 14, "12 bytes of header and an empty property mask");
        let mut h = FieldTable::default();
        h.insert(
            "x-junk".into(),
            AMQPValue::LongString(LongString::from("x".repeat(200_000))),
        );
        let big = header_frame_payload(&BasicProperties::default().with_headers(h));
        assert!(big > 200_000 && big < 200_100, "{big}");
    }

    #[test]
    fn only_size_refusals_are_permanent() {
        assert!(PublishError::TooLarge("x".into()).is_permanent());
        assert!(!PublishError::Nacked.is_permanent());
        assert!(PublishError::Nacked.is_pushback());
        assert!(PublishError::Returned("312 NO_ROUTE".into()).is_pushback());
        assert!(!PublishError::Timeout(Duration::from_secs(1)).is_pushback());
    }
}

//! RabbitMQ: connections, the queues and exchanges the worker needs, and
//! publishing with confirms.
//!
//! Two connections per process, one to consume and acknowledge and one to
//! publish, because RabbitMQ blocks publishing connections under memory or
//! disk alarms: a blocked publisher must not stall the consumer's heartbeats
//! and acknowledgements. Both recover on their own (lapin's auto-recovery)
//! after a broker restart or a dropped connection.

pub mod headers;
pub mod publisher;
pub mod topology;

use std::time::Duration;

use lapin::options::BasicPublishOptions;
use lapin::uri::AMQPUri;
use lapin::{
    BasicProperties, Channel, Confirmation, Connection, ConnectionProperties, PublisherConfirm,
};

use crate::configuration::AmqpSettings;

pub use publisher::{Backpressure, PublishError, Publisher};
pub use topology::Names;

/// The broker could not be reached or refused an operation; the worker
/// cannot run without it, so these stop start-up (the orchestrator
/// restarts the process).
#[derive(Debug, thiserror::Error)]
pub enum AmqpError {
    /// The URL in the settings is not an AMQP URL.
    #[error("invalid amqp.url: {0}")]
    Url(String),
    /// Connecting, opening a channel or declaring topology failed.
    #[error("broker: {context}: {source}{}", connect_hint(context, source))]
    Broker {
        /// What was being done.
        context: &'static str,
        /// lapin's error.
        source: lapin::Error,
    },
    /// The broker cancelled the consumer (its queue was deleted) and the
    /// worker is not shutting down.
    #[error("the broker cancelled the consumer of {0} (queue deleted?)")]
    ConsumerCancelled(String),
    /// A lost connection did not recover within `amqp.recovery_timeout_secs`.
    /// Worth a retry by a fresh process (the orchestrator's restart), not
    /// by waiting longer in this one.
    #[error("broker connection {connection:?} not recovered within {secs} s")]
    RecoveryStalled {
        /// The connection's name.
        connection: String,
        /// The timeout that passed.
        secs: u64,
    },
}

/// What to do about a failed connect, for the person reading the error.
fn connect_hint(context: &str, source: &lapin::Error) -> &'static str {
    if context != "connecting" {
        return "";
    }
    let text = source.to_string();
    if text.contains("ACCESS_REFUSED") || text.contains("ACCESS-REFUSED") {
        " (the broker refused the user name or password of amqp.url: set the right ones with --amqp-url or FRAUDSTAT_AMQP__URL)"
    } else if text.contains("NOT_ALLOWED") || text.contains("vhost") {
        " (the user may not use that virtual host: check the path of amqp.url, `%2f` for the default one)"
    } else {
        " (is RabbitMQ running there? point --amqp-url or FRAUDSTAT_AMQP__URL at it; `fraudstat settings` shows the URL in use)"
    }
}

impl AmqpError {
    /// Wraps a lapin error with what was being done.
    pub fn broker(context: &'static str) -> impl FnOnce(lapin::Error) -> Self {
        move |source| Self::Broker { context, source }
    }
}

/// The broker URI of the settings, with `amqp.heartbeat_secs` unless the
/// URL asks for its own heartbeat.
fn uri(settings: &AmqpSettings) -> Result<AMQPUri, AmqpError> {
    let mut uri: AMQPUri = settings
        .url
        .parse()
        .map_err(|e: String| AmqpError::Url(e))?;
    if uri.query.heartbeat.is_none() {
        uri.query.heartbeat = Some(settings.heartbeat_secs);
    }
    Ok(uri)
}

/// Opens a connection without recovery, for the short-lived commands
/// (`enqueue`, `replay-failures`): a lost connection ends the command with
/// a report of what was confirmed, and the operator runs it again.
pub async fn connect_once(settings: &AmqpSettings, name: &str) -> Result<Connection, AmqpError> {
    Connection::connect_uri(
        uri(settings)?,
        ConnectionProperties::default().with_connection_name(name.into()),
    )
    .await
    .map_err(AmqpError::broker("connecting"))
}

/// Publishes `body` straight to the input queue, `mandatory` so that a
/// missing queue comes back as a refusal rather than vanishing; the
/// commands that feed the input (`enqueue`, `replay-failures`) await the
/// confirm with [`confirmed`].
pub async fn publish_input(
    channel: &Channel,
    names: &Names,
    body: &[u8],
    properties: BasicProperties,
) -> Result<PublisherConfirm, AmqpError> {
    channel
        .basic_publish(
            "".into(),
            names.urls.as_str().into(),
            BasicPublishOptions {
                mandatory: true,
                ..BasicPublishOptions::default()
            },
            body,
            properties,
        )
        .await
        .map_err(AmqpError::broker("publishing"))
}

/// Waits for a publish's confirm: `true` when the broker took the message
/// (acknowledged and routed), `false` when it refused or returned it.
pub async fn confirmed(confirm: PublisherConfirm) -> Result<bool, AmqpError> {
    let confirmation = confirm
        .await
        .map_err(AmqpError::broker("waiting for a confirm"))?;
    Ok(matches!(confirmation, Confirmation::Ack(None)))
}

/// Opens a connection with recovery on, named so that operators can tell
/// the worker's connections apart in the management UI. `stalled` is
/// cancelled (and the error it should end with sent) when the connection,
/// once lost, stays down longer than `amqp.recovery_timeout_secs`. The
/// [`Losses`] returned count its losses and recoveries, for the
/// [`Publisher`].
pub async fn connect(
    settings: &AmqpSettings,
    name: &str,
    stalled: &Stalled,
) -> Result<(Connection, Losses), AmqpError> {
    let uri = uri(settings)?;
    // Reconnect with jitter, so that many replicas that lost the broker
    // together do not return in lock-step, and for long enough (about 20
    // minutes) to ride out a broker restart or upgrade.
    let reconnect = backon::ExponentialBuilder::default()
        .with_min_delay(std::time::Duration::from_secs(1))
        .with_max_delay(std::time::Duration::from_secs(30))
        .with_jitter()
        .with_max_times(40);
    wait_for_broker(&uri, name, reconnect).await?;
    let properties = ConnectionProperties::default()
        .with_connection_name(name.into())
        .with_backoff(reconnect)
        .enable_auto_recover();
    let connection = Connection::connect_uri(uri, properties)
        .await
        .map_err(AmqpError::broker("connecting"))?;
    crate::events::connected(name);
    let losses = Losses::default();
    watch_events(
        &connection,
        name,
        settings.recovery_timeout(),
        stalled.clone(),
        losses.clone(),
    );
    Ok((connection, losses))
}

/// Waits until `channel` is usable again after `error` ended its consumer
/// stream, for at most `give_up`.
///
/// lapin's own `wait_for_recovery` waits on a one-shot notice tied to the
/// recovery attempt that was under way when the error happened. After a
/// broker `stop_app`/`start_app` that attempt can be superseded by a later
/// one, its notice is then never given, and a worker waiting on it sat
/// idle for good while the broker had already handed its recovered
/// consumer a full prefetch of messages (they stayed unacknowledged until
/// the process ended). So the notice is one way out and the channel's own
/// state, looked at every half second, is the other; past `give_up` the
/// channel counts as lost, as a stalled connection does.
pub async fn await_channel_recovery(
    channel: &Channel,
    error: lapin::Error,
    give_up: Duration,
) -> Result<(), AmqpError> {
    let deadline = tokio::time::Instant::now() + give_up;
    let mut notice = std::pin::pin!(channel.wait_for_recovery(error));
    let mut look = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            r = &mut notice => {
                return r.map_err(AmqpError::broker("recovering the consumer"));
            }
            _ = look.tick() => {
                if channel.status().connected() {
                    return Ok(());
                }
                if tokio::time::Instant::now() >= deadline {
                    let connection = format!("consume channel {}", channel.id());
                    crate::events::recovery_stalled(&connection, give_up);
                    return Err(AmqpError::RecoveryStalled {
                        connection,
                        secs: give_up.as_secs(),
                    });
                }
            }
        }
    }
}

/// Tries plain connections, with the reconnect backoff in between, until
/// the broker takes one. lapin's own retries of a first connect are
/// silent for their whole 20 minutes, and a signal arriving during them
/// found its I/O thread still running when the runtime shut down; here
/// each failure is said (with what to check) and a signal just drops the
/// wait.
async fn wait_for_broker(
    uri: &AMQPUri,
    name: &str,
    backoff: backon::ExponentialBuilder,
) -> Result<(), AmqpError> {
    use backon::BackoffBuilder;
    let mut delays = backoff.build();
    loop {
        let probe = ConnectionProperties::default().with_connection_name(name.into());
        match Connection::connect_uri(uri.clone(), probe).await {
            Ok(c) => {
                let _ = c.close(200, "connection check".into()).await;
                return Ok(());
            }
            Err(e) => {
                let error = AmqpError::broker("connecting")(e);
                let Some(wait) = delays.next() else {
                    return Err(error);
                };
                crate::events::broker_unreachable(name, &error, wait);
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// How often a connection was lost or recovered. The publisher compares
/// it with the count its channels were opened at: lapin recovers channels
/// in the background, and a recovered channel restarts its delivery tags
/// at 1, so one from before a loss is not published on again.
#[derive(Clone, Default, Debug)]
pub struct Losses(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl Losses {
    /// Losses and recoveries so far.
    pub fn count(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn bump(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Raised by a connection's watcher when its recovery stalls; the worker
/// stops on it with [`AmqpError::RecoveryStalled`].
#[derive(Clone, Default)]
pub struct Stalled {
    token: tokio_util::sync::CancellationToken,
    which: std::sync::Arc<std::sync::Mutex<Option<(String, u64)>>>,
}

impl Stalled {
    /// Completes once a connection's recovery has stalled.
    pub async fn wait(&self) -> AmqpError {
        self.token.cancelled().await;
        let (connection, secs) = self
            .which
            .lock()
            .map(|w| w.clone())
            .unwrap_or_default()
            .unwrap_or_default();
        AmqpError::RecoveryStalled { connection, secs }
    }

    /// True once a connection's recovery has stalled.
    pub fn is_stalled(&self) -> bool {
        self.token.is_cancelled()
    }

    fn raise(&self, connection: &str, secs: u64) {
        if let Ok(mut w) = self.which.lock() {
            w.get_or_insert_with(|| (connection.to_string(), secs));
        }
        self.token.cancel();
    }
}

/// Logs (and counts) what happens to a connection after it is up: losses,
/// recoveries, broker flow control. lapin recovers channels and consumers
/// on its own, so this is where an operator sees that it did.
fn watch_events(
    connection: &Connection,
    name: &str,
    give_up: Duration,
    stalled: Stalled,
    losses: Losses,
) {
    use futures_util::StreamExt;
    let mut events = Box::pin(connection.events_listener());
    let status = connection.status().clone();
    let name = name.to_string();
    let started = std::time::Instant::now();
    tokio::spawn(async move {
        // lapin reports no event when the broker closes the connection, so
        // a loss is noticed by looking; a recovery is its `Connected` event.
        let mut look = tokio::time::interval(std::time::Duration::from_millis(250));
        let mut lost = false;
        let mut lost_since = std::time::Instant::now();
        loop {
            tokio::select! {
                event = events.next() => match event {
                    None => break,
                    // The first connect's own event can arrive after
                    // `connect` returned; it is not a recovery.
                    Some(lapin::Event::Connected) => {
                        if lost || started.elapsed() > std::time::Duration::from_secs(2) {
                            lost = false;
                            losses.bump();
                            crate::events::connection_recovered(&name);
                        }
                    }
                    // A channel-level (soft) error closes one channel, not
                    // the connection: the publisher retires that channel
                    // itself, and the others stay good.
                    Some(lapin::Event::Error(e)) if e.is_amqp_soft_error() => {
                        crate::events::channel_closed(&name, &e);
                    }
                    Some(lapin::Event::Error(e)) => {
                        if !lost {
                            lost = true;
                            losses.bump();
                            lost_since = std::time::Instant::now();
                            crate::events::connection_lost(&name, &e);
                        }
                    }
                    Some(lapin::Event::ConnectionBlocked(reason)) => {
                        crate::events::connection_blocked(&name, &reason)
                    }
                    Some(lapin::Event::ConnectionUnblocked) => {
                        crate::events::connection_unblocked(&name)
                    }
                    Some(_) => {}
                },
                _ = look.tick() => {
                    if status.closed() || status.closing() {
                        // Closed on purpose (shutdown): nothing to watch.
                        break;
                    }
                    if !lost && !status.connected() && !status.connecting() {
                        lost = true;
                        losses.bump();
                        lost_since = std::time::Instant::now();
                        crate::events::connection_lost(&name, &"connection down");
                    }
                    // lapin may keep "reconnecting" for ever (seen after a
                    // broker stop_app/start_app): past the bound, a fresh
                    // process does better than more waiting.
                    if lost && lost_since.elapsed() > give_up {
                        crate::events::recovery_stalled(&name, give_up);
                        stalled.raise(&name, give_up.as_secs());
                        break;
                    }
                }
            }
        }
    });
}

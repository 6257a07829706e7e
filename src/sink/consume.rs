//! The sink's side of the broker: its own queue bound to the results
//! exchange, batches bounded by size and wait, acknowledgement after the
//! commit, and a failure queue for results it cannot store.
//!
//! ```text
//!  worker ──► {p}.results exchange ──► {p}.results   (other consumers)
//!                                  └─► {p}.sink ──► sink ──► PostgreSQL
//!                                         │          │ cannot store (reason in headers)
//!                                         └──────────┴──► {p}.sink.failed
//!                                  (delivery limit)
//! ```

use std::time::Instant;

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{BasicProperties, Channel, Connection};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::SinkError;
use super::store::{self, Prepared, StoreError, Stored, Unstorable};
use crate::amqp::{AmqpError, Names};
use crate::configuration::Settings;
use crate::events;
use crate::status_server::Readiness;

/// Header of a failure-queue message: why the sink could not store it.
pub const ERROR_HEADER: &str = "x-fraudstat-sink-error";
/// Header of a failure-queue message: `malformed`, `invalid` or `refused`.
pub const ERROR_KIND_HEADER: &str = "x-fraudstat-sink-error-kind";
/// Longest reason kept in [`ERROR_HEADER`], in bytes.
const MAX_REASON_BYTES: usize = 1024;

/// The sink's queues, named from the prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkNames {
    /// The results exchange the sink's queue is bound to, `{prefix}.results`.
    pub results_exchange: String,
    /// The sink's own queue, `{prefix}.sink`.
    pub queue: String,
    /// Results it cannot store, `{prefix}.sink.failed`.
    pub failed: String,
    /// Deliveries of one result (crashes included) before the broker
    /// moves it to the failure queue.
    pub delivery_limit: u32,
}

impl SinkNames {
    /// Names for the settings' prefix.
    pub fn new(settings: &Settings) -> Self {
        let names = Names::new(settings);
        let p = &settings.queues.prefix;
        Self {
            results_exchange: names.results_exchange,
            queue: format!("{p}.sink"),
            failed: format!("{p}.sink.failed"),
            delivery_limit: settings.queues.delivery_limit,
        }
    }
}

fn long_string(s: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(s))
}

fn durable() -> QueueDeclareOptions {
    QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    }
}

/// Declares the results exchange (as the worker does, so either may
/// start first), the failure queue and the sink's queue bound to the
/// exchange. Both are quorum queues; the sink's has a delivery limit and
/// dead-letters to the failure queue, so a result that keeps killing the
/// sink cannot loop for ever.
pub async fn declare(channel: &Channel, names: &SinkNames) -> Result<(), AmqpError> {
    let mut quorum = FieldTable::default();
    quorum.insert("x-queue-type".into(), long_string("quorum"));
    channel
        .queue_declare(names.failed.as_str().into(), durable(), quorum.clone())
        .await
        .map_err(AmqpError::broker("declaring the sink's failure queue"))?;
    let mut args = quorum;
    args.insert(
        "x-delivery-limit".into(),
        AMQPValue::LongLongInt(i64::from(names.delivery_limit)),
    );
    args.insert("x-dead-letter-exchange".into(), long_string(""));
    args.insert(
        "x-dead-letter-routing-key".into(),
        long_string(&names.failed),
    );
    args.insert(
        "x-dead-letter-strategy".into(),
        long_string("at-least-once"),
    );
    args.insert("x-overflow".into(), long_string("reject-publish"));
    channel
        .queue_declare(names.queue.as_str().into(), durable(), args)
        .await
        .map_err(AmqpError::broker("declaring the sink's queue"))?;
    crate::amqp::topology::bind_to_results(
        channel,
        &names.results_exchange,
        &names.queue,
        "binding the sink's queue",
    )
    .await
}

/// Connects to the broker, trying again with backoff while it is not
/// there (a sink started before its broker waits for it), until `stop`.
async fn connect(
    settings: &Settings,
    stop: &CancellationToken,
) -> Result<Option<Connection>, AmqpError> {
    use backon::BackoffBuilder;
    let mut delays = backon::ExponentialBuilder::default()
        .with_min_delay(std::time::Duration::from_secs(1))
        .with_max_delay(std::time::Duration::from_secs(30))
        .with_jitter()
        .with_max_times(40)
        .build();
    let name = "fraudstat sink";
    loop {
        let attempt = crate::amqp::connect_once(&settings.amqp, name);
        let result = tokio::select! {
            _ = stop.cancelled() => return Ok(None),
            r = attempt => r,
        };
        match result {
            Ok(c) => {
                events::connected(name);
                return Ok(Some(c));
            }
            Err(e) => {
                let Some(wait) = delays.next() else {
                    return Err(e);
                };
                events::broker_unreachable(name, &e, wait);
                tokio::select! {
                    _ = stop.cancelled() => return Ok(None),
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        }
    }
}

/// Consumes until `stop`, storing batches; returns once the batch in hand
/// is committed and acknowledged (or, if the database is down, left
/// unacknowledged for the broker to redeliver).
pub async fn run(
    settings: &Settings,
    pool: &PgPool,
    readiness: &Readiness,
    stop: CancellationToken,
) -> Result<(), SinkError> {
    let names = SinkNames::new(settings);
    let Some(connection) = connect(settings, &stop).await? else {
        tracing::info!("stopped before consuming anything");
        return Ok(());
    };
    let connection = std::sync::Arc::new(connection);
    readiness.watch(connection.clone());
    let channel = connection
        .create_channel()
        .await
        .map_err(AmqpError::broker("opening the consume channel"))?;
    declare(&channel, &names).await?;
    let publish = connection
        .create_channel()
        .await
        .map_err(AmqpError::broker("opening the publish channel"))?;
    publish
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(AmqpError::broker("turning on publisher confirms"))?;
    let batch_size = usize::from(settings.sink.batch_size);
    // Twice the batch: the next batch is on its way while one is written.
    let prefetch = settings.sink.batch_size.saturating_mul(2);
    channel
        .basic_qos(prefetch, BasicQosOptions::default())
        .await
        .map_err(AmqpError::broker("setting the prefetch"))?;
    let mut consumer = channel
        .basic_consume(
            names.queue.as_str().into(),
            format!("fraudstat-sink-{}", std::process::id())
                .as_str()
                .into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(AmqpError::broker("consuming the sink's queue"))?;
    readiness.set_consuming(true);
    tracing::info!(queue = %names.queue, batch_size, "sink consuming");
    let sink = Sink {
        settings,
        pool,
        names: &names,
        channel: &channel,
        publish: &publish,
        stop: &stop,
    };
    let outcome = loop {
        let first = tokio::select! {
            biased;
            _ = stop.cancelled() => break Ok(()),
            d = consumer.next() => d,
        };
        let mut batch = match first {
            Some(Ok(d)) => vec![d],
            Some(Err(e)) => break Err(AmqpError::broker("consuming")(e).into()),
            None => break Err(SinkError::ConsumerEnded(names.queue.clone())),
        };
        let deadline = tokio::time::sleep(settings.sink.batch_wait());
        tokio::pin!(deadline);
        let mut ended = None;
        while batch.len() < batch_size {
            tokio::select! {
                _ = &mut deadline => break,
                d = consumer.next() => match d {
                    Some(Ok(d)) => batch.push(d),
                    Some(Err(e)) => {
                        ended = Some(AmqpError::broker("consuming")(e).into());
                        break;
                    }
                    None => {
                        ended = Some(SinkError::ConsumerEnded(names.queue.clone()));
                        break;
                    }
                },
            }
        }
        if let Err(e) = sink.handle(batch).await {
            break Err(e);
        }
        if let Some(e) = ended {
            break Err(e);
        }
    };
    readiness.set_consuming(false);
    let _ = channel.close(200, "sink stopping".into()).await;
    let _ = publish.close(200, "sink stopping".into()).await;
    let _ = connection.close(200, "sink stopping".into()).await;
    outcome
}

struct Sink<'a> {
    settings: &'a Settings,
    pool: &'a PgPool,
    names: &'a SinkNames,
    channel: &'a Channel,
    publish: &'a Channel,
    stop: &'a CancellationToken,
}

/// A result the sink gives up on, and why.
struct Failed {
    delivery: usize,
    id: Option<String>,
    why: Unstorable,
}

impl Sink<'_> {
    /// Stores one batch, sends what cannot be stored to the failure queue,
    /// then acknowledges the whole batch. Nothing is acknowledged unless
    /// stored or in the failure queue.
    async fn handle(&self, batch: Vec<Delivery>) -> Result<(), SinkError> {
        let span = tracing::info_span!(
            "sink.batch",
            results = batch.len(),
            stored = tracing::field::Empty,
            stale = tracing::field::Empty,
            failed = tracing::field::Empty,
        );
        self.handle_in(batch).instrument(span).await
    }

    async fn handle_in(&self, batch: Vec<Delivery>) -> Result<(), SinkError> {
        let started = Instant::now();
        let mut failed = Vec::new();
        let mut good: Vec<(usize, Prepared)> = Vec::new();
        for (i, d) in batch.iter().enumerate() {
            match store::parse(&d.data) {
                Ok(p) => good.push((i, p)),
                Err(why) => failed.push(Failed {
                    delivery: i,
                    id: message_id(d),
                    why,
                }),
            }
        }
        let prepared: Vec<Prepared> = good.iter().map(|(_, p)| p.clone()).collect();
        let mut total = Stored::default();
        match self.store_retrying(&prepared).await? {
            Attempt::Abandoned => return Ok(()),
            Attempt::Stored(s) => total = s,
            Attempt::Rejected(_) => {
                // One result spoils the batch: store them one by one to
                // find it, the others stored as usual.
                for (i, p) in good {
                    match self.store_retrying(std::slice::from_ref(&p)).await? {
                        Attempt::Abandoned => return Ok(()),
                        Attempt::Stored(s) => {
                            total.written += s.written;
                            total.stale += s.stale;
                            total.statistics += s.statistics;
                        }
                        Attempt::Rejected(e) => failed.push(Failed {
                            delivery: i,
                            id: Some(p.id().to_string()),
                            why: Unstorable::Refused(database_reason(&e)),
                        }),
                    }
                }
            }
        }
        if total.written + total.stale > 0 {
            events::sink_batch_stored(
                total.written,
                total.stale,
                total.statistics,
                started.elapsed(),
            );
        }
        for f in &failed {
            self.send_to_failed(&batch[f.delivery], &f.why).await?;
            events::sink_result_failed(f.id.as_deref(), f.why.kind(), &f.why);
        }
        let span = tracing::Span::current();
        span.record("stored", total.written);
        span.record("stale", total.stale);
        span.record("failed", failed.len());
        // Deliveries come in order on one channel and every earlier one
        // is done, so one acknowledgement covers the batch.
        if let Some(last) = batch.last() {
            self.channel
                .basic_ack(last.delivery_tag, BasicAckOptions { multiple: true })
                .await
                .map_err(AmqpError::broker("acknowledging a batch"))?;
        }
        Ok(())
    }

    /// Stores a batch, trying again with backoff while the database's
    /// errors are transient; gives up with [`SinkError::GaveUp`] after
    /// `sink.retry_attempts`, or abandons the batch (unacknowledged) on
    /// shutdown.
    async fn store_retrying(&self, batch: &[Prepared]) -> Result<Attempt, SinkError> {
        use backon::BackoffBuilder;
        if batch.is_empty() {
            return Ok(Attempt::Stored(Stored::default()));
        }
        let mut delays = self.settings.sink.backoff().build();
        let mut tries = 1usize;
        loop {
            match store::store(self.pool, batch).await {
                Ok(s) => return Ok(Attempt::Stored(s)),
                Err(StoreError::Rejected(e)) => return Ok(Attempt::Rejected(e)),
                Err(e) => {
                    let Some(wait) = delays.next() else {
                        return Err(SinkError::GaveUp { tries, source: e });
                    };
                    events::sink_database_retry(&e, wait, batch.len());
                    tokio::select! {
                        _ = self.stop.cancelled() => {
                            tracing::info!(results = batch.len(), "shutting down with the database unavailable; the batch stays unacknowledged");
                            return Ok(Attempt::Abandoned);
                        }
                        _ = tokio::time::sleep(wait) => {}
                    }
                    tries += 1;
                }
            }
        }
    }

    /// Publishes the message as it came, with the reason in headers, to
    /// the failure queue, and waits for the broker's confirm.
    async fn send_to_failed(&self, d: &Delivery, why: &Unstorable) -> Result<(), SinkError> {
        let mut headers = d.properties.headers().clone().unwrap_or_default();
        let mut reason = why.to_string();
        if reason.len() > MAX_REASON_BYTES {
            let mut cut = MAX_REASON_BYTES;
            while !reason.is_char_boundary(cut) {
                cut -= 1;
            }
            reason.truncate(cut);
        }
        headers.insert(ERROR_HEADER.into(), long_string(&reason));
        headers.insert(ERROR_KIND_HEADER.into(), long_string(why.kind()));
        let mut properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_headers(headers);
        if let Some(t) = d.properties.content_type() {
            properties = properties.with_content_type(t.clone());
        }
        if let Some(id) = d.properties.message_id() {
            properties = properties.with_message_id(id.clone());
        }
        let confirm = self
            .publish
            .basic_publish(
                "".into(),
                self.names.failed.as_str().into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                &d.data,
                properties,
            )
            .await
            .map_err(AmqpError::broker("publishing to the sink's failure queue"))?;
        if crate::amqp::confirmed(confirm).await? {
            Ok(())
        } else {
            Err(SinkError::FailureRefused(self.names.failed.clone()))
        }
    }
}

enum Attempt {
    Stored(Stored),
    Rejected(sqlx::Error),
    Abandoned,
}

/// The database's words for a refusal, with its SQLSTATE.
fn database_reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("{} (SQLSTATE {code})", db.message()),
            None => db.message().to_string(),
        },
        other => other.to_string(),
    }
}

fn message_id(d: &Delivery) -> Option<String> {
    d.properties.message_id().as_ref().map(|s| s.to_string())
}

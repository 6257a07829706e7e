//! The queues and exchanges, all named from one prefix and declared
//! idempotently by every worker (and by `fraudstat enqueue`), so that
//! whoever starts first sets them up and nobody depends on start order.
//!
//! ```text
//!  crawler ──► {p}.urls (quorum, delivery limit) ──► worker ──► {p}.results exchange ──► {p}.results
//!                 ▲   │ delivery limit reached               │
//!                 │   └────────────► {p}.failed ◄────────────┤ permanent error / budget spent
//!                 │                                          │ transient error
//!                 └──── TTL expired ── {p}.retry.<delay> ◄───┘
//! ```
//!
//! Every queue is a quorum queue: durable, replicated when the cluster
//! has nodes to replicate to, and the only kind that counts deliveries
//! (`x-delivery-count`) and enforces a delivery limit. Dead-lettering is
//! at-least-once (RabbitMQ 3.10+), so a message moving from a retry queue
//! back to the input, or from the input to the failure queue, cannot be
//! lost on the way; that mode requires `x-overflow: reject-publish`.

use lapin::options::{
    ExchangeDeclareOptions, ExchangeDeleteOptions, QueueBindOptions, QueueDeclareOptions,
    QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{Channel, ExchangeKind};

use super::AmqpError;
use crate::configuration::Settings;

/// Routing key of published results (the interface contract's).
pub const RESULT_ROUTING_KEY: &str = "article.extracted";

/// A retry queue and how long messages wait in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryQueue {
    /// Delay in milliseconds.
    pub delay_ms: u64,
    /// Queue name, `{prefix}.retry.<delay>`.
    pub name: String,
}

/// Every queue and exchange name, derived from the prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// Input queue, `{prefix}.urls`.
    pub urls: String,
    /// Results exchange, `{prefix}.results`.
    pub results_exchange: String,
    /// Results queue bound to it by default, `{prefix}.results`.
    pub results_queue: String,
    /// Failure queue, `{prefix}.failed`.
    pub failed: String,
    /// Retry queues, shortest delay first.
    pub retry: Vec<RetryQueue>,
    /// Broker-enforced limit on deliveries of one input message.
    pub delivery_limit: u32,
}

impl Names {
    /// Names for the settings' prefix and retry delays.
    pub fn new(settings: &Settings) -> Self {
        let p = &settings.queues.prefix;
        Self {
            urls: format!("{p}.urls"),
            results_exchange: format!("{p}.results"),
            results_queue: format!("{p}.results"),
            failed: format!("{p}.failed"),
            retry: settings
                .retry
                .delays_ms
                .iter()
                .map(|&delay_ms| RetryQueue {
                    delay_ms,
                    name: format!("{p}.retry.{}", delay_label(delay_ms)),
                })
                .collect(),
            delivery_limit: settings.queues.delivery_limit,
        }
    }

    /// Every queue name, for deletion and inspection.
    pub fn all_queues(&self) -> Vec<String> {
        let mut q = vec![
            self.urls.clone(),
            self.results_queue.clone(),
            self.failed.clone(),
        ];
        q.extend(self.retry.iter().map(|r| r.name.clone()));
        q
    }
}

/// `5000` → `5s`, `90000` → `90s`, `1500` → `1500ms`: readable in the
/// management UI and unambiguous.
fn delay_label(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

fn long_string(s: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(s))
}

fn quorum_args() -> FieldTable {
    let mut args = FieldTable::default();
    args.insert("x-queue-type".into(), long_string("quorum"));
    args
}

/// Dead-letter to a queue through the default exchange, at least once.
fn dead_letter_to(args: &mut FieldTable, queue: &str) {
    args.insert("x-dead-letter-exchange".into(), long_string(""));
    args.insert("x-dead-letter-routing-key".into(), long_string(queue));
    args.insert(
        "x-dead-letter-strategy".into(),
        long_string("at-least-once"),
    );
    args.insert("x-overflow".into(), long_string("reject-publish"));
}

/// Arguments of the input queue (also used by tests to check them).
pub fn input_queue_args(names: &Names) -> FieldTable {
    let mut args = quorum_args();
    args.insert(
        "x-delivery-limit".into(),
        AMQPValue::LongLongInt(i64::from(names.delivery_limit)),
    );
    dead_letter_to(&mut args, &names.failed);
    args
}

/// Arguments of a retry queue.
pub fn retry_queue_args(names: &Names, retry: &RetryQueue) -> FieldTable {
    let mut args = quorum_args();
    // Validated to at most a day, so it fits the broker's 32-bit field.
    args.insert(
        "x-message-ttl".into(),
        AMQPValue::LongLongInt(i64::try_from(retry.delay_ms).unwrap_or(i64::MAX)),
    );
    dead_letter_to(&mut args, &names.urls);
    args
}

fn durable() -> QueueDeclareOptions {
    QueueDeclareOptions {
        durable: true,
        ..QueueDeclareOptions::default()
    }
}

/// Every queue with the arguments it is declared with, in declaration
/// order (the failure queue first, so the input's dead-letter target
/// exists). The broker definitions in `deploy/` are checked against this
/// list, so they cannot drift from what the worker declares.
pub fn declared_queues(names: &Names) -> Vec<(String, FieldTable)> {
    let mut queues = vec![
        (names.failed.clone(), quorum_args()),
        (names.urls.clone(), input_queue_args(names)),
    ];
    for retry in &names.retry {
        queues.push((retry.name.clone(), retry_queue_args(names, retry)));
    }
    queues.push((names.results_queue.clone(), quorum_args()));
    queues
}

/// Declares every queue, the results exchange and its binding. Safe to
/// run any number of times with the same settings; with different queue
/// arguments (another delivery limit, say) the broker refuses with
/// `PRECONDITION_FAILED`, which is reported naming the queue.
pub async fn declare(channel: &Channel, names: &Names) -> Result<(), AmqpError> {
    for (queue, args) in declared_queues(names) {
        // The broker's refusal names the queue and the argument at odds.
        channel
            .queue_declare(queue.as_str().into(), durable(), args)
            .await
            .map_err(AmqpError::broker("declaring a queue"))?;
    }
    bind_to_results(
        channel,
        &names.results_exchange,
        &names.results_queue,
        "binding the results queue",
    )
    .await
}

/// Declares the results exchange and binds `queue` to it for every result:
/// the worker's results queue and the sink's own queue each get a copy.
pub async fn bind_to_results(
    channel: &Channel,
    exchange: &str,
    queue: &str,
    binding: &'static str,
) -> Result<(), AmqpError> {
    channel
        .exchange_declare(
            exchange.into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(AmqpError::broker("declaring the results exchange"))?;
    channel
        .queue_bind(
            queue.into(),
            exchange.into(),
            RESULT_ROUTING_KEY.into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(AmqpError::broker(binding))
}

/// Deletes every queue and the exchange (tests and the demo clean up with
/// it). Missing ones are not an error.
pub async fn delete(channel: &Channel, names: &Names) -> Result<(), AmqpError> {
    for queue in names.all_queues() {
        channel
            .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
            .await
            .map_err(AmqpError::broker("deleting a queue"))?;
    }
    channel
        .exchange_delete(
            names.results_exchange.as_str().into(),
            ExchangeDeleteOptions::default(),
        )
        .await
        .map_err(AmqpError::broker("deleting the results exchange"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_labels_read_well() {
        assert_eq!(delay_label(5000), "5s");
        assert_eq!(delay_label(600_000), "600s");
        assert_eq!(delay_label(1500), "1500ms");
    }
}

//! `fraudstat worker`: URLs in from RabbitMQ, one result or one failure
//! record out per URL, nothing lost.
//!
//! Each delivery goes through [`Processor::process_one`] (parse, fetch,
//! decode → clean → extract, decide what to publish), then its outcome is
//! published with confirms, and only then is the input acknowledged. A
//! crash anywhere before that leaves the input unacknowledged, so the
//! broker redelivers it (at-least-once; results carry a stable `id` so
//! consumers drop duplicates).

pub mod cpu;
pub mod memory;
mod process;
mod record;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions,
};
use lapin::types::FieldTable;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use crate::amqp::{self, AmqpError, Names, PublishError, Publisher};
use crate::configuration::Settings;
use crate::error::ConfigError;
use crate::events;
use crate::fetch::FetchError;
use crate::status_server::{self, Readiness, StatusServerError};
use crate::telemetry::propagation;
use tracing_opentelemetry::OpenTelemetrySpanExt;

pub use process::{Incoming, Outcome, Processed, Processor, Verdict, WorkError};
pub use record::{FailureError, FailureRecord, RecordLimits};

/// Why the worker could not start or had to stop. Each stops the process
/// with a non-zero exit so the orchestrator restarts it.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// A rule file is missing or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be built.
    #[error("cannot set up fetching: {0}")]
    Fetcher(FetchError),
    /// The broker is unreachable or refused the topology.
    #[error(transparent)]
    Amqp(#[from] AmqpError),
    /// The metrics listener could not start.
    #[error(transparent)]
    StatusServer(#[from] StatusServerError),
}

/// Runs the worker until `shutdown` completes (SIGTERM/SIGINT in the
/// binary), then stops consuming, lets in-flight messages finish within
/// the grace period, leaves the rest unacknowledged and returns `Ok`.
pub async fn run(
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkerError> {
    let stop = status_server::cancel_on(shutdown);
    let status = status_server::start(&settings.metrics.listen).await?;
    let result = consume(&settings, status.readiness.clone(), stop).await;
    status.stop();
    result
}

async fn consume(
    settings: &Settings,
    readiness: Arc<Readiness>,
    stop: CancellationToken,
) -> Result<(), WorkerError> {
    let processor = Arc::new(Processor::new(settings)?);
    let names = Names::new(settings);
    // Connecting retries for minutes while the broker is away; a signal in
    // that time must still stop the worker at once.
    let stalled = amqp::Stalled::default();
    let connections = async {
        let consume = amqp::connect(&settings.amqp, "fraudstat worker (consume)", &stalled).await?;
        let publish = amqp::connect(&settings.amqp, "fraudstat worker (publish)", &stalled).await?;
        Ok::<_, AmqpError>((consume, publish))
    };
    let (consume_conn, publish_conn) = tokio::select! {
        _ = stop.cancelled() => {
            tracing::info!("stopped before consuming anything");
            return Ok(());
        }
        c = connections => c?,
    };
    let (consume_conn, _) = consume_conn;
    let (publish_conn, publish_losses) = publish_conn;
    let consume_conn = Arc::new(consume_conn);
    let publish_conn = Arc::new(publish_conn);
    readiness.watch(consume_conn.clone());
    readiness.watch(publish_conn.clone());
    let publisher = Arc::new(
        Publisher::new(publish_conn.clone(), &settings.amqp)
            .with_losses(publish_losses)
            .with_stop(stop.clone()),
    );
    let backpressure = publisher.backpressure();

    let channel = consume_conn
        .create_channel()
        .await
        .map_err(AmqpError::broker("opening the consume channel"))?;
    amqp::topology::declare(&channel, &names).await?;
    let concurrency = settings.worker.concurrency;
    // Prefetch equal to concurrency: a replica holds no more messages than
    // it works on, so other replicas get their share.
    channel
        .basic_qos(concurrency, BasicQosOptions::default())
        .await
        .map_err(AmqpError::broker("setting the prefetch"))?;
    let tag = format!(
        "fraudstat-worker-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    );
    let mut consumer = channel
        .basic_consume(
            names.urls.as_str().into(),
            tag.as_str().into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(AmqpError::broker("starting the consumer"))?;
    readiness.set_consuming(true);
    tracing::info!(
        queue = %names.urls,
        concurrency,
        per_host = settings.worker.per_host_concurrency,
        cpu_threads = processor.cpu_threads(),
        memory_bound_mib = memory::MemoryBound::new(settings, processor.cpu_threads()).total() >> 20,
        "consuming"
    );

    let handler = Arc::new(Handler {
        processor: processor.clone(),
        publisher,
        names: names.clone(),
        limits: RecordLimits {
            record_input_bytes: settings.worker.record_input_bytes,
            max_result_bytes: settings.worker.max_result_bytes,
        },
    });
    let tracker = TaskTracker::new();
    let slots = Arc::new(Semaphore::new(usize::from(concurrency)));

    let outcome: Result<(), WorkerError> = loop {
        // Take a slot first: never hold a delivery we cannot start on.
        let permit = tokio::select! {
            _ = stop.cancelled() => break Ok(()),
            e = stalled.wait() => break Err(e.into()),
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break Ok(()),
            },
        };
        // While the broker pushes back on publishes, take nothing new:
        // what is held waits for room, and more would only wait too.
        tokio::select! {
            _ = stop.cancelled() => break Ok(()),
            e = stalled.wait() => break Err(e.into()),
            _ = backpressure.wait_clear() => {}
        }
        let next = tokio::select! {
            _ = stop.cancelled() => break Ok(()),
            e = stalled.wait() => break Err(e.into()),
            n = consumer.next() => n,
        };
        match next {
            Some(Ok(delivery)) => {
                let handler = handler.clone();
                tracker.spawn(async move { handler.handle(delivery, permit).await });
            }
            Some(Err(e)) => {
                readiness.set_consuming(false);
                events::consumer_interrupted(&e);
                let give_up = settings.amqp.recovery_timeout();
                let recovered = tokio::select! {
                    r = amqp::await_channel_recovery(&channel, e, give_up) => r,
                    e = stalled.wait() => break Err(e.into()),
                };
                match recovered {
                    Ok(()) => {
                        readiness.set_consuming(true);
                        events::consumer_recovered();
                    }
                    Err(e) => break Err(e.into()),
                }
            }
            None => {
                if stop.is_cancelled() {
                    break Ok(());
                }
                break Err(AmqpError::ConsumerCancelled(names.urls.clone()).into());
            }
        }
    };

    readiness.set_consuming(false);
    // With a connection beyond recovery nothing in flight can be
    // acknowledged: leave it all to redelivery and stop at once.
    let grace = if stalled.is_stalled() {
        Duration::ZERO
    } else {
        settings.worker.shutdown_grace()
    };
    // No new deliveries from here on; prefetched ones not yet started stay
    // unacknowledged and go back to the queue when the channel closes.
    let cancel = channel.basic_cancel(tag.as_str().into(), BasicCancelOptions::default());
    if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(5), cancel).await {
        tracing::warn!(error = %e, "cancelling the consumer failed");
    }
    tracker.close();
    tracing::info!(
        in_flight = tracker.len(),
        grace_secs = grace.as_secs(),
        "stopped consuming; finishing messages in flight"
    );
    if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
        tracing::warn!(
            unfinished = tracker.len(),
            "grace period over; unfinished messages left unacknowledged for redelivery"
        );
        // Pages still in the CPU stage stop at their next budget check
        // instead of keeping a thread busy after the process meant to exit.
        handler.processor.abandon_in_flight();
    }
    // Close consuming first: acknowledgements after this point cannot
    // happen, so an unfinished message is redelivered, never half-done.
    let closing = consume_conn.close(200, "worker shutting down".into());
    if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(5), closing).await {
        tracing::debug!(error = %e, "closing the consume connection");
    }
    let closing = publish_conn.close(200, "worker shutting down".into());
    if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(5), closing).await {
        tracing::debug!(error = %e, "closing the publish connection");
    }
    if outcome.is_ok() {
        tracing::info!("worker stopped");
    }
    outcome
}

/// What each delivery task needs.
struct Handler {
    processor: Arc<Processor>,
    publisher: Arc<Publisher>,
    names: Names,
    limits: RecordLimits,
}

impl Handler {
    async fn handle(&self, delivery: Delivery, _slot: OwnedSemaphorePermit) {
        let started = Instant::now();
        events::consumed();
        let span = message_span(&self.names.urls, &delivery);
        // The crawler's span, when its message named one, is this span's
        // parent: the trace goes on through the worker.
        let _ = span.set_parent(propagation::extract(delivery.properties.headers().as_ref()));
        async {
            let Delivery {
                data,
                properties,
                acker,
                ..
            } = delivery;
            let data = Arc::new(data);
            let properties = Arc::new(properties);
            let incoming = Incoming {
                body: &data,
                properties: &properties,
            };
            let processed = self.processor.process_one(&incoming).await;
            let publish_start = Instant::now();
            let publishing = publish_span(&self.names, &processed.outcome);
            // Serialising a result (megabytes for a long page) and keeping
            // a bounded copy of the input are CPU work: off the runtime.
            let (names, limits) = (self.names.clone(), self.limits);
            let (body, props) = (data.clone(), properties.clone());
            let in_publish = publishing.clone();
            let built = self
                .processor
                .on_cpu(move || {
                    // Entered so that the trace context written on the
                    // outgoing message is the publish span's.
                    let _publishing = in_publish.enter();
                    let incoming = Incoming {
                        body: &body,
                        properties: &props,
                    };
                    let out = record::outgoing(&names, limits, &incoming, &processed);
                    (out, processed)
                })
                .await;
            let Ok((out, processed)) = built else {
                // The pool is gone (the worker is stopping): hand the input
                // back for redelivery.
                let _ = acker
                    .nack(BasicNackOptions {
                        requeue: true,
                        multiple: false,
                    })
                    .await;
                finished_early(events::Outcome::Requeued, started);
                return;
            };
            let Some(out) = out else {
                // Given up at shutdown: no outcome, no acknowledgement; the
                // broker redelivers it to the next worker.
                finished_early(events::Outcome::Abandoned, started);
                return;
            };
            let confirm_start = Instant::now();
            let mut published = self
                .publisher
                .publish(&out.as_outgoing())
                .instrument(publishing.clone())
                .await;
            // Too large for the broker whatever we do: say so in a small
            // failure record instead, so the input ends with one record.
            let mut refused = None;
            if let Err(e) = &published
                && e.is_permanent()
            {
                events::publish_refused(out.as_outgoing().routing_key, e);
                let small =
                    record::refused_record(&self.names, &incoming, &processed, &e.to_string());
                refused = Some(e.clone());
                published = self
                    .publisher
                    .publish(&small.as_outgoing())
                    .instrument(publishing.clone())
                    .await;
            }
            let publish_time = publish_start.elapsed();
            publishing.record(
                "fraudstat.confirm_ms",
                u64::try_from(confirm_start.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            if let Err(e) = &published {
                publishing.record("error.type", e.kind());
                publishing.record("otel.status_code", "ERROR");
            }
            drop(publishing);
            let (label, ack_lost) = match &published {
                Ok(()) => {
                    // Only now, with the outcome confirmed, may the input go.
                    let acked = acker.ack(BasicAckOptions::default()).await;
                    let lost = !matches!(acked, Ok(true));
                    if lost {
                        tracing::warn!(
                            "acknowledgement lost with the connection; the broker will redeliver"
                        );
                    }
                    let label = if refused.is_some() {
                        events::Outcome::Failed
                    } else {
                        processed.outcome.finished()
                    };
                    (label, lost)
                }
                Err(PublishError::Stopped) => {
                    // Shutting down while the broker pushed back: a nack
                    // would raise the delivery count for nothing; the
                    // broker hands it out again when the channel closes.
                    (events::Outcome::Held, false)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "outcome not confirmed; handing the message back");
                    let nack = BasicNackOptions {
                        requeue: true,
                        multiple: false,
                    };
                    // If this fails too the connection is gone, and the
                    // broker requeues the message anyway.
                    let _ = acker.nack(nack).await;
                    (events::Outcome::Requeued, false)
                }
            };
            let error = processed.outcome.error();
            let error_kind = match &refused {
                Some(_) => Some("publish_refused"),
                None => error.map(WorkError::kind),
            };
            record_outcome(label, error_kind);
            let (retry_queue, retry_delay_ms) = match &processed.outcome {
                Outcome::Retry {
                    queue, delay_ms, ..
                } => (Some(queue.as_str()), Some(*delay_ms)),
                _ => (None, None),
            };
            events::message_finished(&events::Summary {
                outcome: label,
                error_kind,
                error: match (&published, &refused, error) {
                    (Err(e), _, _) => Some(e.to_string()),
                    (Ok(()), Some(e), _) => Some(e.to_string()),
                    (Ok(()), None, Some(e)) => Some(e.to_string()),
                    _ => None,
                }
                .map(|e| crate::article_url::redact_text(&e).into_owned()),
                statistics: match &processed.outcome {
                    Outcome::Done(r) => {
                        Some(r.statistics.iter().map(|s| s.metric.as_str()).collect())
                    }
                    _ => None,
                },
                status: processed.status,
                retry_queue,
                retry_delay_ms,
                fetch: processed.fetch_time,
                process: processed.process_time,
                publish: publish_time,
                total: started.elapsed(),
                ack_lost,
            });
        }
        .instrument(span)
        .await
    }
}

/// The span of one delivery: an OpenTelemetry consumer span named and
/// attributed per the messaging semantic conventions, with the fields the
/// log lines inside it carry.
fn message_span(queue: &str, delivery: &Delivery) -> tracing::Span {
    let message_id = delivery
        .properties
        .message_id()
        .as_ref()
        .map(|m| m.as_str().to_string());
    tracing::info_span!(
        "message",
        otel.name = format!("process {queue}"),
        otel.kind = "consumer",
        otel.status_code = tracing::field::Empty,
        "messaging.system" = "rabbitmq",
        "messaging.operation.type" = "process",
        "messaging.operation.name" = "process",
        "messaging.destination.name" = queue,
        "messaging.rabbitmq.destination.routing_key" = delivery.routing_key.as_str(),
        "messaging.message.id" = message_id,
        "messaging.message.body.size" = delivery.data.len(),
        "error.type" = tracing::field::Empty,
        result_id = tracing::field::Empty,
        url = tracing::field::Empty,
        attempt = tracing::field::Empty,
        outcome = tracing::field::Empty,
        redelivered = delivery.redelivered,
    )
}

/// The span of publishing one outcome, until the broker confirms: an
/// OpenTelemetry producer span. The trace context on the published message
/// names it.
fn publish_span(names: &Names, outcome: &Outcome) -> tracing::Span {
    let (exchange, routing_key) = match outcome {
        Outcome::Done(_) => (
            names.results_exchange.as_str(),
            crate::amqp::topology::RESULT_ROUTING_KEY,
        ),
        Outcome::Retry { queue, .. } => ("", queue.as_str()),
        Outcome::Failed { .. } | Outcome::Abandoned => ("", names.failed.as_str()),
    };
    let destination = if exchange.is_empty() {
        routing_key
    } else {
        exchange
    };
    tracing::info_span!(
        "publish",
        otel.name = format!("publish {destination}"),
        otel.kind = "producer",
        otel.status_code = tracing::field::Empty,
        "messaging.system" = "rabbitmq",
        "messaging.operation.type" = "publish",
        "messaging.operation.name" = "publish",
        "messaging.destination.name" = destination,
        "messaging.rabbitmq.destination.routing_key" = routing_key,
        "fraudstat.confirm_ms" = tracing::field::Empty,
        "error.type" = tracing::field::Empty,
    )
}

/// Puts how a message ended on its span: the outcome, the error kind, and
/// an error status for what did not end as planned.
fn record_outcome(outcome: events::Outcome, error_kind: Option<&str>) {
    let span = tracing::Span::current();
    span.record("outcome", outcome.as_str());
    if let Some(kind) = error_kind {
        span.record("error.type", kind);
    }
    if matches!(outcome, events::Outcome::Failed | events::Outcome::Requeued) {
        span.record("otel.status_code", "ERROR");
    }
}

/// A message that ended before anything was published (the worker is
/// stopping): its span and counters say so.
fn finished_early(outcome: events::Outcome, started: Instant) {
    record_outcome(outcome, None);
    events::message_finished(&events::Summary {
        outcome,
        error_kind: None,
        error: None,
        statistics: None,
        status: None,
        retry_queue: None,
        retry_delay_ms: None,
        fetch: None,
        process: None,
        publish: Duration::ZERO,
        total: started.elapsed(),
        ack_lost: false,
    });
}

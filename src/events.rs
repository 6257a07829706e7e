//! One function per notable occurrence, each writing its log line and
//! updating its metrics together, so that logs and `/metrics` cannot tell
//! different stories.
//!
//! Metric names (Prometheus):
//!
//! | metric | type | meaning |
//! |---|---|---|
//! | `fraudstat_messages_consumed_total` | counter | input messages taken from the queue |
//! | `fraudstat_messages_total{outcome,kind}` | counter | messages finished, by [`Outcome`] and error kind (`none` when done); `done`, `retry` and `failed` count what the broker confirmed |
//! | `fraudstat_statistics_total{metric}` | counter | statistics in published results, by metric |
//! | `fraudstat_ack_failures_total` | counter | acknowledgements lost (connection dropped); the broker redelivers |
//! | `fraudstat_messages_in_flight` | gauge | messages being worked on |
//! | `fraudstat_fetch_duration_seconds` | histogram | fetch time, successful or not |
//! | `fraudstat_processing_duration_seconds` | histogram | decode, clean and extract time |
//! | `fraudstat_message_duration_seconds{outcome}` | histogram | whole message, delivery to acknowledgement |
//! | `fraudstat_broker_recoveries_total{connection}` | counter | reconnections after a lost broker connection |
//! | `fraudstat_broker_connected{connection}` | gauge | 1 while the connection is up (set from the first connect) |
//! | `fraudstat_broker_blocked{connection}` | gauge | 1 while the broker blocks the connection (memory or disk alarm) |
//! | `fraudstat_broker_recovery_stalled_total{connection}` | counter | lost connections not back within `amqp.recovery_timeout_secs` |
//! | `fraudstat_channel_errors_total{connection}` | counter | channels the broker closed (soft errors) |
//! | `fraudstat_publish_retries_total` | counter | publish attempts that had to be repeated |
//! | `fraudstat_backpressure` | gauge | 1 while the broker pushes back (full queue, unroutable, blocked connection) and the worker takes no new deliveries |
//! | `fraudstat_publish_refused_total` | counter | outcomes the broker refused for size, replaced by a small failure record |
//! | `fraudstat_trace_export_failures_total` | counter | span batches the trace collector did not take |
//! | `fraudstat_tracing_enabled` | gauge | 1 when spans are exported |
//! | `fraudstat_sink_results_total{outcome}` | counter | results the sink finished: `stored` (inserted or replaced), `stale` (older than the stored fetch, or repeated in a batch), `failed` (to `{p}.sink.failed`) |
//! | `fraudstat_sink_statistics_total` | counter | statistics the sink inserted |
//! | `fraudstat_sink_batch_duration_seconds` | histogram | one batch's transaction, first try to commit |
//! | `fraudstat_sink_database_retries_total` | counter | batches tried again after a transient database error |

use std::time::Duration;

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};

/// Buckets of the duration histograms, in seconds: pages take from a few
/// milliseconds (local) to the fetch timeout.
pub const DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
];

/// Registers help texts, so `/metrics` explains itself.
pub fn describe() {
    describe_counter!(
        "fraudstat_messages_consumed_total",
        "Input messages taken from the queue"
    );
    describe_counter!(
        "fraudstat_messages_total",
        "Messages finished, by outcome and error kind"
    );
    describe_counter!(
        "fraudstat_statistics_total",
        "Statistics in published results, by metric"
    );
    describe_counter!(
        "fraudstat_ack_failures_total",
        "Acknowledgements lost with the connection; the broker redelivers"
    );
    describe_gauge!("fraudstat_messages_in_flight", "Messages being worked on");
    describe_histogram!(
        "fraudstat_fetch_duration_seconds",
        metrics::Unit::Seconds,
        "Fetch time"
    );
    describe_histogram!(
        "fraudstat_processing_duration_seconds",
        metrics::Unit::Seconds,
        "Decode, clean and extract time"
    );
    describe_histogram!(
        "fraudstat_message_duration_seconds",
        metrics::Unit::Seconds,
        "Whole message, delivery to acknowledgement"
    );
    describe_counter!(
        "fraudstat_broker_recoveries_total",
        "Reconnections after a lost broker connection"
    );
    describe_gauge!(
        "fraudstat_broker_connected",
        "1 while the broker connection is up"
    );
    describe_gauge!(
        "fraudstat_broker_blocked",
        "1 while the broker blocks the connection (memory or disk alarm)"
    );
    describe_counter!(
        "fraudstat_broker_recovery_stalled_total",
        "Lost broker connections not recovered in time"
    );
    describe_counter!(
        "fraudstat_channel_errors_total",
        "Channels the broker closed (soft errors)"
    );
    describe_counter!(
        "fraudstat_trace_export_failures_total",
        "Span batches the trace collector did not take"
    );
    describe_gauge!("fraudstat_tracing_enabled", "1 when spans are exported");
    describe_counter!(
        "fraudstat_publish_retries_total",
        "Publish attempts that had to be repeated"
    );
    describe_gauge!(
        "fraudstat_backpressure",
        "1 while the broker pushes back on publishes and no new deliveries are taken"
    );
    describe_counter!(
        "fraudstat_publish_refused_total",
        "Outcomes the broker refused for size, replaced by a small failure record"
    );
    describe_counter!(
        "fraudstat_sink_results_total",
        "Results the sink finished, by outcome (stored, stale, failed)"
    );
    describe_counter!(
        "fraudstat_sink_statistics_total",
        "Statistics the sink inserted"
    );
    describe_histogram!(
        "fraudstat_sink_batch_duration_seconds",
        metrics::Unit::Seconds,
        "One sink batch, first try to commit"
    );
    describe_counter!(
        "fraudstat_sink_database_retries_total",
        "Sink batches tried again after a transient database error"
    );
}

/// The sink committed a batch: `written` results inserted or replaced,
/// `stale` ones older than what the database holds, `statistics`
/// inserted, in `took` (retries included).
pub fn sink_batch_stored(written: usize, stale: usize, statistics: usize, took: Duration) {
    let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
    counter!("fraudstat_sink_results_total", "outcome" => "stored").increment(n(written));
    counter!("fraudstat_sink_results_total", "outcome" => "stale").increment(n(stale));
    counter!("fraudstat_sink_statistics_total").increment(n(statistics));
    histogram!("fraudstat_sink_batch_duration_seconds").record(took.as_secs_f64());
    tracing::info!(
        written,
        stale,
        statistics,
        took_ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        "batch stored"
    );
}

/// The sink cannot store a result and sent it to its failure queue.
pub fn sink_result_failed(id: Option<&str>, kind: &str, reason: &dyn std::fmt::Display) {
    counter!("fraudstat_sink_results_total", "outcome" => "failed").increment(1);
    tracing::warn!(id, error_kind = kind, error = %reason, "result sent to the sink's failure queue");
}

/// A batch failed for a transient database error and is tried again
/// after `wait`, still unacknowledged.
pub fn sink_database_retry(error: &dyn std::fmt::Display, wait: Duration, results: usize) {
    counter!("fraudstat_sink_database_retries_total").increment(1);
    tracing::warn!(
        error = %error,
        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        results,
        "database unavailable; trying the batch again"
    );
}

/// A message was taken from the input queue.
pub fn consumed() {
    counter!("fraudstat_messages_consumed_total").increment(1);
    gauge!("fraudstat_messages_in_flight").increment(1.0);
}

/// A fetch ended (either way) after `took`.
pub fn fetched(took: Duration) {
    histogram!("fraudstat_fetch_duration_seconds").record(took.as_secs_f64());
}

/// The pipeline ran on a page for `took`.
pub fn processed(took: Duration) {
    histogram!("fraudstat_processing_duration_seconds").record(took.as_secs_f64());
}

/// How one message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A result was published and confirmed; the input acknowledged.
    Done,
    /// The URL went to a retry queue (confirmed); the input acknowledged.
    Retry,
    /// A failure record was published and confirmed; the input acknowledged.
    Failed,
    /// Publishing failed: the input was handed back for redelivery.
    Requeued,
    /// Left unacknowledged at shutdown while the broker pushed back;
    /// redelivered when the channel closes.
    Held,
    /// Given up at shutdown before it had an outcome; redelivered.
    Abandoned,
}

impl Outcome {
    /// The label in logs, metrics and span attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Retry => "retry",
            Outcome::Failed => "failed",
            Outcome::Requeued => "requeued",
            Outcome::Held => "held",
            Outcome::Abandoned => "abandoned",
        }
    }
}

/// How one message ended, for the summary line.
#[derive(Debug, Clone)]
pub struct Summary<'a> {
    /// What happened to it.
    pub outcome: Outcome,
    /// Error kind, when there was one.
    pub error_kind: Option<&'a str>,
    /// Error text, when there was one.
    pub error: Option<String>,
    /// Metrics of the statistics published (results only).
    pub statistics: Option<Vec<&'a str>>,
    /// HTTP status seen, if a response came.
    pub status: Option<u16>,
    /// Retry queue used (retries only).
    pub retry_queue: Option<&'a str>,
    /// Delay before the retry, ms (retries only).
    pub retry_delay_ms: Option<u64>,
    /// Time fetching.
    pub fetch: Option<Duration>,
    /// Time in the pipeline.
    pub process: Option<Duration>,
    /// Time publishing (with confirm).
    pub publish: Duration,
    /// Delivery to acknowledgement.
    pub total: Duration,
    /// True when the outcome was published but the acknowledgement could
    /// not be sent (connection lost): the broker will redeliver.
    pub ack_lost: bool,
}

fn ms(d: Option<Duration>) -> Option<u64> {
    d.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// One message is finished with: the per-message summary line, and the
/// counters of its outcome. `done`, `retry` and `failed` are only reached
/// once the broker confirmed, so `/metrics` agrees with the queues.
pub fn message_finished(s: &Summary<'_>) {
    gauge!("fraudstat_messages_in_flight").decrement(1.0);
    let outcome = s.outcome.as_str();
    histogram!("fraudstat_message_duration_seconds", "outcome" => outcome)
        .record(s.total.as_secs_f64());
    counter!(
        "fraudstat_messages_total",
        "outcome" => outcome,
        "kind" => s.error_kind.unwrap_or("none").to_string()
    )
    .increment(1);
    if s.outcome == Outcome::Done {
        for metric in s.statistics.iter().flatten() {
            counter!("fraudstat_statistics_total", "metric" => metric.to_string()).increment(1);
        }
    }
    if s.ack_lost {
        counter!("fraudstat_ack_failures_total").increment(1);
    }
    let statistics = s.statistics.as_ref().map(Vec::len);
    let fields = (
        ms(s.fetch),
        ms(s.process),
        ms(Some(s.publish)),
        ms(Some(s.total)),
    );
    if matches!(s.outcome, Outcome::Done | Outcome::Retry) {
        tracing::info!(
            outcome,
            error_kind = s.error_kind,
            error = s.error.as_deref(),
            status = s.status,
            statistics,
            retry_queue = s.retry_queue,
            retry_delay_ms = s.retry_delay_ms,
            fetch_ms = fields.0,
            process_ms = fields.1,
            publish_ms = fields.2,
            total_ms = fields.3,
            ack_lost = s.ack_lost,
            "message finished"
        );
    } else {
        tracing::warn!(
            outcome,
            error_kind = s.error_kind,
            error = s.error.as_deref(),
            status = s.status,
            fetch_ms = fields.0,
            process_ms = fields.1,
            publish_ms = fields.2,
            total_ms = fields.3,
            ack_lost = s.ack_lost,
            "message finished"
        );
    }
}

/// A transient error will be tried again: an event on the message's span
/// (the retry decision), before the republish.
pub fn retry_scheduled(error_kind: &str, queue: &str, delay_ms: u64, attempt: u32) {
    tracing::info!(
        error_kind,
        retry_queue = queue,
        retry_delay_ms = delay_ms,
        attempt,
        "retry scheduled"
    );
}

/// An input's `x-fraudstat-attempts` was more than a worker ever writes:
/// ignored, the message counts as a first attempt.
pub fn attempts_header_ignored(value: u64) {
    tracing::warn!(
        header_value = value,
        "attempt count from the input past the retry budget; counted as a first attempt"
    );
}

/// A transient error ran out of attempts: a failure record follows.
pub fn giving_up(error_kind: &str, attempt: u32) {
    tracing::warn!(error_kind, attempt, "giving up after the last attempt");
}

/// Tracing is set up: says whether and where spans go.
pub fn tracing_started(plan: &crate::telemetry::Plan) {
    use crate::telemetry::otel::{Off, Plan};
    match plan {
        Plan::Export { protocol, endpoint } => {
            tracing::info!(
                endpoint = endpoint.as_str(),
                protocol = ?protocol,
                "exporting spans"
            );
        }
        Plan::Off(why) => {
            let reason = match why {
                Off::NoEndpoint => "no OTLP endpoint set",
                Off::SdkDisabled => "OTEL_SDK_DISABLED=true",
                Off::ExporterNone => "OTEL_TRACES_EXPORTER=none",
            };
            tracing::debug!(reason, "not exporting spans");
        }
    }
}

/// Whether spans are exported, on `/metrics`. Also starts the export
/// failure counter at 0, so that its first increase shows in `increase()`.
pub fn tracing_enabled(exporting: bool) {
    gauge!("fraudstat_tracing_enabled").set(if exporting { 1.0 } else { 0.0 });
    counter!("fraudstat_trace_export_failures_total").absolute(0);
}

/// A batch of `spans` spans did not reach the trace collector (0 when the
/// final flush failed). Counted every time; logged only when `warn`, which
/// the caller sets at most once a minute.
pub fn trace_export_failed(spans: usize, error: &dyn std::fmt::Display, warn: bool) {
    counter!("fraudstat_trace_export_failures_total").increment(1);
    if warn {
        tracing::warn!(
            spans,
            error = %error,
            "spans not exported; the trace collector is unreachable or refused them (logged at most once a minute)"
        );
    }
}

/// A broker connection is up for the first time.
pub fn connected(connection: &str) {
    gauge!("fraudstat_broker_connected", "connection" => connection.to_string()).set(1.0);
    gauge!("fraudstat_broker_blocked", "connection" => connection.to_string()).set(0.0);
}

/// The broker refused or did not answer a first connection; it is tried
/// again after `wait`.
pub fn broker_unreachable(connection: &str, error: &dyn std::fmt::Display, wait: Duration) {
    tracing::warn!(
        connection,
        error = %error,
        wait_ms = ms(Some(wait)),
        "cannot connect to the broker yet; trying again"
    );
}

/// A publish must be tried again after `wait`.
pub fn publish_retry(routing_key: &str, error: &dyn std::fmt::Display, wait: Duration) {
    counter!("fraudstat_publish_retries_total").increment(1);
    tracing::warn!(
        routing_key,
        error = %error,
        wait_ms = ms(Some(wait)),
        "publish not confirmed, trying again"
    );
}

/// The broker started pushing back on publishes (`kind`: `nacked` for a
/// full queue, `unroutable`, `timeout` while the connection is blocked):
/// held publishes retry until it stops, and no new deliveries are taken.
pub fn backpressure_on(kind: &str, error: &dyn std::fmt::Display) {
    gauge!("fraudstat_backpressure").set(1.0);
    tracing::warn!(
        kind,
        error = %error,
        "broker pushing back; holding messages and taking no new deliveries"
    );
}

/// Every held publish went through (or gave up): deliveries resume.
pub fn backpressure_off() {
    gauge!("fraudstat_backpressure").set(0.0);
    tracing::info!("broker pushback over; taking deliveries again");
}

/// The broker cannot take an outcome at all (too large): a small failure
/// record goes out instead.
pub fn publish_refused(routing_key: &str, error: &dyn std::fmt::Display) {
    counter!("fraudstat_publish_refused_total").increment(1);
    tracing::warn!(
        routing_key,
        error = %error,
        "outcome refused by the broker; publishing a small failure record instead"
    );
}

/// The broker closed one channel (a soft error, such as a message over its
/// size limit); the connection and its other channels go on.
pub fn channel_closed(connection: &str, error: &dyn std::fmt::Display) {
    counter!("fraudstat_channel_errors_total", "connection" => connection.to_string()).increment(1);
    tracing::warn!(connection, error = %error, "broker closed a channel");
}

/// A broker connection failed; lapin reconnects with backoff.
pub fn connection_lost(connection: &str, error: &dyn std::fmt::Display) {
    gauge!("fraudstat_broker_connected", "connection" => connection.to_string()).set(0.0);
    tracing::warn!(connection, error = %error, "broker connection lost; reconnecting");
}

/// A lost connection stayed down past `amqp.recovery_timeout_secs`: the
/// worker stops so that a fresh process can take over.
pub fn recovery_stalled(connection: &str, waited: Duration) {
    counter!("fraudstat_broker_recovery_stalled_total", "connection" => connection.to_string())
        .increment(1);
    tracing::error!(
        connection,
        waited_secs = waited.as_secs(),
        "broker connection not recovered in time; stopping for a restart"
    );
}

/// A broker connection is back (channels, consumers and QoS replayed).
pub fn connection_recovered(connection: &str) {
    gauge!("fraudstat_broker_connected", "connection" => connection.to_string()).set(1.0);
    counter!("fraudstat_broker_recoveries_total", "connection" => connection.to_string())
        .increment(1);
    tracing::info!(connection, "broker connection recovered");
}

/// The broker blocked a connection (memory or disk alarm): publishing waits.
pub fn connection_blocked(connection: &str, reason: &str) {
    gauge!("fraudstat_broker_blocked", "connection" => connection.to_string()).set(1.0);
    tracing::warn!(connection, reason, "broker blocked the connection");
}

/// The broker unblocked a connection.
pub fn connection_unblocked(connection: &str) {
    gauge!("fraudstat_broker_blocked", "connection" => connection.to_string()).set(0.0);
    tracing::info!(connection, "broker unblocked the connection");
}

/// The consumer lost its connection and is waiting for recovery.
pub fn consumer_interrupted(error: &dyn std::fmt::Display) {
    tracing::warn!(error = %error, "broker connection lost; waiting for recovery");
}

/// The consumer is back after a lost connection.
pub fn consumer_recovered() {
    tracing::info!("consumer recovered; consuming again");
}

//! `fraudstat sink`: results from the broker into PostgreSQL (issue 15).
//!
//! The sink consumes a durable queue of its own, `{prefix}.sink`, bound to
//! the results exchange (so other consumers of `{prefix}.results` keep
//! theirs), writes results in batches ([`store`]), and acknowledges a batch
//! only after its transaction commits. A result that cannot be stored goes
//! to `{prefix}.sink.failed` with the reason in its headers; a transient
//! database error is retried with backoff, the batch unacknowledged. The
//! tables and the reconciled views (`facts`, `conflicts`) are in
//! `migrations/` ([`schema`]) and described in `docs/dataset.md`.

pub mod consume;
pub mod interval;
pub mod schema;
pub mod store;

use std::future::Future;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::amqp::AmqpError;
use crate::configuration::Settings;
use crate::status_server::{self, StatusServerError};

/// Why the sink could not start or had to stop; each ends the process
/// non-zero for the orchestrator to restart it. Unacknowledged results
/// are redelivered to the next sink.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The database could not be reached at start.
    #[error("database {url}: {source}")]
    Connect {
        /// The URL, password masked.
        url: String,
        /// sqlx's error.
        source: sqlx::Error,
    },
    /// The migrations could not be run.
    #[error("migrating the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The broker is unreachable or refused an operation.
    #[error(transparent)]
    Amqp(#[from] AmqpError),
    /// The metrics listener could not start.
    #[error(transparent)]
    StatusServer(#[from] StatusServerError),
    /// The broker cancelled the consumer (its queue was deleted) or the
    /// connection closed.
    #[error("the broker stopped the consumer of {0} (queue deleted or connection lost)")]
    ConsumerEnded(String),
    /// A batch kept failing for transient database errors.
    #[error("database unavailable after {tries} tries of a batch: {source}")]
    GaveUp {
        /// Tries made.
        tries: usize,
        /// The last error.
        source: store::StoreError,
    },
    /// The broker refused a message for the failure queue (queue full or
    /// deleted): the message stays unacknowledged.
    #[error("the broker refused a message for {0}")]
    FailureRefused(String),
}

/// Opens a pool on the settings' database (without connecting yet).
pub fn pool(settings: &Settings) -> Result<PgPool, sqlx::Error> {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(settings.sink.max_connections)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect_lazy(&settings.sink.database_url)
}

/// Connects and migrates, trying again with the sink's backoff while the
/// database is not there yet (started together with it); `None` if
/// stopped first.
async fn open_database(
    settings: &Settings,
    stop: &CancellationToken,
) -> Result<Option<PgPool>, SinkError> {
    use backon::BackoffBuilder;
    let url = crate::configuration::masked_url(&settings.sink.database_url);
    let pool = pool(settings).map_err(|source| SinkError::Connect {
        url: url.clone(),
        source,
    })?;
    let mut delays = settings.sink.backoff().build();
    loop {
        let attempt = schema::migrate(&pool);
        let result = tokio::select! {
            _ = stop.cancelled() => return Ok(None),
            r = attempt => r,
        };
        match result {
            Ok(()) => {
                tracing::info!(database = %url, "database migrated");
                return Ok(Some(pool));
            }
            Err(sqlx::migrate::MigrateError::Execute(e)) if store::is_transient(&e) => {
                let Some(wait) = delays.next() else {
                    return Err(SinkError::Connect { url, source: e });
                };
                crate::events::sink_database_retry(&e, wait, 0);
                tokio::select! {
                    _ = stop.cancelled() => return Ok(None),
                    _ = tokio::time::sleep(wait) => {}
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Runs the sink until `shutdown` completes (SIGTERM/SIGINT in the
/// binary): connects to the database (migrating it) and the broker, then
/// stores batches; on shutdown it finishes the batch in hand and returns.
pub async fn run(
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), SinkError> {
    let stop = status_server::cancel_on(shutdown);
    let status = status_server::start(&settings.metrics.listen).await?;
    let readiness = status.readiness.clone();
    let result = async {
        let Some(pool) = open_database(&settings, &stop).await? else {
            return Ok(());
        };
        let r = consume::run(&settings, &pool, &readiness, stop).await;
        pool.close().await;
        r
    }
    .await;
    status.stop();
    result
}

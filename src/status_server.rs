//! The small HTTP listener operators and orchestrators poll:
//! `/metrics` (Prometheus text), `/healthz` (the process answers) and
//! `/readyz` (connected to the broker and consuming).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio_util::sync::CancellationToken;

/// Whether the worker can do its job right now.
#[derive(Default)]
pub struct Readiness {
    consuming: AtomicBool,
    connections: std::sync::Mutex<Vec<Arc<lapin::Connection>>>,
}

impl Readiness {
    /// Records whether the consumer is running.
    pub fn set_consuming(&self, on: bool) {
        self.consuming.store(on, Ordering::SeqCst);
    }

    /// Adds a connection that must be up for the worker to be ready.
    pub fn watch(&self, connection: Arc<lapin::Connection>) {
        self.connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(connection);
    }

    /// Consuming, and every watched connection connected.
    pub fn is_ready(&self) -> bool {
        self.consuming.load(Ordering::SeqCst)
            && self
                .connections
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .iter()
                .all(|c| c.status().connected())
    }
}

/// Why the listener could not start.
#[derive(Debug, thiserror::Error)]
pub enum StatusServerError {
    /// The address is taken or not ours.
    #[error(
        "cannot listen on {0} for metrics and health: {1} (another worker on this machine? give each its own with --metrics-listen 127.0.0.1:0, FRAUDSTAT_METRICS__LISTEN, or an empty value to turn the listener off)"
    )]
    Bind(String, std::io::Error),
}

/// Installs the Prometheus recorder for the process and returns its
/// handle. A second call (tests running several workers in one process)
/// gets a recorder of its own that is not global.
pub fn install_metrics() -> PrometheusHandle {
    let builder = || {
        PrometheusBuilder::new()
            .set_buckets(&crate::events::DURATION_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new())
    };
    match builder().install_recorder() {
        Ok(handle) => {
            crate::events::describe();
            // Set before the recorder existed (logging starts first).
            crate::events::tracing_enabled(crate::telemetry::exporting());
            handle
        }
        Err(_) => builder().build_recorder().handle(),
    }
}

#[derive(Clone)]
struct AppState {
    metrics: PrometheusHandle,
    readiness: Arc<Readiness>,
}

/// Binds the listener and serves it until `shutdown` is cancelled.
/// Returns the bound address (useful with port 0).
pub async fn serve(
    listen: &str,
    metrics: PrometheusHandle,
    readiness: Arc<Readiness>,
    shutdown: CancellationToken,
) -> Result<SocketAddr, StatusServerError> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| StatusServerError::Bind(listen.to_string(), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StatusServerError::Bind(listen.to_string(), e))?;
    let app = Router::new()
        .route("/metrics", get(render_metrics))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .with_state(AppState {
            metrics: metrics.clone(),
            readiness,
        });
    // Histograms keep raw samples until upkeep folds them; without it a
    // worker that is never scraped grows without bound.
    let upkeep_stop = shutdown.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = upkeep_stop.cancelled() => break,
                _ = tick.tick() => metrics.run_upkeep(),
            }
        }
    });
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "metrics listener stopped");
        }
    });
    Ok(addr)
}

async fn render_metrics(State(state): State<AppState>) -> String {
    state.metrics.render()
}

async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.readiness.is_ready() {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

/// A process's status listener while it runs: what it reports as ready,
/// and the token that stops it.
pub struct Running {
    /// Set by the process as it connects and consumes.
    pub readiness: Arc<Readiness>,
    stop: CancellationToken,
}

impl Running {
    /// Stops the listener (a no-op where none was started).
    pub fn stop(&self) {
        self.stop.cancel();
    }
}

/// Installs the metrics recorder and, unless `listen` is empty, serves
/// `/metrics`, `/healthz` and `/readyz` there: the start both long-running
/// commands (`worker`, `sink`) share.
pub async fn start(listen: &str) -> Result<Running, StatusServerError> {
    let metrics = install_metrics();
    let running = Running {
        readiness: Arc::new(Readiness::default()),
        stop: CancellationToken::new(),
    };
    if !listen.is_empty() {
        let addr = serve(
            listen,
            metrics,
            running.readiness.clone(),
            running.stop.clone(),
        )
        .await?;
        tracing::info!(addr = %addr, "metrics listening");
    }
    Ok(running)
}

/// A token cancelled once `shutdown` completes (SIGTERM/SIGINT in the
/// binary), for the loops and tasks that must all see the same stop.
pub fn cancel_on(shutdown: impl Future<Output = ()> + Send + 'static) -> CancellationToken {
    let stop = CancellationToken::new();
    let token = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        token.cancel();
    });
    stop
}

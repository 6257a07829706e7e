//! `fraudstat worker`: runs the service until SIGTERM or SIGINT.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::configuration::Settings;
use crate::telemetry::Telemetry;
use crate::worker::WorkerError;

/// The least time given to sending the last spans, even when draining the
/// messages in flight used up the grace period.
const MIN_SPAN_FLUSH: Duration = Duration::from_millis(500);

/// Runs the worker; returns once it has drained after a signal and sent
/// its last spans, within the grace period that the signal started.
pub async fn run(settings: Settings, telemetry: &Telemetry) -> Result<(), WorkerError> {
    let grace = settings.worker.shutdown_grace();
    let signalled = Arc::new(OnceLock::new());
    let signal = {
        let signalled = signalled.clone();
        async move {
            shutdown_signal().await;
            let _ = signalled.set(Instant::now());
        }
    };
    let outcome = crate::worker::run(settings, signal).await;
    let left = signalled
        .get()
        .map_or(grace, |at: &Instant| grace.saturating_sub(at.elapsed()));
    telemetry.shutdown(left.max(MIN_SPAN_FLUSH)).await;
    outcome
}

/// Completes on SIGTERM (what orchestrators send) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!(signal = "SIGTERM", "shutting down"),
                    r = tokio::signal::ctrl_c() => log_ctrl_c(r),
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only SIGINT stops the worker");
                log_ctrl_c(tokio::signal::ctrl_c().await);
            }
        }
    }
    #[cfg(not(unix))]
    log_ctrl_c(tokio::signal::ctrl_c().await);
}

fn log_ctrl_c(r: std::io::Result<()>) {
    match r {
        Ok(()) => tracing::info!(signal = "SIGINT", "shutting down"),
        Err(e) => {
            // Without a signal handler the worker could never stop cleanly;
            // waiting forever here would hide that, so stop now instead.
            tracing::error!(error = %e, "cannot listen for SIGINT; shutting down");
        }
    }
}

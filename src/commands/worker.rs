//! `fraudstat worker`: runs the service until SIGTERM or SIGINT.

use crate::configuration::Settings;
use crate::worker::WorkerError;

/// Runs the worker; returns once it has drained after a signal.
pub async fn run(settings: Settings) -> Result<(), WorkerError> {
    crate::worker::run(settings, shutdown_signal()).await
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

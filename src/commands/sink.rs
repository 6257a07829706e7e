//! `fraudstat sink`: stores results in PostgreSQL until SIGTERM or SIGINT.

use crate::configuration::Settings;
use crate::sink::SinkError;
use crate::telemetry::Telemetry;

/// Runs the sink; returns once the batch in hand is stored after a
/// signal, and its last spans are sent.
pub async fn run(settings: Settings, telemetry: &Telemetry) -> Result<(), SinkError> {
    let outcome = crate::sink::run(settings, super::worker::shutdown_signal()).await;
    telemetry.shutdown(std::time::Duration::from_secs(2)).await;
    outcome
}

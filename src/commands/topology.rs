//! `fraudstat topology declare|delete`: sets up, or removes, every queue
//! and the exchange of the configured prefix. The worker declares on its
//! own at start; this is for operators preparing a broker ahead of time and
//! for throwaway prefixes (the demo, tests) to clean up after themselves.

use lapin::{Connection, ConnectionProperties};

use crate::amqp::{AmqpError, Names, topology};
use crate::configuration::Settings;

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Declare everything (idempotent).
    Declare,
    /// Delete every queue and the exchange, messages included.
    Delete,
}

/// Runs `action` for the settings' prefix.
pub async fn run(settings: &Settings, action: Action) -> Result<Names, AmqpError> {
    let names = Names::new(settings);
    let conn = Connection::connect(
        &settings.amqp.url,
        ConnectionProperties::default().with_connection_name("fraudstat topology".into()),
    )
    .await
    .map_err(AmqpError::broker("connecting"))?;
    let channel = conn
        .create_channel()
        .await
        .map_err(AmqpError::broker("opening a channel"))?;
    match action {
        Action::Declare => topology::declare(&channel, &names).await?,
        Action::Delete => {
            topology::delete(&channel, &names).await?;
            // The sink's queues too (`fraudstat sink` declares them; gone
            // ones are not an error), so a throwaway prefix leaves nothing.
            let sink = crate::sink::consume::SinkNames::new(settings);
            for queue in [&sink.queue, &sink.failed] {
                channel
                    .queue_delete(
                        queue.as_str().into(),
                        lapin::options::QueueDeleteOptions::default(),
                    )
                    .await
                    .map_err(AmqpError::broker("deleting a queue"))?;
            }
        }
    }
    let _ = conn.close(200, "done".into()).await;
    Ok(names)
}

//! fraudstat turns Chinese police press releases about telecom and online
//! fraud into structured statistics.
//!
//! # Layout
//!
//! The pipeline is `amqp → fetch → decode → clean → extract → publish`, and
//! the module tree follows it:
//!
//! - [`model`]: the types that travel between stages (`Page`, `Article`,
//!   `Statistic`, `ExtractionResult`).
//! - [`article_url`]: URLs from outside, checked once, and their stable ids.
//! - [`fetch`]: a URL to bytes, bounded, public addresses only (plus
//!   operator-allowed networks), with a per-host concurrency limit.
//! - [`decode`]: bytes and headers to text (charset sniffing).
//! - [`clean`]: text or HTML to an article without chrome or spam.
//! - [`extract`]: an article to its statistics.
//! - [`pipeline`]: `decode → clean → extract` on bytes already in hand,
//!   shared by the worker, the command line and the tests.
//! - [`hints`]: what the crawler and the URL tell about a page.
//! - [`text`]: text primitives shared by `clean` and `extract`.
//! - [`budget`]: size limits and the time budget every stage honours.
//! - [`error`]: errors shared across stages.
//! - [`configuration`], [`telemetry`]: settings and logging.
//! - [`commands`]: one module per subcommand of the binary.
//!
//! The service around the pipeline (`fraudstat worker`, see `docs/worker.md`):
//!
//! - [`input`]: the input message (JSON or a bare URL), checked at the edge.
//! - [`worker`]: consume → [`worker::Processor::process_one`] (fetch within
//!   per-host limits, pipeline, retry-or-fail decision) → publish with
//!   confirms → acknowledge; graceful shutdown.
//! - [`amqp`]: connections with recovery, the queue topology, publishing
//!   with confirms, message headers (attempts, W3C trace context).
//! - [`retry`]: which retry queue a transient failure waits in.
//! - [`events`]: each notable occurrence's log line and metrics together.
//! - [`status_server`]: the listener operators poll: `/metrics`,
//!   `/healthz`, `/readyz`.
//!
//! Downstream of the worker (`fraudstat sink`, see `docs/dataset.md`):
//!
//! - [`sink`]: results from a queue of its own into PostgreSQL, batched,
//!   idempotent on the result id; the schema (`migrations/`) and the rule
//!   that reconciles figures reprinted by many sites into facts.
//! - [`report`]: `fraudstat report`, a static HTML report of the sink's
//!   database (charts, facts, conflicts).

pub mod amqp;
pub mod article_url;
pub mod budget;
#[warn(clippy::too_many_lines)]
pub mod clean;
pub mod commands;
pub mod configuration;
pub mod decode;
pub mod error;
pub mod events;
#[warn(clippy::too_many_lines)]
pub mod extract;
pub mod fetch;
pub mod hints;
pub mod input;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod retry;
pub mod sink;
pub mod status_server;
pub mod telemetry;
#[warn(clippy::too_many_lines)]
pub mod text;
pub mod worker;

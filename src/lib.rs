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
//! - [`fetch`]: a URL to bytes, bounded, public addresses only.
//! - [`decode`]: bytes and headers to text (charset sniffing).
//! - [`clean`]: text or HTML to an article without chrome or spam.
//! - [`extract`]: an article to its statistics.
//! - [`pipeline`]: `decode → clean → extract` on bytes already in hand,
//!   shared by the worker, the command line and the tests.
//! - [`error`]: errors shared across stages.
//! - [`configuration`], [`telemetry`]: settings and logging.
//! - [`commands`]: one module per subcommand of the binary.

pub mod amqp;
pub mod article_url;
pub mod clean;
pub mod commands;
pub mod configuration;
pub mod decode;
pub mod error;
pub mod events;
pub mod extract;
pub mod fetch;
pub mod http;
pub mod input;
pub mod model;
pub mod pipeline;
pub mod retry;
pub mod telemetry;
pub mod worker;

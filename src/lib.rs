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
//! - [`decode`]: bytes and headers to text (charset sniffing).
//! - [`clean`]: text or HTML to an article without chrome or spam.
//! - [`extract`]: an article to its statistics.
//! - [`error`]: errors shared across stages.

pub mod clean;
pub mod decode;
pub mod error;
pub mod extract;
pub mod model;

//! The subcommands of the `fraudstat` binary, one module each.

pub mod enqueue;
pub mod extract;
pub mod replay;
pub mod sink;
pub mod topology;
pub mod worker;

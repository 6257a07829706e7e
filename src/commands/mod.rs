//! The subcommands of the `fraudstat` binary, one module each.

pub mod extract;

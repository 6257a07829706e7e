//! How much memory a worker may need at most, from its settings: what an
//! operator's container limit must cover.
//!
//! The CPU stage works on at most `cpu_threads` pages at once, each within
//! a per-page peak measured on hostile pages at the body cap; every
//! in-flight message may in addition hold its fetched body and the result
//! built from it while it waits for the CPU or for the broker's confirm.
//! The bound is therefore
//!
//! ```text
//! baseline + cpu_threads × PER_PAGE_PEAK_BYTES
//!          + concurrency × (max_body_bytes + max_result_bytes + max_input_bytes)
//! ```
//!
//! `docs/operations.md` gives the same formula and `tests/deploy.rs` checks
//! the Deployment's limit against it.

use crate::configuration::Settings;

/// Peak memory the CPU stage adds for one page at the 8 MiB body cap,
/// whatever its shape: the worst of the hostile shapes measured by
/// `cargo bench --bench scaling` (random bytes, `<a>` and `<p>` repeated,
/// dense figures) adds about 85–95 MiB over a process on a small page
/// (`docs/reliability.md`, "Per-page cost"), rounded up.
pub const PER_PAGE_PEAK_BYTES: u64 = 128 << 20;

/// Resident memory of an idle worker: runtime, connections, rule tables,
/// allocator reserve (measured about 60–90 MiB), rounded up.
pub const BASELINE_BYTES: u64 = 128 << 20;

/// The parts of the bound, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryBound {
    /// An idle worker.
    pub baseline: u64,
    /// Pages in the CPU stage: threads × per-page peak.
    pub cpu_stage: u64,
    /// Bodies, results and inputs held by in-flight messages.
    pub in_flight: u64,
}

impl MemoryBound {
    /// The bound for these settings, with `cpu_threads` CPU threads (the
    /// container's CPU limit, when the setting leaves it to the cores).
    pub fn new(settings: &Settings, cpu_threads: usize) -> Self {
        let w = &settings.worker;
        let per_message =
            (settings.fetch.max_body_bytes + w.max_result_bytes + w.max_input_bytes) as u64;
        Self {
            baseline: BASELINE_BYTES,
            cpu_stage: cpu_threads as u64 * PER_PAGE_PEAK_BYTES,
            in_flight: u64::from(w.concurrency) * per_message,
        }
    }

    /// The whole bound.
    pub fn total(&self) -> u64 {
        self.baseline + self.cpu_stage + self.in_flight
    }
}

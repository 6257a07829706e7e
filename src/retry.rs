//! Where a transiently failed URL waits before its next attempt.
//!
//! Waiting happens in the broker (one TTL queue per delay), not in the
//! worker, so a retry survives a worker restart and does not hold a
//! prefetch slot. Jitter is applied as a per-message expiration below the
//! queue's TTL: a queue only expires messages at its head, so messages of
//! one queue must have nearly the same delay, and taking off at most a
//! fraction keeps the head-of-line wait within that fraction.

use std::time::Duration;

use crate::amqp::topology::RetryQueue;

/// The decision for one transient failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryPlan {
    /// Wait in `queue` for `delay_ms` (the message's expiration).
    Wait {
        /// Retry queue name.
        queue: String,
        /// Delay with jitter applied, ms.
        delay_ms: u64,
    },
    /// The attempt budget is spent: record the failure.
    GiveUp,
}

/// Retry policy: queues, attempt budget, jitter.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    queues: Vec<RetryQueue>,
    max_attempts: u32,
    jitter: f64,
}

impl RetryPolicy {
    /// A policy over the given queues (shortest delay first).
    pub fn new(queues: Vec<RetryQueue>, max_attempts: u32, jitter: f64) -> Self {
        Self {
            queues,
            max_attempts,
            jitter: jitter.clamp(0.0, 0.99),
        }
    }

    /// This attempt's number (1-based), from the attempts made before it as
    /// the input's `x-fraudstat-attempts` header says, and whether that
    /// header was ignored.
    ///
    /// The header comes from outside: a worker writes at most
    /// `max_attempts - 1` on a retry, so a larger value was set by someone
    /// else (or by a deployment with a larger budget) and is ignored, the
    /// message counting as a first attempt. Trusting it would let a
    /// crawler or an attacker turn the first transient error into a final
    /// one by sending 2^62; clamping it would do the same.
    pub fn attempt_number(&self, prior: Option<u64>) -> (u32, bool) {
        match prior {
            None => (1, false),
            Some(n) if n < u64::from(self.max_attempts) => {
                // n < max_attempts <= u32::MAX, so neither step can fail.
                (u32::try_from(n).unwrap_or(0).saturating_add(1), false)
            }
            Some(_) => (1, true),
        }
    }

    /// What to do after attempt number `attempt` (1-based) failed
    /// transiently, with the server's `Retry-After` if it sent one.
    /// `random` in `[0, 1)` picks the jitter (passed in so tests can fix it).
    pub fn plan(&self, attempt: u32, retry_after: Option<Duration>, random: f64) -> RetryPlan {
        if attempt >= self.max_attempts || self.queues.is_empty() {
            return RetryPlan::GiveUp;
        }
        let last = self.queues.len() - 1;
        let by_attempt = usize::try_from(attempt.saturating_sub(1))
            .unwrap_or(usize::MAX)
            .min(last);
        // The server said how long to stay away: the first delay at least
        // that long (capped at the longest), never shorter than backoff.
        let by_server = retry_after.map_or(0, |ra| {
            let ra_ms = u64::try_from(ra.as_millis()).unwrap_or(u64::MAX);
            self.queues
                .iter()
                .position(|q| q.delay_ms >= ra_ms)
                .unwrap_or(last)
        });
        let Some(queue) = self.queues.get(by_attempt.max(by_server)) else {
            return RetryPlan::GiveUp;
        };
        let floor = retry_after.map_or(0, |ra| u64::try_from(ra.as_millis()).unwrap_or(u64::MAX));
        // Jitter takes off up to `jitter` of the delay but never goes
        // below what the server asked for.
        let cut = (queue.delay_ms as f64 * self.jitter * random.clamp(0.0, 1.0)) as u64;
        let delay_ms = queue
            .delay_ms
            .saturating_sub(cut)
            .max(floor.min(queue.delay_ms))
            .max(1);
        RetryPlan::Wait {
            queue: queue.name.clone(),
            delay_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        let q = |d: u64| RetryQueue {
            delay_ms: d,
            name: format!("p.retry.{d}"),
        };
        RetryPolicy::new(vec![q(1000), q(5000), q(30000)], 4, 0.2)
    }

    #[test]
    fn delays_grow_then_budget_runs_out() {
        let p = policy();
        let queue = |a| match p.plan(a, None, 0.0) {
            RetryPlan::Wait { queue, .. } => queue,
            RetryPlan::GiveUp => "give up".into(),
        };
        assert_eq!(queue(1), "p.retry.1000");
        assert_eq!(queue(2), "p.retry.5000");
        assert_eq!(queue(3), "p.retry.30000");
        assert_eq!(queue(4), "give up");
    }

    #[test]
    fn an_attempt_count_from_outside_past_the_budget_is_ignored() {
        let p = policy();
        assert_eq!(p.attempt_number(None), (1, false));
        assert_eq!(p.attempt_number(Some(0)), (1, false));
        assert_eq!(p.attempt_number(Some(3)), (4, false));
        for bogus in [4, 5, 1 << 31, u64::from(u32::MAX), 1 << 62, u64::MAX] {
            assert_eq!(p.attempt_number(Some(bogus)), (1, true), "{bogus}");
        }
        // So 2^62 still leaves the whole budget: the first transient
        // failure is retried.
        let (attempt, _) = p.attempt_number(Some(1 << 62));
        assert!(matches!(p.plan(attempt, None, 0.0), RetryPlan::Wait { .. }));
        // And nothing overflows at the largest budget settings allow, or
        // past it.
        let big = RetryPolicy::new(Vec::new(), u32::MAX, 0.0);
        assert_eq!(
            big.attempt_number(Some(u64::from(u32::MAX) - 1)),
            (u32::MAX, false)
        );
        assert_eq!(big.attempt_number(Some(u64::MAX)), (1, true));
        assert_eq!(big.plan(u32::MAX, None, 0.5), RetryPlan::GiveUp);
    }

    #[test]
    fn retry_after_picks_the_first_long_enough_queue() {
        let p = policy();
        let plan = p.plan(1, Some(Duration::from_secs(2)), 0.99);
        let RetryPlan::Wait { queue, delay_ms } = plan else {
            panic!("expected a retry")
        };
        assert_eq!(queue, "p.retry.5000");
        assert!((2000..=5000).contains(&delay_ms));
        // Longer than every queue: the longest.
        let plan = p.plan(1, Some(Duration::from_secs(3600)), 0.0);
        assert!(matches!(plan, RetryPlan::Wait { queue, .. } if queue == "p.retry.30000"));
    }

    #[test]
    fn jitter_stays_within_its_fraction() {
        let p = policy();
        for r in [0.0, 0.5, 0.999] {
            let RetryPlan::Wait { delay_ms, .. } = p.plan(2, None, r) else {
                panic!()
            };
            assert!((4000..=5000).contains(&delay_ms), "{delay_ms}");
        }
    }
}

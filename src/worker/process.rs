//! One delivery to one outcome, with no broker involved: parse the input,
//! fetch (within the per-host limit), run the pipeline, and on an error
//! decide between retry and failure.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use lapin::BasicProperties;

use crate::amqp::headers;
use crate::amqp::topology::Names;
use crate::budget::Budget;
use crate::configuration::Settings;
use crate::error::ConfigError;
use crate::events;
use crate::fetch::host_limit::HostLimiter;
use crate::fetch::{FetchError, Fetcher};
use crate::input::{BadMessage, InputMessage, body_id};
use crate::model::ExtractionResult;
use crate::pipeline::{Document, Pipeline, TooComplex};
use crate::retry::{RetryPlan, RetryPolicy};
use crate::telemetry::propagation;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::WorkerError;
use super::cpu::{CpuError, CpuPool};

/// A delivery as the processor sees it.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The message body.
    pub body: &'a [u8],
    /// Its properties (headers carry attempts and trace context).
    pub properties: &'a BasicProperties,
}

/// What to do with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Transient: try again later, through a retry queue.
    Retry,
    /// Permanent: the URL cannot be done; failure record at once.
    Fail,
    /// The message itself is wrong; failure record at once.
    Reject,
}

/// Why a URL was not turned into a result.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// The body is not an input message. Reject.
    #[error(transparent)]
    BadMessage(#[from] BadMessage),
    /// The body is over `worker.max_input_bytes`; it was not read. Reject.
    #[error("input message of {bytes} bytes is over the limit of {limit}")]
    TooLarge {
        /// Its length.
        bytes: usize,
        /// `worker.max_input_bytes`.
        limit: usize,
    },
    /// The page's CPU budget ran out before extraction. Fail: it would
    /// again.
    #[error(transparent)]
    TooComplex(#[from] TooComplex),
    /// The result is over `worker.max_result_bytes`. Fail.
    #[error("result of {bytes} bytes is over the limit of {limit}")]
    ResultTooLarge {
        /// Its length, serialised.
        bytes: usize,
        /// `worker.max_result_bytes`.
        limit: usize,
    },
    /// The broker refused what the worker published for this input (size,
    /// frame). Fail: it would refuse it again.
    #[error("the broker refused the outcome: {0}")]
    PublishRefused(String),
    /// Fetching failed; transient or permanent per [`FetchError::is_transient`].
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The pipeline panicked on this page: a bug, and it would panic again. Fail.
    #[error("pipeline crashed on this page: {0}")]
    Pipeline(String),
    /// The result could not be serialised. Fail.
    #[error("result not serialisable: {0}")]
    Serialise(String),
}

impl WorkError {
    /// Retry, fail or reject.
    pub fn verdict(&self) -> Verdict {
        match self {
            WorkError::BadMessage(_) | WorkError::TooLarge { .. } => Verdict::Reject,
            WorkError::Fetch(e) if e.is_transient() => Verdict::Retry,
            WorkError::Fetch(_)
            | WorkError::Pipeline(_)
            | WorkError::Serialise(_)
            | WorkError::TooComplex(_)
            | WorkError::ResultTooLarge { .. }
            | WorkError::PublishRefused(_) => Verdict::Fail,
        }
    }

    /// Stable short name for records, logs and metric labels.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkError::BadMessage(_) => "bad_message",
            WorkError::TooLarge { .. } => "too_large",
            WorkError::TooComplex(_) => "too_complex",
            WorkError::ResultTooLarge { .. } => "result_too_large",
            WorkError::PublishRefused(_) => "publish_refused",
            WorkError::Fetch(e) => e.kind(),
            WorkError::Pipeline(_) => "pipeline_crash",
            WorkError::Serialise(_) => "serialise",
        }
    }

    /// The HTTP status behind the error, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            WorkError::Fetch(FetchError::Status { status, .. }) => Some(*status),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            WorkError::Fetch(FetchError::Status {
                retry_after_secs: Some(s),
                ..
            }) => Some(Duration::from_secs(*s)),
            _ => None,
        }
    }
}

/// How one message ended up.
#[derive(Debug)]
pub enum Outcome {
    /// A result to publish.
    Done(Box<ExtractionResult>),
    /// A transient error: wait in `queue`, then try again.
    Retry {
        /// The error.
        error: WorkError,
        /// Retry queue.
        queue: String,
        /// Delay, ms, jitter included.
        delay_ms: u64,
    },
    /// A failure record to publish.
    Failed {
        /// The (last) error.
        error: WorkError,
        /// True when a transient error ran out of attempts.
        exhausted: bool,
    },
    /// The worker is stopping and gave up on this message before it had
    /// an outcome: nothing is published, the input is left
    /// unacknowledged and the broker redelivers it.
    Abandoned,
}

impl Outcome {
    /// How the message ends once this outcome is confirmed.
    pub fn finished(&self) -> crate::events::Outcome {
        match self {
            Outcome::Done(_) => crate::events::Outcome::Done,
            Outcome::Retry { .. } => crate::events::Outcome::Retry,
            Outcome::Failed { .. } => crate::events::Outcome::Failed,
            Outcome::Abandoned => crate::events::Outcome::Abandoned,
        }
    }

    /// The error, unless done.
    pub fn error(&self) -> Option<&WorkError> {
        match self {
            Outcome::Done(_) | Outcome::Abandoned => None,
            Outcome::Retry { error, .. } | Outcome::Failed { error, .. } => Some(error),
        }
    }
}

/// Everything known about one processed message.
#[derive(Debug)]
pub struct Processed {
    /// Result id (caller's or stable hash; a body hash for bad messages).
    pub id: String,
    /// The URL, when the message had one, without user name and password.
    pub url: Option<String>,
    /// This attempt's number, 1-based.
    pub attempt: u32,
    /// RFC 3339 time of the first attempt.
    pub first_attempt_at: String,
    /// The trace context the input came with (the caller's span and
    /// baggage; empty when it had none), for what is published.
    pub trace: opentelemetry::Context,
    /// Passed through from the input.
    pub meta: serde_json::Value,
    /// What happened.
    pub outcome: Outcome,
    /// HTTP status seen, if a response came.
    pub status: Option<u16>,
    /// Time fetching.
    pub fetch_time: Option<Duration>,
    /// Time in the pipeline.
    pub process_time: Option<Duration>,
}

/// Parse, fetch, process, decide. Shared by every delivery task.
pub struct Processor {
    pipeline: Arc<Pipeline>,
    fetcher: Fetcher,
    hosts: HostLimiter,
    retry: RetryPolicy,
    cpu: CpuPool,
    max_input_bytes: usize,
    page_deadline: Duration,
    /// Set when the worker stops waiting for in-flight messages: pages
    /// still in the CPU stage stop at their next budget check.
    abandon: Arc<AtomicBool>,
}

impl Processor {
    /// Loads the rule files and builds the HTTP client.
    pub fn new(settings: &Settings) -> Result<Self, WorkerError> {
        let pipeline = Pipeline::load(settings).map_err(|e: ConfigError| WorkerError::Config(e))?;
        let fetcher = Fetcher::new(&settings.fetch).map_err(WorkerError::Fetcher)?;
        let names = Names::new(settings);
        let w = &settings.worker;
        let threads = w.cpu_threads();
        Ok(Self {
            pipeline: Arc::new(pipeline),
            fetcher,
            hosts: HostLimiter::new(w.per_host_concurrency),
            retry: RetryPolicy::new(
                names.retry,
                settings.retry.max_attempts,
                settings.retry.jitter,
            ),
            // One page queued per thread keeps every thread busy; the
            // other fetched pages wait in their tasks, which the
            // concurrency bounds.
            cpu: CpuPool::new(threads, threads),
            max_input_bytes: w.max_input_bytes,
            page_deadline: w.page_deadline(),
            abandon: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Threads of the CPU stage.
    pub fn cpu_threads(&self) -> usize {
        self.cpu.threads()
    }

    /// Runs CPU work on the CPU stage's threads (serialising a result,
    /// hashing an input), keeping it off the async runtime.
    pub async fn on_cpu<T, F>(&self, f: F) -> Result<T, CpuError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.cpu.run(f).await
    }

    /// Stops the CPU work of every page in flight at its next budget
    /// check; those messages end [`Outcome::Abandoned`]. For shutdown,
    /// once the grace period is over.
    pub fn abandon_in_flight(&self) {
        self.abandon
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Turns one delivery into its outcome. Never fails: every problem is
    /// an outcome (retry or failure record), so no message is dropped.
    pub async fn process_one(&self, msg: &Incoming<'_>) -> Processed {
        let span = tracing::Span::current();
        let hdrs = msg.properties.headers().as_ref();
        let trace = propagation::extract(hdrs);
        let prior = headers::get_u64(hdrs, headers::ATTEMPTS);
        let (attempt, ignored) = self.retry.attempt_number(prior);
        if ignored {
            events::attempts_header_ignored(prior.unwrap_or_default());
        }
        // Only a well-formed time is carried on: the header comes from
        // outside and is copied into everything published for this input.
        let first_attempt_at = headers::get_str(hdrs, headers::FIRST_ATTEMPT_AT)
            .filter(|t| t.len() <= 64 && chrono::DateTime::parse_from_rfc3339(t).is_ok())
            .unwrap_or_else(|| Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true));
        span.record("attempt", attempt);

        let mut processed = Processed {
            id: String::new(),
            url: None,
            attempt,
            first_attempt_at,
            trace,
            meta: serde_json::Value::Null,
            outcome: Outcome::Failed {
                error: WorkError::BadMessage(BadMessage("unprocessed".into())),
                exhausted: false,
            },
            status: None,
            fetch_time: None,
            process_time: None,
        };
        if msg.body.len() > self.max_input_bytes {
            // Hashing tens of megabytes is CPU work: not on the threads
            // that drive the broker connections (their heartbeats stalled).
            let copy = msg.body.to_vec();
            processed.id = self
                .cpu
                .run(move || body_id(&copy))
                .await
                .unwrap_or_else(|_| "too-large".into());
            span.record("result_id", processed.id.as_str());
            processed.outcome = Outcome::Failed {
                error: WorkError::TooLarge {
                    bytes: msg.body.len(),
                    limit: self.max_input_bytes,
                },
                exhausted: false,
            };
            return processed;
        }
        let input = match InputMessage::parse(msg.body) {
            Ok(input) => input,
            Err(bad) => {
                processed.id = body_id(msg.body);
                span.record("result_id", processed.id.as_str());
                processed.outcome = Outcome::Failed {
                    error: bad.into(),
                    exhausted: false,
                };
                return processed;
            }
        };
        span.record("result_id", input.id.as_str());
        // Everything shown or published carries the URL without userinfo;
        // only the fetch itself and a retry's byte-exact input have it.
        let shown_url = input.url.redacted().into_owned();
        span.record("url", shown_url.as_str());
        span.set_attribute("url.full", shown_url.clone());
        processed.id = input.id.clone();
        processed.url = Some(shown_url.clone());
        processed.meta = input.meta.clone();

        let host = input
            .url
            .url()
            .host_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let fetched = {
            let _slot = self.hosts.acquire(&host).await;
            let start = Instant::now();
            let fetched = self.fetcher.fetch(&input.url).await;
            let took = start.elapsed();
            events::fetched(took);
            processed.fetch_time = Some(took);
            fetched
        };
        let page = match fetched {
            Ok(page) => page,
            Err(e) => {
                let error = WorkError::Fetch(e);
                processed.status = error.status();
                processed.outcome = self.decide(error, attempt);
                return processed;
            }
        };
        processed.status = Some(page.status);

        let start = Instant::now();
        let pipeline = self.pipeline.clone();
        let (id, url, meta) = (input.id.clone(), shown_url, input.meta);
        let (deadline, abandon) = (self.page_deadline, self.abandon.clone());
        // Cleaning and extraction are CPU work: they run on the pool sized
        // to the cores, off the threads that drive the broker connections
        // and the other fetches. The deadline counts from when a thread
        // takes the page, not from when it joined the queue.
        let joined = self
            .cpu
            .run(move || {
                // The stages' spans are children of the message's, though
                // they run on another thread.
                let _in_message = span.enter();
                let budget = Budget::until(Instant::now() + deadline).with_cancel(abandon);
                pipeline.process_within(
                    Document {
                        id,
                        url,
                        final_url: page.final_url.clone(),
                        status: page.status,
                        content_type: page.content_type.clone(),
                        body: &page.body,
                        fetched_at: Utc::now(),
                        meta,
                        attempts: attempt,
                    },
                    &budget,
                )
            })
            .await;
        let took = start.elapsed();
        events::processed(took);
        processed.process_time = Some(took);
        let abandoned = self.abandon.load(std::sync::atomic::Ordering::Relaxed);
        processed.outcome = match joined {
            _ if abandoned => Outcome::Abandoned,
            Ok(Ok(result)) => Outcome::Done(Box::new(result)),
            Ok(Err(too_complex)) => Outcome::Failed {
                error: too_complex.into(),
                exhausted: false,
            },
            Err(CpuError::Stopped) => Outcome::Abandoned,
            Err(e @ CpuError::Panicked(_)) => Outcome::Failed {
                error: WorkError::Pipeline(e.to_string()),
                exhausted: false,
            },
        };
        processed
    }

    fn decide(&self, error: WorkError, attempt: u32) -> Outcome {
        match error.verdict() {
            Verdict::Fail | Verdict::Reject => Outcome::Failed {
                error,
                exhausted: false,
            },
            Verdict::Retry => {
                match self
                    .retry
                    .plan(attempt, error.retry_after(), rand::random::<f64>())
                {
                    RetryPlan::Wait { queue, delay_ms } => {
                        events::retry_scheduled(error.kind(), &queue, delay_ms, attempt);
                        Outcome::Retry {
                            error,
                            queue,
                            delay_ms,
                        }
                    }
                    RetryPlan::GiveUp => {
                        events::giving_up(error.kind(), attempt);
                        Outcome::Failed {
                            error,
                            exhausted: true,
                        }
                    }
                }
            }
        }
    }
}

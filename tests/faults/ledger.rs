//! A Jepsen-style ledger, after RabbitMQ's own `total-queue` checker: every
//! URL goes in with a unique id, the ledger records which publishes the
//! broker confirmed, and after the fault and the drain every message in
//! `{p}.results` and `{p}.failed` is read back and counted:
//!
//! - **lost**: confirmed but with no outcome at all (must be 0);
//! - **unexpected**: an outcome whose id was never sent, or that names
//!   another URL than the one sent with its id (must be 0);
//! - **duplicated**: ids with more than one outcome (allowed under
//!   at-least-once; reported, and each duplicate carries the same id and URL).
//!
//! The ledger's broker client is its own connection, reopened after any
//! error, so it survives the faults it watches.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use lapin::options::{
    BasicAckOptions, BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Confirmation, Connection, ConnectionProperties};

use crate::helpers::{AMQP_URL, TestApp, WorkerProcess};

/// A broker client that reconnects whenever an operation fails.
pub struct Client {
    conn: Option<(Connection, Channel)>,
}

impl Client {
    pub fn new() -> Client {
        Client { conn: None }
    }

    async fn channel(&mut self) -> Channel {
        if let Some((c, ch)) = &self.conn
            && c.status().connected()
            && ch.status().connected()
        {
            return ch.clone();
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
        loop {
            let attempt = async {
                let c = Connection::connect(
                    AMQP_URL,
                    ConnectionProperties::default().with_connection_name("fault ledger".into()),
                )
                .await?;
                let ch = c.create_channel().await?;
                ch.confirm_select(ConfirmSelectOptions::default()).await?;
                Ok::<_, lapin::Error>((c, ch))
            };
            match attempt.await {
                Ok((c, ch)) => {
                    self.conn = Some((c, ch.clone()));
                    return ch;
                }
                Err(e) => {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "ledger cannot reach the broker: {e}"
                    );
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    }

    fn reset(&mut self) {
        self.conn = None;
    }

    /// Ready messages in a queue; `None` while the broker is unreachable.
    pub async fn queue_len(&mut self, queue: &str) -> Option<u32> {
        let ch = self.channel().await;
        match ch
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
        {
            Ok(q) => Some(q.message_count()),
            Err(_) => {
                self.reset();
                None
            }
        }
    }

    /// Takes what is in `queue` now, through a consumer with a large
    /// prefetch (one `basic.get` at a time costs a quorum-queue round trip
    /// each). A message counts as taken only once its acknowledgement went
    /// through: if the connection drops first the broker hands it out
    /// again, and counting it twice would invent a duplicate.
    pub async fn drain(&mut self, queue: &str) -> Vec<Drained> {
        use futures_util::StreamExt;
        // A channel of its own per drain: closing it hands back anything
        // not acknowledged, so nothing is half-taken.
        self.channel().await;
        let Some((conn, _)) = &self.conn else {
            return Vec::new();
        };
        let Ok(ch) = conn.create_channel().await else {
            self.reset();
            return Vec::new();
        };
        if ch
            .basic_qos(1000, lapin::options::BasicQosOptions::default())
            .await
            .is_err()
        {
            self.reset();
            return Vec::new();
        }
        let Ok(mut consumer) = ch
            .basic_consume(
                queue.into(),
                "ledger".into(),
                lapin::options::BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
        else {
            self.reset();
            return Vec::new();
        };
        let mut batch = Vec::new();
        let mut last = None;
        while let Ok(Some(Ok(d))) =
            tokio::time::timeout(Duration::from_millis(300), consumer.next()).await
        {
            let death_reason = d.properties.headers().as_ref().and_then(|h| {
                match h.inner().get("x-first-death-reason") {
                    Some(AMQPValue::LongString(s)) => Some(s.to_string()),
                    _ => None,
                }
            });
            batch.push(Drained {
                body: d.data.clone(),
                death_reason,
            });
            last = Some(d.acker);
            if batch.len() >= 5000 {
                break;
            }
        }
        let acked = match last {
            None => true,
            Some(acker) => matches!(
                acker.ack(BasicAckOptions { multiple: true }).await,
                Ok(true)
            ),
        };
        let _ = ch.close(200, "drained".into()).await;
        if !acked {
            self.reset();
            return Vec::new();
        }
        batch
    }
}

/// One message read back from an output queue.
pub struct Drained {
    pub body: Vec<u8>,
    /// Set when the broker dead-lettered the input itself (delivery limit).
    pub death_reason: Option<String>,
}

/// What the ledger knows was sent.
#[derive(Default)]
pub struct Ledger {
    /// id → URL, for everything published.
    pub sent: BTreeMap<String, String>,
    /// ids the broker confirmed.
    pub confirmed: BTreeSet<String>,
    /// Everything read back, by id, in order: the fate of each copy.
    pub outcomes: BTreeMap<String, Vec<Fate>>,
    /// Outcomes that do not belong: unknown id, wrong URL, unreadable body.
    pub unexpected: Vec<String>,
    /// Size of the largest outcome read back, in bytes.
    pub largest_outcome: usize,
    /// ids whose outcomes are kept whole in `kept`, for tests that look
    /// inside them.
    pub watched: BTreeSet<String>,
    /// The outcomes of watched ids, as read back.
    pub kept: BTreeMap<String, Vec<serde_json::Value>>,
}

/// How one copy of a URL ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    Result,
    Failure(String),
    DeadLettered(String),
}

impl Ledger {
    /// Publishes `{"url","id"}` for each pair, pipelining confirms, and
    /// records which the broker confirmed.
    pub async fn enqueue(app: &TestApp, items: &[(String, String)]) -> Ledger {
        let mut ledger = Ledger::default();
        ledger.enqueue_more(app, items).await;
        ledger
    }

    /// As [`Ledger::enqueue`], adding to this ledger.
    pub async fn enqueue_more(&mut self, app: &TestApp, items: &[(String, String)]) {
        let raw = items
            .iter()
            .map(|(id, url)| {
                let body = serde_json::json!({"url": url, "id": id}).to_string();
                (
                    id.clone(),
                    url.clone(),
                    body.into_bytes(),
                    FieldTable::default(),
                )
            })
            .collect();
        self.enqueue_raw(app, raw).await;
    }

    /// Publishes raw bodies with the headers given, pipelining confirms,
    /// recording each under `id` for `url`: for a message too broken to
    /// parse, the worker's body hash and no URL (`""`).
    pub async fn enqueue_raw(
        &mut self,
        app: &TestApp,
        items: Vec<(String, String, Vec<u8>, FieldTable)>,
    ) {
        let conn = Connection::connect(AMQP_URL, ConnectionProperties::default())
            .await
            .unwrap();
        let ch = conn.create_channel().await.unwrap();
        ch.confirm_select(ConfirmSelectOptions::default())
            .await
            .unwrap();
        for chunk in items.chunks(250) {
            let mut pending = Vec::new();
            for (id, url, body, headers) in chunk {
                let confirm = ch
                    .basic_publish(
                        "".into(),
                        app.names.urls.as_str().into(),
                        BasicPublishOptions {
                            mandatory: true,
                            ..Default::default()
                        },
                        body,
                        BasicProperties::default()
                            .with_delivery_mode(2)
                            .with_content_type("application/json".into())
                            .with_headers(headers.clone()),
                    )
                    .await
                    .unwrap();
                self.sent.insert(id.clone(), url.clone());
                pending.push((id.clone(), confirm));
            }
            for (id, confirm) in pending {
                if let Ok(Confirmation::Ack(None)) = confirm.await {
                    self.confirmed.insert(id);
                }
            }
        }
        let _ = conn.close(200, "enqueued".into()).await;
    }

    /// Reads everything now in the results and failure queues into the ledger.
    pub async fn collect(&mut self, client: &mut Client, app: &TestApp) {
        for m in client.drain(&app.names.results_queue).await {
            self.record(&m, false);
        }
        for m in client.drain(&app.names.failed).await {
            self.record(&m, true);
        }
    }

    fn record(&mut self, m: &Drained, failed_queue: bool) {
        self.largest_outcome = self.largest_outcome.max(m.body.len());
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&m.body) else {
            self.unexpected
                .push(format!("unreadable: {}", String::from_utf8_lossy(&m.body)));
            return;
        };
        // A dead-lettered input is the input itself: `{"url","id"}`.
        let fate = match (&m.death_reason, failed_queue) {
            (Some(reason), _) => Fate::DeadLettered(reason.clone()),
            (None, true) => Fate::Failure(json["error"]["kind"].as_str().unwrap_or("?").into()),
            (None, false) => Fate::Result,
        };
        // A failure record for a message too broken to parse carries a
        // hash of the body as its id; the caller's id is in the input kept.
        let mut id = json["id"].as_str().unwrap_or_default().to_string();
        let mut url = json["url"].as_str().unwrap_or_default();
        if !self.sent.contains_key(&id)
            && let Some(input_id) = json["input"]["id"].as_str()
        {
            id = input_id.to_string();
            url = json["input"]["url"].as_str().unwrap_or_default();
        }
        if self.watched.contains(&id) {
            self.kept.entry(id.clone()).or_default().push(json.clone());
        }
        match self.sent.get(&id) {
            Some(sent) if sent == url => self.outcomes.entry(id).or_default().push(fate),
            Some(sent) => self
                .unexpected
                .push(format!("id {id} came back for {url}, was sent for {sent}")),
            None => self.unexpected.push(format!("unknown id {id:?}: {json}")),
        }
    }

    /// Confirmed ids with no outcome yet.
    pub fn missing(&self) -> usize {
        self.confirmed
            .iter()
            .filter(|id| !self.outcomes.contains_key(*id))
            .count()
    }

    /// Outcomes seen so far, copies included.
    pub fn seen(&self) -> usize {
        self.outcomes.values().map(Vec::len).sum()
    }

    /// Reads outcomes until every confirmed id has one (or `patience`
    /// passes), then until the input and retry queues stay empty, so late
    /// duplicates are counted too.
    pub async fn settle(&mut self, client: &mut Client, app: &TestApp, patience: Duration) {
        let deadline = tokio::time::Instant::now() + patience;
        while self.missing() > 0 && tokio::time::Instant::now() < deadline {
            self.collect(client, app).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let mut quiet = 0;
        while quiet < 3 && tokio::time::Instant::now() < deadline {
            let mut busy = false;
            for q in std::iter::once(app.names.urls.clone())
                .chain(app.names.retry.iter().map(|r| r.name.clone()))
            {
                busy |= client.queue_len(&q).await != Some(0);
            }
            quiet = if busy { 0 } else { quiet + 1 };
            self.collect(client, app).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Stops the workers (SIGTERM: they finish what they hold), then reads
    /// the last outcomes and counts.
    pub async fn finish(
        &mut self,
        client: &mut Client,
        app: &TestApp,
        workers: Vec<WorkerProcess>,
    ) -> Tally {
        for w in &workers {
            if w.pid() != 0 {
                let _ = std::process::Command::new("kill")
                    .arg("-TERM")
                    .arg(w.pid().to_string())
                    .status();
            }
        }
        for mut w in workers {
            let _ = w.wait().await;
        }
        self.collect(client, app).await;
        let mut left = 0;
        for q in std::iter::once(app.names.urls.clone())
            .chain(app.names.retry.iter().map(|r| r.name.clone()))
        {
            left += client.queue_len(&q).await.unwrap_or(0);
        }
        self.tally(left)
    }

    pub fn tally(&self, left_in_queues: u32) -> Tally {
        let mut t = Tally {
            sent: self.sent.len(),
            confirmed: self.confirmed.len(),
            left_in_queues,
            unexpected: self.unexpected.clone(),
            ..Tally::default()
        };
        for id in &self.confirmed {
            match self.outcomes.get(id) {
                None => t.lost.push(id.clone()),
                Some(fates) => {
                    if fates.len() > 1 {
                        t.duplicated.insert(id.clone(), fates.len());
                    }
                    for f in fates {
                        match f {
                            Fate::Result => t.results += 1,
                            Fate::Failure(k) => *t.failures.entry(k.clone()).or_default() += 1,
                            Fate::DeadLettered(r) => {
                                *t.dead_lettered.entry(r.clone()).or_default() += 1
                            }
                        }
                    }
                }
            }
        }
        // Outcomes for ids that were sent but never confirmed are fine
        // (the publish may have landed); they are not in the sums above.
        t
    }
}

/// The counts after a run.
#[derive(Debug, Default)]
pub struct Tally {
    pub sent: usize,
    pub confirmed: usize,
    pub results: usize,
    pub failures: BTreeMap<String, usize>,
    pub dead_lettered: BTreeMap<String, usize>,
    pub lost: Vec<String>,
    pub unexpected: Vec<String>,
    /// id → copies, for ids with more than one outcome.
    pub duplicated: BTreeMap<String, usize>,
    pub left_in_queues: u32,
}

impl Tally {
    /// Extra copies over all duplicated ids.
    pub fn extra_copies(&self) -> usize {
        self.duplicated.values().map(|n| n - 1).sum()
    }

    /// Asserts nothing was lost and nothing unexpected came out; prints the
    /// tally (and appends it to `$FRAUDSTAT_FAULT_REPORT` when set, which
    /// is how docs/reliability.md was filled).
    pub fn assert_nothing_lost(&self, name: &str) {
        self.report(name);
        assert!(self.lost.is_empty(), "{name}: lost {:?}", self.lost);
        assert!(
            self.unexpected.is_empty(),
            "{name}: unexpected {:?}",
            self.unexpected
        );
        assert_eq!(self.confirmed, self.sent, "{name}: enqueue not confirmed");
        assert_eq!(self.left_in_queues, 0, "{name}: messages left behind");
    }

    pub fn report(&self, name: &str) {
        let line = format!("{name}: {self}");
        eprintln!("LEDGER {line}");
        if let Ok(path) = std::env::var("FRAUDSTAT_FAULT_REPORT") {
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = writeln!(f, "{line}");
            }
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sent {} confirmed {} | results {} failures {:?} dead-lettered {:?} | lost {} unexpected {} duplicated {} ids ({} extra copies) | left in queues {}",
            self.sent,
            self.confirmed,
            self.results,
            self.failures,
            self.dead_lettered,
            self.lost.len(),
            self.unexpected.len(),
            self.duplicated.len(),
            self.extra_copies(),
            self.left_in_queues
        )
    }
}

/// `n` ledger items: id `{tag}-{i}` for the URL `make(i)`.
pub fn items(tag: &str, n: usize, make: impl Fn(usize) -> String) -> Vec<(String, String)> {
    (0..n).map(|i| (format!("{tag}-{i}"), make(i))).collect()
}

/// Peak resident memory of a process, KiB (`VmHWM`), while it runs.
pub fn vm_hwm_kib(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Messages a worker has finished (its `message finished` log lines).
pub fn finished(w: &WorkerProcess) -> usize {
    w.events()
        .iter()
        .filter(|e| e["fields"]["message"] == "message finished")
        .count()
}

/// Waits until the workers together have finished `n` messages: the
/// fault then lands mid-stream, with the rest still to do.
pub async fn wait_for_progress(workers: &[&WorkerProcess], n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    loop {
        let done: usize = workers.iter().map(|w| finished(w)).sum();
        if done >= n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {done} messages of {n} finished"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

//! `fraudstat sink` against the machine's PostgreSQL (127.0.0.1:5432,
//! user postgres, trust) and RabbitMQ (127.0.0.1:5672, guest): each test
//! has a database `fstest_<random>` and a queue prefix of its own, both
//! removed afterwards, also when the test fails (a guard's `Drop`).
//!
//! The ledger test sends the corpus's results, each reprinted under three
//! URLs (one copy rounding its figures differently), plus one planted
//! disagreement; kills the sink with SIGKILL mid-stream and restarts it
//! as two sinks, with the rest of the stream delivered twice;
//! then checks that every result is stored exactly once, that every
//! reprinted figure is one fact with the right sources, that the planted
//! disagreement is a conflict, and that an older fetch redelivered
//! changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fraudstat::configuration::Settings;
use fraudstat::sink::consume::{self, SinkNames};
use fraudstat::sink::interval::{self, Interval};
use lapin::options::{
    BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions, ExchangeDeleteOptions,
    QueueDeleteOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use serde_json::{Value, json};
use sqlx::{PgPool, Row};

const AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";
const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// A bound against hanging for ever, not a speed assertion.
const PATIENCE: Duration = Duration::from_secs(120);

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Shared with the worker suites' lock: a test that restarts the broker
/// takes it exclusively.
struct SuiteLock(#[allow(dead_code)] std::fs::File);

#[allow(clippy::incompatible_msrv)]
async fn lock_shared() -> SuiteLock {
    tokio::task::spawn_blocking(|| {
        let path = std::env::temp_dir().join("fraudstat-worker-tests.lock");
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .unwrap();
        f.lock_shared().unwrap();
        SuiteLock(f)
    })
    .await
    .unwrap()
}

/// A database and a queue prefix of the test's own, and the sinks it
/// started; all removed on drop.
struct Rig {
    db_name: String,
    db_url: String,
    prefix: String,
    pool: PgPool,
    channel: Channel,
    _connection: Connection,
    names: SinkNames,
    children: Vec<tokio::process::Child>,
    _lock: SuiteLock,
}

impl Rig {
    async fn new() -> Rig {
        let lock = lock_shared().await;
        let suffix = random_suffix();
        let db_name = format!("fstest_{suffix}");
        let admin = PgPool::connect(PG_ADMIN_URL)
            .await
            .expect("PostgreSQL on 127.0.0.1:5432 (user postgres, trust)");
        sqlx::query(&format!("CREATE DATABASE {db_name}"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let db_url = format!("postgres://postgres@127.0.0.1:5432/{db_name}");
        let pool = PgPool::connect(&db_url).await.unwrap();
        fraudstat::sink::schema::migrate(&pool).await.unwrap();
        let prefix = format!("fstest.sink.{suffix}");
        let settings = settings(&prefix, &db_url);
        let names = SinkNames::new(&settings);
        let connection = Connection::connect(AMQP_URL, ConnectionProperties::default())
            .await
            .expect("RabbitMQ on 127.0.0.1:5672");
        let channel = connection.create_channel().await.unwrap();
        consume::declare(&channel, &names).await.unwrap();
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .unwrap();
        Rig {
            db_name,
            db_url,
            prefix,
            pool,
            channel,
            _connection: connection,
            names,
            children: Vec::new(),
            _lock: lock,
        }
    }

    /// Starts `fraudstat sink` as a child process.
    fn start_sink(&mut self, batch_size: u16) {
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fraudstat"))
            .arg("sink")
            .env("FRAUDSTAT_QUEUES__PREFIX", &self.prefix)
            .env("FRAUDSTAT_SINK__DATABASE_URL", &self.db_url)
            .env("FRAUDSTAT_SINK__BATCH_SIZE", batch_size.to_string())
            .env("FRAUDSTAT_SINK__BATCH_WAIT_MS", "50")
            .env("FRAUDSTAT_METRICS__LISTEN", "")
            .env("FRAUDSTAT_LOG__FORMAT", "json")
            .env("RUST_LOG", "warn")
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            .kill_on_drop(true)
            .spawn()
            .expect("starting fraudstat sink");
        self.children.push(child);
    }

    /// SIGKILLs the newest sink: no drain, no acknowledgement.
    async fn kill_sink(&mut self) {
        let mut child = self.children.pop().expect("a sink");
        child.kill().await.unwrap();
    }

    /// SIGTERMs every sink and waits for each to exit 0.
    async fn stop_sinks(&mut self) {
        for mut child in self.children.drain(..) {
            if let Some(pid) = child.id() {
                // SAFETY: signals a child process this test started.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
            }
            let status = tokio::time::timeout(PATIENCE, child.wait())
                .await
                .expect("the sink stops after SIGTERM")
                .unwrap();
            assert!(status.success(), "sink exit: {status:?}");
        }
    }

    /// Publishes a result to the results exchange, as the worker does.
    async fn publish(&self, result: &Value) {
        let body = serde_json::to_vec(result).unwrap();
        self.publish_raw(&body, result["id"].as_str()).await;
    }

    async fn publish_raw(&self, body: &[u8], id: Option<&str>) {
        let mut properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type("application/json".into());
        if let Some(id) = id {
            properties = properties.with_message_id(id.into());
        }
        let confirm = self
            .channel
            .basic_publish(
                self.names.results_exchange.as_str().into(),
                "article.extracted".into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                body,
                properties,
            )
            .await
            .unwrap()
            .await
            .unwrap();
        assert!(confirm.is_ack(), "publish not confirmed");
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    /// Waits until `sql` counts at least `want`.
    async fn wait_for(&self, sql: &str, want: i64) {
        let start = Instant::now();
        loop {
            let n = self.count(sql).await;
            if n >= want {
                return;
            }
            assert!(start.elapsed() < PATIENCE, "{sql}: {n} of {want}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Messages ready in a queue (unacknowledged ones are not counted).
    async fn ready(&self, queue: &str) -> u32 {
        let q = self
            .channel
            .queue_declare(
                queue.into(),
                lapin::options::QueueDeclareOptions {
                    passive: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .unwrap();
        q.message_count()
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.start_kill();
        }
        let db_name = self.db_name.clone();
        let names = self.names.clone();
        let pool = self.pool.clone();
        // Drop cannot await: a thread with a runtime of its own cleans up.
        let cleanup = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                pool.close().await;
                if let Ok(admin) = PgPool::connect(PG_ADMIN_URL).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))
                        .execute(&admin)
                        .await;
                    admin.close().await;
                }
                if let Ok(c) = Connection::connect(AMQP_URL, ConnectionProperties::default()).await
                    && let Ok(ch) = c.create_channel().await
                {
                    for q in [&names.queue, &names.failed] {
                        let _ = ch
                            .queue_delete(q.as_str().into(), QueueDeleteOptions::default())
                            .await;
                    }
                    let _ = ch
                        .exchange_delete(
                            names.results_exchange.as_str().into(),
                            ExchangeDeleteOptions::default(),
                        )
                        .await;
                    let _ = c.close(200, "test done".into()).await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

fn settings(prefix: &str, db_url: &str) -> Settings {
    Settings::load_with_env(
        None,
        None,
        [
            ("FRAUDSTAT_QUEUES__PREFIX".to_string(), prefix.to_string()),
            (
                "FRAUDSTAT_SINK__DATABASE_URL".to_string(),
                db_url.to_string(),
            ),
        ],
    )
    .unwrap()
}

/// The corpus's results, from the built binary's `extract`.
fn corpus_results() -> Vec<Value> {
    let dir = crate_dir().join("tests/fixtures/corpus/pages");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    pages.sort();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fraudstat"))
        .arg("extract")
        .args(&pages)
        .env("FRAUDSTAT_LOG__FORMAT", "json")
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success(), "extract: {out:?}");
    let results: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), pages.len());
    results
}

/// Whether the facts view reconciles a statistic (docs/dataset.md).
fn reconciled(s: &Value) -> bool {
    s["metric"] != "other"
        && !s["region"].is_null()
        && (!s["period"]["from"].is_null() || !s["period"]["to"].is_null())
}

/// `26.2万` at the head of a written form: its digits, and the whole
/// prefix's length in characters.
fn decimal_wan(written: &str) -> Option<(u64, usize)> {
    let re = regex::Regex::new(r"^([0-9]+)\.([0-9])万").unwrap();
    let c = re.captures(written)?;
    let whole: u64 = c[1].parse().ok()?;
    let tenth: u64 = c[2].parse().ok()?;
    Some((whole * 10_000 + tenth * 1000, c[0].chars().count()))
}

/// A reprint under another id and URL. `reround` rewrites each exact
/// `26.2万` of the body as `262,000余` (approx over): the same figure
/// rounded another way, as sites do; spans after it move.
fn reprint(result: &Value, page: usize, copy: usize, reround: bool) -> Value {
    let mut r = result.clone();
    let id = format!("{}-c{copy}", result["id"].as_str().unwrap());
    let url = format!("http://reprint{copy}.example/{page}.html");
    r["id"] = json!(id);
    r["url"] = json!(url);
    r["final_url"] = json!(url);
    if !reround {
        return r;
    }
    let mut text: Vec<char> = r["article"]["text"].as_str().unwrap().chars().collect();
    let stats = r["statistics"].as_array_mut().unwrap();
    // From the last span back, so earlier spans stay right; spans that
    // overlap one rewritten are left alone.
    let mut order: Vec<usize> = (0..stats.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(stats[i]["span"][0].as_u64().unwrap()));
    let mut floor = usize::MAX;
    for i in order {
        let s = &stats[i];
        if s["in_title"] == true || !s["approx"].is_null() {
            continue;
        }
        let (start, end) = (
            s["span"][0].as_u64().unwrap() as usize,
            s["span"][1].as_u64().unwrap() as usize,
        );
        if end > floor || end > text.len() {
            continue;
        }
        let written: String = text[start..end].iter().collect();
        let Some((value, len)) = decimal_wan(&written) else {
            continue;
        };
        if (s["value"].as_f64().unwrap() - value as f64).abs() > 0.5 {
            continue;
        }
        let old: String = text[start..start + len].iter().collect();
        let new = format!("{},{:03}余", value / 1000, value % 1000);
        let delta = new.chars().count() as i64 - len as i64;
        text.splice(start..start + len, new.chars());
        let sentence = s["sentence"].as_str().unwrap().replacen(&old, &new, 1);
        stats[i]["sentence"] = json!(sentence);
        stats[i]["approx"] = json!("over");
        stats[i]["span"][1] = json!((end as i64 + delta) as u64);
        for t in stats.iter_mut() {
            if t["in_title"] != true && t["span"][0].as_u64().unwrap() as usize >= end {
                let shift = |v: &Value| json!((v.as_u64().unwrap() as i64 + delta) as u64);
                t["span"][0] = shift(&t["span"][0]);
                t["span"][1] = shift(&t["span"][1]);
            }
        }
        floor = start;
    }
    r["article"]["text"] = json!(text.iter().collect::<String>());
    r
}

/// The fact key of a statistic row, as the view partitions.
type Key = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

const REPRINTS: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_reprints_kills_and_redeliveries_end_as_one_fact_each() {
    let mut rig = Rig::new().await;
    let results = corpus_results();

    // Every page three times; the third copy rounds differently.
    let mut sent: Vec<Value> = Vec::new();
    for (page, r) in results.iter().enumerate() {
        for copy in 0..REPRINTS {
            sent.push(reprint(r, page, copy, copy == REPRINTS - 1));
        }
    }
    let rerounded = sent
        .iter()
        .filter(|r| r["id"].as_str().unwrap().ends_with("-c2"))
        .flat_map(|r| r["statistics"].as_array().unwrap().iter())
        .filter(|s| s["approx"] == "over" && s["sentence"].as_str().unwrap().contains(",000余"))
        .count();
    assert!(rerounded >= 5, "only {rerounded} statistics re-rounded");

    // The planted disagreement: another site's page stating one reconciled
    // figure of page P as half again as much.
    let (planted_page, planted_ordinal) = results
        .iter()
        .enumerate()
        .find_map(|(p, r)| {
            r["statistics"]
                .as_array()
                .unwrap()
                .iter()
                .position(|s| reconciled(s) && s["value"].as_f64().unwrap() >= 100.0)
                .map(|i| (p, i))
        })
        .expect("a reconciled statistic in the corpus");
    let mut planted = reprint(&results[planted_page], planted_page, 9, false);
    let planted_id = planted["id"].as_str().unwrap().to_string();
    let mut stat = planted["statistics"][planted_ordinal].clone();
    let planted_value = (stat["value"].as_f64().unwrap() * 1.5).round();
    stat["value"] = json!(planted_value);
    planted["statistics"] = json!([stat]);
    sent.push(planted.clone());

    // Half the stream, a sink killed in the middle of it, the rest, a
    // second sink.
    let half = sent.len() / 2;
    for r in &sent[..half] {
        rig.publish(r).await;
    }
    rig.start_sink(5);
    rig.wait_for("SELECT count(*) FROM articles", 10).await;
    rig.kill_sink().await;
    let stored_at_kill = rig.count("SELECT count(*) FROM articles").await;
    assert!(
        stored_at_kill < sent.len() as i64,
        "the sink finished before it was killed"
    );
    // The rest twice (as a worker's redelivery after a crash would), to
    // two sinks at once: the same ids written concurrently.
    for r in &sent[half..] {
        rig.publish(r).await;
        rig.publish(r).await;
    }
    rig.start_sink(5);
    rig.start_sink(7);
    rig.wait_for("SELECT count(*) FROM articles", sent.len() as i64)
        .await;
    // Until both queues are empty, so no write is still on its way.
    let start = Instant::now();
    while rig.ready(&rig.names.queue).await > 0 {
        assert!(start.elapsed() < PATIENCE, "queue not drained");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    rig.stop_sinks().await;
    assert_eq!(rig.ready(&rig.names.queue).await, 0, "queue drained");
    assert_eq!(rig.ready(&rig.names.failed).await, 0, "nothing failed");

    // Exactly one copy of each result.
    let want_statistics: usize = sent
        .iter()
        .map(|r| r["statistics"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        rig.count("SELECT count(*) FROM articles").await,
        sent.len() as i64
    );
    assert_eq!(
        rig.count("SELECT count(*) FROM statistics").await,
        want_statistics as i64
    );
    let per_article: HashMap<String, i64> =
        sqlx::query("SELECT article_id, count(*) FROM statistics GROUP BY article_id")
            .fetch_all(&rig.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
    for r in &sent {
        let n = r["statistics"].as_array().unwrap().len() as i64;
        let id = r["id"].as_str().unwrap();
        assert_eq!(per_article.get(id).copied().unwrap_or(0), n, "{id}");
    }

    check_facts(&rig, &sent).await;
    check_conflict(&rig, &planted_id, planted_value).await;
    check_redeliveries(&mut rig, &sent).await;
}

/// Each reconciled statistic's three copies are in one fact; every fact
/// holding one page's figure alone has three sources; and the view's
/// facts are the Rust rule's (`interval::fact_numbers`).
async fn check_facts(rig: &Rig, sent: &[Value]) {
    let rows = sqlx::query(
        "SELECT article_id, ordinal, metric, unit, kind, direction, currency, per, region, \
                period_from::text, period_to::text, fact_no \
         FROM fact_members",
    )
    .fetch_all(&rig.pool)
    .await
    .unwrap();
    // (page id, ordinal) → the facts its copies are in.
    let mut facts_of: BTreeMap<(String, i32), BTreeSet<(Key, i32)>> = BTreeMap::new();
    // fact → the pages whose copies state it.
    let mut pages_of: BTreeMap<(Key, i32), BTreeSet<String>> = BTreeMap::new();
    for row in &rows {
        let article: String = row.get(0);
        let Some((page, copy)) = article.rsplit_once("-c") else {
            panic!("unexpected id {article}")
        };
        let key: Key = (
            row.get(2),
            row.get(3),
            row.get(4),
            row.get(5),
            row.get(6),
            row.get(7),
            row.get(8),
            row.get(9),
            row.get(10),
        );
        let fact = (key, row.get::<i32, _>(11));
        if copy == "9" {
            continue; // the planted page
        }
        facts_of
            .entry((page.to_string(), row.get(1)))
            .or_default()
            .insert(fact.clone());
        pages_of.entry(fact).or_default().insert(page.to_string());
    }
    assert!(
        facts_of.len() >= 20,
        "only {} reconciled figures",
        facts_of.len()
    );
    for ((page, ordinal), facts) in &facts_of {
        assert_eq!(
            facts.len(),
            1,
            "{page} #{ordinal}'s copies are in {facts:?}"
        );
    }
    // fact → the articles (all copies, the planted one too) stating it.
    let mut articles_of: BTreeMap<(Key, i32), BTreeSet<String>> = BTreeMap::new();
    for row in &rows {
        let key: Key = (
            row.get(2),
            row.get(3),
            row.get(4),
            row.get(5),
            row.get(6),
            row.get(7),
            row.get(8),
            row.get(9),
            row.get(10),
        );
        articles_of
            .entry((key, row.get::<i32, _>(11)))
            .or_default()
            .insert(row.get(0));
    }
    let mut one_page_facts = 0;
    for (fact, pages) in &pages_of {
        if pages.len() != 1 {
            continue;
        }
        let n = articles_of[fact].len();
        // The planted page may add itself to one of them.
        assert!(n == REPRINTS || n == REPRINTS + 1, "{fact:?}: {n} sources");
        one_page_facts += 1;
    }
    assert!(one_page_facts >= 20, "{one_page_facts}");

    // The view's grouping is the Rust rule's, on intervals computed anew
    // from what was sent.
    let mut by_key: BTreeMap<Key, Vec<(String, Interval)>> = BTreeMap::new();
    for r in sent {
        let id = r["id"].as_str().unwrap();
        let text: Vec<char> = r["article"]["text"].as_str().unwrap().chars().collect();
        let title: Vec<char> = r["article"]["title"]
            .as_str()
            .unwrap_or("")
            .chars()
            .collect();
        for s in r["statistics"].as_array().unwrap() {
            if !reconciled(s) {
                continue;
            }
            let src = if s["in_title"] == true { &title } else { &text };
            let (a, b) = (
                s["span"][0].as_u64().unwrap() as usize,
                s["span"][1].as_u64().unwrap() as usize,
            );
            let written: Option<String> =
                (a < b && b <= src.len()).then(|| src[a..b].iter().collect());
            let value = s["value"].as_f64().unwrap();
            let approx = s["approx"].as_str();
            let step = interval::step(value, written.as_deref(), approx);
            let s_str = |v: &Value| v.as_str().map(str::to_string);
            let key: Key = (
                s["metric"].as_str().unwrap().into(),
                s["unit"].as_str().unwrap().into(),
                s["kind"].as_str().unwrap().into(),
                s_str(&s["direction"]),
                s_str(&s["currency"]),
                s_str(&s["per"]),
                s["region"].as_str().unwrap().into(),
                s_str(&s["period"]["from"]),
                s_str(&s["period"]["to"]),
            );
            by_key
                .entry(key)
                .or_default()
                .push((id.to_string(), interval::interval(value, step, approx)));
        }
    }
    let mut want: BTreeMap<Key, Vec<i64>> = BTreeMap::new();
    for (key, members) in &by_key {
        let intervals: Vec<Interval> = members.iter().map(|(_, i)| *i).collect();
        let numbers = interval::fact_numbers(&intervals);
        let mut articles: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
        for (n, (id, _)) in numbers.iter().zip(members) {
            articles.entry(*n).or_default().insert(id);
        }
        let mut s: Vec<i64> = articles.values().map(|a| a.len() as i64).collect();
        s.sort();
        want.insert(key.clone(), s);
    }
    let mut got: BTreeMap<Key, Vec<i64>> = BTreeMap::new();
    for r in sqlx::query(
        "SELECT metric, unit, kind, direction, currency, per, region, period_from::text, \
                period_to::text, sources FROM facts",
    )
    .fetch_all(&rig.pool)
    .await
    .unwrap()
    {
        let key: Key = (
            r.get(0),
            r.get(1),
            r.get(2),
            r.get(3),
            r.get(4),
            r.get(5),
            r.get(6),
            r.get(7),
            r.get(8),
        );
        got.entry(key)
            .or_default()
            .push(i64::from(r.get::<i32, _>(9)));
    }
    for v in got.values_mut() {
        v.sort();
    }
    assert_eq!(got, want, "facts view and the Rust rule differ");
}

async fn check_conflict(rig: &Rig, planted_id: &str, planted_value: f64) {
    let rows: Vec<(i32, Value)> = sqlx::query_as("SELECT facts, candidates FROM conflicts")
        .fetch_all(&rig.pool)
        .await
        .unwrap();
    let found = rows.iter().find(|(_, candidates)| {
        candidates.as_array().unwrap().iter().any(|c| {
            c["articles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == planted_id)
        })
    });
    let Some((facts, candidates)) = found else {
        panic!("the planted disagreement is not in conflicts: {rows:?}")
    };
    assert!(*facts >= 2);
    let planted = candidates
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["articles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == planted_id)
        })
        .unwrap();
    assert_eq!(planted["value"].as_f64(), Some(planted_value));
    assert_eq!(planted["sources"], 1);
    // The value it disagrees with is the reprinted one, with its copies.
    assert!(
        candidates
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["sources"].as_i64().unwrap() >= REPRINTS as i64),
        "{candidates}"
    );
}

/// An older fetch redelivered changes nothing; a newer one replaces the
/// article and its statistics.
async fn check_redeliveries(rig: &mut Rig, sent: &[Value]) {
    let target = sent
        .iter()
        .find(|r| r["statistics"].as_array().unwrap().len() >= 2)
        .unwrap();
    let id = target["id"].as_str().unwrap();
    let fetched =
        chrono::DateTime::parse_from_rfc3339(target["fetched_at"].as_str().unwrap()).unwrap();
    let snapshot = |pool: PgPool, id: String| async move {
        sqlx::query_as::<_, (String, Option<String>, i64)>(
            "SELECT fetched_at::text, title, (SELECT count(*) FROM statistics WHERE article_id = a.id) \
             FROM articles a WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let before = snapshot(rig.pool.clone(), id.to_string()).await;

    let mut older = target.clone();
    older["fetched_at"] = json!((fetched - chrono::Duration::days(1)).to_rfc3339());
    older["article"]["title"] = json!("an older fetch");
    older["statistics"] = json!([]);
    let mut newer = target.clone();
    newer["fetched_at"] = json!((fetched + chrono::Duration::days(1)).to_rfc3339());
    newer["article"]["title"] = json!("a newer fetch");
    let kept = newer["statistics"][0].clone();
    newer["statistics"] = json!([kept]);
    // A marker after both, to know the sink has read them.
    let mut marker = target.clone();
    marker["id"] = json!("marker");
    rig.start_sink(50);
    rig.publish(&older).await;
    rig.publish(&marker).await;
    rig.wait_for("SELECT count(*) FROM articles WHERE id = 'marker'", 1)
        .await;
    assert_eq!(snapshot(rig.pool.clone(), id.to_string()).await, before);
    rig.publish(&newer).await;
    let start = Instant::now();
    loop {
        let (_, title, n) = snapshot(rig.pool.clone(), id.to_string()).await;
        if title.as_deref() == Some("a newer fetch") {
            assert_eq!(n, 1, "a re-fetch replaces the statistics");
            break;
        }
        assert!(start.elapsed() < PATIENCE, "the newer fetch was not stored");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // And the older one, once more after the newer: still nothing.
    rig.publish(&older).await;
    let mut marker2 = marker.clone();
    marker2["id"] = json!("marker2");
    rig.publish(&marker2).await;
    rig.wait_for("SELECT count(*) FROM articles WHERE id = 'marker2'", 1)
        .await;
    let (_, title, n) = snapshot(rig.pool.clone(), id.to_string()).await;
    assert_eq!((title.as_deref(), n), (Some("a newer fetch"), 1));
    rig.stop_sinks().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_it_cannot_store_go_to_the_failure_queue_with_the_reason() {
    let mut rig = Rig::new().await;
    let results = corpus_results();
    let good = reprint(&results[1], 1, 0, false);
    // Valid JSON and a valid result, but a span the schema refuses
    // (end before start): the database's CHECK says no, in the same batch
    // as a good one.
    let mut refused = reprint(&results[1], 1, 1, false);
    refused["statistics"][0]["span"] = json!([10, 2]);
    rig.publish_raw(b"{not json", Some("broken")).await;
    rig.publish(&refused).await;
    rig.publish(&good).await;
    rig.start_sink(10);
    rig.wait_for("SELECT count(*) FROM articles", 1).await;
    let start = Instant::now();
    while rig.ready(&rig.names.failed).await < 2 {
        assert!(start.elapsed() < PATIENCE, "failures not queued");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    rig.stop_sinks().await;
    assert_eq!(rig.count("SELECT count(*) FROM articles").await, 1);
    let mut kinds = BTreeMap::new();
    for _ in 0..2 {
        let got = rig
            .channel
            .basic_get(
                rig.names.failed.as_str().into(),
                BasicGetOptions { no_ack: true },
            )
            .await
            .unwrap()
            .expect("a failure-queue message");
        let headers = got.delivery.properties.headers().clone().unwrap();
        let text = |name: &str| match headers.inner().get(name) {
            Some(AMQPValue::LongString(s)) => s.to_string(),
            other => panic!("{name}: {other:?}"),
        };
        let kind = text(consume::ERROR_KIND_HEADER);
        let reason = text(consume::ERROR_HEADER);
        kinds.insert(kind, (reason, got.delivery.data.clone()));
    }
    let (reason, body) = &kinds["malformed"];
    assert!(reason.contains("not a result"), "{reason}");
    assert_eq!(body, b"{not json");
    let (reason, body) = &kinds["refused"];
    assert!(
        reason.contains("23514") || reason.contains("check"),
        "{reason}"
    );
    // The message is kept as it came, to be sent again once fixed.
    assert_eq!(serde_json::from_slice::<Value>(body).unwrap(), refused);
    assert_eq!(rig.ready(&rig.names.queue).await, 0);
}

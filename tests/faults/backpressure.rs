//! Publishing under pressure: confirms that must belong to the publish
//! they settle, messages the broker refuses for their size, and a results
//! queue that stays full.

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{BasicProperties, Confirmation, Connection, ConnectionProperties};
use std::collections::BTreeMap;
use std::sync::Arc;

use fraudstat::amqp::publisher::Outgoing;
use fraudstat::amqp::{PublishError, Publisher};

use crate::helpers::*;
use crate::ledger::Client;

/// A queue of the test's own that holds `max` messages and refuses the
/// rest (`basic.nack`); the caller deletes it.
async fn capped_queue(name: &str, max: i64) {
    let conn = Connection::connect(AMQP_URL, ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    let mut args = FieldTable::default();
    args.insert(
        "x-queue-type".into(),
        AMQPValue::LongString(LongString::from("quorum")),
    );
    args.insert("x-max-length".into(), AMQPValue::LongLongInt(max));
    args.insert(
        "x-overflow".into(),
        AMQPValue::LongString(LongString::from("reject-publish")),
    );
    ch.queue_declare(
        name.into(),
        QueueDeclareOptions {
            durable: true,
            ..Default::default()
        },
        args,
    )
    .await
    .unwrap();
    let _ = conn.close(200, "declared".into()).await;
}

async fn delete_queue(name: &str) {
    let conn = Connection::connect(AMQP_URL, ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    let _ = ch
        .queue_delete(name.into(), lapin::options::QueueDeleteOptions::default())
        .await;
    let _ = conn.close(200, "deleted".into()).await;
}

/// What one publish was, and what the publisher said of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// To the results queue: must be confirmed and there exactly once.
    Plain,
    /// A 200 KB header, over `frame_max`: must fail permanently, alone.
    Poisoned,
    /// To a queue that takes 100 and nacks the rest: confirmed exactly
    /// when it is in that queue.
    Capped,
    /// To no queue at all: returned, never confirmed.
    Unroutable,
    /// A body over the broker's max message size (when lowered).
    Oversized,
}

fn properties(id: &str, poisoned: bool) -> BasicProperties {
    let mut p = BasicProperties::default()
        .with_delivery_mode(2)
        .with_message_id(id.into());
    if poisoned {
        let mut h = FieldTable::default();
        h.insert(
            "x-junk".into(),
            AMQPValue::LongString(LongString::from("j".repeat(200 * 1024))),
        );
        p = p.with_headers(h);
    }
    p
}

/// Publishes `kinds` (index = id) all at once through one [`Publisher`],
/// plain ones with `publish` (retries), the capped and unroutable ones with
/// `publish_once` (a nack or return would otherwise be held for ever).
async fn publish_all(
    publisher: &Arc<Publisher>,
    app: &TestApp,
    capped: &str,
    kinds: &[Kind],
    big_body: usize,
    done: &Arc<std::sync::atomic::AtomicUsize>,
) -> Vec<(String, Kind, Result<(), PublishError>)> {
    let mut tasks = Vec::new();
    for (i, kind) in kinds.iter().copied().enumerate() {
        let publisher = publisher.clone();
        let done = done.clone();
        let queue = match kind {
            Kind::Capped => capped.to_string(),
            Kind::Unroutable => format!("{}.nowhere", app.prefix),
            _ => app.names.results_queue.clone(),
        };
        tasks.push(tokio::spawn(async move {
            let id = format!("p-{i}");
            let pad = if kind == Kind::Oversized {
                big_body
            } else {
                16
            };
            let body = serde_json::json!({"id": id, "pad": "x".repeat(pad)}).to_string();
            let out = Outgoing {
                exchange: "",
                routing_key: &queue,
                body: body.as_bytes(),
                properties: properties(&id, kind == Kind::Poisoned),
            };
            let result = match kind {
                Kind::Capped | Kind::Unroutable => publisher.publish_once(&out).await,
                _ => publisher.publish(&out).await,
            };
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            (id, kind, result)
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Checks every publish against what the queues hold; returns a summary.
/// `faulty`: the connection was cut meanwhile, so a confirmed message may
/// be there twice (republished after a lost confirm) and an attempt that
/// failed with the connection may or may not have landed; still, no
/// confirmed one may be missing and no nacked or returned one present.
fn check(
    results: &[(String, Kind, Result<(), PublishError>)],
    stored: &BTreeMap<String, usize>,
    in_capped: &BTreeMap<String, usize>,
    faulty: bool,
) -> String {
    let mut problems = Vec::new();
    let mut counts: BTreeMap<(Kind, &str), usize> = BTreeMap::new();
    for (id, kind, result) in results {
        let label = match result {
            Ok(()) => "ok",
            Err(e) => e.kind(),
        };
        *counts.entry((*kind, label)).or_default() += 1;
        let here = stored.get(id).copied().unwrap_or(0);
        let capped = in_capped.get(id).copied().unwrap_or(0);
        let once = |n: usize| if faulty { n >= 1 } else { n == 1 };
        let fine = match (kind, result) {
            (Kind::Plain, Ok(())) => once(here) && capped == 0,
            (Kind::Poisoned | Kind::Oversized, Err(e)) => e.is_permanent() && here + capped == 0,
            (Kind::Capped, Ok(())) => once(capped) && here == 0,
            (Kind::Capped, Err(PublishError::Nacked)) => capped == 0 && here == 0,
            (Kind::Unroutable, Err(PublishError::Returned(_))) => here + capped == 0,
            (Kind::Capped, Err(_)) if faulty => here == 0 && capped <= 1,
            (Kind::Unroutable, Err(_)) if faulty => here + capped == 0,
            _ => false,
        };
        if !fine {
            problems.push(format!(
                "{id} {kind:?} {result:?}: {here} in results, {capped} in capped"
            ));
        }
    }
    let known: std::collections::BTreeSet<_> = results.iter().map(|r| r.0.as_str()).collect();
    for id in stored.keys().chain(in_capped.keys()) {
        if !known.contains(id.as_str()) {
            problems.push(format!("unknown id {id} in a queue"));
        }
    }
    // One line: a CI summary that keeps only unindented lines still says
    // which publish went wrong.
    assert!(
        problems.is_empty(),
        "{} problems: {}",
        problems.len(),
        problems.join(" | ")
    );
    format!("{counts:?}")
}

async fn publisher_for(app: &TestApp) -> Arc<Publisher> {
    let conn = Connection::connect(
        AMQP_URL,
        ConnectionProperties::default()
            .with_connection_name(format!("publisher test {}", app.prefix).into())
            .enable_auto_recover(),
    )
    .await
    .unwrap();
    // A confirm slower than the tests' usual 5 s (a loaded machine) would
    // be republished and counted twice: no fault here excuses that.
    let mut settings = app.settings.amqp.clone();
    settings.publish_timeout_secs = 120;
    Arc::new(Publisher::new(Arc::new(conn), &settings))
}

/// Differential ledger of the publisher itself: 3000 concurrent publishes
/// with unique ids, mixed: plain, poisoned with a header over `frame_max`,
/// to a queue that nacks once it holds 100, unroutable. Every publish
/// reported confirmed is in its queue exactly once, every nacked or
/// returned one is nowhere, every poisoned one failed permanently without
/// taking the connection down, and nothing else is missing or doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_confirm_settles_its_own_publish_and_oversized_ones_fail_alone() {
    let app = TestApp::new("f-credit", &[]).await;
    let capped = format!("{}.capped", app.prefix);
    capped_queue(&capped, 100).await;
    let publisher = publisher_for(&app).await;
    let kinds: Vec<Kind> = (0..3000)
        .map(|i| match i % 10 {
            0 => Kind::Poisoned,
            1 | 2 => Kind::Capped,
            3 => Kind::Unroutable,
            _ => Kind::Plain,
        })
        .collect();
    let done = Arc::default();
    let results = publish_all(&publisher, &app, &capped, &kinds, 0, &done).await;
    let connection = publisher.connection().clone();
    let mut client = Client::new();
    let stored = ids_in(&mut client, &app.names.results_queue).await;
    let in_capped = ids_in(&mut client, &capped).await;
    delete_queue(&capped).await;
    let summary = check(&results, &stored, &in_capped, false);
    eprintln!("PUBLISHER 3000 concurrent publishes: {summary}");
    assert!(
        connection.status().connected(),
        "the publishing connection went down"
    );
    let _ = connection.close(200, "bye".into()).await;
    app.close().await;
}

/// Message ids in `queue` and how often each is there.
async fn ids_in(client: &mut Client, queue: &str) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    loop {
        let batch = client.drain(queue).await;
        if batch.is_empty() {
            break;
        }
        for m in batch {
            let json: serde_json::Value = serde_json::from_slice(&m.body).unwrap();
            *seen
                .entry(json["id"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    seen
}

/// lapin 4.12.3, raw: many tasks publish `mandatory` on ONE confirm-mode
/// channel of a multi-threaded runtime; every third message goes to a
/// queue that does not exist (the broker returns it, then acks it), the
/// others to a real queue. If each confirm settled its own publish, every
/// confirm carrying a returned message would carry its own, and every
/// plain ack would be a message now in the queue.
///
/// They are not: lapin attaches a `basic.return` to whichever pending
/// confirm it completes next, and completes a multiple ack by walking a
/// `HashMap` (`complete_pending_before`), in no particular order; it also
/// numbers a publish (`register_pending`) and queues its frames
/// (`push_frames`) in two steps with no lock across both, so a publish is
/// overtaken on the wire by a later-numbered one. The reproduction for
/// upstream (docs/reliability.md, "lapin confirm recovery"); the worker's
/// publisher avoids all of it by never having two publishes outstanding on
/// one channel.
#[ignore = "demonstrates a lapin bug; not a test of fraudstat"]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lapin_credits_confirms_to_the_wrong_publish_on_a_shared_channel() {
    let app = TestApp::new("f-lapin-credit", &[]).await;
    let queue = app.names.results_queue.clone();
    let conn = Connection::connect(AMQP_URL, ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    ch.confirm_select(ConfirmSelectOptions::default())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..3000 {
        let ch = ch.clone();
        let to = if i % 3 == 0 {
            format!("{}.nowhere", app.prefix)
        } else {
            queue.clone()
        };
        tasks.push(tokio::spawn(async move {
            let id = format!("m-{i}");
            let pad = if i % 3 == 0 { 200_000 } else { 10 };
            let body = serde_json::json!({"id": id, "pad": "x".repeat(pad)}).to_string();
            let confirm = ch
                .basic_publish(
                    "".into(),
                    to.as_str().into(),
                    BasicPublishOptions {
                        mandatory: true,
                        ..Default::default()
                    },
                    body.as_bytes(),
                    BasicProperties::default(),
                )
                .await
                .unwrap()
                .await
                .unwrap();
            (id, i % 3 == 0, confirm)
        }));
    }
    let mut acked = Vec::new();
    let mut wrong_return = 0;
    let mut unreturned = 0;
    for t in tasks {
        let (id, nowhere, confirm) = t.await.unwrap();
        match confirm {
            Confirmation::Ack(None) => {
                unreturned += usize::from(nowhere);
                acked.push(id);
            }
            Confirmation::Ack(Some(returned)) => {
                let json: serde_json::Value = serde_json::from_slice(&returned.data).unwrap();
                wrong_return += usize::from(json["id"] != id.as_str());
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    let _ = conn.close(200, "bye".into()).await;
    let mut client = Client::new();
    let stored = ids_in(&mut client, &queue).await;
    let acked_not_stored = acked.iter().filter(|id| !stored.contains_key(*id)).count();
    eprintln!(
        "LAPIN 3000 mandatory publishes on one channel, 1000 unroutable: {wrong_return} confirms carried another publish's return, {unreturned} unroutable ones came back as a plain ack, {acked_not_stored} plain acks not in the queue"
    );
    assert!(
        wrong_return == 0 && unreturned == 0 && acked_not_stored == 0,
        "confirms credited to the wrong publish"
    );
    app.close().await;
}

/// Runs `rabbitmqctl eval` and returns what it printed.
fn broker_eval(expr: &str) -> String {
    let out = std::process::Command::new("rabbitmqctl")
        .args(["eval", expr])
        .output()
        .expect("rabbitmqctl");
    assert!(out.status.success(), "rabbitmqctl eval {expr}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Lowers the broker's max message size (broker-wide: hold the suite's
/// exclusive lock) and restores it when dropped, passing or failing. Drop
/// it before the lock: a test waiting on the lock would open its channels
/// while the limit is still low.
struct MaxMessageSize(String);

impl MaxMessageSize {
    fn set(bytes: u64) -> MaxMessageSize {
        let was = broker_eval("application:get_env(rabbit, max_message_size).");
        let was = was
            .trim_start_matches("{ok,")
            .trim_end_matches('}')
            .to_string();
        assert!(was.parse::<u64>().is_ok(), "max_message_size {was}");
        broker_eval(&format!(
            "application:set_env(rabbit, max_message_size, {bytes})."
        ));
        MaxMessageSize(was)
    }
}

impl Drop for MaxMessageSize {
    fn drop(&mut self) {
        let _ = std::process::Command::new("rabbitmqctl")
            .args([
                "eval",
                &format!("application:set_env(rabbit, max_message_size, {}).", self.0),
            ])
            .output();
    }
}

/// The broker's max message size lowered to 64 KiB: bodies over it are
/// refused by the broker closing the channel (406). Each is a permanent
/// failure of its own publish only; the first one teaches the publisher
/// the limit, so later ones are refused before they cost a channel.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bodies_over_the_max_message_size_fail_alone() {
    let lock = lock_exclusive().await;
    let app = TestApp::with_lock("f-maxsize", &[], lock).await;
    let limit = MaxMessageSize::set(64 * 1024);
    let capped = format!("{}.capped", app.prefix);
    capped_queue(&capped, 100).await;
    // Channels read the limit when they open: the publisher's are new.
    let publisher = publisher_for(&app).await;
    let kinds: Vec<Kind> = (0..1500)
        .map(|i| match i % 10 {
            0 => Kind::Oversized,
            5 => Kind::Poisoned,
            1 => Kind::Capped,
            _ => Kind::Plain,
        })
        .collect();
    let done = Arc::default();
    let results = publish_all(&publisher, &app, &capped, &kinds, 100 * 1024, &done).await;
    let connection = publisher.connection().clone();
    let mut client = Client::new();
    let stored = ids_in(&mut client, &app.names.results_queue).await;
    let in_capped = ids_in(&mut client, &capped).await;
    delete_queue(&capped).await;
    let refused_by_broker = results
        .iter()
        .filter(|r| matches!(&r.2, Err(PublishError::TooLarge(m)) if m.contains("PRECONDITION")))
        .count();
    let summary = check(&results, &stored, &in_capped, false);
    eprintln!(
        "PUBLISHER 1500 concurrent publishes, max message size 64 KiB: {summary}; {refused_by_broker} refused by the broker (channel closed), the rest before sending"
    );
    assert!(refused_by_broker >= 1, "the broker never refused one");
    assert!(connection.status().connected());
    let _ = connection.close(200, "bye".into()).await;
    // Restore the limit while the exclusive lock is still held: closing
    // the app releases it, and tests waiting on it open channels at once.
    drop(limit);
    app.close().await;
}

/// Results too large for the broker (its `max_message_size` lowered to
/// 64 KiB, under the suite's exclusive lock, while the worker's own
/// `max_result_bytes` stays at its default) among ordinary URLs, through the
/// worker. Each ends as exactly one small `publish_refused` failure record;
/// none is dead-lettered, no other id is doubled, and no connection is lost.
#[tokio::test(flavor = "multi_thread")]
async fn an_outcome_too_large_for_the_broker_ends_as_one_small_failure_record() {
    use crate::ledger::{Fate, Ledger, items};
    let lock = lock_exclusive().await;
    let app = TestApp::with_lock(
        "f-refused",
        &[
            ("FRAUDSTAT_WORKER__CONCURRENCY", "16"),
            ("FRAUDSTAT_WORKER__PER_HOST_CONCURRENCY", "16"),
        ],
        lock,
    )
    .await;
    let limit = MaxMessageSize::set(64 * 1024);
    let server = PageServer::start().await;
    // Pages whose result (the article text alone) is over 64 KiB.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let long = listener.local_addr().unwrap();
    let route = axum::Router::new().route(
        "/long/{key}",
        axum::routing::get(|| async {
            (
                [(
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; charset=utf-8",
                )],
                "警方提醒市民提高防范意识，谨防电信网络诈骗。\n".repeat(4000),
            )
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, route).await;
    });
    let mut ledger = Ledger::enqueue(
        &app,
        &items("refused", 300, |i| server.url(&format!("/ok/{i}"))),
    )
    .await;
    let poisoned = items("refused-poison", 10, |i| format!("http://{long}/long/{i}"));
    ledger.enqueue_more(&app, &poisoned).await;
    let mut client = Client::new();
    let w = app.spawn_worker();
    ledger
        .settle(&mut client, &app, std::time::Duration::from_secs(120))
        .await;
    let lost_connections = w
        .events()
        .iter()
        .filter(|e| e["fields"]["message"] == "broker connection lost; reconnecting")
        .count();
    let t = ledger.finish(&mut client, &app, vec![w]).await;
    t.assert_nothing_lost("10 results too large for the broker among 310 URLs");
    assert_eq!(lost_connections, 0, "a connection was lost");
    assert!(t.duplicated.is_empty(), "{t}");
    assert!(t.dead_lettered.is_empty(), "{t}");
    assert_eq!(t.results, 300, "{t}");
    for (id, _) in &poisoned {
        assert_eq!(
            ledger.outcomes[id],
            vec![Fate::Failure("publish_refused".into())],
            "{id}"
        );
    }
    // Restore the limit while the exclusive lock is still held: closing
    // the app releases it, and tests waiting on it open channels at once.
    drop(limit);
    app.close().await;
}

/// As the ledger above (20000 publishes), through a proxy that drops the
/// publishing connection instead of passing a confirm, twice mid-stream:
/// a message the broker took may be republished (an extra copy), but no
/// confirm is credited to another publish: every confirmed message is
/// there, no nacked or returned one is, and publishes cut with the
/// connection go again on fresh channels of the recovered one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn confirms_stay_with_their_publish_across_connection_cuts() {
    use std::sync::atomic::Ordering;
    let proxy = crate::proxy::AmqpProxy::start().await;
    let app = TestApp::new("f-credit-cut", &[]).await;
    let capped = format!("{}.capped", app.prefix);
    capped_queue(&capped, 300).await;
    let mut settings = app.settings.amqp.clone();
    settings.url = proxy.url();
    // A recovery that never completes is seen in 20 s, not the default 120.
    settings.recovery_timeout_secs = 20;
    let stalled = fraudstat::amqp::Stalled::default();
    let (conn, losses) = fraudstat::amqp::connect(&settings, "publisher cut test", &stalled)
        .await
        .unwrap();
    let publisher = Arc::new(Publisher::new(Arc::new(conn), &settings).with_losses(losses));
    let kinds: Vec<Kind> = (0..20000)
        .map(|i| match i % 10 {
            1 | 2 => Kind::Capped,
            3 => Kind::Unroutable,
            _ => Kind::Plain,
        })
        .collect();
    let done: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
    let cutter = {
        let done = done.clone();
        tokio::spawn(async move {
            for (k, at) in [4000, 12000].into_iter().enumerate() {
                while done.load(Ordering::SeqCst) < at {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
                proxy.cut_before_confirms(1, 1);
                while proxy.cuts() <= k && done.load(Ordering::SeqCst) < 20000 {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            }
            proxy
        })
    };
    let published = tokio::select! {
        r = publish_all(&publisher, &app, &capped, &kinds, 0, &done) => Ok(r),
        e = stalled.wait() => Err(e),
    };
    let results = match published {
        Ok(r) => r,
        Err(e) => {
            // lapin 4.12's recovery after a cut sometimes never completes
            // (docs/reliability.md): the connection's watcher raises the
            // stall, and the worker stops on it for a restart. That is all
            // a run can show then; the publishes still waiting are left to
            // the dead connection, as a stopping worker leaves them.
            cutter.abort();
            eprintln!(
                "PUBLISHER lapin's recovery stalled after {} of 20000 publishes; the watcher raised it ({e}), as the worker's restart needs",
                done.load(Ordering::SeqCst)
            );
            assert!(stalled.is_stalled());
            delete_queue(&capped).await;
            app.close().await;
            return;
        }
    };
    let proxy = cutter.await.unwrap();
    let closed = proxy.cuts();
    let connection = publisher.connection().clone();
    let mut client = Client::new();
    let stored = ids_in(&mut client, &app.names.results_queue).await;
    let in_capped = ids_in(&mut client, &capped).await;
    delete_queue(&capped).await;
    let summary = check(&results, &stored, &in_capped, true);
    let extra: usize = stored
        .values()
        .chain(in_capped.values())
        .map(|n| n - 1)
        .sum();
    eprintln!(
        "PUBLISHER 20000 concurrent publishes, connection cut {closed} times before a confirm: {summary}; {extra} extra copies"
    );
    assert_eq!(closed, 2, "cut {closed} times");
    // The closes landed mid-stream: single attempts were cut.
    let cut = results
        .iter()
        .filter(|r| matches!(r.2, Err(ref e) if !e.is_pushback()))
        .count();
    assert!(cut > 0, "no publish was in flight at a close");
    assert!(extra <= 2 * 128, "{extra} extra copies");
    let _ = connection.close(200, "bye".into()).await;
    app.close().await;
}

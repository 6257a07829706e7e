//! Faults and hostile input, proven with a ledger (see `ledger.rs`): the
//! real `fraudstat worker` binary, one or two replicas, the local broker, a
//! local page server; thousands of URLs with unique ids; a fault
//! mid-stream; then every outcome read back and counted. Nothing may be
//! lost and nothing unexpected may come out; duplicates (at-least-once) are
//! reported and bounded.
//!
//! `hostile_pages.rs` feeds the worker pages built to hurt it,
//! and `hostile_urls.rs` URLs that try to reach inside the network.
//! `soak.rs` is the long run behind `scripts/soak` (ignored here).
//!
//! Needs RabbitMQ on 127.0.0.1:5672 and `rabbitmqctl`; the hostile-URL
//! tests also need `unshare` and `ip` (root) for a private network
//! namespace.

#[path = "../worker/helpers.rs"]
mod helpers;

mod backpressure;
mod bounded;
mod hostile_pages;
mod hostile_urls;
mod ledger;
mod proxy;
mod soak;

use std::time::Duration;

use helpers::*;
use ledger::{Client, Fate, Ledger, finished, items, wait_for_progress};
use proxy::{AmqpProxy, broker_close_connections};

/// How long a run may take to settle after its fault: a hang guard.
const SETTLE: Duration = Duration::from_secs(180);

/// Settings for ledger runs: enough concurrency to have many messages in
/// flight when the fault lands, a delivery limit that a few faults in a
/// row cannot exhaust.
const LEDGER_ENV: &[(&str, &str)] = &[
    ("FRAUDSTAT_WORKER__CONCURRENCY", "16"),
    ("FRAUDSTAT_WORKER__PER_HOST_CONCURRENCY", "16"),
    ("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "20"),
    ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "4"),
    // A URL a fault sends to a retry queue must come back before the run
    // settles; with the production delays (up to 120 s) a few were still
    // waiting there when the queues were counted.
    ("FRAUDSTAT_RETRY__DELAYS_MS", "500,1000,2000"),
];

fn ledger_env(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut env: Vec<_> = LEDGER_ENV.to_vec();
    for (k, v) in extra {
        env.retain(|(ek, _)| ek != k);
        env.push((k, v));
    }
    env
}

/// Pages that take a moment each, so a fault always finds work in flight.
fn paced(server: &PageServer, ms: u64) -> impl Fn(usize) -> String + '_ {
    move |i| server.url(&format!("/slow/{ms}/{i}"))
}

fn rabbitmqctl(args: &[&str]) {
    let out = std::process::Command::new("rabbitmqctl")
        .args(args)
        .output()
        .expect("rabbitmqctl");
    assert!(out.status.success(), "rabbitmqctl {args:?}: {out:?}");
}

fn has_log(w: &WorkerProcess, message: &str) -> bool {
    w.events().iter().any(|e| e["fields"]["message"] == message)
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_of_one_of_two_replicas_mid_stream_loses_nothing() {
    let app = TestApp::new("f-kill", &ledger_env(&[])).await;
    let server = PageServer::start().await;
    let mut ledger = Ledger::enqueue(&app, &items("kill", 3000, paced(&server, 20))).await;
    let mut client = Client::new();
    let victim = app.spawn_worker();
    let survivor = app.spawn_worker();
    wait_for_progress(&[&victim, &survivor], 800).await;
    victim.kill9();
    let mut victim = victim;
    let _ = victim.wait().await;
    // A replacement joins later, as an orchestrator would start one.
    wait_for_progress(&[&victim, &survivor], 1600).await;
    let replacement = app.spawn_worker();
    ledger.settle(&mut client, &app, SETTLE).await;
    let t = ledger
        .finish(&mut client, &app, vec![survivor, replacement])
        .await;
    t.assert_nothing_lost("SIGKILL one of two replicas (3000 URLs)");
    assert_eq!(t.results, 3000 + t.extra_copies());
    // Only what the killed replica held (its prefetch) can come twice.
    assert!(t.extra_copies() <= 16, "{t}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_with_work_in_flight_loses_and_duplicates_nothing() {
    let app = TestApp::new("f-term", &ledger_env(&[])).await;
    let server = PageServer::start().await;
    let mut ledger = Ledger::enqueue(&app, &items("term", 2000, paced(&server, 150))).await;
    let mut client = Client::new();
    let mut stopping = app.spawn_worker();
    let other = app.spawn_worker();
    wait_for_progress(&[&stopping, &other], 500).await;
    // The replica to stop must be busy itself, not just its sibling.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while finished(&stopping) < 50 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:#?}",
            stopping.logs()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stopping.sigterm();
    let status = stopping.wait().await;
    assert!(status.success(), "{status:?}");
    let drain = stopping
        .events()
        .into_iter()
        .find(|e| e["fields"]["message"] == "stopped consuming; finishing messages in flight")
        .expect("drain log line");
    let in_flight = drain["fields"]["in_flight"].as_u64().unwrap();
    assert!(in_flight > 0, "the signal found no work in flight: {drain}");
    ledger.settle(&mut client, &app, SETTLE).await;
    let t = ledger.finish(&mut client, &app, vec![other]).await;
    t.assert_nothing_lost(&format!(
        "SIGTERM one of two replicas with {in_flight} in flight (2000 URLs)"
    ));
    // A graceful stop finishes and acknowledges what it started.
    assert!(t.duplicated.is_empty(), "{t}");
    assert_eq!(t.results, 2000);
    app.close().await;
}

/// `rabbitmqctl stop_app` / `start_app` under two workers. Takes the
/// suite's exclusive lock: the broker is gone for everyone meanwhile.
///
/// lapin reconnects on its own, but on RabbitMQ 3.10 its recovery after a
/// stop_app/start_app sometimes never completes; the worker then gives up
/// after `amqp.recovery_timeout_secs` and exits non-zero, and this test
/// restarts it as an orchestrator would. Either way nothing may be lost.
#[tokio::test(flavor = "multi_thread")]
async fn broker_stop_app_and_start_app_mid_stream_loses_nothing() {
    let lock = lock_exclusive().await;
    let app = TestApp::with_lock(
        "f-stopapp",
        &ledger_env(&[("FRAUDSTAT_AMQP__RECOVERY_TIMEOUT_SECS", "20")]),
        lock,
    )
    .await;
    let server = PageServer::start().await;
    let mut ledger = Ledger::enqueue(&app, &items("stopapp", 2000, paced(&server, 40))).await;
    let mut client = Client::new();
    let mut workers = vec![app.spawn_worker(), app.spawn_worker()];
    wait_for_progress(&[&workers[0], &workers[1]], 500).await;
    rabbitmqctl(&["stop_app"]);
    tokio::time::sleep(Duration::from_secs(3)).await;
    rabbitmqctl(&["start_app"]);
    rabbitmqctl(&["await_startup"]);
    let restarts = supervise(&app, &mut ledger, &mut client, &mut workers).await;
    ledger.settle(&mut client, &app, SETTLE).await;
    let t = ledger.finish(&mut client, &app, workers).await;
    t.assert_nothing_lost(&format!(
        "broker stop_app/start_app under two replicas, {restarts} worker restarts after stalled recovery (2000 URLs)"
    ));
    app.close().await;
}

/// Replaces `w` with a fresh worker when it has exited, as an orchestrator
/// would; it must have exited non-zero after a stalled recovery, saying
/// so. Returns the exited worker.
fn restart_if_stalled(app: &TestApp, w: &mut WorkerProcess) -> Option<WorkerProcess> {
    let status = w.try_exited()?;
    assert!(!status.success(), "a worker stopped with success");
    assert!(
        has_log(
            w,
            "broker connection not recovered in time; stopping for a restart"
        ),
        "{:#?}",
        w.logs()
    );
    Some(std::mem::replace(w, app.spawn_worker()))
}

/// Waits until `w` and the workers it replaced have finished `n` messages,
/// replacing `w` when it exits after a stalled recovery (it must say so),
/// as an orchestrator would; the exited ones go to `retired`.
async fn wait_for_progress_restarting(
    app: &TestApp,
    w: &mut WorkerProcess,
    retired: &mut Vec<WorkerProcess>,
    n: usize,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    loop {
        let done: usize = finished(w) + retired.iter().map(finished).sum::<usize>();
        if done >= n {
            return;
        }
        if let Some(old) = restart_if_stalled(app, w) {
            retired.push(old);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {done} messages of {n} finished"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Reads outcomes until every confirmed URL has one, restarting any worker
/// that exited (it must say why: a stalled recovery). Returns the restarts.
async fn supervise(
    app: &TestApp,
    ledger: &mut Ledger,
    client: &mut Client,
    workers: &mut [WorkerProcess],
) -> usize {
    let deadline = tokio::time::Instant::now() + SETTLE;
    let mut restarts = 0;
    while ledger.missing() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} URLs without an outcome",
            ledger.missing()
        );
        for w in workers.iter_mut() {
            if restart_if_stalled(app, w).is_some() {
                restarts += 1;
            }
        }
        ledger.collect(client, app).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    restarts
}

/// The broker force-closes the workers' connections (`CONNECTION_FORCED`),
/// twice: only theirs, found through the proxy they connect by.
#[tokio::test(flavor = "multi_thread")]
async fn connections_force_closed_by_the_broker_lose_nothing() {
    let proxy = AmqpProxy::start().await;
    let url = proxy.url();
    let mut env = ledger_env(&[]);
    env.push(("FRAUDSTAT_AMQP__URL", Box::leak(url.into_boxed_str())));
    let app = TestApp::new("f-forced", &env).await;
    let server = PageServer::start().await;
    let mut ledger = Ledger::enqueue(&app, &items("forced", 2000, paced(&server, 30))).await;
    let mut client = Client::new();
    let a = app.spawn_worker();
    let b = app.spawn_worker();
    a.wait_consuming().await;
    b.wait_consuming().await;
    let mut closed = 0;
    for at in [500, 1200] {
        wait_for_progress(&[&a, &b], at).await;
        let now = broker_close_connections(&proxy, "fraudstat fault test");
        // Two connections per worker (consume, publish), unless one is
        // still reconnecting from the round before.
        assert!(now >= 2, "closed {now} connections");
        closed += now;
        for w in [&a, &b] {
            w.wait_for_log("broker connection recovered").await;
        }
    }
    ledger.settle(&mut client, &app, SETTLE).await;
    for w in [&a, &b] {
        assert!(has_log(w, "broker connection recovered"), "{:#?}", w.logs());
    }
    let t = ledger.finish(&mut client, &app, vec![a, b]).await;
    t.assert_nothing_lost(&format!(
        "{closed} connections force-closed by the broker, two replicas (2000 URLs)"
    ));
    app.close().await;
}

/// The network to the broker goes silent: nothing forwarded, nothing
/// closed. Only heartbeats (2 s here) can tell; the worker must notice
/// while the link is still dark, and reconnect once it heals.
#[tokio::test(flavor = "multi_thread")]
async fn a_black_holed_network_is_noticed_by_heartbeats_and_loses_nothing() {
    let proxy = AmqpProxy::start().await;
    let url = proxy.url();
    let mut env = ledger_env(&[("FRAUDSTAT_AMQP__HEARTBEAT_SECS", "2")]);
    env.push(("FRAUDSTAT_AMQP__URL", Box::leak(url.into_boxed_str())));
    let app = TestApp::new("f-blackhole", &env).await;
    let server = PageServer::start().await;
    let mut ledger = Ledger::enqueue(&app, &items("blackhole", 1500, paced(&server, 30))).await;
    let mut client = Client::new();
    let w = app.spawn_worker();
    wait_for_progress(&[&w], 300).await;
    proxy.blackhole();
    let dark_since = tokio::time::Instant::now();
    // Noticed while still dark: nothing but the missing heartbeats says so.
    w.wait_for_log("broker connection lost; reconnecting").await;
    let noticed = dark_since.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.heal();
    w.wait_for_log("broker connection recovered").await;
    // Back through the proxy on fresh connections (two at start).
    assert!(proxy.accepted() > 2, "{}", proxy.accepted());
    ledger.settle(&mut client, &app, SETTLE).await;
    let t = ledger.finish(&mut client, &app, vec![w]).await;
    t.assert_nothing_lost(&format!(
        "network black-holed (heartbeat 2 s, noticed after {:.1} s), one replica (1500 URLs)",
        noticed.as_secs_f64()
    ));
    app.close().await;
}

/// The publishing connection drops after the broker took a result but
/// before its confirm reached the worker, three times: the worker cannot
/// know the result landed, so it publishes again (a duplicate with the
/// same id) and acknowledges only then. Nothing is lost.
#[tokio::test(flavor = "multi_thread")]
async fn a_connection_cut_between_publish_and_confirm_loses_nothing() {
    let proxy = AmqpProxy::start().await;
    let url = proxy.url();
    // lapin's recovery of a cut connection sometimes never completes (as
    // after a broker stop_app): the worker then stops for a restart after
    // the recovery bound, and this test restarts it as an orchestrator
    // would, as `supervise` does.
    let mut env = ledger_env(&[("FRAUDSTAT_AMQP__RECOVERY_TIMEOUT_SECS", "20")]);
    env.push(("FRAUDSTAT_AMQP__URL", Box::leak(url.into_boxed_str())));
    let app = TestApp::new("f-cut", &env).await;
    let server = PageServer::start().await;
    // Paced so that the run outlasts three cuts: at 20 ms a page the
    // worker could finish the whole queue before the next cut was armed.
    let mut ledger = Ledger::enqueue(&app, &items("cut", 1500, paced(&server, 100))).await;
    let mut client = Client::new();
    let mut w = app.spawn_worker();
    let mut retired = Vec::new();
    // One cut at a time, each at the next confirm once the worker is that
    // far along (confirms come batched, so counting frames is no clock).
    for (k, at) in [300, 700, 1100].into_iter().enumerate() {
        wait_for_progress_restarting(&app, &mut w, &mut retired, at).await;
        proxy.cut_before_confirms(1, 1);
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while proxy.cuts() <= k {
            assert!(tokio::time::Instant::now() < deadline, "cut {k} never came");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let mut workers = vec![w];
    let restarts = retired.len() + supervise(&app, &mut ledger, &mut client, &mut workers).await;
    ledger.settle(&mut client, &app, SETTLE).await;
    assert_eq!(proxy.cuts(), 3);
    // The retired workers have exited: only the running ones are stopped.
    drop(retired);
    let t = ledger.finish(&mut client, &app, workers).await;
    t.assert_nothing_lost(&format!(
        "connection cut between publish and confirm x{}, {restarts} worker restarts after stalled recovery (1500 URLs)",
        proxy.cuts()
    ));
    // A withheld confirm can only cost a republish of what was waiting, and
    // a restart a second result for each message the stopped worker held.
    assert!(t.extra_copies() <= (3 + restarts) * 16, "{t}");
    app.close().await;
}

/// The results queue is full (`max-length`, `reject-publish`) for over a
/// minute: the broker nacks results. With the default delivery limit (5),
/// the worker must hold what it has, unacknowledged and not requeued (a
/// requeue raises the quorum queue's delivery count), take nothing new,
/// and carry on once there is room: no input dead-lettered, none lost,
/// none doubled.
#[tokio::test(flavor = "multi_thread")]
async fn nacked_publishes_are_not_acknowledged_and_nothing_is_lost() {
    let app = TestApp::new(
        "f-nack",
        &ledger_env(&[("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "5")]),
    )
    .await;
    let server = PageServer::start().await;
    let policy = format!("{}-full", app.prefix);
    let _policy = PolicyGuard::on_queue(
        &policy,
        &app.names.results_queue,
        r#"{"max-length":200,"overflow":"reject-publish"}"#,
    );
    wait_for_policy(&app.names.results_queue, &policy).await;
    let mut ledger = Ledger::enqueue(&app, &items("nack", 1000, paced(&server, 5))).await;
    let mut client = Client::new();
    let w = app.spawn_worker();
    // Nothing drains the results yet: 200 fit, then the broker refuses.
    w.wait_for_log("broker pushing back; holding messages and taking no new deliveries")
        .await;
    // Full for a minute: long enough for the old behaviour (five attempts,
    // then a requeue) to walk a prefetch window to the delivery limit
    // several times over.
    let full_since = tokio::time::Instant::now();
    while full_since.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let failed = client.queue_len(&app.names.failed).await.unwrap_or(0);
        assert_eq!(
            failed, 0,
            "something was dead-lettered or failed while full"
        );
    }
    let nacks = w
        .events()
        .iter()
        .filter(|e| {
            e["fields"]["message"] == "publish not confirmed, trying again"
                && e["fields"]["error"]
                    .as_str()
                    .is_some_and(|s| s.contains("nack"))
        })
        .count();
    assert!(nacks > 0, "no nack seen: {:#?}", w.logs());
    let handed_back = w
        .events()
        .iter()
        .filter(|e| e["fields"]["outcome"] == "requeued")
        .count();
    assert_eq!(handed_back, 0, "inputs were requeued under pushback");
    let metrics = w.metrics_addr().await;
    let text = http_get(metrics, "/metrics").await.1;
    assert_eq!(metric(&text, "fraudstat_backpressure"), 1.0, "{text}");
    // About as many results as the queue takes (a quorum queue enforces
    // its length a little late, so a few publishes in flight slip in).
    let held = client.queue_len(&app.names.results_queue).await.unwrap();
    assert!(held <= 200 + 32, "{held} results in a queue limited to 200");
    let _raised = PolicyGuard::on_queue(
        &policy,
        &app.names.results_queue,
        r#"{"max-length":100000,"overflow":"reject-publish"}"#,
    );
    ledger.settle(&mut client, &app, SETTLE).await;
    assert!(
        has_log(&w, "broker pushback over; taking deliveries again"),
        "{:#?}",
        w.logs()
    );
    let text = http_get(metrics, "/metrics").await.1;
    assert_eq!(metric(&text, "fraudstat_backpressure"), 0.0, "{text}");
    let t = ledger.finish(&mut client, &app, vec![w]).await;
    t.assert_nothing_lost(&format!(
        "results queue full for 60 s, delivery limit 5, {nacks} nacked publishes (1000 URLs)"
    ));
    assert!(
        t.dead_lettered.is_empty(),
        "dead-lettered under pushback: {t}"
    );
    assert_eq!(t.results, 1000, "{t}");
    assert!(t.duplicated.is_empty(), "a nacked result never counts: {t}");
    app.close().await;
}

/// SIGTERM while the results queue is full: the held inputs are left
/// unacknowledged (not nacked) and the worker stops within its grace
/// period; the next worker, with room again, does them all once.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_under_pushback_leaves_held_inputs_for_the_next_worker() {
    let app = TestApp::new(
        "f-heldstop",
        &ledger_env(&[("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "5")]),
    )
    .await;
    let server = PageServer::start().await;
    let policy = format!("{}-full", app.prefix);
    let _policy = PolicyGuard::on_queue(
        &policy,
        &app.names.results_queue,
        r#"{"max-length":50,"overflow":"reject-publish"}"#,
    );
    wait_for_policy(&app.names.results_queue, &policy).await;
    let mut ledger = Ledger::enqueue(&app, &items("heldstop", 300, paced(&server, 5))).await;
    let mut client = Client::new();
    let mut first = app.spawn_worker();
    first
        .wait_for_log("broker pushing back; holding messages and taking no new deliveries")
        .await;
    first.sigterm();
    let status = first.wait().await;
    assert!(status.success(), "{status:?}");
    let outcomes: Vec<String> = first
        .events()
        .iter()
        .filter(|e| e["fields"]["message"] == "message finished")
        .filter_map(|e| e["fields"]["outcome"].as_str().map(str::to_string))
        .collect();
    let held = outcomes.iter().filter(|o| *o == "held").count();
    assert!(held > 0, "nothing held at the signal: {outcomes:?}");
    assert!(!outcomes.iter().any(|o| o == "requeued"), "{outcomes:?}");
    let _raised = PolicyGuard::on_queue(
        &policy,
        &app.names.results_queue,
        r#"{"max-length":100000,"overflow":"reject-publish"}"#,
    );
    let second = app.spawn_worker();
    ledger.settle(&mut client, &app, SETTLE).await;
    let t = ledger.finish(&mut client, &app, vec![second]).await;
    t.assert_nothing_lost(&format!(
        "SIGTERM with {held} inputs held under a full results queue (300 URLs)"
    ));
    assert!(t.dead_lettered.is_empty(), "{t}");
    assert!(t.duplicated.is_empty(), "{t}");
    assert_eq!(t.results, 300, "{t}");
    app.close().await;
}

/// A memory alarm (`set_vm_memory_high_watermark 0`, broker-wide: under the
/// suite's exclusive lock) blocks the worker's publishing connection
/// (`connection.blocked`). The worker holds what it has, takes nothing new
/// and does not republish (the frames wait in lapin, not lost); once the
/// alarm clears every URL is done once, with the default delivery limit.
#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_publishing_connection_holds_and_loses_nothing() {
    let lock = lock_exclusive().await;
    let app = TestApp::with_lock(
        "f-blocked",
        &ledger_env(&[("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "5")]),
        lock,
    )
    .await;
    let server = PageServer::start().await;
    let mut ledger = Ledger::enqueue(&app, &items("blocked", 2000, paced(&server, 100))).await;
    let mut client = Client::new();
    let w = app.spawn_worker();
    wait_for_progress(&[&w], 150).await;
    let alarm = MemoryAlarm::raise();
    let on = w
        .wait_for_log("broker pushing back; holding messages and taking no new deliveries")
        .await;
    assert_eq!(on["fields"]["kind"], "timeout", "{on}");
    // Blocked for a while: nothing handed back, nothing failed.
    let blocked_since = tokio::time::Instant::now();
    while blocked_since.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let failed = client.queue_len(&app.names.failed).await.unwrap_or(0);
        assert_eq!(failed, 0, "something failed while blocked");
    }
    let requeued = w
        .events()
        .iter()
        .filter(|e| e["fields"]["outcome"] == "requeued")
        .count();
    assert_eq!(requeued, 0, "inputs were requeued while blocked");
    drop(alarm);
    ledger.settle(&mut client, &app, SETTLE).await;
    assert!(
        has_log(&w, "broker pushback over; taking deliveries again"),
        "{:#?}",
        w.logs()
    );
    let t = ledger.finish(&mut client, &app, vec![w]).await;
    t.assert_nothing_lost("publishing connection blocked by a memory alarm for 20 s (2000 URLs)");
    assert!(t.dead_lettered.is_empty(), "{t}");
    assert!(
        t.duplicated.is_empty(),
        "a held publish is not sent twice: {t}"
    );
    assert_eq!(t.results, 2000, "{t}");
    app.close().await;
}

/// The results queue loses its binding: every result comes back
/// unroutable (`mandatory`). No input may be acknowledged meanwhile; once
/// the binding is back, every URL is done.
#[tokio::test(flavor = "multi_thread")]
async fn unroutable_results_are_not_acknowledged_and_nothing_is_lost() {
    let app = TestApp::new(
        "f-unroutable",
        &ledger_env(&[("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "100")]),
    )
    .await;
    let server = PageServer::start().await;
    let mut ledger = Ledger::enqueue(&app, &items("unroutable", 300, paced(&server, 5))).await;
    let mut client = Client::new();
    let w = app.spawn_worker();
    w.wait_consuming().await;
    let conn = lapin::Connection::connect(AMQP_URL, lapin::ConnectionProperties::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    let key = fraudstat::amqp::topology::RESULT_ROUTING_KEY;
    ch.queue_unbind(
        app.names.results_queue.as_str().into(),
        app.names.results_exchange.as_str().into(),
        key.into(),
        lapin::types::FieldTable::default(),
    )
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let returned = loop {
        let n = w
            .events()
            .iter()
            .filter(|e| {
                e["fields"]["error"]
                    .as_str()
                    .is_some_and(|s| s.contains("unroutable"))
            })
            .count();
        if n >= 20 {
            break n;
        }
        assert!(tokio::time::Instant::now() < deadline, "{:#?}", w.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Unbound for a while: whatever the worker did, no input was let go
    // without a confirmed outcome.
    ledger.collect(&mut client, &app).await;
    let done_before = ledger.seen();
    let waiting = client.queue_len(&app.names.urls).await.unwrap() as usize;
    let held = 16; // at most the prefetch is unacknowledged in the worker
    assert!(
        done_before + waiting + held >= 300,
        "{done_before} done, {waiting} waiting"
    );
    ch.queue_bind(
        app.names.results_queue.as_str().into(),
        app.names.results_exchange.as_str().into(),
        key.into(),
        lapin::options::QueueBindOptions::default(),
        lapin::types::FieldTable::default(),
    )
    .await
    .unwrap();
    let _ = conn.close(200, "bye".into()).await;
    ledger.settle(&mut client, &app, SETTLE).await;
    let t = ledger.finish(&mut client, &app, vec![w]).await;
    t.assert_nothing_lost(&format!(
        "results unroutable (binding removed), {returned}+ returned publishes (300 URLs)"
    ));
    assert_eq!(t.results, 300, "{t}");
    app.close().await;
}

/// One URL kills every worker that takes it (a page that crashes the
/// process). After the delivery limit the broker dead-letters it to the
/// failure queue, and the thousand others flow.
#[tokio::test(flavor = "multi_thread")]
async fn a_poison_message_is_dead_lettered_and_the_rest_flow() {
    let app = TestApp::new(
        "f-poison",
        &ledger_env(&[
            ("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "2"),
            // The pill never times out: only killing its worker ends it.
            ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "100"),
        ]),
    )
    .await;
    let server = PageServer::start().await;
    let mut all = items("poison", 1000, paced(&server, 10));
    let poison = server.url("/slow/300000/poison");
    all.insert(300, ("poison-pill".to_string(), poison));
    let mut ledger = Ledger::enqueue(&app, &all).await;
    let mut client = Client::new();
    // Each worker dies with the pill in hand; limit 2 means the third
    // return dead-letters it.
    for round in 1..=3 {
        let w = app.spawn_worker();
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while server.hits("/slow/300000/poison") < round {
            assert!(tokio::time::Instant::now() < deadline);
            ledger.collect(&mut client, &app).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        w.kill9();
        let mut w = w;
        let _ = w.wait().await;
    }
    let last = app.spawn_worker();
    ledger.settle(&mut client, &app, SETTLE).await;
    let t = ledger.finish(&mut client, &app, vec![last]).await;
    t.assert_nothing_lost("poison message killing its worker 3 times (1001 URLs)");
    assert_eq!(
        ledger.outcomes["poison-pill"],
        vec![Fate::DeadLettered("delivery_limit".into())]
    );
    assert_eq!(server.hits("/slow/300000/poison"), 3);
    assert_eq!(t.results, 1000 + t.extra_copies(), "{t}");
    app.close().await;
}

/// The page server dies with bodies half sent, stays down a moment and
/// comes back on the same port. Cut bodies are transient errors: retried
/// through the broker, never dropped.
#[tokio::test(flavor = "multi_thread")]
async fn the_page_server_dying_mid_body_loses_nothing() {
    let app = TestApp::new("f-pagedeath", &ledger_env(&[])).await;
    let server = DyingServer::start().await;
    let mut ledger = Ledger::enqueue(
        &app,
        &items("pagedeath", 1000, |i| server.url(&format!("/page/{i}"))),
    )
    .await;
    let mut client = Client::new();
    let w = app.spawn_worker();
    wait_for_progress(&[&w], 250).await;
    let cut = server.die().await;
    assert!(cut > 0, "no body was in flight when the server died");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.revive().await;
    ledger.settle(&mut client, &app, SETTLE).await;
    let retried = w
        .events()
        .iter()
        .filter(|e| e["fields"]["outcome"] == "retry")
        .count();
    assert!(retried > 0, "nothing was retried");
    let t = ledger.finish(&mut client, &app, vec![w]).await;
    t.assert_nothing_lost(&format!(
        "page server died with {cut} bodies half sent, {retried} retries (1000 URLs)"
    ));
    app.close().await;
}

/// Names that do not resolve: failure records after the retry budget,
/// the other URLs unaffected. Runs with private addresses off (only the
/// page server allowed), so the production resolver is the one tested.
#[tokio::test(flavor = "multi_thread")]
async fn dns_failures_end_as_failure_records_and_the_rest_flow() {
    let app = TestApp::new(
        "f-dns",
        &ledger_env(&[
            ("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "false"),
            ("FRAUDSTAT_FETCH__ALLOWED_NETWORKS", "127.0.0.1/32"),
            ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "2"),
        ]),
    )
    .await;
    let server = PageServer::start().await;
    let all = items("dns", 500, |i| {
        if i % 10 == 0 {
            format!("http://no-such-host-{i}.invalid/article.html")
        } else {
            server.url(&format!("/ok/{i}"))
        }
    });
    let mut ledger = Ledger::enqueue(&app, &all).await;
    let mut client = Client::new();
    let w = app.spawn_worker();
    ledger.settle(&mut client, &app, SETTLE).await;
    let t = ledger.finish(&mut client, &app, vec![w]).await;
    t.assert_nothing_lost("DNS failure for 50 of 500 URLs");
    assert_eq!(t.results, 450, "{t}");
    // Whether the resolver says "no such name" at once or the lookup runs
    // into the fetch timeout, the URL ends as a failure record after its
    // retries, never dropped and never a result.
    let dns = t.failures.get("connect").unwrap_or(&0) + t.failures.get("timeout").unwrap_or(&0);
    assert_eq!(dns, 50, "{t}");
    app.close().await;
}

// ------------------------------------------------------------ helpers

/// A broker memory alarm: the watermark set to 0, restored to what it was
/// when dropped, whether the test passes or panics.
struct MemoryAlarm(String);

impl MemoryAlarm {
    fn raise() -> MemoryAlarm {
        let out = std::process::Command::new("rabbitmqctl")
            .args(["eval", "vm_memory_monitor:get_vm_memory_high_watermark()."])
            .output()
            .expect("rabbitmqctl");
        let was = String::from_utf8_lossy(&out.stdout).trim().to_string();
        // A relative watermark prints as a float; an absolute one is not
        // handled (this broker uses the default, 0.4).
        assert!(was.parse::<f64>().is_ok(), "watermark {was:?}");
        let guard = MemoryAlarm(was);
        rabbitmqctl(&["set_vm_memory_high_watermark", "0"]);
        guard
    }
}

impl Drop for MemoryAlarm {
    fn drop(&mut self) {
        let _ = std::process::Command::new("rabbitmqctl")
            .args(["set_vm_memory_high_watermark", &self.0])
            .output();
    }
}

/// Waits until the broker lists `policy` as applied to `queue`.
async fn wait_for_policy(queue: &str, policy: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let out = std::process::Command::new("rabbitmqctl")
            .args(["list_queues", "name", "policy", "-q", "--no-table-headers"])
            .output()
            .expect("rabbitmqctl");
        let listing = String::from_utf8_lossy(&out.stdout);
        if listing.lines().any(|l| {
            let mut cols = l.split_whitespace();
            cols.next() == Some(queue) && cols.next() == Some(policy)
        }) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "policy {policy} never applied"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A page server that can die mid-body: each page is sent in slow chunks
/// with a `Content-Length`, so at any moment some bodies are half sent;
/// `die` drops every connection and the listener, `revive` listens again
/// on the same port.
pub struct DyingServer {
    pub addr: std::net::SocketAddr,
    tasks: std::sync::Arc<tokio::sync::Mutex<tokio::task::JoinSet<()>>>,
    mid_body: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    accept: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl DyingServer {
    pub async fn start() -> DyingServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let s = DyingServer {
            addr,
            tasks: Default::default(),
            mid_body: Default::default(),
            accept: tokio::sync::Mutex::new(None),
        };
        s.listen(listener).await;
        s
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn listen(&self, listener: tokio::net::TcpListener) {
        let tasks = self.tasks.clone();
        let mid = self.mid_body.clone();
        let handle = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let mid = mid.clone();
                tasks.lock().await.spawn(serve_slowly(sock, mid));
            }
        });
        *self.accept.lock().await = Some(handle);
    }

    /// Kills the server; returns how many bodies were cut half-way.
    pub async fn die(&self) -> usize {
        if let Some(h) = self.accept.lock().await.take() {
            h.abort();
            let _ = h.await;
        }
        let cut = self.mid_body.load(std::sync::atomic::Ordering::SeqCst);
        self.tasks.lock().await.shutdown().await;
        cut
    }

    pub async fn revive(&self) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let listener = loop {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(e) => {
                    assert!(tokio::time::Instant::now() < deadline, "{e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        self.listen(listener).await;
    }
}

/// Answers each request on a keep-alive connection with the sample page
/// padded to 16 KiB, written in eight pieces 15 ms apart.
async fn serve_slowly(
    mut sock: tokio::net::TcpStream,
    mid: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut body = SAMPLE_PAGE.as_bytes().to_vec();
    body.resize(16 * 1024, b' ');
    let mut req = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        req.extend_from_slice(&buf[..n]);
        let Some(end) = req.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        req.drain(..end + 4);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if sock.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        mid.fetch_add(1, Ordering::SeqCst);
        for piece in body.chunks(body.len() / 8) {
            tokio::time::sleep(Duration::from_millis(15)).await;
            if sock.write_all(piece).await.is_err() {
                return;
            }
        }
        mid.fetch_sub(1, Ordering::SeqCst);
    }
}

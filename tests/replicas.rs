//! Horizontal scaling and failure replay, against the local RabbitMQ with
//! the worker test rig (`tests/worker/helpers.rs`): several `fraudstat
//! worker` processes on one prefix share the work without doing a URL
//! twice, and `fraudstat replay-failures` moves failures back to the input
//! without losing any.

#[path = "worker/helpers.rs"]
mod helpers;

use std::collections::HashSet;
use std::time::Duration;

use helpers::*;

#[tokio::test(flavor = "multi_thread")]
async fn three_replicas_share_the_work_and_no_url_is_done_twice() {
    let app = TestApp::new(
        "replicas",
        &[
            ("FRAUDSTAT_WORKER__CONCURRENCY", "4"),
            ("FRAUDSTAT_WORKER__PER_HOST_CONCURRENCY", "4"),
        ],
    )
    .await;
    let server = PageServer::start().await;
    let workers: Vec<WorkerProcess> = (0..3).map(|_| app.spawn_worker()).collect();
    for w in &workers {
        w.wait_consuming().await;
    }
    // Pages that take a moment, so that no replica can take everything
    // before the others have their turn.
    let urls: Vec<String> = (0..300)
        .map(|i| server.url(&format!("/slow/20/{i}")))
        .collect();
    let (status, logs) = app.enqueue(&urls.join("\n")).await;
    assert!(status.success(), "{logs:#?}");

    let mut got = app.collect(urls.len(), 0).await;
    // A moment more, so that a duplicate, if any, would show up too.
    tokio::time::sleep(Duration::from_secs(1)).await;
    got.results.extend(
        app.drain(&app.names.results_queue)
            .await
            .into_iter()
            .map(Message::from),
    );
    assert!(got.failed.is_empty(), "{:#?}", got.failed);
    let results: Vec<&str> = got
        .results
        .iter()
        .map(|m| m.json["url"].as_str().unwrap())
        .collect();
    assert_eq!(results.len(), urls.len(), "one result per URL");
    let distinct: HashSet<&str> = results.iter().copied().collect();
    assert_eq!(
        distinct,
        urls.iter().map(String::as_str).collect::<HashSet<_>>()
    );
    for i in 0..300 {
        assert_eq!(
            server.hits(&format!("/slow/20/{i}")),
            1,
            "URL {i} fetched twice"
        );
    }

    // Each replica did some of the work, and together all of it.
    let mut shares = Vec::new();
    for w in &workers {
        let text = http_get(w.metrics_addr().await, "/metrics").await.1;
        shares.push(metric(
            &text,
            "fraudstat_messages_total{outcome=\"done\",kind=\"none\"}",
        ));
        let finished = w
            .events()
            .iter()
            .filter(|e| e["fields"]["message"] == "message finished")
            .count();
        assert_eq!(finished as f64, *shares.last().unwrap());
    }
    assert!(shares.iter().all(|s| *s > 0.0), "{shares:?}");
    assert_eq!(shares.iter().sum::<f64>(), urls.len() as f64, "{shares:?}");
    eprintln!("results per replica: {shares:?}");

    for w in &workers {
        w.sigterm();
    }
    for mut w in workers {
        assert!(w.wait().await.success());
    }
    for q in app.names.all_queues() {
        assert_eq!(app.queue_len(&q).await, 0, "{q} not empty");
    }
    app.close().await;
}

/// Runs `fraudstat replay-failures` with the test's settings: exit code,
/// the JSON lines it printed, its stderr.
async fn replay(app: &TestApp, args: &[&str]) -> (bool, Vec<serde_json::Value>, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_fraudstat"));
    cmd.arg("--config-dir")
        .arg(crate_dir().join("config"))
        .arg("replay-failures")
        .args(args)
        .env_remove("RUST_LOG");
    for (k, _) in std::env::vars() {
        if k.starts_with("FRAUDSTAT_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(app.env().iter().map(|(k, v)| (k, v)));
    let out = tokio::time::timeout(PATIENCE, cmd.output())
        .await
        .expect("replay-failures hung")
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.success(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn wait_queue_len(app: &TestApp, queue: &str, n: u32) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while app.queue_len(queue).await != n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{queue} never held {n} messages (holds {})",
            app.queue_len(queue).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn replay_failures_moves_the_chosen_failures_back_and_loses_nothing() {
    // One attempt only, so a 500 becomes a failure record at once; a
    // delivery limit of 1, so a message that kills its worker is
    // dead-lettered quickly.
    let app = TestApp::new(
        "replay",
        &[
            ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "1"),
            ("FRAUDSTAT_QUEUES__DELIVERY_LIMIT", "1"),
        ],
    )
    .await;
    let server = PageServer::start().await;

    // An input the broker dead-letters: it kills its worker twice.
    let poison = server.url("/slow/3000/poison");
    app.publish_url(&poison).await;
    for round in 1..=2 {
        let mut worker = app.spawn_worker();
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while server.hits("/slow/3000/poison") < round {
            assert!(tokio::time::Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        worker.kill9();
        let _ = worker.wait().await;
    }
    wait_queue_len(&app, &app.names.failed, 1).await;

    // Failure records: four pages that fail once (500, then fine), two
    // bad messages that would fail again.
    let flaky: Vec<String> = (0..4)
        .map(|i| server.url(&format!("/flaky/r{i}")))
        .collect();
    for u in &flaky {
        app.publish_url(u).await;
    }
    app.publish(br#"{"url": "ftp://a.example/x"}"#, None).await;
    app.publish(b"not a url", None).await;
    let mut worker = app.spawn_worker();
    wait_queue_len(&app, &app.names.failed, 7).await;
    worker.sigterm();
    assert!(worker.wait().await.success());

    // A dry run moves nothing and says what would move.
    let (ok, lines, err) = replay(&app, &["--dry-run", "--kind", "http_status"]).await;
    assert!(ok, "{err}");
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l["action"] == "would_move" && l["kind"] == "http_status")
    );
    wait_queue_len(&app, &app.names.failed, 7).await;
    assert_eq!(app.queue_len(&app.names.urls).await, 0);

    // The limit bounds a run.
    let (ok, lines, err) = replay(&app, &["--kind", "http_status", "--limit", "1"]).await;
    assert!(ok, "{err}");
    assert_eq!(lines.len(), 1);
    wait_queue_len(&app, &app.names.urls, 1).await;
    wait_queue_len(&app, &app.names.failed, 6).await;

    // The rest of the chosen kinds; the bad messages stay where they are.
    let (ok, lines, err) =
        replay(&app, &["--kind", "http_status", "--kind", "delivery_limit"]).await;
    assert!(ok, "{err}");
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(err.contains("2 left in place"), "{err}");
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "delivery_limit").count(),
        1,
        "{kinds:?}"
    );
    wait_queue_len(&app, &app.names.failed, 2).await;
    wait_queue_len(&app, &app.names.urls, 5).await;

    // A worker now does every replayed URL (the flaky pages answer this
    // time, the poison page is slow but does not kill this worker).
    let mut worker = app.spawn_worker();
    let got = app.collect(5, 2).await;
    let mut done: Vec<&str> = got
        .results
        .iter()
        .map(|m| m.json["url"].as_str().unwrap())
        .collect();
    done.sort();
    let mut expected: Vec<&str> = flaky
        .iter()
        .map(String::as_str)
        .chain([poison.as_str()])
        .collect();
    expected.sort();
    assert_eq!(done, expected);
    // The replayed inputs started afresh: one attempt each.
    assert!(
        got.results.iter().all(|m| m.json["attempts"] == 1),
        "{:#?}",
        got.results
    );
    // What was left in place is still there, untouched.
    assert_eq!(got.failed.len(), 2);
    assert!(
        got.failed
            .iter()
            .all(|m| m.json["error"]["kind"] == "bad_message")
    );
    for u in &flaky {
        let path = u.trim_start_matches(&format!("http://{}", server.addr));
        assert_eq!(server.hits(path), 2, "{u}");
    }
    assert_eq!(server.hits("/slow/3000/poison"), 3);
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
}

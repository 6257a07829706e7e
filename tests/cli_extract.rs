//! `fraudstat extract` as a user runs it: files, stdin and URLs, one JSON
//! line per input, no broker.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn fraudstat() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fraudstat"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .env("FRAUDSTAT_LOG__FORMAT", "json");
    cmd
}

fn corpus_page(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/corpus/pages")
        .join(name)
        .display()
        .to_string()
}

fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect()
}

/// Serves one fixed response to every connection on 127.0.0.1:0 and counts
/// the connections, so a test can tell whether the worker reached it.
struct PageServer {
    port: u16,
    connections: Arc<AtomicUsize>,
}

fn serve(content_type: &'static str, body: Vec<u8>) -> PageServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    PageServer { port, connections }
}

#[test]
fn one_json_line_per_file_in_order() {
    let files = ["000_1839626aca774743.txt", "dev-001.txt", "dev-036.txt"];
    let out = fraudstat()
        .arg("extract")
        .args(files.iter().map(|f| corpus_page(f)))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(files) {
        assert!(line["url"].as_str().unwrap().ends_with(file));
        assert_eq!(line["http"]["status"], 200);
        assert!(line["statistics"].is_array());
        assert_eq!(line["worker"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(line["id"].as_str().unwrap().len(), 32);
    }
}

#[test]
fn stdin_is_read_with_a_dash() {
    let page = std::fs::read(corpus_page("dev-001.txt")).unwrap();
    let mut child = fraudstat()
        .args(["extract", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&page).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0]["article"]["text"]
            .as_str()
            .unwrap()
            .contains("54.3")
    );
}

#[test]
fn a_missing_file_is_reported_and_the_rest_still_done() {
    let out = fraudstat()
        .arg("extract")
        .arg("/nonexistent/page.html")
        .arg(corpus_page("dev-001.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out.stdout).len(), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/page.html"));
}

#[test]
fn a_url_is_fetched_and_its_declared_charset_used() {
    let html = "<html><head><title>测试</title></head><body><h1>测试</h1><p>破获电信网络诈骗案件8163起。</p></body></html>";
    let (gbk, _, _) = encoding_rs::GBK.encode(html);
    let server = serve("text/html; charset=gbk", gbk.into_owned());
    let url = format!("http://127.0.0.1:{}/a/1.html", server.port);
    let out = fraudstat()
        .env("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "true")
        .args(["extract", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["url"], url.as_str());
    assert_eq!(lines[0]["http"]["content_type"], "text/html");
    assert!(
        lines[0]["article"]["text"]
            .as_str()
            .unwrap()
            .contains("8163")
    );
    assert!(server.connections.load(Ordering::SeqCst) >= 1);
}

#[test]
fn private_addresses_are_refused_without_connecting() {
    let server = serve("text/html", b"<p>secret</p>".to_vec());
    let urls = [
        format!("http://127.0.0.1:{}/", server.port),
        format!("http://localhost:{}/", server.port),
        format!("http://2130706433:{}/", server.port),
        format!("http://[::ffff:127.0.0.1]:{}/", server.port),
        format!("http://example.com@127.0.0.1:{}/", server.port),
    ];
    let out = fraudstat().arg("extract").args(&urls).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(json_lines(&out.stdout).is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("forbidden address").count(),
        urls.len(),
        "{stderr}"
    );
    assert!(
        stderr.contains("--allow-private-addresses") && !stderr.contains("address: forbidden"),
        "the refusal names its switch, once: {stderr}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}

/// As after `cargo install`: another directory, no config directory, no
/// log format chosen. The built-in rules find the corpus page's figures.
#[test]
fn the_installed_binary_runs_from_any_directory() {
    let elsewhere = tempdir("elsewhere");
    let page = corpus_page("001_22bd68044b66e6e7.txt");
    let out = Command::new(env!("CARGO_BIN_EXE_fraudstat"))
        .current_dir(&elsewhere)
        .env_remove("FRAUDSTAT_CONFIG_DIR")
        .env_remove("FRAUDSTAT_LOG__FORMAT")
        .env_remove("RUST_LOG")
        .args(["extract", &page])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = json_lines(&out.stdout);
    assert_eq!(results.len(), 1);
    assert!(
        !results[0]["statistics"].as_array().unwrap().is_empty(),
        "no statistics from the built-in rules"
    );
    // Standard error is a pipe here, so `auto` logs JSON, without colour.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains('\u{1b}'),
        "escape codes in a pipe: {stderr}"
    );
    std::fs::remove_dir_all(&elsewhere).unwrap();
}

#[test]
fn a_misspelt_variable_stops_start_up_with_the_right_name() {
    let out = fraudstat()
        .env("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESS", "true")
        .args(["extract", &corpus_page("001_22bd68044b66e6e7.txt")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("did you mean FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES?"),
        "{stderr}"
    );
    assert!(json_lines(&out.stdout).is_empty());
}

#[test]
fn settings_are_shown_with_the_password_masked_and_flags_applied() {
    let out = fraudstat()
        .args([
            "--amqp-url",
            "amqp://worker:s3cret-pw@broker.example:5672/%2f",
            "--prefix",
            "from-flag",
            "--metrics-listen",
            "127.0.0.1:0",
            "settings",
        ])
        .env("FRAUDSTAT_QUEUES__PREFIX", "from-env")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("s3cret-pw"), "{stdout}");
    let shown: toml::Table = toml::from_str(&stdout).expect("the settings print as TOML");
    assert_eq!(
        shown["amqp"]["url"].as_str(),
        Some("amqp://worker:****@broker.example:5672/%2f")
    );
    assert_eq!(
        shown["queues"]["prefix"].as_str(),
        Some("from-flag"),
        "flags win"
    );
    assert_eq!(shown["metrics"]["listen"].as_str(), Some("127.0.0.1:0"));
    assert!(stdout.contains("# rules.lexicon: built in"), "{stdout}");
}

/// `settings --export DIR` gives a user the files to edit; a changed one
/// takes effect with `--config-dir DIR`, and a second export refuses to
/// overwrite the edits.
#[test]
fn exported_rules_can_be_edited_and_used() {
    let dir = tempdir("export");
    let rules = dir.join("rules");
    let out = fraudstat()
        .args(["settings", "--export", rules.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let default = std::fs::read_to_string(rules.join("default.toml")).unwrap();
    std::fs::write(
        rules.join("default.toml"),
        default.replace("prefix = \"fraudstat\"", "prefix = \"edited\""),
    )
    .unwrap();
    let out = fraudstat()
        .args(["--config-dir", rules.to_str().unwrap(), "settings"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("prefix = \"edited\""), "{stdout}");
    assert!(stdout.contains(&format!(
        "# rules.lexicon: {}",
        rules.join("lexicon.toml").display()
    )));
    let again = fraudstat()
        .args(["settings", "--export", rules.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "fraudstat-cli-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `fraudstat extract … | head -1`: the reader closing the pipe early ends
/// the command quietly and successfully, as other Unix tools do.
#[test]
fn a_closed_pipe_ends_quietly() {
    let pages: Vec<String> = std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/pages"),
    )
    .unwrap()
    .map(|e| e.unwrap().path().display().to_string())
    .collect();
    let mut child = fraudstat()
        .arg("extract")
        .args(&pages)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    let mut stdout = child.stdout.take().unwrap();
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

/// A replay that cannot reach the broker exits with sysexits' 75 ("try
/// again later"), not the generic failure an operator must look at, so a
/// scheduler retries it on its own.
#[test]
fn a_replay_without_a_broker_asks_to_be_run_again() {
    // Port 1 on loopback: nothing listens there, the connection is refused
    // at once.
    let out = fraudstat()
        .args([
            "replay-failures",
            "--amqp-url",
            "amqp://guest:guest@127.0.0.1:1/%2f",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(75),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("run it again"));
}

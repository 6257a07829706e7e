//! URLs that try to make the worker reach inside its own network, with
//! `fetch.allow_private_addresses` off. For each, a listener (a "trap") is
//! bound on the forbidden address the URL points at, and must see **zero**
//! connections. A positive control then fetches the same URL with private
//! addresses allowed and must hit the trap, so a trap that could not be
//! reached cannot pass a test by accident.
//!
//! Loopback traps (127.0.0.1, ::1, 0.0.0.0) are bound on this machine and
//! the real worker binary gets the URL. Addresses this machine does not
//! have (10.x, 172.16.x, 192.168.x, 169.254.169.254, 100.64.x) and host
//! names resolving inside are set up in a private network and mount
//! namespace (`unshare --net --mount`, its own `lo` and `/etc/hosts`), so
//! nothing on the machine changes; there the test re-runs itself and the
//! worker's `Processor` (the code the worker runs per message) gets the URL.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fraudstat::configuration::Settings;
use fraudstat::worker::{Incoming, Outcome, Processor};

use crate::helpers::*;

/// A listener that counts connections and answers each with a page.
struct Trap {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Trap {
    async fn bind(addr: &str) -> Trap {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| panic!("cannot bind a trap on {addr}: {e}"));
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                h.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let mut buf = [0u8; 4096];
                    let _ = sock.read(&mut buf).await;
                    let body = SAMPLE_PAGE.as_bytes();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(head.as_bytes()).await;
                    let _ = sock.write_all(body).await;
                });
            }
        });
        Trap { addr, hits }
    }

    fn port(&self) -> u16 {
        self.addr.port()
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// A redirector: `/to?u=` answers 302 to `u`.
async fn redirector(addr: &str) -> SocketAddr {
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/to",
        axum::routing::get(|uri: axum::http::Uri| async move {
            let to = uri
                .query()
                .and_then(|q| q.strip_prefix("u="))
                .unwrap_or_default()
                .to_string();
            (
                axum::http::StatusCode::FOUND,
                [(axum::http::header::LOCATION, to)],
            )
                .into_response()
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

fn fetch_settings(allow_private: bool) -> Settings {
    let env: Vec<(String, String)> = [
        (
            "FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES",
            if allow_private { "true" } else { "false" },
        ),
        ("FRAUDSTAT_FETCH__TIMEOUT_SECS", "5"),
        ("FRAUDSTAT_FETCH__CONNECT_TIMEOUT_SECS", "2"),
        ("FRAUDSTAT_RETRY__MAX_ATTEMPTS", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Settings::load_with_env(Some(&crate_dir().join("config")), None, env).unwrap()
}

/// The worker's per-message code on one URL: its outcome's error kind, or
/// `"done"`.
async fn process(url: &str, allow_private: bool) -> String {
    let processor = Processor::new(&fetch_settings(allow_private)).unwrap();
    let props = lapin::BasicProperties::default();
    let body = serde_json::json!({"url": url, "id": "hostile"}).to_string();
    let p = processor
        .process_one(&Incoming {
            body: body.as_bytes(),
            properties: &props,
        })
        .await;
    match p.outcome {
        Outcome::Done(_) => "done".into(),
        Outcome::Abandoned => "abandoned".into(),
        Outcome::Retry { error, .. } | Outcome::Failed { error, .. } => error.kind().into(),
    }
}

fn snapshot(traps: &[&Trap]) -> Vec<usize> {
    traps.iter().map(|t| t.hits()).collect()
}

/// No trap saw a connection since `before` (earlier controls may have
/// reached them on purpose).
fn assert_untouched(url: &str, traps: &[&Trap], before: &[usize]) {
    for (t, b) in traps.iter().zip(before) {
        assert_eq!(t.hits(), *b, "{url}: the trap on {} was reached", t.addr);
    }
}

/// The positive control: allowed to, the same URL does reach a trap.
async fn control_reaches(url: &str, traps: &[&Trap]) {
    let before: usize = traps.iter().map(|t| t.hits()).sum();
    let outcome = process(url, true).await;
    let after: usize = traps.iter().map(|t| t.hits()).sum();
    assert!(
        after > before,
        "control: {url} did not reach the trap even when allowed ({outcome})"
    );
}

/// Through the real worker binary: `url` must end as a `forbidden_address`
/// failure record and no trap may have seen a connection.
async fn refused_by_the_worker(name: &str, url: &str, traps: &[&Trap]) {
    let before = snapshot(traps);
    let app = TestApp::new(
        name,
        &[
            ("FRAUDSTAT_FETCH__ALLOW_PRIVATE_ADDRESSES", "false"),
            ("FRAUDSTAT_FETCH__ALLOWED_NETWORKS", ""),
        ],
    )
    .await;
    let mut worker = app.spawn_worker();
    app.publish(
        serde_json::json!({"url": url, "id": "hostile"})
            .to_string()
            .as_bytes(),
        None,
    )
    .await;
    let got = app.collect(0, 1).await;
    let f = &got.failed[0];
    assert_eq!(f.json["error"]["kind"], "forbidden_address", "{}", f.json);
    assert_eq!(f.json["attempts"], 1);
    assert_untouched(url, traps, &before);
    worker.sigterm();
    assert!(worker.wait().await.success());
    app.close().await;
    control_reaches(url, traps).await;
    eprintln!("HOSTILE-URL {url}: forbidden_address, trap connections 0");
}

#[tokio::test(flavor = "multi_thread")]
async fn url_127_0_0_1_is_refused() {
    let t = Trap::bind("127.0.0.1:0").await;
    let url = format!("http://127.0.0.1:{}/", t.port());
    refused_by_the_worker("u-127", &url, &[&t]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn url_localhost_is_refused() {
    let t4 = Trap::bind("127.0.0.1:0").await;
    let t6 = Trap::bind(&format!("[::1]:{}", t4.port())).await;
    let url = format!("http://localhost:{}/", t4.port());
    refused_by_the_worker("u-localhost", &url, &[&t4, &t6]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn url_0_0_0_0_is_refused() {
    let t = Trap::bind("0.0.0.0:0").await;
    let url = format!("http://0.0.0.0:{}/", t.port());
    refused_by_the_worker("u-zero", &url, &[&t]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn url_ipv6_loopback_is_refused() {
    let t = Trap::bind("[::1]:0").await;
    let url = format!("http://[::1]:{}/", t.port());
    refused_by_the_worker("u-v6", &url, &[&t]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn url_ipv4_mapped_ipv6_is_refused() {
    let t = Trap::bind("127.0.0.1:0").await;
    let url = format!("http://[::ffff:127.0.0.1]:{}/", t.port());
    refused_by_the_worker("u-mapped", &url, &[&t]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn url_decimal_ip_is_refused() {
    let t = Trap::bind("127.0.0.1:0").await;
    let url = format!("http://2130706433:{}/", t.port());
    refused_by_the_worker("u-decimal", &url, &[&t]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn url_octal_and_hex_ip_is_refused() {
    let t = Trap::bind("127.0.0.1:0").await;
    for (i, url) in [
        format!("http://0177.0.0.1:{}/", t.port()),
        format!("http://0x7f.0.0.1:{}/", t.port()),
        format!("http://0x7f000001:{}/", t.port()),
        format!("http://127.1:{}/", t.port()),
    ]
    .iter()
    .enumerate()
    {
        refused_by_the_worker(&format!("u-octal{i}"), url, &[&t]).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn url_userinfo_tricks_are_refused() {
    let t = Trap::bind("127.0.0.1:0").await;
    let p = t.port();
    for (i, url) in [
        format!("http://example.com@127.0.0.1:{p}/"),
        format!("http://example.com:80@127.0.0.1:{p}/"),
        format!("http://user:pass@127.0.0.1:{p}/example.com"),
        format!("http://example.com%40@127.0.0.1:{p}/"),
    ]
    .iter()
    .enumerate()
    {
        refused_by_the_worker(&format!("u-userinfo{i}"), url, &[&t]).await;
    }
}

// ------------------------------------------------ private network namespace

/// Addresses given to `lo` inside the namespace. 93.184.216.34 is a
/// public address, standing in for a public site that redirects inside.
const NETNS_ADDRS: &[&str] = &[
    "10.0.0.1",
    "172.16.0.1",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "93.184.216.34",
    "192.88.99.1",
    "2002:a9fe:a9fe::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "64:ff9b:1::a9fe:a9fe",
    "::ffff:0:a9fe:a9fe",
    "100::1",
    "2001:db8::1",
    "3fff::1",
    "2001:2::1",
    "2001:10::1",
    "2001:20::1",
    "5f00::1",
    "fd00::1",
    "fec0::1",
];

/// `/etc/hosts` inside the namespace.
const NETNS_HOSTS: &str = "127.0.0.1 localhost
::1 localhost
127.0.0.1 loopback.example.com
10.0.0.1 intranet.example.com
169.254.169.254 metadata.example.com
93.184.216.34 www.example.com
93.184.216.34 mixed.example.com
10.0.0.1 mixed.example.com
";

const IN_NETNS: &str = "FRAUDSTAT_TEST_IN_NETNS";

/// Runs the test `name` again inside a fresh network and mount namespace.
/// Returns true in the parent (which has then checked that the child ran
/// exactly that one test and passed), false inside the namespace, where
/// the caller goes on with the real test.
fn in_private_netns(name: &str) -> bool {
    if std::env::var_os(IN_NETNS).is_some() {
        return false;
    }
    // One file per test: tests of one process run in parallel, and one
    // removing a shared file left another's bind mount without a source.
    let hosts = std::env::temp_dir().join(format!(
        "fraudstat-netns-hosts-{}-{}",
        std::process::id(),
        name.replace("::", "-")
    ));
    std::fs::write(&hosts, NETNS_HOSTS).unwrap();
    let mut script = String::from("set -e; ip link set lo up; ");
    for a in NETNS_ADDRS {
        // `nodad`: a tentative IPv6 address cannot be bound yet.
        if a.contains(':') {
            script.push_str(&format!("ip addr add {a}/128 dev lo nodad; "));
        } else {
            script.push_str(&format!("ip addr add {a}/32 dev lo; "));
        }
    }
    script.push_str(&format!(
        "mount --bind {} /etc/hosts; exec \"$0\" \"$@\"",
        hosts.display()
    ));
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("unshare")
        .args(["--net", "--mount", "--", "sh", "-c", &script])
        .arg(&exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(IN_NETNS, "1")
        .output()
        .expect("unshare (util-linux) is needed for the private-network tests");
    let _ = std::fs::remove_file(&hosts);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "in the namespace:\n{stdout}\n{stderr}"
    );
    for line in stderr.lines().filter(|l| l.starts_with("HOSTILE-URL")) {
        eprintln!("{line}");
    }
    true
}

/// Inside the namespace: `url` ends as `want`, no trap is reached, and the
/// allowed control does reach one.
async fn refused_in_netns(url: &str, want: &str, traps: &[&Trap]) {
    let before = snapshot(traps);
    let outcome = process(url, false).await;
    assert_eq!(outcome, want, "{url}");
    assert_untouched(url, traps, &before);
    control_reaches(url, traps).await;
    eprintln!("HOSTILE-URL {url}: {outcome}, trap connections 0");
}

/// One test per forbidden address: a trap on port 80 of `$addr` (IPv6 in
/// brackets), and `http://$addr/` must be refused without reaching it.
macro_rules! netns_test {
    ($name:ident, $addr:expr) => {
        #[tokio::test(flavor = "multi_thread")]
        async fn $name() {
            if in_private_netns(concat!("hostile_urls::", stringify!($name))) {
                return;
            }
            let t = Trap::bind(concat!($addr, ":80")).await;
            refused_in_netns(concat!("http://", $addr, "/"), "forbidden_address", &[&t]).await;
        }
    };
}

netns_test!(url_10_x_is_refused, "10.0.0.1");
netns_test!(url_172_16_x_is_refused, "172.16.0.1");
netns_test!(url_192_168_x_is_refused, "192.168.0.1");
netns_test!(
    url_cloud_metadata_169_254_169_254_is_refused,
    "169.254.169.254"
);
netns_test!(url_100_64_x_carrier_nat_is_refused, "100.64.0.1");
netns_test!(url_6to4_relay_anycast_is_refused, "192.88.99.1");
// IPv6 special-purpose blocks (IANA's registry), the transition forms
// carrying 169.254.169.254 or 127.0.0.1 first.
netns_test!(
    url_6to4_embedding_metadata_is_refused,
    "[2002:a9fe:a9fe::1]"
);
netns_test!(
    url_teredo_embedding_loopback_is_refused,
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]"
);
netns_test!(url_local_use_nat64_is_refused, "[64:ff9b:1::a9fe:a9fe]");
netns_test!(url_ipv4_translated_is_refused, "[::ffff:0:a9fe:a9fe]");
netns_test!(url_discard_only_is_refused, "[100::1]");
netns_test!(url_ipv6_documentation_is_refused, "[2001:db8::1]");
netns_test!(url_ipv6_documentation_3fff_is_refused, "[3fff::1]");
netns_test!(url_ipv6_benchmarking_is_refused, "[2001:2::1]");
netns_test!(url_orchid_is_refused, "[2001:10::1]");
netns_test!(url_orchid_v2_is_refused, "[2001:20::1]");
netns_test!(url_srv6_sid_is_refused, "[5f00::1]");
netns_test!(url_unique_local_is_refused, "[fd00::1]");
netns_test!(url_site_local_is_refused, "[fec0::1]");

#[tokio::test(flavor = "multi_thread")]
async fn hostnames_resolving_inside_are_refused() {
    if in_private_netns("hostile_urls::hostnames_resolving_inside_are_refused") {
        return;
    }
    let lo = Trap::bind("127.0.0.1:80").await;
    let ten = Trap::bind("10.0.0.1:80").await;
    let meta = Trap::bind("169.254.169.254:80").await;
    refused_in_netns("http://loopback.example.com/", "forbidden_address", &[&lo]).await;
    refused_in_netns("http://intranet.example.com/", "forbidden_address", &[&ten]).await;
    refused_in_netns(
        "http://metadata.example.com/",
        "forbidden_address",
        &[&meta],
    )
    .await;
}

/// A name with one public and one private address: only the public one
/// may be dialled (the resolver hands the connector vetted addresses only).
#[tokio::test(flavor = "multi_thread")]
async fn a_name_resolving_both_outside_and_inside_is_dialled_outside_only() {
    if in_private_netns(
        "hostile_urls::a_name_resolving_both_outside_and_inside_is_dialled_outside_only",
    ) {
        return;
    }
    let inside = Trap::bind("10.0.0.1:80").await;
    let outside = Trap::bind("93.184.216.34:80").await;
    for _ in 0..5 {
        assert_eq!(process("http://mixed.example.com/", false).await, "done");
    }
    assert_eq!(inside.hits(), 0);
    assert_eq!(outside.hits(), 5);
}

/// A public site (www.example.com → 93.184.216.34) redirecting to each
/// forbidden address, by literal and by name: refused on the hop, and the
/// target's trap never sees a connection.
#[tokio::test(flavor = "multi_thread")]
async fn a_public_url_redirecting_inside_is_refused() {
    if in_private_netns("hostile_urls::a_public_url_redirecting_inside_is_refused") {
        return;
    }
    let public = redirector("93.184.216.34:80").await;
    assert_eq!(public.port(), 80);
    let mut traps = Vec::new();
    for a in [
        "127.0.0.1:80",
        "[::1]:80",
        "10.0.0.1:80",
        "172.16.0.1:80",
        "192.168.0.1:80",
        "169.254.169.254:80",
        "100.64.0.1:80",
        "[2002:a9fe:a9fe::1]:80",
    ] {
        traps.push(Trap::bind(a).await);
    }
    let targets = [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://localhost/",
        "http://loopback.example.com/",
        "http://metadata.example.com/",
        "http://example.com@127.0.0.1/",
        "http://[2002:a9fe:a9fe::1]/",
    ];
    let refs: Vec<&Trap> = traps.iter().collect();
    for target in targets {
        let url = format!("http://www.example.com/to?u={target}");
        refused_in_netns(&url, "forbidden_address", &refs).await;
    }
}

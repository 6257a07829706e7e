//! `fraudstat report` against the machine's PostgreSQL, and its page in a
//! real browser (Debian's chromium, headless).
//!
//! Each test makes a database of its own (`fstest_<random>`, dropped by a
//! guard even when the test fails), runs the migrations, stores the
//! corpus' results as the pipeline makes them and the sink stores them (every third one reprinted
//! under a second id, one reprint with a hostile title, one article planted
//! to contradict another), then runs the real binary. What the page must
//! hold is counted from the views with SQL of the test's own, not with the
//! report's code.
//!
//! Needs PostgreSQL on 127.0.0.1:5432 with trust auth for `postgres`
//! (`TEST_POSTGRES_URL` points elsewhere) and, for the browser test,
//! `chromium` and `fonts-noto-cjk` (`.ci/run` installs them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use fraudstat::model::ExtractionResult;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgPool, Row};

/// The title of the reprint that tries to run a script in the report.
const HOSTILE_TITLE: &str =
    "<script>console.error(\"xss\")</script><img src=x onerror=\"console.error('xss')\">转载";

fn admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database of the test's own, dropped when the guard goes, also when
/// the test panics.
struct TestDb {
    name: String,
    url: String,
}

impl TestDb {
    async fn create() -> TestDb {
        let name = format!("fstest_{:016x}", rand::random::<u64>());
        let admin = admin_url();
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!("no PostgreSQL at {admin} ({e}); start it (service postgresql start) or set TEST_POSTGRES_URL")
        });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("creating the test database");
        let mut url = url::Url::parse(&admin).unwrap();
        url.set_path(&name);
        TestDb {
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on:
        // the DROP gets a thread and a runtime of its own.
        let name = self.name.clone();
        let admin = admin_url();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "could not drop the test database {}: {dropped:?}",
                self.name
            );
        }
    }
}

/// The corpus' results, made once by the real binary (`fraudstat extract`
/// on the plain-text and HTML sample pages).
fn corpus() -> &'static [ExtractionResult] {
    static RESULTS: OnceLock<Vec<ExtractionResult>> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut inputs = Vec::new();
        for dir in ["corpus/pages", "html"] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "html"))
                .collect();
            files.sort();
            inputs.extend(files);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_fraudstat"))
            .arg("extract")
            .args(&inputs)
            .env_remove("RUST_LOG")
            .env("FRAUDSTAT_LOG__FORMAT", "json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let results: Vec<ExtractionResult> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(results.len(), inputs.len());
        results
    })
}

/// Stores one result as the sink does (`sink::store`), under `id`, `url`
/// and `title` (a reprint is the same article elsewhere).
async fn store(pool: &PgPool, r: &ExtractionResult, id: &str, url: &str, title: Option<&str>) {
    let mut r = r.clone();
    r.id = id.to_string();
    r.url = url.to_string();
    r.final_url = url.to_string();
    r.article.title = title.map(str::to_string);
    let prepared = fraudstat::sink::store::prepare(&r).expect("a storable result");
    fraudstat::sink::store::store(pool, &[prepared])
        .await
        .expect("storing a result");
}

/// What was planted, to look for in the page.
struct Planted {
    /// The contradicting value.
    conflict_value: f64,
}

/// A database with the corpus, reprints, a hostile title, a `javascript:`
/// URL and a planted conflict.
async fn seeded() -> (TestDb, Planted) {
    let db = TestDb::create().await;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&db.url)
        .await
        .unwrap();
    fraudstat::sink::schema::migrate(&pool)
        .await
        .expect("migrating");
    let results = corpus();
    for (i, r) in results.iter().enumerate() {
        store(&pool, r, &r.id, &r.url, r.article.title.as_deref()).await;
        if i % 3 == 0 {
            let reprint_title = match i {
                0 => HOSTILE_TITLE.to_string(),
                _ => format!("转载：{}", r.article.title.as_deref().unwrap_or("")),
            };
            let url = match i {
                3 => "javascript:console.error('xss-url')".to_string(),
                _ => format!("https://reprint.example.org/{i}.html"),
            };
            store(
                &pool,
                r,
                &format!("{}-reprint", r.id),
                &url,
                Some(&reprint_title),
            )
            .await;
        }
    }
    // The conflict: an article stating a national yearly figure of the
    // corpus far from what the corpus says.
    let (source, ordinal) = results
        .iter()
        .find_map(|r| {
            r.statistics
                .iter()
                .position(|s| {
                    s.metric != "other"
                        && s.kind == fraudstat::model::Kind::Count
                        && s.region.as_deref() == Some("全国")
                        && s.period.from.is_some()
                        && s.period.to.is_some()
                })
                .map(|i| (r, i))
        })
        .expect("the corpus has a national count with a closed period");
    let mut planted = source.clone();
    planted.id = "planted-conflict".into();
    planted.statistics = vec![source.statistics[ordinal].clone()];
    let conflict_value = (planted.statistics[0].value * 3.0 + 7.0).round();
    planted.statistics[0].value = conflict_value;
    planted.statistics[0].approx = None;
    store(
        &pool,
        &planted,
        "planted-conflict",
        "https://planted.example.org/conflict.html",
        Some("冲突样本 planted conflict"),
    )
    .await;
    pool.close().await;
    (db, Planted { conflict_value })
}

/// What the page must show, counted from the views by the test's own SQL.
struct Expected {
    /// Points per (metric, span class): facts with both period ends.
    points: BTreeMap<(String, String), usize>,
    /// Facts with an open end.
    left_out: usize,
    /// Rows of `conflicts`.
    conflicts: usize,
}

async fn expected(url: &str) -> Expected {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap();
    // Span classes in SQL: a calendar year, quarter or month, else other.
    let rows = sqlx::query(
        "SELECT metric,
                CASE
                  WHEN period_from = date_trunc('year', period_from)::date
                       AND period_to = (period_from + interval '1 year' - interval '1 day')::date THEN 'annual'
                  WHEN period_from = date_trunc('quarter', period_from)::date
                       AND period_to = (period_from + interval '3 months' - interval '1 day')::date THEN 'quarterly'
                  WHEN period_from = date_trunc('month', period_from)::date
                       AND period_to = (period_from + interval '1 month' - interval '1 day')::date THEN 'monthly'
                  ELSE 'other'
                END AS span,
                count(*)::int8 AS n
         FROM facts
         WHERE period_from IS NOT NULL AND period_to IS NOT NULL AND period_to >= period_from
         GROUP BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let points = rows
        .iter()
        .map(|r| {
            let n: i64 = r.get("n");
            (
                (r.get("metric"), r.get("span")),
                usize::try_from(n).unwrap(),
            )
        })
        .collect();
    let left_out: i64 = sqlx::query_scalar(
        "SELECT count(*)::int8 FROM facts
         WHERE period_from IS NULL OR period_to IS NULL OR period_to < period_from",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let conflicts: i64 = sqlx::query_scalar("SELECT count(*)::int8 FROM conflicts")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    Expected {
        points,
        left_out: usize::try_from(left_out).unwrap(),
        conflicts: usize::try_from(conflicts).unwrap(),
    }
}

/// Runs `fraudstat report` into `out`; returns the page.
fn report(url: &str, out: &Path, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_fraudstat"))
        .args(["report", "--database-url", url, "--out"])
        .arg(out)
        .args(extra)
        .env_remove("RUST_LOG")
        .env("FRAUDSTAT_LOG__FORMAT", "json")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "fraudstat report failed: {stderr}");
    let printed = String::from_utf8(output.stdout).unwrap();
    let index = out.join("index.html").canonicalize().unwrap();
    assert_eq!(
        printed.trim(),
        index.display().to_string(),
        "prints the page's path"
    );
    std::fs::read_to_string(index).unwrap()
}

/// The value of `attr="…"` in the first tag of `tag`.
fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!(" {attr}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Points drawn per (metric, span class), read from the page's sections
/// and figures; also checks each chart's own count.
fn points_in(html: &str) -> BTreeMap<(String, String), usize> {
    let mut found = BTreeMap::new();
    for section in html.split("<section class=\"metric\"").skip(1) {
        let metric = attr(section, "data-metric").unwrap().to_string();
        let section = section.split("</section>").next().unwrap();
        for figure in section.split("<figure class=\"chart\"").skip(1) {
            let figure = figure.split("</figure>").next().unwrap();
            let span = attr(figure, "data-span").unwrap().to_string();
            let circles = figure.matches("<circle class=\"point\"").count();
            let svg = &figure[figure.find("<svg").expect("a figure holds its chart")..];
            let declared: usize = attr(svg, "data-points").unwrap().parse().unwrap();
            assert_eq!(
                circles, declared,
                "chart of {metric} ({span}) draws what it declares"
            );
            assert!(circles > 0, "no empty chart ({metric}, {span})");
            *found.entry((metric.clone(), span)).or_default() += circles;
        }
    }
    found
}

#[tokio::test]
async fn the_report_charts_every_closed_fact_lists_conflicts_and_left_out_and_escapes_titles() {
    let (db, planted) = seeded().await;
    let want = expected(&db.url).await;
    let total_points: usize = want.points.values().sum();
    assert!(
        total_points > 50,
        "the corpus gives closed facts ({total_points})"
    );
    assert!(want.left_out > 0 && want.conflicts > 0);

    let out = tempdir("report");
    let html = report(&db.url, &out, &["--max-rows", "100000"]);

    // Every chart there is, with one point per closed fact.
    assert_eq!(points_in(&html), want.points);
    assert_eq!(
        html.matches("<circle class=\"point\"").count(),
        total_points
    );
    // National figures and annual/other spans apart.
    assert!(html.contains("data-span=\"annual\""));
    assert!(html.contains("data-span=\"other\""));
    assert!(html.contains("data-region=\"全国\""));

    // Conflicts, the planted one with its value and its source.
    assert_eq!(
        html.matches("<tr class=\"conflict\"").count(),
        want.conflicts
    );
    let planted_value = format!("data-value=\"{}\"", planted.conflict_value);
    let conflicts =
        &html[html.find("id=\"conflicts\"").unwrap()..html.find("id=\"left-out\"").unwrap()];
    assert!(
        conflicts.contains(&planted_value),
        "planted conflict listed"
    );
    assert!(conflicts.contains("https://planted.example.org/conflict.html"));

    // What was left out, counted and listed.
    assert_eq!(
        html.matches("<tr class=\"left-out\"").count(),
        want.left_out
    );
    assert!(html.contains(&format!("Left out 未纳入图表 ({})", want.left_out)));
    assert!(html.contains("id=\"unreconciled\""));

    // The hostile title is text, the javascript: URL no link.
    assert!(!html.contains("<script>console.error"));
    assert!(!html.contains("<img src=x"));
    assert!(
        html.contains("&lt;script&gt;console.error(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x")
    );
    assert!(!html.contains("href=\"javascript:"));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only the report's own script"
    );
    // Chinese readable: text in the SVG, with a CJK font first.
    assert!(html.contains("统计期末"));
    assert!(html.contains("font-family=\"Noto Sans CJK SC"));

    // Bounded: one row per table, the cut said.
    let small_out = tempdir("report-small");
    let small = report(&db.url, &small_out, &["--max-rows", "1"]);
    assert_eq!(small.matches("<tr class=\"left-out\"").count(), 1);
    assert!(small.contains("more not listed (raise --max-rows)"));
    assert_eq!(
        small.matches("<circle class=\"point\"").count(),
        total_points,
        "charts are not cut"
    );
    drop(db);
    // Kept when the test fails, to look at.
    let _ = std::fs::remove_dir_all(out);
    let _ = std::fs::remove_dir_all(small_out);
}

/// A fresh directory under the target directory's `tmp`.
fn tempdir(name: &str) -> PathBuf {
    let dir = target_dir()
        .join("tmp")
        .join(format!("{name}-{:08x}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The cargo target directory the test binary runs from.
fn target_dir() -> PathBuf {
    // CARGO_BIN_EXE_fraudstat is TARGET/debug/fraudstat (or another profile).
    Path::new(env!("CARGO_BIN_EXE_fraudstat"))
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .to_path_buf()
}

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|d| d.join(name))
            .find(|p| p.is_file());
        if let Some(p) = found {
            return p;
        }
    }
    panic!(
        "chromium is not installed, and this test renders the report in it. Install Debian's chromium and CJK fonts:\n  \
         DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk\n(.ci/run does it)"
    );
}

/// Runs headless chromium on `page` with `args`; returns stdout and the
/// console messages it logged (every one, whatever its level: chromium
/// logs them all as `INFO:CONSOLE`, and the report logs nothing when all
/// is well).
fn browse(page: &Path, args: &[String]) -> (String, Vec<String>) {
    let profile = tempdir("chromium-profile");
    let output = Command::new("timeout")
        .arg("120")
        .arg(chromium())
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "chromium failed ({}): {stderr}",
        output.status
    );
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    )
}

#[tokio::test]
async fn the_report_loads_in_chromium_without_console_errors_and_draws_every_point() {
    // The console capture works on this chromium: a page that logs an
    // error is caught.
    let control_dir = tempdir("console-control");
    let control = control_dir.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><body><script>console.error('control')</script></body></html>",
    )
    .unwrap();
    let (_, console) = browse(&control, &["--dump-dom".to_string()]);
    assert!(
        console.iter().any(|l| l.contains("control")),
        "chromium's console is not captured: {console:?}"
    );

    let (db, _) = seeded().await;
    let want = expected(&db.url).await;
    let total_points: usize = want.points.values().sum();
    let artifacts = target_dir().join("test-artifacts").join("report");
    std::fs::create_dir_all(&artifacts).unwrap();
    let html = report(&db.url, &artifacts, &[]);
    drop(db);
    let page = artifacts.join("index.html").canonicalize().unwrap();
    let charts = html.matches("<svg class=\"chart\"").count();

    let (dom, console) = browse(&page, &["--dump-dom".to_string()]);
    assert!(console.is_empty(), "console messages: {console:#?}");
    let check_at = dom
        .find("<output id=\"render-check\"")
        .expect("the page loaded");
    let check = &dom[check_at..];
    assert_eq!(
        attr(check, "data-status"),
        Some("ok"),
        "{}",
        &check[..check.len().min(400)]
    );
    assert_eq!(
        attr(check, "data-charts"),
        Some(charts.to_string().as_str())
    );
    assert_eq!(
        attr(check, "data-points-drawn"),
        Some(total_points.to_string().as_str()),
        "every closed fact drawn, inside its chart"
    );

    let screenshot = artifacts.join("report.png");
    let _ = std::fs::remove_file(&screenshot);
    let (_, console) = browse(
        &page,
        &[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,2000".to_string(),
            "--hide-scrollbars".to_string(),
        ],
    );
    assert!(console.is_empty(), "console messages: {console:#?}");
    let png = std::fs::read(&screenshot).expect("chromium wrote the screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real picture"
    );
    println!("report screenshot: {}", screenshot.display());
    println!("report page: {}", page.display());
}

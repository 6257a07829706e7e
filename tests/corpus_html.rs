//! The seed pages as a news site serves them: HTML in UTF-8, GBK, GB18030
//! and Big5, some with a lying or missing charset declaration (built by
//! `tests/fixtures/build_html.py`, listed in `tests/fixtures/html/manifest.json`).
//! Each must decode to the charset it was written in, and the whole pipeline
//! (decode → clean → extract) must find exactly the gold statistics: the
//! site chrome around the article (related news, rankings, footer, hidden
//! spam) is full of numbers that must yield nothing.

mod common;

use std::error::Error;
use std::path::{Path, PathBuf};

use common::{Report, gold_as_statistic, load_gold, match_statistics, normalise_text};
use fraudstat::clean::Cleaner;
use fraudstat::decode::decode;
use fraudstat::extract::Extractor;
use fraudstat::model::{CharsetSource, Page};
use serde::Deserialize;

/// One generated page, as `build_html.py` describes it.
#[derive(Debug, Deserialize)]
struct Fixture {
    /// File name in `tests/fixtures/html`.
    file: String,
    /// The corpus page (and gold file) it renders.
    page: String,
    /// The encoding its bytes are in.
    encoding: String,
    /// What the page declares in `<meta>`, if anything.
    declared: Option<String>,
    /// The `Content-Type` header to serve it with.
    content_type: Option<String>,
    /// WHATWG name decoding must report.
    charset: String,
    /// `meta`, `http` or `detected`.
    charset_source: String,
}

fn crate_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn fixtures() -> Vec<Fixture> {
    let path = crate_path("tests/fixtures/html/manifest.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run tests/fixtures/build_html.py", path.display()));
    let fixtures: Vec<Fixture> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        fixtures.len() >= 15,
        "manifest lists only {} pages",
        fixtures.len()
    );
    fixtures
}

fn load(fixture: &Fixture) -> Page {
    let path = crate_path("tests/fixtures/html").join(&fixture.file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    decode(&bytes, fixture.content_type.as_deref())
}

fn source_name(source: CharsetSource) -> &'static str {
    match source {
        CharsetSource::Bom => "bom",
        CharsetSource::Http => "http",
        CharsetSource::Meta => "meta",
        CharsetSource::Detected => "detected",
    }
}

/// The page text with numeric character references resolved and the
/// charset declaration dropped, so that every encoding of a page compares
/// equal to its UTF-8 rendering.
fn comparable(text: &str) -> String {
    let refs = regex::Regex::new(r"&#([0-9]+);").unwrap_or_else(|e| panic!("{e}"));
    let resolved = refs.replace_all(text, |c: &regex::Captures<'_>| {
        c.get(1)
            .and_then(|d| d.as_str().parse::<u32>().ok())
            .and_then(char::from_u32)
            .map(String::from)
            .unwrap_or_default()
    });
    resolved
        .lines()
        .filter(|line| !line.contains("charset"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Decoding alone: charset, its source, and the exact text of the page.
#[test]
fn html_fixtures_decode_to_the_charset_they_were_written_in() {
    let fixtures = fixtures();
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let page = load(fixture);
        let reference = fixtures
            .iter()
            .find(|f| f.page == fixture.page && f.encoding == "utf-8" && f.declared.is_some())
            .map(load)
            .unwrap_or_else(|| panic!("no UTF-8 rendering of {}", fixture.page));
        let mut problems = Vec::new();
        if page.charset != fixture.charset {
            problems.push(format!(
                "charset {} (expected {})",
                page.charset, fixture.charset
            ));
        }
        if source_name(page.charset_source) != fixture.charset_source {
            problems.push(format!(
                "charset source {} (expected {})",
                source_name(page.charset_source),
                fixture.charset_source
            ));
        }
        if page.kind != fraudstat::model::ContentKind::Html {
            problems.push(format!("kind {:?}", page.kind));
        }
        if page.text.contains('\u{FFFD}') {
            problems.push("replacement characters in the text".into());
        }
        let (got, want) = (comparable(&page.text), comparable(&reference.text));
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("\n      got:  {a}\n      want: {b}"))
                .unwrap_or_default();
            problems.push(format!("text differs from the UTF-8 rendering{line}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", fixture.file, problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} pages:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

/// The whole pipeline on every fixture against the gold file of its page.
#[test]
fn html_fixtures_yield_exactly_the_gold_statistics() -> Result<(), Box<dyn Error>> {
    let cleaner = Cleaner::from_file(&crate_path("config/clean.toml"))?;
    let extractor = Extractor::from_file(&crate_path("config/lexicon.toml"))?;
    let fixtures = fixtures();
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let gold = load_gold(&fixture.page)?;
        let page = load(fixture);
        let article = cleaner.clean(&page, None);
        let found = extractor.extract(&article);
        let report: Report = match_statistics(&gold.statistics, &found);
        let mut problems = Vec::new();
        if page.charset != fixture.charset {
            problems.push(format!(
                "charset {} (expected {})",
                page.charset, fixture.charset
            ));
        }
        if let Some(title) = &gold.title {
            let got = article.title.as_deref().map(normalise_text);
            if got.as_deref() != Some(normalise_text(title).as_str()) {
                problems.push(format!("title {got:?} (gold {title:?})"));
            }
        }
        if !report.passed() {
            problems.push(format!("statistics: {report}"));
        }
        if !problems.is_empty() {
            failures.push(format!("== {}\n  {}", fixture.file, problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} HTML pages differ from gold:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
    Ok(())
}

/// Publication date and source read from the HTML, where gold has them.
#[test]
fn html_fixtures_metadata_matches_gold() -> Result<(), Box<dyn Error>> {
    let cleaner = Cleaner::from_file(&crate_path("config/clean.toml"))?;
    let fixtures = fixtures();
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let gold = load_gold(&fixture.page)?;
        let article = cleaner.clean(&load(fixture), None);
        // Gold has dates; the article may add a time of day.
        let published = article
            .published
            .as_deref()
            .map(|p| p.chars().take(10).collect::<String>());
        if published != gold.published {
            failures.push(format!(
                "{}: published {:?} (gold {:?})",
                fixture.file, article.published, gold.published
            ));
        }
        if let Some(source) = &gold.source {
            let got = article.source.as_deref().map(normalise_text);
            if got.as_deref() != Some(normalise_text(source).as_str()) {
                failures.push(format!(
                    "{}: source {got:?} (gold {source:?})",
                    fixture.file
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

/// The matcher itself: every gold file matched against its own entries
/// passes, and dropping or adding a statistic is reported.
#[test]
fn matcher_accepts_gold_and_reports_differences() -> Result<(), Box<dyn Error>> {
    let dir = common::corpus_dir().join("gold");
    let mut names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 45, "only {} gold files", names.len());
    for name in &names {
        let gold = load_gold(name)?;
        let found: Vec<_> = gold.statistics.iter().map(gold_as_statistic).collect();
        let report = match_statistics(&gold.statistics, &found);
        assert!(report.passed(), "{name} against itself: {report}");
        let required: Vec<_> = gold.statistics.iter().filter(|g| !g.optional).collect();
        if let Some(first) = required.first() {
            let without: Vec<_> = found
                .iter()
                .filter(|s| s.sentence != first.quote || s.value != first.value)
                .cloned()
                .collect();
            let report = match_statistics(&gold.statistics, &without);
            assert!(
                !report.missing.is_empty(),
                "{name}: dropping a statistic went unnoticed"
            );
            let mut wrong = found.clone();
            if let Some(s) = wrong
                .iter_mut()
                .find(|s| s.sentence == first.quote && s.value == first.value)
            {
                s.metric = "not_a_metric".into();
            }
            let report = match_statistics(&gold.statistics, &wrong);
            assert_eq!(
                report.wrong.len(),
                1,
                "{name}: a wrong metric went unnoticed: {report}"
            );
        }
        let mut extra = found.clone();
        extra.push(fraudstat::model::Statistic {
            metric: "other".into(),
            value: 96110.0,
            unit: "个".into(),
            kind: fraudstat::model::Kind::Count,
            currency: None,
            approx: None,
            direction: None,
            per: None,
            subject: "反诈专线".into(),
            period: Default::default(),
            region: None,
            sentence: "全国反诈预警劝阻专线：96110".into(),
            span: [0, 0],
            in_title: false,
        });
        let report = match_statistics(&gold.statistics, &extra);
        assert_eq!(
            report.extra.len(),
            1,
            "{name}: an extra statistic went unnoticed: {report}"
        );
    }
    // Traditional and full-width units match their Simplified spelling.
    assert_eq!(common::normalise_unit("個"), "个");
    assert_eq!(common::normalise_unit("％"), "%");
    assert_eq!(common::normalise_unit("萬"), "万");
    Ok(())
}

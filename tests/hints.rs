//! The crawler's hints through the whole pipeline: a page without a date of
//! its own takes the hinted one, relative periods (`今年`, `上月`) resolve
//! against it, a page's own date beats it, and an invalid hint is ignored.

use std::error::Error;
use std::path::PathBuf;

use chrono::Utc;
use fraudstat::clean::Cleaner;
use fraudstat::extract::Extractor;
use fraudstat::model::ExtractionResult;
use fraudstat::pipeline::{Document, Pipeline};

fn pipeline() -> Result<Pipeline, Box<dyn Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Ok(Pipeline::new(
        Cleaner::from_file(&root.join("config/clean.toml"))?,
        Extractor::from_file(&root.join("config/lexicon.toml"))?,
    ))
}

/// A release with no date anywhere: only relative periods.
const UNDATED: &str = "某市公安局通报打击电诈成果\n\
    今年以来，某市公安局共破获电信网络诈骗案件120起，抓获犯罪嫌疑人300名，\
    为群众挽回经济损失500万元。\n\
    上月，全市共破获电信网络诈骗案件20起。\n";

fn run(text: &str, meta: serde_json::Value) -> Result<ExtractionResult, Box<dyn Error>> {
    Ok(pipeline()?.process(Document {
        id: "hint".into(),
        url: "page.txt".into(),
        final_url: "page.txt".into(),
        status: 200,
        content_type: Some("text/plain; charset=utf-8".into()),
        body: text.as_bytes(),
        fetched_at: Utc::now(),
        meta,
        attempts: 1,
    }))
}

/// `(from, to)` of the statistic with `value`.
fn period(r: &ExtractionResult, value: f64) -> Option<(Option<String>, Option<String>)> {
    r.statistics
        .iter()
        .find(|s| (s.value - value).abs() < 1e-9)
        .map(|s| (s.period.from.clone(), s.period.to.clone()))
}

#[test]
fn a_hinted_date_resolves_the_periods_of_an_undated_page() -> Result<(), Box<dyn Error>> {
    let bare = run(UNDATED, serde_json::Value::Null)?;
    assert_eq!(bare.article.published, None);
    let (from, _) = period(&bare, 120.0).ok_or("120 not found")?;
    assert_eq!(from, None, "no date, no year for 今年");

    let hinted = run(UNDATED, serde_json::json!({"published": "2024年5月20日"}))?;
    assert_eq!(hinted.article.published.as_deref(), Some("2024-05-20"));
    let (from, _) = period(&hinted, 120.0).ok_or("120 not found")?;
    assert_eq!(from.as_deref(), Some("2024-01-01"));
    let (from, to) = period(&hinted, 20.0).ok_or("20 not found")?;
    assert_eq!(from.as_deref(), Some("2024-04-01"));
    assert_eq!(to.as_deref(), Some("2024-04-30"));
    Ok(())
}

#[test]
fn the_page_date_beats_the_hint_and_bad_hints_are_ignored() -> Result<(), Box<dyn Error>> {
    let dated = format!("发布时间：2023-06-30\n{UNDATED}");
    let r = run(
        &dated,
        serde_json::json!({"published": "2024-05-20T08:00:00+08:00"}),
    )?;
    assert_eq!(r.article.published.as_deref(), Some("2023-06-30"));
    let (from, _) = period(&r, 120.0).ok_or("120 not found")?;
    assert_eq!(from.as_deref(), Some("2023-01-01"));

    for bad in [
        serde_json::json!({"published": "last Tuesday"}),
        serde_json::json!({"published": 1_716_163_200}),
        serde_json::json!({"published": "2024-13-01"}),
    ] {
        let r = run(UNDATED, bad.clone())?;
        assert_eq!(r.article.published, None, "{bad}");
        // The input's meta still travels with the result unchanged.
        assert_eq!(r.meta, bad);
    }
    Ok(())
}

#[test]
fn a_hinted_date_is_normalised_like_the_page_own() -> Result<(), Box<dyn Error>> {
    let r = run(
        UNDATED,
        serde_json::json!({"published": "2024-05-20 09:30"}),
    )?;
    assert_eq!(
        r.article.published.as_deref(),
        Some("2024-05-20T09:30:00+08:00")
    );
    Ok(())
}

//! The page's reporting region on the corpus: on every gold page, the
//! region most gold statistics carry is the region most extracted ones
//! carry. Read from the gold files, so it holds whatever the metric and
//! period rules find.

use std::collections::BTreeMap;
use std::path::Path;

use fraudstat::clean::Cleaner;
use fraudstat::extract::Extractor;
use fraudstat::model::{CharsetSource, ContentKind, Page};
use serde_json::Value;

fn most_common<'a>(regions: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for r in regions {
        *n.entry(r).or_default() += 1;
    }
    let top = n.values().copied().max()?;
    let tops: Vec<&str> = n
        .iter()
        .filter(|(_, c)| **c == top)
        .map(|(r, _)| *r)
        .collect();
    // A tie names no page region.
    (tops.len() == 1).then(|| tops.concat())
}

#[test]
fn each_corpus_page_gets_the_reporting_region_of_its_gold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cleaner = Cleaner::from_file(&root.join("config/clean.toml")).expect("clean config");
    let ex = Extractor::from_file(&root.join("config/lexicon.toml")).expect("lexicon");
    let dir = root.join("tests/fixtures/corpus");
    let mut names: Vec<String> = std::fs::read_dir(dir.join("gold"))
        .expect("gold dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for name in &names {
        let gold: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("gold").join(name)).expect("gold file"),
        )
        .expect("gold json");
        let stats = gold["statistics"].as_array().cloned().unwrap_or_default();
        let Some(want) = most_common(
            stats
                .iter()
                .filter(|s| s["optional"] != true)
                .filter_map(|s| s["region"].as_str()),
        ) else {
            continue;
        };
        let text = std::fs::read_to_string(dir.join("pages").join(name.replace(".json", ".txt")))
            .expect("page file");
        let page = Page {
            text,
            charset: "utf-8".into(),
            charset_source: CharsetSource::Detected,
            kind: ContentKind::Text,
        };
        let found = ex.extract(&cleaner.clean(&page, None));
        let got = most_common(found.iter().filter_map(|s| s.region.as_deref()));
        checked += 1;
        if got.as_deref() != Some(want.as_str()) {
            wrong.push(format!("{name}: want {want}, got {got:?}"));
        }
    }
    assert!(checked >= 30, "only {checked} pages with a region");
    assert!(wrong.is_empty(), "{wrong:#?}");
}

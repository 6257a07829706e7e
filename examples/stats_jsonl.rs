//! Runs the extractor over the corpus pages and prints one JSON line per
//! page (`{"page": NAME, "statistics": [...]}`) for `score_stats.py --pred`.
//!
//! Usage: `cargo run --example stats_jsonl -- [--fallback] [PAGES_DIR] [GOLD_DIR]`.
//! With `--fallback` the page text is used as the body (ruby pinyin
//! stripped) with the gold title and date, bypassing the cleaner.

use std::path::{Path, PathBuf};

use fraudstat::clean::Cleaner;
use fraudstat::extract::Extractor;
use fraudstat::model::{Article, CharsetSource, ContentKind, Page, Script};

fn strip_ruby(text: &str) -> String {
    let re =
        regex::Regex::new(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,8}\)").expect("static regex");
    re.replace_all(text, "").into_owned()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let fallback = args.iter().any(|a| a == "--fallback");
    args.retain(|a| a != "--fallback");
    let pages = PathBuf::from(
        args.first()
            .cloned()
            .unwrap_or_else(|| "tests/fixtures/corpus/pages".into()),
    );
    let gold = PathBuf::from(
        args.get(1)
            .cloned()
            .unwrap_or_else(|| "tests/fixtures/corpus/gold".into()),
    );
    let ex = Extractor::from_file(Path::new("config/lexicon.toml"))?;
    let cleaner = Cleaner::from_file(Path::new("config/clean.toml"))?;
    let mut names: Vec<_> = std::fs::read_dir(&pages)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(pages.join(&name))?;
        let article = if fallback {
            let g: serde_json::Value =
                std::fs::read_to_string(gold.join(name.replace(".txt", ".json")))
                    .ok()
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or(serde_json::Value::Null);
            Article {
                title: g.get("title").and_then(|v| v.as_str()).map(str::to_string),
                published: g
                    .get("published")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                source: None,
                author: None,
                script: Script::Hans,
                text: strip_ruby(&text),
            }
        } else {
            let page = Page {
                text,
                charset: "utf-8".into(),
                charset_source: CharsetSource::Detected,
                kind: ContentKind::Text,
            };
            cleaner.clean(&page, None)
        };
        let stats = ex.extract(&article);
        println!(
            "{}",
            serde_json::json!({"page": name, "statistics": stats, "title": article.title, "published": article.published})
        );
    }
    Ok(())
}

//! Replays every input kept in `fuzz/regressions/<target>/` (crashers and
//! slow units the fuzz targets found, see fuzz/README.md) through what its
//! target calls, so a fixed bug stays fixed in the normal test command. No
//! broker needed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fraudstat::configuration::Settings;
use fraudstat::decode::decode;
use fraudstat::input::{InputMessage, KeptInput, body_id};
use fraudstat::pipeline::{Document, Pipeline};
use fraudstat::text::numeral::{parse, scan};

/// A hang guard per input (the debug build is some ten times slower than
/// the release build fuzzing runs).
const GUARD: Duration = Duration::from_secs(60);

fn regressions() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut out = Vec::new();
    for target in std::fs::read_dir(&root).expect("fuzz/regressions") {
        let target = target.unwrap().path();
        if !target.is_dir() {
            continue;
        }
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        for f in std::fs::read_dir(&target).unwrap() {
            let f = f.unwrap().path();
            if f.is_file() && f.extension().is_none_or(|e| e != "md") {
                out.push((name.clone(), f));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_kept_fuzz_input_runs_through_its_target_cleanly() {
    let settings = Settings::load_with_env(
        Some(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config")),
        None,
        Vec::<(String, String)>::new(),
    )
    .unwrap();
    let pipeline = Pipeline::load(&settings).unwrap();
    let inputs = regressions();
    assert!(!inputs.is_empty(), "fuzz/regressions holds no inputs");
    for (target, path) in &inputs {
        let data = std::fs::read(path).unwrap();
        let started = Instant::now();
        match target.as_str() {
            "input" => {
                if let Ok(m) = InputMessage::parse(&data) {
                    assert!(matches!(m.url.url().scheme(), "http" | "https"));
                    assert_eq!(InputMessage::parse(&data).unwrap().id, m.id);
                }
                let _ = KeptInput::keep(&data, 4096);
                let _ = body_id(&data);
            }
            "numeral_scan" => {
                let text = String::from_utf8_lossy(&data);
                for m in scan(&text) {
                    assert_eq!(parse(&text[m.start..m.end]), Some(m.value), "{path:?}");
                }
            }
            "decode" => {
                assert!(!decode(&data, None).charset.is_empty());
            }
            // clean and extract: the whole pipeline, both content kinds.
            _ => {
                for ct in ["text/html", "text/plain; charset=utf-8"] {
                    let _ = pipeline.process(Document {
                        id: "fuzz".into(),
                        url: "https://example.invalid/a.html".into(),
                        final_url: "https://example.invalid/a.html".into(),
                        status: 200,
                        content_type: Some(ct.into()),
                        body: &data,
                        fetched_at: chrono::Utc::now(),
                        meta: serde_json::Value::Null,
                        attempts: 1,
                    });
                }
            }
        }
        assert!(
            started.elapsed() < GUARD,
            "{target} {path:?} took {:?}",
            started.elapsed()
        );
    }
    eprintln!("{} kept fuzz inputs replayed", inputs.len());
}

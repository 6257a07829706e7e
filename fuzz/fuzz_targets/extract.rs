//! `extract::Extractor::extract` on arbitrary article text (and title), with
//! the shipped `config/lexicon.toml`.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use fraudstat::extract::Extractor;
use fraudstat::model::{Article, Script};
use libfuzzer_sys::fuzz_target;

fn extractor() -> Option<&'static Extractor> {
    static E: OnceLock<Option<Extractor>> = OnceLock::new();
    E.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/lexicon.toml");
        match Extractor::from_file(&path) {
            Ok(e) => Some(e),
            Err(e) => {
                eprintln!(
                    "extract fuzz target: cannot load {}: {e}; target is a no-op",
                    path.display()
                );
                None
            }
        }
    })
    .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some(e) = extractor() else { return };
    let text = String::from_utf8_lossy(data);
    // The first line is the title when there is more than one line.
    let (title, body) = match text.split_once('\n') {
        Some((t, b)) => (Some(t.to_string()), b.to_string()),
        None => (None, text.to_string()),
    };
    for (script, published) in [(Script::Hans, Some("2024-01-09")), (Script::Hant, None)] {
        let article = Article {
            title: title.clone(),
            published: published.map(str::to_string),
            source: None,
            author: None,
            script,
            text: body.clone(),
        };
        let _ = e.extract(&article);
    }
});

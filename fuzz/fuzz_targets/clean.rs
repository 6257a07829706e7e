//! `clean::Cleaner::clean` on arbitrary bytes, as HTML and as text, with the
//! shipped `config/clean.toml`.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use fraudstat::clean::Cleaner;
use fraudstat::decode::decode;
use fraudstat::model::{CharsetSource, ContentKind, Page};
use libfuzzer_sys::fuzz_target;

fn cleaner() -> Option<&'static Cleaner> {
    static C: OnceLock<Option<Cleaner>> = OnceLock::new();
    C.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/clean.toml");
        match Cleaner::from_file(&path) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!(
                    "clean fuzz target: cannot load {}: {e}; target is a no-op",
                    path.display()
                );
                None
            }
        }
    })
    .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some(c) = cleaner() else { return };
    let page = decode(data, Some("text/html"));
    let _ = c.clean(&page, Some("https://example.invalid/a.html"));
    for kind in [ContentKind::Html, ContentKind::Text] {
        let forced = Page {
            text: String::from_utf8_lossy(data).into_owned(),
            charset: "utf-8".into(),
            charset_source: CharsetSource::Detected,
            kind,
        };
        let _ = c.clean(&forced, None);
    }
});

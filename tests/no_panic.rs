//! No input may panic: arbitrary bytes and damaged corpus pages go through
//! `decode → clean → extract` (and through `clean`/`extract` directly, as
//! HTML and as text), and every stage must return.
//!
//! The stages load `config/clean.toml` and `config/lexicon.toml`; where a
//! file is missing (another helper has not landed it yet) the stage is
//! skipped with a message rather than failing, but a file that exists and
//! does not load fails the test.
//!
//! Case counts are modest so the file runs in well under a minute in debug;
//! raise them with `PROPTEST_CASES=…` for a longer hunt. The cargo-fuzz
//! targets in `fuzz/` do the long runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fraudstat::clean::Cleaner;
use fraudstat::decode::decode;
use fraudstat::extract::Extractor;
use fraudstat::model::{Article, CharsetSource, ContentKind, Page, Script};
use fraudstat::text::numeral;
use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load<T>(
    name: &str,
    from_file: fn(&Path) -> Result<T, fraudstat::error::ConfigError>,
) -> Option<T> {
    let path = root().join("config").join(name);
    if !path.exists() {
        eprintln!(
            "no_panic: {} does not exist in this tree yet; skipping that stage",
            path.display()
        );
        return None;
    }
    match from_file(&path) {
        Ok(t) => Some(t),
        Err(e) => panic!("{} exists but does not load: {e}", path.display()),
    }
}

fn cleaner() -> Option<&'static Cleaner> {
    static C: OnceLock<Option<Cleaner>> = OnceLock::new();
    C.get_or_init(|| load("clean.toml", Cleaner::from_file))
        .as_ref()
}

fn extractor() -> Option<&'static Extractor> {
    static E: OnceLock<Option<Extractor>> = OnceLock::new();
    E.get_or_init(|| load("lexicon.toml", Extractor::from_file))
        .as_ref()
}

/// The corpus pages, as bytes.
fn pages() -> &'static [Vec<u8>] {
    static P: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    P.get_or_init(|| {
        let dir = root().join("tests/fixtures/corpus/pages");
        let mut paths: Vec<PathBuf> = match fs::read_dir(&dir) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect(),
            Err(e) => panic!("cannot read {}: {e}", dir.display()),
        };
        paths.sort();
        let pages: Vec<Vec<u8>> = paths
            .iter()
            .map(|p| match fs::read(p) {
                Ok(b) => b,
                Err(e) => panic!("{}: {e}", p.display()),
            })
            .collect();
        assert!(!pages.is_empty(), "no corpus pages in {}", dir.display());
        pages
    })
}

/// Runs every stage on `bytes`; returns only if nothing panicked.
fn run_all(bytes: &[u8], content_type: Option<&str>) {
    let page = decode(bytes, content_type);
    let _ = numeral::scan(&page.text);
    if let Some(c) = cleaner() {
        let article = c.clean(&page, Some("https://example.invalid/a.html"));
        if let Some(e) = extractor() {
            let _ = e.extract(&article);
        }
        // The same text through the HTML and the text paths of the cleaner,
        // whatever decode decided.
        for kind in [ContentKind::Html, ContentKind::Text] {
            let forced = Page {
                text: page.text.clone(),
                charset: page.charset.clone(),
                charset_source: CharsetSource::Detected,
                kind,
            };
            let _ = c.clean(&forced, None);
        }
    }
    if let Some(e) = extractor() {
        let _ = e.extract(&raw_article(&page.text));
    }
}

/// An article that skips the cleaner, so the extractor sees raw damage.
fn raw_article(text: &str) -> Article {
    let mut chars = text.char_indices().map(|(i, _)| i);
    let cut = chars.nth(40).unwrap_or(text.len());
    Article {
        title: text.get(..cut).map(str::to_string),
        published: Some("2024-01-09".into()),
        source: None,
        author: None,
        script: Script::Hans,
        text: text.to_string(),
    }
}

const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("text/html"),
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=gbk"),
    Some("text/html; charset=big5"),
    Some("text/plain; charset=gb2312"),
    Some("text/html; charset=\"x-unknown\""),
    Some("application/octet-stream"),
    Some(";;charset=;"),
];

/// Byte strings that tend to break parsers.
fn nasty_insert() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<Vec<u8>> = vec![
        b"<".to_vec(),
        b">".to_vec(),
        b"\0".to_vec(),
        b"\x01\x02\x1b\x7f".to_vec(),
        b"\r\n\r".to_vec(),
        b"<!--".to_vec(),
        b"<script>".to_vec(),
        b"</div></p></body>".to_vec(),
        b"<meta charset=\"big5\">".to_vec(),
        b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">".to_vec(),
        b"&#x110000;&#0;&amp".to_vec(),
        b"\xef\xbb\xbf".to_vec(),
        b"\xff\xfe\x00".to_vec(),
        b"\xc3".to_vec(),
        b"\xe4\xb8".to_vec(),
        "萬億兆零〇百分之成多余".as_bytes().to_vec(),
        "2023年1月至12月，同比上升".as_bytes().to_vec(),
        "9".repeat(5000).into_bytes(),
        "一".repeat(2000).into_bytes(),
        "1,000,".repeat(500).into_bytes(),
        "<div>".repeat(5000).into_bytes(),
        "<table><tr><td>".repeat(800).into_bytes(),
        "<b><i>".repeat(2000).into_bytes(),
    ];
    prop_oneof![
        4 => prop::sample::select(fixed),
        1 => prop::collection::vec(any::<u8>(), 1..64),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Truncate { at: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        3 => (any::<usize>(), nasty_insert()).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<usize>(), 1usize..200).prop_map(|(at, len)| Mutation::Delete { at, len }),
    ]
}

fn apply(mut bytes: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let n = bytes.len();
        let pos = |at: usize| if n == 0 { 0 } else { at % (n + 1) };
        match m {
            Mutation::Flip { at, bit } => {
                if n > 0
                    && let Some(b) = bytes.get_mut(at % n)
                {
                    *b ^= 1 << bit;
                }
            }
            Mutation::Truncate { at } => bytes.truncate(pos(*at)),
            Mutation::Insert { at, bytes: ins } => {
                let p = pos(*at);
                bytes.splice(p..p, ins.iter().copied());
            }
            Mutation::Delete { at, len } => {
                let p = pos(*at);
                let end = p.saturating_add(*len).min(n);
                bytes.drain(p..end);
            }
        }
    }
    bytes
}

/// Wraps page text in a small HTML document so the HTML paths run too.
fn as_html(bytes: &[u8]) -> Vec<u8> {
    let mut out = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>".to_vec();
    out.extend_from_slice(bytes.get(..bytes.len().min(60)).unwrap_or_default());
    out.extend_from_slice(b"</title></head><body><div class=\"article\"><p>");
    for b in bytes {
        if *b == b'\n' {
            out.extend_from_slice(b"</p><p>");
        } else {
            out.push(*b);
        }
    }
    out.extend_from_slice(b"</p></div></body></html>");
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_do_not_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        ct in prop::sample::select(CONTENT_TYPES),
    ) {
        run_all(&bytes, ct);
    }

    #[test]
    fn arbitrary_strings_do_not_panic(text in any::<String>(), html in any::<bool>()) {
        let bytes = if html { as_html(text.as_bytes()) } else { text.into_bytes() };
        run_all(&bytes, None);
    }

    #[test]
    fn mutated_pages_do_not_panic(
        page in any::<prop::sample::Index>(),
        muts in prop::collection::vec(mutation(), 1..6),
        html in any::<bool>(),
        ct in prop::sample::select(CONTENT_TYPES),
    ) {
        let original = page.get(pages());
        let base = if html { as_html(original) } else { original.clone() };
        let bytes = apply(base, &muts);
        run_all(&bytes, ct);
    }
}

/// The extreme inputs named in the brief, each once, on top of the random ones.
#[test]
fn extreme_inputs_do_not_panic() {
    let page = pages().first().cloned().unwrap_or_default();
    let mut deep = "<div>".repeat(5000).into_bytes();
    deep.extend_from_slice(&page);
    deep.extend_from_slice("</div>".repeat(5000).as_bytes());
    let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
        (Vec::new(), None),
        (deep.clone(), Some("text/html")),
        (deep, None),
        ("9".repeat(20_000).into_bytes(), None),
        ("一二三四五六七八九〇".repeat(1000).into_bytes(), None),
        ("萬".repeat(5_000).into_bytes(), None),
        ("1.".repeat(5_000).into_bytes(), None),
        (vec![0u8; 10_000], None),
        (vec![b'<'; 10_000], Some("text/html")),
        (vec![0xffu8; 10_000], None),
        (
            "電信網絡詐騙".repeat(3_000).into_bytes(),
            Some("text/plain; charset=utf-8"),
        ),
        (
            "<p>同比上升22%，破案1.8萬宗</p>".repeat(100).into_bytes(),
            Some("text/html"),
        ),
    ];
    for (i, (bytes, ct)) in cases.into_iter().enumerate() {
        let t = std::time::Instant::now();
        run_all(&bytes, ct);
        // Reported, never asserted: a slow stage shows up in the log.
        eprintln!(
            "extreme case {i} ({} bytes): {:?}",
            bytes.len(),
            t.elapsed()
        );
    }
}

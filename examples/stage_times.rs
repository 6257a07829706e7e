use std::io::Read;
use std::time::{Duration, Instant};
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cleaner = fraudstat::clean::Cleaner::from_file(&root.join("config/clean.toml")).unwrap();
    let ex = fraudstat::extract::Extractor::from_file(&root.join("config/lexicon.toml")).unwrap();
    let rules =
        fraudstat::clean::html::HtmlRules::from_file(&root.join("config/html.toml")).unwrap();
    let mut pages = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let b = std::fs::read(&p).unwrap();
        let b = if p.to_str().unwrap().ends_with(".gz") {
            let mut o = vec![];
            flate2::read::GzDecoder::new(&b[..])
                .read_to_end(&mut o)
                .unwrap();
            o
        } else {
            b
        };
        pages.push(b);
    }
    let (mut td, mut th, mut tc, mut te) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    for b in &pages {
        let t = Instant::now();
        let page = fraudstat::decode::decode(b, None);
        td += t.elapsed();
        let t = Instant::now();
        let _ = fraudstat::clean::html::extract(&page.text, &rules);
        th += t.elapsed();
        let t = Instant::now();
        let a = cleaner.clean(&page, None);
        tc += t.elapsed();
        let t = Instant::now();
        let _ = ex.extract(&a);
        te += t.elapsed();
    }
    let n = pages.len() as f64;
    println!(
        "pages {} decode {:.2}ms html-only {:.2}ms clean(total) {:.2}ms extract {:.2}ms per page",
        n,
        td.as_secs_f64() * 1e3 / n,
        th.as_secs_f64() * 1e3 / n,
        tc.as_secs_f64() * 1e3 / n,
        te.as_secs_f64() * 1e3 / n
    );
}

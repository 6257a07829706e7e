//! Extracts statistics from each argument (a body text) and prints them
//! compactly (debugging aid for the lexicon).
use fraudstat::extract::Extractor;
use fraudstat::model::{Article, Script};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ex = Extractor::from_file(std::path::Path::new("config/lexicon.toml"))?;
    for arg in std::env::args().skip(1) {
        // `@FILE` reads the text from a file.
        let text = match arg.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)?,
            None => arg,
        };
        let a = Article {
            title: None,
            published: Some("2024-06-30".into()),
            source: None,
            author: None,
            script: Script::Hans,
            text,
        };
        for s in ex.extract(&a) {
            println!(
                "{} {} {} {} cur={:?} ap={:?} dir={:?} per={:?} subj={} period={:?} region={:?}",
                s.value,
                s.unit,
                s.kind,
                s.metric,
                s.currency,
                s.approx,
                s.direction,
                s.per,
                s.subject,
                s.period.text,
                s.region
            );
        }
        println!("--");
    }
    Ok(())
}

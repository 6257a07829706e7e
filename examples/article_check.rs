//! Runs one synthetic article with a headline through the extractor
//! (debugging aid for headline and sub-heading restatements).
use fraudstat::extract::Extractor;
use fraudstat::model::{Article, Script};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ex = Extractor::from_file(std::path::Path::new("config/lexicon.toml"))?;
    let mut args = std::env::args().skip(1);
    let title = args.next();
    let text = args.collect::<Vec<_>>().join("\n");
    let a = Article {
        title,
        published: Some("2025-03-02".into()),
        source: None,
        author: None,
        script: Script::Hant,
        text,
    };
    for s in ex.extract(&a) {
        println!(
            "{} {} {} {} in_title={} span={:?} period={:?} region={:?}",
            s.value, s.unit, s.kind, s.metric, s.in_title, s.span, s.period.text, s.region
        );
    }
    Ok(())
}

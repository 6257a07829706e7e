//! Prints the time phrases the extractor finds in a text (debugging aid).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gaz = fraudstat::extract::gazetteer::Gazetteer::from_file(std::path::Path::new(
        "config/gazetteer.tsv",
    ))?;
    let lex = fraudstat::extract::lexicon::Lexicon::from_file(
        std::path::Path::new("config/lexicon.toml"),
        &gaz,
    )?;
    for a in std::env::args().skip(1) {
        let s: Vec<char> = a.chars().collect();
        for p in fraudstat::extract::period::phrases(&lex, &s, &[]) {
            println!(
                "{:?} comparison={}",
                s.get(p.start..p.end).map(|w| w.iter().collect::<String>()),
                p.comparison
            );
        }
    }
    Ok(())
}

use std::time::Instant;
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ex = fraudstat::extract::Extractor::from_file(&root.join("config/lexicon.toml")).unwrap();
    for n in [100usize, 200, 400, 800, 1600] {
        let text = "同比上升22%，破案1.8萬宗，".repeat(n);
        let a = fraudstat::model::Article {
            title: None,
            published: None,
            source: None,
            author: None,
            script: fraudstat::model::Script::Hant,
            text,
        };
        let t = Instant::now();
        let s = ex.extract(&a);
        println!(
            "run-on n={n} stats={} {:.3}s",
            s.len(),
            t.elapsed().as_secs_f64()
        );
        let text = "同比上升22%，破案1.8萬宗。\n".repeat(n);
        let a = fraudstat::model::Article {
            title: None,
            published: None,
            source: None,
            author: None,
            script: fraudstat::model::Script::Hant,
            text,
        };
        let t = Instant::now();
        let s = ex.extract(&a);
        println!(
            "paragraphs n={n} stats={} {:.3}s",
            s.len(),
            t.elapsed().as_secs_f64()
        );
    }
}

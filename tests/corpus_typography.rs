//! The corpus rewritten with web-editor typography scores as the plain
//! corpus does: pangu spacing (a space between every digit or Latin run and
//! an ideograph), full-width digits, Markdown bold around every figure,
//! NBSP and ideographic spaces, and all of these at once.
//!
//! Pages and gold files are the plain corpus's, scored by the same rules
//! (`period.text` too: the extractor quotes a period with its typography
//! normalised, `2024年1月` for `2024 年 **1** 月`). The plain corpus keeps
//! its own test with its own bars (`corpus_text.rs`).

mod common;

use common::scoring::{Score, score_set, score_variant};

fn is_han(c: char) -> bool {
    fraudstat::text::chars::is_han(c)
}

/// Digits (ASCII or full-width), Latin letters and the percent sign that
/// pangu keeps with them (`13.5%`).
fn is_alnum_run(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || ('０'..='９').contains(&c)
        || matches!(c, '%' | '％')
        || (c.is_alphabetic() && !is_han(c) && (c as u32) < 0x2000)
}

/// Puts `space(k)` (k counting the spaces inserted so far) between every
/// alphanumeric run and an ideograph on either side of it; emphasis
/// markers between them stay with the figure (`抓获 **25** 人`).
fn pangu_with(page: &str, space: &dyn Fn(usize) -> char) -> String {
    let mut out = String::with_capacity(page.len() * 2);
    let mut prev: Option<char> = None;
    let mut stars = 0;
    let mut k = 0;
    for c in page.chars() {
        if c == '*' {
            stars += 1;
            continue;
        }
        let boundary =
            prev.is_some_and(|p| (is_alnum_run(p) && is_han(c)) || (is_han(p) && is_alnum_run(c)));
        let han_before = prev.is_some_and(is_han);
        if boundary && han_before {
            out.push(space(k));
            k += 1;
        }
        out.extend(std::iter::repeat_n('*', stars));
        stars = 0;
        if boundary && !han_before {
            out.push(space(k));
            k += 1;
        }
        out.push(c);
        prev = Some(c);
    }
    out.extend(std::iter::repeat_n('*', stars));
    out
}

fn pangu(page: &str) -> String {
    pangu_with(page, &|_| ' ')
}

/// Pangu spacing with the spaces WeChat and word processors leave:
/// no-break, ideographic, thin and narrow no-break spaces in turn.
fn odd_spaces(page: &str) -> String {
    const SPACES: [char; 4] = ['\u{a0}', '\u{3000}', '\u{2009}', '\u{202f}'];
    pangu_with(page, &|k| SPACES[k % SPACES.len()])
}

/// ASCII digits to full-width, with the point and percent sign of a number.
fn full_width(page: &str) -> String {
    let chars: Vec<char> = page.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| match c {
            '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            '.' if i > 0 && digit(i - 1) && digit(i + 1) => '．',
            '%' if i > 0 && digit(i - 1) => '％',
            c => c,
        })
        .collect()
}

/// Markdown bold around every Arabic figure with its multiplier,
/// approximation and counting word: `**2000余万元**`, `**25人**`.
fn bold(page: &str) -> String {
    let chars: Vec<char> = page.chars().collect();
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut out = String::with_capacity(page.len() * 2);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if !digit(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while chars
            .get(j)
            .is_some_and(|&c| digit(c) || (matches!(c, '.' | '．' | ',') && j > i))
        {
            j += 1;
        }
        while chars
            .get(j)
            .is_some_and(|c| "万萬亿億千余餘多".contains(*c))
        {
            j += 1;
        }
        if chars
            .get(j)
            .is_some_and(|c| "元人名起个個条條次笔筆处處件宗家户%％".contains(*c))
        {
            j += 1;
        }
        // A broken ruby annotation (`萬(wàn)`) stays with its character,
        // as the page's editor would have left it.
        while j > i + 1
            && chars.get(j) == Some(&'(')
            && chars.get(j - 1).is_some_and(|&c| is_han(c))
        {
            j -= 1;
        }
        out.push_str("**");
        out.extend(chars.get(i..j).unwrap_or_default());
        out.push_str("**");
        i = j;
    }
    out
}

/// Every printable ASCII character in its full-width form (`ｄａｔｅ
/// ２０２５－１０－１３`, `４，６１９宗`, `（ｗǎｎｇ）`): pages set all in
/// full-width forms, as some older portals and Word exports are.
fn all_full_width(page: &str) -> String {
    page.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

fn combined(page: &str) -> String {
    pangu(&bold(&full_width(page)))
}

fn combined_odd_spaces(page: &str) -> String {
    odd_spaces(&bold(&full_width(page)))
}

/// Rewrites a page into one typographic variant.
type Writer = fn(&str) -> String;

fn check(name: &str, variant: &Score, plain: &Score) -> Option<String> {
    eprintln!(
        "{name}: {} usable {:.3}",
        variant.summary(),
        variant.usable_rate()
    );
    let mut failures = Vec::new();
    if variant.recall() < plain.recall() - 0.01 {
        failures.push(format!(
            "recall {:.3} vs plain {:.3}",
            variant.recall(),
            plain.recall()
        ));
    }
    if variant.precision() < 0.99 {
        failures.push(format!("precision {:.3} < 0.99", variant.precision()));
    }
    if variant.usable_rate() < plain.usable_rate() - 0.01 {
        failures.push(format!(
            "usable {:.3} vs plain {:.3}",
            variant.usable_rate(),
            plain.usable_rate()
        ));
    }
    (!failures.is_empty()).then(|| {
        format!(
            "{name}: {}\nper-page errors:\n{}",
            failures.join(", "),
            variant.report
        )
    })
}

#[test]
fn variant_writers_change_what_they_should() {
    assert_eq!(
        pangu("抓获嫌疑人25人，ETtoday新聞"),
        "抓获嫌疑人 25 人，ETtoday 新聞"
    );
    assert_eq!(full_width("1.5万, 22%"), "１．５万, ２２％");
    assert_eq!(
        all_full_width("date 4,619宗(wàn)"),
        "ｄａｔｅ ４，６１９宗（ｗàｎ）"
    );
    assert_eq!(bold("1.8萬(wàn)余人"), "**1.8**萬(wàn)余人");
    assert_eq!(
        bold("挽回2000余万元，抓获25人，2024年"),
        "挽回**2000余万元**，抓获**25人**，**2024**年"
    );
    assert_eq!(combined("抓获25人。"), "抓获 **２５ 人**。");
    assert_eq!(combined("共25起案件"), "共 **２５ 起**案件");
    assert_eq!(odd_spaces("第1名第2"), "第\u{a0}1\u{3000}名第\u{2009}2");
}

#[test]
fn typographic_variants_score_as_the_plain_corpus() {
    let plain = score_set("corpus");
    eprintln!(
        "plain: {} usable {:.3}",
        plain.summary(),
        plain.usable_rate()
    );
    let variants: [(&str, Writer); 7] = [
        ("pangu spacing", pangu),
        ("full-width digits", full_width),
        ("all ASCII full-width", all_full_width),
        ("Markdown bold", bold),
        ("odd spaces", odd_spaces),
        ("all combined", combined),
        ("all combined, odd spaces", combined_odd_spaces),
    ];
    let failures: Vec<String> = variants
        .iter()
        .filter_map(|(name, f)| check(name, &score_variant("corpus", f), &plain))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn spans_point_into_the_page_text() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ex = fraudstat::extract::Extractor::from_file(&root.join("config/lexicon.toml"))
        .expect("lexicon");
    let text = "**2024** 年 1 至 ９ 月，警方抓获犯罪嫌疑人 **25** 人，冻结涉案资金 １．５ 万元，劝阻群众\u{3000}1\u{a0}200 余人。";
    let article = fraudstat::model::Article {
        title: None,
        published: Some("2024-06-30".into()),
        source: None,
        author: None,
        script: fraudstat::model::Script::Hans,
        text: text.into(),
    };
    let chars: Vec<char> = text.chars().collect();
    let found: Vec<(f64, String, String)> = ex
        .extract(&article)
        .into_iter()
        .map(|s| {
            assert_eq!(s.period.text.as_deref(), Some("2024年1至9月"));
            let quoted: String = chars
                .get(s.span[0]..s.span[1])
                .unwrap_or_default()
                .iter()
                .collect();
            (s.value, s.unit, quoted)
        })
        .collect();
    let want = [
        (25.0, "人", "25** 人"),
        (15000.0, "元", "１．５ 万元"),
        (1200.0, "人", "1\u{a0}200 余人"),
    ];
    let want: Vec<(f64, String, String)> = want
        .iter()
        .map(|(v, u, q)| (*v, (*u).to_string(), (*q).to_string()))
        .collect();
    assert_eq!(found, want);
}

#[test]
fn web_typography_phrasings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ex = fraudstat::extract::Extractor::from_file(&root.join("config/lexicon.toml"))
        .expect("lexicon");
    let cases: &[(&str, f64, &str)] = &[
        ("警方共抓获犯罪嫌疑人 25 人。", 25.0, "人"),
        ("为群众挽回损失 **2000 余万元**。", 20_000_000.0, "元"),
        ("涉案金额\u{a0}1.2\u{a0}亿元。", 120_000_000.0, "元"),
        ("冻结涉诈资金 13.5 万元。", 135_000.0, "元"),
        ("破获案件 __１２__ 起。", 12.0, "起"),
        ("劝阻群众\u{3000}１．５\u{3000}万人。", 15_000.0, "人"),
        ("詐騙案件受理九萬三三七九件。", 93_379.0, "件"),
        ("查獲車手六萬五四二人。", 60_542.0, "人"),
    ];
    for &(text, value, unit) in cases {
        let article = fraudstat::model::Article {
            title: None,
            published: Some("2024-06-30".into()),
            source: None,
            author: None,
            script: fraudstat::model::Script::Hans,
            text: text.into(),
        };
        let found: Vec<(f64, String)> = ex
            .extract(&article)
            .into_iter()
            .map(|s| (s.value, s.unit))
            .collect();
        assert_eq!(found, vec![(value, unit.to_string())], "in {text:?}");
    }
}

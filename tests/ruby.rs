//! Ruby repair: pinyin annotations go, real brackets stay.

use fraudstat::clean::ruby::{is_pinyin, repair};
use proptest::prelude::*;

fn neutral() -> Vec<String> {
    ["de", "le", "me", "ma", "men", "ne"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn fix(s: &str) -> String {
    repair(s, &neutral())
}

#[test]
fn corpus_garble_is_repaired() {
    for (broken, want) in [
        ("網(wǎng)絡(luò)", "網絡"),
        ("來(lái)源:華西都市報(bào)", "來源:華西都市報"),
        ("27.4萬(wàn)起", "27.4萬起"),
        ("38.1萬(wàn)人", "38.1萬人"),
        ("首頁(yè) > shms", "首頁 > shms"),
        ("發(fā)布會(huì),通報(bào)", "發布會,通報"),
        ("凍結(jié)涉詐資金47.55億元", "凍結涉詐資金47.55億元"),
        ("進(jìn)市場、入村組,、訪校園", "進市場、入村組,、訪校園"),
        ("中國(guó)新聞網(wǎng)·四川", "中國新聞網·四川"),
        ("專(zhuān)班", "專班"),
        ("網（wǎng）絡（luò）", "網絡"),
    ] {
        assert_eq!(fix(broken), want, "{broken}");
    }
}

#[test]
fn real_brackets_stay() {
    for s in [
        "對10個涉詐問題突出縣(市、區)進行約談",
        "人民網呼和浩特8月19日電 (王慧)8月19日上午",
        "電子商務騙案的增幅超過一倍(105.4%)",
        "(一)「可疑帳號警示」",
        "被害人A女於臉書(FB)",
        "冒充朋友的電話騙案(Fake Friend Call Scam)",
        "截至昨日(31日)",
        "假交友(投資詐財)詐騙",
        "騙(盜)款",
        "(资料图片仅供参考)",
        "中銀(香港)",
        "代號(abc)",
    ] {
        assert_eq!(fix(s), s);
    }
}

#[test]
fn pinyin_needs_a_tone_or_a_known_neutral_syllable() {
    let n = neutral();
    assert!(is_pinyin("wǎng", &n));
    assert!(is_pinyin("zhōng guó", &n));
    assert!(is_pinyin("de", &n));
    assert!(!is_pinyin("abc", &n));
    assert!(!is_pinyin("FB", &n));
    assert!(!is_pinyin("105.4%", &n));
    assert!(!is_pinyin("", &n));
    assert!(!is_pinyin("市、區", &n));
}

proptest! {
    #[test]
    fn never_panics_and_never_grows(s in "\\PC{0,60}") {
        let out = fix(&s);
        prop_assert!(out.chars().count() <= s.chars().count());
    }

    #[test]
    fn idempotent(s in "[網絡來源(（)）a-zāáǎàòóǒ ]{0,40}") {
        let once = fix(&s);
        prop_assert_eq!(fix(&once), once.clone());
    }

    #[test]
    fn brackets_without_pinyin_survive(
        head in "[\\u{4e00}-\\u{4e60}]{1,5}",
        inner in "[\\u{4e00}-\\u{4e60}0-9A-Z%.、]{1,8}",
        tail in "[\\u{4e00}-\\u{4e60}]{0,5}",
    ) {
        let s = format!("{head}({inner}){tail}");
        prop_assert_eq!(fix(&s), s);
    }

    #[test]
    fn pinyin_after_a_character_goes(
        head in "[\\u{4e00}-\\u{4e60}]{1,5}",
        syl in "(w|l|zh|g)(ǎ|ò|á|ù)(ng|n|)",
        tail in "[\\u{4e00}-\\u{4e60}]{0,5}",
    ) {
        let s = format!("{head}({syl}){tail}");
        prop_assert_eq!(fix(&s), format!("{head}{tail}"));
    }
}

//! The spec's "Resolving a period" table, one row per rule, with phrasings
//! written for this test (not taken from the corpus): first the resolver
//! alone on a phrase and its context, then whole sentences through the
//! extractor, for the time context (which phrase governs a figure).

use std::path::Path;

use chrono::NaiveDate;

use super::Extractor;
use super::lexicon::Lexicon;
use super::period_resolve::{Classes, Context, Kind, classify, resolve};
use crate::hints::Hints;
use crate::model::{Article, Script};

fn lexicon() -> &'static Lexicon {
    static LEX: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEX.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let gaz = super::gazetteer::Gazetteer::from_file(&root.join("config/gazetteer.tsv"))
            .expect("gazetteer loads");
        Lexicon::from_file(&root.join("config/lexicon.toml"), &gaz).expect("lexicon loads")
    })
}

fn classes() -> &'static Classes {
    &lexicon().periods.period_classes
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn opt(s: Option<&str>) -> Option<NaiveDate> {
    s.map(date)
}

/// `(phrase, published, passage year, passage start, kind, from, to)`.
type Row<'a> = (
    &'a str,
    Option<&'a str>,
    Option<i32>,
    Option<&'a str>,
    Kind,
    Option<&'a str>,
    Option<&'a str>,
);

const PUB: Option<&str> = Some("2025-11-20");

/// One row (or more) per rule of the table.
const TABLE: &[Row<'static>] = &[
    // A date or range with its year: its first day to its last day.
    (
        "2022年",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2022-01-01"),
        Some("2022-12-31"),
    ),
    (
        "2024年1至9月",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2024-01-01"),
        Some("2024-09-30"),
    ),
    (
        "2021年12月29日至2022年1月3日期间",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2021-12-29"),
        Some("2022-01-03"),
    ),
    (
        "二〇二三年六月",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2023-06-01"),
        Some("2023-06-30"),
    ),
    // ROC years (Taiwan): 114 + 1911.
    (
        "114年",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2025-01-01"),
        Some("2025-12-31"),
    ),
    (
        "民国113年",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2024-01-01"),
        Some("2024-12-31"),
    ),
    (
        "113年1至10月份",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2024-01-01"),
        Some("2024-10-31"),
    ),
    // The same without a year: the passage's year, else the latest such
    // date on or before publication.
    (
        "3至8月",
        PUB,
        None,
        None,
        Kind::Yearless,
        Some("2025-03-01"),
        Some("2025-08-31"),
    ),
    (
        "3至8月",
        PUB,
        Some(2022),
        None,
        Kind::Yearless,
        Some("2022-03-01"),
        Some("2022-08-31"),
    ),
    (
        "12月5日",
        PUB,
        None,
        None,
        Kind::Yearless,
        Some("2024-12-05"),
        Some("2024-12-05"),
    ),
    (
        "8月15日",
        PUB,
        None,
        None,
        Kind::Yearless,
        Some("2025-08-15"),
        Some("2025-08-15"),
    ),
    (
        "6月1日至20日",
        PUB,
        None,
        None,
        Kind::Yearless,
        Some("2025-06-01"),
        Some("2025-06-20"),
    ),
    ("9月", None, None, None, Kind::Yearless, None, None),
    // Relative to the publication date, finished.
    (
        "去年",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2024-01-01"),
        Some("2024-12-31"),
    ),
    (
        "前年",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2023-01-01"),
        Some("2023-12-31"),
    ),
    (
        "上月",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-10-01"),
        Some("2025-10-31"),
    ),
    (
        "上个月",
        Some("2025-01-08"),
        None,
        None,
        Kind::Relative,
        Some("2024-12-01"),
        Some("2024-12-31"),
    ),
    (
        "今年第一季度",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-03-31"),
    ),
    (
        "今年1至10月",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-10-31"),
    ),
    (
        "前年八月至十二月",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2023-08-01"),
        Some("2023-12-31"),
    ),
    // The year stated wins, with or without a publication date.
    (
        "二○一三年首十个月",
        None,
        None,
        None,
        Kind::Dated,
        Some("2013-01-01"),
        Some("2013-10-31"),
    ),
    (
        "2016年首九个月",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2016-01-01"),
        Some("2016-09-30"),
    ),
    (
        "今年首三季",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-09-30"),
    ),
    (
        "首季",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-03-31"),
    ),
    (
        "首十个月",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-10-31"),
    ),
    (
        "前7个月",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-07-31"),
    ),
    (
        "上半年",
        PUB,
        None,
        None,
        Kind::Yearless,
        Some("2025-01-01"),
        Some("2025-06-30"),
    ),
    (
        "下半年",
        PUB,
        None,
        None,
        Kind::Yearless,
        Some("2024-07-01"),
        Some("2024-12-31"),
    ),
    (
        "去年下半年",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2024-07-01"),
        Some("2024-12-31"),
    ),
    // No publication date: a relative period stays unresolved, but a
    // stated point in the same range does not.
    ("今年1至10月", None, None, None, Kind::Relative, None, None),
    ("去年", None, None, None, Kind::Relative, None, None),
    (
        "2021年1月至今年4月",
        None,
        None,
        None,
        Kind::Relative,
        Some("2021-01-01"),
        None,
    ),
    // The current, unfinished period on its own: its first day, no end.
    (
        "今年",
        PUB,
        None,
        None,
        Kind::Current,
        Some("2025-01-01"),
        None,
    ),
    (
        "本月",
        PUB,
        None,
        None,
        Kind::Current,
        Some("2025-11-01"),
        None,
    ),
    (
        "本季度",
        PUB,
        None,
        None,
        Kind::Current,
        Some("2025-10-01"),
        None,
    ),
    // 全年: the passage's year, else the publication year.
    (
        "全年",
        PUB,
        Some(2023),
        None,
        Kind::FullYear,
        Some("2023-01-01"),
        Some("2023-12-31"),
    ),
    (
        "全年",
        PUB,
        None,
        None,
        Kind::FullYear,
        Some("2025-01-01"),
        Some("2025-12-31"),
    ),
    (
        "今年全年",
        PUB,
        None,
        None,
        Kind::FullYear,
        Some("2025-01-01"),
        Some("2025-12-31"),
    ),
    // Open-ended: its start where stated, no end.
    (
        "今年以来",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2025-01-01"),
        None,
    ),
    (
        "本月以来",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2025-11-01"),
        None,
    ),
    (
        "2022年以来",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2022-01-01"),
        None,
    ),
    (
        "2016年起",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2016-01-01"),
        None,
    ),
    (
        "自去年9月起",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2024-09-01"),
        None,
    ),
    (
        "年初以来",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2025-01-01"),
        None,
    ),
    ("至今", PUB, None, None, Kind::OpenEnded, None, None),
    (
        "2020年5月至今",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2020-05-01"),
        None,
    ),
    // A bare 至 opening a clause is `截至`; `至今` stays open-ended.
    (
        "至2019年10月",
        PUB,
        None,
        None,
        Kind::UpTo,
        None,
        Some("2019-10-31"),
    ),
    (
        "至今年5月",
        PUB,
        None,
        None,
        Kind::UpTo,
        None,
        Some("2025-05-31"),
    ),
    ("至今", PUB, None, None, Kind::OpenEnded, None, None),
    // The ten-day thirds of a month: 上旬 1–10, 中旬 11–20, 下旬 21 to its end.
    (
        "2023年2月下旬",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2023-02-21"),
        Some("2023-02-28"),
    ),
    (
        "今年6月中旬",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-06-11"),
        Some("2025-06-20"),
    ),
    (
        "3月上旬",
        PUB,
        Some(2024),
        None,
        Kind::Yearless,
        Some("2024-03-01"),
        Some("2024-03-10"),
    ),
    // Up to a point: the passage's start where stated, to that day.
    (
        "截至2023年底",
        PUB,
        None,
        None,
        Kind::UpTo,
        None,
        Some("2023-12-31"),
    ),
    (
        "截至2023年底",
        PUB,
        None,
        Some("2022-07-01"),
        Kind::UpTo,
        Some("2022-07-01"),
        Some("2023-12-31"),
    ),
    (
        "截至今年9月",
        PUB,
        None,
        None,
        Kind::UpTo,
        None,
        Some("2025-09-30"),
    ),
    (
        "截至18日17时",
        PUB,
        None,
        None,
        Kind::UpTo,
        None,
        Some("2025-11-18"),
    ),
    (
        "截至25日",
        PUB,
        None,
        None,
        Kind::UpTo,
        None,
        Some("2025-10-25"),
    ),
    (
        "2012年及以前",
        PUB,
        None,
        None,
        Kind::UpTo,
        None,
        Some("2012-12-31"),
    ),
    (
        "截至目前",
        PUB,
        None,
        Some("2024-03-01"),
        Kind::UpTo,
        Some("2024-03-01"),
        None,
    ),
    ("截至目前为止", PUB, None, None, Kind::UpTo, None, None),
    // A look-back or vague time: nothing.
    ("一年来", PUB, None, None, Kind::LookBack, None, None),
    ("近一年", PUB, None, None, Kind::LookBack, None, None),
    ("过去三年", PUB, None, None, Kind::LookBack, None, None),
    ("近三年", PUB, None, None, Kind::LookBack, None, None),
    ("前两年", PUB, None, None, Kind::LookBack, None, None),
    ("运行5年多来", PUB, None, None, Kind::LookBack, None, None),
    ("近年来", PUB, None, None, Kind::LookBack, None, None),
    ("近期", PUB, None, None, Kind::LookBack, None, None),
    ("近日", PUB, None, None, Kind::LookBack, None, None),
    ("日前", PUB, None, None, Kind::LookBack, None, None),
    // A campaign without dates: nothing.
    ("专项行动期间", PUB, None, None, Kind::Campaign, None, None),
    ("会战期间", PUB, None, None, Kind::Campaign, None, None),
    // A day counted from the publication date (relative, finished).
    (
        "昨日",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-11-19"),
        Some("2025-11-19"),
    ),
    (
        "前天",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-11-18"),
        Some("2025-11-18"),
    ),
    // Hong Kong and Macau "first N months / quarters": January to the N-th
    // month of the year stated, else of the passage, else the latest one
    // finished by the publication date.
    (
        "二〇一七年首八个月",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2017-01-01"),
        Some("2017-08-31"),
    ),
    (
        "今年首三季",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-09-30"),
    ),
    (
        "首季",
        PUB,
        Some(2023),
        None,
        Kind::Relative,
        Some("2023-01-01"),
        Some("2023-03-31"),
    ),
    (
        "首5个月",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-05-31"),
    ),
    (
        "今年首4月",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-01-01"),
        Some("2025-04-30"),
    ),
    // A relative word with its dates in brackets: the dates decide.
    (
        "上周(3月2日至8日)",
        PUB,
        None,
        None,
        Kind::Yearless,
        Some("2025-03-02"),
        Some("2025-03-08"),
    ),
    (
        "去年(2023年)",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2023-01-01"),
        Some("2023-12-31"),
    ),
    (
        "今(2024年)年3月",
        PUB,
        None,
        None,
        Kind::Dated,
        Some("2024-03-01"),
        Some("2024-03-31"),
    ),
    // Weeks: Monday to Sunday; the last one is finished, this one is not.
    (
        "上周",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-11-10"),
        Some("2025-11-16"),
    ),
    (
        "本周",
        PUB,
        None,
        None,
        Kind::Current,
        Some("2025-11-17"),
        None,
    ),
    // The quarter before the publication date's, not the first quarter.
    (
        "上一季度",
        PUB,
        None,
        None,
        Kind::Relative,
        Some("2025-07-01"),
        Some("2025-09-30"),
    ),
    (
        "上季",
        Some("2025-02-10"),
        None,
        None,
        Kind::Relative,
        Some("2024-10-01"),
        Some("2024-12-31"),
    ),
    // Open-ended: `迄今` alone states no start; `自…` states one.
    ("迄今", PUB, None, None, Kind::OpenEnded, None, None),
    (
        "自2023年底",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2023-12-31"),
        None,
    ),
    (
        "自去年6月",
        PUB,
        None,
        None,
        Kind::OpenEnded,
        Some("2024-06-01"),
        None,
    ),
];

#[test]
fn each_row_of_the_table_resolves() {
    let mut failures = Vec::new();
    for &(phrase, published, year, start, kind, from, to) in TABLE {
        let ctx = Context {
            published: opt(published),
            passage_year: year,
            passage_start: opt(start),
            reference: None,
            passage_latest: None,
            last_day: None,
        };
        let got_kind = classify(phrase, classes());
        let got = resolve(phrase, &ctx, classes());
        if got_kind != kind || got != (opt(from), opt(to)) {
            failures.push(format!(
                "{phrase} (published {published:?}, year {year:?}, start {start:?}): \
                 want {kind:?} {from:?}..{to:?}, got {got_kind:?} {:?}..{:?}",
                got.0, got.1
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn same_period_follows_the_passage() {
    let reference = (opt(Some("2025-01-01")), opt(Some("2025-10-31")));
    let ctx = Context {
        published: opt(PUB),
        reference: Some(reference),
        passage_latest: None,
        last_day: None,
        ..Context::default()
    };
    let shifted = (opt(Some("2024-01-01")), opt(Some("2024-10-31")));
    assert_eq!(classify("去年同期", classes()), Kind::SamePeriod);
    assert_eq!(resolve("去年同期", &ctx, classes()), shifted);
    assert_eq!(
        resolve("2019年同期", &ctx, classes()),
        (opt(Some("2019-01-01")), opt(Some("2019-10-31")))
    );
    assert_eq!(resolve("同期", &ctx, classes()), reference);
    // `当月` is the passage's month when it is about one, else the page's.
    let october = (opt(Some("2025-10-01")), opt(Some("2025-10-31")));
    let in_october = Context {
        published: opt(PUB),
        reference: Some(october),
        passage_latest: None,
        last_day: None,
        ..Context::default()
    };
    assert_eq!(resolve("当月", &in_october, classes()), october);
    assert_eq!(
        resolve("当月", &ctx, classes()),
        (opt(Some("2025-11-01")), opt(Some("2025-11-30")))
    );
    // Nothing to refer to: nothing resolved.
    let alone = Context {
        published: opt(PUB),
        ..Context::default()
    };
    assert_eq!(resolve("去年同期", &alone, classes()), (None, None));
}

fn extractor() -> &'static Extractor {
    static EX: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EX.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Extractor::from_file(&root.join("config/lexicon.toml")).expect("lexicon loads")
    })
}

/// `(value, period.text, from, to)` of one statistic.
type Got = (f64, Option<String>, Option<String>, Option<String>);

fn periods(title: Option<&str>, text: &str, published: Option<&str>, hints: &Hints) -> Vec<Got> {
    let article = Article {
        title: title.map(str::to_string),
        published: published.map(str::to_string),
        source: None,
        author: None,
        script: Script::Hans,
        text: text.into(),
    };
    extractor()
        .extract_within(&article, hints, 1000, &crate::budget::Budget::unlimited())
        .0
        .into_iter()
        .map(|s| (s.value, s.period.text, s.period.from, s.period.to))
        .collect()
}

fn period_of(got: &[Got], value: f64) -> (Option<&str>, Option<&str>, Option<&str>) {
    got.iter()
        .find(|g| g.0 == value)
        .map(|g| (g.1.as_deref(), g.2.as_deref(), g.3.as_deref()))
        .unwrap_or_else(|| panic!("no statistic {value} in {got:?}"))
}

#[test]
fn an_event_date_in_the_sentence_is_the_period() {
    let got = periods(
        None,
        "3月12日，县公安局组织集中收网，抓获犯罪嫌疑人14名，冻结涉案资金200万元。",
        Some("2025-03-20"),
        &Hints::default(),
    );
    let want = (Some("3月12日"), Some("2025-03-12"), Some("2025-03-12"));
    assert_eq!(period_of(&got, 14.0), want);
    assert_eq!(period_of(&got, 2_000_000.0), want);
}

#[test]
fn a_dateline_or_report_date_is_not_the_period() {
    let got = periods(
        None,
        "新华社南京2月3日电 记者从省公安厅获悉，全省破获电信网络诈骗案件3200起。",
        Some("2025-02-03"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 3200.0), (None, None, None));
    let got = periods(
        None,
        "6月9日，市公安局通报一起案件。该团伙共有成员41人，涉案金额3000万元。",
        Some("2025-06-09"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 41.0), (None, None, None));
}

#[test]
fn the_paragraph_opening_carries_and_full_year_reads_it() {
    let got = periods(
        None,
        "2022年，全市共侦破诈骗案件900起。全年共抓获犯罪嫌疑人1300名。\n\
         据统计，今年1至5月，全市发案420起。其中网络贷款类诈骗130起。",
        Some("2025-06-10"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 1300.0),
        (Some("全年"), Some("2022-01-01"), Some("2022-12-31"))
    );
    assert_eq!(
        period_of(&got, 130.0),
        (Some("今年1至5月"), Some("2025-01-01"), Some("2025-05-31"))
    );
}

#[test]
fn an_explicit_back_reference_takes_the_previous_period_and_another_word_does_not() {
    let got = periods(
        None,
        "今年1至9月，全省破获案件5100起。\n同期，全省冻结涉案资金6.2亿元。\n另外，民警走访群众8000人次。",
        Some("2025-10-15"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 620_000_000.0),
        (Some("今年1至9月"), Some("2025-01-01"), Some("2025-09-30"))
    );
    // A bulletin opening with its period covers the later paragraphs
    // through that (`a_bulletin_opening_with_its_period_…`), not through
    // `另外`: where the period does not open the text, `另外` takes none.
    assert_eq!(period_of(&got, 8000.0).0, Some("今年1至9月"));
    let got = periods(
        None,
        "省公安厅10月15日召开新闻发布会，通报打击治理电信网络诈骗工作情况。今年1至9月，全省破获案件5100起。\n同期，全省冻结涉案资金6.2亿元。\n另外，民警走访群众8000人次。",
        Some("2025-10-15"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 620_000_000.0),
        (Some("今年1至9月"), Some("2025-01-01"), Some("2025-09-30"))
    );
    assert_eq!(period_of(&got, 8000.0), (None, None, None));
}

#[test]
fn up_to_takes_the_start_the_passage_states_and_keeps_the_hour() {
    let got = periods(
        None,
        "2022年3月专项行动开展以来，各地迅速行动。截至2024年底，累计抓获犯罪嫌疑人2.1万名。\n\
         截至8日16时，已追回资金530万元。",
        Some("2025-04-10"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 21000.0),
        (Some("截至2024年底"), Some("2022-03-01"), Some("2024-12-31"))
    );
    assert_eq!(
        period_of(&got, 5_300_000.0),
        (Some("截至8日16时"), None, Some("2025-04-08"))
    );
}

#[test]
fn same_period_is_the_sentence_period_a_year_back() {
    let got = periods(
        None,
        "统计10月全市受理诈骗案件1800件、财损6亿元，与去年同期受理2100件、财损9亿元比较，均有下降。",
        Some("2025-11-05"),
        &Hints::default(),
    );
    let last_year = (Some("去年同期"), Some("2024-10-01"), Some("2024-10-31"));
    assert_eq!(period_of(&got, 2100.0), last_year);
    assert_eq!(period_of(&got, 900_000_000.0), last_year);
    assert_eq!(
        period_of(&got, 1800.0),
        (Some("10月"), Some("2025-10-01"), Some("2025-10-31"))
    );
}

#[test]
fn the_crawler_date_resolves_when_the_page_has_none() {
    let hints = Hints {
        published: Some("2024-02-01T08:00:00+08:00".into()),
        ..Hints::default()
    };
    let text = "去年全省共破获电信网络诈骗案件7700起。";
    let got = periods(None, text, None, &hints);
    assert_eq!(
        period_of(&got, 7700.0),
        (Some("去年"), Some("2023-01-01"), Some("2023-12-31"))
    );
    // The page's own date wins over the crawler's.
    let got = periods(None, text, Some("2022-05-05"), &hints);
    assert_eq!(
        period_of(&got, 7700.0),
        (Some("去年"), Some("2021-01-01"), Some("2021-12-31"))
    );
    // Neither: unresolved.
    let got = periods(None, text, None, &Hints::default());
    assert_eq!(period_of(&got, 7700.0), (Some("去年"), None, None));
}

#[test]
fn a_report_title_covers_the_body_and_a_headline_does_not() {
    let body = "2024年3月，全区发生电信网络诈骗案件35起。\n民警走访群众1200人次。";
    let got = periods(
        Some("某区2024年3月反诈月报"),
        body,
        Some("2024-04-02"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 1200.0),
        (Some("2024年3月"), Some("2024-03-01"), Some("2024-03-31"))
    );
    let got = periods(
        Some("2024年3月全区诈骗案件降至35起"),
        body,
        Some("2024-04-02"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 1200.0), (None, None, None));
}

/// `(sentence, value, period.text, from, to)`, each sentence its own
/// paragraph of a page published on 2025-11-20.
type InText = (
    &'static str,
    f64,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

const IN_TEXT: &[InText] = &[
    (
        "今年第一季度，全市破获诈骗案件410起。",
        410.0,
        "今年第一季度",
        Some("2025-01-01"),
        Some("2025-03-31"),
    ),
    (
        "今年1至10月，全省抓获犯罪嫌疑人3300名。",
        3300.0,
        "今年1至10月",
        Some("2025-01-01"),
        Some("2025-10-31"),
    ),
    (
        "上月，全区发案57起。",
        57.0,
        "上月",
        Some("2025-10-01"),
        Some("2025-10-31"),
    ),
    (
        "前年八月至十二月，共冻结资金4100万元。",
        41_000_000.0,
        "前年八月至十二月",
        Some("2023-08-01"),
        Some("2023-12-31"),
    ),
    (
        "今年全年预计拦截诈骗电话860万次。",
        8_600_000.0,
        "今年全年",
        Some("2025-01-01"),
        Some("2025-12-31"),
    ),
    (
        "本月以来，共劝阻群众2700人。",
        2700.0,
        "本月以来",
        Some("2025-11-01"),
        None,
    ),
    (
        "114年共受理詐欺案件5210件。",
        5210.0,
        "114年",
        Some("2025-01-01"),
        Some("2025-12-31"),
    ),
    (
        "民國113年查獲詐欺集團88個。",
        88.0,
        "民國113年",
        Some("2024-01-01"),
        Some("2024-12-31"),
    ),
    (
        "一一三年全年受理詐欺案件4400件。",
        4400.0,
        "一一三年全年",
        Some("2024-01-01"),
        Some("2024-12-31"),
    ),
    (
        "２０２４年，共止付资金9.6亿元。",
        960_000_000.0,
        // period.text is quoted with web typography normalised.
        "2024年",
        Some("2024-01-01"),
        Some("2024-12-31"),
    ),
    (
        "首季錄得詐騙案1320宗。",
        1320.0,
        "首季",
        Some("2025-01-01"),
        Some("2025-03-31"),
    ),
    (
        "首十個月共錄得詐騙案7100宗。",
        7100.0,
        "首十個月",
        Some("2025-01-01"),
        Some("2025-10-31"),
    ),
    (
        "上半年，全县破获案件64起。",
        64.0,
        "上半年",
        Some("2025-01-01"),
        Some("2025-06-30"),
    ),
    (
        "近三年，共挽回损失1.2亿元。",
        120_000_000.0,
        "近三年",
        None,
        None,
    ),
    (
        "2023年以来，累计打掉团伙45个。",
        45.0,
        "2023年以来",
        Some("2023-01-01"),
        None,
    ),
    (
        "截至10日18时，已返还资金260万元。",
        2_600_000.0,
        "截至10日18时",
        None,
        Some("2025-11-10"),
    ),
];

#[test]
fn relative_phrases_are_found_and_resolved_in_text() {
    let text = IN_TEXT.iter().map(|r| r.0).collect::<Vec<_>>().join("\n");
    let got = periods(None, &text, Some("2025-11-20"), &Hints::default());
    let mut failures = Vec::new();
    for &(sentence, value, phrase, from, to) in IN_TEXT {
        let want = (Some(phrase), from, to);
        let have = got
            .iter()
            .find(|g| g.0 == value)
            .map(|g| (g.1.as_deref(), g.2.as_deref(), g.3.as_deref()));
        if have != Some(want) {
            failures.push(format!("{sentence}: want {want:?}, got {have:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Classes found on fresh pages: `(text, value, phrase, from, to)`, each
/// text its own paragraph, published 2025-11-20.
const FRESH_CLASSES: &[InText] = &[
    // A Chinese-numeral year written with an Arabic zero.
    (
        "二0一九年，该中心共拦截诈骗电话3100个。",
        3100.0,
        "二0一九年",
        Some("2019-01-01"),
        Some("2019-12-31"),
    ),
    // `迄` joins a range, so the range after `与` is a comparison base and
    // the figure keeps the sentence's own period.
    (
        "今年5月份全县受理诈骗案件88件，与自去年6月份迄今年4月份的平均数相比，减少11件。",
        11.0,
        "今年5月份",
        Some("2025-05-01"),
        Some("2025-05-31"),
    ),
    // A span counted back (`2年内`) is a look-back, not the paragraph's date.
    (
        "从2021年3月5日至今，该平台运行良好。2年内共处置预警线索5200条。",
        5200.0,
        "2年内",
        None,
        None,
    ),
    // `第3季` without `度` is a quarter.
    (
        "2024年第3季，全市共破获电诈案件610起。",
        610.0,
        "2024年第3季",
        Some("2024-07-01"),
        Some("2024-09-30"),
    ),
    // A bracketed aside's period does not carry past the bracket.
    (
        "2025年1至9月全省发案9100起(去年同期11200起)。冻结涉案资金4700万元。",
        47_000_000.0,
        "2025年1至9月",
        Some("2025-01-01"),
        Some("2025-09-30"),
    ),
];

#[test]
fn fresh_classes_are_found_and_resolved() {
    let text = FRESH_CLASSES
        .iter()
        .map(|r| r.0)
        .collect::<Vec<_>>()
        .join("\n");
    let got = periods(None, &text, Some("2025-11-20"), &Hints::default());
    let mut failures = Vec::new();
    for &(sentence, value, phrase, from, to) in FRESH_CLASSES {
        let want = (Some(phrase), from, to);
        let have = got
            .iter()
            .find(|g| g.0 == value)
            .map(|g| (g.1.as_deref(), g.2.as_deref(), g.3.as_deref()));
        if have != Some(want) {
            failures.push(format!("{sentence}: want {want:?}, got {have:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_span_of_years_with_respectively_gives_each_figure_its_year() {
    let got = periods(
        None,
        "2022年至2024年，全市分别抓获诈骗嫌疑人1200人、1500人、1700人。",
        Some("2025-03-01"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 1200.0),
        (
            Some("2022年至2024年"),
            Some("2022-01-01"),
            Some("2022-12-31")
        )
    );
    assert_eq!(
        period_of(&got, 1700.0),
        (
            Some("2022年至2024年"),
            Some("2024-01-01"),
            Some("2024-12-31")
        )
    );
    // Two figures for three years: the span stays whole.
    let got = periods(
        None,
        "2022年至2024年，全市分别抓获诈骗嫌疑人2200人、2500人。",
        Some("2025-03-01"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 2200.0),
        (
            Some("2022年至2024年"),
            Some("2022-01-01"),
            Some("2024-12-31")
        )
    );
}

#[test]
fn a_long_clause_opening_with_a_name_and_a_page_with_no_date() {
    let got = periods(
        None,
        "某某市打击治理电信网络新型违法犯罪工作领导小组办公室（简称“市反诈办”）自2020年5月12日挂牌运行至今，共劝阻群众8800人。",
        Some("2025-03-01"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 8800.0),
        (
            Some("自2020年5月12日挂牌运行至今"),
            Some("2020-05-12"),
            None
        )
    );
    // No publication date: a year-less range takes the year stated last.
    let got = periods(
        None,
        "二〇二三年七月，市反诈中心上线预警平台。\n一至九月，全市共破获诈骗案件520起。",
        None,
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 520.0),
        (Some("一至九月"), Some("2023-01-01"), Some("2023-09-30"))
    );
}

/// Classes met on Hong Kong, Macau and Taiwan pages: `(text, value,
/// phrase, from, to)`, each text its own paragraph, published 2025-11-20.
const REGIONAL_CLASSES: &[InText] = &[
    // A share written as a fraction is no date.
    (
        "今年上半年，网购类诈骗占全部发案的1/5左右，造成损失占总损失的35%。",
        35.0,
        "今年上半年",
        Some("2025-01-01"),
        Some("2025-06-30"),
    ),
    // The dates in brackets decide, and the same word later stands for them.
    (
        "上周(11月9日至15日)，全市受理诈骗案件820件。",
        820.0,
        "上周(11月9日至15日)",
        Some("2025-11-09"),
        Some("2025-11-15"),
    ),
    (
        "上周三类高发诈骗中，刷单返利类诈骗210件。",
        210.0,
        "上周",
        Some("2025-11-09"),
        Some("2025-11-15"),
    ),
    // `迄今` is the figure's own phrase, nearer than the start before it.
    (
        "该平台自2023年3月上线后，迄今已拦截诈骗电话6100个。",
        6100.0,
        "迄今",
        None,
        None,
    ),
    // `自…后，截至…`: the start stated before an up-to phrase.
    (
        "自去年5月专班成立后，发案逐月下降，截至今年8月，专班共接获求助1730宗。",
        1730.0,
        "截至今年8月",
        Some("2024-05-01"),
        Some("2025-08-31"),
    ),
    // The quarter before is a comparison base, not the figure's period.
    (
        "2025年第三季度，全市发案1260起，比上一季度减少15%。",
        15.0,
        "2025年第三季度",
        Some("2025-07-01"),
        Some("2025-09-30"),
    ),
    // `比较8月份与7月份`: the first is what the passage goes on about.
    (
        "会上首先比较8月份与7月份的发案数。其中，电诈发案减少12%，财损减少9%。",
        12.0,
        "8月份",
        Some("2025-08-01"),
        Some("2025-08-31"),
    ),
    // A holiday campaign in the figure's sentence beats the day of the
    // meeting that opened the paragraph.
    (
        "10月9日，省公安厅召开会议部署冬季行动。会上通报，国庆长假期间全省摧毁诈骗窝点37处。",
        37.0,
        "国庆长假期间",
        None,
        None,
    ),
    // A look-back governs its own sentence; the next goes back to the
    // year the paragraph opened with.
    (
        "2024年，全市警方深化反诈宣传，推出多项举措。一年来，共拦截诈骗电话5300万次。警方还联合银行快速处置涉诈警情8400起。",
        8400.0,
        "2024年",
        Some("2024-01-01"),
        Some("2024-12-31"),
    ),
    (
        "2023年，全区开展反诈宣传。近一年来，共劝阻潜在受害人6900名。",
        6900.0,
        "近一年来",
        None,
        None,
    ),
    (
        "今(2024年)年3月，全县受理诈骗案件77件。",
        77.0,
        "今(2024年)年3月",
        Some("2024-03-01"),
        Some("2024-03-31"),
    ),
    (
        "澳门司警局表示，二〇二四年首七个月，共录得电话诈骗案件140宗。",
        140.0,
        "二〇二四年首七个月",
        Some("2024-01-01"),
        Some("2024-07-31"),
    ),
];

#[test]
fn regional_classes_are_found_and_resolved() {
    let text = REGIONAL_CLASSES
        .iter()
        .map(|r| r.0)
        .collect::<Vec<_>>()
        .join("\n");
    let got = periods(None, &text, Some("2025-11-20"), &Hints::default());
    let mut failures = Vec::new();
    for &(sentence, value, phrase, from, to) in REGIONAL_CLASSES {
        let want = (Some(phrase), from, to);
        let have = got
            .iter()
            .find(|g| g.0 == value)
            .map(|g| (g.1.as_deref(), g.2.as_deref(), g.3.as_deref()));
        if have != Some(want) {
            failures.push(format!("{sentence}: want {want:?}, got {have:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A campaign the page launched on a stated date (`自5月10日开展…行动以来`)
/// starts there when later named without dates (`行动期间`, `自运行以来`);
/// one dated as a range keeps the spec's null, and a campaign never dated
/// stays null.
#[test]
fn a_campaign_launched_on_a_stated_date_starts_there() {
    let got = periods(
        None,
        "自5月10日开展“夏季攻势”专项行动以来，全市破获诈骗案件120起。\n行动期间，共抓获犯罪嫌疑人86名，冻结涉案资金300万元。",
        Some("2025-08-20"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 86.0),
        (Some("行动期间"), Some("2025-05-10"), None)
    );
    let got = periods(
        None,
        "2024年3月，区公安分局运行反诈预警中心。\n自运行以来，共止付涉案资金95万元。",
        Some("2025-01-20"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 950_000.0).1, Some("2024-03-01"));
    let got = periods(
        None,
        "市公安局从6月底至9月30日开展夏季治安打击整治行动。\n行动期间，共抓获犯罪嫌疑人40名。",
        Some("2025-10-08"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 40.0).1, None, "a ranged campaign");
    let got = periods(
        None,
        "全市开展专项行动。\n行动期间，共抓获犯罪嫌疑人40名。",
        Some("2025-10-08"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 40.0).1, None, "an undated campaign");
    // Batch S: `在行动中` names the campaign as `行动期间` does.
    let got = periods(
        None,
        "警方于2025年3月17日至28日展开全岛执法行动，抓获34名嫌犯。\n警方在行动中冻结240多个涉案银行账户。",
        Some("2025-04-02"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 240.0),
        (Some("行动中"), Some("2025-03-17"), Some("2025-03-28"))
    );
}

/// A dateline and a bracketed credit before `今年以来` are not part of the
/// phrase: the dateline's day is the report's, not the period's start.
#[test]
fn a_dateline_before_an_open_period_is_left_out_of_it() {
    for text in [
        "中新网长沙5月19日电 (记者傅煜)今年以来,湖南警方共破获电信网络诈骗案件3200起。",
        "新华社北京5月19日电 今年以来，全国共破获电信网络诈骗案件3200起。",
    ] {
        let got = periods(None, text, Some("2022-05-20"), &Hints::default());
        assert_eq!(
            period_of(&got, 3200.0),
            (Some("今年以来"), Some("2022-01-01"), None),
            "{text}"
        );
    }
}

/// A range from a dated start to a point relative to an unknown
/// publication date keeps the start it states.
#[test]
fn a_range_keeps_its_dated_start_when_its_end_is_unknown() {
    let got = periods(
        None,
        "根據官方統計,從民國93年到今年3月底為止,國內詐騙案件財損高達新台幣1032.9億元。",
        None,
        &Hints::default(),
    );
    let (_, from, to) = period_of(&got, 103_290_000_000.0);
    assert_eq!((from, to), (Some("2004-01-01"), None));
}

/// `民國95年`: after 民國 a two-digit year is an ROC year too.
#[test]
fn a_two_digit_roc_year_after_minguo_is_read() {
    let got = periods(
        None,
        "民國95年詐騙案件財損高達新台幣185.9億元。",
        None,
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 18_590_000_000.0),
        (Some("民國95年"), Some("2006-01-01"), Some("2006-12-31"))
    );
}

/// A campaign dated day to day (`8月26日至9月6日`) gives its later
/// `专案期间` both ends.
#[test]
fn a_campaign_dated_day_to_day_gives_its_later_mentions_both_ends() {
    let got = periods(
        None,
        "分局于8月26日至9月6日执行打诈专案。\n专案期间，共查获车手6人，扣押赃款188万元。",
        Some("2024-09-10"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 6.0),
        (Some("专案期间"), Some("2024-08-26"), Some("2024-09-06"))
    );
}

/// `当年` is "that year": the year the passage just named, else the
/// publication year.
#[test]
fn that_year_is_the_year_just_named() {
    let got = periods(
        None,
        "审计报告显示，2023年全省诈骗案件数量创新高，当年诈骗案件总数达到3,980起。",
        Some("2024-08-02"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 3980.0),
        (Some("当年"), Some("2023-01-01"), Some("2023-12-31"))
    );
    let got = periods(
        None,
        "当年共破获电信网络诈骗案件120起。",
        Some("2024-08-02"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 120.0).1, Some("2024-01-01"));
}

/// On a page with no publication date, a year-less end or start of a
/// period takes the nearest year stated before it, as a year-less date
/// does.
#[test]
fn an_undated_page_ends_a_period_in_the_year_it_stated() {
    let got = periods(
        None,
        "报警人在2020年2月至8月间向投资平台转账。\n截止12月11日，专案组共抓获犯罪嫌疑人86名。",
        None,
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 86.0),
        (Some("截止12月11日"), None, Some("2020-12-11"))
    );
}

/// `2020年10月起`, `2020年开始` without `自`: open-ended from that month or
/// year (the spec's `2015年起` row), not the month or year alone.
#[test]
fn a_date_followed_by_qi_or_kaishi_is_open_ended() {
    let got = periods(
        None,
        "2020年10月起，深圳警方抓获“两卡”犯罪嫌疑人2987名。2019年开始，共破获案件53起。",
        Some("2022-05-06"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 2987.0),
        (Some("2020年10月起"), Some("2020-10-01"), None)
    );
    assert_eq!(
        period_of(&got, 53.0),
        (Some("2019年开始"), Some("2019-01-01"), None)
    );
}

/// `“断卡”行动开展后` opening a paragraph: since the campaign the passage
/// dated before (`自2020年10月全国开展“断卡”行动以来`), open-ended.
#[test]
fn after_a_campaign_began_is_since_its_launch() {
    let got = periods(
        None,
        "自2020年10月全国开展“断卡”行动以来，该院将打击电信网络诈骗犯罪作为工作重点。\n“断卡”行动开展后，该院受理电信网络诈骗案件39件。",
        Some("2021-05-06"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 39.0),
        (Some("“断卡”行动开展后"), Some("2020-10-01"), None)
    );
}

/// Batch S, written afresh: `今日` on its own is the report's day, and a
/// bare `同期` after a paragraph opening `2025年以来` is that open period,
/// not the last closed one the page named.
#[test]
fn today_is_the_report_day_and_same_period_follows_an_open_passage() {
    let got = periods(
        None,
        "今日，县公安局举行集中返还仪式，向31名受害人返还资金420余万元。\n\
         2025年以来，县公安局持续开展打击行动。数据显示，电信网络诈骗案件同期发案数下降近19%。",
        Some("2025-07-03"),
        &Hints::default(),
    );
    let today = (Some("今日"), Some("2025-07-03"), Some("2025-07-03"));
    assert_eq!(period_of(&got, 31.0), today);
    assert_eq!(period_of(&got, 4_200_000.0), today);
    assert_eq!(
        period_of(&got, 19.0),
        (Some("同期"), Some("2025-01-01"), None)
    );
}

/// A headline printed again as the body's first line has no time phrase;
/// the sentence that gives the figure in full does, and the one fact kept
/// carries it.
#[test]
fn a_restated_headline_takes_the_period_of_the_full_sentence() {
    let got = periods(
        None,
        "警方全岛抓获34名嫌犯 冻结240多个银行账户\n\
         警方于2025年3月17日至28日展开全岛执法行动，抓获34名嫌犯。",
        Some("2025-04-02"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 34.0),
        (
            Some("2025年3月17日至28日"),
            Some("2025-03-17"),
            Some("2025-03-28")
        )
    );
    assert_eq!(got.iter().filter(|g| g.0 == 34.0).count(), 1, "{got:?}");
}

/// Batch S, written afresh: a vague word inside the sentence (`近期破案`)
/// qualifies a noun; the event date the sentence opens with is the period.
#[test]
fn the_opening_event_date_outranks_a_vague_word_inside_the_sentence() {
    let got = periods(
        None,
        "3月5日，县公安局举行返还仪式，将近期破案追回的37万元返还给15名受害群众。",
        Some("2024-03-06"),
        &Hints::default(),
    );
    let want = (Some("3月5日"), Some("2024-03-05"), Some("2024-03-05"));
    assert_eq!(period_of(&got, 370_000.0), want);
    assert_eq!(period_of(&got, 15.0), want);
    // With no date to open it, the vague word stays and resolves to nothing.
    let got = periods(
        None,
        "县公安局将近期破案追回的37万元返还给15名受害群众。",
        Some("2024-03-06"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 15.0), (Some("近期"), None, None));
}

/// Batch U, written afresh: a campaign named without dates inside a
/// sentence (`在…收网行动中`) yields to the date the sentence gave before
/// it; a day followed by someone speaking (`今日(18日)表示`,
/// `发布消息`) is the report's, not its figures'.
#[test]
fn an_undated_campaign_yields_to_the_sentence_date_and_a_statement_day_is_no_period() {
    let got = periods(
        None,
        "5月24日凌晨，在“断卡”第二轮收网行动中，市公安局捣毁窝点1个，现场抓获犯罪嫌疑人103名。",
        Some("2022-05-30"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 103.0),
        (Some("5月24日"), Some("2022-05-24"), Some("2022-05-24"))
    );
    let got = periods(
        None,
        "警区督察今日(18日)表示，损失金额最高的一宗案件涉款7400万元。",
        Some("2025-09-18"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 74_000_000.0), (None, None, None));
    let got = periods(
        None,
        "6月2日，市公安局发布消息：全市公安机关共捣毁诈骗窝点83个。",
        Some("2016-06-03"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 83.0).0, None);
}

/// Batch U, written afresh: a day on its own (`21日，…`) is a day of the
/// report's month; `400号码` is a number, not a day.
#[test]
fn a_bare_day_is_in_the_report_month_and_a_number_is_no_day() {
    let got = periods(
        None,
        "21日，市公安局举行返还仪式，现场向25名受害人返还资金430余万元。\n关停违规“400号码”7.6万个。",
        Some("2024-06-21"),
        &Hints::default(),
    );
    let day = (Some("21日"), Some("2024-06-21"), Some("2024-06-21"));
    assert_eq!(period_of(&got, 25.0), day);
    assert_eq!(period_of(&got, 4_300_000.0), day);
    assert_eq!(period_of(&got, 76_000.0).0, None);
}

/// Batch U, written afresh: Hong Kong papers date an operation by weekday
/// with the day in brackets (`上周一(8日)至昨日(17日)`); a weekday alone
/// (`上周三`) is that day of last week.
#[test]
fn weekdays_with_and_without_their_day_are_days() {
    let got = periods(
        None,
        "警区刑事部于上周一(8日)至昨日(17日)展开拘捕行动，共拘捕39人。\n上周五(12日)，警方拘捕5人。\n上周三，警方拘捕7人。",
        Some("2025-09-18"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 39.0),
        (
            Some("上周一(8日)至昨日(17日)"),
            Some("2025-09-08"),
            Some("2025-09-17")
        )
    );
    assert_eq!(
        period_of(&got, 5.0),
        (Some("上周五(12日)"), Some("2025-09-12"), Some("2025-09-12"))
    );
    assert_eq!(
        period_of(&got, 7.0),
        (Some("上周三"), Some("2025-09-10"), Some("2025-09-10"))
    );
}

/// Batch U, written afresh: a year-less end (`截至5月底`) read with the
/// passage's year falls before a date the passage stated; it is the next
/// year's (`2015年10月30日…开展7个月以来，截至5月底` ends in 2016).
#[test]
fn a_yearless_end_before_the_passage_date_is_the_next_year() {
    let got = periods(
        None,
        "2015年10月30日，全省专项行动启动。行动开展7个月以来，截至5月底，全市公安机关共捣毁诈骗窝点83个。",
        None,
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 83.0).2, Some("2016-05-31"));
    let got = periods(
        None,
        "2015年3月，全省专项行动启动。截至5月底，全市公安机关共捣毁诈骗窝点83个。",
        None,
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 83.0).2, Some("2015-05-31"));
}

/// Batch U, written afresh: a lead with a vague phrase (`开展…工作7个月
/// 以来`) restated with a resolved one (`截至5月底`) keeps the resolved
/// period; a relative phrase left open for want of a date (`去年`) stays.
#[test]
fn a_restated_figure_keeps_the_resolved_period_over_a_vague_one() {
    let got = periods(
        None,
        "开展打击治理工作7个月以来，全市公安机关共捣毁诈骗窝点83个。\n\
         2015年10月30日，专项行动启动。截至5月底，全市公安机关共捣毁诈骗窝点83个，刑拘犯罪嫌疑人270名。",
        None,
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 83.0),
        (Some("截至5月底"), None, Some("2016-05-31"))
    );
    let got = periods(
        None,
        "去年，反诈中心联同16间银行成立平台。\n二〇二三年六月，参与平台的银行由五间扩展至16间。",
        None,
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 16.0).0, Some("去年"));
}

/// Batch X, written afresh: `至` opening a clause is `截至`, up to that
/// point; after a verb (`下降至`) it belongs to the verb.
#[test]
fn a_clause_opening_zhi_is_up_to_a_point() {
    let got = periods(
        None,
        "2019年辖区电诈发案154起；至2020年9月，辖区电诈发案128起。",
        Some("2020-10-10"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 128.0),
        (Some("至2020年9月"), None, Some("2020-09-30"))
    );
    assert_eq!(
        period_of(&got, 154.0),
        (Some("2019年"), Some("2019-01-01"), Some("2019-12-31"))
    );
    let got = periods(
        None,
        "今年以来，全市电诈发案数下降至3月份的41起。",
        Some("2024-05-10"),
        &Hints::default(),
    );
    assert_ne!(period_of(&got, 41.0).0, Some("至3月份"));
}

/// Batch X, written afresh: `增至去年的6,862宗`: the 至 belongs to the
/// verb; the figure is last year's.
#[test]
fn a_rise_to_last_year_is_last_year() {
    let got = periods(
        None,
        "本港科技罪案由2002年的272宗增至去年的6,862宗。",
        Some("2016-12-01"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 6862.0),
        (Some("去年"), Some("2015-01-01"), Some("2015-12-31"))
    );
}

/// Batch Z, written afresh: a bulletin with no title that opens with its
/// period (`2024年9月份，某区共发…`) covers the breakdowns of its later
/// paragraphs, as a title's period does; a lead opening with one day (an
/// event) covers nothing else.
#[test]
fn a_bulletin_opening_with_its_period_covers_its_later_paragraphs() {
    let got = periods(
        None,
        "2024年9月份，全区共发生电信网络诈骗案件31起，比上月下降4起。\n发案类型\n刷单返利占比41%，虚假投资理财占比19%。\n受害人中，男性12人，女性19人。",
        Some("2024-10-08"),
        &Hints::default(),
    );
    let month = (Some("2024年9月份"), Some("2024-09-01"), Some("2024-09-30"));
    assert_eq!(period_of(&got, 31.0), month);
    assert_eq!(period_of(&got, 41.0), month);
    assert_eq!(period_of(&got, 19.0), month);
    let got = periods(
        None,
        "9月5日，县公安局抓获犯罪嫌疑人6名。\n县公安局共走访群众120人次。",
        Some("2024-10-08"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 6.0).1, Some("2024-09-05"));
    assert_ne!(period_of(&got, 120.0).0, Some("9月5日"));
}

/// Batch Z, written afresh: a ROC year in brackets after `今`/`去`
/// (`今(113)年1月至8月份`) is that year, with or without a publication date.
#[test]
fn a_bracketed_roc_year_after_a_relative_word_is_that_year() {
    let got = periods(
        None,
        "地檢署今(113)年1月至8月份累計新收詐欺案42900件。",
        None,
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 42900.0),
        (
            Some("今(113)年1月至8月份"),
            Some("2024-01-01"),
            Some("2024-08-31")
        )
    );
}

/// Batch Z, written afresh: a heading naming the month of an analysis
/// (`2022年10月我市…盘点分析`) covers the list under it; a month alone
/// opening a paragraph (`四月春风处处暖`) is a turn of phrase, no period.
#[test]
fn a_dated_heading_covers_the_analysis_under_it() {
    let got = periods(
        None,
        "提醒广大市民提高警惕。\n2022年10月我市电信网络诈骗案件盘点分析\n从案件数量来看，刷单诈骗占总数的26.3%，贷款诈骗占总数的11.2%。",
        Some("2022-11-04"),
        &Hints::default(),
    );
    let month = (Some("2022年10月"), Some("2022-10-01"), Some("2022-10-31"));
    assert_eq!(period_of(&got, 26.3), month);
    assert_eq!(period_of(&got, 11.2), month);
    let got = periods(
        None,
        "四月春风处处暖，反诈宣传声声传。\n民警劝阻群众转账，群众已先后转账1万余元。",
        Some("2025-05-08"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 10_000.0), (None, None, None));
}

/// Batch Z, written afresh: a campaign started `于5月24日起` opens the
/// passage, and `截至6月23日` runs from that start.
#[test]
fn an_up_to_point_runs_from_a_start_stated_with_yu() {
    let got = periods(
        None,
        "全市公安机关于5月24日起开展集中收网行动。截至6月23日晚上，共破获案件389起。",
        Some("2022-06-26"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 389.0),
        (Some("截至6月23日"), Some("2022-05-24"), Some("2022-06-23"))
    );
}

/// Batch D3, written afresh: `当日` / `同日` is the day the text just
/// named; after a vague time (`早前`) it names none.
#[test]
fn that_day_is_the_day_just_named() {
    let got = periods(
        None,
        "6月1日，民警接到预警指令。当日上午，受害人已取出2万余元现金。",
        Some("2025-06-04"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 20_000.0),
        (Some("当日上午"), Some("2025-06-01"), Some("2025-06-01"))
    );
    let got = periods(
        None,
        "警方前日（22日）接获报案，事主早前接到来电，于当日将3.5万元交给一名男子。",
        Some("2025-12-24"),
        &Hints::default(),
    );
    assert_eq!(period_of(&got, 35_000.0).1, None);
}

/// Batch D3, written afresh: `上一年度` is the year before the one the
/// passage is about, else before the publication's.
#[test]
fn the_year_before_spelled_out_is_last_year() {
    let got = periods(
        None,
        "2023年受理诈骗案3.8万件，较上一年度的2.95万件增加28.72%。",
        Some("2024-05-10"),
        &Hints::default(),
    );
    assert_eq!(
        period_of(&got, 29_500.0),
        (Some("上一年度"), Some("2022-01-01"), Some("2022-12-31"))
    );
}

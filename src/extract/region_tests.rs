//! The region of a figure is the reporting body's jurisdiction: table tests
//! on releases written for this test (not from the corpus), one group per
//! way pages from unseen sources went wrong, and checks of the gazetteer.

use std::path::Path;

use super::Extractor;
use super::gazetteer::{Gazetteer, Level};
use super::reporting_body::Resolver;
use crate::hints::Hints;
use crate::model::{Article, Script};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn extractor() -> &'static Extractor {
    static EX: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EX.get_or_init(|| {
        Extractor::from_file(&root().join("config/lexicon.toml")).expect("lexicon loads")
    })
}

fn resolver() -> &'static Resolver {
    static R: std::sync::OnceLock<Resolver> = std::sync::OnceLock::new();
    R.get_or_init(|| Resolver::from_dir(&root().join("config")).expect("rules load"))
}

/// One page: its text and what is known of it besides.
#[derive(Default, Clone, Copy)]
struct Page<'a> {
    text: &'a str,
    title: Option<&'a str>,
    source: Option<&'a str>,
    host: Option<&'a str>,
    hint_region: Option<&'a str>,
    hint_source: Option<&'a str>,
    hant: bool,
}

/// The region of every statistic of the page, which must have some.
fn regions(p: &Page<'_>) -> Vec<Option<String>> {
    let article = Article {
        title: p.title.map(str::to_string),
        published: Some("2024-06-30".into()),
        source: p.source.map(str::to_string),
        author: None,
        script: if p.hant { Script::Hant } else { Script::Hans },
        text: p.text.into(),
    };
    let hints = Hints {
        published: None,
        source: p.hint_source.map(str::to_string),
        region: p.hint_region.map(str::to_string),
        host: p.host.map(str::to_string),
    };
    let (stats, _) =
        extractor().extract_within(&article, &hints, 200, &crate::budget::Budget::unlimited());
    assert!(!stats.is_empty(), "no statistics in {:?}", p.text);
    stats.into_iter().map(|s| s.region).collect()
}

fn check(cases: &[(Page<'_>, &str)]) {
    for (page, want) in cases {
        let got = regions(page);
        assert!(
            got.iter().all(|r| r.as_deref() == Some(*want)),
            "want {want} for {:?} (source {:?}, host {:?}), got {got:?}",
            page.text,
            page.source,
            page.host
        );
    }
}

const PLAIN: &str =
    "今年以来，共破获电信网络诈骗案件120起，抓获犯罪嫌疑人210名，冻结涉案资金860万元。";

#[test]
fn a_body_named_in_the_text_is_the_region() {
    check(&[
        (
            Page {
                text: "近日，青田县公安局通报，今年以来共破获电信网络诈骗案件56起，抓获犯罪嫌疑人132名。",
                ..Page::default()
            },
            "青田",
        ),
        (
            Page {
                text: "义乌市反诈中心消息，1至5月全市共劝阻潜在受害人3200余人，避免群众损失1.2亿元。",
                ..Page::default()
            },
            "义乌",
        ),
        (
            Page {
                text: "记者从资阳警方获悉，今年上半年共抓获电信网络诈骗犯罪嫌疑人86名。",
                ..Page::default()
            },
            "资阳",
        ),
    ]);
}

#[test]
fn the_source_line_host_and_hint_name_the_region_where_the_text_does_not() {
    check(&[
        (
            Page {
                text: PLAIN,
                source: Some("临平区公安分局"),
                ..Page::default()
            },
            "临平",
        ),
        (
            Page {
                text: PLAIN,
                hint_source: Some("都昌县公安局"),
                ..Page::default()
            },
            "都昌",
        ),
        (
            Page {
                text: PLAIN,
                source: Some("來源：寧波市公安局"),
                hant: true,
                ..Page::default()
            },
            "宁波",
        ),
        (
            Page {
                text: PLAIN,
                source: Some("平安洋县"),
                ..Page::default()
            },
            "洋县",
        ),
        (
            Page {
                text: PLAIN,
                host: Some("gaj.chengdu.gov.cn"),
                ..Page::default()
            },
            "成都",
        ),
        (
            Page {
                text: PLAIN,
                host: Some("www.yudu.gov.cn"),
                ..Page::default()
            },
            "于都",
        ),
        (
            Page {
                text: PLAIN,
                host: Some("gat.sc.gov.cn"),
                ..Page::default()
            },
            "四川",
        ),
        (
            Page {
                text: PLAIN,
                hint_region: Some("浙江省"),
                ..Page::default()
            },
            "浙江",
        ),
        (
            Page {
                text: PLAIN,
                hint_region: Some("廣東省"),
                ..Page::default()
            },
            "广东",
        ),
        // The page's own body outweighs the crawler's filing.
        (
            Page {
                text: "资溪县公安局通报：今年以来共破获电信网络诈骗案件18起。",
                hint_region: Some("江西省"),
                ..Page::default()
            },
            "资溪",
        ),
    ]);
}

#[test]
fn a_national_body_named_in_passing_leaves_the_county_its_release() {
    check(&[
        (
            Page {
                text: "资溪县公安局民警走进社区，指导群众下载国家反诈中心APP。今年以来，全县共破获电信网络诈骗案件18起，抓获犯罪嫌疑人25名。民警提醒，国家反诈中心APP可识别诈骗来电，全国已有数亿人安装国家反诈中心App。",
                ..Page::default()
            },
            "资溪",
        ),
        (
            Page {
                text: "根据公安部统一部署，石阡县公安局开展专项行动，共打掉犯罪团伙4个，抓获犯罪嫌疑人37名。石阡县公安局提醒广大群众提高警惕。",
                ..Page::default()
            },
            "石阡",
        ),
        // A district bureau named inside its city's keeps the district's level.
        (
            Page {
                text: "近日，宜春市公安局袁州分局破获一起电信网络诈骗案，抓获犯罪嫌疑人9名，冻结资金120万元。",
                ..Page::default()
            },
            "袁州",
        ),
        (
            Page {
                text: "记者从成都市郫都区公安分局获悉，今年以来该局共劝阻群众2300余人。",
                ..Page::default()
            },
            "郫都",
        ),
        (
            Page {
                text: "绍兴市柯桥区反电诈中心数据显示，1至6月共拦截诈骗电话1.2万次。",
                ..Page::default()
            },
            "柯桥",
        ),
        // A county directed by its prefecture keeps the level it is named at.
        (
            Page {
                text: "在赣州市公安局统一指挥下，于都县公安局成功侦破一起电信网络诈骗案。于都县公安局共抓获犯罪嫌疑人12名，冻结涉案资金50万元。",
                ..Page::default()
            },
            "于都",
        ),
    ]);
}

#[test]
fn a_national_release_quoting_a_city_stays_national() {
    let page = Page {
        text: "公安部19日召开新闻发布会。今年以来，全国公安机关共破获电信网络诈骗案件39.1万起。发布会上，杭州市公安局介绍了打击治理工作经验，杭州警方将继续加大打击力度。",
        ..Page::default()
    };
    let got = regions(&page);
    assert_eq!(
        got.first().cloned().flatten().as_deref(),
        Some("全国"),
        "{got:?}"
    );
}

#[test]
fn a_dateline_or_outlet_place_does_not_outweigh_national_words() {
    check(&[
        (
            Page {
                text: "今年以来，全国共破获电信网络诈骗案件12.3万起，全国反诈工作取得明显成效。",
                source: Some("人民网北京6月1日电"),
                ..Page::default()
            },
            "全国",
        ),
        // Filed in Beijing is not Beijing's figures.
        (
            Page {
                text: PLAIN,
                source: Some("新华社北京6月1日电"),
                ..Page::default()
            },
            "全国",
        ),
        (
            Page {
                text: PLAIN,
                source: Some("四川日报"),
                ..Page::default()
            },
            "四川",
        ),
    ]);
}

#[test]
fn the_place_a_crime_happened_is_not_the_region() {
    check(&[
        // The victims' home city named again and again; the body is in the
        // source line.
        (
            Page {
                text: "家住广州的李女士被骗。经查，广州籍受害人共12名，涉案资金300万元，犯罪嫌疑人藏匿在柬埔寨。",
                source: Some("都昌县公安局"),
                ..Page::default()
            },
            "都昌",
        ),
        // A foreign town before a police word names no reporting body.
        (
            Page {
                text: "龙岩市公安局通报，从缅甸妙瓦底警方手中接回犯罪嫌疑人46名。妙瓦底警方此前已抓获该团伙。",
                ..Page::default()
            },
            "龙岩",
        ),
    ]);
}

#[test]
fn hong_kong_macau_taiwan_and_singapore_bodies_name_their_region() {
    check(&[
        (
            Page {
                text: "警務處表示，今年首季共接獲電話騙案1,234宗，損失金額達3億元。",
                hant: true,
                ..Page::default()
            },
            "香港",
        ),
        (
            Page {
                text: "司警局公佈，今年上半年共錄得電訊詐騙案156宗，涉及金額4,500萬元。",
                hant: true,
                ..Page::default()
            },
            "澳门",
        ),
        (
            Page {
                text: "內政部警政署刑事警察局統計，今年1至5月共查獲詐欺車手1,200人。",
                hant: true,
                ..Page::default()
            },
            "台湾",
        ),
        // `刑事警察局` named twice is no place `刑事`.
        (
            Page {
                text: "刑事警察局指出，今年上半年詐騙財損達45億元。刑事警察局呼籲民眾提高警覺。",
                hant: true,
                ..Page::default()
            },
            "台湾",
        ),
        (
            Page {
                text: "港警聯同銀行截停可疑交易，上月共凍結款項2,100萬元。",
                hant: true,
                ..Page::default()
            },
            "香港",
        ),
        (
            Page {
                text: "高雄市政府警察局表示，今年以來共破獲詐欺集團35個，查扣不法所得2,300萬元。",
                hant: true,
                ..Page::default()
            },
            "高雄",
        ),
        (
            Page {
                text: "新北市警察局統計，上半年共受理詐騙案件3,456件。",
                hant: true,
                ..Page::default()
            },
            "新北",
        ),
        (
            Page {
                text: "新加坡警察部队说，今年上半年共接获诈骗案9500起，损失至少3亿8000万元。",
                ..Page::default()
            },
            "新加坡",
        ),
        // Malaysia's Chinese press: national police report for Malaysia,
        // never for China; a state's or district's police for their own.
        (
            Page {
                text: "(吉隆坡3日訊)全國警察商業罪案調查部總監指出，警方從年初至上個月28日，共接獲1萬零106宗詐騙案投報，損失高達8億6624萬令吉。",
                hant: true,
                ..Page::default()
            },
            "马来西亚",
        ),
        (
            Page {
                text: "(新山6日讯)柔佛州总警长指出，柔州今年首月的诈骗案暴增至534宗，损失额高达2643万令吉。",
                ..Page::default()
            },
            "柔佛",
        ),
        (
            Page {
                text: "(麻坡12日訊)今年截至4月30日為止，麻坡警區共針對92起欺騙案展開調查，損失數額達252萬令吉。其中33起涉及“澳門騙局”的電話詐騙。",
                hant: true,
                ..Page::default()
            },
            "麻坡",
        ),
    ]);
}

#[test]
fn a_sentence_naming_another_body_keeps_its_region() {
    let page = Page {
        text: "成都市公安局通报，今年以来共破获电信网络诈骗案件800起。同期，重庆市公安局破获案件300起。",
        ..Page::default()
    };
    let got = regions(&page);
    assert_eq!(
        got.first().cloned().flatten().as_deref(),
        Some("成都"),
        "{got:?}"
    );
    assert!(got.iter().any(|r| r.as_deref() == Some("重庆")), "{got:?}");
}

#[test]
fn the_gazetteer_loads_with_every_level() {
    let g = Gazetteer::from_file(&root().join("config/gazetteer.tsv")).expect("gazetteer loads");
    let count = |l: Level| g.places().iter().filter(|p| p.level == l).count();
    // 34 province-level areas, Singapore and Malaysia; 333 prefectures,
    // Taiwan's 22 counties and cities and Malaysia's 16 states and
    // territories (with their press's abbreviations); about 2,850 counties
    // and districts, Malaysia's police districts and the foreign countries
    // read only as bodies (`柬埔寨警方`).
    assert_eq!(count(Level::Province), 36);
    assert!((370..=390).contains(&count(Level::Prefecture)));
    assert!((2850..=2950).contains(&count(Level::County)));
    let short = |n: &str| g.lookup(n).map(|p| p.short.clone());
    assert_eq!(short("成都市").as_deref(), Some("成都"));
    assert_eq!(short("恩施土家族苗族自治州").as_deref(), Some("恩施"));
    assert_eq!(short("洋县").as_deref(), Some("洋县"));
    assert_eq!(short("袁州区").as_deref(), Some("袁州"));
    assert_eq!(g.lookup("吉林").map(|p| p.level), Some(Level::Province));
    assert_eq!(g.lookup("袁州").map(|p| p.parent.as_str()), Some("宜春"));
    assert_eq!(
        g.by_pinyin("chengdu").map(|p| p.short.as_str()),
        Some("成都")
    );
    // 台州 and 泰州 spell the same: neither is read from a host.
    assert!(g.by_pinyin("taizhou").is_none());
    // Malaysia's states, their abbreviations and police districts.
    assert_eq!(short("柔佛州").as_deref(), Some("柔佛"));
    assert_eq!(short("柔州").as_deref(), Some("柔佛"));
    assert_eq!(g.lookup("麻坡").map(|p| p.parent.as_str()), Some("柔佛"));
    // Chinese places keep their names (`彭州` is Sichuan's, not Pahang's).
    assert_eq!(g.lookup("彭州").map(|p| p.province.as_str()), Some("四川"));
    // A foreign country is a county of itself, never bare.
    assert_eq!(
        g.lookup("柬埔寨").map(|p| (p.level, p.bare)),
        Some((Level::County, false))
    );
}

/// The region reader's places are the gazetteer's provinces and
/// prefectures; `[places] extra` holds only names the gazetteer lacks.
#[test]
fn places_come_from_the_gazetteer_with_a_few_extra() {
    let ex = extractor();
    let words = |w: &str| w.chars().collect::<Vec<char>>();
    let place = |w: &str| ex.lex.regions.places.contains(&words(w));
    let province = |w: &str| ex.lex.regions.provinces.contains(&words(w));
    for p in "四川 香港 成都 锡林郭勒 恩施 台北 海南州 广州铁路".split(' ') {
        assert!(place(p), "{p}");
    }
    assert!(province("吉林") && province("澳门") && !province("成都") && !place("袁州"));
    let gaz = ex.bodies.gazetteer();
    let text =
        std::fs::read_to_string(root().join("config/extract-regions.toml")).expect("regions file");
    let table: toml::Table = toml::from_str(&text).expect("regions parse");
    let extra = table
        .get("places")
        .and_then(|p| p.get("extra"))
        .and_then(toml::Value::as_array)
        .expect("[places] extra");
    assert!(!extra.is_empty());
    for e in extra.iter().filter_map(toml::Value::as_str) {
        assert!(gaz.lookup(e).is_none(), "{e} is in the gazetteer");
    }
}

/// A config directory's `gazetteer.tsv` gives the region reader its
/// places too; a regions file still listing them under `[gazetteer]`
/// stops start-up.
#[test]
fn an_overridden_gazetteer_gives_the_places_and_an_old_regions_file_stops_start_up() {
    let dir = std::env::temp_dir().join(format!("fraudstat-places-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let gaz = std::fs::read_to_string(root().join("config/gazetteer.tsv")).expect("gazetteer");
    std::fs::write(
        dir.join("gazetteer.tsv"),
        format!("{gaz}蜀南市\t蜀南\tprefecture\t四川\t\tshunan\t1\n"),
    )
    .expect("write");
    let ex = Extractor::from_file(&dir.join("lexicon.toml")).expect("rules load");
    let place = |w: &str| {
        ex.lex
            .regions
            .places
            .contains(&w.chars().collect::<Vec<_>>())
    };
    assert!(place("蜀南") && place("成都"));
    assert!(!extractor().lex.regions.places.contains(&['蜀', '南']));
    let regions =
        std::fs::read_to_string(root().join("config/extract-regions.toml")).expect("regions file");
    for old in [
        regions.replace("[places]\nextra", "[gazetteer]\ncities"),
        regions.replace("[places]\nextra", "[places]\ncities"),
    ] {
        std::fs::write(dir.join("extract-regions.toml"), old).expect("write");
        assert!(Extractor::from_file(&dir.join("lexicon.toml")).is_err());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_gazetteer_or_rule_file_stops_start_up() {
    assert!(Gazetteer::parse("成都市\t成都\tcity\t四川\t\tchengdu\t1\n").is_err());
    assert!(Gazetteer::parse("成都市\t成都\n").is_err());
    assert!(Gazetteer::parse("# nothing\n").is_err());
    let dir = std::env::temp_dir().join(format!("fraudstat-region-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let regions =
        std::fs::read_to_string(root().join("config/extract-regions.toml")).expect("regions file");
    std::fs::write(
        dir.join("extract-regions.toml"),
        regions.replace("county_share = 0.6", "county_share = \"most\""),
    )
    .expect("write");
    std::fs::copy(
        root().join("config/gazetteer.tsv"),
        dir.join("gazetteer.tsv"),
    )
    .expect("copy");
    assert!(Resolver::from_dir(&dir).is_err());
    std::fs::write(dir.join("extract-regions.toml"), &regions).expect("write");
    assert!(Resolver::from_dir(&dir).is_ok());
    std::fs::write(dir.join("gazetteer.tsv"), "成都市\t成都\n").expect("write");
    assert!(Resolver::from_dir(&dir).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hosts_name_places_by_pinyin_and_abbreviation() {
    let r = resolver();
    let host = |h: &str| r.host_region(h);
    assert_eq!(host("gaj.chengdu.gov.cn").as_deref(), Some("成都"));
    assert_eq!(host("gat.sc.gov.cn").as_deref(), Some("四川"));
    assert_eq!(host("www.yangxian.gov.cn").as_deref(), Some("洋县"));
    assert_eq!(host("www.police.gov.hk").as_deref(), Some("香港"));
    assert_eq!(host("www.gov.mo").as_deref(), Some("澳门"));
    assert_eq!(host("police.kcg.gov.tw").as_deref(), Some("高雄"));
    assert_eq!(host("www.police.gov.sg").as_deref(), Some("新加坡"));
    assert_eq!(host("www.mps.gov.cn").as_deref(), Some("全国"));
    // Not a government site, or a label that spells two places.
    assert_eq!(host("www.chengdu.com"), None);
    assert_eq!(host("gaj.taizhou.gov.cn"), None);
}

#[test]
fn a_local_release_naming_no_body_is_its_own_area_not_the_country() {
    check(&[
        (
            Page {
                text: "全国电诈案件持续高发，我县今年以来共破获电信网络诈骗案件36起，抓获犯罪嫌疑人52名。县公安局介绍，全县反诈宣传已覆盖通山县城区每个小区。",
                ..Page::default()
            },
            "通山",
        ),
        // A district names the city above it.
        (
            Page {
                text: "在全国、全省发案上升的形势下，我市今年1至5月电诈发案同比下降21%。市公安局表示，全市共劝阻群众860人，推进会在龙湾区召开。",
                ..Page::default()
            },
            "温州",
        ),
    ]);
}

#[test]
fn a_city_release_mentioning_its_province_in_passing_stays_the_citys() {
    check(&[(
        Page {
            text: "汕头市公安局通报，今年以来全市共破获电信网络诈骗案件210起，抓获犯罪嫌疑人330名。汕头的反诈预警平台获评广东省十佳项目，是全省公安系统唯一入选的，也在全省推广。",
            ..Page::default()
        },
        "汕头",
    )]);
}

#[test]
fn a_hong_kong_release_named_by_its_bureau_only_is_hong_kongs() {
    check(&[(
        Page {
            text: "商罪科指出，去年共接獲投資騙案5,120宗，損失金額達31億元。",
            hant: true,
            ..Page::default()
        },
        "香港",
    )]);
}

#[test]
fn a_place_name_that_is_also_a_word_is_no_body() {
    // 会同 ("together with") is also a county; 会同市 is no place.
    let text: Vec<char> = "省公安厅会同市公安局召开发布会，通报全省反诈成效。"
        .chars()
        .collect();
    let facts = super::reporting_body::PageFacts {
        title: &[],
        body: &text,
        sources: &[],
        host: None,
        region_hint: None,
    };
    let found = resolver().resolve(&facts);
    assert!(
        found.as_ref().is_none_or(|f| f.region != "会同"),
        "{found:?}"
    );
}

#[test]
fn an_area_listed_with_its_count_in_brackets_is_the_figures_region() {
    let got = regions(&Page {
        text: "嘉义县警察局统计，今年上半年受理诈骗案件240件；另以行政区统计，东石乡(41件)为高发地区。",
        ..Page::default()
    });
    assert!(got.contains(&Some("东石乡".to_string())), "{got:?}");
    // A rate or a sum heading its clause names no area.
    let got = regions(&Page {
        text: "青田县公安局介绍，辖区各乡镇累计劝阻群众300人次，劝阻率100%，涉款200万元。",
        ..Page::default()
    });
    assert!(got.iter().all(|r| r.as_deref() == Some("青田")), "{got:?}");
}

/// The region of each statistic, by its value.
fn by_value(p: &Page<'_>) -> Vec<(f64, Option<String>)> {
    let article = Article {
        title: p.title.map(str::to_string),
        published: Some("2024-06-30".into()),
        source: p.source.map(str::to_string),
        author: None,
        script: if p.hant { Script::Hant } else { Script::Hans },
        text: p.text.into(),
    };
    let (stats, _) = extractor().extract_within(
        &article,
        &Hints::default(),
        200,
        &crate::budget::Budget::unlimited(),
    );
    stats.into_iter().map(|s| (s.value, s.region)).collect()
}

fn region_of(got: &[(f64, Option<String>)], value: f64) -> Option<&str> {
    got.iter()
        .find(|(v, _)| (*v - value).abs() < 1e-6)
        .and_then(|(_, r)| r.as_deref())
}

#[test]
fn a_sub_area_governing_a_clause_or_paragraph_takes_its_figures() {
    let got = by_value(&Page {
        text: "江苏省公安厅通报，今年以来全省共破获电信网络诈骗案件3200起。\n专项行动中无锡共抓获犯罪嫌疑人56人，捣毁窝点7处；常州共抓获犯罪嫌疑人31人，捣毁窝点4处。\n省公安厅工作组会同南通市公安机关制定行动方案。经过连续攻坚，公安部门一举打掉犯罪团伙12个，抓获犯罪嫌疑人88名。\n江阴市公安局侦破一起刷单诈骗案，抓获犯罪嫌疑人23名，冻结资金180万元。\n另有46名犯罪嫌疑人被扬州警方从柬埔寨押解回国。",
        ..Page::default()
    });
    for (v, want) in [
        (3200.0, "江苏"),
        (56.0, "无锡"),
        (7.0, "无锡"),
        (31.0, "常州"),
        (4.0, "常州"),
        (12.0, "南通"),
        (88.0, "南通"),
        (23.0, "江阴"),
        (1_800_000.0, "江阴"),
        (46.0, "扬州"),
    ] {
        assert_eq!(region_of(&got, v), Some(want), "{v}: {got:?}");
    }
    // Several cities' police together, or a scope word after the body,
    // leave the figure the province's.
    let got = by_value(&Page {
        text: "湖北省公安厅组织襄阳、十堰、孝感市警方深入研判。初步查明，涉案人员遍及全国9个省份。\n荆州市公安局介绍了经验。全省共止付资金2.3亿元。",
        ..Page::default()
    });
    assert_eq!(region_of(&got, 9.0), Some("湖北"), "{got:?}");
    assert_eq!(region_of(&got, 230_000_000.0), Some("湖北"), "{got:?}");
    // A date may lead the clause an area heads.
    let got = by_value(&Page {
        text: "內政部警政署統計，全台本月受理詐騙案件1.2萬件。此外，10月台中查扣不法所得3.2億元。",
        hant: true,
        ..Page::default()
    });
    assert_eq!(region_of(&got, 12_000.0), Some("台湾"), "{got:?}");
    assert_eq!(region_of(&got, 320_000_000.0), Some("台中"), "{got:?}");
}

#[test]
fn words_that_are_no_place_here_name_no_region() {
    let resolve = |t: &str| {
        let text: Vec<char> = t.chars().collect();
        resolver().resolve(&super::reporting_body::PageFacts {
            title: &[],
            body: &text,
            sources: &[],
            host: None,
            region_hint: None,
        })
    };
    // 公安 (公安县) at the head of a body word; 会同 "together with".
    for t in [
        "经开区公安分局通报，今年以来共破获案件12起。",
        "人民银行会同公安部建立涉诈资金监测机制，拦截涉诈交易2.1亿笔。",
    ] {
        let found = resolve(t);
        assert!(
            found
                .as_ref()
                .is_none_or(|f| f.region != "公安" && f.region != "会同"),
            "{t}: {found:?}"
        );
    }
    // A body a suspect is handed to, or a district branch quoted once out
    // of the lead, is not the city speaking; the branch keeps its own case.
    let got = by_value(&Page {
        text: "上半年，反诈专班围绕预警劝阻、止付冻结、宣传防范三项重点工作持续发力，组织民警深入社区、学校、企业开展面对面宣传，发放宣传资料，推动反诈知识进家入户，群众识骗防骗能力明显提升，各类诈骗警情高发势头得到有效遏制，人民群众的获得感、幸福感、安全感不断增强，社会治安大局持续平稳向好。\n齐齐哈尔市组建反诈专班以来，全市共破获电信诈骗案件320起。全市共抓获犯罪嫌疑人88名，其中5人移交佛山公安局。市公安局提醒群众提高警惕。近日，昂昂溪公安分局民警又抓获嫌疑人1名。",
        ..Page::default()
    });
    assert_eq!(region_of(&got, 320.0), Some("齐齐哈尔"), "{got:?}");
    assert_eq!(region_of(&got, 88.0), Some("齐齐哈尔"), "{got:?}");
    assert_eq!(region_of(&got, 1.0), Some("昂昂溪"), "{got:?}");
}

#[test]
fn a_city_district_branch_reports_at_the_level_its_city_gives_it() {
    check(&[
        // A Taiwan city's precinct (大安 is also a Jilin county) is the city.
        (
            Page {
                text: "臺中市政府警察局大安分局統計，今年上半年受理詐欺案件320件，財損金額1.2億元。",
                hant: true,
                ..Page::default()
            },
            "台中",
        ),
        // A bracketed aside between a district and its branch.
        (
            Page {
                text: "金水（郑东新区）公安分局通报，今年以来共破获案件86起，追回资金320万元。金水警方提醒群众。",
                ..Page::default()
            },
            "金水",
        ),
    ]);
}

#[test]
fn a_city_release_naming_a_national_body_or_its_provinces_paper_is_the_citys() {
    check(&[
        (
            Page {
                text: "今年6月，我市新城区发生多起刷单诈骗案。专案组与公安部工作组赶赴柬埔寨开展工作。呼和浩特市反电信网络诈骗犯罪中心介绍，今年以来全市公安机关共抓获嫌疑人420人，全市止付资金2100万元。",
                ..Page::default()
            },
            "呼和浩特",
        ),
        (
            Page {
                text: "绵阳举行追赃挽损集中返还仪式。今年以来，绵阳电诈案件发案1800余件，绵阳共追回资金900万元。",
                source: Some("四川日报"),
                ..Page::default()
            },
            "绵阳",
        ),
    ]);
}

#[test]
fn a_hong_kong_page_without_its_police_named_is_hong_kongs() {
    check(&[
        (
            Page {
                text: "警方表示，今年首季接獲網上情緣騙案120宗，涉款3,200萬元。警方提醒市民可致電防騙易熱線18222查詢。",
                hant: true,
                ..Page::default()
            },
            "香港",
        ),
        (
            Page {
                text: "立法會會議上，保安局局長答覆議員提問：去年電話騙案共3,456宗，本地電訊商已加強攔截可疑來電。",
                hant: true,
                ..Page::default()
            },
            "香港",
        ),
    ]);
}

/// A provincial bulletin broken down by city, each city with its suffix
/// before the verb (`拉萨市立13起`, `日喀则市立案6起`): each figure is its city's.
#[test]
fn cities_with_their_suffix_head_their_clauses() {
    let got = regions(&Page {
        text: "西藏自治区公安厅通报:2021年2月1日至15日,全区公安机关共立电信网络诈骗案件39起。其中,拉萨市立13起,同比持平;日喀则市立案6起。",
        ..Page::default()
    });
    let want = ["西藏", "拉萨", "日喀则"];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.as_deref(), Some(w), "{got:?}");
    }
}

/// A region-wide bulletin naming no body, broken down by cities of one
/// province, is the province's; a page naming cities of several provinces
/// is not made any one of them.
#[test]
fn a_bulletin_broken_down_by_one_provinces_cities_is_the_provinces() {
    let page = |text| Page {
        text,
        ..Page::default()
    };
    let got = regions(&page(
        "2月上半月,全区公安机关共立电信网络诈骗案件39起。其中,拉萨市立案13起,日喀则市立案6起,山南市立案6起,林芝市立案4起。",
    ));
    assert_eq!(
        got.first().cloned().flatten().as_deref(),
        Some("西藏"),
        "{got:?}"
    );
    let got = regions(&page(
        "全区公安机关配合外省警方,在成都市、拉萨市、西宁市抓获犯罪嫌疑人12名。",
    ));
    assert_ne!(
        got.first().cloned().flatten().as_deref(),
        Some("西藏"),
        "{got:?}"
    );
}

#[test]
fn a_province_wide_release_is_the_province_its_headline_or_outlet_names() {
    check(&[
        // The outlet names the province; the text speaks only of 全省 and
        // names the national ministry once, in passing.
        (
            Page {
                text: "记者从省公安厅获悉，今年以来，我省公安机关共破获电信网络诈骗案件3100起。全省公安机关按照公安部部署开展专项行动，抓获犯罪嫌疑人420名。",
                source: Some("甘肃日报"),
                ..Page::default()
            },
            "甘肃",
        ),
        // The headline names it; a dateline city of the province agrees.
        (
            Page {
                text: "本报兰州6月2日讯 今年1至5月，全省共破获电信网络诈骗案件860起，全省公安机关冻结涉案资金1.2亿元。",
                title: Some("甘肃前5月破获电诈案件860起"),
                ..Page::default()
            },
            "甘肃",
        ),
        // An autonomous region speaks of itself as 自治区.
        (
            Page {
                text: "本报南宁6月29日讯 记者从自治区人民政府新闻办获悉，自治区公安机关今年以来返还被骗资金522笔，抓获犯罪嫌疑人310人。下载“国家反诈中心”APP的群众达900万人。",
                ..Page::default()
            },
            "广西",
        ),
        // A municipality's release speaks of 全市 and 市公安局.
        (
            Page {
                text: "天津新闻网讯：记者从市公安局了解到，全市公安机关今年以来破获电信网络诈骗案件1500起，全市抓获犯罪嫌疑人620人。",
                ..Page::default()
            },
            "天津",
        ),
    ]);
}

#[test]
fn a_word_before_a_figure_is_no_area_of_a_breakdown() {
    // `先后21次` and `推动38个` in a sentence that speaks of 地区: the words
    // before the figures are an adverb and a verb, not areas.
    let got = by_value(&Page {
        text: "公安部组织各地公安机关，先后21次赴10个国家和地区开展警务合作，抓获犯罪嫌疑人4276名，并先后20次将嫌疑人押解回国。",
        ..Page::default()
    });
    for v in [21.0, 20.0, 4276.0] {
        assert_eq!(region_of(&got, v), Some("全国"), "{v}: {got:?}");
    }
}

/// A city's page quoting the country's figures: the clause headed by 全国
/// is national; the city's own figures and `全国首个` stay the city's.
#[test]
fn a_clause_headed_by_quanguo_is_national_on_a_local_page() {
    let page = Page {
        text: "普洱市公安局通报，今年8月以来，全国电信网络诈骗案件发案数同比下降24%。普洱警方抓获犯罪嫌疑人20名，建成全国首个边境反诈站点3个。",
        ..Page::default()
    };
    assert_eq!(
        regions(&page),
        vec![
            Some("全国".to_string()),
            Some("普洱".to_string()),
            Some("普洱".to_string())
        ]
    );
}

/// Batch S, written afresh: a provincial release that opens with its own
/// police and names national bodies only further on, as partners or as
/// praise (`参与公安部…行动`, `被最高人民检察院写入全国…报告`), is the
/// province's; one whose lead is a national body's stays national.
#[test]
fn national_bodies_named_after_a_local_lead_are_partners_not_the_author() {
    let text = "过去一年，湖南公安对电信网络诈骗犯罪发起攻势，破获案件6120起。\n\
                积极参与公安部打击整治境外电诈行动，押解1200余名嫌疑人回湘。\
                某专案被最高人民法院、最高人民检察院写入全国“两会”报告，\
                另一专案被公安部列为指导案例。处罚涉“两卡”违法人员5210人次。";
    check(&[(
        Page {
            text,
            ..Page::default()
        },
        "湖南",
    )]);
    let text = "公安部近日通报，全国公安机关共破获案件6120起，处罚涉“两卡”违法人员5210人次。\n\
                湖南公安介绍了经验。";
    check(&[(
        Page {
            text,
            ..Page::default()
        },
        "全国",
    )]);
}

/// Batch S, written afresh: a city before a case named in quotes
/// (`衡阳“3·15”专案`) heads the clause; the case's figures are the city's
/// on the province's page.
#[test]
fn a_city_before_a_quoted_case_heads_its_clause() {
    let page = Page {
        text: "湖南省公安厅通报，全省破获电信网络诈骗案件6120起。衡阳“3·15”专案集中抓获犯罪嫌疑人312人。",
        ..Page::default()
    };
    assert_eq!(
        regions(&page),
        vec![Some("湖南".to_string()), Some("衡阳".to_string())]
    );
}

/// Batches U and W, written afresh: a local release that names neither
/// its place nor a national body (`全省公安机关…`, `市反诈骗中心…`, a
/// national app named in passing) has an unknown region, not 全国.
#[test]
fn a_local_release_naming_no_place_has_no_region() {
    for text in [
        "上半年，全省公安机关破获电信网络诈骗案件3072起，“国家反诈中心”APP注册人数已达全省常住人口一半以上。",
        "去年，市反诈骗中心紧急止付涉案资金1200万元。",
    ] {
        let got = regions(&Page {
            text,
            ..Page::default()
        });
        assert!(got.iter().all(Option::is_none), "{text}: {got:?}");
    }
    // A national body that reports stays national.
    let got = regions(&Page {
        text: "公安部通报，上半年全国公安机关破获电信网络诈骗案件13.2万起。",
        ..Page::default()
    });
    assert!(got.iter().all(|r| r.as_deref() == Some("全国")), "{got:?}");
}

/// Batch W, written afresh: a county-level city speaks of itself as `全市`
/// and `我市`; named in full (`建德市`), it is the page's region, not the
/// prefecture above it.
#[test]
fn a_county_level_city_speaking_as_the_city_is_itself() {
    let page = Page {
        text: "4月28日，我市召开打击治理电信网络诈骗工作会议，副市长、市公安局局长出席。\
               人民银行建德市支行、移动建德分公司作交流发言。今年一季度，全市受理电信网络诈骗案件102起。",
        ..Page::default()
    };
    assert_eq!(regions(&page), vec![Some("建德".to_string())]);
}

/// Batch W, written afresh: a city's outlet on a page that speaks as the
/// city throughout is the city's, though the page names a national
/// meeting in passing.
#[test]
fn a_city_outlet_on_a_page_speaking_as_the_city_is_the_city() {
    let page = Page {
        text: "1月14日下午，在收听收看了全国、全省电视电话会议后，我市随即召开会议，副市长出席。\
               2019年，全市共破获各类网络电信诈骗案件1294起。",
        source: Some("临汾新闻网"),
        ..Page::default()
    };
    assert_eq!(regions(&page), vec![Some("临汾".to_string())]);
}

/// Batch W, written afresh: on a national page, a province's body named
/// after the national words of its sentence (`全国公安机关…行动开展以来，
/// 青海省公安厅…抓获291名`) did what the figures count.
#[test]
fn a_province_body_after_the_national_words_of_its_sentence_governs() {
    let page = Page {
        text: "记者从公安部新闻发布会获悉，全国公安机关“断流”专案行动开展以来，\
               青海省公安厅抽调精干警力成立工作专班，抓获犯罪嫌疑人291名。",
        ..Page::default()
    };
    assert_eq!(regions(&page), vec![Some("青海".to_string())]);
    // The national words after the body speak for the country.
    let page = Page {
        text: "青海省公安厅介绍，全国公安机关共抓获犯罪嫌疑人2.1万名。",
        ..Page::default()
    };
    assert_eq!(regions(&page), vec![Some("全国".to_string())]);
}

/// Batch X, written afresh: a release about one police station's work,
/// naming it in its lead and again later, speaks for the station's area;
/// a city's release that counts its stations (`200多家派出所`) or quotes
/// one in passing stays the city's.
#[test]
fn a_police_station_release_is_the_station_area() {
    check(&[
        (
            Page {
                text: "近日，温州市公安局鹿城分局松台派出所民警走进社区开展反诈宣传。\n据松台派出所所长介绍，2023年辖区电诈发案85起，2024年辖区电诈发案61起。",
                ..Page::default()
            },
            "松台",
        ),
        (
            Page {
                text: "温州市公安局通报，全市200多家派出所组建反诈小组，今年以来全市破获电诈案件1200起。",
                ..Page::default()
            },
            "温州",
        ),
        // A case one station took in a district bureau's story.
        (
            Page {
                text: "这是杭州市公安局西湖分局反诈民警在抓捕嫌疑人的途中。\n12月25日，西湖公安分局北山派出所接到报警，一女子被骗3.1万元。分局刑警大队和北山派出所民警组成专案组，12月31日抓获嫌疑人7人。",
                ..Page::default()
            },
            "西湖",
        ),
    ]);
}

/// Batch Z, written afresh: an outlet opening the text before its
/// bracketed byline (`神农架新闻网(记者 …)`) credits the page; a county's
/// outlet names its county, and a lead speaking as a local body without
/// its place (`林区公安局`) is that county's, though the national centre
/// whose warnings it follows is named further on.
#[test]
fn a_county_outlet_credits_a_lead_speaking_as_its_bureau() {
    check(&[(
        Page {
            text: "神农架新闻网(记者 王明 通讯员 李华)林区公安局坚持预警劝阻工作。\n截至目前，林区公安局已预警劝阻潜在被骗居民128人次，返还被骗资金50余万元。\n林区公安局对国家反诈中心推送的预警指令第一时间接收。",
            // The cleaner reads the credit off the lead
            // (`text_meta::lead_byline`).
            source: Some("神农架新闻网"),
            ..Page::default()
        },
        "神农架",
    )]);
}

/// Batch Z, written afresh: a place written in full with its level right
/// before a figure of an area breakdown is that area (`曲周县9.86%`); a
/// clause speaking for the whole city (`全市`) on a district's page is the
/// city's.
#[test]
fn breakdown_places_in_full_and_a_city_clause_on_a_district_page() {
    let page = Page {
        text: "邯郸市反诈中心通报，10月全市发案312起。从发案区域分布来看，发案较高的是曲周县9.86%、大名县9.28%。",
        ..Page::default()
    };
    let got = regions(&page);
    assert!(got.contains(&Some("曲周".to_string())), "{got:?}");
    assert!(got.contains(&Some("大名".to_string())), "{got:?}");
    let page = Page {
        text: "宁波市公安局江北分局通报，江北分局今年破获电诈案件86起。\n分局梳理出全市本地开户涉案银行卡1423个。",
        ..Page::default()
    };
    let got = regions(&page);
    assert_eq!(
        got.first().cloned().flatten().as_deref(),
        Some("江北"),
        "{got:?}"
    );
    assert!(got.contains(&Some("宁波".to_string())), "{got:?}");
}

/// Batch Z, written afresh: a foreign country's police report for that
/// country (`柬埔寨警方…抓获3215名`); one acting with or towards China
/// (`中国与缅甸警方…`, `缅甸警方向中方移交`) is a partner in China's
/// figures; a country named as where crimes happen, however often, is no
/// reporting body.
#[test]
fn foreign_police_report_for_their_country_and_partners_do_not() {
    check(&[
        (
            Page {
                text: "据报道，在连续数周的全国性扫荡行动中，柬埔寨警方已抓获3215名涉嫌参与网络诈骗犯罪的人员。",
                ..Page::default()
            },
            "柬埔寨",
        ),
        (
            Page {
                text: "公安部消息，中国与缅甸警方展开一系列联合行动，缅甸警方向中方移交了10名缅北重大犯罪嫌疑人，累计4.8万名涉诈犯罪嫌疑人被移交中方。",
                ..Page::default()
            },
            "全国",
        ),
        (
            Page {
                text: "温州市公安局通报，专案组赴缅甸妙瓦底抓获犯罪嫌疑人18名。缅甸妙瓦底是电诈窝点聚集地，缅甸局势复杂。",
                ..Page::default()
            },
            "温州",
        ),
    ]);
}

/// Batch X, written afresh: Taiwan's, Hong Kong's or Macau's police named
/// in a sentence of a mainland city's release report that sentence's
/// figures, though named without an administrative level.
#[test]
fn taiwan_police_in_a_mainland_release_report_their_own_figures() {
    let page = Page {
        text: "杭州市公安局通报，专案组在大陆抓获犯罪嫌疑人58名。台湾警方在同步行动中也抓获岛内涉案嫌疑人13人。",
        ..Page::default()
    };
    let got = regions(&page);
    assert_eq!(
        got.first().cloned().flatten().as_deref(),
        Some("杭州"),
        "{got:?}"
    );
    assert_eq!(
        got.get(1).cloned().flatten().as_deref(),
        Some("台湾"),
        "{got:?}"
    );
}

/// Batch D3, written afresh: streets listed with their counts in brackets
/// (`其中:关东街(38起)、纸坊街(32起)`) are their own areas.
#[test]
fn streets_listed_with_bracketed_counts_are_their_areas() {
    let page = Page {
        text: "武汉市公安局通报，4月份全市发生电诈案件900起，其中:花山街(38起)、纸坊街(32起)等街道发案较多。",
        ..Page::default()
    };
    let got = regions(&page);
    assert!(got.contains(&Some("花山街".to_string())), "{got:?}");
    assert!(got.contains(&Some("纸坊街".to_string())), "{got:?}");
    assert_eq!(
        got.first().cloned().flatten().as_deref(),
        Some("武汉"),
        "{got:?}"
    );
}

/// Batch Y (after its first run), written afresh: a city's weekly bulletin
/// that says only `我市` but names several districts of one city
/// (`揭西…普宁…榕城`) is that city's.
#[test]
fn a_bulletin_naming_districts_of_one_city_is_that_city() {
    check(&[(
        Page {
            text: "一周电诈警情\n本周，我市公安机关接报电信网络诈骗警情47起，其中治安警情3起。榕城下降趋势明显，环比下降35.71%。\n电诈警情高发镇街\n1、揭西河婆镇(4起)\n2、普宁流沙西街道(3起)",
            ..Page::default()
        },
        "揭阳",
    )]);
}

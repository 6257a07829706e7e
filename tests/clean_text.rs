//! The cleaner against the corpus gold: headline, date and source of every
//! page, survival of every statistic's quote, and removal of known chrome.

use std::path::{Path, PathBuf};

use fraudstat::clean::Cleaner;
use fraudstat::model::{Article, CharsetSource, ContentKind, Page};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cleaner() -> Cleaner {
    match Cleaner::from_file(&root().join("config/clean.toml")) {
        Ok(c) => c,
        Err(e) => panic!("config/clean.toml: {e}"),
    }
}

struct Case {
    name: String,
    gold: Value,
    text: String,
}

fn corpus() -> Vec<Case> {
    let dir = root().join("tests/fixtures/corpus");
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir.join("gold"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    assert!(names.len() >= 45, "corpus gold missing");
    names
        .into_iter()
        .map(|p| {
            let gold: Value = serde_json::from_str(&read(&p)).unwrap_or(Value::Null);
            let page = gold["page"].as_str().unwrap_or_default().to_string();
            let text = read(&dir.join("pages").join(&page));
            Case {
                name: page,
                gold,
                text,
            }
        })
        .collect()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn clean(c: &Cleaner, text: &str) -> Article {
    let page = Page {
        text: text.to_string(),
        charset: "utf-8".into(),
        charset_source: CharsetSource::Detected,
        kind: ContentKind::Text,
    };
    c.clean(&page, None)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Compares one metadata field; `published` is compared on its date part.
fn field_ok(field: &str, got: Option<&str>, want: Option<&str>) -> bool {
    match (got, want) {
        (None, None) => true,
        (Some(g), Some(w)) if field == "published" => g.get(..10) == Some(w),
        (Some(g), Some(w)) => g == w,
        _ => false,
    }
}

#[test]
fn metadata_matches_gold() {
    let c = cleaner();
    let mut failures = Vec::new();
    let mut total = 0;
    for case in corpus() {
        let a = clean(&c, &case.text);
        for (field, got) in [
            ("title", a.title.as_deref()),
            ("published", a.published.as_deref()),
            ("source", a.source.as_deref()),
        ] {
            total += 1;
            let want = case.gold[field].as_str();
            if !field_ok(field, got, want) {
                failures.push(format!("{} {field}: got {got:?}, want {want:?}", case.name));
            }
        }
    }
    eprintln!(
        "metadata: {}/{total} fields match\n{}",
        total - failures.len(),
        failures.join("\n")
    );
    // Every field of every page is expected to match; the list above names
    // the ones that do not.
    assert!(
        failures.is_empty(),
        "{} metadata mismatches",
        failures.len()
    );
}

#[test]
fn published_is_rfc3339_or_iso_date() {
    let c = cleaner();
    for case in corpus() {
        let a = clean(&c, &case.text);
        if let Some(p) = a.published {
            let ok = chrono::DateTime::parse_from_rfc3339(&p).is_ok()
                || chrono::NaiveDate::parse_from_str(&p, "%Y-%m-%d").is_ok();
            assert!(ok, "{}: bad published {p}", case.name);
        }
    }
}

#[test]
fn statistic_quotes_survive_cleaning() {
    let c = cleaner();
    let mut missing = Vec::new();
    let mut total = 0;
    for case in corpus() {
        let a = clean(&c, &case.text);
        let hay = squash(&format!("{}\n{}", a.title.unwrap_or_default(), a.text));
        for s in case.gold["statistics"].as_array().into_iter().flatten() {
            if s["optional"].as_bool() == Some(true) {
                continue;
            }
            total += 1;
            let q = squash(s["quote"].as_str().unwrap_or_default());
            if !hay.contains(&q) {
                missing.push(format!("{}: {q}", case.name));
            }
        }
    }
    eprintln!(
        "quotes: {}/{total} survive\n{}",
        total - missing.len(),
        missing.join("\n")
    );
    assert!(missing.is_empty(), "{} quotes lost", missing.len());
}

/// Chrome and spam from the corpus pages that must not reach the body.
const CHROME: &[(&str, &str)] = &[
    ("000_", "想爆料"),
    ("000_", "0531-66661234"),
    ("001_", "点击右上角微信好友"),
    ("001_", "首页> IT频道"),
    ("001_", "调查问题加载中"),
    ("001_", "奔跑吧·少年"),
    ("001_", "新闻表情排行"),
    ("001_", "责编"),
    ("001_", "人民日报2021-10-29"),
    ("002_", "> shms"),
    ("002_", "版權與免責聲明"),
    ("002_", "凡本網注明"),
    ("002_", "編輯:曹惠君"),
    ("003_", "<tr id"),
    ("003_", "99热精品"),
    ("003_", "建瓯市"),
    ("003_", "猜你喜歡"),
    ("003_", "衡陽市公安機關黨員風采剪影"),
    ("003_", "關鍵詞"),
    ("004_", "分享讓更多人看到"),
    ("004_", "熱門排行"),
    ("004_", "郵儲銀行百色市分行"),
    ("004_", "關注人民網"),
    ("004_", "王慧攝"),
    ("dev-003", "Kankanews"),
    ("dev-003", "12318"),
    ("dev-003", "暫無評論"),
    ("dev-004", "瀏覽效果"),
    ("dev-004", "限制級"),
    ("dev-004", "(法新社)"),
    ("dev-006", "暖心服务无止境"),
    ("dev-006", "24天跨省追踪"),
    ("dev-007", "181人落实"),
    ("dev-009", "您当前的位置"),
    ("dev-009", "供图"),
    ("dev-010", "访问量"),
    ("dev-010", "扫一扫"),
    ("dev-010", "审核"),
    ("dev-015", "S\" F1"),
    ("dev-015", "@ME"),
    ("dev-017", "enpproperty"),
    ("dev-017", "中銀全幣種信用卡"),
    ("dev-024", "水晶魚颱風演習"),
    ("dev-026", "5.39.217"),
    ("dev-026", "公仔箱論壇"),
    ("dev-026", "徵信公會"),
    ("dev-031", "cnews204251204a04"),
    ("dev-035", "124个镇"),
    ("dev-035", "前30"),
    ("dev-037", "打印本页"),
    ("dev-039", "119-108"),
    ("dev-039", "20士兵"),
    ("dev-039", "兩金一銀兩銅"),
];

#[test]
fn known_chrome_is_removed() {
    let c = cleaner();
    let cases = corpus();
    let mut leaks = Vec::new();
    for (prefix, needle) in CHROME {
        let Some(case) = cases.iter().find(|c| c.name.starts_with(prefix)) else {
            panic!("no page {prefix}");
        };
        let repaired = fraudstat::clean::ruby::repair(&case.text, &[]);
        assert!(
            repaired.contains(needle),
            "{prefix}: `{needle}` is not on the page"
        );
        let a = clean(&c, &case.text);
        if a.text.contains(needle) || a.title.as_deref().is_some_and(|t| t.contains(needle)) {
            leaks.push(format!("{prefix}: {needle}"));
        }
    }
    assert!(leaks.is_empty(), "chrome left in:\n{}", leaks.join("\n"));
}

#[test]
fn body_is_normalised() {
    let c = cleaner();
    for case in corpus() {
        let a = clean(&c, &case.text);
        assert!(!a.text.contains("  "), "{}: double space", case.name);
        assert!(
            !a.text.chars().any(|ch| ch.is_control() && ch != '\n'),
            "{}: control character",
            case.name
        );
        assert!(!a.text.contains("\n\n"), "{}: empty paragraph", case.name);
        assert!(!a.text.contains("(wǎng)"), "{}: ruby left", case.name);
    }
}

#[test]
fn script_follows_the_page() {
    let c = cleaner();
    for (prefix, want) in [
        ("000_", "hant"),
        ("001_", "hans"),
        ("002_", "hant"),
        ("dev-005", "hans"),
        ("dev-016", "hant"),
        ("dev-019", "hans"),
    ] {
        let cases = corpus();
        let Some(case) = cases.iter().find(|c| c.name.starts_with(prefix)) else {
            panic!("no page {prefix}");
        };
        let a = clean(&c, &case.text);
        let got = serde_json::to_value(a.script).unwrap_or(Value::Null);
        assert_eq!(got, want, "{prefix}");
    }
}

#[test]
fn odd_input_does_not_panic() {
    let c = cleaner();
    for s in [
        "",
        "\0\0\0",
        "(",
        "網(",
        "（wǎng）",
        "【",
        "〔中央社",
        "date ",
        "来源:",
        "2024年13月40日 99:99",
        "一\u{301}二",
        "Copyright ©",
        "- \n• \n>>>\n",
    ] {
        let _ = clean(&c, s);
    }
}

fn clean_html(c: &Cleaner, html: &str) -> Article {
    let page = Page {
        text: html.to_string(),
        charset: "utf-8".into(),
        charset_source: CharsetSource::Meta,
        kind: ContentKind::Html,
    };
    c.clean(&page, None)
}

const HTML_PAGE: &str = r#"<!doctype html><html><head>
<meta charset="utf-8">
<title>四川電信網絡詐騙去年發案下降22%_新闻中心_某某网</title>
<meta property="article:published_time" content="2024-01-09T10:32:00+08:00">
</head><body>
<nav><a href="/">首頁</a> &gt; <a href="/sc">四川</a></nav>
<div class="article">
<h1>四川電信網絡詐騙去年發案下降22%</h1>
<div class="info">2024年01月09日 10:32 來(lái)源:華西都市報 編輯:曹惠君</div>
<p>1月8日,記者從四川省公安廳獲悉,2023年,四川公安對電信網(wǎng)絡(luò)詐騙及其關聯犯罪發起凌厲攻勢,破獲案件8163起,抓獲犯罪嫌疑人1.8萬余人。</p>
<p>與此同時,對10個涉詐問題突出縣(市、區)進行約談和限期整改,錄入易受騙人員38.1萬(wàn)人,處罰涉“兩卡”違法人員8344人次。</p>
<p>押解1900余名電詐嫌疑人返川</p>
<p>2023年,四川公安組織開展“斷卡”“斷流”等專項行動,押解1900余名電詐犯罪嫌疑人返川,凍結涉詐資金47.55億元,勸返滯留境外人員超2萬人。</p>
</div>
<div class="related"><h3>相關新聞</h3><ul><li><a href="/1">云南打掉一為境外電詐集團洗錢團伙 涉案資金高達13億元</a></li></ul></div>
<footer>版權所有 © 某某网 京ICP備12345678號</footer>
</body></html>"#;

#[test]
fn html_page_is_cleaned_through_the_dom_extractor() {
    let c = cleaner();
    let a = clean_html(&c, HTML_PAGE);
    assert_eq!(a.title.as_deref(), Some("四川電信網絡詐騙去年發案下降22%"));
    assert_eq!(a.published.as_deref(), Some("2024-01-09T10:32:00+08:00"));
    assert_eq!(a.source.as_deref(), Some("華西都市報"));
    assert_eq!(a.author.as_deref(), Some("曹惠君"));
    let s = serde_json::to_value(a.script).unwrap_or(Value::Null);
    assert_eq!(s, "hant");
    for q in [
        "破獲案件8163起",
        "錄入易受騙人員38.1萬人",
        "押解1900余名電詐嫌疑人返川",
        "縣(市、區)",
    ] {
        assert!(a.text.contains(q), "lost {q}:\n{}", a.text);
    }
    for chrome in ["首頁", "相關新聞", "13億元", "ICP", "來源", "(wǎng)"] {
        assert!(!a.text.contains(chrome), "kept {chrome}:\n{}", a.text);
    }
}

#[test]
fn large_and_hostile_pages_are_handled() {
    let c = cleaner();
    let menu = "首页 新闻 体育 财经 娱乐\n".repeat(20_000);
    let shorts = "这是一个很短的标题行\n".repeat(20_000);
    let prose = "据统计,今年以来全省共破获电信网络诈骗案件3028起,同比上升12%。\n".repeat(5_000);
    let brackets = "網(".repeat(50_000);
    let garbage = "X6 e2 7 v( ".repeat(20_000);
    let one_line = format!(
        "电信诈骗案件统计\n{}",
        "今年以来，全市共破获电信诈骗案件，抓获嫌疑人，".repeat(12_000)
    );
    for page in [menu, shorts, prose.clone(), brackets, garbage, one_line] {
        let a = clean(&c, &page);
        let _ = a.title;
    }
    let a = clean(&c, &prose);
    assert!(a.text.contains("3028起"));
    let html = format!(
        "<html><body><p>{}</p></body></html>",
        prose.replace('\n', "</p><p>")
    );
    let a = clean_html(&c, &html);
    assert!(a.text.contains("3028起"));
}

#[test]
fn pages_of_short_lines_keep_their_text() {
    let c = cleaner();
    let cases = corpus();
    let Some(case) = cases.iter().find(|c| c.name.starts_with("dev-037")) else {
        panic!("no dev-037");
    };
    let a = clean(&c, &case.text);
    for line in [
        "四级联动预警劝阻机制",
        "分为高、中、低三个等级",
        "请全力配合!",
    ] {
        assert!(a.text.contains(line), "lost {line}:\n{}", a.text);
    }
    for chrome in ["打印本页", "相关阅读", "来源:"] {
        assert!(!a.text.contains(chrome), "kept {chrome}");
    }
}

/// A county police release as a saved text copy of a government site.
const GOV_PAGE: &str = "首页 > 新闻中心 > 公安要闻
【字体：大 中 小】 【打印本页】 【关闭窗口】
某县公安局通报2023年打击治理电信网络诈骗工作情况
发布时间：2024-01-12 09:30 信息来源：某县公安局 浏览次数：1024
　　1月11日，某县公安局召开新闻发布会，通报2023年全县打击治理电信网络诈骗犯罪工作情况。2023年，全县共破获电信网络诈骗案件326起，抓获犯罪嫌疑人412名，同比分别上升18.5%和22.1%。
　　紧急止付涉案资金
　　全年紧急止付涉案资金1860万元，冻结涉诈银行账户2300余个，为群众挽回经济损失920万元。
　　警方提醒：切勿下载不明APP，凡是要求转账到“安全账户”的都是诈骗。
（编辑：王小明）
相关链接
· 某市公安局召开冬季治安打击整治行动部署会
· 全市公安机关开展反诈宣传进校园活动
主办单位：某县人民政府办公室 联系电话：0000-1234567
网站标识码：0000000001 备案号：某ICP备12345678号";

#[test]
fn government_text_page() {
    let c = cleaner();
    let a = clean(&c, GOV_PAGE);
    assert_eq!(
        a.title.as_deref(),
        Some("某县公安局通报2023年打击治理电信网络诈骗工作情况")
    );
    assert_eq!(a.published.as_deref(), Some("2024-01-12T09:30:00+08:00"));
    assert_eq!(a.source.as_deref(), Some("某县公安局"));
    assert_eq!(a.author.as_deref(), Some("王小明"));
    for q in [
        "破获电信网络诈骗案件326起",
        "紧急止付涉案资金",
        "冻结涉诈银行账户2300余个",
        "切勿下载不明APP",
    ] {
        assert!(a.text.contains(q), "lost {q}:\n{}", a.text);
    }
    for chrome in [
        "首页",
        "字体",
        "浏览次数",
        "相关链接",
        "冬季治安",
        "主办单位",
        "ICP",
        "编辑",
    ] {
        assert!(!a.text.contains(chrome), "kept {chrome}:\n{}", a.text);
    }
    assert!(!a.text.contains('\u{3000}'), "full-width indent kept");
}

/// A Taiwan news page copy: byline with outlet, ROC date line, app banners.
const TW_PAGE: &str = "即時新聞
不用抽 不用搶 現在用APP看新聞 保證天天中獎　點我下載APP　按我看活動辦法
警方破獲詐騙集團 查扣不法所得逾3千萬元
中央社記者王大明台北5日電
發布日期：114年3月5日 14:20
刑事警察局今天表示，警方近日破獲一個以假投資為名的詐騙集團，共查獲嫌犯25人，查扣不法所得新台幣3125萬元。
刑事局指出，該集團利用社群媒體招攬民眾投資，已知被害人超過120人，財損總額約1億2千萬元。
更多中央社報導
看更多相關新聞";

#[test]
fn taiwan_text_page() {
    let c = cleaner();
    let a = clean(&c, TW_PAGE);
    assert_eq!(
        a.title.as_deref(),
        Some("警方破獲詐騙集團 查扣不法所得逾3千萬元")
    );
    assert_eq!(a.published.as_deref(), Some("2025-03-05T14:20:00+08:00"));
    assert_eq!(a.source.as_deref(), Some("中央社"));
    assert!(a.text.contains("查扣不法所得新台幣3125萬元"), "{}", a.text);
    assert!(a.text.contains("財損總額約1億2千萬元"), "{}", a.text);
    for chrome in ["點我下載", "看更多", "更多中央社報導", "即時新聞"] {
        assert!(!a.text.contains(chrome), "kept {chrome}:\n{}", a.text);
    }
    let s = serde_json::to_value(a.script).unwrap_or(Value::Null);
    assert_eq!(s, "hant");
}

#[test]
fn line_endings_and_indentation_do_not_matter() {
    let c = cleaner();
    for case in corpus() {
        let base = clean(&c, &case.text);
        let crlf = case.text.replace('\n', "\r\n");
        let spaced = case
            .text
            .lines()
            .map(|l| format!("\u{3000}\u{3000}{l}\t"))
            .collect::<Vec<_>>()
            .join("\n\n");
        for (how, variant) in [("crlf", crlf), ("indented", spaced)] {
            let a = clean(&c, &variant);
            assert_eq!(a.title, base.title, "{} {how}", case.name);
            assert_eq!(a.published, base.published, "{} {how}", case.name);
            assert_eq!(a.source, base.source, "{} {how}", case.name);
            assert_eq!(a.text, base.text, "{} {how}", case.name);
        }
    }
}

#[test]
fn paragraphs_run_together_are_split_at_full_width_indents() {
    let c = cleaner();
    let page = "某市破获电信诈骗案件 抓获嫌疑人56名\n\u{3000}\u{3000}记者从某市公安局获悉，今年以来全市共破获电信网络诈骗案件128起，抓获犯罪嫌疑人56名。\u{3000}\u{3000}警方提醒，凡是要求转账到“安全账户”的都是诈骗，请广大市民提高警惕。\u{3000}\u{3000}责任编辑：张三";
    let a = clean(&c, page);
    assert_eq!(
        a.title.as_deref(),
        Some("某市破获电信诈骗案件 抓获嫌疑人56名")
    );
    assert_eq!(a.text.lines().count(), 2, "{}", a.text);
    assert_eq!(a.author.as_deref(), Some("张三"));
}

#[test]
fn rules_load_from_explicit_files_and_bad_files_are_errors() {
    let root = root();
    let c = Cleaner::from_files(
        &root.join("config/clean.toml"),
        &root.join("config/html.toml"),
    );
    assert!(c.is_ok());
    assert!(Cleaner::from_file(&root.join("config/nope.toml")).is_err());
    let bad = Cleaner::from_toml_str(
        "[text]\nmin_prose_cjk = \"x\"",
        &root.join("config/clean.toml"),
    );
    assert!(bad.is_err());
    let text = read(&root.join("config/clean.toml"));
    let bad_re = text.replace("'-->',", "'(unclosed',");
    let err = Cleaner::from_toml_str(&bad_re, &root.join("config/clean.toml"));
    assert!(err.is_err_and(|e| e.to_string().contains("line_patterns")));
}

#[test]
fn short_body_sentences_with_chrome_words_stay() {
    let c = cleaner();
    let page = "警方破获一起冒充客服诈骗案
某市公安局近日通报，今年以来全市共破获冒充客服类电信网络诈骗案件86起，抓获犯罪嫌疑人45名。
骗子通过微信联系受害人，诱导其转账5万元。
受害人分享屏幕后，银行卡信息均由受害人主动提供。
民警提醒，不要点击陌生链接，不要下载不明APP，发现被骗立即报警。
分享到：微信 微博 QQ空间
责任编辑：李四";
    let a = clean(&c, page);
    for q in [
        "通过微信联系受害人，诱导其转账5万元",
        "均由受害人主动提供",
        "不要下载不明APP",
    ] {
        assert!(a.text.contains(q), "lost {q}:\n{}", a.text);
    }
    assert!(!a.text.contains("QQ空间"), "{}", a.text);
    assert!(!a.text.contains("责任编辑"), "{}", a.text);
}

#[test]
fn sentences_that_mention_footer_words_do_not_end_the_article() {
    let c = cleaner();
    let page = "网上发表评论引出诈骗案
某区公安分局近日破获一起网络诈骗案，受害人损失金额达12万元，警方抓获犯罪嫌疑人3名。
他在网上发表评论。
• 全年破获电信网络诈骗案件326起；
• 抓获犯罪嫌疑人412名；
警方提醒，凡是要求转账到安全账户的都是诈骗，请广大市民提高警惕，谨防上当。
相关新闻
• 某市召开反诈工作会议";
    let a = clean(&c, page);
    for q in [
        "他在网上发表评论。",
        "全年破获电信网络诈骗案件326起",
        "抓获犯罪嫌疑人412名",
        "谨防上当",
    ] {
        assert!(a.text.contains(q), "lost {q}:\n{}", a.text);
    }
    assert!(!a.text.contains("反诈工作会议"), "{}", a.text);
}

#[test]
fn interview_questions_are_text() {
    let c = cleaner();
    let page = "专家谈电信网络诈骗防范
记者：当前电信网络诈骗犯罪呈现哪些新特点？
某公安局负责人：今年以来，全市共接报电信网络诈骗警情1200余起，同比下降15.3%，犯罪手法不断翻新。
记者：群众应该如何防范？
某公安局负责人：不轻信、不透露、不转账，遇到可疑情况及时拨打96110咨询。";
    let a = clean(&c, page);
    assert!(
        a.text
            .contains("记者：当前电信网络诈骗犯罪呈现哪些新特点？"),
        "{}",
        a.text
    );
    assert!(a.text.contains("记者：群众应该如何防范？"), "{}", a.text);
    assert!(a.text.contains("1200余起"), "{}", a.text);
}

#[test]
fn short_sentences_at_the_edges_of_the_article_stay() {
    let c = cleaner();
    let page = "某县破获一起电信诈骗案
发布时间：2024-03-01
本报讯 近日，警方破获一起案件。
某县公安局经过缜密侦查，成功打掉一个为境外诈骗集团洗钱的犯罪团伙，涉案资金高达3200万元。
此案共抓获犯罪嫌疑人12名。
目前，案件正在进一步侦办中。
（完）
相关新闻";
    let a = clean(&c, page);
    assert_eq!(a.title.as_deref(), Some("某县破获一起电信诈骗案"));
    for q in [
        "本报讯 近日，警方破获一起案件。",
        "此案共抓获犯罪嫌疑人12名。",
        "目前，案件正在进一步侦办中。",
    ] {
        assert!(a.text.contains(q), "lost {q}:\n{}", a.text);
    }
}

#[test]
fn fraud_scheme_subheadings_are_not_chrome() {
    let c = cleaner();
    let page = "警方揭秘四类高发诈骗
某市公安局今天发布提示，今年以来全市共发生电信网络诈骗案件480起，其中以下四类占比超过七成。
冒充微信好友诈骗
骗子盗用微信账号，冒充亲友借钱，今年以来此类案件共发生96起，涉案金额230万元。
虚假收藏品诈骗
骗子以高价回收收藏品为名，诱骗受害人缴纳鉴定费，共发生45起。
诱导下载APP刷单
骗子诱导受害人下载APP刷单返利，此类案件占比达31.5%。
扫描二维码领补贴
骗子发送虚假二维码，诱导受害人填写银行卡信息，共发生38起。
分享到：微信 微博 QQ空间";
    let a = clean(&c, page);
    for q in [
        "冒充微信好友诈骗",
        "虚假收藏品诈骗",
        "诱导下载APP刷单",
        "扫描二维码领补贴",
    ] {
        assert!(a.text.contains(q), "lost {q}:\n{}", a.text);
    }
    assert!(!a.text.contains("QQ空间"), "{}", a.text);
}

#[test]
fn html_ruby_markup_leaves_no_pinyin() {
    let c = cleaner();
    let html = "<html><head><title>四川電信網絡詐騙去年發案下降22%</title></head><body><article>\
        <h1>四川電信網絡詐騙去年發案下降22%</h1>\
        <p>2023年，四川公安對電信網<ruby>絡<rp>(</rp><rt>luò</rt><rp>)</rp></ruby>詐騙及其關聯犯罪發起凌厲攻勢，破獲案件8163起，抓獲犯罪嫌疑人1.8萬余人，同比分別上升10.2%和12.5%。</p>\
        <p>錄入易受騙人員38.1萬<ruby>人<rt>rén</rt></ruby>，加強96110反詐勸阻專線和AI預警系統建設，累計勸阻群眾超過120萬人次。</p>\
        </article></body></html>";
    let a = clean_html(&c, html);
    assert!(a.text.contains("電信網絡詐騙"), "{}", a.text);
    assert!(a.text.contains("38.1萬人"), "{}", a.text);
    assert!(
        !a.text.contains("luò") && !a.text.contains("rén"),
        "{}",
        a.text
    );
}

#[test]
fn html_without_usable_blocks_falls_back_to_the_text_reading() {
    let c = cleaner();
    let html = "<html><body>首页 &gt; 新闻<br>某县破获电信诈骗案件 抓获嫌疑人56名<br>发布时间：2024-03-01 来源：某县公安局<br>\
        近日，某县公安局成功破获一起电信网络诈骗案件，抓获犯罪嫌疑人56名，涉案金额达1200万元。<br>\
        警方提醒，凡是要求转账到安全账户的都是诈骗，请广大市民提高警惕，谨防上当受骗。<br>\
        相关新闻<br>某市召开反诈工作会议</body></html>";
    let a = clean_html(&c, html);
    assert!(a.text.contains("涉案金额达1200万元"), "{}", a.text);
    assert!(!a.text.contains("反诈工作会议"), "{}", a.text);
    assert_eq!(a.source.as_deref(), Some("某县公安局"));
    assert_eq!(a.published.as_deref(), Some("2024-03-01"));
}

mod arbitrary_input {
    use super::*;
    use proptest::prelude::*;

    fn pieces() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("来源：".to_string()),
                Just("發布時間:2024-01-09 10:32".to_string()),
                Just("date ".to_string()),
                Just("網(wǎng)".to_string()),
                Just("【".to_string()),
                Just("〔中央社〕".to_string()),
                Just("1月5日电".to_string()),
                Just("相关新闻".to_string()),
                Just("• ".to_string()),
                Just("_".to_string()),
                Just("|".to_string()),
                Just("\n".to_string()),
                Just("。".to_string()),
                Just("，".to_string()),
                Just("X6 e2 7 v( ".to_string()),
                Just("114年3月5日".to_string()),
                Just("二〇二四年一月九日".to_string()),
                "[\\u{4e00}-\\u{4e80}]{1,30}",
                "[0-9]{1,6}",
                "\\PC{0,12}",
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_and_output_is_clean(text in pieces()) {
            let c = cleaner();
            let a = clean(&c, &text);
            prop_assert!(!a.text.chars().any(|ch| ch.is_control() && ch != '\n'));
            prop_assert!(!a.text.contains("\n\n"));
            if let Some(p) = a.published {
                let ok = chrono::DateTime::parse_from_rfc3339(&p).is_ok()
                    || chrono::NaiveDate::parse_from_str(&p, "%Y-%m-%d").is_ok();
                prop_assert!(ok, "bad published {}", p);
            }
            let html = format!("<html><body><p>{}</p></body></html>", text.replace('\n', "</p><p>"));
            let _ = clean_html(&c, &html);
        }
    }
}

#[test]
fn reporter_subheadings_are_text_and_bylines_are_not() {
    let c = cleaner();
    let page = "揭秘刷单诈骗链条
某市公安局日前通报，今年以来全市共破获刷单返利类诈骗案件215起，涉案金额1800余万元。
记者调查
记者走访发现，多数受害人是在社交平台上被拉入刷单群，先尝甜头后被骗走大额资金。
目前，警方已对相关平台账号进行处置，并提醒市民切勿相信刷单返利。
记者 王小明 通讯员 李四";
    let a = clean(&c, page);
    assert!(a.text.contains("记者调查"), "{}", a.text);
    assert!(!a.text.contains("王小明"), "{}", a.text);
    assert_eq!(a.author.as_deref(), Some("王小明"));
}

#[test]
fn short_sentences_opening_with_a_date_are_text() {
    let c = cleaner();
    let page = "某县警方破获网络诈骗案
发布时间：2024-02-01 10:00
某县公安局近日通报一起网络诈骗案件，犯罪嫌疑人以投资理财为名骗取多名群众资金共计86万元。
2024年1月9日，警方接到报警。
2024年1月15日，嫌疑人在外省落网。
目前，案件正在进一步侦办中，警方提醒市民谨防投资理财类诈骗，切勿轻信高额回报。";
    let a = clean(&c, page);
    assert!(
        a.text.contains("2024年1月9日，警方接到报警。"),
        "{}",
        a.text
    );
    assert!(
        a.text.contains("2024年1月15日，嫌疑人在外省落网。"),
        "{}",
        a.text
    );
    assert_eq!(a.published.as_deref(), Some("2024-02-01T10:00:00+08:00"));
}

#[test]
fn the_articles_own_metadata_beats_a_sidebar_above_it() {
    let c = cleaner();
    let page = "来源：某某晚报
发布时间：2023-05-01
首页 新闻 财经 体育
社会 国际 军事 科技
登录/注册 客户端下载 看更多
某市警方捣毁电信诈骗窝点 抓获嫌疑人38名
发布时间：2024-03-12 16:20 来源：某市公安局
某市公安局今天通报，警方经过两个月的侦查，成功捣毁一个电信网络诈骗窝点，抓获犯罪嫌疑人38名，涉案金额逾2000万元。
警方提醒，凡是自称公检法要求转账的都是诈骗，请市民提高警惕，发现可疑情况及时拨打110报警。";
    let a = clean(&c, page);
    assert_eq!(
        a.title.as_deref(),
        Some("某市警方捣毁电信诈骗窝点 抓获嫌疑人38名")
    );
    assert_eq!(a.published.as_deref(), Some("2024-03-12T16:20:00+08:00"));
    assert_eq!(a.source.as_deref(), Some("某市公安局"));
}

#[test]
fn a_headline_with_commas_above_the_date_line_is_the_headline() {
    let c = cleaner();
    let page = "公安部：今年以来，全国共破获电信网络诈骗案件39.1万起
发布时间：2024-11-20 来源：新华社
新华社北京11月20日电 记者从公安部获悉，今年以来，全国公安机关共破获电信网络诈骗案件39.1万起，抓获犯罪嫌疑人59.4万名。
公安部有关负责人表示，将持续深化打击治理，切实守护人民群众财产安全。";
    let a = clean(&c, page);
    assert_eq!(
        a.title.as_deref(),
        Some("公安部：今年以来，全国共破获电信网络诈骗案件39.1万起")
    );
    assert!(a.text.starts_with("新华社北京11月20日电"), "{}", a.text);
    assert_eq!(a.source.as_deref(), Some("新华社"));
}

/// A bulletin with section headings: the line right above the text is its
/// first heading, and the headline is the line before.
#[test]
fn a_bulletin_with_section_headings_keeps_its_headline() {
    let page = "首页>政务公开>数据发布\n\
                2021年2月上半月全区电信网络诈骗警情通报\n\
                \n\
                全区电信网络诈骗立案情况\n\
                2021年2月1日至15日，全区公安机关共立电信网络诈骗案件39起，同比上升62.5%，环比下降37.1%，其中拉萨市立案13起。\n\
                各地市县发案情况\n\
                拉萨13起，其中城关区9起，当雄县1起，林周县1起，尼木县1起，曲水县1起，其余县区无发案。\n";
    let a = cleaner().clean_text(page);
    assert_eq!(
        a.title.as_deref(),
        Some("2021年2月上半月全区电信网络诈骗警情通报")
    );
}

/// A page whose only credit is the site a breadcrumb trail starts from
/// (`某某新闻网>>专题>>…`): that site is the source, which is what places
/// a release speaking of `全省` in its province. A trail starting from
/// `首页` credits nobody.
#[test]
fn a_breadcrumb_names_the_site_where_nothing_else_credits_one() {
    let c = cleaner();
    let page = "省高院召开打击治理电信网络诈骗犯罪新闻发布会\n\n\
                湖北新闻网>>融媒·专题>>2022>>平安建设\n\n\
                本报讯 7月8日，省高院召开新闻发布会，通报全省法院开展打击治理电信网络诈骗犯罪工作情况。\n\
                2021年以来，全省法院依法审结电信网络诈骗犯罪案件3589件，5244名被告人被判处刑罚。\n";
    let a = clean(&c, page);
    assert_eq!(a.source.as_deref(), Some("湖北新闻网"));
    let home = page.replace("湖北新闻网>>", "首页>>");
    assert_eq!(clean(&c, &home).source, None);
}

/// A byline opened by the outlet's news-flash mark (`臨汾新聞網訊(記者
/// 范韶華)`) credits the outlet by its name, without the mark or bracket.
#[test]
fn a_news_flash_byline_credits_the_outlet_by_name() {
    let c = cleaner();
    let page = "全市打擊治理工作會議要求\n深化綜合治理 密切協作配合\n臨汾新聞網訊(記者 范韶華)\n\
                1月14日下午,我市隨即召開電視電話會議,全市共破獲案件12944起。\n";
    let a = clean(&c, page);
    assert_eq!(a.source.as_deref(), Some("臨汾新聞網"));
    assert_eq!(a.author.as_deref(), Some("范韶華"));
}

/// Batch D3, written afresh: a date bar that opens with the site's host
/// glued to the date (`www.example.com2023-06-28 16:02:30來源: 廣州日報`)
/// gives the page its date and source.
#[test]
fn a_date_bar_opening_with_the_host_dates_the_page() {
    let c = cleaner();
    let a = clean(
        &c,
        "新聞動態 都市備忘\n\n警方建立反詐上門見面勸阻機制\n\nwww.example.com2023-06-28 16:02:30來源: 廣州日報\n\n在反詐中心，工作人員24小時守護群眾“錢袋子”。今年以來，全市共勸阻群眾1.2萬人次，同比上升126%。\n",
    );
    assert_eq!(a.published.as_deref().map(|d| &d[..10]), Some("2023-06-28"));
    assert_eq!(a.source.as_deref(), Some("廣州日報"));
}

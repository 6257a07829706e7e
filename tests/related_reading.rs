//! Related-reading blocks (`延伸阅读`, `相关新闻`, `相關新聞` …) inside an
//! article: their headline links are dropped, the article text after them
//! is kept; at the end of the page they still start the footer. Checked on
//! text pages and on HTML pages.

use std::error::Error;
use std::path::PathBuf;

use fraudstat::clean::Cleaner;
use fraudstat::model::{Article, ContentKind};

fn cleaner() -> Result<Cleaner, Box<dyn Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Ok(Cleaner::from_file(&root.join("config/clean.toml"))?)
}

const HEAD: &str = "某市警方通报一季度打击电信网络诈骗成果";
const BEFORE: [&str; 2] = [
    "4月8日，某市公安局召开新闻发布会，通报一季度打击治理电信网络诈骗犯罪工作情况。一季度，全市共破获电信网络诈骗案件320起，抓获犯罪嫌疑人415名。",
    "据介绍，警方持续开展预警劝阻工作，累计劝阻潜在受害群众1.2万人次，避免群众损失8600万元。",
];
const LINKS: [&str; 3] = [
    "警方提醒：这些刷单返利骗局要当心",
    "反诈宣传走进校园",
    "冒充客服诈骗又出新花样",
];
const AFTER: [&str; 2] = [
    "同时，全市公安机关会同相关部门冻结涉案资金2300万元，为群众挽回经济损失1500万元。",
    "下一步，某市公安局将继续保持对电信网络诈骗犯罪的高压严打态势。",
];
const FOOTER_LINKS: [&str; 2] = ["某县警方破获一起跨境电诈案", "某区开展反诈宣传月活动"];

fn text_page(marker: &str, footer: &str) -> String {
    let mut lines = vec![
        "首页 > 新闻中心 > 警方动态".to_string(),
        HEAD.to_string(),
        "发布时间：2024-04-08 10:00 来源：某市公安局".to_string(),
    ];
    lines.extend(BEFORE.iter().map(|s| s.to_string()));
    lines.push(marker.to_string());
    lines.extend(LINKS.iter().map(|s| s.to_string()));
    lines.extend(AFTER.iter().map(|s| s.to_string()));
    lines.push(footer.to_string());
    lines.extend(FOOTER_LINKS.iter().map(|s| s.to_string()));
    lines.push("版权所有 某市公安局".to_string());
    lines.join("\n")
}

fn html_page(marker: &str, footer: &str) -> String {
    let li = |items: &[&str]| -> String {
        items
            .iter()
            .enumerate()
            .map(|(i, t)| format!("<li><a href=\"/n/{i}.html\">{t}</a></li>"))
            .collect()
    };
    let p = |items: &[&str]| -> String { items.iter().map(|t| format!("<p>{t}</p>")).collect() };
    format!(
        "<html><head><title>{HEAD}</title></head><body><div class=\"nav\">首页 &gt; 新闻中心</div>\
         <div class=\"article\"><h1>{HEAD}</h1><div class=\"info\">发布时间：2024-04-08 10:00</div>\
         {}<h3>{marker}</h3><ul>{}</ul>{}<h3>{footer}</h3><ul>{}</ul></div>\
         <div class=\"footer\">版权所有 某市公安局</div></body></html>",
        p(&BEFORE),
        li(&LINKS),
        p(&AFTER),
        li(&FOOTER_LINKS)
    )
}

fn clean(c: &Cleaner, kind: ContentKind, text: String) -> Article {
    match kind {
        ContentKind::Text => c.clean_text(&text),
        ContentKind::Html => c.clean_html(&text),
    }
}

fn check(article: &Article, what: &str) {
    let body = &article.text;
    for s in BEFORE.iter().chain(AFTER.iter()) {
        assert!(body.contains(s), "{what}: body lost {s:?}:\n{body}");
    }
    for s in LINKS.iter().chain(FOOTER_LINKS.iter()) {
        assert!(!body.contains(s), "{what}: body kept link {s:?}:\n{body}");
    }
    assert!(!body.contains("版权所有"), "{what}: {body}");
}

#[test]
fn a_related_block_drops_its_links_but_not_the_text_after_it() -> Result<(), Box<dyn Error>> {
    let c = cleaner()?;
    for (marker, footer) in [
        ("延伸阅读", "相关新闻"),
        ("【相关阅读】", "推荐阅读"),
        ("相關新聞：", "相关新闻"),
        ("推荐阅读", "网友评论"),
    ] {
        let what = format!("{marker}/{footer}");
        check(
            &clean(&c, ContentKind::Text, text_page(marker, footer)),
            &format!("text {what}"),
        );
        check(
            &clean(&c, ContentKind::Html, html_page(marker, footer)),
            &format!("html {what}"),
        );
    }
    Ok(())
}

#[test]
fn a_long_list_after_the_marker_is_the_footer() -> Result<(), Box<dyn Error>> {
    let c = cleaner()?;
    // More links than a related block holds: what follows is another
    // article's lead, not this one's text.
    let many: Vec<String> = (1..=15).map(|i| format!("第{i}条相关新闻标题")).collect();
    let mut lines = vec![HEAD.to_string()];
    lines.extend(BEFORE.iter().map(|s| s.to_string()));
    lines.push("相关新闻".to_string());
    lines.extend(many);
    lines.extend(AFTER.iter().map(|s| s.to_string()));
    let a = clean(&c, ContentKind::Text, lines.join("\n"));
    assert!(a.text.contains(BEFORE[0]), "{}", a.text);
    assert!(!a.text.contains(AFTER[0]), "{}", a.text);
    assert!(!a.text.contains("相关新闻标题"), "{}", a.text);
    Ok(())
}

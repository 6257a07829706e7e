//! The publication date of HTML pages, class by class, on pages written
//! for the test: the bar next to the headline against related-news lists
//! and footers, a mirror's stamp against the text's dateline, year-less
//! bars completed from the URL, ROC dates on Taiwan pages, comment-wrapped
//! bars.

use std::error::Error;
use std::path::PathBuf;

use fraudstat::budget::{Budget, PipelineLimits};
use fraudstat::clean::Cleaner;
use fraudstat::hints::Hints;
use fraudstat::model::{ContentKind, Page};

fn cleaner() -> Result<Cleaner, Box<dyn Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Ok(Cleaner::from_file(&root.join("config/clean.toml"))?)
}

const TITLE: &str = "某市警方破获一起特大电信网络诈骗案";
const TEXT: &str = "记者从某市公安局获悉，警方近日破获一起特大电信网络诈骗案，抓获犯罪嫌疑人26名，冻结涉案资金300余万元。\
    据介绍，该团伙以刷单返利为名实施诈骗，涉及全国多个省份的受害群众。";

/// A page with `bar` under the headline, `lead` opening the text, and a
/// related list whose entries carry dates of their own.
fn page(bar: &str, lead: &str) -> String {
    format!(
        "<html><head><title>{TITLE}_某某网</title></head><body>\
         <div class=\"top\">今天是2025年3月1日 星期六</div>\
         <div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/n\">新闻</a></div>\
         <div class=\"article\"><h1>{TITLE}</h1><div class=\"info\">{bar}</div>\
         <p>{lead}{TEXT}</p><p>{TEXT}</p></div>\
         <div class=\"side\"><h3>相关新闻</h3><ul>\
         <li><a href=\"/a/1.html\">另一起诈骗案告破</a> 2023-12-30</li>\
         <li><a href=\"/a/2.html\">反诈宣传进社区</a> 2023-12-28</li></ul></div>\
         <div class=\"footer\">Copyright 2005-2025 某某网 版权所有</div></body></html>"
    )
}

fn published(html: &str, url: Option<&str>) -> Result<Option<String>, Box<dyn Error>> {
    let page = Page {
        text: html.to_string(),
        charset: "utf-8".into(),
        charset_source: fraudstat::model::CharsetSource::Meta,
        kind: ContentKind::Html,
    };
    let (article, _) = cleaner()?.clean_within(
        &page,
        url,
        &Hints::default(),
        &PipelineLimits::default(),
        &Budget::unlimited(),
    );
    Ok(article.published)
}

fn day(p: Option<String>) -> Option<String> {
    p.map(|p| p.chars().take(10).collect())
}

#[test]
fn the_bar_wins_over_lists_top_bars_and_footers() -> Result<(), Box<dyn Error>> {
    for bar in [
        "2024-01-05 10:32 来源：某市公安局",
        "原创 某某日报 2024-01-05 10:32:11",
        "发表于2024-01-05 10:32|1164次阅读|",
        "| 发布时间: 2024-01-05 | 浏览次数: 208",
        "来源：<!--来源 begin-->某某日报<!--来源 end--> 时间：<!--时间 begin-->2024年1月5日<!--时间 end-->",
        "<div class=\"year\">2024</div><div class=\"md\">01/05</div><div>10:32</div>",
    ] {
        let got = day(published(&page(bar, ""), None)?);
        assert_eq!(got.as_deref(), Some("2024-01-05"), "{bar}");
    }
    Ok(())
}

#[test]
fn a_year_less_bar_takes_its_year_from_the_url() -> Result<(), Box<dyn Error>> {
    let html = page("发布时间：01-05 10:32", "");
    let url = "https://gaj.example.gov.cn/xwzx/202401/t20240105_1.html";
    assert_eq!(
        day(published(&html, Some(url))?).as_deref(),
        Some("2024-01-05")
    );
    // A URL with only a year and month still places the day.
    let url = "https://www.example.com/news/202401/123.shtml";
    assert_eq!(
        day(published(&html, Some(url))?).as_deref(),
        Some("2024-01-05")
    );
    // Without any year on offer the date stays unknown rather than guessed.
    assert_eq!(published(&html, None)?, None);
    Ok(())
}

#[test]
fn a_page_without_its_own_date_takes_the_url_date() -> Result<(), Box<dyn Error>> {
    let html = page("来源：某某日报", "");
    let url = "https://news.example.com/c/2024-01-05/doc-123.shtml";
    assert_eq!(published(&html, Some(url))?.as_deref(), Some("2024-01-05"));
    assert_eq!(published(&html, None)?, None);
    Ok(())
}

#[test]
fn a_mirror_stamp_loses_to_the_dateline_of_the_text() -> Result<(), Box<dyn Error>> {
    let html = page("2024-11-02 00:06:35", "中新社北京1月5日电 ");
    assert_eq!(published(&html, None)?.as_deref(), Some("2024-01-05"));
    // A paper printed the morning after its dateline keeps its own date.
    let html = page("2024-01-06 06:00", "中新社北京1月5日电 ");
    assert_eq!(day(published(&html, None)?).as_deref(), Some("2024-01-06"));
    Ok(())
}

#[test]
fn roc_dates_on_taiwan_pages() -> Result<(), Box<dyn Error>> {
    for bar in ["發布日期：113年1月5日", "民國113年1月5日 14:30"] {
        let got = day(published(&page(bar, ""), None)?);
        assert_eq!(got.as_deref(), Some("2024-01-05"), "{bar}");
    }
    Ok(())
}

/// Text pages (saved copies) go through the same readers after their own
/// labelled lines and datelines.
#[test]
fn text_pages_read_the_bar_and_the_url_too() -> Result<(), Box<dyn Error>> {
    let c = cleaner()?;
    let clean = |text: &str, url: Option<&str>| {
        let page = Page {
            text: text.to_string(),
            charset: "utf-8".into(),
            charset_source: fraudstat::model::CharsetSource::Meta,
            kind: ContentKind::Text,
        };
        c.clean_within(
            &page,
            url,
            &Hints::default(),
            &PipelineLimits::default(),
            &Budget::unlimited(),
        )
        .0
        .published
    };
    let bar = format!("首页 > 新闻\n{TITLE}\n原创 某某日报 2024-01-05 16:01\n{TEXT}\n{TEXT}");
    assert_eq!(
        clean(&bar, None).as_deref(),
        Some("2024-01-05T16:01:00+08:00")
    );
    let bare = format!("首页 > 新闻\n{TITLE}\n{TEXT}\n{TEXT}");
    assert_eq!(clean(&bare, None), None);
    let url = "https://www.example.gov.cn/jwdt/2024/0105/c12.html";
    assert_eq!(clean(&bare, Some(url)).as_deref(), Some("2024-01-05"));
    Ok(())
}

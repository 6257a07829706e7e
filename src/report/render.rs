//! The report page: one self-contained HTML document (styles, charts and
//! its one script inline; nothing fetched to view it).
//!
//! Everything that comes from the database is untrusted: titles and URLs
//! are whatever the crawled pages said. All of it goes through [`escape`],
//! links are made only of `http` and `https` URLs, and the page's Content
//! Security Policy allows no script but the report's own (by hash), so a
//! title that slipped through unescaped still could not run.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use chrono::NaiveDate;
use sha2::Digest as _;

use super::ReportError;
use super::chart::{self, Chart, Point, Series};
use super::load::{ArticleRef, Conflict, Fact, ReportData, Unreconciled};
use super::period::SpanClass;
use crate::model::{Direction, Kind, Per};

/// The region name of national figures.
pub const NATIONAL: &str = "全国";

/// Regions drawn in one chart at most; more regions continue in another
/// chart of the same metric and span, so that lines stay distinguishable.
pub const SERIES_PER_CHART: usize = 8;

/// Articles listed in one table cell at most; the rest are counted.
pub const ARTICLES_PER_CELL: usize = 8;

/// What bounds a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows shown in one table at most; the rest are counted, not listed.
    pub max_rows: usize,
}

/// Counts a report states, also returned to the caller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Charts drawn.
    pub charts: usize,
    /// Points drawn (facts with a closed period).
    pub points: usize,
    /// Facts read.
    pub facts: usize,
    /// Facts left out of the charts: no closed period.
    pub left_out: usize,
    /// Conflicts read.
    pub conflicts: usize,
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The URL if it may be a link: `http` or `https` only, so that a
/// `javascript:` or `data:` URL from a crawled page is shown as text.
pub fn safe_href(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

/// The taxonomy of `docs/statistics.md`, in its order (the report's
/// order of sections), with each metric's Chinese name.
const TAXONOMY: [(&str, &str); 22] = [
    ("cases_solved", "破获案件"),
    ("cases_reported", "发案 / 立案"),
    ("suspects_arrested", "抓获犯罪嫌疑人"),
    ("suspects_repatriated", "遣返 / 劝返"),
    ("fugitives_captured", "缉捕逃犯"),
    ("gangs_busted", "打掉团伙"),
    ("dens_destroyed", "捣毁窝点"),
    ("funds_stopped", "紧急止付资金"),
    ("funds_frozen", "冻结资金"),
    ("funds_returned", "返还 / 挽回资金"),
    ("losses_avoided", "避免经济损失"),
    ("warnings_issued", "下发预警"),
    ("people_protected", "劝阻 / 避免受骗"),
    ("calls_blocked", "拦截诈骗电话"),
    ("sms_blocked", "拦截诈骗短信"),
    ("sites_blocked", "封堵网址 / APP"),
    ("accounts_removed", "清理账号"),
    ("transactions_suspended", "暂停交易"),
    ("card_offenders_punished", "惩戒两卡人员"),
    ("operations_launched", "集群战役"),
    ("outbound_intercepted", "拦截出境人员"),
    ("other", "其他"),
];

/// Chinese name of a metric of the taxonomy; `""` for one it lacks.
pub fn metric_label(metric: &str) -> &'static str {
    TAXONOMY
        .iter()
        .find(|(id, _)| *id == metric)
        .map_or("", |(_, label)| label)
}

/// Where a metric comes in the report: the taxonomy's order, metrics it
/// lacks (a newer database) after it.
fn metric_rank(metric: &str) -> usize {
    TAXONOMY
        .iter()
        .position(|(id, _)| *id == metric)
        .unwrap_or(TAXONOMY.len())
}

/// What makes figures comparable: the same metric counted in the same
/// unit, kind, currency and direction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct MetricKey {
    metric: String,
    // Ordered as `Kind` declares: the figures before their rises and falls.
    kind: Kind,
    unit: String,
    currency: Option<String>,
    direction: Option<Direction>,
    per: Option<Per>,
}

impl MetricKey {
    fn of(f: &Fact) -> MetricKey {
        let k = &f.key;
        MetricKey {
            metric: k.metric.clone(),
            kind: k.kind,
            unit: k.unit.clone(),
            currency: k.currency.clone(),
            direction: k.direction,
            per: k.per,
        }
    }

    /// The value axis' description: `起`, `元 (CNY)`, `% ↓`, `起/日`.
    fn unit_label(&self) -> String {
        let mut s = if self.unit.is_empty() {
            self.kind.as_str().to_string()
        } else {
            self.unit.clone()
        };
        match self.per {
            Some(Per::Day) => s.push_str("/日"),
            Some(Per::Month) => s.push_str("/月"),
            None => {}
        }
        if let Some(c) = &self.currency {
            let _ = write!(s, " ({c})");
        }
        match self.direction {
            Some(Direction::Up) => s.push_str(" ↑"),
            Some(Direction::Down) => s.push_str(" ↓"),
            None => {}
        }
        s
    }

    fn heading(&self) -> String {
        let label = metric_label(&self.metric);
        let mut s = if label.is_empty() {
            self.metric.clone()
        } else {
            format!("{label} · {}", self.metric)
        };
        let _ = write!(s, " [{}, {}]", self.kind, self.unit_label());
        s
    }

    fn anchor(&self, index: usize) -> String {
        // Ids stay ASCII and unique whatever the database holds.
        let safe: String = self
            .metric
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("m{index}-{safe}")
    }
}

/// Where a fact goes in the report.
enum Placement {
    Charted(SpanClass, NaiveDate, NaiveDate),
    LeftOut(&'static str),
}

fn place(f: &Fact) -> Placement {
    match (f.key.period_from, f.key.period_to) {
        (Some(from), Some(to)) => match SpanClass::of(from, to) {
            Some(class) => Placement::Charted(class, from, to),
            None => Placement::LeftOut("period ends before it starts"),
        },
        (Some(_), None) => Placement::LeftOut("open-ended period (no end date)"),
        (None, Some(_)) => Placement::LeftOut("no start date"),
        (None, None)
            if f.period_text
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty()) =>
        {
            Placement::LeftOut("period not resolved to dates")
        }
        (None, None) => Placement::LeftOut("no period stated"),
    }
}

/// The charts of one metric key: per span class, the national series
/// first, then regions by number of points, at most [`SERIES_PER_CHART`]
/// to a chart.
fn charts_of(facts: &[&Fact], unit_label: &str) -> Vec<Chart> {
    let mut by_class: BTreeMap<SpanClass, BTreeMap<String, Vec<Point>>> = BTreeMap::new();
    for f in facts {
        if let Placement::Charted(class, from, to) = place(f) {
            let region = f
                .key
                .region
                .clone()
                .unwrap_or_else(|| "(地区未注明 no region)".to_string());
            by_class
                .entry(class)
                .or_default()
                .entry(region)
                .or_default()
                .push(Point {
                    from,
                    to,
                    value: f.value,
                    fact_id: f.fact_id.clone(),
                });
        }
    }
    let mut charts = Vec::new();
    for (class, regions) in by_class {
        let mut series: Vec<Series> = regions
            .into_iter()
            .map(|(name, points)| Series { name, points })
            .collect();
        series.sort_by(|a, b| {
            (b.name == NATIONAL)
                .cmp(&(a.name == NATIONAL))
                .then(b.points.len().cmp(&a.points.len()))
                .then(a.name.cmp(&b.name))
        });
        for chunk in series.chunks(SERIES_PER_CHART) {
            charts.push(Chart {
                class,
                unit_label: unit_label.to_string(),
                series: chunk.to_vec(),
            });
        }
    }
    charts
}

/// The report's script: checks, in the reader's browser, that every chart
/// drew each of its points inside its frame, shows the count at the foot
/// of the page and logs a console error otherwise. The browser test reads
/// what it wrote.
const CHECK_SCRIPT: &str = r#"(function () {
  var out = document.getElementById('render-check');
  var charts = document.querySelectorAll('svg.chart');
  var bad = [], drawn = 0;
  for (var i = 0; i < charts.length; i++) {
    var svg = charts[i], box = svg.getBoundingClientRect(), ok = 0;
    var want = parseInt(svg.getAttribute('data-points'), 10);
    var points = svg.querySelectorAll('circle.point');
    for (var j = 0; j < points.length; j++) {
      var r = points[j].getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && r.left >= box.left - 2 && r.right <= box.right + 2 &&
          r.top >= box.top - 2 && r.bottom <= box.bottom + 2) { ok++; }
    }
    drawn += ok;
    if (ok !== want) { bad.push(i); }
  }
  out.setAttribute('data-charts', String(charts.length));
  out.setAttribute('data-points-drawn', String(drawn));
  out.setAttribute('data-status', bad.length ? 'fail' : 'ok');
  out.textContent = charts.length + ' charts, ' + drawn + ' points drawn' +
    (bad.length ? '; charts missing points: ' + bad.join(', ') : '');
  if (bad.length) { console.error('fraudstat report: charts missing points: ' + bad.join(', ')); }
})();"#;

const STYLE: &str = r#"
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
       "Microsoft YaHei", "PingFang SC", sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 0 16px 40px; color: #222; line-height: 1.45; }
svg text { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
       "Microsoft YaHei", "PingFang SC", sans-serif; }
h1 { font-size: 1.6em; margin: 24px 0 4px; }
h2 { font-size: 1.3em; border-bottom: 2px solid #ddd; padding-bottom: 4px; margin-top: 40px; }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
.summary td, .summary th { padding: 2px 10px 2px 0; text-align: left; }
figure { margin: 12px 0 20px; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.95em; margin-bottom: 4px; }
.legend { list-style: none; padding: 0; margin: 4px 0; font-size: 0.9em; }
.legend li { display: inline-block; margin-right: 14px; }
.swatch { display: inline-block; width: 14px; height: 4px; vertical-align: middle; margin-right: 4px; }
table.data { border-collapse: collapse; width: 100%; font-size: 0.88em; margin: 8px 0; }
table.data th, table.data td { border: 1px solid #ddd; padding: 3px 6px; vertical-align: top; text-align: left; }
table.data th { background: #f4f4f4; }
td.num { text-align: right; white-space: nowrap; }
.cut { color: #a00; font-size: 0.9em; }
.muted { color: #777; }
nav ul { columns: 2; font-size: 0.92em; }
footer { margin-top: 40px; font-size: 0.85em; color: #555; }
"#;

/// Writes the whole page.
pub fn page(
    data: &ReportData,
    limits: Limits,
    generated_at: &str,
) -> Result<(String, Summary), ReportError> {
    let mut groups: BTreeMap<(usize, MetricKey), Vec<&Fact>> = BTreeMap::new();
    for f in &data.facts {
        groups
            .entry((metric_rank(&f.key.metric), MetricKey::of(f)))
            .or_default()
            .push(f);
    }
    let left_out: Vec<(&Fact, &'static str)> = data
        .facts
        .iter()
        .filter_map(|f| match place(f) {
            Placement::LeftOut(why) => Some((f, why)),
            Placement::Charted(..) => None,
        })
        .collect();
    let mut summary = Summary {
        facts: data.facts.len(),
        left_out: left_out.len(),
        conflicts: data.conflicts.len(),
        ..Summary::default()
    };

    let mut body = String::new();
    let mut nav = String::new();
    for (index, ((_, key), facts)) in groups.iter().enumerate() {
        let anchor = key.anchor(index);
        let charts = charts_of(facts, &key.unit_label());
        let charted: usize = charts.iter().map(Chart::point_count).sum();
        let _ = writeln!(
            nav,
            "<li><a href=\"#{anchor}\">{}</a> <span class=\"muted\">({} facts, {charted} charted)</span></li>",
            escape(&key.heading()),
            facts.len()
        );
        let _ = writeln!(
            body,
            "<section class=\"metric\" id=\"{anchor}\" data-metric=\"{}\">\n<h2>{}</h2>",
            escape(&key.metric),
            escape(&key.heading())
        );
        if charts.is_empty() {
            body.push_str("<p class=\"muted\">No fact of this metric has a closed period: nothing to chart (see the table and “Left out”).</p>\n");
        }
        let mut seen_class = None;
        for chart in &charts {
            if seen_class != Some(chart.class) {
                let _ = writeln!(body, "<h3>{}</h3>", escape(chart.class.label()));
                seen_class = Some(chart.class);
            }
            body.push_str(&figure(chart, &key.heading())?);
            summary.charts += 1;
            summary.points += chart.point_count();
        }
        let _ = writeln!(body, "<h3>Facts 事实 ({})</h3>", facts.len());
        fact_table(&mut body, facts, limits.max_rows);
        body.push_str("</section>\n");
    }
    let conflicts = conflicts_section(&data.conflicts, data.conflicts_total, limits.max_rows);
    let left = left_out_section(&left_out, data.unreconciled, limits.max_rows);

    let script_hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(CHECK_SCRIPT));
    let mut html = String::with_capacity(body.len() + 16_384);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         script-src 'sha256-{script_hash}'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>电信网络诈骗统计 · fraudstat report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>电信网络诈骗统计 · fraudstat report</h1>\n\
         <p class=\"muted\">Generated {generated} from the views <code>facts</code> and <code>conflicts</code>. \
         Figures as the police releases state them; each fact lists the articles it was read from.</p>\n",
        generated = escape(generated_at),
    );
    let cut_facts = data.facts_total - i64::try_from(data.facts.len()).unwrap_or(i64::MAX);
    let _ = write!(
        html,
        "<table class=\"summary\">\n\
         <tr><th>facts</th><td id=\"count-facts\">{}</td></tr>\n\
         <tr><th>charted (closed period)</th><td id=\"count-points\">{} points in {} charts</td></tr>\n\
         <tr><th>left out of the charts</th><td id=\"count-left-out\"><a href=\"#left-out\">{}</a></td></tr>\n\
         <tr><th>conflicts</th><td id=\"count-conflicts\"><a href=\"#conflicts\">{}</a></td></tr>\n\
         </table>\n",
        data.facts_total, summary.points, summary.charts, summary.left_out, data.conflicts_total
    );
    if cut_facts > 0 {
        let _ = writeln!(
            html,
            "<p class=\"cut\">Only the first {} of {} facts were read (--max-facts); {cut_facts} are in no chart or table.</p>",
            data.facts.len(),
            data.facts_total
        );
    }
    let _ = write!(
        html,
        "<nav><h2>Metrics 指标</h2>\n<ul>\n{nav}<li><a href=\"#conflicts\">Conflicts 冲突</a></li>\n\
         <li><a href=\"#left-out\">Left out 未纳入图表</a></li>\n</ul></nav>\n"
    );
    html.push_str(&body);
    html.push_str(&conflicts);
    html.push_str(&left);
    let _ = write!(
        html,
        "<footer>Charts: <output id=\"render-check\" data-status=\"not-run\">(the check needs JavaScript)</output>. \
         Periods: annual = a calendar year, quarterly = a calendar quarter, monthly = a calendar month; \
         other spans (year to date, half years, …) are charted apart. Each point is drawn at the last day of its period.</footer>\n\
         <script>{CHECK_SCRIPT}</script>\n</body>\n</html>\n"
    );
    Ok((html, summary))
}

fn figure(chart: &Chart, heading: &str) -> Result<String, ReportError> {
    let svg = chart::render_svg(chart)?;
    let mut out = String::new();
    let regions: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    let _ = write!(
        out,
        "<figure class=\"chart\" data-span=\"{span}\" data-points=\"{n}\">\n<figcaption>{h} — {class}: {r}</figcaption>\n",
        span = chart.class.id(),
        n = chart.point_count(),
        h = escape(heading),
        class = escape(chart.class.label()),
        r = escape(&regions.join("、")),
    );
    out.push_str(&svg);
    out.push_str("<ul class=\"legend\">");
    for (i, s) in chart.series.iter().enumerate() {
        let _ = write!(
            out,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{} ({})</li>",
            chart::css_colour(i),
            escape(&s.name),
            s.points.len()
        );
    }
    out.push_str("</ul>\n</figure>\n");
    Ok(out)
}

fn period_cell(text: Option<&str>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let dates = match (from, to) {
        (Some(f), Some(t)) => format!("{f} – {t}"),
        (Some(f), None) => format!("{f} – ?"),
        (None, Some(t)) => format!("? – {t}"),
        (None, None) => "?".to_string(),
    };
    match text {
        Some(t) if !t.is_empty() => {
            format!("{}<br><span class=\"muted\">{dates}</span>", escape(t))
        }
        _ => format!("<span class=\"muted\">{dates}</span>"),
    }
}

fn value_cell(value: f64, min: Option<f64>, max: Option<f64>) -> String {
    let mut s = escape(&chart::plain_number(value));
    if let (Some(lo), Some(hi)) = (min, max)
        && lo != hi
    {
        let _ = write!(
            s,
            "<br><span class=\"muted\">{}–{}</span>",
            escape(&chart::plain_number(lo)),
            escape(&chart::plain_number(hi))
        );
    }
    s
}

fn articles_cell(articles: &[ArticleRef]) -> String {
    let mut s = String::new();
    for a in articles.iter().take(ARTICLES_PER_CELL) {
        let title = a.title.as_deref().filter(|t| !t.trim().is_empty());
        let url = a.url.as_deref().filter(|u| !u.trim().is_empty());
        let published = a
            .published
            .as_deref()
            .map(|p| {
                format!(
                    " <span class=\"muted\">{}</span>",
                    escape(p.get(..10).unwrap_or(p))
                )
            })
            .unwrap_or_default();
        // The headline links to the page; without a headline the address
        // is the link text. An address that may not be a link (a file
        // path, a `javascript:` URL) is shown as text, once.
        let text = escape(title.or(url).unwrap_or("(untitled)"));
        let entry = match url.and_then(safe_href) {
            Some(href) => format!(
                "<a href=\"{}\" rel=\"noopener noreferrer\">{text}</a>",
                escape(&href)
            ),
            None => match (title, url) {
                (Some(_), Some(u)) => format!("{text} <span class=\"muted\">{}</span>", escape(u)),
                _ => text,
            },
        };
        let _ = write!(s, "<div class=\"source\">{entry}{published}</div>");
    }
    if articles.len() > ARTICLES_PER_CELL {
        let _ = write!(
            s,
            "<div class=\"cut\">and {} more articles</div>",
            articles.len() - ARTICLES_PER_CELL
        );
    }
    s
}

fn cut_note(out: &mut String, shown: usize, total: usize, what: &str) {
    if total > shown {
        let _ = writeln!(
            out,
            "<p class=\"cut\" data-cut=\"{}\">{} of {total} {what} shown; {} more not listed (raise --max-rows).</p>",
            total - shown,
            shown,
            total - shown
        );
    }
}

fn fact_table(out: &mut String, facts: &[&Fact], max_rows: usize) {
    out.push_str(
        "<table class=\"data facts\">\n<tr><th>region 地区</th><th>period 时期</th><th>value 数值</th>\
         <th>sources 来源数</th><th>articles 文章</th></tr>\n",
    );
    for f in facts.iter().take(max_rows) {
        let _ = writeln!(
            out,
            "<tr class=\"fact\" id=\"fact-{id}\"><td>{region}</td><td>{period}</td><td class=\"num\">{value}</td>\
             <td class=\"num\">{sources}</td><td>{articles}</td></tr>",
            id = escape(&f.fact_id),
            region = escape(f.key.region.as_deref().unwrap_or("—")),
            period = period_cell(f.period_text.as_deref(), f.key.period_from, f.key.period_to),
            value = value_cell(f.value, f.value_min, f.value_max),
            sources = f.sources,
            articles = articles_cell(&f.articles),
        );
    }
    out.push_str("</table>\n");
    cut_note(out, facts.len().min(max_rows), facts.len(), "facts");
}

fn conflicts_section(conflicts: &[Conflict], total: i64, max_rows: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section id=\"conflicts\">\n<h2>Conflicts 冲突 ({total})</h2>\n\
         <p>Sources that give different values for the same metric, region and period. Each value is listed with the articles that give it.</p>"
    );
    if conflicts.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>\n</section>\n");
        return out;
    }
    out.push_str(
        "<table class=\"data conflicts\">\n<tr><th>metric 指标</th><th>region 地区</th><th>period 时期</th>\
         <th>values 数值 (sources)</th></tr>\n",
    );
    for c in conflicts.iter().take(max_rows) {
        let label = metric_label(&c.key.metric);
        let mut values = String::new();
        for cand in &c.candidates {
            let _ = write!(
                values,
                "<div class=\"candidate\" data-value=\"{v}\"><b>{v}</b> {unit} <span class=\"muted\">(sources: {n})</span>{arts}</div>",
                v = escape(
                    &cand
                        .value
                        .map(chart::plain_number)
                        .unwrap_or_else(|| "?".into())
                ),
                unit = escape(&c.key.unit),
                n = cand.sources.unwrap_or(cand.articles.len() as i64),
                arts = articles_cell(&cand.articles),
            );
        }
        let _ = writeln!(
            out,
            "<tr class=\"conflict\"><td>{label} {metric}<br><span class=\"muted\">{kind}{currency}{direction}</span></td>\
             <td>{region}</td><td>{period}</td><td>{values}</td></tr>",
            label = escape(label),
            metric = escape(&c.key.metric),
            kind = c.key.kind,
            currency = c
                .key
                .currency
                .as_deref()
                .map(|x| format!(", {}", escape(x)))
                .unwrap_or_default(),
            direction = c
                .key
                .direction
                .map(|x| format!(", {x}"))
                .unwrap_or_default(),
            region = escape(c.key.region.as_deref().unwrap_or("—")),
            period = period_cell(None, c.key.period_from, c.key.period_to),
        );
    }
    out.push_str("</table>\n");
    let total = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .max(conflicts.len());
    cut_note(&mut out, conflicts.len().min(max_rows), total, "conflicts");
    out.push_str("</section>\n");
    out
}

fn left_out_section(
    left_out: &[(&Fact, &'static str)],
    unreconciled: Option<Unreconciled>,
    max_rows: usize,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section id=\"left-out\">\n<h2>Left out 未纳入图表 ({})</h2>\n\
         <p>Facts whose period has no start or no end date (<q>今年以来</q>, <q>截至2024年底</q>) \
         cannot be placed on a time axis: they are in the tables above, but in no chart. By reason:</p>",
        left_out.len()
    );
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, why) in left_out {
        *reasons.entry(why).or_default() += 1;
    }
    out.push_str("<ul class=\"reasons\">\n");
    for (why, n) in &reasons {
        let _ = writeln!(out, "<li>{}: {n}</li>", escape(why));
    }
    out.push_str("</ul>\n");
    match unreconciled {
        Some(u) => {
            let _ = writeln!(
                out,
                "<p id=\"unreconciled\">Of the {} statistics stored, these are in no fact at all (and so in no table here): \
                 {} of metric <code>other</code>, {} with no region, {} with no date at either end of their period \
                 (<q>近年来</q>, <q>近日</q>, no time phrase).</p>",
                u.statistics, u.other_metric, u.no_region, u.no_period
            );
        }
        None => out.push_str(
            "<p class=\"cut\">The table <code>statistics</code> could not be read: statistics in no fact are not counted.</p>\n",
        ),
    }
    if !left_out.is_empty() {
        out.push_str(
            "<table class=\"data left-out\">\n<tr><th>metric 指标</th><th>region 地区</th><th>period 时期</th>\
             <th>value 数值</th><th>why 原因</th><th>articles 文章</th></tr>\n",
        );
        for (f, why) in left_out.iter().take(max_rows) {
            let _ = writeln!(
                out,
                "<tr class=\"left-out\"><td>{label} {metric}</td><td>{region}</td><td>{period}</td>\
                 <td class=\"num\">{value} {unit}</td><td>{why}</td><td>{articles}</td></tr>",
                label = escape(metric_label(&f.key.metric)),
                metric = escape(&f.key.metric),
                region = escape(f.key.region.as_deref().unwrap_or("—")),
                period = period_cell(f.period_text.as_deref(), f.key.period_from, f.key.period_to),
                value = escape(&chart::plain_number(f.value)),
                unit = escape(&f.key.unit),
                why = escape(why),
                articles = articles_cell(&f.articles),
            );
        }
        out.push_str("</table>\n");
        cut_note(
            &mut out,
            left_out.len().min(max_rows),
            left_out.len(),
            "left-out facts",
        );
    }
    out.push_str("</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: &str, region: &str, from: Option<&str>, to: Option<&str>, value: f64) -> Fact {
        Fact {
            fact_id: id.into(),
            key: crate::report::load::FactKey {
                metric: "cases_solved".into(),
                unit: "起".into(),
                kind: Kind::Count,
                direction: None,
                currency: None,
                per: None,
                region: Some(region.into()),
                period_from: from.map(|d| d.parse().unwrap()),
                period_to: to.map(|d| d.parse().unwrap()),
            },
            period_text: Some("2023年".into()),
            value,
            value_min: Some(value),
            value_max: Some(value),
            sources: 1,
            earliest_published: Some("2024-01-09".into()),
            articles: vec![ArticleRef {
                id: Some("a1".into()),
                url: Some("https://example.gov.cn/a?x=1&y=2".into()),
                title: Some("<script>alert(1)</script>标题".into()),
                published: Some("2024-01-09T10:00:00+08:00".into()),
                value: Some(value),
            }],
        }
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(escape("四川 2023年"), "四川 2023年");
    }

    #[test]
    fn only_web_urls_become_links() {
        assert!(safe_href("https://www.mps.gov.cn/n1.html").is_some());
        assert!(safe_href("http://127.0.0.1:8000/pages/a.txt").is_some());
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href(" JavaScript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,<script>"), None);
        assert_eq!(safe_href("tests/fixtures/a.txt"), None);
    }

    #[test]
    fn the_page_charts_closed_periods_and_lists_the_rest() {
        let data = ReportData {
            facts: vec![
                fact(
                    "1",
                    NATIONAL,
                    Some("2022-01-01"),
                    Some("2022-12-31"),
                    464000.0,
                ),
                fact(
                    "2",
                    NATIONAL,
                    Some("2023-01-01"),
                    Some("2023-12-31"),
                    437000.0,
                ),
                fact("3", "四川", Some("2023-01-01"), Some("2023-12-31"), 8163.0),
                fact("4", "四川", Some("2023-07-01"), Some("2023-09-30"), 2000.0),
                fact("5", NATIONAL, Some("2024-01-01"), None, 1.0),
                fact("6", "四川", None, None, 2.0),
            ],
            facts_total: 6,
            conflicts: vec![],
            conflicts_total: 0,
            unreconciled: None,
        };
        let (html, summary) = page(&data, Limits { max_rows: 100 }, "now").unwrap();
        assert_eq!(summary.points, 4);
        assert_eq!(summary.charts, 2, "annual and quarterly apart");
        assert_eq!(summary.left_out, 2);
        assert_eq!(html.matches("<circle class=\"point\"").count(), 4);
        assert_eq!(html.matches("<tr class=\"left-out\"").count(), 2);
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;标题"));
        assert!(html.contains("href=\"https://example.gov.cn/a?x=1&amp;y=2\""));
        // The national line comes first in its chart's legend.
        let legend = html.find("<ul class=\"legend\">").unwrap();
        assert!(html[legend..].find(NATIONAL).unwrap() < html[legend..].find("四川").unwrap());
    }

    #[test]
    fn tables_are_cut_at_max_rows_and_say_so() {
        let facts: Vec<Fact> = (0..5)
            .map(|i| fact(&i.to_string(), "四川", None, None, f64::from(i)))
            .collect();
        let data = ReportData {
            facts,
            facts_total: 5,
            ..ReportData::default()
        };
        let (html, _) = page(&data, Limits { max_rows: 2 }, "now").unwrap();
        assert_eq!(html.matches("<tr class=\"fact\"").count(), 2);
        assert_eq!(html.matches("<tr class=\"left-out\"").count(), 2);
        assert!(html.contains("2 of 5 facts shown; 3 more not listed"));
        assert!(html.contains("2 of 5 left-out facts shown"));
    }

    #[test]
    fn many_regions_continue_in_another_chart() {
        let facts: Vec<Fact> = (0..(SERIES_PER_CHART + 3))
            .map(|i| {
                fact(
                    &i.to_string(),
                    &format!("地区{i}"),
                    Some("2023-01-01"),
                    Some("2023-12-31"),
                    1.0,
                )
            })
            .collect();
        let refs: Vec<&Fact> = facts.iter().collect();
        let charts = charts_of(&refs, "起");
        assert_eq!(charts.len(), 2);
        assert_eq!(
            charts.iter().map(Chart::point_count).sum::<usize>(),
            SERIES_PER_CHART + 3
        );
    }
}

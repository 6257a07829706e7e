//! One time-series chart as inline SVG: plotters draws the axes, the grid
//! and the lines; the data points are then written as our own `<circle>`
//! elements at the coordinates plotters maps them to, because plotters'
//! circles carry no class or data: ours carry `class="point"`,
//! `data-value`, `data-period`, `data-region` and `data-fact`, so that a
//! test (or a reader's script) can count and check them, and a `<title>`
//! that a browser shows on hover.
//!
//! Text stays text (`<text font-family=…>`): the browser lays out the
//! Chinese with its own CJK fonts, so no font is embedded or rasterised
//! here (plotters is built without its font features, see Cargo.toml).

use chrono::{Datelike, NaiveDate};
use plotters::coord::ranged1d::{NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;

use super::ReportError;
use super::period::SpanClass;
use super::render::escape;

/// Font families for chart text, CJK-capable first; also set by the page's
/// CSS, which wins over these attributes.
pub const FONT_FAMILIES: &str = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, \
    WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif";

/// Width and height of every chart, in pixels (it scales with the page).
pub const SIZE: (u32, u32) = (880, 340);

/// One data point: one fact with a closed period.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// First day covered.
    pub from: NaiveDate,
    /// Last day covered; the point is drawn at this date.
    pub to: NaiveDate,
    /// The figure.
    pub value: f64,
    /// The fact's id, linking the point to its row in the fact table.
    pub fact_id: String,
}

/// One line: the points of one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The region (`全国`, `四川`, …).
    pub name: String,
    /// Its points, in any order (sorted when drawn).
    pub points: Vec<Point>,
}

/// A chart of one metric (with one unit, kind, direction and currency) for
/// one span class.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// What the periods are: every point of a chart is of this class.
    pub class: SpanClass,
    /// The value axis' description (`起`, `元 (CNY)`, `% ↑`).
    pub unit_label: String,
    /// One line per region; the national one, if any, first.
    pub series: Vec<Series>,
}

impl Chart {
    /// How many points the chart draws.
    pub fn point_count(&self) -> usize {
        self.series.iter().map(|s| s.points.len()).sum()
    }
}

/// The colour of the `i`-th series: the first (the national figure when
/// there is one) dark, then a palette readable on white.
pub fn colour(i: usize) -> RGBColor {
    const PALETTE: [RGBColor; 10] = [
        RGBColor(0x22, 0x22, 0x22),
        RGBColor(0x1f, 0x77, 0xb4),
        RGBColor(0xd6, 0x27, 0x28),
        RGBColor(0x2c, 0xa0, 0x2c),
        RGBColor(0xff, 0x7f, 0x0e),
        RGBColor(0x94, 0x67, 0xbd),
        RGBColor(0x8c, 0x56, 0x4b),
        RGBColor(0xe3, 0x77, 0xc2),
        RGBColor(0x17, 0xbe, 0xcf),
        RGBColor(0xbc, 0xbd, 0x22),
    ];
    PALETTE[i % PALETTE.len()]
}

/// The colour as CSS `#rrggbb`.
pub fn css_colour(i: usize) -> String {
    let RGBColor(r, g, b) = colour(i);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// plotters' error as the report's: its types are generic over the
/// backend, so only the message is kept.
fn drawing(e: impl std::fmt::Display) -> ReportError {
    ReportError::Chart(e.to_string())
}

/// Draws the chart; the SVG element is ready to be put in an HTML page.
pub fn render_svg(chart: &Chart) -> Result<String, ReportError> {
    let (x0, x1) = date_range(chart);
    let y = value_range(chart);
    let mut svg = String::new();
    // Calendar ticks (1 January, the first of a month) rather than evenly
    // spaced days, which fall mid-month and repeat a year's label.
    let marks = if (x1 - x0).num_days() > 4 * 366 {
        draw(&mut svg, chart, (x0..x1).yearly(), y, &|d: &NaiveDate| {
            format!("{}", d.year())
        })?
    } else {
        draw(&mut svg, chart, (x0..x1).monthly(), y, &|d: &NaiveDate| {
            format!("{}-{:02}", d.year(), d.month())
        })?
    };
    // plotters ends the document with `</svg>`; the points go just before
    // it, so that they are drawn over the lines.
    let end = svg
        .rfind("</svg>")
        .ok_or_else(|| ReportError::Chart("plotters wrote no </svg>".into()))?;
    let mut out = String::with_capacity(svg.len() + marks.iter().map(String::len).sum::<usize>());
    // The element is inline in HTML, where a class and an accessible role
    // are what a reader's tools look for.
    out.push_str(&svg[..end].replacen(
        "<svg ",
        &format!(
            "<svg class=\"chart\" role=\"img\" data-points=\"{}\" ",
            chart.point_count()
        ),
        1,
    ));
    for mark in marks {
        out.push_str(&mark);
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// Draws axes, grid and lines into `svg`; returns the points' marks.
fn draw<X>(
    svg: &mut String,
    chart: &Chart,
    x: X,
    y: std::ops::Range<f64>,
    x_label: &dyn Fn(&NaiveDate) -> String,
) -> Result<Vec<String>, ReportError>
where
    X: Ranged<ValueType = NaiveDate, FormatOption = NoDefaultFormatting>
        + ValueFormatter<NaiveDate>,
{
    let mut marks = Vec::new();
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(drawing)?;
    let mut plot = ChartBuilder::on(&root)
        .margin(12)
        .margin_right(24)
        .x_label_area_size(44)
        .y_label_area_size(84)
        .build_cartesian_2d(x, y)
        .map_err(drawing)?;
    let y_label = |v: &f64| compact_number(*v);
    let x_desc = match chart.class {
        SpanClass::Other => "统计期末 (end of period)",
        _ => "时期 (period; points mid-period)",
    };
    plot.configure_mesh()
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(x_label)
        .y_label_formatter(&y_label)
        .x_desc(x_desc)
        .y_desc(chart.unit_label.as_str())
        .label_style((FONT_FAMILIES, 13))
        .axis_desc_style((FONT_FAMILIES, 14))
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .bold_line_style(RGBColor(0xcc, 0xcc, 0xcc))
        .draw()
        .map_err(drawing)?;
    for (i, series) in chart.series.iter().enumerate() {
        let mut points = series.points.clone();
        points.sort_by(|a, b| a.to.cmp(&b.to).then(a.from.cmp(&b.from)));
        let width = if i == 0 { 3 } else { 2 };
        for run in line_runs(chart.class, &points) {
            plot.draw_series(LineSeries::new(
                run.iter().map(|p| (position(chart.class, p), p.value)),
                colour(i).stroke_width(width),
            ))
            .map_err(drawing)?;
        }
        for p in points {
            let (cx, cy) = plot.backend_coord(&(position(chart.class, &p), p.value));
            marks.push(point_mark(
                i,
                &series.name,
                &p,
                chart.class,
                cx,
                cy,
                &chart.unit_label,
            ));
        }
    }
    root.present().map_err(drawing)?;
    Ok(marks)
}

/// Where a point sits on the time axis: the middle of a calendar year,
/// quarter or month (so it stands under its year's or month's label); the
/// last day of any other span, since spans of different lengths (1至9月,
/// 上半年) are compared by the day they run to.
fn position(class: SpanClass, p: &Point) -> NaiveDate {
    match class {
        SpanClass::Other => p.to,
        _ => p.from + (p.to - p.from) / 2,
    }
}

/// The stretches of a series a line may join: consecutive periods with one
/// value each. Two values for one period (sources that disagree, or
/// figures of different subjects) break the line, since joining them would
/// draw a rise that never happened; other spans get no line at all, since
/// their spans differ from point to point.
fn line_runs(class: SpanClass, sorted: &[Point]) -> Vec<Vec<Point>> {
    if class == SpanClass::Other {
        return Vec::new();
    }
    let mut runs = Vec::new();
    let mut run: Vec<Point> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let same = sorted[i..]
            .iter()
            .take_while(|p| p.from == sorted[i].from && p.to == sorted[i].to)
            .count();
        if same == 1 {
            run.push(sorted[i].clone());
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
        i += same;
    }
    runs.push(run);
    runs.retain(|r| r.len() > 1);
    runs
}

fn point_mark(
    series: usize,
    region: &str,
    p: &Point,
    class: SpanClass,
    cx: i32,
    cy: i32,
    unit: &str,
) -> String {
    let period = class.period_label(p.from, p.to);
    let value = plain_number(p.value);
    format!(
        "<circle class=\"point\" cx=\"{cx}\" cy=\"{cy}\" r=\"4.5\" fill=\"{fill}\" stroke=\"#ffffff\" \
         stroke-width=\"1.5\" data-value=\"{value}\" data-period=\"{from}/{to}\" data-region=\"{r}\" \
         data-fact=\"{fact}\"><title>{r} {period}: {value} {u}</title></circle>\n",
        fill = css_colour(series),
        from = p.from,
        to = p.to,
        r = escape(region),
        fact = escape(&p.fact_id),
        period = escape(&period),
        u = escape(unit),
    )
}

/// The time axis: the points' positions with room around them, so that
/// the first and last circles are not cut by the frame (a twentieth of the
/// span, at least a month; half a year around a single date).
fn date_range(chart: &Chart) -> (NaiveDate, NaiveDate) {
    let mut dates = chart
        .series
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| position(chart.class, p));
    let Some(first) = dates.next() else {
        let today = chrono::Utc::now().date_naive();
        return (today - chrono::Days::new(365), today);
    };
    let (lo, hi) = dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let span = (hi - lo).num_days();
    let pad = if span == 0 { 183 } else { (span / 20).max(31) };
    let pad = chrono::Duration::days(pad);
    (lo - pad, hi + pad)
}

/// The value axis: from zero (or the lowest value, if negative) to a bit
/// above the highest.
fn value_range(chart: &Chart) -> std::ops::Range<f64> {
    let values = chart.series.iter().flat_map(|s| &s.points).map(|p| p.value);
    let (lo, hi) = values.fold((0.0_f64, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let hi = if hi.is_finite() && hi > lo {
        hi
    } else {
        lo + 1.0
    };
    lo..hi + (hi - lo) * 0.12
}

/// A value as the full number, without a trailing `.0` (`18000`, `1.5`).
pub fn plain_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// An axis label in the units Chinese figures are written in: `3.5亿`,
/// `26.2万`, `800`.
pub fn compact_number(v: f64) -> String {
    let (scaled, suffix) = if v.abs() >= 1e8 {
        (v / 1e8, "亿")
    } else if v.abs() >= 1e4 {
        (v / 1e4, "万")
    } else {
        (v, "")
    };
    let s = format!("{scaled:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(from: &str, to: &str, value: f64, id: &str) -> Point {
        Point {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            value,
            fact_id: id.into(),
        }
    }

    #[test]
    fn every_point_is_marked_and_text_is_escaped() {
        let chart = Chart {
            class: SpanClass::Annual,
            unit_label: "起".into(),
            series: vec![
                Series {
                    name: "全国".into(),
                    points: vec![
                        point("2022-01-01", "2022-12-31", 464000.0, "a"),
                        point("2023-01-01", "2023-12-31", 437000.0, "b"),
                    ],
                },
                Series {
                    name: "<b>四川</b>".into(),
                    points: vec![point("2023-01-01", "2023-12-31", 8163.0, "c\"><x")],
                },
            ],
        };
        let svg = render_svg(&chart).unwrap();
        assert_eq!(svg.matches("<circle class=\"point\"").count(), 3);
        assert!(svg.contains("data-points=\"3\""));
        assert!(svg.contains("data-value=\"464000\""));
        assert!(svg.contains("data-period=\"2023-01-01/2023-12-31\""));
        assert!(svg.contains("&lt;b&gt;四川&lt;/b&gt;"), "{svg}");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("data-fact=\"c&quot;&gt;&lt;x\""));
        assert!(svg.contains("时期 (period"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn one_point_still_gets_a_chart() {
        let chart = Chart {
            class: SpanClass::Monthly,
            unit_label: "元 (CNY)".into(),
            series: vec![Series {
                name: "深圳".into(),
                points: vec![point("2024-03-01", "2024-03-31", 1.5e9, "x")],
            }],
        };
        let svg = render_svg(&chart).unwrap();
        assert_eq!(svg.matches("class=\"point\"").count(), 1);
    }

    #[test]
    fn two_values_for_one_period_break_the_line_and_other_spans_have_none() {
        let points = vec![
            point("2021-01-01", "2021-12-31", 1.0, "a"),
            point("2022-01-01", "2022-12-31", 2.0, "b"),
            point("2023-01-01", "2023-12-31", 3.0, "c"),
            point("2023-01-01", "2023-12-31", 30.0, "d"),
            point("2024-01-01", "2024-12-31", 4.0, "e"),
            point("2025-01-01", "2025-12-31", 5.0, "f"),
        ];
        let runs = line_runs(SpanClass::Annual, &points);
        let ids: Vec<Vec<&str>> = runs
            .iter()
            .map(|r| r.iter().map(|p| p.fact_id.as_str()).collect())
            .collect();
        assert_eq!(ids, vec![vec!["a", "b"], vec!["e", "f"]]);
        assert!(line_runs(SpanClass::Other, &points).is_empty());
    }

    #[test]
    fn calendar_points_sit_mid_period_and_others_at_their_end() {
        let p = point("2023-01-01", "2023-12-31", 1.0, "a");
        assert_eq!(
            position(SpanClass::Annual, &p),
            NaiveDate::from_ymd_opt(2023, 7, 2).unwrap()
        );
        let q = point("2023-01-01", "2023-09-30", 1.0, "b");
        assert_eq!(position(SpanClass::Other, &q), q.to);
    }

    #[test]
    fn numbers_are_written_as_chinese_figures_are() {
        assert_eq!(compact_number(262000.0), "26.2万");
        assert_eq!(compact_number(4.755e9), "47.55亿");
        assert_eq!(compact_number(800.0), "800");
        assert_eq!(compact_number(0.0), "0");
        assert_eq!(plain_number(18000.0), "18000");
        assert_eq!(plain_number(22.5), "22.5");
    }
}

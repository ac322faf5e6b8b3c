//! The report's charts, as inline SVG drawn by the service: no scripts, no fonts or images from
//! elsewhere, and every text escaped by the template. Inline SVG in HTML needs no namespace
//! declaration, so the page carries no URL at all.

use maud::{Markup, html};

use super::document::{DimensionScore, ReportPeriod};
use super::html::{compact_number, dimension_label};
use crate::scoring::grade::Grade;

/// Where `points` lies between `min` and `max`, in [0, 1]. A dimension whose range is empty
/// (the model gives every enterprise the same points) or not a range sits in the middle.
pub(crate) fn normalise(points: f64, min: f64, max: f64) -> f64 {
    if !(points.is_finite() && min.is_finite() && max.is_finite()) {
        return 0.0;
    }
    if max - min <= f64::EPSILON * max.abs().max(min.abs()).max(1.0) {
        return 0.5;
    }
    ((points - min) / (max - min)).clamp(0.0, 1.0)
}

fn f(x: f64) -> String {
    format!("{x:.1}")
}

// Wide enough that the longest label ("Fulfilment capability", 履约能力) fits beside its axis.
const RADAR_W: f64 = 620.0;
const RADAR_CX: f64 = RADAR_W / 2.0;
const RADAR_CY: f64 = 170.0;
const RADAR_R: f64 = 110.0;

/// The point of axis `i` of `n` at `fraction` of the radius, the first axis pointing up.
fn radar_point(i: usize, n: usize, fraction: f64) -> (f64, f64) {
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
    (
        RADAR_CX + RADAR_R * fraction * angle.cos(),
        RADAR_CY + RADAR_R * fraction * angle.sin(),
    )
}

fn polygon_points(n: usize, fraction: impl Fn(usize) -> f64) -> String {
    (0..n)
        .map(|i| {
            let (x, y) = radar_point(i, n, fraction(i));
            format!("{},{}", f(x), f(y))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a radar chart says in words: each axis's label (a name, then a second line under it),
/// and the chart's accessible name and title.
pub struct RadarText<'a> {
    pub axis: &'a dyn Fn(&DimensionScore) -> (String, String),
    pub aria_label: &'a str,
    pub title: &'a str,
}

/// A radar chart of the dimension sub-scores, each axis from the fewest to the most points the
/// model can give that dimension, labelled in English and Chinese (the report's bilingual
/// labels). Fewer than three dimensions make no polygon: they are drawn as bars on the same
/// scale. No dimensions, no chart.
pub fn radar(dimensions: &[DimensionScore]) -> Markup {
    let axis = |d: &DimensionScore| {
        let (english, chinese) = dimension_label(d.dimension);
        (
            english.to_string(),
            format!("{chinese} · {} / {}", f(d.points), f(d.max_points)),
        )
    };
    radar_with(
        dimensions,
        &RadarText {
            axis: &axis,
            aria_label: "Radar chart of the dimension scores",
            title: "Dimension scores, each axis from the model's fewest to its most points",
        },
    )
}

/// [`radar`] with the words given, e.g. in the language of a console page.
pub fn radar_with(dimensions: &[DimensionScore], text: &RadarText) -> Markup {
    let n = dimensions.len();
    if n == 0 {
        return html! {};
    }
    if n < 3 {
        return dimension_bars(dimensions, text);
    }
    let values: Vec<f64> = dimensions
        .iter()
        .map(|d| normalise(d.points, d.min_points, d.max_points))
        .collect();
    html! {
        svg.chart.radar viewBox=(format!("0 0 {} 345", f(RADAR_W))) role="img" aria-label=(text.aria_label) {
            title { (text.title) }
            @for ring in [0.25, 0.5, 0.75, 1.0] {
                polygon.grid points=(polygon_points(n, |_| ring)) {}
            }
            @for i in 0..n {
                @let (x, y) = radar_point(i, n, 1.0);
                line.axis x1=(f(RADAR_CX)) y1=(f(RADAR_CY)) x2=(f(x)) y2=(f(y)) {}
            }
            polygon.radar-value points=(polygon_points(n, |i| values[i])) {}
            @for (i, d) in dimensions.iter().enumerate() {
                @let (x, y) = radar_point(i, n, values[i]);
                @let (name, second) = (text.axis)(d);
                circle.radar-dot cx=(f(x)) cy=(f(y)) r="3.5" {
                    title { (name) ": " (second) }
                }
            }
            @for (i, d) in dimensions.iter().enumerate() {
                @let (x, y) = radar_point(i, n, 1.2);
                @let cos = (x - RADAR_CX) / (RADAR_R * 1.2);
                @let anchor = if cos > 0.3 { "start" } else if cos < -0.3 { "end" } else { "middle" };
                @let (name, second) = (text.axis)(d);
                @let y = if y < RADAR_CY - RADAR_R { y - 22.0 } else if y > RADAR_CY + RADAR_R { y } else { y - 10.0 };
                text.axis-label x=(f(x)) y=(f(y)) text-anchor=(anchor) {
                    tspan x=(f(x)) { (name) }
                    tspan.axis-value x=(f(x)) dy="14" { (second) }
                }
            }
        }
    }
}

/// One point of a grade trend: the label under it (a date) and the grade.
pub struct GradePoint {
    pub label: String,
    pub grade: Grade,
    /// The words of the point's tooltip, e.g. "2026-06-30: AA (score 712)".
    pub title: String,
}

/// The grade over time, oldest first: a step line on the nine-grade scale (AAA at the top),
/// one point per score. No points, no chart.
pub fn grade_trend(points: &[GradePoint], aria_label: &str) -> Markup {
    let k = points.len();
    if k == 0 {
        return html! {};
    }
    let (left, right, top) = (56.0, 600.0, 18.0);
    let row = 20.0;
    let bottom = top + row * (Grade::ALL.len() - 1) as f64;
    let slot = (right - left) / k as f64;
    let x = |i: usize| left + slot * (i as f64 + 0.5);
    let y = |g: Grade| top + row * g.rank() as f64;
    let mut path = String::new();
    for (i, p) in points.iter().enumerate() {
        if i == 0 {
            path.push_str(&format!("M{},{}", f(x(0) - slot * 0.4), f(y(p.grade))));
        } else {
            // Steps: the grade holds until the next score.
            path.push_str(&format!(" H{} V{}", f(x(i) - slot * 0.5), f(y(p.grade))));
        }
    }
    path.push_str(&format!(" H{}", f(x(k - 1) + slot * 0.4)));
    // At most about eight date labels, always the first and the last.
    let every = k.div_ceil(8).max(1);
    html! {
        svg.chart.grade-trend viewBox=(format!("0 0 620 {}", f(bottom + 40.0))) role="img" aria-label=(aria_label) {
            title { (aria_label) }
            @for g in Grade::ALL {
                line.grid-line x1=(f(left)) y1=(f(y(*g))) x2=(f(right)) y2=(f(y(*g))) {}
                text.axis-value x=(f(left - 10.0)) y=(f(y(*g) + 4.0)) text-anchor="end" { (g.as_str()) }
            }
            path.trend-line d=(path) {}
            @for (i, p) in points.iter().enumerate() {
                circle.radar-dot cx=(f(x(i))) cy=(f(y(p.grade))) r="4" { title { (p.title) } }
                @if i % every == 0 || i == k - 1 {
                    text.axis-value x=(f(x(i))) y=(f(bottom + 24.0)) text-anchor="middle" { (p.label) }
                }
            }
        }
    }
}

fn dimension_bars(dimensions: &[DimensionScore], text: &RadarText) -> Markup {
    let height = 30.0 + 34.0 * dimensions.len() as f64;
    html! {
        svg.chart.bars viewBox=(format!("0 0 460 {}", f(height))) role="img" aria-label=(text.aria_label) {
            title { (text.title) }
            @for (i, d) in dimensions.iter().enumerate() {
                @let y = 16.0 + 34.0 * i as f64;
                @let share = normalise(d.points, d.min_points, d.max_points);
                @let (name, _) = (text.axis)(d);
                text.axis-label x="0" y=(f(y + 12.0)) { (name) }
                rect.bar-track x="190" y=(f(y)) width="200" height="16" {}
                rect.bar-value x="190" y=(f(y)) width=(f(200.0 * share)) height="16" {}
                text.axis-value x="398" y=(f(y + 12.0)) { (f(d.points)) " / " (f(d.max_points)) }
            }
        }
    }
}

/// Online sales (bars, left scale) and orders (line, right scale) over the periods, oldest
/// first. No periods, no chart.
pub(crate) fn trend(oldest_first: &[&ReportPeriod]) -> Markup {
    let k = oldest_first.len();
    if k == 0 {
        return html! {};
    }
    let (left, right, top, bottom) = (70.0, 590.0, 34.0, 178.0);
    let plot_h = bottom - top;
    let slot = (right - left) / k as f64;
    let bar_w = (slot * 0.46).min(70.0);
    let finite = |x: f64| if x.is_finite() { x.max(0.0) } else { 0.0 };
    let max_sales = oldest_first
        .iter()
        .map(|p| finite(p.online_sales))
        .fold(0.0, f64::max);
    let max_orders = oldest_first
        .iter()
        .map(|p| p.orders.max(0) as f64)
        .fold(0.0, f64::max);
    let scale = |v: f64, max: f64| if max > 0.0 { v / max } else { 0.0 };
    let center = |i: usize| left + slot * (i as f64 + 0.5);
    let order_points: Vec<(f64, f64)> = oldest_first
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                center(i),
                bottom - plot_h * scale(p.orders.max(0) as f64, max_orders),
            )
        })
        .collect();
    let polyline = order_points
        .iter()
        .map(|(x, y)| format!("{},{}", f(*x), f(*y)))
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        svg.chart.trend viewBox="0 0 660 214" role="img" aria-label="Trend of online sales and orders" {
            title { "Online sales and orders, oldest period first" }
            @for tick in [0.0, 0.5, 1.0] {
                @let y = bottom - plot_h * tick;
                line.gridline x1=(f(left)) y1=(f(y)) x2=(f(right)) y2=(f(y)) {}
                text.tick x=(f(left - 6.0)) y=(f(y + 4.0)) text-anchor="end" { (compact_number(max_sales * tick)) }
                text.tick x=(f(right + 6.0)) y=(f(y + 4.0)) text-anchor="start" { (compact_number(max_orders * tick)) }
            }
            @for (i, p) in oldest_first.iter().enumerate() {
                @let h = plot_h * scale(finite(p.online_sales), max_sales);
                rect.sales-bar x=(f(center(i) - bar_w / 2.0)) y=(f(bottom - h)) width=(f(bar_w)) height=(f(h)) {
                    title { (p.period) ": online sales " (compact_number(p.online_sales)) " CNY" }
                }
                text.tick x=(f(center(i))) y=(f(bottom + 16.0)) text-anchor="middle" { (p.period) }
            }
            @if k >= 2 {
                polyline.orders-line points=(polyline) {}
            }
            @for ((x, y), p) in order_points.iter().zip(oldest_first) {
                circle.orders-dot cx=(f(*x)) cy=(f(*y)) r="4" {
                    title { (p.period) ": " (p.orders) " orders" }
                }
            }
            rect.legend-sales x=(f(left)) y="8" width="12" height="12" {}
            text.legend x=(f(left + 17.0)) y="18" { "Online sales (CNY, left)" }
            line.legend-orders x1=(f(left + 200.0)) y1="14" x2=(f(left + 222.0)) y2="14" {}
            text.legend x=(f(left + 228.0)) y="18" { "Orders (right)" }
        }
    }
}

/// One grade's bar of a distribution.
pub struct GradeBar {
    pub grade: Grade,
    /// `None`: withheld (rests on too few enterprises).
    pub count: Option<i64>,
    /// The count as the reader writes numbers, or the word for a withheld one.
    pub label: String,
}

/// How many enterprises hold each grade, AAA to C: a bar per grade, coloured by class (A, B,
/// C); a withheld count is an outlined, empty bar with its label. No bars, no chart.
pub fn grade_distribution(bars: &[GradeBar], aria_label: &str) -> Markup {
    if bars.is_empty() {
        return html! {};
    }
    let (left, right, top, bottom) = (10.0, 610.0, 24.0, 214.0);
    let slot = (right - left) / bars.len() as f64;
    let highest = bars
        .iter()
        .filter_map(|b| b.count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    html! {
        svg.chart.grade-bars viewBox="0 0 620 250" role="img" aria-label=(aria_label) {
            title { (aria_label) }
            line.axis x1=(f(left)) y1=(f(bottom)) x2=(f(right)) y2=(f(bottom)) {}
            @for (i, bar) in bars.iter().enumerate() {
                @let x = left + slot * i as f64 + slot * 0.15;
                @let width = slot * 0.7;
                @let class = grade_class(bar.grade);
                @match bar.count {
                    Some(n) => {
                        @let height = (bottom - top) * n as f64 / highest;
                        rect class=(format!("bar {class}")) x=(f(x)) y=(f(bottom - height)) width=(f(width)) height=(f(height)) {
                            title { (bar.grade.as_str()) ": " (bar.label) }
                        }
                        text.axis-value x=(f(x + width / 2.0)) y=(f(bottom - height - 6.0)) text-anchor="middle" { (bar.label) }
                    }
                    None => {
                        rect.bar-withheld x=(f(x)) y=(f(bottom - 24.0)) width=(f(width)) height="24" {
                            title { (bar.grade.as_str()) ": " (bar.label) }
                        }
                        text.axis-value x=(f(x + width / 2.0)) y=(f(bottom - 30.0)) text-anchor="middle" { (bar.label) }
                    }
                }
                text.axis-label x=(f(x + width / 2.0)) y=(f(bottom + 22.0)) text-anchor="middle" { (bar.grade.as_str()) }
            }
        }
    }
}

/// The class (三等) of a grade as a style: A (AAA–A), B (BBB–B) or C (CCC–C).
pub fn grade_class(grade: Grade) -> &'static str {
    match grade.rank() {
        0..=2 => "class-a",
        3..=5 => "class-b",
        _ => "class-c",
    }
}

/// One column of the class trend: the shares of classes A, B and C of the graded enterprises.
pub struct ClassColumn {
    pub label: String,
    /// Shares of A, B and C, summing to 1 (or all 0 when nobody was graded).
    pub shares: [f64; 3],
    pub title: String,
}

/// The shares of the three classes over time, oldest first: one 100 % stacked column each,
/// A at the top. No columns, no chart.
pub fn class_shares(columns: &[ClassColumn], aria_label: &str) -> Markup {
    let k = columns.len();
    if k == 0 {
        return html! {};
    }
    let (left, right, top, bottom) = (44.0, 610.0, 10.0, 190.0);
    let slot = (right - left) / k as f64;
    let width = (slot * 0.6).min(48.0);
    let every = k.div_ceil(8).max(1);
    html! {
        svg.chart.class-shares viewBox="0 0 620 222" role="img" aria-label=(aria_label) {
            title { (aria_label) }
            @for tick in [0.0, 0.5, 1.0] {
                @let y = bottom - (bottom - top) * tick;
                line.grid-line x1=(f(left)) y1=(f(y)) x2=(f(right)) y2=(f(y)) {}
                text.axis-value x=(f(left - 8.0)) y=(f(y + 4.0)) text-anchor="end" { (format!("{:.0}%", tick * 100.0)) }
            }
            @for (i, column) in columns.iter().enumerate() {
                @let x = left + slot * (i as f64 + 0.5) - width / 2.0;
                g {
                    title { (column.title) }
                    @for (y, height, class) in stack(column.shares, top, bottom - top) {
                        rect class=(format!("bar {class}")) x=(f(x)) y=(f(y)) width=(f(width)) height=(f(height)) {}
                    }
                }
                @if i % every == 0 || i == k - 1 {
                    text.axis-value x=(f(x + width / 2.0)) y=(f(bottom + 22.0)) text-anchor="middle" { (column.label) }
                }
            }
        }
    }
}

/// One row of a bar chart of figures by group.
pub struct FigureBar {
    pub label: String,
    /// `None`: withheld (rests on too few enterprises).
    pub value: Option<f64>,
    /// The value as the reader writes numbers, or the word for a withheld one.
    pub text: String,
    /// A figure still being counted (the running quarter): drawn lighter.
    pub partial: bool,
}

/// Figures by group, one horizontal bar each, in the given order; a withheld figure is an
/// outlined stub with its word, so a reader never takes it for zero. No rows, no chart.
pub fn figure_bars(rows: &[FigureBar], aria_label: &str) -> Markup {
    if rows.is_empty() {
        return html! {};
    }
    let (label_w, left, right, row_h) = (200.0, 210.0, 680.0, 26.0);
    let height = row_h * rows.len() as f64 + 8.0;
    let highest = rows
        .iter()
        .filter_map(|r| r.value)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    html! {
        svg.chart.figure-bars viewBox=(format!("0 0 900 {}", f(height))) role="img" aria-label=(aria_label) {
            title { (aria_label) }
            line.axis x1=(f(left)) y1="4" x2=(f(left)) y2=(f(height - 4.0)) {}
            @for (i, row) in rows.iter().enumerate() {
                @let y = 4.0 + row_h * i as f64;
                text.axis-value x=(f(label_w)) y=(f(y + 17.0)) text-anchor="end" { (row.label) }
                @match row.value {
                    Some(v) => {
                        @let width = ((right - left) * v / highest).max(1.0);
                        rect class=(if row.partial { "bar bar-partial" } else { "bar bar-value" }) x=(f(left)) y=(f(y + 5.0)) width=(f(width)) height="16" {
                            title { (row.label) ": " (row.text) }
                        }
                        text.axis-value x=(f(left + width + 6.0)) y=(f(y + 17.0)) { (row.text) }
                    }
                    None => {
                        rect.bar-withheld x=(f(left)) y=(f(y + 5.0)) width="24" height="16" {
                            title { (row.label) ": " (row.text) }
                        }
                        text.axis-value x=(f(left + 30.0)) y=(f(y + 17.0)) { (row.text) }
                    }
                }
            }
        }
    }
}

/// The segments of a stacked column from `top` down: (y, height, class) of A, B and C.
fn stack(shares: [f64; 3], top: f64, height: f64) -> Vec<(f64, f64, &'static str)> {
    let mut y = top;
    shares
        .iter()
        .zip(["class-a", "class-b", "class-c"])
        .map(|(share, class)| {
            let h = (height * share).max(0.0);
            let segment = (y, h, class);
            y += h;
            segment
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::features::Dimension;

    fn dims(n: usize) -> Vec<DimensionScore> {
        Dimension::ALL
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, d)| DimensionScore {
                dimension: *d,
                points: 10.0 * i as f64,
                min_points: 0.0,
                max_points: 50.0,
            })
            .collect()
    }

    fn attribute_values<'a>(svg: &'a str, class: &str, attribute: &str) -> Vec<&'a str> {
        let marker = format!("class=\"{class}\"");
        svg.match_indices(&marker)
            .map(|(at, _)| {
                let tag_end = svg[at..].find('>').unwrap() + at;
                let tag = &svg[svg[..at].rfind('<').unwrap()..tag_end];
                let key = format!(" {attribute}=\"");
                let start = tag.find(&key).unwrap() + key.len();
                &tag[start..start + tag[start..].find('"').unwrap()]
            })
            .collect()
    }

    #[test]
    fn normalisation_uses_the_models_range_and_survives_degenerate_ones() {
        assert_eq!(normalise(30.0, 20.0, 40.0), 0.5);
        assert_eq!(normalise(20.0, 20.0, 40.0), 0.0);
        assert_eq!(normalise(45.0, 20.0, 40.0), 1.0);
        assert_eq!(normalise(5.0, 20.0, 40.0), 0.0);
        assert_eq!(normalise(-3.0, -10.0, 4.0), 0.5);
        assert_eq!(normalise(7.0, 7.0, 7.0), 0.5);
        assert_eq!(normalise(7.0, 9.0, 3.0), 0.5);
        assert_eq!(normalise(f64::NAN, 0.0, 1.0), 0.0);
        assert_eq!(normalise(1.0, 0.0, f64::INFINITY), 0.0);
    }

    #[test]
    fn radar_has_one_vertex_per_dimension_on_each_axis() {
        assert_eq!(radar(&[]).into_string(), "");
        for n in 3..=6 {
            let svg = radar(&dims(n)).into_string();
            let value = attribute_values(&svg, "radar-value", "points");
            assert_eq!(value.len(), 1);
            let vertices: Vec<(f64, f64)> = value[0]
                .split(' ')
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            assert_eq!(vertices.len(), n, "{svg}");
            // Each vertex lies at its normalised share of the radius.
            for (i, (x, y)) in vertices.iter().enumerate() {
                let r = ((x - RADAR_CX).powi(2) + (y - RADAR_CY).powi(2)).sqrt();
                let expected = RADAR_R * (10.0 * i as f64) / 50.0;
                assert!((r - expected).abs() < 0.2, "axis {i}: {r} vs {expected}");
            }
            assert_eq!(attribute_values(&svg, "grid", "points").len(), 4);
            assert_eq!(svg.matches("class=\"axis\"").count(), n);
            assert_eq!(svg.matches("class=\"radar-dot\"").count(), n);
        }
    }

    #[test]
    fn one_or_two_dimensions_are_bars() {
        for n in 1..=2 {
            let svg = radar(&dims(n)).into_string();
            assert!(!svg.contains("radar-value"));
            let widths = attribute_values(&svg, "bar-value", "width");
            assert_eq!(widths.len(), n);
            assert_eq!(widths[0], "0.0");
            if n == 2 {
                assert_eq!(widths[1], "40.0");
            }
        }
    }

    fn period(label: &str, sales: f64, orders: i64) -> ReportPeriod {
        ReportPeriod {
            period: label.into(),
            online_sales: sales,
            orders,
            refund_rate: None,
            complaints: None,
            on_time_delivery_rate: None,
            positive_review_rate: None,
            source: "platform".into(),
            review_status: "accepted".into(),
        }
    }

    #[test]
    fn trend_draws_a_bar_and_a_point_per_period_oldest_first() {
        assert_eq!(trend(&[]).into_string(), "");
        let periods = [
            period("2026-Q1", 100.0, 10),
            period("2026-Q2", 200.0, 40),
            period("2026-Q3", 50.0, 20),
        ];
        let refs: Vec<&ReportPeriod> = periods.iter().collect();
        let svg = trend(&refs).into_string();
        let heights: Vec<f64> = attribute_values(&svg, "sales-bar", "height")
            .iter()
            .map(|h| h.parse().unwrap())
            .collect();
        assert_eq!(heights, [72.0, 144.0, 36.0]);
        let line = attribute_values(&svg, "orders-line", "points");
        let ys: Vec<f64> = line[0]
            .split(' ')
            .map(|p| p.split_once(',').unwrap().1.parse().unwrap())
            .collect();
        assert_eq!(ys, [142.0, 34.0, 106.0]);
        let q1 = svg.find(">2026-Q1<").unwrap();
        assert!(q1 < svg.find(">2026-Q3<").unwrap());

        // One period: a bar and a dot, no line. All zero: nothing divides by zero.
        let one = [period("2026-10", 0.0, 0)];
        let svg = trend(&[&one[0]]).into_string();
        assert!(!svg.contains("points="));
        assert_eq!(attribute_values(&svg, "sales-bar", "height"), ["0.0"]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}

//! The keepers' statistics (issue 16, "Statistics"): a breakdown of the registry by region,
//! industry, business model, grade or status with the operating figures of a year, and the
//! quarterly trend of sales, orders, refunds and complaints; each as a chart and a table, for the
//! whole registry or a province and an industry. Figures withheld by the confidentiality rules
//! (fewer than three enterprises, or one that would reveal such a figure) are marked as such,
//! never shown as zero. The same service calls as `GET /api/v1/statistics/*`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::enterprise::{to_sign_in, violations};
use super::forms::form_errors;
use super::i18n::{
    Lang, format_large_money, format_number, format_percent, t, t_args, t_value, t_value_or_raw,
};
use super::layout::page_with_status;
use super::registry::region_label;
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::statistics::{Figure, GroupBy, GroupStatistics, QuarterStatistics, RegionLevel};
use crate::domain::{Violations, region};
use crate::error::{AppError, AppResult};
use crate::report::svg::{self, FigureBar};
use crate::scoring::grade::Grade;
use crate::service::statistics::{self, Breakdown, BreakdownQuery, Filter, TrendQuery};

#[derive(Debug, Default, Deserialize)]
pub struct StatisticsQuery {
    pub by: Option<String>,
    pub level: Option<String>,
    pub year: Option<String>,
    pub province: Option<String>,
    pub industry: Option<String>,
    pub quarters: Option<String>,
}

fn given(v: &Option<String>) -> &str {
    v.as_deref().map_or("", str::trim)
}

impl StatisticsQuery {
    /// The breakdown and the trend asked for; what cannot be read names its field.
    fn read(&self) -> Result<(BreakdownQuery, TrendQuery), Violations> {
        let mut v = Violations::new();
        let by = match given(&self.by) {
            "" => GroupBy::Region,
            raw => GroupBy::parse(raw).unwrap_or_else(|| {
                v.add("by", format!("must be one of: {}", GroupBy::allowed()));
                GroupBy::Region
            }),
        };
        let level = match given(&self.level) {
            "" => None,
            raw => RegionLevel::parse(raw).or_else(|| {
                v.add(
                    "level",
                    format!("must be one of: {}", RegionLevel::allowed()),
                );
                None
            }),
        };
        let year = match given(&self.year) {
            "" => None,
            raw => raw
                .parse::<i32>()
                .map_err(|_| v.add("year", "must be a year"))
                .ok(),
        };
        let quarters = match given(&self.quarters) {
            "" => None,
            raw => raw
                .parse::<u32>()
                .map_err(|_| v.add("quarters", "must be a whole number"))
                .ok(),
        };
        let filter = Filter {
            region_code: Some(given(&self.province).to_string()),
            industry: Some(given(&self.industry).to_string()),
        };
        v.into_result(())?;
        Ok((
            BreakdownQuery {
                by,
                // A level only means something for regions; the form keeps it when switching.
                level: level.filter(|_| by == GroupBy::Region),
                year,
                filter: filter.clone(),
            },
            TrendQuery { quarters, filter },
        ))
    }
}

/// `GET /workspace/statistics`.
pub async fn page(
    ctx: Ctx,
    state: State,
    query: web::Query<StatisticsQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let query = query.into_inner();
    // The service decides who may see statistics before it reads the input.
    let (breakdown_input, trend_input) = match query.read() {
        Ok((b, q)) => (Ok(b), Ok(q)),
        Err(v) => (
            Err(AppError::Validation(v.clone())),
            Err(AppError::Validation(v)),
        ),
    };
    let breakdown = statistics::breakdown(&state, &ctx.caller, breakdown_input).await;
    let trend = statistics::trend(&state, &ctx.caller, trend_input).await;
    let mut errors = Violations::new();
    let breakdown = match breakdown {
        Ok(b) => Some(b),
        Err(e) => {
            errors.0.extend(violations(e)?.0);
            None
        }
    };
    let trend = match trend {
        Ok(t) => Some(t),
        Err(e) => {
            for e in violations(e)?.0 {
                if !errors.0.contains(&e) {
                    errors.0.push(e);
                }
            }
            None
        }
    };
    let errors = (!errors.is_empty()).then_some(errors);
    let title = t(lang, "stat-title");
    let content = html! {
        (role_nav(&ctx, "/workspace/statistics"))
        h1 { (title) }
        p class="hint" { (t(lang, "stat-about")) }
        (form_errors(lang, errors.as_ref(), &[]))
        (filter_form(lang, &query, breakdown.as_ref()))
        @if let Some(b) = &breakdown { (breakdown_section(lang, b)) }
        @if let Some(q) = &trend { (trend_section(lang, q)) }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(&ctx, status, &title, content))
}

fn select(name: &str, label: String, options: &[(String, String)], chosen: &str) -> Markup {
    let id = format!("field-{name}");
    html! {
        div class="field" {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[value == chosen] { (text) }
                }
            }
        }
    }
}

fn filter_form(lang: Lang, query: &StatisticsQuery, shown: Option<&Breakdown>) -> Markup {
    let by_options: Vec<(String, String)> = GroupBy::ALL
        .iter()
        .map(|b| (b.as_str().to_string(), t_value(lang, "stat-by", b.as_str())))
        .collect();
    let level_options: Vec<(String, String)> = RegionLevel::ALL
        .iter()
        .map(|l| {
            (
                l.as_str().to_string(),
                t_value(lang, "stat-level", l.as_str()),
            )
        })
        .collect();
    let any = || (String::new(), t(lang, "reg-any"));
    let provinces: Vec<(String, String)> = std::iter::once(any())
        .chain(
            region::provinces()
                .into_iter()
                .map(|d| (d.code, d.name.to_string())),
        )
        .collect();
    let industries: Vec<(String, String)> = std::iter::once(any())
        .chain(
            crate::demo::industry_names()
                .map(|n| (n.to_string(), t_value_or_raw(lang, "industry", n))),
        )
        .collect();
    let year = shown.map_or_else(|| given(&query.year).to_string(), |b| b.year.to_string());
    let by = match given(&query.by) {
        "" => "region",
        by => by,
    };
    let level = match given(&query.level) {
        "" => "province",
        level => level,
    };
    let quarters = match given(&query.quarters) {
        "" => "8",
        q => q,
    };
    html! {
        form method="get" action="/workspace/statistics" class="filter registry-filter" role="search" aria-label=(t(lang, "stat-filter")) {
            (select("by", t(lang, "stat-by"), &by_options, by))
            (select("level", t(lang, "stat-level"), &level_options, level))
            div class="field" {
                label for="field-year" { (t(lang, "stat-year")) }
                input id="field-year" name="year" type="number" min="2000" max="2100" value=(year);
            }
            (select("province", t(lang, "reg-province"), &provinces, given(&query.province)))
            (select("industry", t(lang, "field-industry"), &industries, given(&query.industry)))
            div class="field" {
                label for="field-quarters" { (t(lang, "stat-quarters")) }
                input id="field-quarters" name="quarters" type="number" min="1" max=(statistics::MAX_QUARTERS) value=(quarters);
            }
            div class="actions" { button type="submit" class="button" { (t(lang, "stat-show")) } }
        }
    }
}

/// A group's key as a person reads it.
fn group_label(lang: Lang, by: GroupBy, key: &str) -> String {
    match by {
        GroupBy::Region => {
            let code = format!("{key:0<6}");
            match region::name(&code) {
                Some(_) => region_label(&code),
                None => key.to_string(),
            }
        }
        GroupBy::Industry => t_value_or_raw(lang, "industry", key),
        GroupBy::BusinessModel => t_value(lang, "model", key),
        GroupBy::Grade if key == "unscored" => t(lang, "stat-unscored"),
        GroupBy::Grade => key.to_string(),
        GroupBy::Status => t_value(lang, "status", key),
    }
}

fn withheld(lang: Lang) -> Markup {
    html! { span class="withheld" title=(t(lang, "stat-withheld-why")) { (t(lang, "stat-withheld")) } }
}

fn count_cell(lang: Lang, n: Option<i64>) -> Markup {
    match n {
        Some(n) => html! { (format_number(lang, n)) },
        None => withheld(lang),
    }
}

fn money_cell(lang: Lang, figure: &Figure) -> Markup {
    match (figure.suppressed, figure.total) {
        (false, Some(total)) => html! { (format_large_money(lang, total)) },
        _ => withheld(lang),
    }
}

fn number_cell(lang: Lang, figure: &Figure) -> Markup {
    match (figure.suppressed, figure.total) {
        (false, Some(total)) => html! { (format_number(lang, total.round() as i64)) },
        _ => withheld(lang),
    }
}

fn mean_cell(lang: Lang, figure: &Figure) -> Markup {
    match (figure.suppressed, figure.mean) {
        (false, Some(mean)) => html! { (format_number(lang, mean.round() as i64)) },
        (false, None) => html! { "—" },
        _ => withheld(lang),
    }
}

fn group_row(lang: Lang, by: GroupBy, g: &GroupStatistics, total: bool) -> Markup {
    let label = if total {
        t(lang, "stat-total")
    } else {
        group_label(lang, by, &g.key)
    };
    html! {
        tr class=[total.then_some("total")] {
            th scope="row" { (label) }
            td { (count_cell(lang, g.enterprises)) }
            td { (count_cell(lang, g.reporting_enterprises)) }
            td { (money_cell(lang, &g.online_sales)) }
            td { (number_cell(lang, &g.orders)) }
            td { (money_cell(lang, &g.cross_border_trade)) }
            td { (mean_cell(lang, &g.employees)) }
            td { (money_cell(lang, &g.tax_paid)) }
        }
    }
}

/// Grades read from the best down (AAA … C, then the unscored), not alphabetically.
fn in_reading_order(by: GroupBy, groups: &[GroupStatistics]) -> Vec<&GroupStatistics> {
    let mut groups: Vec<&GroupStatistics> = groups.iter().collect();
    if by == GroupBy::Grade {
        groups.sort_by_key(|g| Grade::parse(&g.key).map_or(usize::MAX, |grade| grade.rank()));
    }
    groups
}

fn breakdown_section(lang: Lang, b: &Breakdown) -> Markup {
    let groups = in_reading_order(b.by, &b.groups);
    let by_label = t_value(lang, "stat-by", b.by.as_str());
    let caption = t_args(
        lang,
        "stat-breakdown-title",
        &[("by", &by_label), ("year", &b.year.to_string())],
    );
    let bars: Vec<FigureBar> = groups
        .iter()
        .map(|g| FigureBar {
            label: group_label(lang, b.by, &g.key),
            value: g.enterprises.map(|n| n as f64),
            text: g
                .enterprises
                .map_or_else(|| t(lang, "stat-withheld"), |n| format_number(lang, n)),
            partial: false,
        })
        .collect();
    html! {
        section aria-labelledby="breakdown-title" {
            h2 id="breakdown-title" { (caption) }
            @if b.groups.is_empty() {
                p class="empty" { (t(lang, "stat-none")) }
            } @else {
                figure class="chart-box" {
                    (svg::figure_bars(&bars, &t_args(lang, "stat-bars-label", &[("by", &by_label)])))
                    figcaption class="hint" { (t(lang, "stat-bars-caption")) }
                }
                div class="table-wrap" tabindex="0" role="region" aria-label=(caption) {
                    table {
                        thead { tr {
                            th scope="col" { (by_label) }
                            th scope="col" { (t(lang, "stat-enterprises")) }
                            th scope="col" { (t(lang, "stat-reporting")) }
                            th scope="col" { (t(lang, "op-online_sales")) }
                            th scope="col" { (t(lang, "op-orders")) }
                            th scope="col" { (t(lang, "op-cross_border_trade")) }
                            th scope="col" { (t(lang, "stat-employees-mean")) }
                            th scope="col" { (t(lang, "op-tax_paid")) }
                        } }
                        tbody {
                            @for g in &groups { (group_row(lang, b.by, g, false)) }
                        }
                        tfoot { (group_row(lang, b.by, &b.total, true)) }
                    }
                }
            }
        }
    }
}

fn trend_section(lang: Lang, quarters: &[QuarterStatistics]) -> Markup {
    let text = |v: Option<f64>, partial: bool| match v {
        Some(v) if partial => format!(
            "{} · {}",
            format_large_money(lang, v),
            t(lang, "stat-partial")
        ),
        Some(v) => format_large_money(lang, v),
        None => t(lang, "stat-withheld"),
    };
    let bars: Vec<FigureBar> = quarters
        .iter()
        .map(|q| FigureBar {
            label: q.quarter.clone(),
            value: q.online_sales,
            text: text(q.online_sales, !q.complete),
            partial: !q.complete,
        })
        .collect();
    html! {
        section aria-labelledby="trend-title" {
            h2 id="trend-title" { (t_args(lang, "stat-trend-title", &[("count", &quarters.len().to_string())])) }
            figure class="chart-box" {
                (svg::figure_bars(&bars, &t(lang, "stat-trend-label")))
                figcaption class="hint" { (t(lang, "stat-trend-caption")) }
            }
            div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "stat-trend-label")) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "stat-quarter")) }
                        th scope="col" { (t(lang, "stat-reporting")) }
                        th scope="col" { (t(lang, "op-online_sales")) }
                        th scope="col" { (t(lang, "op-orders")) }
                        th scope="col" { (t(lang, "op-refund_rate")) }
                        th scope="col" { (t(lang, "op-complaints")) }
                    } }
                    tbody {
                        @for q in quarters {
                            tr {
                                th scope="row" {
                                    (q.quarter)
                                    @if !q.complete { " " span class="badge" { (t(lang, "stat-partial")) } }
                                }
                                td { (count_cell(lang, q.reporting_enterprises)) }
                                td { @match q.online_sales { Some(v) => (format_large_money(lang, v)), None => (withheld(lang)) } }
                                td { @match q.orders { Some(v) => (format_number(lang, v.round() as i64)), None => (withheld(lang)) } }
                                td { @match q.refund_rate { Some(v) => (format_percent(lang, v)), None => (withheld(lang)) } }
                                td { @match q.complaints { Some(v) => (format_number(lang, v.round() as i64)), None => (withheld(lang)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

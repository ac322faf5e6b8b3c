//! The regulators' dashboard (issue 16, "Dashboard"): the pending work of every queue, each a
//! link to it; the grade distribution with its change since the previous evaluation; and the
//! trend of the three classes over the completed rescoring runs. Regulators and admins get it
//! as their `/workspace`; the service refuses everyone else.

use actix_web::HttpResponse;
use maud::{Markup, html};

use super::i18n::{
    Lang, format_date, format_date_time, format_number, format_percent, t, t_args, t_value,
};
use super::layout::page;
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::statistics::GradeStatistics;
use crate::error::AppResult;
use crate::report::svg::{self, ClassColumn, GradeBar};
use crate::scoring::grade::Grade;
use crate::service;
use crate::service::dashboard::{self, RegulatorDashboard};

/// The dashboard as `/workspace` for regulators and admins.
pub async fn regulator(ctx: Ctx, state: State) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let board = dashboard::regulator(&state, &ctx.caller).await?;
    let who = ctx.principal().cloned();
    let organisation = match who.as_ref().and_then(|p| p.organisation) {
        Some(id) => service::auth::organisation_name(&state, id).await?,
        None => None,
    };
    let content = html! {
        (role_nav(&ctx, "/workspace"))
        h1 { (t(lang, "reg-title")) }
        p class="hint" {
            @if let Some(p) = &who {
                (p.username) " · " (t_value(lang, "role", p.role.as_str()))
                @if let Some(name) = &organisation { " · " (name) }
                " · "
            }
            (t_args(lang, "reg-as-of", &[("date", &format_date(lang, board.today))]))
        }
        (pending_section(lang, &board))
        (distribution_section(lang, &board.grades))
        (trend_section(lang, &board))
    };
    Ok(page(&ctx, &t(lang, "reg-title"), content))
}

fn count(lang: Lang, n: i64) -> String {
    format_number(lang, n)
}

fn pending_section(lang: Lang, board: &RegulatorDashboard) -> Markup {
    let p = &board.pending;
    let due_by = format_date(lang, board.due_by);
    html! {
        section aria-labelledby="pending-title" {
            h2 id="pending-title" { (t(lang, "reg-pending")) }
            ul class="queue-cards" {
                li class=(card_class(p.list_proposals)) {
                    a href="/workspace/queues/proposals" {
                        span class="queue-count" { (count(lang, p.list_proposals)) }
                        span class="queue-name" { (t(lang, "reg-q-proposals")) }
                    }
                }
                li class=(card_class(p.open_objections)) {
                    a href="/workspace/queues/objections" {
                        span class="queue-count" { (count(lang, p.open_objections)) }
                        span class="queue-name" { (t(lang, "reg-q-objections")) }
                    }
                    ul class="queue-details" {
                        li { a href="/workspace/queues/objections?due=soon" class=[(p.objections_due_soon > 0).then_some("due")] {
                            (t_args(lang, "reg-q-objections-soon", &[("count", &count(lang, p.objections_due_soon)), ("date", &due_by)]))
                        } }
                        li { a href="/workspace/queues/objections?due=overdue" class=[(p.objections_overdue > 0).then_some("overdue")] {
                            (t_args(lang, "reg-q-objections-overdue", &[("count", &count(lang, p.objections_overdue))]))
                        } }
                    }
                }
                li class=(card_class(p.held_submissions)) {
                    a href="/workspace/queues/submissions" {
                        span class="queue-count" { (count(lang, p.held_submissions)) }
                        span class="queue-name" { (t(lang, "reg-q-submissions")) }
                    }
                }
                li class=(card_class(p.pending_repairs)) {
                    a href="/workspace/queues/repairs" {
                        span class="queue-count" { (count(lang, p.pending_repairs)) }
                        span class="queue-name" { (t(lang, "reg-q-repairs")) }
                    }
                }
                li class=(card_class(p.pending_commitments)) {
                    a href="/workspace/queues/commitments" {
                        span class="queue-count" { (count(lang, p.pending_commitments)) }
                        span class="queue-name" { (t(lang, "reg-q-commitments")) }
                    }
                    ul class="queue-details" {
                        li { (t_args(lang, "reg-q-commitments-due", &[("count", &count(lang, p.commitments_due))])) }
                    }
                }
            }
        }
    }
}

fn card_class(n: i64) -> &'static str {
    if n > 0 {
        "queue-card busy"
    } else {
        "queue-card"
    }
}

/// A published count, or the mark of a withheld one.
fn cell(lang: Lang, n: Option<i64>) -> Markup {
    match n {
        Some(n) => html! { (count(lang, n)) },
        None => {
            html! { span class="withheld" title=(t(lang, "stat-withheld-why")) { (t(lang, "stat-withheld")) } }
        }
    }
}

fn share(lang: Lang, s: Option<f64>) -> Markup {
    match s {
        Some(s) => html! { (format_percent(lang, s)) },
        None => html! { "–" },
    }
}

fn distribution_section(lang: Lang, grades: &GradeStatistics) -> Markup {
    let bars: Vec<GradeBar> = grades
        .grades
        .iter()
        .map(|g| GradeBar {
            grade: g.grade,
            count: g.current,
            label: g
                .current
                .map_or_else(|| t(lang, "stat-withheld"), |n| count(lang, n)),
        })
        .collect();
    let any = grades.grades.iter().any(|g| g.current != Some(0));
    let change = &grades.change;
    html! {
        section aria-labelledby="dist-title" {
            h2 id="dist-title" { (t(lang, "reg-distribution")) }
            @if !any {
                p class="empty" { (t(lang, "reg-nobody-graded")) }
            } @else if grades.scored_enterprises.is_none() {
                p class="empty" { (t(lang, "reg-too-few-graded")) }
            } @else {
                @let scored = grades.scored_enterprises.unwrap_or(0);
                p { (t_args(lang, "reg-graded", &[("count", &count(lang, scored))])) }
                figure class="chart-box dist-box" {
                    (svg::grade_distribution(&bars, &t(lang, "reg-distribution-aria")))
                    figcaption class="hint" { (t(lang, "reg-distribution-caption")) }
                }
                dl class="facts change-facts" {
                    dt { (t(lang, "reg-upgraded")) } dd { (cell(lang, change.upgraded)) }
                    dt { (t(lang, "reg-downgraded")) } dd { (cell(lang, change.downgraded)) }
                    dt { (t(lang, "reg-unchanged")) } dd { (cell(lang, change.unchanged)) }
                    dt { (t(lang, "reg-newly-scored")) } dd { (cell(lang, change.newly_scored)) }
                }
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "reg-distribution-table")) {
                    table {
                        caption class="visually-hidden" { (t(lang, "reg-distribution-table")) }
                        thead { tr {
                            th scope="col" { (t(lang, "reg-grade")) }
                            th scope="col" class="num" { (t(lang, "reg-now")) }
                            th scope="col" class="num" { (t(lang, "reg-share")) }
                            th scope="col" class="num" { (t(lang, "reg-before")) }
                            th scope="col" class="num" { (t(lang, "reg-share-before")) }
                        } }
                        tbody {
                            @for g in &grades.grades {
                                tr {
                                    th scope="row" { span class=(format!("badge {}", svg::grade_class(g.grade))) { (g.grade.as_str()) } }
                                    td class="num" { (cell(lang, g.current)) }
                                    td class="num" { (share(lang, g.current_share)) }
                                    td class="num" { (cell(lang, g.previous)) }
                                    td class="num" { (share(lang, g.previous_share)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A's, B's and C's shares of the published counts (withheld cells count as none: they rest
/// on fewer than three enterprises each).
fn class_shares(grades: &[(Grade, Option<i64>)]) -> [f64; 3] {
    let mut sums = [0i64; 3];
    for (grade, n) in grades {
        sums[(grade.rank() / 3).min(2)] += n.unwrap_or(0);
    }
    let total: i64 = sums.iter().sum();
    if total == 0 {
        return [0.0; 3];
    }
    sums.map(|n| n as f64 / total as f64)
}

fn trend_section(lang: Lang, board: &RegulatorDashboard) -> Markup {
    let pair = |counts: &[Option<i64>]| -> Vec<(Grade, Option<i64>)> {
        Grade::ALL
            .iter()
            .copied()
            .zip(counts.iter().copied())
            .collect()
    };
    let mut columns: Vec<ClassColumn> = board
        .trend
        .iter()
        .map(|run| {
            let shares = class_shares(&pair(&run.grades));
            ClassColumn {
                label: format_date(lang, run.finished_at.date()),
                title: class_title(
                    lang,
                    &t_args(lang, "reg-run", &[("id", &run.run_id.to_string())]),
                    shares,
                ),
                shares,
            }
        })
        .collect();
    let now: Vec<Option<i64>> = board.grades.grades.iter().map(|g| g.current).collect();
    let now_shares = class_shares(&pair(&now));
    if board.grades.scored_enterprises.unwrap_or(0) > 0 {
        columns.push(ClassColumn {
            label: t(lang, "reg-now"),
            title: class_title(lang, &t(lang, "reg-now"), now_shares),
            shares: now_shares,
        });
    }
    html! {
        section aria-labelledby="class-trend-title" {
            h2 id="class-trend-title" { (t(lang, "reg-trend")) }
            @if board.trend.is_empty() {
                p class="empty" { (t(lang, "reg-trend-empty")) }
            } @else {
                figure class="chart-box trend-box" {
                    (svg::class_shares(&columns, &t(lang, "reg-trend-aria")))
                    figcaption class="hint" {
                        ul class="legend" {
                            li { span class="swatch class-a" {} (t(lang, "reg-class-a")) }
                            li { span class="swatch class-b" {} (t(lang, "reg-class-b")) }
                            li { span class="swatch class-c" {} (t(lang, "reg-class-c")) }
                        }
                        (t(lang, "reg-trend-caption"))
                    }
                }
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "reg-trend-table")) {
                    table class="compact" {
                        caption class="visually-hidden" { (t(lang, "reg-trend-table")) }
                        thead { tr {
                            th scope="col" { (t(lang, "reg-run-col")) }
                            th scope="col" { (t(lang, "reg-completed")) }
                            @for g in Grade::ALL { th scope="col" class="num" { (g.as_str()) } }
                        } }
                        tbody {
                            @for run in board.trend.iter().rev() {
                                tr {
                                    th scope="row" { (t_args(lang, "reg-run", &[("id", &run.run_id.to_string())])) }
                                    td { (format_date_time(lang, run.finished_at)) }
                                    @for n in &run.grades { td class="num" { (cell(lang, *n)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn class_title(lang: Lang, what: &str, shares: [f64; 3]) -> String {
    t_args(
        lang,
        "reg-class-title",
        &[
            ("what", what),
            ("a", &format_percent(lang, shares[0])),
            ("b", &format_percent(lang, shares[1])),
            ("c", &format_percent(lang, shares[2])),
        ],
    )
}

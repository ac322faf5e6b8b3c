//! The public site: home, the search of the registry and an enterprise's public profile (its
//! grade, public credit events and list memberships), and creating its public report.

use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{self, csrf_field};
use super::i18n::{
    Lang, format_date, format_large_money, format_number, format_percent, t, t_args, t_value,
};
use super::layout::{page, page_with_status, pager, see_other};
use super::session::{Ctx, State};
use crate::domain::{CreditCode, Violations};
use crate::error::{AppError, AppResult};
use crate::report::document::ReportKind;
use crate::service::enterprises::{self, EnterpriseSearch};
use crate::service::lists as lists_service;
use crate::service::public;
use crate::service::reports::{self, ReportOrder};
use crate::service::scores::{self, CurrentScore};
use crate::service::{PageRequest, Paged};

pub const PER_PAGE: u32 = 20;

/// The search box (name or credit code) of the home page and the search page.
fn search_form(ctx: &Ctx, q: &str, errors: Option<&Violations>, large: bool) -> Markup {
    let lang = ctx.lang;
    let mine = forms::errors_of(errors, "q");
    html! {
        form class=(if large { "search large" } else { "search" }) method="get" action="/enterprises" role="search"
            hx-get="/enterprises" hx-target="#main" hx-push-url="true" {
            label for="search-q" { (t(lang, "search-label")) }
            div class="search-row" {
                input id="search-q" type="search" name="q" value=(q) maxlength="100"
                    placeholder=(t(lang, "search-placeholder"))
                    aria-invalid=[(!mine.is_empty()).then_some("true")]
                    aria-describedby=[(!mine.is_empty()).then_some("search-q-error")];
                button type="submit" class="button" { (t(lang, "search-button")) }
            }
            (forms::field_errors(lang, "search-q-error", &mine))
        }
    }
}

/// `GET /`.
pub async fn home(ctx: Ctx) -> HttpResponse {
    let lang = ctx.lang;
    let content = html! {
        section class="hero" {
            h1 { (t(lang, "home-title")) }
            p class="lead" { (t(lang, "home-lead")) }
            (search_form(&ctx, "", None, true))
        }
        section class="cards" aria-label=(t(lang, "home-more")) {
            a class="card" href="/lists/redlist" {
                h2 { (t(lang, "nav-redlist")) }
                p { (t(lang, "home-redlist")) }
            }
            a class="card" href="/lists/blacklist" {
                h2 { (t(lang, "nav-blacklist")) }
                p { (t(lang, "home-blacklist")) }
            }
            a class="card" href="/verify" {
                h2 { (t(lang, "nav-verify")) }
                p { (t(lang, "home-verify")) }
            }
            @if ctx.principal().is_none() {
                a class="card" href="/sign-in" {
                    h2 { (t(lang, "nav-sign-in")) }
                    p { (t(lang, "home-sign-in")) }
                }
            } @else {
                a class="card" href="/workspace" {
                    h2 { (t(lang, "nav-workspace")) }
                    p { (t(lang, "home-workspace")) }
                }
            }
        }
        section class="about" {
            h2 { (t(lang, "home-about-title")) }
            p { (t(lang, "home-about")) }
        }
    };
    page(&ctx, &t(lang, "home-title"), content)
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub page: Option<u32>,
}

/// `GET /enterprises?q=…&page=…`.
pub async fn search(
    ctx: Ctx,
    state: State,
    query: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let query = query.into_inner();
    let q = query.q.clone().unwrap_or_default();
    let paging = PageRequest::new(query.page, Some(PER_PAGE))?;
    let found = enterprises::search(
        &state,
        EnterpriseSearch {
            q: query.q.clone(),
            ..Default::default()
        },
        paging,
    )
    .await;
    let (results, errors) = match found {
        Ok(found) => (Some(found), None),
        Err(AppError::Validation(v)) => (None, Some(v)),
        Err(other) => return Err(other),
    };
    let title = t(lang, "search-title");
    let content = html! {
        h1 { (title) }
        (search_form(&ctx, &q, errors.as_ref(), false))
        @if let Some(results) = &results {
            (results_table(lang, results, &q))
        }
    };
    let status = if errors.is_some() {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        actix_web::http::StatusCode::OK
    };
    Ok(page_with_status(&ctx, status, &title, content))
}

fn results_table(lang: Lang, results: &Paged<enterprises::StoredEnterprise>, q: &str) -> Markup {
    let total = format_number(lang, results.total);
    html! {
        p class="count" role="status" { (t_args(lang, "search-count", &[("count", &total)])) }
        @if results.rows.is_empty() {
            p class="empty" { (t(lang, "search-none")) }
        } @else {
            div class="table-wrap" {
                table {
                    caption class="visually-hidden" { (t(lang, "search-title")) }
                    thead { tr {
                        th scope="col" { (t(lang, "field-name")) }
                        th scope="col" { (t(lang, "field-code")) }
                        th scope="col" { (t(lang, "field-region")) }
                        th scope="col" { (t(lang, "field-industry")) }
                        th scope="col" { (t(lang, "field-status")) }
                    } }
                    tbody {
                        @for row in &results.rows {
                            @let e = &row.enterprise;
                            tr {
                                td { a href=(format!("/enterprises/{}", e.code)) { (e.name) } }
                                td { code { (e.code.to_string()) } }
                                td { (e.region_code) }
                                td { (industry(lang, &e.industry)) }
                                td { (status_badge(lang, e.status.as_str())) }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/enterprises", &[("q", q)], results.request.page, results.request.per_page, results.total))
        }
    }
}

/// An industry as stored is free text; the usual ones are translated.
pub fn industry(lang: Lang, value: &str) -> String {
    const KNOWN: &[&str] = &[
        "retail",
        "apparel",
        "food",
        "agricultural products",
        "consumer electronics",
        "cosmetics",
        "home furnishings",
        "maternal and infant products",
        "wholesale",
        "e-commerce services",
    ];
    if KNOWN.contains(&value) {
        t_value(lang, "industry", &value.replace(' ', "_"))
    } else {
        value.to_string()
    }
}

pub fn status_badge(lang: Lang, status: &str) -> Markup {
    html! { span class=(format!("badge status-{status}")) { (t_value(lang, "status", status)) } }
}

pub fn grade_badge(lang: Lang, grade: &str) -> Markup {
    let band = match grade {
        "AAA" | "AA" | "A" => "high",
        "BBB" | "BB" | "B" => "mid",
        _ => "low",
    };
    html! {
        span class=(format!("grade grade-{band}")) title=(t_value(lang, "grade-meaning", grade)) {
            (grade)
        }
    }
}

/// The canonical code in a path; a malformed one names no enterprise (404).
pub fn path_code(raw: &str) -> AppResult<String> {
    CreditCode::parse(raw)
        .map(|c| c.to_string())
        .map_err(|_| AppError::NotFound(format!("{raw} is not a unified social credit code")))
}

/// `GET /enterprises/{code}`.
pub async fn profile(ctx: Ctx, state: State, code: web::Path<String>) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let code = path_code(&code)?;
    let stored = enterprises::get(&state, &code).await?;
    let score = match scores::current(&state, &ctx.caller, &code).await {
        Ok(score) => Some(score),
        Err(AppError::NotFound(_)) => None,
        Err(other) => return Err(other),
    };
    let (_, memberships) = lists_service::of_enterprise(&state, &ctx.caller, &code).await?;
    let events = public::credit_events(
        &state,
        &ctx.caller,
        &code,
        PageRequest::new(Some(1), Some(50))?,
    )
    .await?;
    let e = &stored.enterprise;
    let private = ctx.viewer().sees_private_of(&code);
    let today = state.clock.today();
    let content = html! {
        nav class="breadcrumbs" aria-label=(t(lang, "breadcrumbs")) {
            a href="/enterprises" { (t(lang, "search-title")) } " / "
        }
        header class="profile-head" {
            div {
                h1 { (e.name) }
                p class="code" { (t(lang, "profile-code")) " " code { (e.code.to_string()) } }
            }
            div class="grade-box" {
                @match &score {
                    Some(CurrentScore::Public { grade, as_of, .. }) => {
                        p class="label" { (t(lang, "profile-grade")) }
                        (grade_badge(lang, grade))
                        p class="as-of" { (t_args(lang, "profile-as-of", &[("date", &format_date(lang, *as_of))])) }
                    }
                    Some(CurrentScore::Full { row, percentile }) => {
                        p class="label" { (t(lang, "profile-grade")) }
                        (grade_badge(lang, &row.grade))
                        p class="as-of" { (t_args(lang, "profile-as-of", &[("date", &format_date(lang, row.as_of))])) }
                        p class="as-of" {
                            (t_args(lang, "profile-score", &[
                                ("score", &format!("{:.0}", row.score)),
                                ("percentile", &format_percent(lang, *percentile)),
                            ]))
                        }
                    }
                    None => { p class="label" { (t(lang, "profile-not-scored")) } }
                }
            }
        }
        section aria-labelledby="basic-title" {
            h2 id="basic-title" { (t(lang, "profile-basic")) }
            dl class="facts" {
                dt { (t(lang, "field-status")) } dd { (status_badge(lang, e.status.as_str())) }
                dt { (t(lang, "field-region")) } dd { (e.region_code) }
                dt { (t(lang, "field-industry")) } dd { (industry(lang, &e.industry)) }
                @if private {
                    dt { (t(lang, "field-legal-rep")) } dd { (e.legal_representative) }
                    dt { (t(lang, "field-capital")) } dd { (format_large_money(lang, e.registered_capital)) }
                    dt { (t(lang, "field-established")) } dd { (format_date(lang, e.established_on)) }
                    dt { (t(lang, "field-business-models")) }
                    dd { @for (i, m) in e.business_models.iter().enumerate() {
                        @if i > 0 { ", " } (t_value(lang, "model", m.as_str()))
                    } }
                }
            }
            @if !private { p class="hint" { (t(lang, "profile-public-note")) } }
        }
        section aria-labelledby="lists-title" {
            h2 id="lists-title" { (t(lang, "profile-lists")) }
            @if memberships.is_empty() {
                p class="empty" { (t(lang, "profile-no-lists")) }
            } @else {
                ul class="memberships" {
                    @for m in &memberships {
                        li {
                            span class=(format!("badge list-{}", m.list)) { (t_value(lang, "list", &m.list)) }
                            " " (m.reason)
                            " · " (t_args(lang, "list-since", &[("date", &format_date(lang, m.starts_on))]))
                            @if let Some(until) = m.expires_on {
                                " · " (t_args(lang, "list-until", &[("date", &format_date(lang, until))]))
                            }
                            " · " (t_value(lang, "entry-state", m.state(today).as_str()))
                        }
                    }
                }
            }
        }
        section aria-labelledby="events-title" {
            h2 id="events-title" { (t(lang, if private { "profile-events-all" } else { "profile-events" })) }
            @if events.rows.is_empty() {
                p class="empty" { (t(lang, "profile-no-events")) }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "event-date")) }
                            th scope="col" { (t(lang, "event-kind")) }
                            th scope="col" { (t(lang, "event-title")) }
                            th scope="col" { (t(lang, "event-authority")) }
                            th scope="col" { (t(lang, "event-severity")) }
                        } }
                        tbody {
                            @for ev in &events.rows {
                                @let r = &ev.record;
                                tr class=(format!("polarity-{}", r.polarity.as_str())) {
                                    td { (format_date(lang, r.decided_on)) }
                                    td { (t_value(lang, "event-kind", r.kind.as_str())) }
                                    td { (r.title) }
                                    td { (r.authority) }
                                    td { (t_value(lang, "severity", r.severity.as_str())) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="report-title" class="report-box" {
            h2 id="report-title" { (t(lang, "profile-report")) }
            p { (t(lang, "profile-report-note")) }
            form method="post" action=(format!("/enterprises/{code}/report")) {
                (csrf_field(&ctx))
                button type="submit" class="button" { (t(lang, "profile-report-button")) }
            }
        }
    };
    Ok(page(&ctx, &e.name, content))
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: Option<String>,
}

/// `POST /enterprises/{code}/report`: creates the public report and opens its printable page.
pub async fn create_report(
    ctx: Ctx,
    state: State,
    code: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> AppResult<HttpResponse> {
    forms::check_csrf(&ctx, form.csrf.as_deref())?;
    let code = path_code(&code)?;
    reports::admit_report_request(&state, &ctx.caller)?;
    let row = reports::create_report(
        &state,
        &ctx.caller,
        &code,
        ReportOrder {
            kind: Some(ReportKind::Public),
            purpose: None,
        },
    )
    .await?;
    Ok(see_other(
        &ctx,
        &format!("/api/v1/reports/{}", row.report_no),
    ))
}

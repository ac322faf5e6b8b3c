//! The bank's console (issue 16, "Bank"): the portfolio watch (enterprises added by code or
//! name, removed, and the feed of their grade and list changes with what is new since the last
//! visit highlighted), the authorisations the bank holds (those expiring within 30 days marked),
//! and full reports pulled under a live grant: the printable page, the signed JSON to download,
//! and the verification page. Banks only; the service refuses the rest.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::{Duration, NaiveDateTime};
use maud::{Markup, html};
use serde::Deserialize;

use super::enterprise::{notice_ok, to_sign_in, val, violations};
use super::forms::{Field, check_csrf, csrf_field, form_errors};
use super::i18n::{Lang, format_date, format_date_time, t, t_args, t_value, t_value_or_raw};
use super::layout::{page_with_status, pager, see_other};
use super::public::grade_badge;
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::authorization::{AuthorizationStatus, status_at};
use crate::domain::{CreditCode, Violations};
use crate::error::{AppError, AppResult};
use crate::service::reports;
use crate::service::{self, PageRequest, authorizations, watch};

/// Grants expiring within this many days are marked.
pub const EXPIRING_DAYS: i64 = 30;
/// How far back the change feed reaches.
pub const FEED_DAYS: i64 = 90;

#[derive(Debug, Deserialize)]
pub struct PortfolioQuery {
    /// Set after an enterprise was added or removed.
    pub added: Option<String>,
    pub removed: Option<String>,
}

/// `GET /workspace/portfolio`.
pub async fn portfolio(
    ctx: Ctx,
    state: State,
    query: web::Query<PortfolioQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let query = query.into_inner();
    // Read before the visit is recorded, so a refused caller records nothing.
    let items = watch::list(&state, &ctx.caller).await?;
    let last_visit = watch::record_visit(&state, &ctx.caller).await?;
    let grants = live_grants(&ctx, &state).await?;
    render_portfolio(
        &ctx,
        &state,
        items,
        &grants,
        last_visit,
        &query,
        "",
        None,
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render_portfolio(
    ctx: &Ctx,
    state: &State,
    items: Vec<watch::WatchItem>,
    grants: &[(String, String)],
    last_visit: Option<NaiveDateTime>,
    query: &PortfolioQuery,
    typed: &str,
    errors: Option<&Violations>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let since = state.clock.now() - Duration::days(FEED_DAYS);
    let feed = watch::changes(state, &ctx.caller, Ok(since)).await?;
    let names: HashMap<&str, &str> = items
        .iter()
        .map(|i| (i.enterprise_code.as_str(), i.name.as_str()))
        .collect();
    let suggestions: Vec<&(String, String)> = grants
        .iter()
        .filter(|(code, _)| !names.contains_key(code.as_str()))
        .collect();
    let new_count = feed
        .changes
        .iter()
        .filter(|c| last_visit.is_some_and(|v| c.at > v))
        .count();
    let title = t(lang, "bank-portfolio-title");
    let content = html! {
        (role_nav(ctx, "/workspace/portfolio"))
        h1 { (title) }
        @if let Some(code) = &query.added {
            (notice_ok(t_args(lang, "bank-added", &[("code", code)])))
        }
        @if let Some(code) = &query.removed {
            (notice_ok(t_args(lang, "bank-removed", &[("code", code)])))
        }
        p class="lead" { (t(lang, "bank-portfolio-lead")) }
        section aria-labelledby="watch-title" {
            h2 id="watch-title" { (t(lang, "bank-watch-list")) }
            @if items.is_empty() {
                p class="empty" { (t(lang, "bank-watch-empty")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table {
                        thead { tr {
                            th scope="col" { (t(lang, "bank-enterprise")) }
                            th scope="col" { (t(lang, "bank-grade")) }
                            th scope="col" { (t(lang, "bank-authorised")) }
                            th scope="col" { (t(lang, "bank-added-at")) }
                            th scope="col" { span class="visually-hidden" { (t(lang, "bank-actions")) } }
                        } }
                        tbody {
                            @for i in &items {
                                tr {
                                    th scope="row" {
                                        a href=(format!("/enterprises/{}", i.enterprise_code)) { (i.name) }
                                        br; code class="small" { (i.enterprise_code) }
                                    }
                                    td { @if let Some(g) = i.grade { (grade_badge(lang, g.as_str())) } @else { "—" } }
                                    td {
                                        @if i.authorized { span class="badge grant-live" { (t(lang, "bank-yes")) } }
                                        @else { span class="badge grant-expired" { (t(lang, "bank-lapsed")) } }
                                    }
                                    td { (format_date_time(lang, i.added_at)) }
                                    td {
                                        form method="post" action="/workspace/portfolio/remove" {
                                            (csrf_field(ctx))
                                            input type="hidden" name="enterprise_code" value=(i.enterprise_code);
                                            // The visible word first, the enterprise for screen readers after it.
                                            button type="submit" class="button small danger" {
                                                (t(lang, "bank-remove")) span class="visually-hidden" { " " (i.name) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (t(lang, "bank-add-title")) }
            (form_errors(lang, errors, &["enterprise"]))
            form method="post" action="/workspace/portfolio" class="stack narrow" novalidate {
                (csrf_field(ctx))
                (Field::new("enterprise", t(lang, "bank-add-field")).value(typed).required().hint(t(lang, "bank-add-hint")).list("authorised-enterprises").render(lang, errors))
                datalist id="authorised-enterprises" {
                    @for (code, name) in &suggestions { option value=(code) { (name) } }
                }
                button type="submit" class="button" { (t(lang, "bank-add-button")) }
            }
        }
        section aria-labelledby="feed-title" {
            h2 id="feed-title" { (t_args(lang, "bank-feed-title", &[("days", &FEED_DAYS.to_string())])) }
            p class="hint" {
                @match last_visit {
                    Some(at) => { (t_args(lang, "bank-since-visit", &[("at", &format_date_time(lang, at)), ("count", &new_count.to_string())])) }
                    None => { (t(lang, "bank-first-visit")) }
                }
            }
            @if feed.changes.is_empty() {
                p class="empty" { (t(lang, "bank-feed-empty")) }
            } @else {
                div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                    table class="feed" {
                        thead { tr {
                            th scope="col" { (t(lang, "bank-when")) }
                            th scope="col" { (t(lang, "bank-enterprise")) }
                            th scope="col" { (t(lang, "bank-change")) }
                        } }
                        tbody {
                            // Newest first: what a person opening the page looks for.
                            @for c in feed.changes.iter().rev() {
                                @let new = last_visit.is_some_and(|v| c.at > v);
                                tr class=[new.then_some("new")] {
                                    td {
                                        (format_date_time(lang, c.at))
                                        @if new { " " span class="badge new-badge" { (t(lang, "bank-new")) } }
                                    }
                                    td {
                                        a href=(format!("/enterprises/{}", c.enterprise_code)) {
                                            (names.get(c.enterprise_code.as_str()).copied().unwrap_or(c.enterprise_code.as_str()))
                                        }
                                    }
                                    td { (change_text(lang, c)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page_with_status(ctx, status, &title, content))
}

/// "BB → BBB (evaluated 30 Jun 2026)", or "Put on the blacklist".
fn change_text(lang: Lang, c: &watch::Change) -> Markup {
    html! {
        @match c.kind {
            watch::ChangeKind::Grade => {
                @match &c.previous {
                    Some(p) => { (grade_badge(lang, p)) " → " }
                    None => { (t(lang, "bank-first-grade")) " " }
                }
                (grade_badge(lang, &c.current))
                @if let Some(as_of) = c.as_of {
                    " " span class="hint" { (t_args(lang, "bank-evaluated", &[("date", &format_date(lang, as_of))])) }
                }
            }
            kind => {
                (t_value(lang, "bank-list-change", &format!("{}-{}", kind.as_str(), c.current)))
            }
        }
    }
}

/// The enterprises that have a live grant for the caller's bank, (code, name), by name.
async fn live_grants(ctx: &Ctx, state: &State) -> AppResult<Vec<(String, String)>> {
    let now = authorizations::now(state);
    let held = authorizations::held_by_bank(
        state,
        &ctx.caller,
        PageRequest::new(Some(1), Some(service::MAX_PAGE_SIZE))?,
    )
    .await?;
    let mut live: Vec<(String, String)> = held
        .rows
        .into_iter()
        .filter(|g| status_at(g.row.expires_on, g.row.revoked_at, now) == AuthorizationStatus::Live)
        .map(|g| (g.row.enterprise_code, g.enterprise_name))
        .collect();
    live.sort_by(|a, b| a.1.cmp(&b.1));
    live.dedup();
    Ok(live)
}

/// The code of what was typed: a credit code as it is, or the name (whole, or a part only one
/// of them has) of an enterprise that authorised the bank.
fn resolve(typed: &str, grants: &[(String, String)]) -> Result<String, Violations> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Violations::single("enterprise", "must not be empty"));
    }
    if let Ok(code) = CreditCode::parse(typed) {
        return Ok(code.to_string());
    }
    if let Some((code, _)) = grants.iter().find(|(_, name)| name == typed) {
        return Ok(code.clone());
    }
    let matches: Vec<&(String, String)> = grants
        .iter()
        .filter(|(_, name)| name.contains(typed))
        .collect();
    match matches.as_slice() {
        [(code, _)] => Ok(code.clone()),
        [] => Err(Violations::single(
            "enterprise",
            "no enterprise that has authorised your bank has this code or name",
        )),
        _ => Err(Violations::single(
            "enterprise",
            format!(
                "{} enterprises that authorised your bank match: give the code",
                matches.len()
            ),
        )),
    }
}

/// `POST /workspace/portfolio`: add by code or name.
pub async fn add(
    ctx: Ctx,
    state: State,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let typed = val(&form, "enterprise").to_string();
    let grants = live_grants(&ctx, &state).await?;
    let outcome = match resolve(&typed, &grants) {
        Ok(code) => watch::add(&state, &ctx.caller, Ok(code))
            .await
            .map_err(|e| match e {
                AppError::Forbidden(m) | AppError::Conflict(m) => {
                    AppError::Validation(Violations::single("enterprise", m))
                }
                AppError::Validation(v) => AppError::Validation(super::enterprise::rename(
                    v,
                    "",
                    &[("enterprise_code", "enterprise")],
                )),
                other => other,
            }),
        Err(v) => Err(AppError::Validation(v)),
    };
    match outcome {
        Ok(item) => Ok(see_other(
            &ctx,
            &format!("/workspace/portfolio?added={}", item.enterprise_code),
        )),
        Err(e) => {
            let v = violations(e)?;
            let items = watch::list(&state, &ctx.caller).await?;
            let last_visit = watch::last_visit(&state, &ctx.caller).await?;
            render_portfolio(
                &ctx,
                &state,
                items,
                &grants,
                last_visit,
                &PortfolioQuery {
                    added: None,
                    removed: None,
                },
                &typed,
                Some(&v),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /workspace/portfolio/remove`.
pub async fn remove(
    ctx: Ctx,
    state: State,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let code = val(&form, "enterprise_code").to_string();
    watch::remove(&state, &ctx.caller, Ok(code.clone())).await?;
    Ok(see_other(
        &ctx,
        &format!(
            "/workspace/portfolio?removed={}",
            form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
        ),
    ))
}

#[derive(Debug, Deserialize)]
pub struct GrantsQuery {
    pub page: Option<u32>,
    /// The report just pulled.
    pub report: Option<String>,
}

/// `GET /workspace/grants`: the authorisations the bank holds.
pub async fn grants(
    ctx: Ctx,
    state: State,
    query: web::Query<GrantsQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let lang = ctx.lang;
    let held = authorizations::held_by_bank(
        &state,
        &ctx.caller,
        PageRequest::new(query.page, Some(super::enterprise::PER_PAGE))?,
    )
    .await?;
    let now = authorizations::now(&state);
    let today = now.date();
    let title = t(lang, "bank-grants-title");
    let content = html! {
        (role_nav(&ctx, "/workspace/grants"))
        h1 { (title) }
        @if let Some(no) = &query.report {
            (report_notice(lang, no))
        }
        p class="lead" { (t_args(lang, "bank-grants-lead", &[("days", &EXPIRING_DAYS.to_string())])) }
        @if held.rows.is_empty() {
            p class="empty" { (t(lang, "bank-grants-empty")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "bank-enterprise")) }
                        th scope="col" { (t(lang, "ws-purpose")) }
                        th scope="col" { (t(lang, "bank-granted")) }
                        th scope="col" { (t(lang, "ws-expires-on")) }
                        th scope="col" { (t(lang, "ws-status")) }
                        th scope="col" { (t(lang, "bank-report")) }
                    } }
                    tbody {
                        @for g in &held.rows {
                            @let status = status_at(g.row.expires_on, g.row.revoked_at, now);
                            @let days_left = (g.row.expires_on - today).num_days();
                            @let expiring = status == AuthorizationStatus::Live && days_left <= EXPIRING_DAYS;
                            tr class=[expiring.then_some("expiring")] {
                                th scope="row" {
                                    a href=(format!("/enterprises/{}", g.row.enterprise_code)) { (g.enterprise_name) }
                                    br; code class="small" { (g.row.enterprise_code) }
                                }
                                td { (t_value_or_raw(lang, "purpose", &g.row.purpose)) }
                                td { (format_date_time(lang, g.row.granted_at)) }
                                td {
                                    (format_date(lang, g.row.expires_on))
                                    @if expiring {
                                        br;
                                        span class="badge countdown due" { (t_args(lang, "bank-expires-in", &[("days", &days_left.to_string())])) }
                                    }
                                }
                                td { span class=(format!("badge grant-{}", status.as_str())) { (t_value(lang, "grant-status", status.as_str())) } }
                                td {
                                    @if status == AuthorizationStatus::Live {
                                        form method="post" action="/workspace/grants/report" {
                                            (csrf_field(&ctx))
                                            input type="hidden" name="enterprise_code" value=(g.row.enterprise_code);
                                            button type="submit" class="button small" {
                                                (t(lang, "bank-pull")) span class="visually-hidden" { " " (g.enterprise_name) }
                                            }
                                        }
                                    } @else { "—" }
                                }
                            }
                        }
                    }
                }
            }
            (pager(lang, "/workspace/grants", &[], held.request.page, held.request.per_page, held.total))
        }
        p class="hint" { (t(lang, "bank-verify-hint")) " " a href="/verify" { (t(lang, "bank-verify-link")) } }
    };
    Ok(page_with_status(&ctx, StatusCode::OK, &title, content))
}

/// The report just pulled: its printable page, its signed JSON, and where to verify it.
fn report_notice(lang: Lang, no: &str) -> Markup {
    let no = form_urlencoded::byte_serialize(no.as_bytes()).collect::<String>();
    html! {
        div class="notice success" role="status" {
            p { (t_args(lang, "bank-report-made", &[("no", &no)])) }
            ul {
                li { a href=(format!("/workspace/reports/{no}")) { (t(lang, "bank-report-print")) } }
                li { a href=(format!("/workspace/reports/{no}/download")) download { (t(lang, "bank-report-download")) } }
                li { a href="/verify" { (t(lang, "bank-verify-link")) } }
            }
        }
    }
}

/// `POST /workspace/grants/report`: a full report under the live grant, then the grants page
/// with its links.
pub async fn pull_report(
    ctx: Ctx,
    state: State,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let code = super::public::path_code(val(&form, "enterprise_code"))?;
    let report_no = super::enterprise::make_full_report(&ctx, &state, &code).await?;
    Ok(see_other(
        &ctx,
        &format!("/workspace/grants?report={report_no}"),
    ))
}

/// `GET /workspace/reports/{no}/download`: the report as signed, to keep and verify later.
pub async fn download_report(
    ctx: Ctx,
    state: State,
    report_no: web::Path<String>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let read = reports::read_report(&state, &ctx.caller, &report_no, false).await?;
    // The number is the report's own (checked by the read); it names the file as it is.
    let file = report_no
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>();
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}.json\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(read.document))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants() -> Vec<(String, String)> {
        vec![
            (
                "91330100799655058B".into(),
                "杭州西湖茶电子商务有限公司".into(),
            ),
            (
                "91440300MA5FXXXX1X".into(),
                "深圳南山数码贸易有限公司".into(),
            ),
            ("91440300MA5FYYYY2Y".into(), "深圳南山茶叶有限公司".into()),
        ]
    }

    #[test]
    fn a_name_or_a_unique_part_of_one_finds_the_enterprise() {
        assert_eq!(
            resolve("杭州西湖茶电子商务有限公司", &grants()).unwrap(),
            "91330100799655058B"
        );
        assert_eq!(resolve("西湖", &grants()).unwrap(), "91330100799655058B");
        assert_eq!(
            resolve(" 91330100799655058B ", &grants()).unwrap(),
            "91330100799655058B"
        );
    }

    #[test]
    fn an_ambiguous_or_unknown_name_is_refused_beside_the_field() {
        let several = resolve("深圳南山", &grants()).unwrap_err();
        assert_eq!(several.0[0].field, "enterprise");
        assert!(several.0[0].message.contains("give the code"));
        assert!(resolve("北京", &grants()).is_err());
        assert!(resolve("  ", &grants()).is_err());
    }
}

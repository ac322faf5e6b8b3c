//! The audit log page (issue 16, "Audit log"): the trail filtered by who, role, enterprise,
//! action and day, newest first, each entry with its place in the hash chain; and the chain
//! verified from the page, naming the first broken entry if there is one. Regulators and
//! admins; the service refuses everyone else.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Duration, NaiveDate};
use maud::{Markup, html};
use serde::Deserialize;

use super::enterprise::{to_sign_in, violations};
use super::forms::{Field, check_csrf, csrf_field, form_errors};
use super::i18n::{format_date_time, format_number, t, t_args};
use super::layout::{page_with_status, pager};
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::Violations;
use crate::error::AppResult;
use crate::service::audit::{self, AuditSearch, ChainCheck};

const PER_PAGE: u32 = 50;

/// The filter as the form sends it: days rather than instants (a person thinks in days).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TrailQuery {
    pub actor: Option<String>,
    pub role: Option<String>,
    pub enterprise: Option<String>,
    pub action: Option<String>,
    pub request_id: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (included).
    pub until: Option<String>,
    pub page: Option<u32>,
}

impl TrailQuery {
    fn given(value: &Option<String>) -> &str {
        value.as_deref().map_or("", str::trim)
    }

    /// The service's search: days become the instants that bound them (UTC, as the trail
    /// shows its times); a day that is no date is refused beside its field.
    fn search(&self) -> Result<AuditSearch, Violations> {
        let mut v = Violations::new();
        let mut day = |field: &str, raw: &str| -> Option<NaiveDate> {
            if raw.is_empty() {
                return None;
            }
            let parsed = raw.parse::<NaiveDate>().ok();
            if parsed.is_none() {
                v.add(field, "must be a date (YYYY-MM-DD)");
            }
            parsed
        };
        let from = day("from", Self::given(&self.from));
        let until = day("until", Self::given(&self.until));
        v.into_result(())?;
        let instant = |d: NaiveDate| format!("{}T00:00:00Z", d.format("%Y-%m-%d"));
        Ok(AuditSearch {
            actor: self.actor.clone(),
            role: self.role.clone(),
            enterprise: self.enterprise.clone(),
            action: self.action.clone(),
            request_id: self.request_id.clone(),
            from: from.map(instant),
            until: until.map(|d| instant(d + Duration::days(1))),
            page: self.page,
            per_page: Some(PER_PAGE),
        })
    }

    fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("actor", &self.actor),
            ("role", &self.role),
            ("enterprise", &self.enterprise),
            ("action", &self.action),
            ("request_id", &self.request_id),
            ("from", &self.from),
            ("until", &self.until),
        ]
        .into_iter()
        .map(|(k, v)| (k, Self::given(v)))
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }
}

/// `GET /workspace/audit`.
pub async fn page(
    ctx: Ctx,
    state: State,
    query: web::Query<TrailQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    render(&ctx, &state, &query.into_inner(), None).await
}

/// `POST /workspace/audit/verify`: verifies the chain and shows the page with the outcome.
pub async fn verify(
    ctx: Ctx,
    state: State,
    form: web::Form<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    let outcome = audit::verify_chain(&state, &ctx.caller).await?;
    render(&ctx, &state, &TrailQuery::default(), Some(outcome)).await
}

async fn render(
    ctx: &Ctx,
    state: &State,
    query: &TrailQuery,
    checked: Option<ChainCheck>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    // Keepers only, whatever the filter says.
    crate::service::require_keeper(&ctx.caller)?;
    let (found, errors) = match query.search() {
        Err(v) => (None, Some(v)),
        Ok(search) => match audit::search(state, &ctx.caller, Ok(search)).await {
            Ok(found) => (Some(found), None),
            Err(e) => (None, Some(violations(e)?)),
        },
    };
    let title = t(lang, "audit-title");
    let value = |v: &Option<String>| TrailQuery::given(v).to_string();
    let (actor, enterprise, action, request_id, from, until) = (
        value(&query.actor),
        value(&query.enterprise),
        value(&query.action),
        value(&query.request_id),
        value(&query.from),
        value(&query.until),
    );
    let role = value(&query.role);
    let roles = ["", "admin", "regulator", "bank", "enterprise"];
    let content = html! {
        (role_nav(ctx, "/workspace/audit"))
        h1 { (title) }
        p class="hint" { (t(lang, "audit-about")) }
        (chain_section(ctx, checked.as_ref()))
        section aria-labelledby="trail-filter" {
            h2 id="trail-filter" class="visually-hidden" { (t(lang, "audit-filter")) }
            (form_errors(lang, errors.as_ref(), &["actor", "role", "enterprise", "action", "request_id", "from", "until", "page"]))
            form method="get" action="/workspace/audit" class="filter" role="search" aria-label=(t(lang, "audit-filter")) {
                (Field::new("actor", t(lang, "audit-actor")).value(&actor).render(lang, errors.as_ref()))
                div class="field" {
                    label for="field-role" { (t(lang, "audit-role")) }
                    select id="field-role" name="role" {
                        @for r in roles {
                            option value=(r) selected[r == role] {
                                @if r.is_empty() { (t(lang, "audit-any-role")) } @else { (super::i18n::t_value(lang, "role", r)) }
                            }
                        }
                    }
                }
                (Field::new("enterprise", t(lang, "audit-enterprise")).value(&enterprise).render(lang, errors.as_ref()))
                (Field::new("action", t(lang, "audit-action")).value(&action).hint(t(lang, "audit-action-hint")).render(lang, errors.as_ref()))
                (Field::new("request_id", t(lang, "audit-request")).value(&request_id).render(lang, errors.as_ref()))
                (Field::new("from", t(lang, "audit-from")).kind("date").value(&from).render(lang, errors.as_ref()))
                (Field::new("until", t(lang, "audit-until")).kind("date").value(&until).render(lang, errors.as_ref()))
                div class="actions" { button type="submit" class="button" { (t(lang, "audit-search")) } }
            }
        }
        @if let Some(found) = &found {
            section aria-labelledby="trail-title" {
                h2 id="trail-title" { (t_args(lang, "audit-found", &[("count", &format_number(lang, found.total))])) }
                @if found.rows.is_empty() {
                    p class="empty" { (t(lang, "audit-none")) }
                } @else {
                    div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "audit-table")) {
                        table class="compact audit" {
                            thead { tr {
                                th scope="col" class="num" { (t(lang, "audit-seq")) }
                                th scope="col" { (t(lang, "audit-at")) }
                                th scope="col" { (t(lang, "audit-actor")) }
                                th scope="col" { (t(lang, "audit-action")) }
                                th scope="col" class="num" { (t(lang, "audit-status")) }
                                th scope="col" { (t(lang, "audit-request")) }
                                th scope="col" { (t(lang, "audit-hash")) }
                            } }
                            tbody {
                                @for entry in &found.rows {
                                    @let e = &entry.event;
                                    tr {
                                        td class="num" { (entry.seq) }
                                        td { (format_date_time(lang, e.at)) }
                                        td {
                                            (e.actor)
                                            @if let Some(r) = &e.actor_role { br; span class="hint" { (super::i18n::t_value(lang, "role", r)) } }
                                        }
                                        td {
                                            code { (e.action) }
                                            @if e.target != e.action.split_once(' ').map_or("", |(_, p)| p) {
                                                br; span class="hint target" { (e.target) }
                                            }
                                        }
                                        td class="num" { span class=(status_class(e.status)) { (e.status) } }
                                        td { @if let Some(id) = &e.request_id { code class="short" title=(id) { (short(id)) } } }
                                        td { code class="short" title=(entry.hash) { (short(&entry.hash)) } }
                                    }
                                }
                            }
                        }
                    }
                    (pager(lang, "/workspace/audit", &query.pairs(), found.request.page, found.request.per_page, found.total))
                }
            }
        }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(ctx, status, &title, content))
}

fn short(text: &str) -> &str {
    text.get(..12).unwrap_or(text)
}

fn status_class(status: i32) -> &'static str {
    match status {
        200..=399 => "badge status-ok",
        400..=499 => "badge status-refused",
        _ => "badge status-failed",
    }
}

fn chain_section(ctx: &Ctx, checked: Option<&ChainCheck>) -> Markup {
    let lang = ctx.lang;
    html! {
        section aria-labelledby="chain-title" class="chain-box" {
            h2 id="chain-title" { (t(lang, "audit-chain")) }
            @match checked {
                Some(ChainCheck::Intact { entries, head_hash }) => {
                    div class="notice success" role="status" {
                        p { strong { (t_args(lang, "audit-intact", &[("count", &format_number(lang, *entries))])) } }
                        p class="hint" { (t(lang, "audit-head")) " " code { (head_hash) } }
                    }
                }
                Some(ChainCheck::Broken { entry, reason }) => {
                    div class="notice error" role="alert" {
                        p { strong { (t_args(lang, "audit-broken", &[("seq", &entry.to_string())])) } }
                        p class="hint" { (reason) }
                    }
                }
                None => { p class="hint" { (t(lang, "audit-chain-about")) } }
            }
            form method="post" action="/workspace/audit/verify" {
                (csrf_field(ctx))
                button type="submit" class="button" { (t(lang, "audit-verify")) }
            }
        }
    }
}

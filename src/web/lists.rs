//! The blacklist (严重失信名单) and the redlist (守信激励名单): their current entries, with search
//! and paging, as the public may read them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::forms;
use super::i18n::{Lang, format_date, format_number, t, t_args, t_value};
use super::layout::{page_with_status, pager};
use super::session::{Ctx, State};
use crate::domain::Violations;
use crate::domain::lists::ListKind;
use crate::error::{AppError, AppResult};
use crate::service::lists::{self as lists_service, ListSearch, NamedEntry};
use crate::service::{PageRequest, Paged};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub page: Option<u32>,
}

pub async fn blacklist(
    ctx: Ctx,
    state: State,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    list_page(ctx, state, ListKind::Blacklist, query.into_inner()).await
}

pub async fn redlist(
    ctx: Ctx,
    state: State,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    list_page(ctx, state, ListKind::Redlist, query.into_inner()).await
}

async fn list_page(
    ctx: Ctx,
    state: State,
    kind: ListKind,
    query: ListQuery,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let q = query.q.clone().unwrap_or_default();
    let paging = PageRequest::new(query.page, Some(super::public::PER_PAGE))?;
    let read = lists_service::read_list(
        &state,
        &ctx.caller,
        kind,
        ListSearch {
            q: query.q,
            history: false,
        },
        paging,
    )
    .await;
    let (entries, errors) = match read {
        Ok(entries) => (Some(entries), None),
        Err(AppError::Validation(v)) => (None, Some(v)),
        Err(other) => return Err(other),
    };
    let path = format!("/lists/{}", kind.as_str());
    let title = t_value(lang, "list", kind.as_str());
    let content = html! {
        h1 { (title) }
        p class="lead" { (t_value(lang, "list-about", kind.as_str())) }
        (search_form(lang, &path, &q, errors.as_ref()))
        @if let Some(entries) = &entries {
            (entries_table(lang, &path, entries, &q))
        }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(&ctx, status, &title, content))
}

fn search_form(lang: Lang, path: &str, q: &str, errors: Option<&Violations>) -> Markup {
    let mine = forms::errors_of(errors, "q");
    html! {
        form class="search" method="get" action=(path) role="search"
            hx-get=(path) hx-target="#main" hx-push-url="true" {
            label for="list-q" { (t(lang, "list-search-label")) }
            div class="search-row" {
                input id="list-q" type="search" name="q" value=(q) maxlength="100"
                    aria-invalid=[(!mine.is_empty()).then_some("true")]
                    aria-describedby=[(!mine.is_empty()).then_some("list-q-error")];
                button type="submit" class="button" { (t(lang, "search-button")) }
            }
            (forms::field_errors(lang, "list-q-error", &mine))
        }
    }
}

fn entries_table(lang: Lang, path: &str, entries: &Paged<NamedEntry>, q: &str) -> Markup {
    let total = format_number(lang, entries.total);
    html! {
        p class="count" role="status" { (t_args(lang, "list-count", &[("count", &total)])) }
        @if entries.rows.is_empty() {
            p class="empty" { (t(lang, "list-none")) }
        } @else {
            div class="table-wrap" {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "field-name")) }
                        th scope="col" { (t(lang, "list-reason")) }
                        th scope="col" { (t(lang, "list-basis")) }
                        th scope="col" { (t(lang, "list-authority")) }
                        th scope="col" { (t(lang, "list-starts")) }
                        th scope="col" { (t(lang, "list-expires")) }
                    } }
                    tbody {
                        @for row in &entries.rows {
                            @let e = &row.entry;
                            tr {
                                td {
                                    a href=(format!("/enterprises/{}", e.enterprise_code)) { (row.enterprise_name) }
                                    br;
                                    code class="small" { (e.enterprise_code) }
                                }
                                td { (e.reason) }
                                td { (e.legal_basis.as_deref().unwrap_or("—")) }
                                td { (e.authority.as_deref().unwrap_or("—")) }
                                td { (format_date(lang, e.starts_on)) }
                                td { @match e.expires_on {
                                    Some(d) => (format_date(lang, d)),
                                    None => (t(lang, "list-no-expiry")),
                                } }
                            }
                        }
                    }
                }
            }
            (pager(lang, path, &[("q", q)], entries.request.page, entries.request.per_page, entries.total))
        }
    }
}

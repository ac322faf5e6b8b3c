//! `/lists`: the blacklist (严重失信名单) and the redlist (守信激励名单). The public reads the
//! current entries; regulators and admins add entries, decide on the rules' proposals, end
//! entries by credit repair (信用修复) and read the whole history. An entry becoming active or
//! being removed rescores its enterprise in the same transaction (a blacklisted enterprise is C).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, IntoResponses, ToSchema};

use super::problems::{KeeperReadProblems, PublicReadProblems};
use super::{ApiJson, ApiQuery, KEEPERS, Page, PageQuery, PageRequest, path_code};
use crate::auth::Viewer;
use crate::domain::lists::{
    ConfirmInput, ListEntryInput, ListEntryState, ListKind, ProposalRule, RejectInput, RemoveInput,
};
use crate::error::{AppError, AppResult, Problem};
use crate::service::Caller;
use crate::service::lists::{self, ListEntryRow, ListSearch, NamedEntry};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/lists/blacklist").route(web::get().to(get_blacklist)))
        .service(super::resource("/lists/redlist").route(web::get().to(get_redlist)))
        .service(super::resource("/lists/proposals").route(web::get().to(list_proposals)))
        .service(super::resource("/lists/{list}/entries").route(web::post().to(add_entry)))
        .service(super::resource("/lists/entries/{id}").route(web::get().to(get_entry)))
        .service(
            super::resource("/lists/entries/{id}/confirm").route(web::post().to(confirm_entry)),
        )
        .service(super::resource("/lists/entries/{id}/reject").route(web::post().to(reject_entry)))
        .service(super::resource("/lists/entries/{id}/remove").route(web::post().to(remove_entry)))
        .service(
            super::resource("/enterprises/{code}/lists").route(web::get().to(enterprise_lists)),
        );
}

/// A list entry as the caller may see it. Who proposed and decided (user names) is shown to
/// regulators and admins only.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ListEntryView {
    pub id: i64,
    pub list: ListKind,
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    pub enterprise_name: String,
    /// What the entry is today: `current` entries are on the list; `expired` and `removed` ones
    /// have left it; `proposed` and `rejected` ones never were on it.
    pub state: ListEntryState,
    pub reason: String,
    pub legal_basis: Option<String>,
    pub authority: Option<String>,
    pub document_number: Option<String>,
    /// First day on the list (for a proposal: the day it was proposed).
    pub starts_on: NaiveDate,
    /// Last day on the list; open-ended when absent.
    pub expires_on: Option<NaiveDate>,
    /// The rule that proposed the entry, if a rule did.
    pub proposed_rule: Option<ProposalRule>,
    #[serde(with = "crate::domain::utc")]
    pub proposed_at: NaiveDateTime,
    /// When it was confirmed (or added) or rejected.
    #[serde(default, with = "crate::domain::utc::option")]
    pub decided_at: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
    /// The credit-repair decision that removed the entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removal: Option<RemovalView>,
    /// A user name, or `rule:<name>`. Regulators and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_by: Option<String>,
    pub version: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RemovalView {
    pub decision: String,
    pub document_number: Option<String>,
    pub decided_on: Option<NaiveDate>,
    #[serde(default, with = "crate::domain::utc::option")]
    pub removed_at: Option<NaiveDateTime>,
}

impl ListEntryView {
    fn of(row: ListEntryRow, enterprise_name: String, keeper: bool, today: NaiveDate) -> Self {
        let state = row.state(today);
        let kind = row.kind();
        let proposed_rule = row.rule();
        let removal = row.removal_decision.clone().map(|decision| RemovalView {
            decision,
            document_number: row.removal_document_number.clone(),
            decided_on: row.removal_decided_on,
            removed_at: row.removed_at,
        });
        ListEntryView {
            id: row.id,
            list: kind,
            enterprise_code: row.enterprise_code,
            enterprise_name,
            state,
            reason: row.reason,
            legal_basis: row.legal_basis,
            authority: row.authority,
            document_number: row.document_number,
            starts_on: row.starts_on,
            expires_on: row.expires_on,
            proposed_rule,
            proposed_at: row.proposed_at,
            decided_at: row.decided_at,
            rejection_reason: row.rejection_reason,
            removal,
            proposed_by: keeper.then_some(row.proposed_by),
            decided_by: row.decided_by.filter(|_| keeper),
            removed_by: row.removed_by.filter(|_| keeper),
            version: row.version,
        }
    }

    fn named(entry: NamedEntry, keeper: bool, today: NaiveDate) -> Self {
        Self::of(entry.entry, entry.enterprise_name, keeper, today)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Part of the enterprise name (any case), or the first characters of its credit code.
    #[param(example = "西湖")]
    pub q: Option<String>,
    /// Every confirmed entry, with its state (current, expired, removed) and any removal
    /// decision, instead of the current entries. Regulators and admins only.
    pub history: Option<bool>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

/// The blacklist (严重失信名单): the current entries, newest first. Public; `history=true` is
/// for regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/lists/blacklist", tag = "lists",
    params(ListQuery),
    responses(
        (status = 200, description = "One page of entries", body = Page<ListEntryView>),
        ListReadProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn get_blacklist(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<ListQuery>,
) -> AppResult<HttpResponse> {
    read_list(&state, &viewer, ListKind::Blacklist, query).await
}

/// The redlist (守信激励名单): the current entries, newest first. Public; `history=true` is for
/// regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/lists/redlist", tag = "lists",
    params(ListQuery),
    responses(
        (status = 200, description = "One page of entries", body = Page<ListEntryView>),
        ListReadProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn get_redlist(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<ListQuery>,
) -> AppResult<HttpResponse> {
    read_list(&state, &viewer, ListKind::Redlist, query).await
}

async fn read_list(
    state: &AppState,
    viewer: &Viewer,
    list: ListKind,
    query: ApiQuery<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner()?;
    let search = ListSearch {
        q: query.q,
        history: query.history.unwrap_or(false),
    };
    let caller = Caller::new(viewer.clone(), None, None);
    // Who may not read the history is told so before anything about the paging.
    if search.history {
        caller.viewer.require_role(KEEPERS)?;
    }
    let paging = PageRequest::new(query.page, query.per_page)?;
    let found = lists::read_list(state, &caller, list, search, paging).await?;
    let keeper = lists::is_keeper(viewer);
    let today = lists::today(state);
    Ok(HttpResponse::Ok().json(Page::from(
        found.map(|e| ListEntryView::named(e, keeper, today)),
    )))
}

/// Add an enterprise to a list directly: the entry is active at once, and a scored enterprise
/// is rescored (on the blacklist it is C). Regulators and admins.
#[utoipa::path(
    post, path = "/api/v1/lists/{list}/entries", tag = "lists",
    params(("list" = ListKind, Path, description = "`blacklist` or `redlist`")),
    request_body = ListEntryInput,
    responses(
        (status = 201, description = "Listed", body = ListEntryView, headers(("Location" = String))),
        AddProblems,
    ),
    security(("bearer" = []))
)]
pub async fn add_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    list: web::Path<String>,
    body: ApiJson<ListEntryInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    // The caller first: who may not keep the lists learns nothing of the path or the body.
    caller.viewer.require_role(KEEPERS)?;
    let list = ListKind::parse(&list)
        .ok_or_else(|| AppError::NotFound(format!("no list {list}: use blacklist or redlist")))?;
    let input = body.into_inner()?;
    let entry = lists::add_entry(&state, &caller, list, input).await?;
    let location = format!("/api/v1/lists/entries/{}", entry.entry.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(ListEntryView::named(entry, true, lists::today(&state))))
}

/// The rules' proposals waiting for a decision, oldest first. Regulators and admins.
#[utoipa::path(
    get, path = "/api/v1/lists/proposals", tag = "lists",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of proposals", body = Page<ListEntryView>),
        KeeperReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn list_proposals(
    state: web::Data<AppState>,
    viewer: Viewer,
    paging: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let caller = Caller::new(viewer, None, None);
    caller.viewer.require_role(KEEPERS)?;
    let paging = PageRequest::try_from(paging.into_inner()?)?;
    let found = lists::proposals(&state, &caller, paging).await?;
    let today = lists::today(&state);
    Ok(HttpResponse::Ok().json(Page::from(
        found.map(|e| ListEntryView::named(e, true, today)),
    )))
}

/// Read one list entry. Entries that were confirmed (current, expired or removed) are public;
/// proposals and rejected ones are for regulators and admins only (404 to everyone else).
#[utoipa::path(
    get, path = "/api/v1/lists/entries/{id}", tag = "lists",
    params(("id" = i64, Path, description = "Entry id")),
    responses(
        (status = 200, description = "The entry", body = ListEntryView),
        PublicReadProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn get_entry(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let caller = Caller::new(viewer, None, None);
    let entry = lists::entry(&state, &caller, id.into_inner()).await?;
    let keeper = lists::is_keeper(&caller.viewer);
    Ok(HttpResponse::Ok().json(ListEntryView::named(entry, keeper, lists::today(&state))))
}

/// Confirm a rule's proposal, completing its legal basis, authority and dates: the entry is
/// active from `starts_on` and a scored enterprise is rescored. Regulators and admins; 409 when
/// the entry is no longer a proposal (of two concurrent decisions, one wins).
#[utoipa::path(
    post, path = "/api/v1/lists/entries/{id}/confirm", tag = "lists",
    params(("id" = i64, Path, description = "Entry id")),
    request_body = ConfirmInput,
    responses(
        (status = 200, description = "Confirmed", body = ListEntryView),
        DecideProblems,
    ),
    security(("bearer" = []))
)]
pub async fn confirm_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<i64>,
    body: ApiJson<ConfirmInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    caller.viewer.require_role(KEEPERS)?;
    let input = body.into_inner()?;
    let entry = lists::confirm(&state, &caller, id.into_inner(), input).await?;
    Ok(HttpResponse::Ok().json(ListEntryView::named(entry, true, lists::today(&state))))
}

/// Reject a rule's proposal, with the reason. Regulators and admins; 409 when the entry is no
/// longer a proposal.
#[utoipa::path(
    post, path = "/api/v1/lists/entries/{id}/reject", tag = "lists",
    params(("id" = i64, Path, description = "Entry id")),
    request_body = RejectInput,
    responses(
        (status = 200, description = "Rejected", body = ListEntryView),
        DecideProblems,
    ),
    security(("bearer" = []))
)]
pub async fn reject_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<i64>,
    body: ApiJson<RejectInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    caller.viewer.require_role(KEEPERS)?;
    let input = body.into_inner()?;
    let entry = lists::reject(&state, &caller, id.into_inner(), input).await?;
    Ok(HttpResponse::Ok().json(ListEntryView::named(entry, true, lists::today(&state))))
}

/// End a current entry by credit repair (信用修复), recording the repair decision; a scored
/// enterprise is rescored. Regulators and admins; 409 unless the entry is current.
#[utoipa::path(
    post, path = "/api/v1/lists/entries/{id}/remove", tag = "lists",
    params(("id" = i64, Path, description = "Entry id")),
    request_body = RemoveInput,
    responses(
        (status = 200, description = "Removed", body = ListEntryView),
        DecideProblems,
    ),
    security(("bearer" = []))
)]
pub async fn remove_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<i64>,
    body: ApiJson<RemoveInput>,
) -> AppResult<HttpResponse> {
    let caller = super::caller(&req, viewer);
    caller.viewer.require_role(KEEPERS)?;
    let input = body.into_inner()?;
    let entry = lists::remove(&state, &caller, id.into_inner(), input).await?;
    Ok(HttpResponse::Ok().json(ListEntryView::named(entry, true, lists::today(&state))))
}

/// An enterprise's list entries, oldest first: the confirmed ones for everyone; regulators,
/// admins and the enterprise itself also see proposals and rejected ones.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/lists", tag = "lists",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B")),
    responses(
        (status = 200, description = "The enterprise's entries", body = Vec<ListEntryView>),
        PublicReadProblems,
    ),
    security((), ("bearer" = []))
)]
pub async fn enterprise_lists(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    let caller = Caller::new(viewer, None, None);
    let (name, rows) = lists::of_enterprise(&state, &caller, &code).await?;
    let keeper = lists::is_keeper(&caller.viewer);
    let today = lists::today(&state);
    let items: Vec<ListEntryView> = rows
        .into_iter()
        .map(|row| ListEntryView::of(row, name.clone(), keeper, today))
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

// ---------------------------------------------------------------------------------------------
// The problems these operations answer.

/// Reading a list: public, but `history` is for regulators and admins.
#[derive(IntoResponses)]
pub enum ListReadProblems {
    #[response(
        status = 401,
        description = "`history` asked without signing in, or a token that is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "`history` is for regulators and admins",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 422,
        description = "A query parameter is invalid; `errors` names it",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// Adding an entry directly.
#[derive(IntoResponses)]
pub enum AddProblems {
    #[response(
        status = 400,
        description = "The body is not JSON",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only regulators and admins keep the lists",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such list or enterprise",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 409,
        description = "The enterprise is on that list already",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    #[response(
        status = 413,
        description = "The body is larger than 256 KiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not sent as application/json",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
    #[response(
        status = 422,
        description = "A field is invalid; `errors` names each",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// Deciding on an entry (confirm, reject, remove).
#[derive(IntoResponses)]
pub enum DecideProblems {
    #[response(
        status = 400,
        description = "The body is not JSON",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only regulators and admins keep the lists",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such entry",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 409,
        description = "The entry is not in a state this decision applies to (or another decision came first), or the enterprise is on that list already",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    #[response(
        status = 413,
        description = "The body is larger than 256 KiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not sent as application/json",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
    #[response(
        status = 422,
        description = "A field is invalid; `errors` names each",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

//! Portfolio watch for banks: a bank keeps a watch list of enterprises that have authorised it
//! and pulls the grade and list changes since its last look, like commercial monitoring
//! services. Enterprises whose authorisation has lapsed yield nothing.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problems::CreateProblems;
use super::{ApiJson, ApiQuery, path_code};
use crate::auth::Viewer;
use crate::db::{authorizations, enterprises, watch};
use crate::domain::CreditCode;
use crate::error::{AppError, AppResult, Problem};
use crate::scoring::grade::Grade;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/watch")
            .route(web::get().to(list_watch))
            .route(web::post().to(add_watch)),
    )
    .service(super::resource("/watch/changes").route(web::get().to(changes)))
    .service(super::resource("/watch/{code}").route(web::delete().to(remove_watch)));
}

/// An enterprise on the caller's watch list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WatchItemView {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    pub name: String,
    #[serde(with = "crate::domain::utc")]
    pub added_at: NaiveDateTime,
    pub added_by: String,
    /// Whether the enterprise's authorisation of this bank is live now; changes are reported
    /// only while it is, and the grade is shown only then.
    pub authorized: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enterprise_code": "91330100799655058B"}))]
pub struct WatchInput {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
}

/// The caller's watch list. Banks only.
#[utoipa::path(
    get, path = "/api/v1/watch", tag = "watch",
    responses(
        (status = 200, description = "The bank's watch list", body = [WatchItemView]),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only banks keep watch lists", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_watch(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let (_, bank) = viewer.require_bank()?;
    let now = state.clock.now_naive();
    let items = state
        .blocking(move |db| {
            db.read(|conn| {
                let items = watch::list(conn, bank)?;
                let codes: Vec<String> = items.iter().map(|i| i.enterprise_code.clone()).collect();
                let live = authorizations::live_codes(conn, bank, &codes, now)?;
                Ok(items
                    .into_iter()
                    .map(|i| {
                        let authorized = live.contains(&i.enterprise_code);
                        WatchItemView {
                            grade: i
                                .grade
                                .filter(|_| authorized)
                                .map(|g| Grade::from_stored(&g)),
                            authorized,
                            enterprise_code: i.enterprise_code,
                            name: i.name,
                            added_at: i.added_at,
                            added_by: i.added_by,
                        }
                    })
                    .collect::<Vec<_>>())
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Watch an enterprise that has authorised the caller's bank. Banks only.
#[utoipa::path(
    post, path = "/api/v1/watch", tag = "watch",
    request_body = WatchInput,
    responses(
        (status = 201, description = "Added to the watch list", body = WatchItemView, headers(("Location" = String))),
        CreateProblems,
    ),
    security(("bearer" = []))
)]
pub async fn add_watch(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: ApiJson<WatchInput>,
) -> AppResult<HttpResponse> {
    let (principal, bank) = viewer.require_bank()?;
    let actor = principal.username.clone();
    let input = body.into_inner()?;
    let code = CreditCode::parse(&input.enterprise_code)
        .map_err(|e| AppError::validation("enterprise_code", e.to_string()))?
        .to_string();
    let now = state.clock.now_naive();
    let item = state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                if authorizations::live(conn, &code, bank, now)?.is_none() {
                    return Err(AppError::Forbidden(
                        "the enterprise has not authorised your bank".into(),
                    ));
                }
                if !watch::add(conn, bank, &code, &actor, now)? {
                    return Err(AppError::Conflict(format!(
                        "enterprise {code} is already on the watch list"
                    )));
                }
                watch::find(conn, bank, &code)?
                    .ok_or_else(|| AppError::internal("watch item vanished"))
            })
        })
        .await?;
    let location = format!("/api/v1/watch/{}", item.enterprise_code);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(WatchItemView {
            grade: item.grade.map(|g| Grade::from_stored(&g)),
            authorized: true,
            enterprise_code: item.enterprise_code,
            name: item.name,
            added_at: item.added_at,
            added_by: item.added_by,
        }))
}

/// Stop watching an enterprise. Banks only.
#[utoipa::path(
    delete, path = "/api/v1/watch/{code}", tag = "watch",
    params(("code" = String, Path, description = "Unified social credit code", example = "91330100799655058B")),
    responses(
        (status = 204, description = "Removed from the watch list"),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only banks keep watch lists", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not on the watch list", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn remove_watch(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (_, bank) = viewer.require_bank()?;
    let code = path_code(&code)?;
    let removed = state
        .blocking(move |db| db.write(|conn| watch::remove(conn, bank, &code)))
        .await?;
    if !removed {
        return Err(AppError::NotFound("not on the watch list".into()));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// Changes after this instant (RFC 3339); pass the `until` of the previous answer.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub since: DateTime<Utc>,
}

crate::text_enum! {
    /// What changed.
    pub enum ChangeKind {
        Grade = "grade",
        Blacklist = "blacklist",
        Redlist = "redlist",
    }
}

/// One change of a watched enterprise.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WatchChange {
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub enterprise_code: String,
    pub kind: ChangeKind,
    /// When the change was recorded.
    #[serde(with = "crate::domain::utc")]
    pub at: NaiveDateTime,
    /// For grades, the evaluation date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// The value before: a grade, or `listed`/`not_listed`; absent for a first grade.
    pub previous: Option<String>,
    pub current: String,
}

/// What changed since `since` and up to `until` (the time of the answer).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WatchChanges {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub changes: Vec<WatchChange>,
}

/// Grade and list changes of the watched enterprises since a time, oldest first; nothing for
/// enterprises whose authorisation has lapsed. Banks only.
#[utoipa::path(
    get, path = "/api/v1/watch/changes", tag = "watch",
    params(ChangesQuery),
    responses(
        (status = 200, description = "Changes since `since`", body = WatchChanges),
        (status = 401, description = "Not signed in, or the token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only banks keep watch lists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`since` is missing, invalid or in the future", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn changes(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: ApiQuery<ChangesQuery>,
) -> AppResult<HttpResponse> {
    let (_, bank) = viewer.require_bank()?;
    let since = query.into_inner()?.since;
    let until = state.clock.now();
    if since > until {
        return Err(AppError::validation("since", "must not be in the future"));
    }
    let (now, from) = (until.naive_utc(), since.naive_utc());
    let changes = state
        .blocking(move |db| {
            db.read(|conn| {
                let watched: Vec<String> = watch::list(conn, bank)?
                    .into_iter()
                    .map(|i| i.enterprise_code)
                    .collect();
                let live: Vec<String> = authorizations::live_codes(conn, bank, &watched, now)?
                    .into_iter()
                    .collect();
                let evaluations = watch::evaluations_since(conn, &live, from)?;
                let mut changes = grade_changes(&evaluations, from);
                changes.extend(list_changes(conn, &live, from, now)?);
                changes.sort_by(|a, b| (a.at, &a.enterprise_code).cmp(&(b.at, &b.enterprise_code)));
                Ok(changes)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(WatchChanges {
        since,
        until,
        changes,
    }))
}

/// The evaluations after `since` whose grade differs from the one before.
fn grade_changes(evaluations: &[watch::Evaluation], since: NaiveDateTime) -> Vec<WatchChange> {
    let mut out = Vec::new();
    let mut previous: Option<&watch::Evaluation> = None;
    for e in evaluations {
        let before = previous.filter(|p| p.enterprise_code == e.enterprise_code);
        if e.scored_at > since && before.is_none_or(|b| b.grade != e.grade) {
            out.push(WatchChange {
                enterprise_code: e.enterprise_code.clone(),
                kind: ChangeKind::Grade,
                at: e.scored_at,
                as_of: Some(e.as_of),
                previous: before.map(|b| b.grade.clone()),
                current: e.grade.clone(),
            });
        }
        previous = Some(e);
    }
    out
}

/// The list entries of `codes` that began, were removed or expired after `since`.
fn list_changes(
    conn: &mut crate::db::DbConnection,
    codes: &[String],
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<Vec<WatchChange>> {
    use crate::db::lists::ListChangeKind;
    use crate::domain::lists::ListKind;
    Ok(
        crate::db::lists::changes_since(conn, codes, since, now.date())?
            .into_iter()
            .map(|c| {
                let (previous, current) = match c.change {
                    ListChangeKind::Listed => ("not_listed", "listed"),
                    ListChangeKind::Removed => ("listed", "removed"),
                    ListChangeKind::Expired => ("listed", "expired"),
                };
                WatchChange {
                    enterprise_code: c.enterprise_code,
                    kind: match c.list {
                        ListKind::Blacklist => ChangeKind::Blacklist,
                        ListKind::Redlist => ChangeKind::Redlist,
                    },
                    at: c.at,
                    as_of: None,
                    previous: Some(previous.to_string()),
                    current: current.to_string(),
                }
            })
            .collect(),
    )
}

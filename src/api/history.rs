//! `/enterprises/{code}/history`: every change with who, when, source, before and after.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::views::HistoryEntryView;
use super::{ApiQuery, Page, PageRequest, path_code};
use crate::auth::Viewer;
use crate::error::{AppResult, Problem};
use crate::service::{Caller, history};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/enterprises/{code}/history").route(web::get().to(get_history)));
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only changes to this kind of record: `enterprise`, `operating_record`, `credit_event`,
    /// `sentiment_record`, `association`, `list_entry`, `commitment` or `credit_repair`.
    #[param(
        pattern = "^(enterprise|operating_record|credit_event|sentiment_record|association|list_entry|commitment|credit_repair)$"
    )]
    pub entity: Option<String>,
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<u32>,
}

/// The change history of an enterprise and its records, oldest first. Regulators, admins and
/// the enterprise itself; personal data in it is masked for all but admins.
#[utoipa::path(
    get, path = "/api/v1/enterprises/{code}/history", tag = "history",
    params(("code" = String, Path, description = "Unified social credit code"), HistoryQuery),
    responses(
        (status = 200, description = "One page of changes", body = Page<HistoryEntryView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the enterprise or a regulator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such enterprise", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or paging", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_history(
    state: web::Data<AppState>,
    viewer: Viewer,
    code: web::Path<String>,
    query: ApiQuery<HistoryQuery>,
) -> AppResult<HttpResponse> {
    let code = path_code(&code)?;
    // Who may not read the history is told so before anything about the query.
    viewer.require_private_of(&code)?;
    let query = query.into_inner()?;
    let paging = PageRequest::new(query.page, query.per_page)?;
    let caller = Caller::new(viewer.clone(), None, None);
    let changes = history::changes(&state, &caller, &code, query.entity, paging).await?;
    Ok(HttpResponse::Ok().json(Page::from(
        changes.map(|row| HistoryEntryView::of(row, &viewer)),
    )))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_documented_entity_pattern_names_every_entity() {
        let pattern = format!("^({})$", crate::service::history::ENTITIES.join("|"));
        assert!(super::super::docs::openapi_json().contains(&pattern));
    }
}

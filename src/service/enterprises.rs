//! The registry of enterprises: search it, read one, register one, correct a basic record.
//!
//! Everyone may search and read (callers who may not see an enterprise's private data get its
//! public fields only: the adapters shape that with the caller); only regulators and admins
//! register and correct.

use super::{Caller, ExpectedVersion, KEEPERS, PageRequest, Paged};
use crate::db::enterprises;
use crate::domain::enterprise::{
    BusinessModel, EnterpriseInput, EnterprisePatch, EnterpriseStatus,
};
use crate::domain::patch;
use crate::domain::region::check_region_code;
use crate::error::{AppError, AppResult};
use crate::scoring::grade::Grade;
use crate::state::AppState;

pub use crate::db::enterprises::StoredEnterprise;

/// A search of the registry as a caller types it: blank texts mean no filter.
#[derive(Debug, Default, Clone)]
pub struct EnterpriseSearch {
    /// GB/T 2260 code; a province or city code matches all within it.
    pub region_code: Option<String>,
    pub industry: Option<String>,
    pub status: Option<EnterpriseStatus>,
    pub business_model: Option<BusinessModel>,
    /// Part of the name, or the first characters of the credit code.
    pub q: Option<String>,
    /// The current published grade.
    pub grade: Option<Grade>,
}

fn non_blank(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// One page of the enterprises that match.
pub async fn search(
    state: &AppState,
    search: EnterpriseSearch,
    paging: PageRequest,
) -> AppResult<Paged<StoredEnterprise>> {
    let region_code = non_blank(search.region_code);
    if let Some(region) = &region_code {
        check_region_code(region).map_err(|e| AppError::validation("region_code", e))?;
    }
    let text = non_blank(search.q);
    if text.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::validation("q", "must be at most 100 characters"));
    }
    let filter = enterprises::EnterpriseFilter {
        region_code,
        industry: non_blank(search.industry),
        status: search.status,
        business_model: search.business_model,
        search: text,
        grade: search.grade,
    };
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| enterprises::list(conn, &filter, paging.offset(), paging.limit()))
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// The current published grade of each of `codes` that has one (public: everyone sees grades).
pub async fn current_grades(
    state: &AppState,
    codes: Vec<String>,
) -> AppResult<std::collections::HashMap<String, String>> {
    let states = state
        .blocking(move |db| db.read(|conn| crate::db::scores::grade_states(conn, &codes)))
        .await?;
    Ok(states
        .into_iter()
        .map(|(code, state)| (code, state.published))
        .collect())
}

/// One enterprise by its canonical credit code.
pub async fn get(state: &AppState, code: &str) -> AppResult<StoredEnterprise> {
    let code = code.to_string();
    state
        .blocking(move |db| db.read(|conn| enterprises::get(conn, &code)))
        .await
}

/// Registers an enterprise, as the department.
pub async fn register(
    state: &AppState,
    caller: &Caller,
    input: EnterpriseInput,
) -> AppResult<StoredEnterprise> {
    caller.viewer.require_role(KEEPERS)?;
    let enterprise = input.validate(state.clock.today())?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    state
        .blocking(move |db| {
            db.write(|conn| enterprises::insert(conn, &enterprise, "department", &ctx))
        })
        .await
}

/// Corrects a basic record; the earlier values are kept in the history.
pub async fn correct(
    state: &AppState,
    caller: &Caller,
    code: &str,
    changes: EnterprisePatch,
    expected: ExpectedVersion,
) -> AppResult<StoredEnterprise> {
    caller.viewer.require_role(KEEPERS)?;
    let ctx = caller.change_context(state.clock.now(), changes.reason.clone())?;
    let today = state.clock.today();
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                let before = enterprises::get(conn, &code)?;
                // The body first: an invalid correction is 422 whichever version it names.
                let after =
                    patch::merge(&before.enterprise.to_input(), &changes)?.validate(today)?;
                let version = expected.check(before.meta.version)?;
                let (stored, _) =
                    enterprises::update(conn, &before, &after, version, "department", &ctx)?;
                Ok(stored)
            })
        })
        .await
}

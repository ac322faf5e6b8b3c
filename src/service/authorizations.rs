//! Report authorisations: an enterprise grants a bank access to its full credit report, lists
//! and revokes its grants; banks list the grants they hold.

use chrono::NaiveDateTime;

use super::{Caller, PageRequest, Paged};
use crate::db::authorizations::{self, GrantsOf};
use crate::db::enterprises;
use crate::domain::authorization::{AuthorizationInput, AuthorizationStatus, status_at};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::db::authorizations::NamedAuthorization;

/// A bank organisation an enterprise may grant to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    pub id: i64,
    pub name: String,
}

/// The moment a grant's status is judged at: now.
pub fn now(state: &AppState) -> NaiveDateTime {
    state.clock.now_naive()
}

/// Every bank organisation. Anyone signed in.
pub async fn banks(state: &AppState, caller: &Caller) -> AppResult<Vec<Bank>> {
    caller.viewer.require_login()?;
    let banks = state.blocking(|db| db.read(authorizations::banks)).await?;
    Ok(banks
        .into_iter()
        .map(|(id, name)| Bank { id, name })
        .collect())
}

/// The enterprise itself grants a bank access to its full report.
pub async fn grant(
    state: &AppState,
    caller: &Caller,
    code: &str,
    input: AuthorizationInput,
) -> AppResult<NamedAuthorization> {
    let actor = caller
        .viewer
        .require_enterprise_self(code)?
        .username
        .clone();
    let now = now(state);
    let grant = input.validate(now.date())?;
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                if !authorizations::is_bank(conn, grant.bank_organisation_id)? {
                    return Err(AppError::validation(
                        "bank_organisation_id",
                        "names no bank: see GET /api/v1/banks",
                    ));
                }
                authorizations::insert(conn, &code, &grant, &actor, now)
            })
        })
        .await
}

/// One page of an enterprise's grants: regulators, admins and the enterprise itself.
pub async fn of_enterprise(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: PageRequest,
) -> AppResult<Paged<NamedAuthorization>> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                authorizations::page(
                    conn,
                    GrantsOf::Enterprise(&code),
                    paging.offset(),
                    paging.limit(),
                )
            })
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// One page of the grants the caller's bank holds. Banks only.
pub async fn held_by_bank(
    state: &AppState,
    caller: &Caller,
    paging: PageRequest,
) -> AppResult<Paged<NamedAuthorization>> {
    let (_, bank) = caller.viewer.require_bank()?;
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                authorizations::page(conn, GrantsOf::Bank(bank), paging.offset(), paging.limit())
            })
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// The enterprise itself revokes a live grant; `reason` is optional.
pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
    reason: Option<String>,
) -> AppResult<NamedAuthorization> {
    let actor = caller
        .viewer
        .require_enterprise_self(code)?
        .username
        .clone();
    let mut v = crate::domain::Violations::new();
    let reason = v.optional_text("reason", reason.as_deref(), 500);
    v.into_result(())?;
    let now = now(state);
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                let current = authorizations::get(conn, &code, id)?;
                match status_at(current.row.expires_on, current.row.revoked_at, now) {
                    AuthorizationStatus::Live => {}
                    status => {
                        return Err(AppError::Conflict(format!(
                            "authorisation {id} is already {status}"
                        )));
                    }
                }
                if !authorizations::revoke(conn, id, &actor, reason.as_deref(), now)? {
                    return Err(AppError::Conflict(format!(
                        "authorisation {id} is already revoked"
                    )));
                }
                authorizations::get(conn, &code, id)
            })
        })
        .await
}

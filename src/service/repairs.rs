//! Credit repair (信用修复): an enterprise applies to repair one of its negative credit events or
//! a blacklist entry; regulators and admins review the queue and approve or reject. An approval
//! ends the event's publicity early or removes the list entry, and rescores, in one transaction.

use std::sync::Arc;

use super::lists::{rescore, scoring_model};
use super::{Caller, KEEPERS, PageRequest, Paged, private_page};
use crate::db::enterprises;
use crate::db::repairs as store;
use crate::domain::repairs::{RepairDecisionInput, RepairInput, RepairOutcome, RepairStatus};
use crate::error::AppResult;
use crate::state::AppState;

pub use crate::db::repairs::RepairRow;

/// The enterprise itself applies for a repair.
pub async fn apply(
    state: &AppState,
    caller: &Caller,
    code: &str,
    input: RepairInput,
) -> AppResult<RepairRow> {
    caller.viewer.require_enterprise_self(code)?;
    let repair = input.validate()?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                store::apply(conn, &code, &repair, &ctx)
            })
        })
        .await
}

/// One page of an enterprise's applications.
pub async fn of_enterprise(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: PageRequest,
) -> AppResult<Paged<RepairRow>> {
    private_page(state, caller, code, Ok(paging), store::page_of).await
}

/// One application of an enterprise.
pub async fn get(state: &AppState, caller: &Caller, code: &str, id: i64) -> AppResult<RepairRow> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    state
        .blocking(move |db| db.read(|conn| store::get(conn, &code, id)))
        .await
}

/// One page of the applications across enterprises, optionally of one status. Keepers only.
pub async fn review_queue(
    state: &AppState,
    caller: &Caller,
    status: Option<RepairStatus>,
    paging: PageRequest,
) -> AppResult<Paged<RepairRow>> {
    caller.viewer.require_role(KEEPERS)?;
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| store::queue(conn, status, paging.offset(), paging.limit()))
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// A keeper approves or rejects an application; an approval rescores in the same transaction.
pub async fn decide(
    state: &Arc<AppState>,
    caller: &Caller,
    code: &str,
    id: i64,
    input: RepairDecisionInput,
) -> AppResult<RepairRow> {
    caller.viewer.require_role(KEEPERS)?;
    let decision = input.validate()?;
    let mut ctx = caller.change_context(state.clock.now(), None)?;
    ctx.reason = Some(decision.explanation.clone());
    let app = state.clone();
    let code = code.to_string();
    state
        .blocking(move |db| {
            let model = db.read(|conn| scoring_model(&app, conn))?;
            db.write(|conn| {
                let row = store::decide(conn, &code, id, &decision, &ctx)?;
                if decision.outcome == RepairOutcome::Approved {
                    rescore(conn, model.as_deref(), &code, &ctx)?;
                }
                Ok(row)
            })
        })
        .await
}

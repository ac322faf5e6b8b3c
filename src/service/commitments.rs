//! Credit commitments (信用承诺): an enterprise commits to keep a rule for a period; a keeper
//! decides afterwards whether it was kept, which records a credit event (an honour or a breach)
//! and rescores, in one transaction.

use std::sync::Arc;

use super::lists::{rescore, scoring_model};
use super::records::record_credit_event;
use super::{Caller, KEEPERS, PageRequest, Paged, Stored, private_page};
use crate::db::commitments as store;
use crate::db::enterprises;
use crate::domain::commitments::{
    CommitmentDecisionInput, CommitmentInput, CommitmentStatus, decidable,
};
use crate::domain::records::CreditEvent;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::db::commitments::CommitmentRow;

/// The day commitments are judged on: today.
pub fn today(state: &AppState) -> chrono::NaiveDate {
    state.clock.today()
}

/// The enterprise itself records a commitment.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    code: &str,
    input: CommitmentInput,
) -> AppResult<CommitmentRow> {
    caller.viewer.require_enterprise_self(code)?;
    let commitment = input.validate(state.clock.today())?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                store::insert(conn, &code, &commitment, &ctx)
            })
        })
        .await
}

/// One page of an enterprise's commitments.
pub async fn of_enterprise(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: PageRequest,
) -> AppResult<Paged<CommitmentRow>> {
    private_page(state, caller, code, Ok(paging), store::page).await
}

/// One page of the commitments across enterprises, optionally of one status, the earliest end
/// of period first. Keepers only.
pub async fn review_queue(
    state: &AppState,
    caller: &Caller,
    status: Option<CommitmentStatus>,
    paging: PageRequest,
) -> AppResult<Paged<CommitmentRow>> {
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

/// One commitment of an enterprise.
pub async fn get(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> AppResult<CommitmentRow> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    state
        .blocking(move |db| db.read(|conn| store::get(conn, &code, id)))
        .await
}

/// A keeper decides whether a commitment was kept: the credit event it records, and the
/// commitment as decided.
pub async fn decide(
    state: &Arc<AppState>,
    caller: &Caller,
    code: &str,
    id: i64,
    input: CommitmentDecisionInput,
) -> AppResult<(CommitmentRow, Stored<CreditEvent>)> {
    caller.viewer.require_role(KEEPERS)?;
    let today = state.clock.today();
    let mut ctx = caller.change_context(state.clock.now(), None)?;
    let app = state.clone();
    let code = code.to_string();
    state
        .blocking(move |db| {
            let model = db.read(|conn| scoring_model(&app, conn))?;
            db.write(|conn| {
                let before = store::get(conn, &code, id)?;
                // The event's title names the commitment's scope, so the decision is validated
                // against the stored commitment.
                let decision = input.validate(&before.scope, today)?;
                store::check_pending(&before)?;
                decidable(decision.outcome, before.period_end, today)
                    .map_err(AppError::Conflict)?;
                ctx.reason = Some(decision.explanation.clone());
                let event = record_credit_event(conn, &code, &decision.event, &ctx)?;
                let row = store::decide(conn, &before, &decision, event.id, &ctx)?;
                rescore(conn, model.as_deref(), &code, &ctx)?;
                Ok((row, event))
            })
        })
        .await
}

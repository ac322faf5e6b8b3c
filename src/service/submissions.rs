//! Self-maintenance: an enterprise submits its own basic data changes and operating periods;
//! clean data is applied at once, the rest waits for a regulator, who approves or rejects it.

use super::{Caller, KEEPERS, PageRequest, Paged};
use crate::db::history::ChangeContext;
use crate::db::records::{self, operating};
use crate::db::submissions;
use crate::db::{DbConnection, enterprises};
use crate::domain::patch;
use crate::domain::submission::{
    CheckedSubmission, ReviewInput, ReviewOutcome, SubmissionInput, SubmissionStatus,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::db::submissions::Submission;

/// The enterprise itself submits; the answer says whether it was applied or is held.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    code: &str,
    input: SubmissionInput,
) -> AppResult<Submission> {
    caller.viewer.require_enterprise_self(code)?;
    let today = state.clock.today();
    let checked = input.clone().check(today)?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                let recorded: Vec<_> = operating::list(conn, &code, |q| q, 0, 1000)?
                    .0
                    .into_iter()
                    .map(|s| s.record)
                    .collect();
                let findings = checked.findings(&recorded);
                let status = if findings.is_empty() {
                    SubmissionStatus::Applied
                } else {
                    // What would refuse it on approval refuses it now (an applied one is
                    // checked by `apply` below).
                    check_against_registry(conn, &code, &checked, today)?;
                    SubmissionStatus::Pending
                };
                let id = submissions::insert(
                    conn, &code, status, &input, &findings, &ctx.actor, ctx.at,
                )?;
                if status == SubmissionStatus::Applied {
                    let ctx = ChangeContext {
                        reason: Some(format!(
                            "submission {id}: self-reported, applied without review"
                        )),
                        ..ctx
                    };
                    let created = apply(conn, &code, &checked, today, &ctx)?;
                    submissions::mark_applied(conn, id, &created)?;
                }
                submissions::get(conn, &code, id)
            })
        })
        .await
}

/// The basic changes merged with the current record must be valid, and no period may overlap a
/// recorded one.
fn check_against_registry(
    conn: &mut DbConnection,
    code: &str,
    checked: &CheckedSubmission,
    today: chrono::NaiveDate,
) -> AppResult<()> {
    if let Some(basic) = &checked.basic {
        let current = enterprises::get(conn, code)?;
        patch::merge(&current.enterprise.to_input(), basic)?.validate(today)?;
    }
    for record in &checked.operating {
        records::check_period_free(conn, code, &record.period)?;
    }
    Ok(())
}

/// Applies a submission in the caller's transaction: the basic changes over the current record,
/// the periods as new `self_reported` records; the history names `ctx`'s actor and reason.
/// Returns the ids of the records created.
fn apply(
    conn: &mut DbConnection,
    code: &str,
    checked: &CheckedSubmission,
    today: chrono::NaiveDate,
    ctx: &ChangeContext,
) -> AppResult<Vec<i64>> {
    if let Some(basic) = &checked.basic {
        let before = enterprises::get(conn, code)?;
        let after = patch::merge(&before.enterprise.to_input(), basic)?.validate(today)?;
        enterprises::update(
            conn,
            &before,
            &after,
            before.meta.version,
            "self_reported",
            ctx,
        )?;
    }
    let mut created = Vec::with_capacity(checked.operating.len());
    for record in &checked.operating {
        records::check_period_free(conn, code, &record.period)?;
        created.push(operating::insert(conn, code, record, ctx)?.id);
    }
    Ok(created)
}

/// A regulator approves (and applies) or rejects a pending submission.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
    input: ReviewInput,
) -> AppResult<Submission> {
    caller.viewer.require_role(KEEPERS)?;
    let (outcome, reason) = input.check()?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    let today = state.clock.today();
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                let submission = submissions::get(conn, &code, id)?;
                if submission.status != SubmissionStatus::Pending {
                    return Err(AppError::Conflict(format!(
                        "submission {id} is {}, not pending",
                        submission.status.as_str()
                    )));
                }
                let (status, created) = match outcome {
                    ReviewOutcome::Rejected => (SubmissionStatus::Rejected, vec![]),
                    ReviewOutcome::Approved => {
                        let checked = submission.content.clone().check(today)?;
                        let ctx = ChangeContext {
                            reason: Some(format!(
                                "submission {id}: self-reported, approved by {}: {reason}",
                                ctx.actor
                            )),
                            ..ctx.clone()
                        };
                        let created = apply(conn, &code, &checked, today, &ctx)?;
                        (SubmissionStatus::Approved, created)
                    }
                };
                submissions::decide(conn, id, status, &reason, &ctx.actor, ctx.at, &created)?;
                submissions::get(conn, &code, id)
            })
        })
        .await
}

/// One page of an enterprise's submissions, optionally of one status: regulators, admins and
/// the enterprise itself.
pub async fn of_enterprise(
    state: &AppState,
    caller: &Caller,
    code: &str,
    status: Option<SubmissionStatus>,
    paging: PageRequest,
) -> AppResult<Paged<Submission>> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                submissions::list(
                    conn,
                    Some(&code),
                    status,
                    false,
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

/// One submission of an enterprise.
pub async fn get(state: &AppState, caller: &Caller, code: &str, id: i64) -> AppResult<Submission> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    state
        .blocking(move |db| db.read(|conn| submissions::get(conn, &code, id)))
        .await
}

/// One page of the submissions of one status (pending when not named), across enterprises,
/// oldest first: the regulators' queue.
pub async fn review_queue(
    state: &AppState,
    caller: &Caller,
    status: Option<SubmissionStatus>,
    paging: PageRequest,
) -> AppResult<Paged<Submission>> {
    caller.viewer.require_role(KEEPERS)?;
    let status = status.unwrap_or(SubmissionStatus::Pending);
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                submissions::list(
                    conn,
                    None,
                    Some(status),
                    true,
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

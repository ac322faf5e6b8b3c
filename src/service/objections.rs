//! Objections (异议): an enterprise disputes one of its credit events or operating records; the
//! record shows as disputed (in its views and in every report made from then on) until a
//! regulator answers `corrected`, `partly_corrected` or `upheld`, due within 20 calendar days.
//! Filing and answering each change the objection and the record in one transaction, with the
//! record's before and after in its history (source `objection`). A disputed event still counts
//! in scores and list rules as an active one until the answer (see `engine::policy_facts`); a
//! correcting answer rescores the enterprise.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Serialize, de::DeserializeOwned};

use super::lists::{rescore, scoring_model};
use super::records::{revised_event, revised_operating, store_event};
use super::{Caller, KEEPERS, PageRequest, Paged};
use crate::db::history::ChangeContext;
use crate::db::objections::{self as store, AnswerRecord, QueueFilter};
use crate::db::records::{events, operating};
use crate::db::{DbConnection, Stored, enterprises};
use crate::domain::Violations;
use crate::domain::objections::{
    self as rules, Answer, AnswerInput, NewObjection, ObjectionInput, ObjectionStatus,
    ObjectionTarget, Outcome,
};
use crate::domain::records::{
    CreditEvent, CreditEventPatch, CreditEventStatus, OperatingPatch, OperatingRecord, ReviewStatus,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::db::objections::ObjectionRow;

const SOURCE: &str = "objection";

/// Whether the caller keeps the registry, and so sees who answered.
pub fn is_keeper(caller: &Caller) -> bool {
    caller.viewer.role().is_some_and(|r| KEEPERS.contains(&r))
}

/// The day objections are judged overdue on: today.
pub fn today(state: &AppState) -> NaiveDate {
    state.clock.today()
}

/// The enterprise itself files an objection to one of its records.
pub async fn file_objection(
    state: &AppState,
    caller: &Caller,
    code: &str,
    input: ObjectionInput,
) -> AppResult<ObjectionRow> {
    caller.viewer.require_enterprise_self(code)?;
    let filing = input.validate()?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                // The record must be this enterprise's before anything about it is told: the
                // open-objection check below would otherwise answer for other enterprises'
                // records (an existence oracle).
                match filing.target {
                    ObjectionTarget::CreditEvent(id) => {
                        let before = target_record(events::get(conn, &code, id), filing.target)?;
                        refuse_second_objection(conn, &code, filing.target)?;
                        if before.record.status != CreditEventStatus::Active {
                            return Err(AppError::validation(
                                filing.target.field(),
                                format!(
                                    "only an active credit event can be disputed; this one is {}",
                                    before.record.status
                                ),
                            ));
                        }
                        let previous = before.record.status.as_str();
                        let row = file(conn, &code, &filing, previous, &ctx)?;
                        let mut after = before.record.clone();
                        after.status = CreditEventStatus::Disputed;
                        // Disputed counts as active in every rule, so the blacklist rule has
                        // nothing new to say and is not run.
                        let ctx = objection_context(&ctx, row.id, "filed");
                        events::update_as(
                            conn,
                            &before,
                            &after,
                            before.meta.version,
                            &ctx,
                            "dispute",
                            Some(SOURCE),
                        )?;
                        Ok(row)
                    }
                    ObjectionTarget::OperatingRecord(id) => {
                        let before = target_record(operating::get(conn, &code, id), filing.target)?;
                        refuse_second_objection(conn, &code, filing.target)?;
                        if before.record.review_status == ReviewStatus::Disputed {
                            return Err(AppError::validation(
                                filing.target.field(),
                                "this operating record is disputed already",
                            ));
                        }
                        let previous = before.record.review_status.as_str();
                        let row = file(conn, &code, &filing, previous, &ctx)?;
                        let mut after = before.record.clone();
                        after.review_status = ReviewStatus::Disputed;
                        let ctx = objection_context(&ctx, row.id, "filed");
                        operating::update_as(
                            conn,
                            &before,
                            &after,
                            before.meta.version,
                            &ctx,
                            "dispute",
                            Some(SOURCE),
                        )?;
                        Ok(row)
                    }
                }
            })
        })
        .await
}

/// One page of an enterprise's objections: regulators, admins and the enterprise itself.
pub async fn of_enterprise(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: PageRequest,
) -> AppResult<Paged<ObjectionRow>> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                store::of_enterprise(conn, &code, paging.offset(), paging.limit())
            })
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// One objection of an enterprise.
pub async fn get(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> AppResult<ObjectionRow> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    state
        .blocking(move |db| db.read(|conn| store::get(conn, &code, id)))
        .await
}

/// The keepers' queue: objections across enterprises, by status and whether overdue.
pub async fn queue(
    state: &AppState,
    caller: &Caller,
    status: Option<ObjectionStatus>,
    overdue: Option<bool>,
    paging: PageRequest,
) -> AppResult<Paged<ObjectionRow>> {
    caller.viewer.require_role(KEEPERS)?;
    let filter = QueueFilter {
        status,
        overdue,
        today: today(state),
    };
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| store::queue(conn, filter, paging.offset(), paging.limit()))
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// A keeper answers an open objection; a correcting answer changes the record and rescores.
pub async fn answer(
    state: &Arc<AppState>,
    caller: &Caller,
    code: &str,
    id: i64,
    input: AnswerInput,
) -> AppResult<ObjectionRow> {
    caller.viewer.require_role(KEEPERS)?;
    let answer = input.validate()?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    let ctx = objection_context(&ctx, id, &format!("answered: {}", answer.outcome));
    let today = ctx.at.date();
    let app = state.clone();
    let code = code.to_string();
    state
        .blocking(move |db| {
            let model = db.read(|conn| scoring_model(&app, conn))?;
            db.write(|conn| {
                let objection = store::get(conn, &code, id)?;
                store::claim_answer(
                    conn,
                    id,
                    &AnswerRecord {
                        outcome: answer.outcome,
                        explanation: &answer.explanation,
                        answered_by: &ctx.actor,
                        answered_at: ctx.at,
                        answered_late: today > objection.deadline,
                    },
                )?;
                let (before, after) = match objection.target() {
                    ObjectionTarget::CreditEvent(event) => {
                        answer_event(conn, &objection, event, &answer, today, &ctx)?
                    }
                    ObjectionTarget::OperatingRecord(record) => {
                        answer_operating(conn, &objection, record, &answer, today, &ctx)?
                    }
                };
                store::keep_snapshots(conn, id, &before, &after)?;
                if answer.outcome.corrects() {
                    rescore(conn, model.as_deref(), &code, &ctx)?;
                }
                store::get(conn, &code, id)
            })
        })
        .await
}

/// Stores the objection to a record whose status before the dispute is `previous`.
fn file(
    conn: &mut DbConnection,
    code: &str,
    filing: &NewObjection,
    previous: &str,
    ctx: &ChangeContext,
) -> AppResult<ObjectionRow> {
    store::insert(
        conn,
        code,
        filing,
        previous,
        &ctx.actor,
        ctx.at,
        rules::deadline(ctx.at.date()),
    )
}

/// One open objection per record; call once the record is known to be the enterprise's.
fn refuse_second_objection(
    conn: &mut DbConnection,
    code: &str,
    target: ObjectionTarget,
) -> AppResult<()> {
    match store::open_for(conn, code, target)? {
        Some(open) => Err(AppError::Conflict(format!(
            "objection {open} to this record is still open"
        ))),
        None => Ok(()),
    }
}

/// The record an objection names must be one of the enterprise's: otherwise the body is wrong.
fn target_record<R>(found: AppResult<Stored<R>>, target: ObjectionTarget) -> AppResult<Stored<R>> {
    found.map_err(|e| match e {
        AppError::NotFound(_) => {
            AppError::validation(target.field(), "names no record of this enterprise")
        }
        other => other,
    })
}

/// The history of a change an objection makes names the objection.
fn objection_context(ctx: &ChangeContext, id: i64, what: &str) -> ChangeContext {
    ChangeContext {
        reason: Some(format!("objection {id} {what}")),
        ..ctx.clone()
    }
}

/// Applies the answer to the disputed event; returns the event before and after, as JSON.
fn answer_event(
    conn: &mut DbConnection,
    objection: &ObjectionRow,
    id: i64,
    answer: &Answer,
    today: NaiveDate,
    ctx: &ChangeContext,
) -> AppResult<(String, String)> {
    let before = events::get(conn, &objection.enterprise_code, id)?;
    let correction: Option<CreditEventPatch> = parse_correction(answer)?;
    let set_status = correction.as_ref().and_then(|c| c.status);
    if set_status == Some(CreditEventStatus::Disputed) {
        return Err(AppError::validation(
            "correction.status",
            "an answer ends the dispute: set active, repaired or revoked",
        ));
    }
    let mut after = match &correction {
        Some(c) => revised_event(conn, &before, c, today).map_err(in_correction)?,
        None => before.record.clone(),
    };
    let restored = |status| {
        rules::status_after_answer(
            before.record.status,
            CreditEventStatus::Disputed,
            CreditEventStatus::from_stored(&objection.status_before_dispute),
            status,
        )
    };
    after.status = restored(set_status);
    let unchanged = CreditEvent {
        status: restored(None),
        ..before.record.clone()
    };
    check_corrects(answer.outcome, &unchanged, &after)?;
    let (stored, _) = store_event(
        conn,
        &before,
        &after,
        before.meta.version,
        ctx,
        "answer_objection",
        Some(SOURCE),
    )?;
    Ok((json(&before.record)?, json(&stored.record)?))
}

/// Applies the answer to the disputed operating record; returns it before and after, as JSON.
fn answer_operating(
    conn: &mut DbConnection,
    objection: &ObjectionRow,
    id: i64,
    answer: &Answer,
    today: NaiveDate,
    ctx: &ChangeContext,
) -> AppResult<(String, String)> {
    let before = operating::get(conn, &objection.enterprise_code, id)?;
    let correction: Option<OperatingPatch> = parse_correction(answer)?;
    let mut after = match &correction {
        Some(c) => revised_operating(&before, c, today).map_err(in_correction)?,
        None => before.record.clone(),
    };
    let review_status = rules::status_after_answer(
        before.record.review_status,
        ReviewStatus::Disputed,
        ReviewStatus::from_stored(&objection.status_before_dispute),
        None,
    );
    after.review_status = review_status;
    let unchanged = OperatingRecord {
        review_status,
        ..before.record.clone()
    };
    check_corrects(answer.outcome, &unchanged, &after)?;
    let (stored, _) = operating::update_as(
        conn,
        &before,
        &after,
        before.meta.version,
        ctx,
        "answer_objection",
        Some(SOURCE),
    )?;
    Ok((json(&before.record)?, json(&stored.record)?))
}

/// The answer's correction as the record's PATCH type; its errors are named under `correction`.
fn parse_correction<P: DeserializeOwned>(answer: &Answer) -> AppResult<Option<P>> {
    let Some(correction) = &answer.correction else {
        return Ok(None);
    };
    serde_path_to_error::deserialize(correction.clone())
        .map(Some)
        .map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." {
                "correction".to_string()
            } else {
                format!("correction.{path}")
            };
            AppError::Validation(Violations::single(&field, e.inner().to_string()))
        })
}

/// Names the fields of a refused correction under `correction`.
fn in_correction(error: AppError) -> AppError {
    match error {
        AppError::Validation(v) => {
            let mut named = Violations::new();
            for e in v.0 {
                named.add(&format!("correction.{}", e.field), e.message);
            }
            AppError::Validation(named)
        }
        other => other,
    }
}

/// A correcting answer must change the record beyond ending the dispute.
fn check_corrects<R: PartialEq>(outcome: Outcome, unchanged: &R, after: &R) -> AppResult<()> {
    if outcome.corrects() && unchanged == after {
        return Err(AppError::validation(
            "correction",
            format!("changes nothing in the record: answer upheld rather than {outcome}"),
        ));
    }
    Ok(())
}

fn json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

//! Credit repair applications (信用修复) and their decisions. What an approval does to the
//! event or the list entry is done by their own stores, in the transaction of the decision.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::history::{self, ChangeContext, Entity};
use super::records::events;
use super::schema::credit_repairs;
use super::{DbBackend, DbConnection, lists};
use crate::domain::lists::Removal;
use crate::domain::patch;
use crate::domain::repairs::{
    self, EvidenceLink, NewRepair, Refusal, RepairDecision, RepairOutcome, RepairStatus,
    RepairTarget,
};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = credit_repairs)]
pub struct RepairRow {
    pub id: i64,
    pub enterprise_code: String,
    pub credit_event_id: Option<i64>,
    pub list_entry_id: Option<i64>,
    pub corrections: String,
    /// JSON array of `EvidenceLink`; read with `evidence_links`.
    pub evidence: String,
    pub status: String,
    pub applied_by: String,
    pub applied_at: NaiveDateTime,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub explanation: Option<String>,
    pub document_number: Option<String>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

impl RepairRow {
    pub fn repair_status(&self) -> RepairStatus {
        RepairStatus::from_stored(&self.status)
    }

    pub fn target(&self) -> RepairTarget {
        match (self.credit_event_id, self.list_entry_id) {
            (Some(id), _) => RepairTarget::CreditEvent(id),
            (None, Some(id)) => RepairTarget::ListEntry(id),
            (None, None) => panic!("credit repair {} has no target", self.id),
        }
    }

    pub fn evidence_links(&self) -> Vec<EvidenceLink> {
        serde_json::from_str(&self.evidence).expect("stored evidence was serialised by us")
    }

    /// The fields a change-history row compares.
    fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            credit_event_id: self.credit_event_id,
            list_entry_id: self.list_entry_id,
            corrections: &self.corrections,
            evidence: self.evidence_links(),
            status: &self.status,
            explanation: self.explanation.as_deref(),
            document_number: self.document_number.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct Snapshot<'a> {
    credit_event_id: Option<i64>,
    list_entry_id: Option<i64>,
    corrections: &'a str,
    evidence: Vec<EvidenceLink>,
    status: &'a str,
    explanation: Option<&'a str>,
    document_number: Option<&'a str>,
}

fn record_history(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    row: &RepairRow,
    action: &str,
    source: &str,
    changes: &[patch::FieldChange],
) -> AppResult<()> {
    history::record(
        conn,
        ctx,
        &row.enterprise_code,
        Entity::CreditRepair,
        &row.id.to_string(),
        action,
        source,
        changes,
    )
}

/// 422 when the target is not the enterprise's or cannot be repaired at all, 409 when it is not
/// in force or an application for it is open already.
fn check_target(
    conn: &mut DbConnection,
    enterprise_code: &str,
    target: RepairTarget,
    today: chrono::NaiveDate,
) -> AppResult<()> {
    let (field, checked) = match target {
        RepairTarget::CreditEvent(id) => {
            let event = match events::get(conn, enterprise_code, id) {
                Err(AppError::NotFound(_)) => {
                    return Err(AppError::validation(
                        "credit_event_id",
                        "names no credit event of this enterprise",
                    ));
                }
                other => other?,
            };
            (
                "credit_event_id",
                repairs::check_event_repairable(&event.record),
            )
        }
        RepairTarget::ListEntry(id) => {
            let entry = lists::find(conn, id)?
                .map(|named| named.entry)
                .filter(|entry| entry.enterprise_code == enterprise_code)
                .ok_or_else(|| {
                    AppError::validation("list_entry_id", "names no list entry of this enterprise")
                })?;
            (
                "list_entry_id",
                repairs::check_entry_repairable(entry.kind(), entry.state(today)),
            )
        }
    };
    match checked {
        Ok(()) => {}
        Err(Refusal::Invalid(message)) => return Err(AppError::validation(field, message)),
        Err(Refusal::State(message)) => return Err(AppError::Conflict(message)),
    }
    let of_target: credit_repairs::BoxedQuery<'static, DbBackend> = match target {
        RepairTarget::CreditEvent(id) => credit_repairs::table
            .filter(credit_repairs::credit_event_id.eq(id))
            .into_boxed(),
        RepairTarget::ListEntry(id) => credit_repairs::table
            .filter(credit_repairs::list_entry_id.eq(id))
            .into_boxed(),
    };
    let open: Option<i64> = of_target
        .filter(credit_repairs::status.eq(RepairStatus::Pending.as_str()))
        .select(credit_repairs::id)
        .first(conn)
        .optional()?;
    match open {
        Some(existing) => Err(AppError::Conflict(format!(
            "credit repair application {existing} for this {} is still open",
            field.trim_end_matches("_id").replace('_', " ")
        ))),
        None => Ok(()),
    }
}

/// Stores an enterprise's application after checking its target; call inside a write
/// transaction. (A unique index keeps two concurrent applications for one target from both
/// being stored.)
pub fn apply(
    conn: &mut DbConnection,
    enterprise_code: &str,
    repair: &NewRepair,
    ctx: &ChangeContext,
) -> AppResult<RepairRow> {
    check_target(conn, enterprise_code, repair.target, ctx.at.date())?;
    let (credit_event_id, list_entry_id) = match repair.target {
        RepairTarget::CreditEvent(id) => (Some(id), None),
        RepairTarget::ListEntry(id) => (None, Some(id)),
    };
    let evidence =
        serde_json::to_string(&repair.evidence).map_err(|e| AppError::Internal(e.into()))?;
    let id: i64 = diesel::insert_into(credit_repairs::table)
        .values((
            credit_repairs::enterprise_code.eq(enterprise_code),
            credit_repairs::credit_event_id.eq(credit_event_id),
            credit_repairs::list_entry_id.eq(list_entry_id),
            credit_repairs::corrections.eq(&repair.corrections),
            credit_repairs::evidence.eq(evidence),
            credit_repairs::status.eq(RepairStatus::Pending.as_str()),
            credit_repairs::applied_by.eq(&ctx.actor),
            credit_repairs::applied_at.eq(ctx.at),
            credit_repairs::version.eq(1i64),
            credit_repairs::updated_at.eq(ctx.at),
        ))
        .returning(credit_repairs::id)
        .get_result(conn)?;
    let row = get(conn, enterprise_code, id)?;
    record_history(
        conn,
        ctx,
        &row,
        "apply",
        "self_reported",
        &patch::created(&row.snapshot()),
    )?;
    Ok(row)
}

pub fn get(conn: &mut DbConnection, enterprise_code: &str, id: i64) -> AppResult<RepairRow> {
    credit_repairs::table
        .filter(credit_repairs::id.eq(id))
        .filter(credit_repairs::enterprise_code.eq(enterprise_code))
        .select(RepairRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no credit repair application {id} for enterprise {enterprise_code}"
            ))
        })
}

/// One page of an enterprise's applications, latest first, and the total.
pub fn page_of(
    conn: &mut DbConnection,
    enterprise_code: &str,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<RepairRow>, i64)> {
    let owned =
        || credit_repairs::table.filter(credit_repairs::enterprise_code.eq(enterprise_code));
    let total = owned().count().get_result(conn)?;
    let rows = owned()
        .order(credit_repairs::id.desc())
        .offset(offset)
        .limit(limit)
        .select(RepairRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// One page of every enterprise's applications (of one status, when given), oldest first: the
/// regulators' review queue.
pub fn queue(
    conn: &mut DbConnection,
    status: Option<RepairStatus>,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<RepairRow>, i64)> {
    let filtered = || {
        let mut q: credit_repairs::BoxedQuery<'static, DbBackend> =
            credit_repairs::table.into_boxed();
        if let Some(status) = status {
            q = q.filter(credit_repairs::status.eq(status.as_str()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(credit_repairs::id.asc())
        .offset(offset)
        .limit(limit)
        .select(RepairRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Decides a pending application; 404 when the enterprise has no such application, 409 when it
/// was decided already or its target can no longer be repaired. An approval, in the same
/// transaction, marks the event `repaired` with its publicity ended today (history action
/// `repair`, source `credit_repair`) and runs the blacklist rule, or removes the list entry with
/// the decision as its removal decision. A rejection changes nothing but the application. The
/// caller rescores after an approval.
pub fn decide(
    conn: &mut DbConnection,
    enterprise_code: &str,
    id: i64,
    decision: &RepairDecision,
    ctx: &ChangeContext,
) -> AppResult<RepairRow> {
    let before = get(conn, enterprise_code, id)?;
    if before.repair_status() != RepairStatus::Pending {
        return Err(AppError::Conflict(format!(
            "credit repair application {id} was {} already",
            before.status
        )));
    }
    let target = before.target();
    let document_number = match (decision.outcome, target, &decision.document_number) {
        (RepairOutcome::Approved, RepairTarget::ListEntry(_), None) => {
            return Err(AppError::validation(
                "document_number",
                "the removal of a blacklist entry records the repair decision's number",
            ));
        }
        (_, _, number) => number.clone(),
    };
    // The decision first: of two concurrent decisions the second stops here, before it touches
    // the target.
    let after = record_decision(conn, &before, decision, ctx)?;
    if decision.outcome == RepairOutcome::Rejected {
        return Ok(after);
    }
    let effect_ctx = ChangeContext {
        reason: Some(format!(
            "credit repair application {id} approved: {}",
            decision.explanation
        )),
        ..ctx.clone()
    };
    let today = ctx.at.date();
    match target {
        RepairTarget::CreditEvent(event_id) => {
            let event = events::get(conn, enterprise_code, event_id)?;
            if let Err(Refusal::Invalid(message) | Refusal::State(message)) =
                repairs::check_event_repairable(&event.record)
            {
                return Err(AppError::Conflict(message));
            }
            let repaired = repairs::repaired_event(&event.record, today);
            events::update_as(
                conn,
                &event,
                &repaired,
                event.meta.version,
                &effect_ctx,
                "repair",
                Some("credit_repair"),
            )?;
            lists::run_blacklist_rule(conn, enterprise_code, &effect_ctx)?;
        }
        RepairTarget::ListEntry(entry_id) => {
            let removal = Removal {
                decision: decision.explanation.clone(),
                document_number: document_number.unwrap_or_default(),
                decided_on: today,
            };
            lists::remove(conn, entry_id, &removal, &effect_ctx)?;
        }
    }
    Ok(after)
}

/// Records the decision on a pending application. The update only matches the row while it is
/// pending at the version read, so of two concurrent decisions exactly one takes effect (the
/// other gets 409): the state machine alone prevents lost updates, without `If-Match`.
fn record_decision(
    conn: &mut DbConnection,
    before: &RepairRow,
    decision: &RepairDecision,
    ctx: &ChangeContext,
) -> AppResult<RepairRow> {
    let updated = diesel::update(
        credit_repairs::table
            .filter(credit_repairs::id.eq(before.id))
            .filter(credit_repairs::status.eq(RepairStatus::Pending.as_str()))
            .filter(credit_repairs::version.eq(before.version)),
    )
    .set((
        credit_repairs::status.eq(decision.outcome.status().as_str()),
        credit_repairs::decided_by.eq(&ctx.actor),
        credit_repairs::decided_at.eq(ctx.at),
        credit_repairs::explanation.eq(&decision.explanation),
        credit_repairs::document_number.eq(&decision.document_number),
        credit_repairs::version.eq(before.version + 1),
        credit_repairs::updated_at.eq(ctx.at),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(AppError::Conflict(format!(
            "credit repair application {} was decided by someone else meanwhile; read it again",
            before.id
        )));
    }
    let after = get(conn, &before.enterprise_code, before.id)?;
    let changes = patch::diff(&before.snapshot(), &after.snapshot());
    record_history(conn, ctx, &after, "decide", "department", &changes)?;
    Ok(after)
}

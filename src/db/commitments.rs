//! Credit commitments (信用承诺): what enterprises promise, and the regulators' findings.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::history::{self, ChangeContext, Entity};
use super::schema::commitments;
use super::{DbBackend, DbConnection};
use crate::domain::commitments::{CommitmentDecision, CommitmentStatus, NewCommitment};
use crate::domain::patch;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = commitments)]
pub struct CommitmentRow {
    pub id: i64,
    pub enterprise_code: String,
    pub text: String,
    pub scope: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub status: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub explanation: Option<String>,
    pub credit_event_id: Option<i64>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

impl CommitmentRow {
    pub fn commitment_status(&self) -> CommitmentStatus {
        CommitmentStatus::from_stored(&self.status)
    }

    /// The fields a change-history row compares.
    fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            text: &self.text,
            scope: &self.scope,
            period_start: self.period_start,
            period_end: self.period_end,
            status: &self.status,
            explanation: self.explanation.as_deref(),
            credit_event_id: self.credit_event_id,
        }
    }
}

#[derive(Serialize)]
struct Snapshot<'a> {
    text: &'a str,
    scope: &'a str,
    period_start: NaiveDate,
    period_end: NaiveDate,
    status: &'a str,
    explanation: Option<&'a str>,
    credit_event_id: Option<i64>,
}

fn record_history(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    row: &CommitmentRow,
    action: &str,
    source: &str,
    changes: &[patch::FieldChange],
) -> AppResult<()> {
    history::record(
        conn,
        ctx,
        &row.enterprise_code,
        Entity::Commitment,
        &row.id.to_string(),
        action,
        source,
        changes,
    )
}

/// Stores an enterprise's new commitment, pending; call inside a write transaction.
pub fn insert(
    conn: &mut DbConnection,
    enterprise_code: &str,
    commitment: &NewCommitment,
    ctx: &ChangeContext,
) -> AppResult<CommitmentRow> {
    let id: i64 = diesel::insert_into(commitments::table)
        .values((
            commitments::enterprise_code.eq(enterprise_code),
            commitments::text.eq(&commitment.text),
            commitments::scope.eq(&commitment.scope),
            commitments::period_start.eq(commitment.period_start),
            commitments::period_end.eq(commitment.period_end),
            commitments::status.eq(CommitmentStatus::Pending.as_str()),
            commitments::created_by.eq(&ctx.actor),
            commitments::created_at.eq(ctx.at),
            commitments::version.eq(1i64),
            commitments::updated_at.eq(ctx.at),
        ))
        .returning(commitments::id)
        .get_result(conn)?;
    let row = get(conn, enterprise_code, id)?;
    record_history(
        conn,
        ctx,
        &row,
        "create",
        "self_reported",
        &patch::created(&row.snapshot()),
    )?;
    Ok(row)
}

pub fn get(conn: &mut DbConnection, enterprise_code: &str, id: i64) -> AppResult<CommitmentRow> {
    commitments::table
        .filter(commitments::id.eq(id))
        .filter(commitments::enterprise_code.eq(enterprise_code))
        .select(CommitmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no commitment {id} for enterprise {enterprise_code}"
            ))
        })
}

/// One page of an enterprise's commitments, latest first, and the total.
pub fn page(
    conn: &mut DbConnection,
    enterprise_code: &str,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<CommitmentRow>, i64)> {
    let owned = || commitments::table.filter(commitments::enterprise_code.eq(enterprise_code));
    let total = owned().count().get_result(conn)?;
    let rows = owned()
        .order(commitments::id.desc())
        .offset(offset)
        .limit(limit)
        .select(CommitmentRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// One page of every enterprise's commitments (of one status, when given), the earliest end of
/// period first: the regulators' queue, where those whose period is over come first.
pub fn queue(
    conn: &mut DbConnection,
    status: Option<CommitmentStatus>,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<CommitmentRow>, i64)> {
    let filtered = || {
        let mut q: commitments::BoxedQuery<'static, DbBackend> = commitments::table.into_boxed();
        if let Some(status) = status {
            q = q.filter(commitments::status.eq(status.as_str()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((commitments::period_end.asc(), commitments::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(CommitmentRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// 409 unless the commitment is still waiting for a decision.
pub fn check_pending(row: &CommitmentRow) -> AppResult<()> {
    match row.commitment_status() {
        CommitmentStatus::Pending => Ok(()),
        status => Err(AppError::Conflict(format!(
            "commitment {} was found {status} already",
            row.id
        ))),
    }
}

/// Records the finding on a pending commitment and the credit event it created. The update only
/// matches the row while it is pending at the version read, so of two concurrent decisions
/// exactly one takes effect (the other gets 409): the state machine alone prevents lost updates,
/// without `If-Match`.
pub fn decide(
    conn: &mut DbConnection,
    before: &CommitmentRow,
    decision: &CommitmentDecision,
    credit_event_id: i64,
    ctx: &ChangeContext,
) -> AppResult<CommitmentRow> {
    let updated = diesel::update(
        commitments::table
            .filter(commitments::id.eq(before.id))
            .filter(commitments::status.eq(CommitmentStatus::Pending.as_str()))
            .filter(commitments::version.eq(before.version)),
    )
    .set((
        commitments::status.eq(decision.outcome.status().as_str()),
        commitments::decided_by.eq(&ctx.actor),
        commitments::decided_at.eq(ctx.at),
        commitments::explanation.eq(&decision.explanation),
        commitments::credit_event_id.eq(credit_event_id),
        commitments::version.eq(before.version + 1),
        commitments::updated_at.eq(ctx.at),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(AppError::Conflict(format!(
            "commitment {} was decided by someone else meanwhile; read it again",
            before.id
        )));
    }
    let after = get(conn, &before.enterprise_code, before.id)?;
    let changes = patch::diff(&before.snapshot(), &after.snapshot());
    record_history(conn, ctx, &after, "decide", "department", &changes)?;
    Ok(after)
}

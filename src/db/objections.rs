//! Objections (异议): filing, the open objection of a record, the regulators' queue and the
//! answer. The disputed record itself is changed through `records` so that its history is kept.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::objections;
use super::{DbBackend, DbConnection};
use crate::domain::objections::{
    Attachment, NewObjection, ObjectionStatus, ObjectionTarget, Outcome,
};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = objections)]
pub struct ObjectionRow {
    pub id: i64,
    pub enterprise_code: String,
    pub credit_event_id: Option<i64>,
    pub operating_record_id: Option<i64>,
    pub reason: String,
    pub attachments: String,
    pub status: String,
    pub status_before_dispute: String,
    pub filed_by: String,
    pub filed_at: NaiveDateTime,
    pub deadline: NaiveDate,
    pub outcome: Option<String>,
    pub explanation: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_late: Option<bool>,
    pub record_before: Option<String>,
    pub record_after: Option<String>,
}

impl ObjectionRow {
    pub fn target(&self) -> ObjectionTarget {
        match (self.credit_event_id, self.operating_record_id) {
            (Some(id), _) => ObjectionTarget::CreditEvent(id),
            (None, Some(id)) => ObjectionTarget::OperatingRecord(id),
            (None, None) => unreachable!("a CHECK constraint keeps one target per objection"),
        }
    }

    pub fn objection_status(&self) -> ObjectionStatus {
        ObjectionStatus::from_stored(&self.status)
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.as_deref().map(Outcome::from_stored)
    }

    pub fn attachments(&self) -> Vec<Attachment> {
        serde_json::from_str(&self.attachments).unwrap_or_default()
    }
}

/// The open objection of `enterprise_code` to a record, if any: never another enterprise's.
pub fn open_for(
    conn: &mut DbConnection,
    enterprise_code: &str,
    target: ObjectionTarget,
) -> AppResult<Option<i64>> {
    let query = objections::table
        .filter(objections::enterprise_code.eq(enterprise_code))
        .filter(objections::status.eq(ObjectionStatus::Open.as_str()))
        .into_boxed();
    let query = match target {
        ObjectionTarget::CreditEvent(id) => query.filter(objections::credit_event_id.eq(id)),
        ObjectionTarget::OperatingRecord(id) => {
            query.filter(objections::operating_record_id.eq(id))
        }
    };
    Ok(query.select(objections::id).first(conn).optional()?)
}

/// Stores a new open objection; call in the transaction that marks the record disputed.
pub fn insert(
    conn: &mut DbConnection,
    enterprise_code: &str,
    objection: &NewObjection,
    status_before_dispute: &str,
    filed_by: &str,
    filed_at: NaiveDateTime,
    deadline: NaiveDate,
) -> AppResult<ObjectionRow> {
    let (event, operating) = match objection.target {
        ObjectionTarget::CreditEvent(id) => (Some(id), None),
        ObjectionTarget::OperatingRecord(id) => (None, Some(id)),
    };
    let attachments =
        serde_json::to_string(&objection.attachments).map_err(|e| AppError::Internal(e.into()))?;
    let id: i64 = diesel::insert_into(objections::table)
        .values((
            objections::enterprise_code.eq(enterprise_code),
            objections::credit_event_id.eq(event),
            objections::operating_record_id.eq(operating),
            objections::reason.eq(&objection.reason),
            objections::attachments.eq(attachments),
            objections::status.eq(ObjectionStatus::Open.as_str()),
            objections::status_before_dispute.eq(status_before_dispute),
            objections::filed_by.eq(filed_by),
            objections::filed_at.eq(filed_at),
            objections::deadline.eq(deadline),
        ))
        .returning(objections::id)
        .get_result(conn)?;
    get(conn, enterprise_code, id)
}

pub fn get(conn: &mut DbConnection, enterprise_code: &str, id: i64) -> AppResult<ObjectionRow> {
    objections::table
        .filter(objections::id.eq(id))
        .filter(objections::enterprise_code.eq(enterprise_code))
        .select(ObjectionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no objection {id} for enterprise {enterprise_code}"
            ))
        })
}

/// One page of an enterprise's objections, latest first, and the total.
pub fn of_enterprise(
    conn: &mut DbConnection,
    enterprise_code: &str,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<ObjectionRow>, i64)> {
    let owned = || {
        objections::table
            .filter(objections::enterprise_code.eq(enterprise_code.to_string()))
            .into_boxed::<DbBackend>()
    };
    let total = owned().count().get_result(conn)?;
    let rows = owned()
        .order(objections::id.desc())
        .offset(offset)
        .limit(limit)
        .select(ObjectionRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Which objections the regulators' queue shows.
#[derive(Debug, Clone, Copy)]
pub struct QueueFilter {
    pub status: Option<ObjectionStatus>,
    /// `Some(true)`: only overdue ones (open, past the deadline on `today`); `Some(false)`: only
    /// the others.
    pub overdue: Option<bool>,
    pub today: NaiveDate,
}

/// One page of all enterprises' objections, the earliest deadline first, and the total.
pub fn queue(
    conn: &mut DbConnection,
    filter: QueueFilter,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<ObjectionRow>, i64)> {
    let filtered = || {
        let mut q = objections::table.into_boxed::<DbBackend>();
        if let Some(status) = filter.status {
            q = q.filter(objections::status.eq(status.as_str()));
        }
        if let Some(overdue) = filter.overdue {
            let today = filter.today;
            let open = ObjectionStatus::Open.as_str();
            q = if overdue {
                q.filter(objections::status.eq(open))
                    .filter(objections::deadline.lt(today))
            } else {
                q.filter(
                    objections::status
                        .ne(open)
                        .or(objections::deadline.ge(today)),
                )
            };
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((objections::deadline.asc(), objections::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(ObjectionRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The answer as stored on the objection.
pub struct AnswerRecord<'a> {
    pub outcome: Outcome,
    pub explanation: &'a str,
    pub answered_by: &'a str,
    pub answered_at: NaiveDateTime,
    pub answered_late: bool,
}

/// Marks an open objection answered; 409 if it has been answered already. Call first in the
/// answer's transaction: the row it updates stays locked against a second answer until commit.
pub fn claim_answer(conn: &mut DbConnection, id: i64, answer: &AnswerRecord<'_>) -> AppResult<()> {
    let updated = diesel::update(
        objections::table
            .filter(objections::id.eq(id))
            .filter(objections::status.eq(ObjectionStatus::Open.as_str())),
    )
    .set((
        objections::status.eq(ObjectionStatus::Answered.as_str()),
        objections::outcome.eq(answer.outcome.as_str()),
        objections::explanation.eq(answer.explanation),
        objections::answered_by.eq(answer.answered_by),
        objections::answered_at.eq(answer.answered_at),
        objections::answered_late.eq(answer.answered_late),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(AppError::Conflict(format!(
            "objection {id} has been answered already"
        )));
    }
    Ok(())
}

/// Keeps the disputed record as it was just before and just after the answer (JSON).
pub fn keep_snapshots(
    conn: &mut DbConnection,
    id: i64,
    record_before: &str,
    record_after: &str,
) -> AppResult<()> {
    diesel::update(objections::table.filter(objections::id.eq(id)))
        .set((
            objections::record_before.eq(record_before),
            objections::record_after.eq(record_after),
        ))
        .execute(conn)?;
    Ok(())
}

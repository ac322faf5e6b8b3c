//! Submissions: stored as sent, with their findings and, once decided, who decided and why.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::submissions;
use crate::domain::submission::{Finding, SubmissionInput, SubmissionStatus};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
struct Row {
    id: i64,
    enterprise_code: String,
    status: String,
    content: String,
    findings: String,
    submitted_at: NaiveDateTime,
    submitted_by: String,
    decided_at: Option<NaiveDateTime>,
    decided_by: Option<String>,
    decision_reason: Option<String>,
    applied_records: String,
}

/// A stored submission.
#[derive(Debug, Clone)]
pub struct Submission {
    pub id: i64,
    pub enterprise_code: String,
    pub status: SubmissionStatus,
    pub content: SubmissionInput,
    pub findings: Vec<Finding>,
    pub submitted_at: NaiveDateTime,
    pub submitted_by: String,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub applied_records: Vec<i64>,
}

fn json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> AppResult<T> {
    serde_json::from_str(text)
        .map_err(|e| AppError::internal(format!("stored submission unreadable: {e}")))
}

impl TryFrom<Row> for Submission {
    type Error = AppError;
    fn try_from(row: Row) -> AppResult<Self> {
        Ok(Submission {
            id: row.id,
            status: SubmissionStatus::from_stored(&row.status),
            content: parse(&row.content)?,
            findings: parse(&row.findings)?,
            applied_records: parse(&row.applied_records)?,
            enterprise_code: row.enterprise_code,
            submitted_at: row.submitted_at,
            submitted_by: row.submitted_by,
            decided_at: row.decided_at,
            decided_by: row.decided_by,
            decision_reason: row.decision_reason,
        })
    }
}

/// Stores a new submission; call inside the write transaction that applies it, if it applies.
pub fn insert(
    conn: &mut DbConnection,
    enterprise_code: &str,
    status: SubmissionStatus,
    content: &SubmissionInput,
    findings: &[Finding],
    submitted_by: &str,
    at: NaiveDateTime,
) -> AppResult<i64> {
    let id = diesel::insert_into(submissions::table)
        .values((
            submissions::enterprise_code.eq(enterprise_code),
            submissions::status.eq(status.as_str()),
            submissions::content.eq(json(content)?),
            submissions::findings.eq(json(&findings)?),
            submissions::submitted_at.eq(at),
            submissions::submitted_by.eq(submitted_by),
            submissions::applied_records.eq("[]"),
        ))
        .returning(submissions::id)
        .get_result(conn)?;
    Ok(id)
}

pub fn get(conn: &mut DbConnection, enterprise_code: &str, id: i64) -> AppResult<Submission> {
    submissions::table
        .filter(submissions::id.eq(id))
        .filter(submissions::enterprise_code.eq(enterprise_code))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("no submission {id} of {enterprise_code}")))?
        .try_into()
}

/// Records the outcome of a pending submission. The status check in the `WHERE` makes two
/// reviewers deciding at once safe: the second finds nothing pending and gets 409.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    status: SubmissionStatus,
    reason: &str,
    decided_by: &str,
    at: NaiveDateTime,
    applied_records: &[i64],
) -> AppResult<()> {
    let updated = diesel::update(
        submissions::table
            .filter(submissions::id.eq(id))
            .filter(submissions::status.eq(SubmissionStatus::Pending.as_str())),
    )
    .set((
        submissions::status.eq(status.as_str()),
        submissions::decision_reason.eq(reason),
        submissions::decided_by.eq(decided_by),
        submissions::decided_at.eq(at),
        submissions::applied_records.eq(json(&applied_records)?),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(AppError::Conflict(format!(
            "submission {id} is not pending: it has been decided already"
        )));
    }
    Ok(())
}

/// Marks a submission applied at once, with the records it created.
pub fn mark_applied(conn: &mut DbConnection, id: i64, applied_records: &[i64]) -> AppResult<()> {
    diesel::update(submissions::table.filter(submissions::id.eq(id)))
        .set(submissions::applied_records.eq(json(&applied_records)?))
        .execute(conn)?;
    Ok(())
}

/// One page of submissions, newest first: of one enterprise, or of all, optionally by status.
pub fn list(
    conn: &mut DbConnection,
    enterprise_code: Option<&str>,
    status: Option<SubmissionStatus>,
    oldest_first: bool,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<Submission>, i64)> {
    let filtered = || {
        let mut q = submissions::table.into_boxed();
        if let Some(code) = enterprise_code {
            q = q.filter(submissions::enterprise_code.eq(code.to_string()));
        }
        if let Some(status) = status {
            q = q.filter(submissions::status.eq(status.as_str()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let ordered = if oldest_first {
        filtered().order(submissions::id.asc())
    } else {
        filtered().order(submissions::id.desc())
    };
    let rows: Vec<Row> = ordered
        .offset(offset)
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Submission::try_from)
        .collect::<AppResult<_>>()?;
    Ok((items, total))
}

//! Counts for the dashboards: what waits for someone, by kind, for one enterprise or for the
//! regulators of the whole registry.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{commitments, credit_repairs, list_entries, objections, submissions};
use crate::error::AppResult;

/// What of an enterprise waits for a regulator's decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenItems {
    /// Submissions held for review.
    pub held_submissions: i64,
    /// Objections not answered yet.
    pub open_objections: i64,
    /// Credit-repair applications under review.
    pub pending_repairs: i64,
    /// Commitments in force, not decided yet.
    pub pending_commitments: i64,
}

pub fn open_items(conn: &mut DbConnection, code: &str) -> AppResult<OpenItems> {
    Ok(OpenItems {
        held_submissions: submissions::table
            .filter(submissions::enterprise_code.eq(code))
            .filter(submissions::status.eq("pending"))
            .count()
            .get_result(conn)?,
        open_objections: objections::table
            .filter(objections::enterprise_code.eq(code))
            .filter(objections::status.eq("open"))
            .count()
            .get_result(conn)?,
        pending_repairs: credit_repairs::table
            .filter(credit_repairs::enterprise_code.eq(code))
            .filter(credit_repairs::status.eq("pending"))
            .count()
            .get_result(conn)?,
        pending_commitments: commitments::table
            .filter(commitments::enterprise_code.eq(code))
            .filter(commitments::status.eq("pending"))
            .count()
            .get_result(conn)?,
    })
}

/// What waits for the regulators across the registry, each a queue of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PendingWork {
    /// The rules' list proposals waiting for a decision.
    pub list_proposals: i64,
    /// Objections not answered yet.
    pub open_objections: i64,
    /// Of those, due within the warning window (not yet overdue).
    pub objections_due_soon: i64,
    /// Of those, past their deadline.
    pub objections_overdue: i64,
    pub held_submissions: i64,
    pub pending_repairs: i64,
    pub pending_commitments: i64,
    /// Of those, past their period: ready to be found kept (or broken).
    pub commitments_due: i64,
}

/// The regulators' pending work on `today`; objections due on or before `due_by` count as due
/// soon.
pub fn pending_work(
    conn: &mut DbConnection,
    today: NaiveDate,
    due_by: NaiveDate,
) -> AppResult<PendingWork> {
    let open = || objections::table.filter(objections::status.eq("open"));
    let pending_commitments = || commitments::table.filter(commitments::status.eq("pending"));
    Ok(PendingWork {
        list_proposals: list_entries::table
            .filter(list_entries::status.eq("proposed"))
            .count()
            .get_result(conn)?,
        open_objections: open().count().get_result(conn)?,
        objections_due_soon: open()
            .filter(objections::deadline.ge(today))
            .filter(objections::deadline.le(due_by))
            .count()
            .get_result(conn)?,
        objections_overdue: open()
            .filter(objections::deadline.lt(today))
            .count()
            .get_result(conn)?,
        held_submissions: submissions::table
            .filter(submissions::status.eq("pending"))
            .count()
            .get_result(conn)?,
        pending_repairs: credit_repairs::table
            .filter(credit_repairs::status.eq("pending"))
            .count()
            .get_result(conn)?,
        pending_commitments: pending_commitments().count().get_result(conn)?,
        commitments_due: pending_commitments()
            .filter(commitments::period_end.lt(today))
            .count()
            .get_result(conn)?,
    })
}

//! Counts for an enterprise's dashboard: what waits for someone, by kind.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::{commitments, credit_repairs, objections, submissions};
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

//! Banks' watch lists (portfolio monitoring) and the grade changes they are told about.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{current_scores, enterprises, portfolio_visits, scores, watch_items};
use crate::error::AppResult;

#[derive(Debug, Clone)]
pub struct WatchedEnterprise {
    pub enterprise_code: String,
    pub name: String,
    pub added_at: NaiveDateTime,
    pub added_by: String,
    pub grade: Option<String>,
}

/// Adds an enterprise to a bank's watch list; false when it is already there.
pub fn add(
    conn: &mut DbConnection,
    organisation_id: i64,
    enterprise_code: &str,
    added_by: &str,
    at: NaiveDateTime,
) -> AppResult<bool> {
    let present: i64 = watch_items::table
        .filter(watch_items::organisation_id.eq(organisation_id))
        .filter(watch_items::enterprise_code.eq(enterprise_code))
        .count()
        .get_result(conn)?;
    if present > 0 {
        return Ok(false);
    }
    diesel::insert_into(watch_items::table)
        .values((
            watch_items::organisation_id.eq(organisation_id),
            watch_items::enterprise_code.eq(enterprise_code),
            watch_items::added_at.eq(at),
            watch_items::added_by.eq(added_by),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Removes an enterprise from a bank's watch list; false when it was not there.
pub fn remove(
    conn: &mut DbConnection,
    organisation_id: i64,
    enterprise_code: &str,
) -> AppResult<bool> {
    let removed = diesel::delete(
        watch_items::table
            .filter(watch_items::organisation_id.eq(organisation_id))
            .filter(watch_items::enterprise_code.eq(enterprise_code)),
    )
    .execute(conn)?;
    Ok(removed > 0)
}

/// A bank's watch list with each enterprise's name and current grade, in code order.
pub fn list(conn: &mut DbConnection, organisation_id: i64) -> AppResult<Vec<WatchedEnterprise>> {
    watched(conn, organisation_id, None)
}

/// One enterprise of a bank's watch list, if it is there.
pub fn find(
    conn: &mut DbConnection,
    organisation_id: i64,
    enterprise_code: &str,
) -> AppResult<Option<WatchedEnterprise>> {
    Ok(watched(conn, organisation_id, Some(enterprise_code))?.pop())
}

fn watched(
    conn: &mut DbConnection,
    organisation_id: i64,
    only: Option<&str>,
) -> AppResult<Vec<WatchedEnterprise>> {
    let mut query = watch_items::table
        .inner_join(enterprises::table)
        .left_join(
            current_scores::table
                .on(current_scores::enterprise_code.eq(watch_items::enterprise_code)),
        )
        .filter(watch_items::organisation_id.eq(organisation_id))
        .into_boxed();
    if let Some(code) = only {
        query = query.filter(watch_items::enterprise_code.eq(code.to_string()));
    }
    let rows: Vec<(String, String, NaiveDateTime, String, Option<String>)> = query
        .order(watch_items::enterprise_code.asc())
        .select((
            watch_items::enterprise_code,
            enterprises::name,
            watch_items::added_at,
            watch_items::added_by,
            current_scores::grade.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(enterprise_code, name, added_at, added_by, grade)| WatchedEnterprise {
                enterprise_code,
                name,
                added_at,
                added_by,
                grade,
            },
        )
        .collect())
}

/// One evaluation in the grade trail of a watched enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub enterprise_code: String,
    pub score_id: i64,
    pub as_of: NaiveDate,
    pub scored_at: NaiveDateTime,
    pub grade: String,
}

/// For each of `codes`: its evaluations stored after `since` (oldest first), preceded by the
/// last one stored at or before `since` when there is one, so every change can name the grade
/// it replaced.
pub fn evaluations_since(
    conn: &mut DbConnection,
    codes: &[String],
    since: NaiveDateTime,
) -> AppResult<Vec<Evaluation>> {
    type Raw = (String, i64, NaiveDate, NaiveDateTime, String);
    let columns = (
        scores::enterprise_code,
        scores::id,
        scores::as_of,
        scores::scored_at,
        scores::grade,
    );
    let to_evaluation = |(enterprise_code, score_id, as_of, scored_at, grade): Raw| Evaluation {
        enterprise_code,
        score_id,
        as_of,
        scored_at,
        grade,
    };
    let mut out = Vec::new();
    for chunk in codes.chunks(1000) {
        let recent: Vec<Raw> = scores::table
            .filter(scores::enterprise_code.eq_any(chunk))
            .filter(scores::scored_at.gt(since))
            .order(scores::id.asc())
            .select(columns)
            .load(conn)?;
        let mut changed: Vec<&String> = recent.iter().map(|r| &r.0).collect();
        changed.sort();
        changed.dedup();
        for code in changed {
            let before: Option<Raw> = scores::table
                .filter(scores::enterprise_code.eq(code))
                .filter(scores::scored_at.le(since))
                .order(scores::id.desc())
                .select(columns)
                .first(conn)
                .optional()?;
            out.extend(before.map(to_evaluation));
        }
        out.extend(recent.into_iter().map(to_evaluation));
    }
    // Each enterprise's trail together, in the order it was stored.
    out.sort_by(|a, b| (&a.enterprise_code, a.score_id).cmp(&(&b.enterprise_code, b.score_id)));
    Ok(out)
}

/// When `user_id` last opened the portfolio.
pub fn last_visit(conn: &mut DbConnection, user_id: i64) -> AppResult<Option<NaiveDateTime>> {
    Ok(portfolio_visits::table
        .find(user_id)
        .select(portfolio_visits::seen_at)
        .first(conn)
        .optional()?)
}

/// Records a visit of `user_id` to the portfolio at `now` and returns the one before, if any.
/// Call inside a write transaction (read, then update or insert: the same on both backends).
pub fn record_visit(
    conn: &mut DbConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<Option<NaiveDateTime>> {
    let previous = last_visit(conn, user_id)?;
    if previous.is_some() {
        diesel::update(portfolio_visits::table.find(user_id))
            .set(portfolio_visits::seen_at.eq(now))
            .execute(conn)?;
    } else {
        diesel::insert_into(portfolio_visits::table)
            .values((
                portfolio_visits::user_id.eq(user_id),
                portfolio_visits::seen_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(previous)
}

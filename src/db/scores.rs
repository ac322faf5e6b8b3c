//! Stored scores (every evaluation, with the model version that made it) and each enterprise's
//! current grade.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use std::collections::HashMap;

use super::DbConnection;
use super::bulk::insert_all;
use super::schema::{current_scores, grade_tallies, scores};
use super::statistics::Sql;
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scores)]
pub struct ScoreRow {
    pub id: i64,
    pub enterprise_code: String,
    pub model_version: String,
    pub as_of: NaiveDate,
    pub scored_at: NaiveDateTime,
    pub scored_by: String,
    pub pd_lr: f64,
    pub pd_rf: f64,
    pub pd: f64,
    pub score: f64,
    pub model_grade: String,
    pub evaluated_grade: String,
    pub grade: String,
    pub upgrade_pending: bool,
    /// JSON list of adjustments.
    pub adjustments: String,
    /// JSON object: dimension → points.
    pub sub_scores: String,
    /// JSON object with `raised` and `lowered` reason lists.
    pub reasons: String,
    /// The scorecard bin of every feature (`scoring::attribution::encode_bins`); empty for
    /// scores stored before it was kept.
    pub feature_bins: String,
}

/// A score to store; the id is assigned by the database.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = scores, treat_none_as_default_value = false)]
pub struct NewScore {
    pub enterprise_code: String,
    pub model_version: String,
    pub as_of: NaiveDate,
    pub scored_at: NaiveDateTime,
    pub scored_by: String,
    pub pd_lr: f64,
    pub pd_rf: f64,
    pub pd: f64,
    pub score: f64,
    pub model_grade: String,
    pub evaluated_grade: String,
    pub grade: String,
    pub upgrade_pending: bool,
    pub adjustments: String,
    pub sub_scores: String,
    pub reasons: String,
    pub feature_bins: String,
}

/// What the previous evaluation of an enterprise left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousGrade {
    pub published: String,
    pub evaluated: String,
    pub as_of: NaiveDate,
}

/// The grades the previous evaluation left.
pub fn grade_state(
    conn: &mut DbConnection,
    enterprise_code: &str,
) -> AppResult<Option<PreviousGrade>> {
    Ok(current_scores::table
        .find(enterprise_code)
        .select((
            current_scores::grade,
            current_scores::evaluated_grade,
            current_scores::as_of,
        ))
        .first(conn)
        .optional()?
        .map(|(published, evaluated, as_of)| PreviousGrade {
            published,
            evaluated,
            as_of,
        }))
}

/// The grades the previous evaluations of many enterprises left, by code.
pub fn grade_states(
    conn: &mut DbConnection,
    enterprise_codes: &[String],
) -> AppResult<HashMap<String, PreviousGrade>> {
    let mut states = HashMap::with_capacity(enterprise_codes.len());
    for codes in enterprise_codes.chunks(MAX_CODES_PER_QUERY) {
        let rows: Vec<(String, String, String, NaiveDate)> = current_scores::table
            .filter(current_scores::enterprise_code.eq_any(codes))
            .select((
                current_scores::enterprise_code,
                current_scores::grade,
                current_scores::evaluated_grade,
                current_scores::as_of,
            ))
            .load(conn)?;
        states.extend(rows.into_iter().map(|(code, published, evaluated, as_of)| {
            (
                code,
                PreviousGrade {
                    published,
                    evaluated,
                    as_of,
                },
            )
        }));
    }
    Ok(states)
}

// The scores table once more, to find each enterprise's newest score inside a query on it.
diesel::alias!(scores as newest: NewestScores);

/// Codes bound in one `IN (…)` list: well under SQLite's and PostgreSQL's parameter limits.
const MAX_CODES_PER_QUERY: usize = 5000;

impl NewScore {
    const COLUMNS: usize = 17;
}

/// Stores many scores, at most one per enterprise, and makes each its enterprise's current one;
/// call inside a write transaction. Rows go in with multi-row statements (COPY on PostgreSQL),
/// and the current scores follow from the stored rows in one statement per group of codes
/// instead of one round trip per enterprise: rescoring a million enterprises is bound by these
/// writes.
pub fn insert_many(conn: &mut DbConnection, rows: &[NewScore]) -> AppResult<usize> {
    let stored = insert_all!(conn, scores::table, rows, NewScore::COLUMNS);
    let codes: Vec<&str> = rows.iter().map(|r| r.enterprise_code.as_str()).collect();
    for codes in codes.chunks(MAX_CODES_PER_QUERY) {
        let before = transitions_of(conn, codes)?;
        let owned: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        let grouped_before = super::statistics_cells::dims_before_write(conn, &owned)?;
        diesel::delete(current_scores::table.filter(current_scores::enterprise_code.eq_any(codes)))
            .execute(conn)?;
        let newest_ids = newest
            .filter(newest.field(scores::enterprise_code).eq_any(codes))
            .group_by(newest.field(scores::enterprise_code))
            .select(diesel::dsl::max(newest.field(scores::id)).assume_not_null());
        diesel::insert_into(current_scores::table)
            .values(scores::table.filter(scores::id.eq_any(newest_ids)).select((
                scores::enterprise_code,
                scores::id,
                scores::model_version,
                scores::as_of,
                scores::score,
                scores::evaluated_grade,
                scores::grade,
            )))
            .into_columns((
                current_scores::enterprise_code,
                current_scores::score_id,
                current_scores::model_version,
                current_scores::as_of,
                current_scores::score,
                current_scores::evaluated_grade,
                current_scores::grade,
            ))
            .execute(conn)?;
        set_previous_grades(conn, codes)?;
        super::grade_index::current_scores_changed(conn, codes)?;
        let after = transitions_of(conn, codes)?;
        adjust_tallies(conn, &before, &after)?;
        super::statistics_cells::enterprises_changed(conn, &owned, &grouped_before)?;
    }
    Ok(stored)
}

/// Sets `current_scores.previous_grade` of the given enterprises from the score stored just
/// before each one's current score: one indexed probe per enterprise (scores_enterprise), paid
/// once at write time so that reading how grades moved is a plain GROUP BY.
fn set_previous_grades(conn: &mut DbConnection, codes: &[&str]) -> AppResult<()> {
    let mut sql = Sql::new(conn);
    sql.push(
        "UPDATE current_scores SET previous_grade = (SELECT p.grade FROM scores p \
         WHERE p.enterprise_code = current_scores.enterprise_code \
         AND p.id < current_scores.score_id ORDER BY p.id DESC LIMIT 1) \
         WHERE enterprise_code IN ",
    )
    .in_list(codes.iter().copied());
    sql.execute(conn)?;
    Ok(())
}

/// A (current grade, previous grade) pair as `grade_tallies` keys it: '' for no previous grade.
type Transition = (String, String);

/// The current scores of the given enterprises, counted by (grade, previous grade).
fn transitions_of(conn: &mut DbConnection, codes: &[&str]) -> AppResult<HashMap<Transition, i64>> {
    let rows: Vec<(String, Option<String>, i64)> = current_scores::table
        .filter(current_scores::enterprise_code.eq_any(codes))
        .group_by((current_scores::grade, current_scores::previous_grade))
        .select((
            current_scores::grade,
            current_scores::previous_grade,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(grade, previous, n)| ((grade, previous.unwrap_or_default()), n))
        .collect())
}

/// Moves the tallies from what a write found to what it left. The rows are updated in key
/// order, so that two writers on PostgreSQL lock them in the same order and never deadlock; a
/// writer waits for another's commit only when both move the same pair.
fn adjust_tallies(
    conn: &mut DbConnection,
    before: &HashMap<Transition, i64>,
    after: &HashMap<Transition, i64>,
) -> AppResult<()> {
    let mut deltas: std::collections::BTreeMap<&Transition, i64> = Default::default();
    for (key, n) in after {
        *deltas.entry(key).or_default() += n;
    }
    for (key, n) in before {
        *deltas.entry(key).or_default() -= n;
    }
    for ((grade, previous), delta) in deltas.into_iter().filter(|(_, d)| *d != 0) {
        let updated = diesel::update(
            grade_tallies::table
                .filter(grade_tallies::grade.eq(grade))
                .filter(grade_tallies::previous_grade.eq(previous)),
        )
        .set(grade_tallies::enterprises.eq(grade_tallies::enterprises + delta))
        .execute(conn)?;
        if updated == 0 {
            return Err(crate::error::AppError::internal(format!(
                "no grade tally for {grade} after {previous:?}"
            )));
        }
    }
    Ok(())
}

/// The maintained grade tallies: how many enterprises hold each current grade, by the grade
/// before (`None`: first score). Pairs nobody holds are left out.
pub fn grade_tallies(conn: &mut DbConnection) -> AppResult<Vec<(String, Option<String>, i64)>> {
    let rows: Vec<(String, String, i64)> = grade_tallies::table
        .filter(grade_tallies::enterprises.ne(0))
        .select((
            grade_tallies::grade,
            grade_tallies::previous_grade,
            grade_tallies::enterprises,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(g, p, n)| (g, (!p.is_empty()).then_some(p), n))
        .collect())
}

/// Stores a score and makes it the enterprise's current one; call inside a write transaction.
pub fn insert(conn: &mut DbConnection, score: &NewScore) -> AppResult<ScoreRow> {
    let id: i64 = diesel::insert_into(scores::table)
        .values(score)
        .returning(scores::id)
        .get_result(conn)?;
    let code = [score.enterprise_code.as_str()];
    let before = transitions_of(conn, &code)?;
    let owned = [score.enterprise_code.clone()];
    let grouped_before = super::statistics_cells::dims_before_write(conn, &owned)?;
    // Delete and insert rather than an upsert: the multi-backend connection has no ON CONFLICT.
    diesel::delete(current_scores::table.find(&score.enterprise_code)).execute(conn)?;
    diesel::insert_into(current_scores::table)
        .values((
            current_scores::enterprise_code.eq(&score.enterprise_code),
            current_scores::score_id.eq(id),
            current_scores::model_version.eq(&score.model_version),
            current_scores::as_of.eq(score.as_of),
            current_scores::score.eq(score.score),
            current_scores::evaluated_grade.eq(&score.evaluated_grade),
            current_scores::grade.eq(&score.grade),
        ))
        .execute(conn)?;
    set_previous_grades(conn, &code)?;
    super::grade_index::current_scores_changed(conn, &code)?;
    let after = transitions_of(conn, &code)?;
    adjust_tallies(conn, &before, &after)?;
    super::statistics_cells::enterprises_changed(conn, &owned, &grouped_before)?;
    Ok(scores::table
        .find(id)
        .select(ScoreRow::as_select())
        .first(conn)?)
}

pub fn latest(conn: &mut DbConnection, enterprise_code: &str) -> AppResult<Option<ScoreRow>> {
    Ok(scores::table
        .filter(scores::enterprise_code.eq(enterprise_code))
        .order(scores::id.desc())
        .select(ScoreRow::as_select())
        .first(conn)
        .optional()?)
}

/// Score `id` of enterprise `enterprise_code`; `None` when it is not one of its scores.
pub fn of_enterprise(
    conn: &mut DbConnection,
    enterprise_code: &str,
    id: i64,
) -> AppResult<Option<ScoreRow>> {
    Ok(scores::table
        .filter(scores::enterprise_code.eq(enterprise_code))
        .filter(scores::id.eq(id))
        .select(ScoreRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of an enterprise's scores, latest first, and the total.
pub fn history(
    conn: &mut DbConnection,
    enterprise_code: &str,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<ScoreRow>, i64)> {
    let total = scores::table
        .filter(scores::enterprise_code.eq(enterprise_code))
        .count()
        .get_result(conn)?;
    let rows = scores::table
        .filter(scores::enterprise_code.eq(enterprise_code))
        .order(scores::id.desc())
        .offset(offset)
        .limit(limit)
        .select(ScoreRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The share of currently scored enterprises whose score is below `score`, in [0, 1].
pub fn percentile(conn: &mut DbConnection, score: f64) -> AppResult<f64> {
    let total: i64 = current_scores::table.count().get_result(conn)?;
    if total == 0 {
        return Ok(0.0);
    }
    let below: i64 = current_scores::table
        .filter(current_scores::score.lt(score))
        .count()
        .get_result(conn)?;
    Ok(below as f64 / total as f64)
}

/// The current scores made by one model version (for population stability).
pub fn current_scores_of(conn: &mut DbConnection, model_version: &str) -> AppResult<Vec<f64>> {
    Ok(current_scores::table
        .filter(current_scores::model_version.eq(model_version))
        .select(current_scores::score)
        .load(conn)?)
}

/// The id of the newest stored score, if any: it changes with every evaluation.
pub fn newest_id(conn: &mut DbConnection) -> AppResult<Option<i64>> {
    Ok(scores::table
        .select(diesel::dsl::max(scores::id))
        .first(conn)?)
}

/// Every enterprise's current score.
pub fn current_score_values(conn: &mut DbConnection) -> AppResult<Vec<f64>> {
    Ok(current_scores::table
        .select(current_scores::score)
        .load(conn)?)
}

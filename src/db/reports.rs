//! Stored credit reports (the signed document, byte for byte) and the log of every creation and
//! read, plus the summaries a report is assembled from.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{organisations, report_queries, reports, scores, sentiment_records};
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    pub report_no: String,
    pub enterprise_code: String,
    pub kind: String,
    pub issued_at: NaiveDateTime,
    pub valid_until: NaiveDateTime,
    pub model_version: Option<String>,
    pub key_id: String,
    pub requested_by: String,
    pub requester_role: String,
    pub organisation_id: Option<i64>,
    pub authorization_id: Option<i64>,
    pub purpose: String,
    pub document: String,
}

/// One entry of the query log, as stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = report_queries)]
pub struct NewQuery {
    pub enterprise_code: String,
    pub report_no: String,
    pub action: String,
    pub actor: String,
    pub actor_role: String,
    pub organisation_id: Option<i64>,
    pub purpose: String,
    pub authorization_id: Option<i64>,
    pub request_id: Option<String>,
    pub queried_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = report_queries)]
pub struct QueryRow {
    pub id: i64,
    pub enterprise_code: String,
    pub report_no: String,
    pub action: String,
    pub actor: String,
    pub actor_role: String,
    pub organisation_id: Option<i64>,
    pub purpose: String,
    pub authorization_id: Option<i64>,
    pub request_id: Option<String>,
    pub queried_at: NaiveDateTime,
}

/// Stores a report and logs its creation; call inside a write transaction.
pub fn insert(conn: &mut DbConnection, report: &ReportRow, creation: &NewQuery) -> AppResult<()> {
    diesel::insert_into(reports::table)
        .values(report)
        .execute(conn)?;
    log(conn, creation)
}

pub fn get(conn: &mut DbConnection, report_no: &str) -> AppResult<Option<ReportRow>> {
    Ok(reports::table
        .find(report_no)
        .select(ReportRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn log(conn: &mut DbConnection, query: &NewQuery) -> AppResult<()> {
    diesel::insert_into(report_queries::table)
        .values(query)
        .execute(conn)?;
    Ok(())
}

/// A query log entry with the name of the caller's organisation.
pub type NamedQuery = (QueryRow, Option<String>);

/// One page of an enterprise's query log, latest first, with each organisation's name, and the
/// total.
pub fn query_log(
    conn: &mut DbConnection,
    enterprise_code: &str,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<NamedQuery>, i64)> {
    let total = report_queries::table
        .filter(report_queries::enterprise_code.eq(enterprise_code))
        .count()
        .get_result(conn)?;
    let rows = report_queries::table
        .left_join(organisations::table)
        .filter(report_queries::enterprise_code.eq(enterprise_code))
        .order(report_queries::id.desc())
        .offset(offset)
        .limit(limit)
        .select((QueryRow::as_select(), organisations::name.nullable()))
        .load(conn)?;
    Ok((rows, total))
}

/// Sentiment of an enterprise since a time: (items, negative, positive, mean polarity).
pub fn sentiment_counts(
    conn: &mut DbConnection,
    enterprise_code: &str,
    since: NaiveDateTime,
) -> AppResult<(i64, i64, i64, Option<f64>)> {
    let of_window = || {
        sentiment_records::table
            .filter(sentiment_records::enterprise_code.eq(enterprise_code.to_string()))
            .filter(sentiment_records::published_at.ge(since))
            .into_boxed()
    };
    let (items, mean): (i64, Option<f64>) = of_window()
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::avg(sentiment_records::polarity),
        ))
        .first(conn)?;
    let negative = of_window()
        .filter(sentiment_records::polarity.lt(0.0))
        .count()
        .get_result(conn)?;
    let positive = of_window()
        .filter(sentiment_records::polarity.gt(0.0))
        .count()
        .get_result(conn)?;
    Ok((items, negative, positive, mean))
}

/// The newest sentiment items since a time: (title, source name, published, polarity).
pub fn latest_sentiment(
    conn: &mut DbConnection,
    enterprise_code: &str,
    since: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<(String, String, NaiveDateTime, f64)>> {
    Ok(sentiment_records::table
        .filter(sentiment_records::enterprise_code.eq(enterprise_code))
        .filter(sentiment_records::published_at.ge(since))
        .order((
            sentiment_records::published_at.desc(),
            sentiment_records::id.desc(),
        ))
        .limit(limit)
        .select((
            sentiment_records::title,
            sentiment_records::source_name,
            sentiment_records::published_at,
            sentiment_records::polarity,
        ))
        .load(conn)?)
}

/// The grades of an enterprise's latest evaluations, oldest first: (as of, grade, model).
pub fn grade_trail(
    conn: &mut DbConnection,
    enterprise_code: &str,
    limit: i64,
) -> AppResult<Vec<(chrono::NaiveDate, String, String)>> {
    let mut rows: Vec<(chrono::NaiveDate, String, String)> = scores::table
        .filter(scores::enterprise_code.eq(enterprise_code))
        .order(scores::id.desc())
        .limit(limit)
        .select((scores::as_of, scores::grade, scores::model_version))
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}

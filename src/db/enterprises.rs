//! The enterprises table: basic records, searched, read and corrected with optimistic concurrency.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::history::{self, ChangeContext, Entity};
use super::schema::enterprises;
use super::{DbBackend, DbConnection, RecordMeta};
use crate::domain::CreditCode;
use crate::domain::enterprise::{BusinessModel, Enterprise, EnterpriseStatus};
use crate::domain::patch::{self, FieldChange};
use crate::error::{AppError, AppResult};
use crate::scoring::grade::Grade;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = enterprises)]
pub struct EnterpriseRow {
    pub code: String,
    pub name: String,
    pub legal_representative: String,
    pub legal_rep_id_number: Option<String>,
    pub legal_rep_phone: Option<String>,
    pub registered_capital: f64,
    pub established_on: chrono::NaiveDate,
    pub region_code: String,
    pub industry: String,
    pub business_models: String,
    pub platforms: String,
    pub status: String,
    pub source: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone)]
pub struct StoredEnterprise {
    pub enterprise: Enterprise,
    /// Where the current values came from.
    pub source: String,
    pub meta: RecordMeta,
}

impl EnterpriseRow {
    fn into_stored(self) -> StoredEnterprise {
        let enterprise = Enterprise {
            code: CreditCode::parse(&self.code).expect("stored codes were validated"),
            name: self.name,
            legal_representative: self.legal_representative,
            legal_rep_id_number: self.legal_rep_id_number,
            legal_rep_phone: self.legal_rep_phone,
            registered_capital: self.registered_capital,
            established_on: self.established_on,
            region_code: self.region_code,
            industry: self.industry,
            business_models: serde_json::from_str(&self.business_models).unwrap_or_default(),
            platforms: serde_json::from_str(&self.platforms).unwrap_or_default(),
            status: EnterpriseStatus::from_stored(&self.status),
        };
        StoredEnterprise {
            enterprise,
            source: self.source,
            meta: RecordMeta {
                version: self.version,
                created_at: self.created_at,
                created_by: self.created_by,
                updated_at: self.updated_at,
                updated_by: self.updated_by,
            },
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    /// A GB/T 2260 code; a province or city code matches everything inside it.
    pub region_code: Option<String>,
    pub industry: Option<String>,
    pub status: Option<EnterpriseStatus>,
    pub business_model: Option<BusinessModel>,
    /// Part of the name, or the start of the credit code.
    pub search: Option<String>,
    /// The current published grade (`enterprises.current_grade`, as `current_scores` has it).
    pub grade: Option<Grade>,
}

/// `330000` (a province) → `33`, `330100` (a city) → `3301`, a district stays whole.
pub fn region_prefix(code: &str) -> &str {
    let mut prefix = code;
    while prefix.len() > 2 && prefix.ends_with("00") {
        prefix = &prefix[..prefix.len() - 2];
    }
    prefix
}

/// The region codes that start with `prefix` (digits) as the half-open range `[low, high)`, no
/// upper end for a prefix of nines. An index serves a range on both backends, where `LIKE 'p%'`
/// uses none on SQLite (its LIKE ignores case) nor on PostgreSQL outside the C collation.
pub fn digit_prefix_range(prefix: &str) -> (String, Option<String>) {
    debug_assert!(prefix.bytes().all(|b| b.is_ascii_digit()), "{prefix}");
    let kept = prefix.trim_end_matches('9');
    let high = kept.chars().last().map(|last| {
        let next = char::from_u32(last as u32 + 1).expect("a digit has a successor");
        format!("{}{next}", &kept[..kept.len() - 1])
    });
    (prefix.to_string(), high)
}

/// Escapes LIKE wildcards so a search for `50%` means the text `50%`.
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

diesel::define_sql_function! {
    /// SQL `lower`, so a name search ignores case the same way on SQLite and PostgreSQL.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

fn filtered(filter: &EnterpriseFilter) -> enterprises::BoxedQuery<'static, DbBackend> {
    let mut q = enterprises::table.into_boxed();
    if let Some(region) = &filter.region_code {
        let (low, high) = digit_prefix_range(region_prefix(region));
        q = q.filter(enterprises::region_code.ge(low));
        if let Some(high) = high {
            q = q.filter(enterprises::region_code.lt(high));
        }
    }
    if let Some(industry) = &filter.industry {
        q = q.filter(enterprises::industry.eq(industry.clone()));
    }
    if let Some(status) = filter.status {
        q = q.filter(enterprises::status.eq(status.as_str()));
    }
    if let Some(model) = filter.business_model {
        q = q.filter(enterprises::business_models.like(format!("%\"{}\"%", model.as_str())));
    }
    if let Some(grade) = filter.grade {
        // The grade on the enterprise row (kept by triggers from `current_scores`): with the
        // region, one range of `enterprises_grade_region`.
        q = q.filter(enterprises::current_grade.eq(grade.as_str()));
    }
    if let Some(search) = &filter.search {
        let literal = like_literal(search);
        // The indexes find the candidates (names through their character pairs, codes through
        // the primary key); LIKE then decides, as it would alone over every row.
        q = q.filter(search_candidates(search)).filter(
            lower(enterprises::name)
                .like(format!("%{}%", literal.to_lowercase()))
                .escape('\\')
                .or(enterprises::code
                    .like(format!("{}%", literal.to_uppercase()))
                    .escape('\\')),
        );
    }
    q
}

type Condition =
    Box<dyn BoxableExpression<enterprises::table, DbBackend, SqlType = diesel::sql_types::Bool>>;

/// Enterprises whose name may contain `search` (all its character pairs are among the name's,
/// `enterprise_name_grams`), or whose code starts with it.
fn search_candidates(search: &str) -> Condition {
    use super::schema::enterprise_name_grams as grams;
    let chars: Vec<char> = search.to_ascii_lowercase().chars().collect();
    let (low, high) = successor_range(&search.to_uppercase());
    let by_code = enterprises::code.ge(low).and(enterprises::code.lt(high));
    // The subqueries stay unboxed: the multi-backend connection renders no boxed subselect.
    if chars.len() >= 2 {
        let mut pairs: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
        pairs.sort();
        pairs.dedup();
        let wanted = pairs.len() as i64;
        let by_name = grams::table
            .filter(grams::gram.eq_any(pairs))
            .group_by(grams::enterprise_code)
            .having(diesel::dsl::count_star().eq(wanted))
            .select(grams::enterprise_code);
        Box::new(enterprises::code.eq_any(by_name).or(by_code))
    } else {
        // One character: the pairs that start with it (every character starts one).
        let (first, next) = successor_range(&chars.iter().collect::<String>());
        let by_name = grams::table
            .filter(grams::gram.ge(first))
            .filter(grams::gram.lt(next))
            .select(grams::enterprise_code);
        Box::new(enterprises::code.eq_any(by_name).or(by_code))
    }
}

/// `[prefix, prefix with its last character's successor)`: every text that starts with
/// `prefix` sorts in it in code-point order, which is how SQLite compares text and PostgreSQL
/// compares `enterprise_name_grams.gram` (`COLLATE "C"`); credit codes (digits and capitals)
/// sort so under any collation.
fn successor_range(prefix: &str) -> (String, String) {
    let mut high: Vec<char> = prefix.chars().collect();
    while let Some(last) = high.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            high.push(next);
            return (prefix.to_string(), high.into_iter().collect());
        }
    }
    (prefix.to_string(), char::MAX.to_string())
}

pub fn list(
    conn: &mut DbConnection,
    filter: &EnterpriseFilter,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<StoredEnterprise>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order(enterprises::code.asc())
        .offset(offset)
        .limit(limit)
        .select(EnterpriseRow::as_select())
        .load(conn)?;
    Ok((
        rows.into_iter().map(EnterpriseRow::into_stored).collect(),
        total,
    ))
}

pub fn find(conn: &mut DbConnection, code: &str) -> AppResult<Option<StoredEnterprise>> {
    Ok(enterprises::table
        .find(code)
        .select(EnterpriseRow::as_select())
        .first(conn)
        .optional()?
        .map(EnterpriseRow::into_stored))
}

pub fn get(conn: &mut DbConnection, code: &str) -> AppResult<StoredEnterprise> {
    find(conn, code)?.ok_or_else(|| AppError::NotFound(format!("no enterprise {code}")))
}

pub fn exists(conn: &mut DbConnection, code: &str) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(enterprises::table.find(code))).get_result(conn)?)
}

/// Registers a new enterprise and records its creation; call inside a write transaction.
pub fn insert(
    conn: &mut DbConnection,
    enterprise: &Enterprise,
    source: &str,
    ctx: &ChangeContext,
) -> AppResult<StoredEnterprise> {
    let code = enterprise.code.as_str();
    if exists(conn, code)? {
        return Err(AppError::Conflict(format!(
            "enterprise {code} is already registered"
        )));
    }
    let row = EnterpriseRow {
        code: code.to_string(),
        name: enterprise.name.clone(),
        legal_representative: enterprise.legal_representative.clone(),
        legal_rep_id_number: enterprise.legal_rep_id_number.clone(),
        legal_rep_phone: enterprise.legal_rep_phone.clone(),
        registered_capital: enterprise.registered_capital,
        established_on: enterprise.established_on,
        region_code: enterprise.region_code.clone(),
        industry: enterprise.industry.clone(),
        business_models: to_json(&enterprise.business_models),
        platforms: to_json(&enterprise.platforms),
        status: enterprise.status.as_str().to_string(),
        source: source.to_string(),
        version: 1,
        created_at: ctx.at,
        created_by: ctx.actor.clone(),
        updated_at: ctx.at,
        updated_by: ctx.actor.clone(),
    };
    diesel::insert_into(enterprises::table)
        .values(&row)
        .execute(conn)?;
    super::statistics_cells::enterprises_changed(conn, &[code.to_string()], &Default::default())?;
    let changes = patch::created(enterprise);
    history::record(
        conn,
        ctx,
        code,
        Entity::Enterprise,
        code,
        "create",
        source,
        &changes,
    )?;
    Ok(row.into_stored())
}

/// Replaces the basic record if it is still at `expected_version`; records what changed.
/// Returns the stored record and the changes (empty when nothing differed).
pub fn update(
    conn: &mut DbConnection,
    before: &StoredEnterprise,
    after: &Enterprise,
    expected_version: i64,
    source: &str,
    ctx: &ChangeContext,
) -> AppResult<(StoredEnterprise, Vec<FieldChange>)> {
    let code = after.code.as_str();
    let changes = patch::diff(&before.enterprise, after);
    if changes.is_empty() {
        return Ok((before.clone(), changes));
    }
    let codes = [code.to_string()];
    let grouped_before = super::statistics_cells::dims_before_write(conn, &codes)?;
    let updated = diesel::update(
        enterprises::table
            .filter(enterprises::code.eq(code))
            .filter(enterprises::version.eq(expected_version)),
    )
    .set((
        enterprises::name.eq(&after.name),
        enterprises::legal_representative.eq(&after.legal_representative),
        enterprises::legal_rep_id_number.eq(&after.legal_rep_id_number),
        enterprises::legal_rep_phone.eq(&after.legal_rep_phone),
        enterprises::registered_capital.eq(after.registered_capital),
        enterprises::established_on.eq(after.established_on),
        enterprises::region_code.eq(&after.region_code),
        enterprises::industry.eq(&after.industry),
        enterprises::business_models.eq(to_json(&after.business_models)),
        enterprises::platforms.eq(to_json(&after.platforms)),
        enterprises::status.eq(after.status.as_str()),
        enterprises::source.eq(source),
        enterprises::version.eq(expected_version + 1),
        enterprises::updated_at.eq(ctx.at),
        enterprises::updated_by.eq(&ctx.actor),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(AppError::PreconditionFailed(format!(
            "enterprise {code} was changed by someone else; read it again and retry"
        )));
    }
    history::record(
        conn,
        ctx,
        code,
        Entity::Enterprise,
        code,
        "correct",
        source,
        &changes,
    )?;
    super::statistics_cells::enterprises_changed(conn, &codes, &grouped_before)?;
    Ok((get(conn, code)?, changes))
}

/// How many enterprises are registered.
pub fn count(conn: &mut DbConnection) -> AppResult<i64> {
    Ok(enterprises::table.count().get_result(conn)?)
}

/// Every registered credit code, in order.
pub fn all_codes(conn: &mut DbConnection) -> AppResult<Vec<String>> {
    Ok(enterprises::table
        .select(enterprises::code)
        .order(enterprises::code.asc())
        .load(conn)?)
}

/// Every registered credit code, in the order the rows lie in storage (SQLite's rowid,
/// PostgreSQL's ctid): mostly the order of registration, which is also the order their first
/// records were written in. Bulk work that goes through the registry in this order reads the
/// big record tables front to back instead of jumping around them, which on a registry larger
/// than memory is the difference between sequential and random reads.
pub fn all_codes_in_storage_order(conn: &mut DbConnection) -> AppResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Code {
        #[diesel(sql_type = diesel::sql_types::Text)]
        code: String,
    }
    let query = match conn {
        DbConnection::Sqlite(_) => "SELECT code FROM enterprises ORDER BY rowid",
        #[cfg(feature = "postgres")]
        DbConnection::Postgres(_) => "SELECT code FROM enterprises ORDER BY ctid",
    };
    Ok(diesel::sql_query(query)
        .load::<Code>(conn)?
        .into_iter()
        .map(|c| c.code)
        .collect())
}

/// The basic records of the given enterprises.
pub fn of_codes(conn: &mut DbConnection, codes: &[String]) -> AppResult<Vec<StoredEnterprise>> {
    Ok(enterprises::table
        .filter(enterprises::code.eq_any(codes))
        .select(EnterpriseRow::as_select())
        .load(conn)?
        .into_iter()
        .map(EnterpriseRow::into_stored)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digit_prefix_is_the_range_up_to_its_successor() {
        assert_eq!(digit_prefix_range("33"), ("33".into(), Some("34".into())));
        assert_eq!(
            digit_prefix_range("3301"),
            ("3301".into(), Some("3302".into()))
        );
        assert_eq!(digit_prefix_range("339"), ("339".into(), Some("34".into())));
        assert_eq!(
            digit_prefix_range("3099"),
            ("3099".into(), Some("31".into()))
        );
        assert_eq!(digit_prefix_range("99"), ("99".into(), None));
    }

    #[test]
    fn every_code_with_the_prefix_and_no_other_is_in_the_range() {
        for prefix in ["33", "3301", "339", "99", "109"] {
            let (low, high) = digit_prefix_range(prefix);
            for code in [
                "330000", "330106", "339900", "340000", "320000", "990000", "109999", "110000",
                "100000",
            ] {
                let inside = code >= low.as_str() && high.as_deref().is_none_or(|h| code < h);
                assert_eq!(inside, code.starts_with(prefix), "{code} against {prefix}");
            }
        }
    }
}

//! The statistics kept on write (issue 17; the arithmetic is `domain::statistics_cells`).
//!
//! Every write of an operating record calls [`records_changed`], and every write that may change
//! what groups an enterprise (its basic record, its current score) calls [`enterprises_changed`]
//! with what the enterprise was before, in the same transaction as the write. Both refresh the
//! per-enterprise quarterly figures (`enterprise_quarters`) and append the signed difference to
//! the cells. Appending means two writers never wait on a shared row (on PostgreSQL), and the
//! reads sum every row of a cell, so a read is exact whether or not the rows are merged yet;
//! [`merge`] folds each cell's rows into one, to keep the reads short.
//!
//! The statistics computed from the records themselves (`db::statistics::*_from_records`) are
//! what these must always equal; tests/api/statistics_kept.rs compares them after random writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text};

use super::statistics::{
    GroupRow, Param, QuarterRow as TrendQuarterRow, Sql, StatisticsFilter, quarter_figures_sql,
};
use super::{Backend, DbConnection};
use crate::domain::records::OperatingRecord;
use crate::domain::statistics::{GroupBy, GroupTotals, Quarter, QuarterTotals, RegionLevel};
use crate::domain::statistics_cells::{
    CellChanges, DIM_ALL, DIM_BUSINESS_MODEL, DIM_GRADE, DIM_STATUS, EnterpriseDims, QuarterFigures,
};
use crate::error::{AppError, AppResult};

/// Enterprises per statement when a write names many (bulk imports, rescoring chunks).
const CODES_PER_STATEMENT: usize = 500;
/// Cell rows per INSERT: 18 binds each, 9,000 a statement, under SQLite's limit (32,766) and
/// PostgreSQL's (65,535). A rescoring chunk appends thousands of cells; on PostgreSQL each
/// statement is a round trip.
const CELLS_PER_STATEMENT: usize = 500;

#[derive(QueryableByName)]
struct DimsRow {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    region_code: String,
    #[diesel(sql_type = Text)]
    industry: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    current_grade: Option<String>,
    #[diesel(sql_type = Text)]
    business_models: String,
}

fn push_codes(sql: &mut Sql, codes: &[String]) {
    sql.in_list(codes.iter().map(String::as_str));
}

/// What groups each of the given enterprises now (absent: not registered).
pub fn dims_of(
    conn: &mut DbConnection,
    codes: &[String],
) -> AppResult<HashMap<String, EnterpriseDims>> {
    read_dims(conn, codes, false)
}

/// [`dims_of`]; with `lock`, on PostgreSQL, it first locks the enterprises' rows (in code order,
/// so that two writers never deadlock) until the transaction ends: two writes about one
/// enterprise then keep its statistics one after the other, each reading what the other
/// committed. SQLite has one writer at a time. The lock is a statement of its own: a statement
/// that waited for a row lock still reads the joined tables (here the current score) as they
/// were when it began, and the read after it sees what the other writer committed.
fn read_dims(
    conn: &mut DbConnection,
    codes: &[String],
    lock: bool,
) -> AppResult<HashMap<String, EnterpriseDims>> {
    let lock = lock && conn.backend() != Backend::Sqlite;
    let mut sorted = codes.to_vec();
    sorted.sort();
    let mut dims = HashMap::with_capacity(codes.len());
    for chunk in sorted.chunks(CODES_PER_STATEMENT) {
        if lock {
            #[derive(QueryableByName)]
            struct Locked {
                #[diesel(sql_type = Text)]
                #[allow(dead_code)]
                code: String,
            }
            let mut sql = Sql::new(conn);
            sql.push("SELECT code FROM enterprises WHERE code IN ");
            push_codes(&mut sql, chunk);
            // NO KEY UPDATE: it does not wait for the key-share locks that inserting a record of
            // the enterprise takes (its foreign key), so two writers of records never deadlock.
            sql.push(" ORDER BY code FOR NO KEY UPDATE");
            sql.load::<Locked>(conn)?;
        }
        let mut sql = Sql::new(conn);
        // The grade from the current score itself: on PostgreSQL the copy on the enterprise row
        // is settled at commit (migration 2026-12-07-000013).
        sql.push(
            "SELECT e.code, e.region_code, e.industry, e.status, cs.grade AS current_grade, \
             e.business_models FROM enterprises e \
             LEFT JOIN current_scores cs ON cs.enterprise_code = e.code WHERE e.code IN ",
        );
        push_codes(&mut sql, chunk);
        for row in sql.load::<DimsRow>(conn)? {
            dims.insert(
                row.code,
                EnterpriseDims::from_stored(
                    row.region_code,
                    row.industry,
                    row.status,
                    row.current_grade,
                    &row.business_models,
                ),
            );
        }
    }
    Ok(dims)
}

/// What groups the given enterprises before a write that may move them, read under the lock
/// that [`enterprises_changed`] relies on: call first in the write's transaction.
pub fn dims_before_write(
    conn: &mut DbConnection,
    codes: &[String],
) -> AppResult<HashMap<String, EnterpriseDims>> {
    read_dims(conn, codes, true)
}

#[derive(QueryableByName)]
struct QuarterRow {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    quarter: String,
    #[diesel(sql_type = Nullable<Double>)]
    online_sales: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    orders: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    cross_border: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    employees: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    tax: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    refunded: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    refund_base: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    complaints: Option<f64>,
}

impl QuarterRow {
    fn into_parts(self) -> AppResult<(String, Quarter, QuarterFigures)> {
        let quarter = Quarter::parse(&self.quarter)
            .ok_or_else(|| AppError::internal(format!("a stored quarter {:?}", self.quarter)))?;
        Ok((
            self.code,
            quarter,
            QuarterFigures {
                online_sales: self.online_sales,
                orders: self.orders,
                cross_border: self.cross_border,
                employees: self.employees,
                tax: self.tax,
                refunded: self.refunded,
                refund_base: self.refund_base,
                complaints: self.complaints,
            },
        ))
    }
}

type Quarters = BTreeMap<Quarter, QuarterFigures>;

/// The kept quarterly figures of the given enterprises.
fn kept_quarters(
    conn: &mut DbConnection,
    codes: &[String],
) -> AppResult<HashMap<String, Quarters>> {
    let mut kept: HashMap<String, Quarters> = HashMap::new();
    for chunk in codes.chunks(CODES_PER_STATEMENT) {
        let mut sql = Sql::new(conn);
        sql.push(
            "SELECT enterprise_code AS code, quarter, online_sales, orders, cross_border, \
             employees, tax, refunded, refund_base, complaints FROM enterprise_quarters \
             WHERE enterprise_code IN ",
        );
        push_codes(&mut sql, chunk);
        for row in sql.load::<QuarterRow>(conn)? {
            let (code, quarter, figures) = row.into_parts()?;
            kept.entry(code).or_default().insert(quarter, figures);
        }
    }
    Ok(kept)
}

/// The quarterly figures of the given enterprises between two dates, computed from their
/// counted records.
fn counted_quarters(
    conn: &mut DbConnection,
    codes: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<String, Quarters>> {
    let mut counted: HashMap<String, Quarters> = HashMap::new();
    for chunk in codes.chunks(CODES_PER_STATEMENT) {
        let mut sql = Sql::new(conn);
        quarter_figures_sql(&mut sql, from, to, |sql| {
            sql.push(" AND r.enterprise_code IN ");
            push_codes(sql, chunk);
        });
        for row in sql.load::<QuarterRow>(conn)? {
            let (code, quarter, figures) = row.into_parts()?;
            counted.entry(code).or_default().insert(quarter, figures);
        }
    }
    Ok(counted)
}

/// After operating records were stored or changed: refreshes the quarters they fall in (before
/// and after the change: pass both periods' starts) and moves the cells by the difference.
pub fn records_changed(conn: &mut DbConnection, changed: &[(String, NaiveDate)]) -> AppResult<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let mut touched: BTreeMap<String, BTreeSet<Quarter>> = BTreeMap::new();
    for (code, start) in changed {
        touched
            .entry(code.clone())
            .or_default()
            .insert(Quarter::of(*start));
    }
    let codes: Vec<String> = touched.keys().cloned().collect();
    let all_quarters = touched.values().flatten();
    let from = all_quarters.clone().min().expect("some").first_day();
    let to = all_quarters.max().expect("some").last_day();
    let dims = dims_before_write(conn, &codes)?;
    let mut kept = kept_quarters(conn, &codes)?;
    let mut counted = counted_quarters(conn, &codes, from, to)?;
    let mut changes = CellChanges::default();
    let mut gone: Vec<(String, Quarter)> = Vec::new();
    let mut fresh: Vec<(String, Quarter, QuarterFigures)> = Vec::new();
    for (code, quarters) in &touched {
        let dims = dims.get(code).ok_or_else(|| {
            AppError::internal(format!("records of an unknown enterprise {code}"))
        })?;
        let before = kept.remove(code).unwrap_or_default();
        let now = counted.remove(code).unwrap_or_default();
        let mut after = before.clone();
        for quarter in quarters {
            if let Some(old) = before.get(quarter) {
                changes.quarter(dims, *quarter, old, -1);
                gone.push((code.clone(), *quarter));
                after.remove(quarter);
            }
            if let Some(new) = now.get(quarter) {
                changes.quarter(dims, *quarter, new, 1);
                fresh.push((code.clone(), *quarter, *new));
                after.insert(*quarter, *new);
            }
        }
        let years: BTreeSet<i32> = quarters.iter().map(|q| q.year).collect();
        for year in years {
            let of_year = |q: &Quarters| -> Vec<QuarterFigures> {
                q.iter()
                    .filter(|(k, _)| k.year == year)
                    .map(|(_, f)| *f)
                    .collect()
            };
            let (old, new) = (of_year(&before), of_year(&after));
            if old != new {
                changes.year(dims, year, &old.iter().collect::<Vec<_>>(), -1);
                changes.year(dims, year, &new.iter().collect::<Vec<_>>(), 1);
            }
        }
    }
    for (code, quarter) in &gone {
        let mut sql = Sql::new(conn);
        sql.push("DELETE FROM enterprise_quarters WHERE enterprise_code = ")
            .bind(Param::Text(code.clone()))
            .push(" AND quarter = ")
            .bind(Param::Text(quarter.label()));
        sql.execute(conn)?;
    }
    for chunk in fresh.chunks(CELLS_PER_STATEMENT) {
        let mut sql = Sql::new(conn);
        sql.push(
            "INSERT INTO enterprise_quarters (enterprise_code, quarter, online_sales, orders, \
             cross_border, employees, tax, refunded, refund_base, complaints) VALUES ",
        );
        for (i, (code, quarter, f)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(Param::Text(code.clone()))
                .push(", ")
                .bind(Param::Text(quarter.label()));
            for value in [
                f.online_sales,
                f.orders,
                f.cross_border,
                f.employees,
                f.tax,
                f.refunded,
                f.refund_base,
                f.complaints,
            ] {
                sql.push(", ").bind(Param::OptFloat(value));
            }
            sql.push(")");
        }
        sql.execute(conn)?;
    }
    append(conn, &changes)
}

/// After operating records were written: the records' own hook (`db::records`).
pub fn operating_written(
    conn: &mut DbConnection,
    enterprise_code: &str,
    records: &[&OperatingRecord],
) -> AppResult<()> {
    let changed: Vec<(String, NaiveDate)> = records
        .iter()
        .map(|r| (enterprise_code.to_string(), r.period.start))
        .collect();
    records_changed(conn, &changed)
}

/// The hook of the record kinds the statistics do not count.
pub fn not_counted<T>(_: &mut DbConnection, _: &str, _: &[&T]) -> AppResult<()> {
    Ok(())
}

/// After a write that may have changed what groups the given enterprises (registration, a basic
/// record, a score): `before` is what [`dims_of`] said before the write (absent: not
/// registered then). Each enterprise that moved is taken out of its old cells and put into its
/// new ones, with all its figures.
pub fn enterprises_changed(
    conn: &mut DbConnection,
    codes: &[String],
    before: &HashMap<String, EnterpriseDims>,
) -> AppResult<()> {
    let after = dims_of(conn, codes)?;
    let moved: Vec<&String> = codes
        .iter()
        .filter(|c| before.get(*c) != after.get(*c))
        .collect();
    if moved.is_empty() {
        return Ok(());
    }
    // Only an enterprise registered before can have figures kept already.
    let with_figures: Vec<String> = moved
        .iter()
        .filter(|c| before.contains_key(**c))
        .map(|c| (*c).clone())
        .collect();
    let kept = kept_quarters(conn, &with_figures)?;
    let mut changes = CellChanges::default();
    for code in moved {
        let quarters: Vec<(Quarter, QuarterFigures)> = kept
            .get(code)
            .map(|q| q.iter().map(|(k, f)| (*k, *f)).collect())
            .unwrap_or_default();
        let (old, new) = (before.get(code), after.get(code));
        let same_trend_cells = matches!((old, new), (Some(o), Some(n))
            if o.region_code == n.region_code && o.industry == n.industry);
        for (dims, sign) in [(old, -1), (new, 1)] {
            let Some(dims) = dims else { continue };
            changes.population(dims, sign);
            if same_trend_cells {
                changes.enterprise_years(dims, &quarters, sign);
            } else {
                changes.enterprise(dims, &quarters, sign);
            }
        }
    }
    append(conn, &changes)
}

/// Appends a write's differences to the cells, in key order.
fn append(conn: &mut DbConnection, changes: &CellChanges) -> AppResult<()> {
    for chunk in changes.year_cells().chunks(CELLS_PER_STATEMENT) {
        let mut sql = Sql::new(conn);
        sql.push(
            "INSERT INTO statistics_year_cells (period, dim, key, region_code, industry, \
             enterprises, reporting, sales, sales_n, orders, orders_n, cross_border, \
             cross_border_n, employees, employees_n, tax, tax_n, merged) VALUES ",
        );
        for (i, (cell, delta)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(Param::Text(cell.period.clone()))
                .push(", ")
                .bind(Param::Text(cell.dim.to_string()))
                .push(", ")
                .bind(Param::Text(cell.key.clone()))
                .push(", ")
                .bind(Param::Text(cell.region_code.clone()))
                .push(", ")
                .bind(Param::Text(cell.industry.clone()))
                .push(", ")
                .bind(Param::Int(delta.enterprises))
                .push(", ")
                .bind(Param::Int(delta.reporting));
            for (sum, count) in delta.sums.iter().zip(delta.counts) {
                sql.push(", ")
                    .bind(Param::Float(*sum))
                    .push(", ")
                    .bind(Param::Int(count));
            }
            sql.push(", FALSE)");
        }
        sql.execute(conn)?;
    }
    for chunk in changes.quarter_cells().chunks(CELLS_PER_STATEMENT) {
        let mut sql = Sql::new(conn);
        sql.push(
            "INSERT INTO statistics_quarter_cells (quarter, region_code, industry, reporting, \
             online_sales, orders, refunded, refund_base, refund_reporting, complaints, \
             complaints_reporting, merged) VALUES ",
        );
        for (i, (cell, d)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" })
                .bind(Param::Text(cell.quarter.clone()))
                .push(", ")
                .bind(Param::Text(cell.region_code.clone()))
                .push(", ")
                .bind(Param::Text(cell.industry.clone()))
                .push(", ")
                .bind(Param::Int(d.reporting));
            for value in [d.online_sales, d.orders, d.refunded, d.refund_base] {
                sql.push(", ").bind(Param::Float(value));
            }
            sql.push(", ")
                .bind(Param::Int(d.refund_reporting))
                .push(", ")
                .bind(Param::Float(d.complaints))
                .push(", ")
                .bind(Param::Int(d.complaints_reporting))
                .push(", FALSE)");
        }
        sql.execute(conn)?;
    }
    Ok(())
}

/// A cell table's key columns and summed columns, for [`merge`].
struct CellTable {
    name: &'static str,
    keys: &'static [&'static str],
    sums: &'static [&'static str],
    /// Integer columns: a merged row is dropped when all of them sum to zero (its sums of
    /// figures are then zero but for rounding).
    counts: &'static [&'static str],
}

const CELL_TABLES: [CellTable; 2] = [
    CellTable {
        name: "statistics_year_cells",
        keys: &["period", "dim", "key", "region_code", "industry"],
        sums: &[
            "enterprises",
            "reporting",
            "sales",
            "sales_n",
            "orders",
            "orders_n",
            "cross_border",
            "cross_border_n",
            "employees",
            "employees_n",
            "tax",
            "tax_n",
        ],
        counts: &[
            "enterprises",
            "reporting",
            "sales_n",
            "orders_n",
            "cross_border_n",
            "employees_n",
            "tax_n",
        ],
    },
    CellTable {
        name: "statistics_quarter_cells",
        keys: &["quarter", "region_code", "industry"],
        sums: &[
            "reporting",
            "online_sales",
            "orders",
            "refunded",
            "refund_base",
            "refund_reporting",
            "complaints",
            "complaints_reporting",
        ],
        counts: &["reporting", "refund_reporting", "complaints_reporting"],
    },
];

/// Folds the rows of every cell that received additions into one row per cell; returns how
/// many rows it took away. Exact on both backends whatever runs beside it: on PostgreSQL the
/// rows summed are exactly the rows deleted (one statement), and a row appended meanwhile
/// stays for the next merge; SQLite has one writer at a time.
pub fn merge(conn: &mut DbConnection) -> AppResult<usize> {
    let mut taken = 0;
    for table in &CELL_TABLES {
        let keys = table.keys.join(", ");
        let sums = table
            .sums
            .iter()
            .map(|c| format!("SUM({c})"))
            .collect::<Vec<_>>()
            .join(", ");
        let nonzero = table
            .counts
            .iter()
            .map(|c| format!("SUM({c}) <> 0"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let columns = format!("{keys}, {}, merged", table.sums.join(", "));
        let name = table.name;
        let pending = format!("SELECT {keys} FROM {name} WHERE NOT merged");
        let mut sql = Sql::new(conn);
        if conn.backend() == Backend::Sqlite {
            let last: Option<i64> = {
                #[derive(QueryableByName)]
                struct Last {
                    #[diesel(sql_type = Nullable<BigInt>)]
                    id: Option<i64>,
                }
                let mut q = Sql::new(conn);
                q.push(&format!("SELECT MAX(id) AS id FROM {name}"));
                q.load::<Last>(conn)?.pop().and_then(|l| l.id)
            };
            let Some(last) = last else { continue };
            let chosen = format!("id <= {last} AND ({keys}) IN ({pending} AND id <= {last})");
            sql.push(&format!(
                "INSERT INTO {name} ({columns}) SELECT {keys}, {sums}, TRUE FROM {name} \
                 WHERE {chosen} GROUP BY {keys} HAVING {nonzero}"
            ));
            sql.execute(conn)?;
            let mut delete = Sql::new(conn);
            delete.push(&format!("DELETE FROM {name} WHERE {chosen}"));
            taken += delete.execute(conn)?;
        } else {
            sql.push(&format!(
                "WITH gone AS (DELETE FROM {name} WHERE ({keys}) IN ({pending}) RETURNING *), \
                 kept AS (INSERT INTO {name} ({columns}) SELECT {keys}, {sums}, TRUE FROM gone \
                 GROUP BY {keys} HAVING {nonzero}) SELECT COUNT(*) AS n FROM gone"
            ));
            #[derive(QueryableByName)]
            struct Taken {
                #[diesel(sql_type = BigInt)]
                n: i64,
            }
            taken += sql.load::<Taken>(conn)?.pop().map_or(0, |t| t.n as usize);
        }
    }
    Ok(taken)
}

/// Builds the kept statistics from the records, the first time a database is opened after the
/// migration that made their tables. Later calls only read a flag.
pub fn build_if_missing(conn: &mut DbConnection) -> AppResult<bool> {
    #[derive(QueryableByName)]
    struct Built {
        #[diesel(sql_type = Bool)]
        built: bool,
    }
    let mut sql = Sql::new(conn);
    sql.push("SELECT built FROM statistics_upkeep WHERE id = 1");
    if conn.backend() != Backend::Sqlite {
        // Several instances starting at once: one builds, the others wait and find it built.
        sql.push(" FOR UPDATE");
    }
    let built = sql.load::<Built>(conn)?.pop().is_some_and(|b| b.built);
    if built {
        return Ok(false);
    }
    for table in [
        "enterprise_quarters",
        "statistics_year_cells",
        "statistics_quarter_cells",
    ] {
        let mut sql = Sql::new(conn);
        sql.push(&format!("DELETE FROM {table}"));
        sql.execute(conn)?;
    }
    #[derive(QueryableByName)]
    struct Code {
        #[diesel(sql_type = Text)]
        code: String,
    }
    let mut sql = Sql::new(conn);
    sql.push("SELECT code FROM enterprises ORDER BY code");
    let codes: Vec<String> = sql
        .load::<Code>(conn)?
        .into_iter()
        .map(|c| c.code)
        .collect();
    for chunk in codes.chunks(CODES_PER_STATEMENT) {
        enterprises_changed(conn, chunk, &HashMap::new())?;
        #[derive(QueryableByName)]
        struct Period {
            #[diesel(sql_type = Text)]
            code: String,
            #[diesel(sql_type = diesel::sql_types::Date)]
            period_start: NaiveDate,
        }
        let mut sql = Sql::new(conn);
        sql.push(
            "SELECT enterprise_code AS code, period_start FROM operating_records \
             WHERE enterprise_code IN ",
        );
        push_codes(&mut sql, chunk);
        let periods: Vec<(String, NaiveDate)> = sql
            .load::<Period>(conn)?
            .into_iter()
            .map(|p| (p.code, p.period_start))
            .collect();
        records_changed(conn, &periods)?;
    }
    merge(conn)?;
    let mut sql = Sql::new(conn);
    sql.push("UPDATE statistics_upkeep SET built = TRUE WHERE id = 1");
    sql.execute(conn)?;
    Ok(true)
}

/// The dimension and the grouping expression of a breakdown, over the cells aliased `e`.
fn grouping(by: GroupBy, level: RegionLevel) -> (&'static str, String) {
    match by {
        GroupBy::Region => (
            DIM_ALL,
            format!("substr(e.region_code, 1, {})", level.digits()),
        ),
        GroupBy::Industry => (DIM_ALL, "e.industry".to_string()),
        GroupBy::Status => (DIM_STATUS, "e.key".to_string()),
        GroupBy::Grade => (DIM_GRADE, "e.key".to_string()),
        GroupBy::BusinessModel => (DIM_BUSINESS_MODEL, "e.key".to_string()),
    }
}

/// [`super::statistics::enterprise_breakdown_from_records`], read from the cells.
pub fn enterprise_breakdown(
    conn: &mut DbConnection,
    filter: &StatisticsFilter,
    by: GroupBy,
    level: RegionLevel,
    year: i32,
) -> AppResult<(Vec<GroupTotals>, GroupTotals)> {
    let (dim, key) = grouping(by, level);
    let groups: Vec<GroupTotals> = cells_query(conn, filter, year, dim, Some(&key))?
        .into_iter()
        .map(GroupRow::into_totals)
        .collect();
    let total = if by == GroupBy::BusinessModel {
        cells_query(conn, filter, year, DIM_ALL, None)?
            .into_iter()
            .next()
            .map(GroupRow::into_totals)
            .unwrap_or_else(|| GroupTotals::sum("total", &[]))
    } else {
        GroupTotals::sum("total", &groups)
    };
    Ok((groups, total))
}

fn cells_query(
    conn: &mut DbConnection,
    filter: &StatisticsFilter,
    year: i32,
    dim: &str,
    key: Option<&str>,
) -> AppResult<Vec<GroupRow>> {
    let mut sql = Sql::new(conn);
    sql.push("SELECT ").push(key.unwrap_or("'total'")).push(
        " AS grp, CAST(SUM(e.enterprises) AS BIGINT) AS enterprises, \
             CAST(SUM(e.reporting) AS BIGINT) AS reporting",
    );
    for name in ["sales", "orders", "cross_border", "employees", "tax"] {
        sql.push(&format!(
            ", CASE WHEN SUM(e.{name}_n) > 0 THEN CAST(SUM(e.{name}) AS DOUBLE PRECISION) END \
             AS {name}, CAST(SUM(e.{name}_n) AS BIGINT) AS {name}_n"
        ));
    }
    sql.push(" FROM statistics_year_cells e WHERE e.dim = ")
        .bind(Param::Text(dim.to_string()))
        .push(" AND e.period IN ('', ")
        .bind(Param::Text(year.to_string()))
        .push(")")
        .filter(filter);
    if let Some(key) = key {
        sql.push(" GROUP BY ")
            .push(key)
            .push(" HAVING SUM(e.enterprises) > 0 ORDER BY 1");
    }
    sql.load::<GroupRow>(conn)
}

/// [`super::statistics::quarterly_trend_from_records`], read from the cells.
pub fn quarterly_trend(
    conn: &mut DbConnection,
    filter: &StatisticsFilter,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<QuarterTotals>> {
    let mut sql = Sql::new(conn);
    sql.push(
        "SELECT e.quarter, CAST(SUM(e.reporting) AS BIGINT) AS reporting, \
         CAST(SUM(e.online_sales) AS DOUBLE PRECISION) AS sales, \
         CAST(SUM(e.orders) AS DOUBLE PRECISION) AS orders, \
         CAST(SUM(e.refunded) AS DOUBLE PRECISION) AS refunded, \
         CAST(SUM(e.refund_base) AS DOUBLE PRECISION) AS refund_base, \
         CAST(SUM(e.refund_reporting) AS BIGINT) AS refund_n, \
         CAST(SUM(e.complaints) AS DOUBLE PRECISION) AS complaints, \
         CAST(SUM(e.complaints_reporting) AS BIGINT) AS complaints_n \
         FROM statistics_quarter_cells e WHERE e.quarter >= ",
    )
    .bind(Param::Text(Quarter::of(from).label()))
    .push(" AND e.quarter <= ")
    .bind(Param::Text(Quarter::of(to).label()))
    .filter(filter)
    .push(" GROUP BY e.quarter HAVING SUM(e.reporting) > 0 ORDER BY e.quarter");
    Ok(sql
        .load::<TrendQuarterRow>(conn)?
        .into_iter()
        .map(TrendQuarterRow::into_totals)
        .collect())
}

/// Are there appended rows that [`merge`] has not folded yet? (A read, on the partial indexes.)
pub fn pending(conn: &mut DbConnection) -> AppResult<bool> {
    #[derive(QueryableByName)]
    struct Pending {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut sql = Sql::new(conn);
    sql.push(
        "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM statistics_year_cells WHERE NOT merged \
         LIMIT 1) y) + (SELECT COUNT(*) FROM (SELECT 1 FROM statistics_quarter_cells \
         WHERE NOT merged LIMIT 1) q) AS n",
    );
    Ok(sql.load::<Pending>(conn)?.pop().is_some_and(|p| p.n > 0))
}

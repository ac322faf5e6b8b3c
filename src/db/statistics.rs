//! Aggregates for the statistics of regulators, computed in SQL (GROUP BY) from the records on
//! both backends: the definition the kept statistics (`db::statistics_cells`) are held to, and
//! the quarterly figures they keep.
//! The queries are plain SQL common to SQLite and PostgreSQL; only the bind placeholders differ
//! (`?` against `$n`), which [`Sql`] takes care of.
//!
//! An enterprise's figures for a calendar quarter are its quarterly record if it filed one for
//! that quarter, else the sum of its monthly records in it: an enterprise with both (which the
//! registry refuses, but older data may hold) is never counted twice. Only accepted records
//! count: figures pending review or rejected are not statistics. Accepted figures under an open
//! objection (disputed) still count until the objection is answered, as they do in scores.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Nullable, Text};

use super::enterprises::digit_prefix_range;
use super::{DbBackend, DbConnection};
use crate::domain::enterprise::BusinessModel;
use crate::domain::statistics::{
    GradeTransition, GroupBy, GroupTotals, METRICS, MetricTotal, QuarterTotals, RegionLevel,
};
use crate::error::AppResult;
use crate::scoring::grade::Grade;

/// Which enterprises a statistic covers.
#[derive(Debug, Clone, Default)]
pub struct StatisticsFilter {
    /// Leading digits of the region code (`33`, `3301`, `330106`).
    pub region_prefix: Option<String>,
    /// Exact industry.
    pub industry: Option<String>,
}

pub(super) enum Param {
    Text(String),
    Date(NaiveDate),
    Int(i64),
    Float(f64),
    OptFloat(Option<f64>),
}

/// SQL text with its bind values, placeholders spelled for the backend.
/// (Also used by `scores` for its one raw statement.)
pub(super) struct Sql {
    text: String,
    params: Vec<Param>,
    postgres: bool,
}

impl Sql {
    pub(super) fn new(conn: &DbConnection) -> Sql {
        Sql {
            text: String::new(),
            params: Vec::new(),
            postgres: !matches!(conn, DbConnection::Sqlite(_)),
        }
    }

    pub(super) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    pub(super) fn bind(&mut self, param: Param) -> &mut Self {
        self.params.push(param);
        if self.postgres {
            let n = self.params.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    /// `(?, ?, …)`: each text bound, for `IN` lists.
    pub(super) fn in_list<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> &mut Self {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(Param::Text(value.to_string()));
        }
        self.push(")")
    }

    /// ` AND …` conditions on the enterprises aliased `e`.
    pub(super) fn filter(&mut self, filter: &StatisticsFilter) -> &mut Self {
        if let Some(prefix) = &filter.region_prefix {
            // Digits only (checked by the caller).
            let (low, high) = digit_prefix_range(prefix);
            self.push(" AND e.region_code >= ").bind(Param::Text(low));
            if let Some(high) = high {
                self.push(" AND e.region_code < ").bind(Param::Text(high));
            }
        }
        if let Some(industry) = &filter.industry {
            self.push(" AND e.industry = ")
                .bind(Param::Text(industry.clone()));
        }
        self
    }

    fn query(
        self,
    ) -> diesel::query_builder::BoxedSqlQuery<'static, DbBackend, diesel::query_builder::SqlQuery>
    {
        let mut query = diesel::sql_query(self.text).into_boxed::<DbBackend>();
        for param in self.params {
            query = match param {
                Param::Text(t) => query.bind::<Text, _>(t),
                Param::Date(d) => query.bind::<Date, _>(d),
                Param::Int(i) => query.bind::<BigInt, _>(i),
                Param::Float(f) => query.bind::<Double, _>(f),
                Param::OptFloat(f) => query.bind::<Nullable<Double>, _>(f),
            };
        }
        query
    }

    pub(super) fn load<R: QueryableByName<DbBackend> + 'static>(
        self,
        conn: &mut DbConnection,
    ) -> AppResult<Vec<R>> {
        Ok(self.query().load(conn)?)
    }

    pub(super) fn execute(self, conn: &mut DbConnection) -> AppResult<usize> {
        Ok(self.query().execute(conn)?)
    }
}

const IS_QUARTERLY: &str = "r.period LIKE '%Q%'";

/// The calendar quarter (`2026-Q3`) of the operating record `r`, from its period label
/// (`2026-08` or `2026-Q3`).
fn quarter_of_record() -> String {
    format!(
        "CASE WHEN {IS_QUARTERLY} THEN r.period ELSE substr(r.period, 1, 4) || '-Q' || \
         CASE WHEN substr(r.period, 6, 2) IN ('01', '02', '03') THEN '1' \
         WHEN substr(r.period, 6, 2) IN ('04', '05', '06') THEN '2' \
         WHEN substr(r.period, 6, 2) IN ('07', '08', '09') THEN '3' ELSE '4' END END"
    )
}

/// Aggregates `value` over one enterprise's records of one quarter: over its quarterly record if
/// it has one, else over its monthly records.
fn per_quarter(aggregate: &str, value: &str) -> String {
    format!(
        "CASE WHEN SUM(CASE WHEN {IS_QUARTERLY} THEN 1 ELSE 0 END) > 0 \
         THEN {aggregate}(CASE WHEN {IS_QUARTERLY} THEN {value} END) \
         ELSE {aggregate}(CASE WHEN NOT ({IS_QUARTERLY}) THEN {value} END) END"
    )
}

/// `WITH q AS (…)`: one row per enterprise of `filter` and quarter with figures between `from`
/// and `to` (period start dates, inclusive), with the columns of [`quarter_figures_sql`].
fn quarters_cte(sql: &mut Sql, filter: &StatisticsFilter, from: NaiveDate, to: NaiveDate) {
    sql.push("WITH q AS (");
    quarter_figures_sql(sql, from, to, |sql| {
        if filter.region_prefix.is_some() || filter.industry.is_some() {
            sql.push(" AND r.enterprise_code IN (SELECT e.code FROM enterprises e WHERE 1 = 1")
                .filter(filter)
                .push(")");
        }
    });
    sql.push(")");
}

/// ` WHERE …`: the counted records `r` whose periods start between `from` and `to`.
fn counted_between(sql: &mut Sql, from: NaiveDate, to: NaiveDate) {
    sql.push(
        " WHERE (r.review_status = 'accepted' OR (r.review_status = 'disputed' AND EXISTS \
         (SELECT 1 FROM objections o WHERE o.operating_record_id = r.id AND o.status = 'open' \
         AND o.status_before_dispute = 'accepted'))) AND r.period_start >= ",
    )
    .bind(Param::Date(from))
    .push(" AND r.period_start <= ")
    .bind(Param::Date(to));
}

/// Per enterprise and quarter, from the counted records between `from` and `to` that `narrow`
/// selects (` AND …` on the records `r`): the figures `db::statistics_cells` keeps, as the
/// columns code, quarter, online_sales, orders, cross_border, employees, tax, refunded,
/// refund_base, complaints.
pub(super) fn quarter_figures_sql(
    sql: &mut Sql,
    from: NaiveDate,
    to: NaiveDate,
    narrow: impl FnOnce(&mut Sql),
) {
    let quarter = quarter_of_record();
    sql.push("SELECT r.enterprise_code AS code, ")
        .push(&quarter)
        .push(" AS quarter");
    for (aggregate, value, name) in QUARTER_FIGURES {
        sql.push(", ")
            .push(&per_quarter(aggregate, value))
            .push(" AS ")
            .push(name);
    }
    sql.push(" FROM operating_records r");
    counted_between(sql, from, to);
    narrow(sql);
    sql.push(" GROUP BY r.enterprise_code, ").push(&quarter);
}

/// The kept figures of an enterprise's quarter: (aggregate, value of a record, name).
const QUARTER_FIGURES: [(&str, &str, &str); 8] = [
    ("SUM", "r.online_sales", "online_sales"),
    ("SUM", "CAST(r.orders AS DOUBLE PRECISION)", "orders"),
    ("SUM", "r.cross_border_trade", "cross_border"),
    ("AVG", "CAST(r.employees AS DOUBLE PRECISION)", "employees"),
    ("SUM", "r.tax_paid", "tax"),
    (
        "SUM",
        "CASE WHEN r.refund_rate IS NOT NULL THEN r.refund_rate * r.orders END",
        "refunded",
    ),
    (
        "SUM",
        "CASE WHEN r.refund_rate IS NOT NULL THEN CAST(r.orders AS DOUBLE PRECISION) END",
        "refund_base",
    ),
    (
        "SUM",
        "CAST(r.complaints AS DOUBLE PRECISION)",
        "complaints",
    ),
];

#[derive(QueryableByName)]
pub(super) struct GroupRow {
    #[diesel(sql_type = Text)]
    grp: String,
    #[diesel(sql_type = BigInt)]
    enterprises: i64,
    #[diesel(sql_type = BigInt)]
    reporting: i64,
    #[diesel(sql_type = Nullable<Double>)]
    sales: Option<f64>,
    #[diesel(sql_type = BigInt)]
    sales_n: i64,
    #[diesel(sql_type = Nullable<Double>)]
    orders: Option<f64>,
    #[diesel(sql_type = BigInt)]
    orders_n: i64,
    #[diesel(sql_type = Nullable<Double>)]
    cross_border: Option<f64>,
    #[diesel(sql_type = BigInt)]
    cross_border_n: i64,
    #[diesel(sql_type = Nullable<Double>)]
    employees: Option<f64>,
    #[diesel(sql_type = BigInt)]
    employees_n: i64,
    #[diesel(sql_type = Nullable<Double>)]
    tax: Option<f64>,
    #[diesel(sql_type = BigInt)]
    tax_n: i64,
}

impl GroupRow {
    pub(super) fn into_totals(self) -> GroupTotals {
        let m = |total, contributors| MetricTotal {
            total,
            contributors,
        };
        let metrics: [MetricTotal; METRICS] = [
            m(self.sales, self.sales_n),
            m(self.orders, self.orders_n),
            m(self.cross_border, self.cross_border_n),
            m(self.employees, self.employees_n),
            m(self.tax, self.tax_n),
        ];
        GroupTotals {
            key: self.grp,
            enterprises: self.enterprises,
            reporting: self.reporting,
            metrics,
        }
    }
}

/// The names of the per-enterprise yearly figures, in the order of `GroupTotals::metrics`.
const YEAR_FIGURES: [&str; METRICS] = ["sales", "orders", "cross_border", "employees", "tax"];

/// Computed from the records themselves, which takes seconds at 100k enterprises: what the
/// kept statistics (`db::statistics_cells::enterprise_breakdown`, which the service reads) must
/// always equal. Per group of enterprises (by `by`, region codes cut at `level`), the number of enterprises
/// and the sums of their operating figures for calendar year `year`; and the same over all
/// filtered enterprises. Groups are ordered by key; a group appears when it holds an enterprise.
/// For business models, which an enterprise may have several of, the groups overlap.
pub fn enterprise_breakdown_from_records(
    conn: &mut DbConnection,
    filter: &StatisticsFilter,
    by: GroupBy,
    level: RegionLevel,
    year: i32,
) -> AppResult<(Vec<GroupTotals>, GroupTotals)> {
    let (key, joins) = match by {
        GroupBy::Region => (
            format!("substr(e.region_code, 1, {})", level.digits()),
            String::new(),
        ),
        GroupBy::Industry => ("e.industry".to_string(), String::new()),
        GroupBy::Status => ("e.status".to_string(), String::new()),
        GroupBy::Grade => (
            "COALESCE(cs.grade, 'unscored')".to_string(),
            " LEFT JOIN current_scores cs ON cs.enterprise_code = e.code".to_string(),
        ),
        GroupBy::BusinessModel => {
            let models = BusinessModel::ALL
                .iter()
                .map(|m| format!("SELECT '{}' AS m", m.as_str()))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            (
                "bm.m".to_string(),
                format!(" JOIN ({models}) bm ON e.business_models LIKE '%\"' || bm.m || '\"%'"),
            )
        }
    };
    let groups: Vec<GroupTotals> = year_query(conn, filter, year, Some((&key, &joins)))?
        .into_iter()
        .map(GroupRow::into_totals)
        .collect();
    // Every other breakdown partitions the enterprises: its total is the sum of its groups.
    let total = if by == GroupBy::BusinessModel {
        year_query(conn, filter, year, None)?
            .into_iter()
            .next()
            .map(GroupRow::into_totals)
            .expect("an aggregate without GROUP BY has one row")
    } else {
        GroupTotals::sum("total", &groups)
    };
    Ok((groups, total))
}

fn year_query(
    conn: &mut DbConnection,
    filter: &StatisticsFilter,
    year: i32,
    grouping: Option<(&str, &str)>,
) -> AppResult<Vec<GroupRow>> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("a checked year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("a checked year");
    let mut sql = Sql::new(conn);
    quarters_cte(&mut sql, filter, from, to);
    sql.push(
        ", y AS (SELECT code, SUM(online_sales) AS sales, SUM(orders) AS orders, \
         SUM(cross_border) AS cross_border, AVG(employees) AS employees, SUM(tax) AS tax \
         FROM q GROUP BY code) SELECT ",
    );
    let (key, joins) = grouping.unwrap_or(("'total'", ""));
    sql.push(key)
        .push(" AS grp, COUNT(*) AS enterprises, COUNT(y.code) AS reporting");
    for name in YEAR_FIGURES {
        sql.push(&format!(
            ", CAST(SUM(y.{name}) AS DOUBLE PRECISION) AS {name}, COUNT(y.{name}) AS {name}_n"
        ));
    }
    sql.push(" FROM enterprises e")
        .push(joins)
        .push(" LEFT JOIN y ON y.code = e.code WHERE 1 = 1")
        .filter(filter);
    if grouping.is_some() {
        sql.push(" GROUP BY ").push(key).push(" ORDER BY 1");
    }
    sql.load(conn)
}

/// One quarter of a trend as both computations load it (`db::statistics_cells` too).
#[derive(QueryableByName)]
pub(super) struct QuarterRow {
    #[diesel(sql_type = Text)]
    quarter: String,
    #[diesel(sql_type = BigInt)]
    reporting: i64,
    #[diesel(sql_type = Nullable<Double>)]
    sales: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    orders: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    refunded: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    refund_base: Option<f64>,
    #[diesel(sql_type = BigInt)]
    refund_n: i64,
    #[diesel(sql_type = Nullable<Double>)]
    complaints: Option<f64>,
    #[diesel(sql_type = BigInt)]
    complaints_n: i64,
}

impl QuarterRow {
    pub(super) fn into_totals(self) -> QuarterTotals {
        QuarterTotals {
            quarter: self.quarter,
            reporting: self.reporting,
            online_sales: self.sales.unwrap_or(0.0),
            orders: self.orders.unwrap_or(0.0),
            refunded_orders: self.refunded.unwrap_or(0.0),
            refund_base: self.refund_base.unwrap_or(0.0),
            refund_reporting: self.refund_n,
            complaints: self.complaints.unwrap_or(0.0),
            complaints_reporting: self.complaints_n,
        }
    }
}

/// Computed from the records themselves: what `db::statistics_cells::quarterly_trend` must
/// always equal. Per calendar quarter whose records start between `from` and `to`, the totals over the
/// reporting enterprises; quarters without records are absent.
pub fn quarterly_trend_from_records(
    conn: &mut DbConnection,
    filter: &StatisticsFilter,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<QuarterTotals>> {
    let mut sql = Sql::new(conn);
    quarters_cte(&mut sql, filter, from, to);
    sql.push(
        " SELECT quarter, COUNT(*) AS reporting, \
         CAST(SUM(online_sales) AS DOUBLE PRECISION) AS sales, \
         CAST(SUM(orders) AS DOUBLE PRECISION) AS orders, \
         CAST(SUM(refunded) AS DOUBLE PRECISION) AS refunded, \
         CAST(SUM(refund_base) AS DOUBLE PRECISION) AS refund_base, COUNT(refund_base) AS refund_n, \
         CAST(SUM(complaints) AS DOUBLE PRECISION) AS complaints, COUNT(complaints) AS complaints_n \
         FROM q GROUP BY quarter ORDER BY quarter",
    );
    Ok(sql
        .load::<QuarterRow>(conn)?
        .into_iter()
        .map(QuarterRow::into_totals)
        .collect())
}

#[derive(QueryableByName)]
struct TransitionRow {
    #[diesel(sql_type = Text)]
    current_grade: String,
    #[diesel(sql_type = Nullable<Text>)]
    previous_grade: Option<String>,
    #[diesel(sql_type = BigInt)]
    enterprises: i64,
}

/// How many currently scored enterprises went from which grade to which: each enterprise's
/// current published grade against the published grade of its stored score just before the
/// current one (none for an enterprise scored once), as `scores::insert` and `insert_many` keep it
/// in `current_scores.previous_grade`.
pub fn grade_transitions(
    conn: &mut DbConnection,
    filter: &StatisticsFilter,
) -> AppResult<Vec<GradeTransition>> {
    // The whole registry: the tallies kept with every score write.
    if filter.region_prefix.is_none() && filter.industry.is_none() {
        return Ok(super::scores::grade_tallies(conn)?
            .into_iter()
            .map(|(current, previous, enterprises)| GradeTransition {
                current: Grade::from_stored(&current),
                previous: previous.as_deref().map(Grade::from_stored),
                enterprises,
            })
            .collect());
    }
    grade_transitions_counted(conn, filter)
}

/// [`grade_transitions`] counted from `current_scores` itself, whatever the filter: what the
/// tallies must always equal.
pub fn grade_transitions_counted(
    conn: &mut DbConnection,
    filter: &StatisticsFilter,
) -> AppResult<Vec<GradeTransition>> {
    let mut sql = Sql::new(conn);
    sql.push("SELECT cs.grade AS current_grade, cs.previous_grade, COUNT(*) AS enterprises FROM current_scores cs");
    // Every current score has its enterprise (a foreign key): join only to filter.
    if filter.region_prefix.is_some() || filter.industry.is_some() {
        sql.push(" JOIN enterprises e ON e.code = cs.enterprise_code WHERE 1 = 1")
            .filter(filter);
    }
    sql.push(" GROUP BY cs.grade, cs.previous_grade");
    Ok(sql
        .load::<TransitionRow>(conn)?
        .into_iter()
        .map(|r| GradeTransition {
            current: Grade::from_stored(&r.current_grade),
            previous: r.previous_grade.as_deref().map(Grade::from_stored),
            enterprises: r.enterprises,
        })
        .collect())
}

//! Bulk insertion: many enterprises with all their records in one transaction. diesel's
//! `MultiConnection` has no batch insert, so the writes match on the backend and hand the same
//! `Insertable` rows to the concrete connection:
//!
//! - SQLite: multi-row `INSERT … VALUES (…), (…)`, as many rows per statement as its limit of
//!   32766 bound parameters allows (up to 500), with the statement prepared once and reused;
//! - PostgreSQL: `COPY … FROM STDIN` (binary) of the same rows, which has no parameter limit and
//!   stored 100k enterprises in 51 s against 77 s for multi-row INSERTs of 65535 parameters
//!   (the server's per-row foreign-key checks dominate either way).
//!
//! Ids are assigned by the database; associations name the related enterprise by its code. Each
//! enterprise gets one history row (action `import`) that records where it came from.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use diesel::prelude::*;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Date, Timestamp};
use diesel::sqlite::Sqlite;

use super::DbConnection;
use super::schema::{
    associations, change_history, credit_events, enterprises, operating_records, sentiment_records,
};
use crate::domain::Role;
use crate::domain::enterprise::Enterprise;
use crate::domain::patch;
use crate::domain::records::{
    Association, CreditEvent, DataSource, OperatingRecord, SentimentRecord,
};
use crate::error::AppResult;

/// Bound parameters one SQLite statement may carry (`SQLITE_MAX_VARIABLE_NUMBER` since 3.32).
pub const SQLITE_MAX_BINDS: usize = 32_766;
/// Rows per statement: beyond this, larger statements no longer pay off.
const MAX_ROWS_PER_STATEMENT: usize = 500;
/// Page cache of a connection doing bulk writes on SQLite, in KiB.
const SQLITE_BULK_CACHE_KIB: u32 = 64 * 1024;

/// Inserts a slice of rows; returns the number of rows. The match on the backend is the way
/// around `MultiConnection`'s missing batch insert: inside each arm the connection is concrete.
/// On SQLite, full statements take a fixed-size array of rows, which gives them a static query
/// id: diesel then prepares the statement once and reuses it, instead of building and parsing a
/// new one for every batch.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let rows = $rows;
        match &mut *$conn {
            $crate::db::DbConnection::Sqlite(c) => {
                const N: usize = $crate::db::bulk::rows_per_statement(
                    $crate::db::bulk::SQLITE_MAX_BINDS,
                    $columns,
                );
                insert_all!(@chunks c, $table, rows, N);
            }
            #[cfg(feature = "postgres")]
            $crate::db::DbConnection::Postgres(c) => {
                if !rows.is_empty() {
                    diesel::copy_from($table).from_insertable(rows).execute(c)?;
                }
            }
        }
        rows.len()
    }};
    (@chunks $c:expr, $table:expr, $rows:expr, $n:expr) => {{
        let mut chunks = $rows.chunks_exact($n);
        for chunk in &mut chunks {
            let chunk: &[_; $n] = chunk.try_into().expect("chunks_exact gives full chunks");
            diesel::insert_into($table).values(chunk).execute($c)?;
        }
        if !chunks.remainder().is_empty() {
            diesel::insert_into($table)
                .values(chunks.remainder())
                .execute($c)?;
        }
    }};
}

pub(crate) use insert_all;

/// An enterprise and its records, ready to be stored.
#[derive(Debug, Clone, Copy)]
pub struct NewEnterprise<'a> {
    pub enterprise: &'a Enterprise,
    /// Provenance of the basic record.
    pub source: DataSource,
    pub operating: &'a [OperatingRecord],
    pub events: &'a [CreditEvent],
    pub sentiment: &'a [SentimentRecord],
    pub associations: &'a [Association],
}

/// Who imports, when and why: written to every row's bookkeeping and to the history.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub actor: String,
    pub actor_role: Role,
    pub reason: String,
    pub at: NaiveDateTime,
}

/// Rows written, by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub enterprises: usize,
    pub operating_records: usize,
    pub credit_events: usize,
    pub sentiment_records: usize,
    pub associations: usize,
    pub history: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.enterprises += o.enterprises;
        self.operating_records += o.operating_records;
        self.credit_events += o.credit_events;
        self.sentiment_records += o.sentiment_records;
        self.associations += o.associations;
        self.history += o.history;
    }
}

/// The rows of a batch, built ahead of the transaction (on another thread if wanted): owned, so
/// they can be sent between threads.
pub struct Prepared {
    enterprises: Vec<EnterpriseRow>,
    history: Vec<HistoryRow>,
    operating: Vec<OperatingRow>,
    events: Vec<EventRow>,
    sentiment: Vec<SentimentRow>,
    associations: Vec<AssociationRow>,
}

impl Prepared {
    pub fn len(&self) -> usize {
        self.enterprises.len()
    }

    pub fn is_empty(&self) -> bool {
        self.enterprises.is_empty()
    }
}

/// Builds the rows of a batch: each enterprise with its records and one history row
/// (action `import`) that says who imported it and why.
pub fn prepare(batch: &[NewEnterprise<'_>], provenance: &Provenance) -> Prepared {
    let meta = Meta {
        at: Moment::of(provenance.at),
        actor: &provenance.actor,
    };
    // In code order, the index inserts of a batch sweep each index once instead of jumping.
    let mut batch: Vec<&NewEnterprise<'_>> = batch.iter().collect();
    batch.sort_unstable_by_key(|n| n.enterprise.code.as_str());
    fn records<'a>(n: &&NewEnterprise<'a>) -> (&'a str, NewEnterprise<'a>) {
        (n.enterprise.code.as_str(), **n)
    }
    Prepared {
        enterprises: batch.iter().map(|n| EnterpriseRow::new(n, meta)).collect(),
        history: batch
            .iter()
            .map(|n| HistoryRow {
                enterprise_code: n.enterprise.code.to_string(),
                entity: super::history::Entity::Enterprise.as_str(),
                entity_id: n.enterprise.code.to_string(),
                action: "import",
                actor: provenance.actor.clone(),
                actor_role: provenance.actor_role.as_str(),
                source: n.source.as_str(),
                reason: Some(provenance.reason.clone()),
                request_id: None,
                changes: serde_json::to_string(&patch::created(n.enterprise))
                    .expect("plain data serialises"),
                changed_at: meta.at,
            })
            .collect(),
        operating: batch
            .iter()
            .map(records)
            .flat_map(|(code, n)| {
                n.operating
                    .iter()
                    .map(move |r| OperatingRow::new(code, r, meta))
            })
            .collect(),
        events: batch
            .iter()
            .map(records)
            .flat_map(|(code, n)| n.events.iter().map(move |e| EventRow::new(code, e, meta)))
            .collect(),
        sentiment: batch
            .iter()
            .map(records)
            .flat_map(|(code, n)| {
                n.sentiment
                    .iter()
                    .map(move |s| SentimentRow::new(code, s, meta))
            })
            .collect(),
        associations: batch
            .iter()
            .map(records)
            .flat_map(|(code, n)| {
                n.associations
                    .iter()
                    .map(move |a| AssociationRow::new(code, a, meta))
            })
            .collect(),
    }
}

/// Inserts prepared rows; call inside a write transaction, which then holds all of them or
/// none. The codes must not be registered yet (the primary key refuses duplicates and the
/// transaction is rolled back).
pub fn insert_prepared(conn: &mut DbConnection, rows: &Prepared) -> AppResult<Counts> {
    if conn.backend() == super::Backend::Sqlite {
        // The record tables' indexes lead with the enterprise code, and new codes land all over
        // them: a page cache that holds the indexes keeps those inserts from thrashing the disk
        // (SQLite's default cache is 2 MB). It only grows as far as it is used.
        use diesel::connection::SimpleConnection;
        conn.batch_execute(&format!("PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}"))?;
    }
    let counts = Counts {
        enterprises: insert_all!(
            conn,
            enterprises::table,
            &rows.enterprises,
            EnterpriseRow::COLUMNS
        ),
        history: insert_all!(
            conn,
            change_history::table,
            &rows.history,
            HistoryRow::COLUMNS
        ),
        operating_records: insert_all!(
            conn,
            operating_records::table,
            &rows.operating,
            OperatingRow::COLUMNS
        ),
        credit_events: insert_all!(conn, credit_events::table, &rows.events, EventRow::COLUMNS),
        sentiment_records: insert_all!(
            conn,
            sentiment_records::table,
            &rows.sentiment,
            SentimentRow::COLUMNS
        ),
        associations: insert_all!(
            conn,
            associations::table,
            &rows.associations,
            AssociationRow::COLUMNS
        ),
    };
    let codes: Vec<String> = rows.enterprises.iter().map(|e| e.code.clone()).collect();
    super::statistics_cells::enterprises_changed(conn, &codes, &Default::default())?;
    let periods: Vec<(String, chrono::NaiveDate)> = rows
        .operating
        .iter()
        .map(|r| (r.enterprise_code.clone(), r.period_start.date))
        .collect();
    super::statistics_cells::records_changed(conn, &periods)?;
    Ok(counts)
}

/// `prepare` and `insert_prepared` in one: call inside a write transaction.
pub fn insert_enterprises(
    conn: &mut DbConnection,
    batch: &[NewEnterprise<'_>],
    provenance: &Provenance,
) -> AppResult<Counts> {
    insert_prepared(conn, &prepare(batch, provenance))
}

/// Rows per statement for a table of `columns` columns under a limit of `max_binds`.
pub const fn rows_per_statement(max_binds: usize, columns: usize) -> usize {
    let fit = max_binds / columns;
    if fit > MAX_ROWS_PER_STATEMENT {
        MAX_ROWS_PER_STATEMENT
    } else if fit == 0 {
        1
    } else {
        fit
    }
}

/// The bookkeeping columns every record table has.
#[derive(Debug, Clone, Copy)]
struct Meta<'a> {
    at: Moment,
    actor: &'a str,
}

// Rows own their texts (or hold `'static` ones): diesel caches a prepared statement only for a
// query type without borrowed lifetimes. `None` is written as NULL (not DEFAULT), which lets
// diesel put many rows in one statement on SQLite too.

#[derive(Insertable)]
#[diesel(table_name = enterprises, treat_none_as_default_value = false)]
struct EnterpriseRow {
    code: String,
    name: String,
    legal_representative: String,
    legal_rep_id_number: Option<String>,
    legal_rep_phone: Option<String>,
    registered_capital: f64,
    established_on: Day,
    region_code: String,
    industry: String,
    business_models: String,
    platforms: String,
    status: &'static str,
    source: &'static str,
    version: i64,
    created_at: Moment,
    created_by: String,
    updated_at: Moment,
    updated_by: String,
}

impl EnterpriseRow {
    const COLUMNS: usize = 18;

    fn new(n: &NewEnterprise<'_>, m: Meta<'_>) -> Self {
        let e = n.enterprise;
        EnterpriseRow {
            code: e.code.to_string(),
            name: e.name.clone(),
            legal_representative: e.legal_representative.clone(),
            legal_rep_id_number: e.legal_rep_id_number.clone(),
            legal_rep_phone: e.legal_rep_phone.clone(),
            registered_capital: e.registered_capital,
            established_on: Day::of(e.established_on),
            region_code: e.region_code.clone(),
            industry: e.industry.clone(),
            business_models: serde_json::to_string(&e.business_models)
                .expect("plain data serialises"),
            platforms: serde_json::to_string(&e.platforms).expect("plain data serialises"),
            status: e.status.as_str(),
            source: n.source.as_str(),
            version: 1,
            created_at: m.at,
            created_by: m.actor.to_string(),
            updated_at: m.at,
            updated_by: m.actor.to_string(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = change_history, treat_none_as_default_value = false)]
struct HistoryRow {
    enterprise_code: String,
    entity: &'static str,
    entity_id: String,
    action: &'static str,
    actor: String,
    actor_role: &'static str,
    source: &'static str,
    reason: Option<String>,
    request_id: Option<String>,
    changes: String,
    changed_at: Moment,
}

impl HistoryRow {
    const COLUMNS: usize = 11;
}

#[derive(Insertable)]
#[diesel(table_name = operating_records, treat_none_as_default_value = false)]
struct OperatingRow {
    enterprise_code: String,
    period: String,
    period_start: Day,
    period_end: Day,
    online_sales: f64,
    orders: i64,
    refund_rate: Option<f64>,
    complaints: Option<i64>,
    on_time_delivery_rate: Option<f64>,
    positive_review_rate: Option<f64>,
    employees: Option<i64>,
    tax_paid: Option<f64>,
    cross_border_trade: Option<f64>,
    quality_checks: Option<i64>,
    quality_checks_failed: Option<i64>,
    source: &'static str,
    review_status: &'static str,
    version: i64,
    created_at: Moment,
    created_by: String,
    updated_at: Moment,
    updated_by: String,
}

impl OperatingRow {
    const COLUMNS: usize = 22;

    fn new(code: &str, r: &OperatingRecord, m: Meta<'_>) -> Self {
        OperatingRow {
            enterprise_code: code.to_string(),
            period: r.period_label.clone(),
            period_start: Day::of(r.period.start),
            period_end: Day::of(r.period.end),
            online_sales: r.online_sales,
            orders: r.orders,
            refund_rate: r.refund_rate,
            complaints: r.complaints,
            on_time_delivery_rate: r.on_time_delivery_rate,
            positive_review_rate: r.positive_review_rate,
            employees: r.employees,
            tax_paid: r.tax_paid,
            cross_border_trade: r.cross_border_trade,
            quality_checks: r.quality_checks,
            quality_checks_failed: r.quality_checks_failed,
            source: r.source.as_str(),
            review_status: r.review_status.as_str(),
            version: 1,
            created_at: m.at,
            created_by: m.actor.to_string(),
            updated_at: m.at,
            updated_by: m.actor.to_string(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = credit_events, treat_none_as_default_value = false)]
struct EventRow {
    enterprise_code: String,
    kind: &'static str,
    polarity: &'static str,
    severity: &'static str,
    title: String,
    description: Option<String>,
    authority: String,
    document_number: Option<String>,
    decided_on: Day,
    publicity_until: Option<Day>,
    status: &'static str,
    source: &'static str,
    version: i64,
    created_at: Moment,
    created_by: String,
    updated_at: Moment,
    updated_by: String,
}

impl EventRow {
    const COLUMNS: usize = 17;

    fn new(code: &str, e: &CreditEvent, m: Meta<'_>) -> Self {
        EventRow {
            enterprise_code: code.to_string(),
            kind: e.kind.as_str(),
            polarity: e.polarity.as_str(),
            severity: e.severity.as_str(),
            title: e.title.clone(),
            description: e.description.clone(),
            authority: e.authority.clone(),
            document_number: e.document_number.clone(),
            decided_on: Day::of(e.decided_on),
            publicity_until: e.publicity_until.map(Day::of),
            status: e.status.as_str(),
            source: e.source.as_str(),
            version: 1,
            created_at: m.at,
            created_by: m.actor.to_string(),
            updated_at: m.at,
            updated_by: m.actor.to_string(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = sentiment_records, treat_none_as_default_value = false)]
struct SentimentRow {
    enterprise_code: String,
    source_kind: &'static str,
    source_name: String,
    title: String,
    excerpt: Option<String>,
    url: Option<String>,
    published_at: Moment,
    polarity: f64,
    polarity_computed: bool,
    topic: Option<String>,
    source: &'static str,
    version: i64,
    created_at: Moment,
    created_by: String,
    updated_at: Moment,
    updated_by: String,
}

impl SentimentRow {
    const COLUMNS: usize = 16;

    fn new(code: &str, s: &SentimentRecord, m: Meta<'_>) -> Self {
        SentimentRow {
            enterprise_code: code.to_string(),
            source_kind: s.source_kind.as_str(),
            source_name: s.source_name.clone(),
            title: s.title.clone(),
            excerpt: s.excerpt.clone(),
            url: s.url.clone(),
            published_at: Moment::of(s.published_at),
            polarity: s.polarity,
            polarity_computed: s.polarity_computed,
            topic: s.topic.clone(),
            source: s.source.as_str(),
            version: 1,
            created_at: m.at,
            created_by: m.actor.to_string(),
            updated_at: m.at,
            updated_by: m.actor.to_string(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = associations, treat_none_as_default_value = false)]
struct AssociationRow {
    enterprise_code: String,
    kind: &'static str,
    related_code: Option<String>,
    related_name: String,
    share_ratio: Option<f64>,
    amount: Option<f64>,
    valid_from: Option<Day>,
    valid_until: Option<Day>,
    note: Option<String>,
    source: &'static str,
    version: i64,
    created_at: Moment,
    created_by: String,
    updated_at: Moment,
    updated_by: String,
}

impl AssociationRow {
    const COLUMNS: usize = 15;

    fn new(code: &str, a: &Association, m: Meta<'_>) -> Self {
        AssociationRow {
            enterprise_code: code.to_string(),
            kind: a.kind.as_str(),
            related_code: a.related_code.as_ref().map(ToString::to_string),
            related_name: a.related_name.clone(),
            share_ratio: a.share_ratio,
            amount: a.amount,
            valid_from: a.valid_from.map(Day::of),
            valid_until: a.valid_until.map(Day::of),
            note: a.note.clone(),
            source: a.source.as_str(),
            version: 1,
            created_at: m.at,
            created_by: m.actor.to_string(),
            updated_at: m.at,
            updated_by: m.actor.to_string(),
        }
    }
}

/// A date bound exactly as diesel binds a `NaiveDate` (ISO text on SQLite, binary on
/// PostgreSQL), with its SQLite text written when the row is built: formatting dates at bind
/// time (chrono parses its format string for every value) took a tenth of the writer's time.
#[derive(Debug, Clone, Copy, diesel::AsExpression)]
#[diesel(sql_type = Date)]
struct Day {
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    date: NaiveDate,
    text: InlineText,
}

/// A timestamp bound exactly as diesel binds a `NaiveDateTime` (see `Day`).
#[derive(Debug, Clone, Copy, diesel::AsExpression)]
#[diesel(sql_type = Timestamp)]
struct Moment {
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    at: NaiveDateTime,
    text: InlineText,
}

impl Day {
    fn of(date: NaiveDate) -> Day {
        Day {
            date,
            text: InlineText::of(|t| {
                if (0..=9999).contains(&date.year()) {
                    write!(
                        t,
                        "{:04}-{:02}-{:02}",
                        date.year(),
                        date.month(),
                        date.day()
                    )
                } else {
                    write!(t, "{}", date.format("%F"))
                }
            }),
        }
    }
}

impl Moment {
    /// `%F %T%.f`, as diesel writes timestamps to SQLite: the fraction has 0, 3, 6 or 9 digits.
    fn of(at: NaiveDateTime) -> Moment {
        Moment {
            at,
            text: InlineText::of(|t| {
                let nanos = at.nanosecond();
                if !(0..=9999).contains(&at.year()) || nanos >= 1_000_000_000 {
                    return write!(t, "{}", at.format("%F %T%.f"));
                }
                write!(
                    t,
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    at.year(),
                    at.month(),
                    at.day(),
                    at.hour(),
                    at.minute(),
                    at.second()
                )?;
                if nanos == 0 {
                    Ok(())
                } else if nanos.is_multiple_of(1_000_000) {
                    write!(t, ".{:03}", nanos / 1_000_000)
                } else if nanos.is_multiple_of(1_000) {
                    write!(t, ".{:06}", nanos / 1_000)
                } else {
                    write!(t, ".{nanos:09}")
                }
            }),
        }
    }
}

/// Short ASCII text kept inline: no allocation per value.
#[derive(Debug, Clone, Copy)]
struct InlineText {
    bytes: [u8; 40],
    len: u8,
}

impl InlineText {
    fn of(write: impl FnOnce(&mut InlineText) -> std::fmt::Result) -> InlineText {
        let mut text = InlineText {
            bytes: [0; 40],
            len: 0,
        };
        write(&mut text).expect("a date or time fits in 40 bytes");
        text
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("written from str")
    }
}

impl std::fmt::Write for InlineText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let start = usize::from(self.len);
        let end = start + s.len();
        if end > self.bytes.len() {
            return Err(std::fmt::Error);
        }
        self.bytes[start..end].copy_from_slice(s.as_bytes());
        self.len = end as u8;
        Ok(())
    }
}

impl ToSql<Date, Sqlite> for Day {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.text.as_str());
        Ok(IsNull::No)
    }
}

impl ToSql<Timestamp, Sqlite> for Moment {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.text.as_str());
        Ok(IsNull::No)
    }
}

#[cfg(feature = "postgres")]
impl ToSql<Date, diesel::pg::Pg> for Day {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::pg::Pg>) -> serialize::Result {
        ToSql::<Date, diesel::pg::Pg>::to_sql(&self.date, out)
    }
}

#[cfg(feature = "postgres")]
impl ToSql<Timestamp, diesel::pg::Pg> for Moment {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::pg::Pg>) -> serialize::Result {
        ToSql::<Timestamp, diesel::pg::Pg>::to_sql(&self.at, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_written_as_diesel_writes_them() {
        for day in [
            NaiveDate::from_ymd_opt(2026, 3, 7).unwrap(),
            NaiveDate::from_ymd_opt(12026, 3, 7).unwrap(),
        ] {
            assert_eq!(Day::of(day).text.as_str(), day.format("%F").to_string());
            for nanos in [
                0,
                1,
                1_000,
                330_075_000,
                1_000_000,
                120_000_000,
                999_999_999,
            ] {
                let t = day.and_hms_nano_opt(4, 5, 6, nanos).unwrap();
                assert_eq!(
                    Moment::of(t).text.as_str(),
                    t.format("%F %T%.f").to_string(),
                    "{nanos}"
                );
            }
        }
    }

    /// The column counts the statement sizes are computed from match the rows' placeholders.
    #[test]
    fn column_counts_match_the_rows() {
        fn placeholders<Q>(query: &Q) -> usize
        where
            for<'a> diesel::query_builder::DebugQuery<'a, Q, Sqlite>: std::fmt::Display,
        {
            let sql = diesel::debug_query::<Sqlite, _>(query).to_string();
            let sql = sql.split("-- binds").next().unwrap();
            sql.matches('?').count()
        }
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let meta = Meta {
            at: Moment::of(at),
            actor: "x",
        };
        let firm = crate::demo::Population::new(1, at.date(), 0..8).enterprise(0);
        let new = NewEnterprise {
            enterprise: &firm.enterprise,
            source: DataSource::Department,
            operating: &firm.operating,
            events: &firm.events,
            sentiment: &firm.sentiment,
            associations: &firm.associations,
        };
        let e = [EnterpriseRow::new(&new, meta)];
        assert_eq!(
            placeholders(&diesel::insert_into(enterprises::table).values(&e[..])),
            EnterpriseRow::COLUMNS
        );
        let o = [OperatingRow::new("c", &firm.operating[0], meta)];
        assert_eq!(
            placeholders(&diesel::insert_into(operating_records::table).values(&o[..])),
            OperatingRow::COLUMNS
        );
        let h = [HistoryRow {
            enterprise_code: "c".into(),
            entity: "enterprise",
            entity_id: "c".into(),
            action: "import",
            actor: "x".into(),
            actor_role: "admin",
            source: "department",
            reason: None,
            request_id: None,
            changes: "[]".into(),
            changed_at: Moment::of(at),
        }];
        assert_eq!(
            placeholders(&diesel::insert_into(change_history::table).values(&h[..])),
            HistoryRow::COLUMNS
        );
        let event = CreditEvent {
            kind: crate::domain::records::CreditEventKind::Honour,
            polarity: crate::domain::records::Polarity::Positive,
            severity: crate::domain::records::Severity::Minor,
            title: "t".into(),
            description: None,
            authority: "a".into(),
            document_number: None,
            decided_on: at.date(),
            publicity_until: None,
            status: crate::domain::records::CreditEventStatus::Active,
            source: DataSource::Department,
        };
        let ev = [EventRow::new("c", &event, meta)];
        assert_eq!(
            placeholders(&diesel::insert_into(credit_events::table).values(&ev[..])),
            EventRow::COLUMNS
        );
        let sentiment = SentimentRecord {
            source_kind: crate::domain::records::SentimentSourceKind::News,
            source_name: "s".into(),
            title: "t".into(),
            excerpt: None,
            url: None,
            published_at: at,
            polarity: 0.0,
            polarity_computed: false,
            topic: None,
            source: DataSource::Platform,
        };
        let s = [SentimentRow::new("c", &sentiment, meta)];
        assert_eq!(
            placeholders(&diesel::insert_into(sentiment_records::table).values(&s[..])),
            SentimentRow::COLUMNS
        );
        let association = Association {
            kind: crate::domain::records::AssociationKind::SupplyChain,
            related_code: None,
            related_name: "r".into(),
            share_ratio: None,
            amount: None,
            valid_from: None,
            valid_until: None,
            note: None,
            source: DataSource::Department,
        };
        let a = [AssociationRow::new("c", &association, meta)];
        assert_eq!(
            placeholders(&diesel::insert_into(associations::table).values(&a[..])),
            AssociationRow::COLUMNS
        );
        assert!(rows_per_statement(SQLITE_MAX_BINDS, OperatingRow::COLUMNS) * 22 <= 32_766);
    }
}

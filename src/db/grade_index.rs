//! The current public grades in memory: the registry's most frequent request, anyone asking an
//! enterprise's grade, answered without the database. A copy of the grade and date of every row
//! of `current_scores`, with the id of the score it came from, so that a copy only ever moves to
//! a newer score whatever order the changes arrive in.
//!
//! How it stays fresh, and how stale it can be:
//! - **Writes through [`super::Db::write`]** on this instance: the scores' writers record the
//!   enterprises they touched; after the commit, and before the write returns, their rows are read
//!   back into the index (up to [`REFRESH_AFTER_COMMIT`] enterprises; a larger write is left to
//!   the feed). A request that rescores sees its grade in the next lookup.
//! - **Every other writer** (another instance, a command-line run, raw SQL) reaches the index
//!   through the feed thread. SQLite commits one writer at a time and score ids grow with commit
//!   order, so polling for rows past the highest id seen is exact. On PostgreSQL ids are not
//!   committed in order; instead every transaction that changes current scores sends a
//!   `NOTIFY` with the range of score ids it left current, delivered to every listener at commit
//!   and in commit order, and the listener reads that range.
//! - The feed polls every [`FEED_EVERY`] and the PostgreSQL listener is pinged every
//!   [`PING_EVERY`]. **Bound: a grade is served at most [`STALENESS_BOUND`] older than the
//!   database**; while the feed is down (database away, listener lost) the index is not live and
//!   lookups go to the database, until it has reconnected and read every current score again.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};
use parking_lot::RwLock;

use super::statistics::{Param, Sql};
use super::{Backend, Db, DbConnection};
use crate::error::AppResult;
use crate::scoring::grade::Grade;

/// How often the feed looks for changes made elsewhere.
pub const FEED_EVERY: Duration = Duration::from_millis(50);
/// How often the PostgreSQL listener's connection is proven alive.
pub const PING_EVERY: Duration = Duration::from_millis(500);
/// The longest a served grade lags the database, with room for a slow read of the changes.
pub const STALENESS_BOUND: Duration = Duration::from_secs(1);
/// The largest write whose enterprises are read back right after its commit.
pub const REFRESH_AFTER_COMMIT: usize = 5000;
/// The notification channel of grade changes (PostgreSQL).
pub const CHANNEL: &str = "ecredit_grades";
/// Rows read per statement when loading the whole index.
const LOAD_PAGE: i64 = 50_000;

/// Unified social credit codes are 18 ASCII characters: kept as bytes, a million entries take
/// about 40 MiB instead of the 90 a `String` key would. Other codes are not kept and their
/// lookups go to the database.
type CodeKey = [u8; 18];

fn key_of(code: &str) -> Option<CodeKey> {
    code.as_bytes().try_into().ok()
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    score_id: i64,
    as_of: NaiveDate,
    /// Index into [`Grade::ALL`].
    grade: u8,
}

/// What everyone may know of an enterprise's current score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicGrade {
    pub grade: Grade,
    pub as_of: NaiveDate,
}

/// A current score's public part, as stored.
#[derive(Debug, QueryableByName)]
struct CurrentGradeRow {
    #[diesel(sql_type = Text)]
    enterprise_code: String,
    #[diesel(sql_type = BigInt)]
    score_id: i64,
    #[diesel(sql_type = Text)]
    grade: String,
    #[diesel(sql_type = Date)]
    as_of: NaiveDate,
}

#[derive(Default)]
pub struct GradeIndex {
    entries: RwLock<HashMap<CodeKey, Entry>>,
    /// True while the feed runs and the index holds every current score.
    live: AtomicBool,
    /// True once a server started the feed: one-shot commands never do.
    kept: AtomicBool,
}

impl GradeIndex {
    /// The grade of `code`, when the index is live and holds it. `None` means "ask the database"
    /// (not scored, unknown, or the index is not live), never "no grade".
    pub fn get(&self, code: &str) -> Option<PublicGrade> {
        if !self.live.load(Ordering::Acquire) {
            return None;
        }
        let entry = *self.entries.read().get(&key_of(code)?)?;
        Some(PublicGrade {
            grade: Grade::ALL[usize::from(entry.grade)],
            as_of: entry.as_of,
        })
    }

    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    pub fn len(&self) -> usize {
        self.entries.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn is_kept(&self) -> bool {
        self.kept.load(Ordering::Acquire)
    }

    /// Takes the rows in, each only if it is newer than what the index holds; returns the
    /// highest score id among them.
    fn apply(&self, rows: Vec<CurrentGradeRow>) -> i64 {
        let mut highest = 0;
        if rows.is_empty() {
            return highest;
        }
        let mut entries = self.entries.write();
        for row in rows {
            highest = highest.max(row.score_id);
            let (Some(key), Some(grade)) = (key_of(&row.enterprise_code), grade_index(&row.grade))
            else {
                continue;
            };
            let entry = Entry {
                score_id: row.score_id,
                as_of: row.as_of,
                grade,
            };
            entries
                .entry(key)
                .and_modify(|held| {
                    if held.score_id < entry.score_id {
                        *held = entry;
                    }
                })
                .or_insert(entry);
        }
        highest
    }
}

fn grade_index(stored: &str) -> Option<u8> {
    let grade = Grade::parse(stored)?;
    Grade::ALL
        .iter()
        .position(|g| *g == grade)
        .and_then(|i| u8::try_from(i).ok())
}

/// The enterprises whose current score the running write transaction changed.
enum Touched {
    Codes(Vec<String>),
    /// More than [`REFRESH_AFTER_COMMIT`]: left to the feed.
    Many,
}

thread_local! {
    // A write transaction runs on one thread from `Db::write`'s start to its commit, so the
    // writers deep inside it can leave their codes here without a parameter through every layer.
    static TOUCHED: RefCell<Option<Touched>> = const { RefCell::new(None) };
}

/// Forgets what an earlier transaction on this thread left (one that was not run by `Db::write`).
pub(super) fn begin_write() {
    TOUCHED.with(|t| t.borrow_mut().take());
}

fn take_touched() -> Option<Touched> {
    TOUCHED.with(|t| t.borrow_mut().take())
}

/// Called by the writers of `current_scores`, inside the transaction: records the enterprises
/// for the read-back after commit and, on PostgreSQL, notifies the other instances of the score
/// ids now current.
pub(super) fn current_scores_changed(conn: &mut DbConnection, codes: &[&str]) -> AppResult<()> {
    if codes.is_empty() {
        return Ok(());
    }
    TOUCHED.with(|t| {
        let mut touched = t.borrow_mut();
        match touched.get_or_insert_with(|| Touched::Codes(Vec::new())) {
            Touched::Many => {}
            Touched::Codes(held) if held.len() + codes.len() > REFRESH_AFTER_COMMIT => {
                *touched = Some(Touched::Many)
            }
            Touched::Codes(held) => held.extend(codes.iter().map(|c| c.to_string())),
        }
    });
    if conn.backend() == Backend::Sqlite {
        return Ok(());
    }
    let mut sql = Sql::new(conn);
    sql.push("SELECT pg_notify('")
        .push(CHANNEL)
        .push("', CONCAT(MIN(score_id), ' ', MAX(score_id))) FROM current_scores WHERE enterprise_code IN ")
        .in_list(codes.iter().copied());
    sql.execute(conn)?;
    Ok(())
}

const SELECT_CURRENT: &str =
    "SELECT enterprise_code, score_id, grade, as_of FROM current_scores WHERE ";

/// After `Db::write` committed: reads back the enterprises the transaction touched.
pub(super) fn after_commit(db: &Db, conn: &mut DbConnection) {
    let touched = take_touched();
    let index = db.grade_index();
    let Some(Touched::Codes(codes)) = touched.filter(|_| index.is_kept()) else {
        return;
    };
    let mut sql = Sql::new(conn);
    sql.push(SELECT_CURRENT)
        .push("enterprise_code IN ")
        .in_list(codes.iter().map(String::as_str));
    match sql.load::<CurrentGradeRow>(conn) {
        Ok(rows) => {
            index.apply(rows);
        }
        // Committed all the same; the feed brings the change within the bound.
        Err(e) => tracing::warn!(error = %e, "reading back changed grades failed"),
    }
}

fn rows_after(conn: &mut DbConnection, after: i64, limit: i64) -> AppResult<Vec<CurrentGradeRow>> {
    let mut sql = Sql::new(conn);
    sql.push(SELECT_CURRENT)
        .push("score_id > ")
        .bind(Param::Int(after))
        .push(" ORDER BY score_id LIMIT ")
        .bind(Param::Int(limit));
    sql.load(conn)
}

#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
fn rows_between(conn: &mut DbConnection, low: i64, high: i64) -> AppResult<Vec<CurrentGradeRow>> {
    let mut sql = Sql::new(conn);
    sql.push(SELECT_CURRENT)
        .push("score_id >= ")
        .bind(Param::Int(low))
        .push(" AND score_id <= ")
        .bind(Param::Int(high));
    sql.load(conn)
}

/// Reads every current score past score id `highest` into the index, a page at a time (from 0:
/// the whole index); returns the new highest id.
fn read_past(db: &Db, index: &GradeIndex, mut highest: i64) -> AppResult<i64> {
    loop {
        let rows = db.read(|conn| rows_after(conn, highest, LOAD_PAGE))?;
        let done = (rows.len() as i64) < LOAD_PAGE;
        highest = highest.max(index.apply(rows));
        if done {
            return Ok(highest);
        }
    }
}

/// Keeps the index of `db` fresh while it lives; the server holds one.
pub struct GradeFeed {
    stop: Arc<AtomicBool>,
}

impl GradeFeed {
    pub fn start(db: Db) -> GradeFeed {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        db.grade_index().kept.store(true, Ordering::Release);
        std::thread::Builder::new()
            .name("grade-feed".into())
            .spawn(move || {
                while !stopped.load(Ordering::Acquire) {
                    let result = follow(&db, &stopped);
                    db.grade_index().live.store(false, Ordering::Release);
                    if let Err(e) = result {
                        tracing::warn!(error = %e, "the grade index lost its feed; lookups read the database until it is back");
                        // Retried at a calm pace while the database is away.
                        let retry = Instant::now() + Duration::from_secs(1);
                        while Instant::now() < retry && !stopped.load(Ordering::Acquire) {
                            std::thread::sleep(FEED_EVERY);
                        }
                    }
                }
                db.grade_index().kept.store(false, Ordering::Release);
            })
            .expect("the grade feed thread starts");
        GradeFeed { stop }
    }
}

impl Drop for GradeFeed {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// Loads the index and follows the changes until `stop` or an error.
fn follow(db: &Db, stop: &AtomicBool) -> AppResult<()> {
    let index = db.grade_index();
    #[cfg(feature = "postgres")]
    if let Some(url) = db.postgres_url() {
        // Listening before the load: a change committed during it is read again, never missed.
        let mut listener = listener::Listener::connect(url)?;
        read_past(db, index, 0)?;
        index.live.store(true, Ordering::Release);
        let mut pinged = Instant::now();
        while !stop.load(Ordering::Acquire) {
            std::thread::sleep(FEED_EVERY);
            for (low, high) in listener.ranges()? {
                let rows = db.read(|conn| rows_between(conn, low, high))?;
                index.apply(rows);
            }
            if pinged.elapsed() >= PING_EVERY {
                listener.ping()?;
                pinged = Instant::now();
            }
        }
        return Ok(());
    }
    let mut highest = read_past(db, index, 0)?;
    index.live.store(true, Ordering::Release);
    while !stop.load(Ordering::Acquire) {
        std::thread::sleep(FEED_EVERY);
        highest = read_past(db, index, highest)?;
    }
    Ok(())
}

#[cfg(feature = "postgres")]
mod listener {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection, RunQueryDsl};

    use super::CHANNEL;
    use crate::error::{AppError, AppResult};

    /// A connection of its own that listens for grade changes (a pooled one would be handed to
    /// other work between polls, and its registration with it).
    pub struct Listener {
        conn: PgConnection,
    }

    /// Seen by operators in `pg_stat_activity`; the feed's tests end it to prove a reconnect.
    pub const APPLICATION_NAME: &str = "ecredit grade feed";

    impl Listener {
        pub fn connect(url: &str) -> AppResult<Listener> {
            let mut conn = PgConnection::establish(url)
                .map_err(|e| AppError::Unavailable(format!("grade feed: {e}")))?;
            conn.batch_execute(&format!(
                "SET application_name = '{APPLICATION_NAME}'; LISTEN {CHANNEL}"
            ))?;
            Ok(Listener { conn })
        }

        /// The score id ranges announced since the last call, in commit order.
        pub fn ranges(&mut self) -> AppResult<Vec<(i64, i64)>> {
            let mut ranges = Vec::new();
            for notification in self.conn.notifications_iter() {
                let notification = notification?;
                let mut bounds = notification
                    .payload
                    .split(' ')
                    .map(|n| n.parse::<i64>().ok());
                if let (Some(Some(low)), Some(Some(high))) = (bounds.next(), bounds.next()) {
                    ranges.push((low, high));
                }
            }
            Ok(ranges)
        }

        /// Proves the connection alive: a lost one would deliver nothing, silently.
        pub fn ping(&mut self) -> AppResult<()> {
            diesel::sql_query("SELECT 1").execute(&mut self.conn)?;
            Ok(())
        }
    }
}

#[cfg(feature = "postgres")]
pub use listener::APPLICATION_NAME as LISTENER_APPLICATION_NAME;

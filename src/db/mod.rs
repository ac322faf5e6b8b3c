//! Storage: the connection type, the pool, migrations and one repository module per table group.
//! All SQL of the service lives under this module.

pub mod audit;
pub mod authorizations;
pub mod bulk;
pub mod commitments;
pub mod connection;
pub mod enterprises;
pub mod grade_index;
pub mod history;
pub mod lists;
pub mod models;
pub mod objections;
pub mod records;
pub mod repairs;
pub mod reports;
pub mod runs;
pub mod schema;
pub mod scores;
pub mod sessions;
pub mod sign_in_limits;
pub mod statistics;
pub mod statistics_cells;
pub mod submissions;
pub mod users;
pub mod watch;
pub mod workspace;

use std::sync::Arc;

use diesel::Connection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use parking_lot::Mutex;

pub use connection::{Backend, DatabaseTarget, DbConnection, Pool};

use crate::error::{AppError, AppResult};

pub type DbBackend = <DbConnection as Connection>::Backend;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Bookkeeping every stored record carries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RecordMeta {
    /// Incremented on every change; the record's ETag is derived from it.
    pub version: i64,
    #[serde(with = "crate::domain::utc")]
    pub created_at: chrono::NaiveDateTime,
    pub created_by: String,
    #[serde(with = "crate::domain::utc")]
    pub updated_at: chrono::NaiveDateTime,
    pub updated_by: String,
}

/// A record of an enterprise as stored: its id, owner, values and bookkeeping.
#[derive(Debug, Clone)]
pub struct Stored<T> {
    pub id: i64,
    pub enterprise_code: String,
    pub record: T,
    pub meta: RecordMeta,
}

/// A handle on the database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// SQLite has one writer at a time. Taking the write lock in-process before a write
    /// transaction starts keeps two of our own transactions from both reading and then failing to
    /// upgrade to writing (SQLITE_BUSY_SNAPSHOT); other processes are covered by busy_timeout.
    sqlite_writer: Arc<Mutex<()>>,
    /// The current public grades in memory, kept by the server's [`grade_index::GradeFeed`].
    grades: Arc<grade_index::GradeIndex>,
    /// For connections of their own beside the pool (the grade feed's listener, runs' holds).
    target: DatabaseTarget,
}

#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
    pub max_size: u32,
}

impl Db {
    pub fn connect(target: &DatabaseTarget, max_connections: u32) -> Result<Self, String> {
        if let DatabaseTarget::Sqlite(path) = target
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let pool = connection::build_pool(target, max_connections)?;
        Ok(Db {
            pool,
            backend: target.backend(),
            sqlite_writer: Arc::new(Mutex::new(())),
            grades: Default::default(),
            target: target.clone(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool_state(&self) -> PoolState {
        let state = self.pool.state();
        PoolState {
            connections: state.connections,
            idle: state.idle_connections,
            max_size: self.pool.max_size(),
        }
    }

    /// Runs read-only work on a pooled connection. Blocking: call from a blocking thread.
    pub fn read<T>(&self, work: impl FnOnce(&mut DbConnection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.pool.get()?;
        work(&mut conn)
    }

    /// Runs `work` in one transaction: all of it is stored, or none. Blocking.
    pub fn write<T>(&self, work: impl FnOnce(&mut DbConnection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.pool.get()?;
        let conn: &mut DbConnection = &mut conn;
        let guard = (self.backend == Backend::Sqlite).then(|| self.sqlite_writer.lock());
        grade_index::begin_write();
        let written = conn.transaction(work);
        drop(guard);
        if written.is_ok() {
            grade_index::after_commit(self, conn);
        }
        written
    }

    /// A connection outside the pool, for work that holds a session (a run's advisory lock).
    pub fn open_dedicated(&self) -> AppResult<DbConnection> {
        DbConnection::open(&self.target)
            .map_err(|e| AppError::Unavailable(format!("database unavailable: {e}")))
    }

    /// The in-memory index of the current public grades.
    pub fn grade_index(&self) -> &grade_index::GradeIndex {
        &self.grades
    }

    /// The PostgreSQL URL, for a connection of its own.
    #[cfg(feature = "postgres")]
    pub(crate) fn postgres_url(&self) -> Option<&str> {
        match &self.target {
            DatabaseTarget::Postgres(url) => Some(url),
            DatabaseTarget::Sqlite(_) => None,
        }
    }

    /// Brings the schema up to date; returns the versions applied.
    pub fn migrate(&self) -> AppResult<Vec<String>> {
        let mut conn = self.pool.get()?;
        let _guard = (self.backend == Backend::Sqlite).then(|| self.sqlite_writer.lock());
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.iter().map(ToString::to_string).collect()),
            #[cfg(feature = "postgres")]
            DbConnection::Postgres(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(ToString::to_string).collect()),
        };
        let applied = applied.map_err(|e| AppError::internal(format!("migration failed: {e}")))?;
        drop(_guard);
        drop(conn);
        // The kept statistics are built in Rust, by the code that keeps them, once.
        if self.write(statistics_cells::build_if_missing)? {
            tracing::info!("statistics built from the records");
        }
        Ok(applied)
    }

    /// A trivial query: is the database reachable right now?
    pub fn ping(&self) -> AppResult<()> {
        use diesel::connection::SimpleConnection;
        let mut conn = self.pool.get()?;
        conn.batch_execute("SELECT 1")?;
        Ok(())
    }
}

//! The one connection type of the service: SQLite (embedded default) or PostgreSQL (feature
//! `postgres`), behind diesel's `MultiConnection`, and a pool that picks the backend from the URL
//! scheme. diesel's own r2d2 manager would call `MultiConnection::establish`, which tries each
//! backend in turn; SQLite accepts any string as a path, so a mistyped or unreachable PostgreSQL
//! URL would silently become a new SQLite file. Our manager never guesses.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    #[cfg(feature = "postgres")]
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which database a URL names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

impl DatabaseTarget {
    /// `sqlite://PATH` (or `sqlite:PATH`) names a SQLite file; `postgres://` or
    /// `postgresql://` a PostgreSQL database. Anything else is refused.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if rest.is_empty() {
                return Err("sqlite URL names no file: use sqlite://PATH".into());
            }
            return Ok(DatabaseTarget::Sqlite(PathBuf::from(rest)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseTarget::Postgres(url.to_string()));
        }
        Err("database URL must start with sqlite:// or postgres://".into())
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseTarget::Sqlite(_) => Backend::Sqlite,
            DatabaseTarget::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL with any password replaced, fit for logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseTarget::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseTarget::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    parsed.to_string()
                }
                Err(_) => "postgres://(unparseable)".into(),
            },
        }
    }
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            #[cfg(feature = "postgres")]
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Opens exactly the backend the target names.
    pub fn open(target: &DatabaseTarget) -> Result<Self, ConnectionError> {
        match target {
            DatabaseTarget::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                // WAL lets readers run beside the single writer; the busy timeout makes a second
                // process (a CLI run beside the server) wait instead of failing at once. Reads go
                // through a memory map instead of a copy per page (bulk scoring spent a tenth of
                // its time in pread); a 32 MiB page cache keeps the indexes of bulk writes; and a
                // checkpoint every 32 MiB of WAL instead of every 4 MiB spares bulk writes most
                // of their page copies and fsyncs.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA mmap_size = 68719476736; PRAGMA cache_size = -32768; \
                     PRAGMA wal_autocheckpoint = 8192;",
                )
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
            #[cfg(feature = "postgres")]
            DatabaseTarget::Postgres(url) => Ok(DbConnection::Postgres(
                diesel::PgConnection::establish(url)?,
            )),
            #[cfg(not(feature = "postgres"))]
            DatabaseTarget::Postgres(_) => Err(ConnectionError::BadConnection(
                "this build has no PostgreSQL support: rebuild with `--features postgres`".into(),
            )),
        }
    }
}

/// r2d2 manager that opens the configured backend and nothing else.
pub struct ConnectionManager {
    target: DatabaseTarget,
}

impl ConnectionManager {
    pub fn new(target: DatabaseTarget) -> Self {
        Self { target }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        DbConnection::open(&self.target).map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

pub fn build_pool(target: &DatabaseTarget, max_size: u32) -> Result<Pool, String> {
    // One connection first: an unreachable server fails at once with its own message, instead
    // of the pool retrying until its timeout.
    let mut first = DbConnection::open(target)
        .map_err(|e| format!("cannot connect to {}: {e}", target.redacted()))?;
    if let DatabaseTarget::Sqlite(_) = target {
        // WAL is a property of the file: set it once, before the pool opens connections in
        // parallel (switching modes needs an exclusive lock they would contend for).
        first
            .batch_execute("PRAGMA journal_mode = WAL;")
            .map_err(|e| format!("cannot enable WAL on {}: {e}", target.redacted()))?;
    }
    drop(first);
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(5))
        .test_on_check_out(true)
        .build(ConnectionManager::new(target.clone()))
        .map_err(|e| format!("cannot connect to {}: {e}", target.redacted()))
}

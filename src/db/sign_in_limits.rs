//! The sign-in throttle's counts, shared by every instance on the database: one row per account
//! or address key with its GCRA arrival time (`auth::throttle::Rate`).

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::statistics::{Param, Sql};
use super::{Backend, DbConnection};
use crate::error::AppResult;

#[derive(QueryableByName)]
struct Held {
    #[diesel(sql_type = BigInt)]
    tat: i64,
}

/// Counts an attempt against `key`: `decide` gets the key's arrival time (0 for a key never
/// seen) and returns the new one, or how long to wait; only an admitted attempt is stored. Call
/// inside a write transaction: on PostgreSQL the key's row is locked until it ends, so two
/// instances counting the same key count one after the other.
pub fn admit(
    conn: &mut DbConnection,
    key: &str,
    decide: impl FnOnce(i64) -> Result<i64, Duration>,
) -> AppResult<Result<(), Duration>> {
    let mut sql = Sql::new(conn);
    sql.push("INSERT INTO sign_in_limits (key, tat) VALUES (")
        .bind(Param::Text(key.to_string()))
        .push(", 0) ON CONFLICT (key) DO NOTHING");
    sql.execute(conn)?;
    let mut sql = Sql::new(conn);
    sql.push("SELECT tat FROM sign_in_limits WHERE key = ")
        .bind(Param::Text(key.to_string()));
    if conn.backend() != Backend::Sqlite {
        sql.push(" FOR UPDATE");
    }
    // Missing only if a sweep removed it since the insert: a key as good as new.
    let held = sql.load::<Held>(conn)?.first().map_or(0, |h| h.tat);
    let tat = match decide(held) {
        Ok(tat) => tat,
        Err(wait) => return Ok(Err(wait)),
    };
    let mut sql = Sql::new(conn);
    sql.push("INSERT INTO sign_in_limits (key, tat) VALUES (")
        .bind(Param::Text(key.to_string()))
        .push(", ")
        .bind(Param::Int(tat))
        .push(") ON CONFLICT (key) DO UPDATE SET tat = excluded.tat");
    sql.execute(conn)?;
    Ok(Ok(()))
}

/// Drops the keys whose limits have fully recovered by `now`: counting them again from nothing
/// gives the same answers.
pub fn forget_recovered(conn: &mut DbConnection, now: i64) -> AppResult<usize> {
    let mut sql = Sql::new(conn);
    sql.push("DELETE FROM sign_in_limits WHERE tat <= ")
        .bind(Param::Int(now));
    sql.execute(conn)
}

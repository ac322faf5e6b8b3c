//! Console sessions (`web_sessions`): one row per signed-in browser, keyed by the SHA-256 of the
//! cookie's token, with the account it belongs to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{users, web_sessions};
use super::users::UserRow;
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = web_sessions)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub token_generation: i64,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &SessionRow) -> AppResult<()> {
    diesel::insert_into(web_sessions::table)
        .values((
            web_sessions::id_hash.eq(&row.id_hash),
            web_sessions::user_id.eq(row.user_id),
            web_sessions::csrf_token.eq(&row.csrf_token),
            web_sessions::token_generation.eq(row.token_generation),
            web_sessions::role.eq(&row.role),
            web_sessions::created_at.eq(row.created_at),
            web_sessions::last_seen_at.eq(row.last_seen_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The session with this token hash and the account it belongs to.
pub fn find(conn: &mut DbConnection, id_hash: &str) -> AppResult<Option<(SessionRow, UserRow)>> {
    Ok(web_sessions::table
        .inner_join(users::table)
        .filter(web_sessions::id_hash.eq(id_hash))
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?)
}

pub fn touch(conn: &mut DbConnection, id_hash: &str, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(web_sessions::table.filter(web_sessions::id_hash.eq(id_hash)))
        .set(web_sessions::last_seen_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Deletes one session; true when there was one.
pub fn delete(conn: &mut DbConnection, id_hash: &str) -> AppResult<bool> {
    Ok(
        diesel::delete(web_sessions::table.filter(web_sessions::id_hash.eq(id_hash)))
            .execute(conn)?
            > 0,
    )
}

/// Deletes every session of an account (it was disabled, or its role changed).
pub fn delete_of_user(conn: &mut DbConnection, user_id: i64) -> AppResult<usize> {
    Ok(
        diesel::delete(web_sessions::table.filter(web_sessions::user_id.eq(user_id)))
            .execute(conn)?,
    )
}

/// Deletes the sessions last seen before `cutoff` (idle too long).
pub fn delete_idle(conn: &mut DbConnection, cutoff: NaiveDateTime) -> AppResult<usize> {
    Ok(
        diesel::delete(web_sessions::table.filter(web_sessions::last_seen_at.lt(cutoff)))
            .execute(conn)?,
    )
}

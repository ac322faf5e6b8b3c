//! Accounts and the organisations (banks, regulators) they belong to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{organisations, users};
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub enterprise_code: Option<String>,
    pub organisation_id: Option<i64>,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    /// Tokens of an earlier generation are refused (see `set_disabled`).
    pub token_generation: i64,
    /// Moves on with every change of the account (its ETag).
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub enterprise_code: Option<&'a str>,
    pub organisation: Option<&'a str>,
    pub at: NaiveDateTime,
}

pub fn count(conn: &mut DbConnection) -> AppResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn find_by_username(conn: &mut DbConnection, username: &str) -> AppResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_id(conn: &mut DbConnection, id: i64) -> AppResult<Option<UserRow>> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn organisation_name(conn: &mut DbConnection, id: i64) -> AppResult<Option<String>> {
    Ok(organisations::table
        .find(id)
        .select(organisations::name)
        .first(conn)
        .optional()?)
}

/// The id of the organisation with this name, registering it on first use.
fn organisation_id(conn: &mut DbConnection, name: &str, at: NaiveDateTime) -> AppResult<i64> {
    let existing = organisations::table
        .filter(organisations::name.eq(name))
        .select(organisations::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    Ok(diesel::insert_into(organisations::table)
        .values((
            organisations::name.eq(name),
            organisations::created_at.eq(at),
        ))
        .returning(organisations::id)
        .get_result(conn)?)
}

/// Inserts the user (and its organisation if new); call inside a write transaction.
pub fn insert(conn: &mut DbConnection, user: &NewUser<'_>) -> AppResult<i64> {
    let organisation_id = match user.organisation {
        Some(name) => Some(organisation_id(conn, name, user.at)?),
        None => None,
    };
    Ok(diesel::insert_into(users::table)
        .values((
            users::username.eq(user.username),
            users::password_hash.eq(user.password_hash),
            users::role.eq(user.role),
            users::enterprise_code.eq(user.enterprise_code),
            users::organisation_id.eq(organisation_id),
            users::disabled.eq(false),
            users::created_at.eq(user.at),
        ))
        .returning(users::id)
        .get_result(conn)?)
}

/// Disables or re-enables an account; a disabled account can neither sign in nor use a token it
/// already holds. Disabling also moves the account's token generation on, so the tokens issued
/// before stay refused for good, also after the account is enabled again. Returns false when
/// there is no such user.
pub fn set_disabled(conn: &mut DbConnection, username: &str, disabled: bool) -> AppResult<bool> {
    let account = users::table.filter(users::username.eq(username));
    let updated = if disabled {
        diesel::update(account)
            .set((
                users::disabled.eq(true),
                users::token_generation.eq(users::token_generation + 1),
                users::version.eq(users::version + 1),
            ))
            .execute(conn)?
    } else {
        diesel::update(account)
            .set((
                users::disabled.eq(false),
                users::version.eq(users::version + 1),
            ))
            .execute(conn)?
    };
    Ok(updated == 1)
}

/// An account with the name of its organisation.
pub type AccountRow = (UserRow, Option<String>);

/// Which accounts a list shows; every field narrows it.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub role: Option<String>,
    pub disabled: Option<bool>,
}

/// One page of accounts (with their organisation's name) matching `filter`, by username, and
/// the total.
pub fn list(
    conn: &mut DbConnection,
    filter: &AccountFilter,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<AccountRow>, i64)> {
    let filtered = || {
        let mut q = users::table.left_join(organisations::table).into_boxed();
        if let Some(role) = &filter.role {
            q = q.filter(users::role.eq(role.clone()));
        }
        if let Some(disabled) = filter.disabled {
            q = q.filter(users::disabled.eq(disabled));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(users::username.asc())
        .offset(offset)
        .limit(limit)
        .select((UserRow::as_select(), organisations::name.nullable()))
        .load(conn)?;
    Ok((rows, total))
}

/// The account with this username and its organisation's name.
pub fn find_account(conn: &mut DbConnection, username: &str) -> AppResult<Option<AccountRow>> {
    Ok(users::table
        .left_join(organisations::table)
        .filter(users::username.eq(username))
        .select((UserRow::as_select(), organisations::name.nullable()))
        .first(conn)
        .optional()?)
}

/// What an account is and belongs to.
#[derive(Debug, Clone)]
pub struct Affiliation<'a> {
    pub role: &'a str,
    pub enterprise_code: Option<&'a str>,
    pub organisation: Option<&'a str>,
}

/// Changes the role and what the account belongs to (registering a new organisation), and moves
/// its token generation on: tokens and sessions issued for the old role stop working.
pub fn set_affiliation(
    conn: &mut DbConnection,
    id: i64,
    affiliation: &Affiliation<'_>,
    at: NaiveDateTime,
) -> AppResult<()> {
    let organisation_id = match affiliation.organisation {
        Some(name) => Some(organisation_id(conn, name, at)?),
        None => None,
    };
    diesel::update(users::table.find(id))
        .set((
            users::role.eq(affiliation.role),
            users::enterprise_code.eq(affiliation.enterprise_code),
            users::organisation_id.eq(organisation_id),
            users::token_generation.eq(users::token_generation + 1),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces the password hash and moves the token generation on (tokens issued before stop
/// working).
pub fn set_password_hash(conn: &mut DbConnection, id: i64, hash: &str) -> AppResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::token_generation.eq(users::token_generation + 1),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Locks the admin accounts' rows for the rest of the transaction (PostgreSQL; SQLite writes
/// are serialised anyway), so that two changes that each leave another admin enabled cannot
/// together leave none.
pub fn lock_admins(conn: &mut DbConnection) -> AppResult<()> {
    diesel::update(users::table.filter(users::role.eq("admin")))
        .set(users::version.eq(users::version))
        .execute(conn)?;
    Ok(())
}

/// How many admin accounts are enabled.
pub fn enabled_admins(conn: &mut DbConnection) -> AppResult<i64> {
    Ok(users::table
        .filter(users::role.eq("admin"))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(conn)?)
}

//! Report authorisations an enterprise grants a bank, and the banks that may receive them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{authorizations, enterprises, organisations, users};
use crate::domain::Role;
use crate::domain::authorization::Authorization;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = authorizations)]
pub struct AuthorizationRow {
    pub id: i64,
    pub enterprise_code: String,
    pub bank_organisation_id: i64,
    pub scope: String,
    pub purpose: String,
    pub note: Option<String>,
    pub granted_at: NaiveDateTime,
    pub granted_by: String,
    pub expires_on: NaiveDate,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_by: Option<String>,
    pub revocation_reason: Option<String>,
}

/// A grant with the name of the bank it was made to.
#[derive(Debug, Clone)]
pub struct NamedAuthorization {
    pub row: AuthorizationRow,
    pub bank_name: String,
    /// The enterprise that granted it.
    pub enterprise_name: String,
}

/// Organisations that bank users belong to: the parties an enterprise can authorise.
pub fn banks(conn: &mut DbConnection) -> AppResult<Vec<(i64, String)>> {
    Ok(organisations::table
        .filter(
            organisations::id.eq_any(
                users::table
                    .filter(users::role.eq(Role::Bank.as_str()))
                    .select(users::organisation_id.assume_not_null()),
            ),
        )
        .order(organisations::name.asc())
        .select((organisations::id, organisations::name))
        .load(conn)?)
}

pub fn is_bank(conn: &mut DbConnection, organisation_id: i64) -> AppResult<bool> {
    let count: i64 = users::table
        .filter(users::role.eq(Role::Bank.as_str()))
        .filter(users::organisation_id.eq(organisation_id))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Stores a grant; call inside a write transaction.
pub fn insert(
    conn: &mut DbConnection,
    enterprise_code: &str,
    grant: &Authorization,
    granted_by: &str,
    at: NaiveDateTime,
) -> AppResult<NamedAuthorization> {
    let id: i64 = diesel::insert_into(authorizations::table)
        .values((
            authorizations::enterprise_code.eq(enterprise_code),
            authorizations::bank_organisation_id.eq(grant.bank_organisation_id),
            authorizations::scope.eq(grant.scope.as_str()),
            authorizations::purpose.eq(grant.purpose.as_str()),
            authorizations::note.eq(grant.note.as_deref()),
            authorizations::granted_at.eq(at),
            authorizations::granted_by.eq(granted_by),
            authorizations::expires_on.eq(grant.expires_on),
        ))
        .returning(authorizations::id)
        .get_result(conn)?;
    get(conn, enterprise_code, id)
}

type Named = (AuthorizationRow, String, String);

fn with_name((row, bank_name, enterprise_name): Named) -> NamedAuthorization {
    NamedAuthorization {
        row,
        bank_name,
        enterprise_name,
    }
}

pub fn get(
    conn: &mut DbConnection,
    enterprise_code: &str,
    id: i64,
) -> AppResult<NamedAuthorization> {
    authorizations::table
        .inner_join(organisations::table)
        .inner_join(enterprises::table)
        .filter(authorizations::id.eq(id))
        .filter(authorizations::enterprise_code.eq(enterprise_code))
        .select((
            AuthorizationRow::as_select(),
            organisations::name,
            enterprises::name,
        ))
        .first::<Named>(conn)
        .optional()?
        .map(with_name)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no authorisation {id} for enterprise {enterprise_code}"
            ))
        })
}

/// Whose grants to list: those an enterprise made, or those made to a bank.
#[derive(Debug, Clone, Copy)]
pub enum GrantsOf<'a> {
    Enterprise(&'a str),
    Bank(i64),
}

/// One page of grants, latest first, with each bank's name, and the total.
pub fn page(
    conn: &mut DbConnection,
    of: GrantsOf<'_>,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<NamedAuthorization>, i64)> {
    let filtered = || {
        let q = authorizations::table.into_boxed();
        match of {
            GrantsOf::Enterprise(code) => {
                q.filter(authorizations::enterprise_code.eq(code.to_string()))
            }
            GrantsOf::Bank(bank) => q.filter(authorizations::bank_organisation_id.eq(bank)),
        }
    };
    let total = filtered().count().get_result(conn)?;
    let ids: Vec<i64> = filtered()
        .order(authorizations::id.desc())
        .offset(offset)
        .limit(limit)
        .select(authorizations::id)
        .load(conn)?;
    let rows: Vec<Named> = authorizations::table
        .inner_join(organisations::table)
        .inner_join(enterprises::table)
        .filter(authorizations::id.eq_any(ids))
        .order(authorizations::id.desc())
        .select((
            AuthorizationRow::as_select(),
            organisations::name,
            enterprises::name,
        ))
        .load(conn)?;
    Ok((rows.into_iter().map(with_name).collect(), total))
}

/// Revokes a grant that is not yet revoked; false when it already was (so two revocations
/// cannot both succeed). Call inside a write transaction.
pub fn revoke(
    conn: &mut DbConnection,
    id: i64,
    by: &str,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> AppResult<bool> {
    let updated = diesel::update(
        authorizations::table
            .filter(authorizations::id.eq(id))
            .filter(authorizations::revoked_at.is_null()),
    )
    .set((
        authorizations::revoked_at.eq(at),
        authorizations::revoked_by.eq(by),
        authorizations::revocation_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The live grant of an enterprise to a bank at `now`, if any (the one that runs longest).
pub fn live(
    conn: &mut DbConnection,
    enterprise_code: &str,
    organisation_id: i64,
    now: NaiveDateTime,
) -> AppResult<Option<AuthorizationRow>> {
    Ok(authorizations::table
        .filter(authorizations::enterprise_code.eq(enterprise_code))
        .filter(authorizations::bank_organisation_id.eq(organisation_id))
        .filter(authorizations::revoked_at.is_null())
        .filter(authorizations::expires_on.ge(now.date()))
        .order((authorizations::expires_on.desc(), authorizations::id.desc()))
        .select(AuthorizationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Of `codes`, those whose enterprise has a live grant to the bank at `now`.
pub fn live_codes(
    conn: &mut DbConnection,
    organisation_id: i64,
    codes: &[String],
    now: NaiveDateTime,
) -> AppResult<std::collections::BTreeSet<String>> {
    let mut live = std::collections::BTreeSet::new();
    for chunk in codes.chunks(2000) {
        let rows: Vec<String> = authorizations::table
            .filter(authorizations::bank_organisation_id.eq(organisation_id))
            .filter(authorizations::enterprise_code.eq_any(chunk))
            .filter(authorizations::revoked_at.is_null())
            .filter(authorizations::expires_on.ge(now.date()))
            .select(authorizations::enterprise_code)
            .load(conn)?;
        live.extend(rows);
    }
    Ok(live)
}

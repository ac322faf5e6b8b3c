//! Accounts: listing them, creating them, changing their role and what they belong to,
//! disabling and enabling them, and setting a new password. Admins only, through the API or the
//! console; the command line (`ecredit user …`) runs the same rules through the `*_account`
//! functions, which take the database and a hook that writes its audit entry in the change's
//! transaction (API and console requests are audited by their middleware).
//!
//! A change that ends what an account could do ends its sessions and tokens at once: disabling
//! it, a new role or affiliation, a new password. No change may leave the registry without an
//! enabled admin (409). Password hashes never leave this layer.

use chrono::NaiveDateTime;
use secrecy::{ExposeSecret, SecretString};

use super::{Caller, ExpectedVersion, Input, PageRequest, Paged};
use crate::auth::password;
use crate::db::users::{self, AccountFilter, UserRow};
use crate::db::{Db, DbConnection, sessions};
use crate::domain::accounts::{
    AccountPatch, Affiliation, NewAccountInput, PasswordInput, ValidAccount,
};
use crate::domain::{Role, Violations};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Who manages accounts.
pub const ADMINS: &[Role] = &[Role::Admin];

/// An account as admins see it: never its password hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// The name of its bank or regulator organisation.
    pub organisation: Option<String>,
    /// The credit code of an enterprise user's enterprise.
    pub enterprise: Option<String>,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    /// Moves on with every change (the ETag).
    pub version: i64,
}

impl Account {
    fn of((row, organisation): (UserRow, Option<String>)) -> Account {
        Account {
            id: row.id,
            role: Role::from_stored(&row.role),
            username: row.username,
            organisation,
            enterprise: row.enterprise_code,
            disabled: row.disabled,
            created_at: row.created_at,
            version: row.version,
        }
    }

    pub fn affiliation(&self) -> Affiliation {
        Affiliation {
            role: self.role,
            enterprise: self.enterprise.clone(),
            organisation: self.organisation.clone(),
        }
    }
}

/// Which accounts a list shows, as asked (`role` is checked by [`list`]).
#[derive(Debug, Clone, Default)]
pub struct AccountQuery {
    pub role: Option<String>,
    pub disabled: Option<bool>,
}

/// Work a command-line change does in its transaction (its audit entry).
pub type InTransaction<'a> = &'a dyn Fn(&mut DbConnection) -> AppResult<()>;

/// For changes made through the API or the console, whose middleware audits the request.
pub fn audited_by_request(_: &mut DbConnection) -> AppResult<()> {
    Ok(())
}

fn no_account(username: &str) -> AppError {
    AppError::NotFound(format!("no account {username}"))
}

fn find(conn: &mut DbConnection, username: &str) -> AppResult<Account> {
    users::find_account(conn, username)?
        .map(Account::of)
        .ok_or_else(|| no_account(username))
}

/// Refuses (409) a change that left no enabled admin; call after the change, in its transaction.
fn keep_an_admin(conn: &mut DbConnection, what: &str) -> AppResult<()> {
    if users::enabled_admins(conn)? == 0 {
        return Err(AppError::Conflict(format!(
            "{what} would leave no enabled admin account: enable or create another admin first"
        )));
    }
    Ok(())
}

fn hash(secret: &SecretString) -> AppResult<String> {
    password::hash(secret.expose_secret()).map_err(AppError::internal)
}

/// Creates an account that meets the rules; 409 when the username is taken, 422 when the
/// enterprise is not registered.
pub fn create_account(
    db: &Db,
    account: &ValidAccount,
    at: NaiveDateTime,
    in_transaction: InTransaction<'_>,
) -> AppResult<Account> {
    let hash = hash(&account.password)?;
    let username = account.username.as_str();
    let a = &account.affiliation;
    db.write(|conn| {
        if users::find_by_username(conn, username)?.is_some() {
            return Err(AppError::Conflict(format!(
                "user {username} already exists"
            )));
        }
        registered(conn, a.enterprise.as_deref())?;
        users::insert(
            conn,
            &users::NewUser {
                username,
                password_hash: &hash,
                role: a.role.as_str(),
                enterprise_code: a.enterprise.as_deref(),
                organisation: a.organisation.as_deref(),
                at,
            },
        )?;
        in_transaction(conn)?;
        find(conn, username)
    })
}

/// 422 unless `code` (if any) names a registered enterprise.
fn registered(conn: &mut DbConnection, code: Option<&str>) -> AppResult<()> {
    if let Some(code) = code
        && !crate::db::enterprises::exists(conn, code)?
    {
        return Err(AppError::validation(
            "enterprise",
            format!("enterprise {code} is not registered"),
        ));
    }
    Ok(())
}

/// Changes an account's role and what it belongs to, at the version `expected`. A real change
/// ends the account's sessions and tokens. 409 when it would demote the last enabled admin.
pub fn change_account(
    db: &Db,
    username: &str,
    patch: AccountPatch,
    expected: &ExpectedVersion,
    at: NaiveDateTime,
    in_transaction: InTransaction<'_>,
) -> AppResult<Account> {
    patch.check_alone()?;
    db.write(|conn| {
        let current = find(conn, username)?;
        expected.check(current.version)?;
        let next = patch.apply(&current.affiliation())?;
        if next == current.affiliation() {
            return Ok(current);
        }
        registered(conn, next.enterprise.as_deref())?;
        if current.role == Role::Admin {
            users::lock_admins(conn)?;
        }
        users::set_affiliation(
            conn,
            current.id,
            &users::Affiliation {
                role: next.role.as_str(),
                enterprise_code: next.enterprise.as_deref(),
                organisation: next.organisation.as_deref(),
            },
            at,
        )?;
        if current.role == Role::Admin {
            keep_an_admin(conn, &format!("making {username} a {} user", next.role))?;
        }
        sessions::delete_of_user(conn, current.id)?;
        in_transaction(conn)?;
        find(conn, username)
    })
}

/// Disables or enables an account. Disabling ends its sessions and tokens for good (also after
/// it is enabled again); 409 when it would disable the last enabled admin. Asking for the state
/// the account is in changes nothing.
pub fn set_account_disabled(
    db: &Db,
    username: &str,
    disabled: bool,
    in_transaction: InTransaction<'_>,
) -> AppResult<Account> {
    db.write(|conn| {
        let current = find(conn, username)?;
        if current.disabled == disabled {
            return Ok(current);
        }
        let admin = current.role == Role::Admin && disabled;
        if admin {
            users::lock_admins(conn)?;
        }
        users::set_disabled(conn, username, disabled)?;
        if admin {
            keep_an_admin(conn, &format!("disabling {username}"))?;
        }
        if disabled {
            sessions::delete_of_user(conn, current.id)?;
        }
        in_transaction(conn)?;
        find(conn, username)
    })
}

/// Sets a new password; the account's sessions and tokens end (it signs in again with it).
pub fn set_account_password(
    db: &Db,
    username: &str,
    secret: &SecretString,
    in_transaction: InTransaction<'_>,
) -> AppResult<Account> {
    let hash = hash(secret)?;
    db.write(|conn| {
        let current = find(conn, username)?;
        users::set_password_hash(conn, current.id, &hash)?;
        sessions::delete_of_user(conn, current.id)?;
        in_transaction(conn)?;
        find(conn, username)
    })
}

/// One page of accounts, by username, narrowed by role and by disabled.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: Input<AccountQuery>,
    paging: Input<PageRequest>,
) -> AppResult<Paged<Account>> {
    caller.viewer.require_role(ADMINS)?;
    let query = query?;
    let paging = paging?;
    let role = match query
        .role
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(raw) => Some(
            Role::parse(raw)
                .ok_or_else(|| {
                    AppError::validation("role", format!("must be one of: {}", Role::allowed()))
                })?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let filter = AccountFilter {
        role,
        disabled: query.disabled,
    };
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| users::list(conn, &filter, paging.offset(), paging.limit()))
        })
        .await?;
    Ok(Paged {
        rows: rows.into_iter().map(Account::of).collect(),
        request: paging,
        total,
    })
}

/// One account.
pub async fn get(state: &AppState, caller: &Caller, username: &str) -> AppResult<Account> {
    caller.viewer.require_role(ADMINS)?;
    let username = username.to_string();
    state
        .blocking(move |db| db.read(|conn| find(conn, &username)))
        .await
}

/// Creates an account (see [`create_account`]).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: Input<NewAccountInput>,
) -> AppResult<Account> {
    caller.viewer.require_role(ADMINS)?;
    let account = input?.validate()?;
    let at = state.clock.now_naive();
    let created = state
        .blocking(move |db| create_account(db, &account, at, &audited_by_request))
        .await?;
    tracing::info!(user = %created.username, role = %created.role, "account created");
    Ok(created)
}

/// Changes an account's role and affiliation (see [`change_account`]).
pub async fn change(
    state: &AppState,
    caller: &Caller,
    username: &str,
    patch: Input<AccountPatch>,
    expected: ExpectedVersion,
) -> AppResult<Account> {
    caller.viewer.require_role(ADMINS)?;
    let patch = patch?;
    let username = username.to_string();
    let at = state.clock.now_naive();
    state
        .blocking(move |db| {
            change_account(db, &username, patch, &expected, at, &audited_by_request)
        })
        .await
}

/// Disables or enables an account (see [`set_account_disabled`]).
pub async fn set_disabled(
    state: &AppState,
    caller: &Caller,
    username: &str,
    disabled: bool,
) -> AppResult<Account> {
    caller.viewer.require_role(ADMINS)?;
    let username = username.to_string();
    state
        .blocking(move |db| set_account_disabled(db, &username, disabled, &audited_by_request))
        .await
}

/// Sets a new password for an account (see [`set_account_password`]).
pub async fn reset_password(
    state: &AppState,
    caller: &Caller,
    username: &str,
    input: Input<PasswordInput>,
) -> AppResult<Account> {
    caller.viewer.require_role(ADMINS)?;
    let secret = input?.validate()?;
    let username = username.to_string();
    state
        .blocking(move |db| set_account_password(db, &username, &secret, &audited_by_request))
        .await
}

/// The violations of a command-line account, with each field named as its flag.
pub fn as_flags(v: &Violations) -> String {
    v.0.iter()
        .map(|e| format!("--{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

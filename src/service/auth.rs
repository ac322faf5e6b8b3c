//! Signing in: one password check and one throttle, whichever door the caller comes through
//! (`POST /api/v1/auth/token` for a bearer token, the console's sign-in form for a session).

use std::net::IpAddr;

use secrecy::{ExposeSecret, SecretString};

use crate::auth::{Principal, password};
use crate::db::{sign_in_limits, users};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// An account whose password was just checked.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub principal: Principal,
    /// The account's token generation now: what a token or session issued now carries.
    pub token_generation: i64,
}

/// Checks `username` and `password`. The attempt is counted before the password is checked, for
/// known and unknown usernames alike, against the account and the client address `peer` (the TCP
/// peer: behind a reverse proxy every caller shares the proxy's limit): too many give 429 with
/// the wait. A wrong password, an unknown or disabled account all give the same 401.
pub async fn authenticate(
    state: &AppState,
    peer: Option<IpAddr>,
    username: &str,
    secret: SecretString,
) -> AppResult<Authenticated> {
    count_attempt(state, username, peer).await?;
    let username = username.trim().to_string();
    let user = state
        .blocking(move |db| {
            let user = db.read(|conn| users::find_by_username(conn, &username))?;
            let candidate = secret.expose_secret();
            match user {
                Some(u) if !u.disabled && password::verify(candidate, &u.password_hash) => {
                    Ok(Some(u))
                }
                Some(_) => Ok(None),
                None => {
                    password::verify_against_nothing(candidate);
                    Ok(None)
                }
            }
        })
        .await?
        .ok_or_else(|| AppError::Unauthorized("wrong username or password".into()))?;
    let role =
        Role::parse(&user.role).ok_or_else(|| AppError::internal("stored role is unknown"))?;
    Ok(Authenticated {
        principal: Principal {
            user_id: user.id,
            username: user.username,
            role,
            enterprise: user.enterprise_code,
            organisation: user.organisation_id,
        },
        token_generation: user.token_generation,
    })
}

/// Counts a sign-in attempt against its address and its account, in the database that every
/// instance shares: 429 with the wait once either limit is spent.
async fn count_attempt(state: &AppState, username: &str, peer: Option<IpAddr>) -> AppResult<()> {
    let throttle = &state.login_throttle;
    let now = throttle.now_micros();
    let keys = throttle.keys(username, peer);
    let sweep = throttle.sweep_due();
    let counted = state
        .blocking(move |db| {
            if sweep {
                db.write(|conn| sign_in_limits::forget_recovered(conn, now))?;
            }
            db.write(|conn| {
                for (key, rate) in keys {
                    if let Err(wait) =
                        sign_in_limits::admit(conn, &key, |held| rate.admit(held, now))?
                    {
                        return Ok(Err(wait));
                    }
                }
                Ok(Ok(()))
            })
        })
        .await?;
    counted.map_err(|wait| AppError::TooManyRequests {
        retry_after_seconds: crate::auth::throttle::retry_after_seconds(wait),
    })
}

/// The name of a bank or regulator organisation.
pub async fn organisation_name(state: &AppState, id: i64) -> AppResult<Option<String>> {
    state
        .blocking(move |db| db.read(|conn| users::organisation_name(conn, id)))
        .await
}

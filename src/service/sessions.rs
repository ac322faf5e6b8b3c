//! Console sessions, held in the database. The browser keeps a random 256-bit token in a cookie;
//! the table keeps its SHA-256 with the account, the session's CSRF token and when it was last
//! used. A session ends when signed out, when idle longer than the timeout, and at once when its
//! account is disabled, deleted or changes role (the same rules as for bearer tokens).

use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::auth::Authenticated;
use crate::auth::Principal;
use crate::db::sessions::{self, SessionRow};
use crate::domain::Role;
use crate::error::AppResult;
use crate::state::AppState;

/// `last_seen_at` is written at most this often, so that reading pages does not write on every
/// request; the idle timeout is judged to within this.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A new session: the token for the cookie (never stored) and the CSRF token for its forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// A live session, as a request resumes it.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf: String,
}

/// A random 256-bit value in hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Opens a session for an account whose password was just checked.
pub async fn open(state: &AppState, account: &Authenticated) -> AppResult<NewSession> {
    let token = random_token();
    let csrf = random_token();
    let now = state.clock.now_naive();
    let row = SessionRow {
        id_hash: token_hash(&token),
        user_id: account.principal.user_id,
        csrf_token: csrf.clone(),
        token_generation: account.token_generation,
        role: account.principal.role.as_str().to_string(),
        created_at: now,
        last_seen_at: now,
    };
    state
        .blocking(move |db| db.write(|conn| sessions::insert(conn, &row)))
        .await?;
    tracing::info!(user = %account.principal.username, "console session opened");
    Ok(NewSession { token, csrf })
}

/// The live session of a cookie's token, if any. A session idle for longer than `idle`, or whose
/// account is disabled or has changed (role, generation), is deleted and yields none.
pub async fn resume(state: &AppState, token: &str, idle: Duration) -> AppResult<Option<Session>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let now = state.clock.now_naive();
    state
        .blocking(move |db| {
            let Some((session, user)) = db.read(|conn| sessions::find(conn, &hash))? else {
                return Ok(None);
            };
            let role = Role::parse(&user.role);
            let stale = now - session.last_seen_at > idle;
            let changed = user.disabled
                || user.token_generation != session.token_generation
                || role.map(|r| r.as_str()) != Some(session.role.as_str());
            if stale || changed {
                db.write(|conn| sessions::delete(conn, &hash))?;
                return Ok(None);
            }
            let Some(role) = role else { return Ok(None) };
            if (now - session.last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
                db.write(|conn| sessions::touch(conn, &hash, now))?;
            }
            Ok(Some(Session {
                principal: Principal {
                    user_id: user.id,
                    username: user.username,
                    role,
                    enterprise: user.enterprise_code,
                    organisation: user.organisation_id,
                },
                csrf: session.csrf_token,
            }))
        })
        .await
}

/// Ends the session of a cookie's token (signing out); nothing when there is none.
pub async fn close(state: &AppState, token: &str) -> AppResult<()> {
    let hash = token_hash(token);
    state
        .blocking(move |db| db.write(|conn| sessions::delete(conn, &hash)))
        .await?;
    Ok(())
}

/// Ends every session of an account at once (called when it is disabled; resuming checks too).
pub async fn close_all_of(state: &AppState, user_id: i64) -> AppResult<usize> {
    state
        .blocking(move |db| db.write(|conn| sessions::delete_of_user(conn, user_id)))
        .await
}

/// Deletes the sessions idle for longer than `idle`; returns how many.
pub async fn sweep_idle(state: &AppState, idle: Duration) -> AppResult<usize> {
    let cutoff = state.clock.now_naive() - idle;
    state
        .blocking(move |db| db.write(|conn| sessions::delete_idle(conn, cutoff)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_stored_hashed() {
        let t = random_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, random_token());
        let h = token_hash(&t);
        assert_eq!(h.len(), 64);
        assert_ne!(h, t);
    }
}

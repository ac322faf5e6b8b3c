//! Portfolio watch for banks: a bank keeps a watch list of enterprises that have authorised it
//! and pulls the grade and list changes since its last look, like commercial monitoring
//! services. Enterprises whose authorisation has lapsed yield nothing. Banks only.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::{Caller, Input};
use crate::db::lists::ListChangeKind;
use crate::db::{DbConnection, authorizations, enterprises, watch};
use crate::domain::CreditCode;
use crate::domain::lists::ListKind;
use crate::error::{AppError, AppResult};
use crate::scoring::grade::Grade;
use crate::state::AppState;

/// An enterprise on a bank's watch list.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchItem {
    pub enterprise_code: String,
    pub name: String,
    pub added_at: NaiveDateTime,
    pub added_by: String,
    /// Whether the enterprise's authorisation of this bank is live now.
    pub authorized: bool,
    /// The current grade, only while the authorisation is live.
    pub grade: Option<Grade>,
}

impl WatchItem {
    fn of(item: watch::WatchedEnterprise, authorized: bool) -> Self {
        WatchItem {
            grade: item
                .grade
                .filter(|_| authorized)
                .map(|g| Grade::from_stored(&g)),
            authorized,
            enterprise_code: item.enterprise_code,
            name: item.name,
            added_at: item.added_at,
            added_by: item.added_by,
        }
    }
}

crate::text_enum! {
    /// What changed.
    pub enum ChangeKind {
        Grade = "grade",
        Blacklist = "blacklist",
        Redlist = "redlist",
    }
}

/// One change of a watched enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub enterprise_code: String,
    pub kind: ChangeKind,
    /// When the change was recorded.
    pub at: NaiveDateTime,
    /// For grades, the evaluation date.
    pub as_of: Option<NaiveDate>,
    /// The value before: a grade, or `listed`/`not_listed`; none for a first grade.
    pub previous: Option<String>,
    pub current: String,
}

/// What changed after `since` and up to `until` (the time of the answer), oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub changes: Vec<Change>,
}

/// The caller's watch list.
pub async fn list(state: &AppState, caller: &Caller) -> AppResult<Vec<WatchItem>> {
    let (_, bank) = caller.viewer.require_bank()?;
    let now = state.clock.now_naive();
    state
        .blocking(move |db| {
            db.read(|conn| {
                let items = watch::list(conn, bank)?;
                let codes: Vec<String> = items.iter().map(|i| i.enterprise_code.clone()).collect();
                let live = authorizations::live_codes(conn, bank, &codes, now)?;
                Ok(items
                    .into_iter()
                    .map(|i| {
                        let authorized = live.contains(&i.enterprise_code);
                        WatchItem::of(i, authorized)
                    })
                    .collect())
            })
        })
        .await
}

/// Watches enterprise `enterprise_code` (as sent: a malformed code is 422), which must have
/// authorised the caller's bank.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    enterprise_code: Input<String>,
) -> AppResult<WatchItem> {
    let (principal, bank) = caller.viewer.require_bank()?;
    let actor = principal.username.clone();
    let code = CreditCode::parse(&enterprise_code?)
        .map_err(|e| AppError::validation("enterprise_code", e.to_string()))?
        .to_string();
    let now = state.clock.now_naive();
    let item = state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                if authorizations::live(conn, &code, bank, now)?.is_none() {
                    return Err(AppError::Forbidden(
                        "the enterprise has not authorised your bank".into(),
                    ));
                }
                if !watch::add(conn, bank, &code, &actor, now)? {
                    return Err(AppError::Conflict(format!(
                        "enterprise {code} is already on the watch list"
                    )));
                }
                watch::find(conn, bank, &code)?
                    .ok_or_else(|| AppError::internal("watch item vanished"))
            })
        })
        .await?;
    Ok(WatchItem::of(item, true))
}

/// Stops watching enterprise `code`; 404 when it is not on the list.
pub async fn remove(state: &AppState, caller: &Caller, code: Input<String>) -> AppResult<()> {
    let (_, bank) = caller.viewer.require_bank()?;
    let code = code?;
    let removed = state
        .blocking(move |db| db.write(|conn| watch::remove(conn, bank, &code)))
        .await?;
    if !removed {
        return Err(AppError::NotFound("not on the watch list".into()));
    }
    Ok(())
}

/// Grade and list changes of the watched enterprises after `since`, oldest first; nothing for
/// enterprises whose authorisation has lapsed.
pub async fn changes(
    state: &AppState,
    caller: &Caller,
    since: Input<DateTime<Utc>>,
) -> AppResult<Changes> {
    let (_, bank) = caller.viewer.require_bank()?;
    let since = since?;
    let until = state.clock.now();
    if since > until {
        return Err(AppError::validation("since", "must not be in the future"));
    }
    let (now, from) = (until.naive_utc(), since.naive_utc());
    let changes = state
        .blocking(move |db| {
            db.read(|conn| {
                let watched: Vec<String> = watch::list(conn, bank)?
                    .into_iter()
                    .map(|i| i.enterprise_code)
                    .collect();
                let live: Vec<String> = authorizations::live_codes(conn, bank, &watched, now)?
                    .into_iter()
                    .collect();
                let evaluations = watch::evaluations_since(conn, &live, from)?;
                let mut changes = grade_changes(&evaluations, from);
                changes.extend(list_changes(conn, &live, from, now)?);
                changes.sort_by(|a, b| (a.at, &a.enterprise_code).cmp(&(b.at, &b.enterprise_code)));
                Ok(changes)
            })
        })
        .await?;
    Ok(Changes {
        since,
        until,
        changes,
    })
}

/// The evaluations after `since` whose grade differs from the one before.
fn grade_changes(evaluations: &[watch::Evaluation], since: NaiveDateTime) -> Vec<Change> {
    let mut out = Vec::new();
    let mut previous: Option<&watch::Evaluation> = None;
    for e in evaluations {
        let before = previous.filter(|p| p.enterprise_code == e.enterprise_code);
        if e.scored_at > since && before.is_none_or(|b| b.grade != e.grade) {
            out.push(Change {
                enterprise_code: e.enterprise_code.clone(),
                kind: ChangeKind::Grade,
                at: e.scored_at,
                as_of: Some(e.as_of),
                previous: before.map(|b| b.grade.clone()),
                current: e.grade.clone(),
            });
        }
        previous = Some(e);
    }
    out
}

/// The list entries of `codes` that began, were removed or expired after `since`.
fn list_changes(
    conn: &mut DbConnection,
    codes: &[String],
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<Vec<Change>> {
    Ok(
        crate::db::lists::changes_since(conn, codes, since, now.date())?
            .into_iter()
            .map(|c| {
                let (previous, current) = match c.change {
                    ListChangeKind::Listed => ("not_listed", "listed"),
                    ListChangeKind::Removed => ("listed", "removed"),
                    ListChangeKind::Expired => ("listed", "expired"),
                };
                Change {
                    enterprise_code: c.enterprise_code,
                    kind: match c.list {
                        ListKind::Blacklist => ChangeKind::Blacklist,
                        ListKind::Redlist => ChangeKind::Redlist,
                    },
                    at: c.at,
                    as_of: None,
                    previous: Some(previous.to_string()),
                    current: current.to_string(),
                }
            })
            .collect(),
    )
}

/// Records that the caller opened its portfolio now and returns when it did before (none on the
/// first visit): the console highlights the changes after it. Banks only.
pub async fn record_visit(state: &AppState, caller: &Caller) -> AppResult<Option<NaiveDateTime>> {
    let (principal, _) = caller.viewer.require_bank()?;
    let user_id = principal.user_id;
    let now = state.clock.now_naive();
    state
        .blocking(move |db| db.write(|conn| watch::record_visit(conn, user_id, now)))
        .await
}

/// When the caller last opened its portfolio, without counting this as a visit (a form shown
/// again with its errors). Banks only.
pub async fn last_visit(state: &AppState, caller: &Caller) -> AppResult<Option<NaiveDateTime>> {
    let (principal, _) = caller.viewer.require_bank()?;
    let user_id = principal.user_id;
    state
        .blocking(move |db| db.read(|conn| watch::last_visit(conn, user_id)))
        .await
}

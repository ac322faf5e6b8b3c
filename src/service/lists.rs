//! The blacklist (严重失信名单) and the redlist (守信激励名单). The public reads the current
//! entries; regulators and admins add entries, decide on the rules' proposals, end entries by
//! credit repair (信用修复) and read the whole history. An entry becoming active or being removed
//! rescores its enterprise in the same transaction (a blacklisted enterprise is C).

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Caller, KEEPERS, PageRequest, Paged};
use crate::auth::Viewer;
use crate::db::history::ChangeContext;
use crate::db::lists::{self as store, ListFilter};
use crate::db::{DbConnection, enterprises, models, scores};
use crate::domain::lists::{ConfirmInput, ListEntryInput, ListKind, RejectInput, RemoveInput};
use crate::engine::{self, LoadedModel};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub use crate::db::lists::{ListEntryRow, NamedEntry};

/// Whether the caller keeps the lists, and so sees who proposed and decided each entry.
pub fn is_keeper(viewer: &Viewer) -> bool {
    viewer.role().is_some_and(|r| KEEPERS.contains(&r))
}

/// A search of one list: blank `q` means all; `history` (keepers only) includes entries that
/// ended or were never confirmed.
#[derive(Debug, Default, Clone)]
pub struct ListSearch {
    pub q: Option<String>,
    pub history: bool,
}

/// One page of a list's entries.
pub async fn read_list(
    state: &AppState,
    caller: &Caller,
    list: ListKind,
    search: ListSearch,
    paging: PageRequest,
) -> AppResult<Paged<NamedEntry>> {
    if search.history {
        caller.viewer.require_role(KEEPERS)?;
    }
    let text = search
        .q
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::validation("q", "must be at most 100 characters"));
    }
    let filter = ListFilter {
        list,
        search: text,
        history: search.history,
        today: state.clock.today(),
    };
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| store::page(conn, &filter, paging.offset(), paging.limit()))
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// Adds an entry to a list by a keeper's decision.
pub async fn add_entry(
    state: &Arc<AppState>,
    caller: &Caller,
    list: ListKind,
    input: ListEntryInput,
) -> AppResult<NamedEntry> {
    caller.viewer.require_role(KEEPERS)?;
    let listing = input.validate(state.clock.today())?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    let app = state.clone();
    state
        .blocking(move |db| {
            let model = db.read(|conn| scoring_model(&app, conn))?;
            db.write(|conn| {
                let row = store::add(conn, list, &listing, &ctx)?;
                rescore(conn, model.as_deref(), &row.enterprise_code, &ctx)?;
                named(conn, row)
            })
        })
        .await
}

/// One page of the rules' proposals waiting for a decision. Keepers only.
pub async fn proposals(
    state: &AppState,
    caller: &Caller,
    paging: PageRequest,
) -> AppResult<Paged<NamedEntry>> {
    caller.viewer.require_role(KEEPERS)?;
    let (rows, total) = state
        .blocking(move |db| db.read(|conn| store::proposals(conn, paging.offset(), paging.limit())))
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

/// One entry: any for keepers, confirmed ones for everyone else (others do not exist for them).
pub async fn entry(state: &AppState, caller: &Caller, id: i64) -> AppResult<NamedEntry> {
    let keeper = is_keeper(&caller.viewer);
    state
        .blocking(move |db| db.read(|conn| store::find(conn, id)))
        .await?
        .filter(|e| keeper || e.entry.is_confirmed())
        .ok_or_else(|| AppError::NotFound(format!("no list entry {id}")))
}

/// Confirms a proposal with its legal basis.
pub async fn confirm(
    state: &Arc<AppState>,
    caller: &Caller,
    id: i64,
    input: ConfirmInput,
) -> AppResult<NamedEntry> {
    caller.viewer.require_role(KEEPERS)?;
    let confirmation = input.validate(state.clock.today())?;
    let ctx = caller.change_context(state.clock.now(), None)?;
    let app = state.clone();
    state
        .blocking(move |db| {
            let model = db.read(|conn| scoring_model(&app, conn))?;
            db.write(|conn| {
                let row = store::confirm(conn, id, &confirmation, &ctx)?;
                rescore(conn, model.as_deref(), &row.enterprise_code, &ctx)?;
                named(conn, row)
            })
        })
        .await
}

/// Rejects a proposal, with the reason.
pub async fn reject(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: RejectInput,
) -> AppResult<NamedEntry> {
    caller.viewer.require_role(KEEPERS)?;
    let reason = input.validate()?;
    let ctx = caller.change_context(state.clock.now(), Some(reason.clone()))?;
    state
        .blocking(move |db| {
            db.write(|conn| {
                let row = store::reject(conn, id, &reason, &ctx)?;
                named(conn, row)
            })
        })
        .await
}

/// Ends an active entry (credit repair, or a decision that it no longer applies).
pub async fn remove(
    state: &Arc<AppState>,
    caller: &Caller,
    id: i64,
    input: RemoveInput,
) -> AppResult<NamedEntry> {
    caller.viewer.require_role(KEEPERS)?;
    let removal = input.validate(state.clock.today())?;
    let ctx = caller.change_context(state.clock.now(), Some(removal.decision.clone()))?;
    let app = state.clone();
    state
        .blocking(move |db| {
            let model = db.read(|conn| scoring_model(&app, conn))?;
            db.write(|conn| {
                let row = store::remove(conn, id, &removal, &ctx)?;
                rescore(conn, model.as_deref(), &row.enterprise_code, &ctx)?;
                named(conn, row)
            })
        })
        .await
}

/// The list entries of one enterprise, with its name: every entry for who may see its private
/// data, the confirmed ones for everyone else.
pub async fn of_enterprise(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> AppResult<(String, Vec<ListEntryRow>)> {
    let all = caller.viewer.sees_private_of(code);
    let code = code.to_string();
    let (name, rows) = state
        .blocking(move |db| {
            db.read(|conn| {
                let stored = enterprises::get(conn, &code)?;
                Ok((stored.enterprise.name, store::entries_of(conn, &code)?))
            })
        })
        .await?;
    Ok((
        name,
        rows.into_iter()
            .filter(|row| all || row.is_confirmed())
            .collect(),
    ))
}

/// The first day on which an entry's state is judged: today.
pub fn today(state: &AppState) -> NaiveDate {
    state.clock.today()
}

fn named(conn: &mut DbConnection, row: ListEntryRow) -> AppResult<NamedEntry> {
    let enterprise_name = enterprises::get(conn, &row.enterprise_code)?
        .enterprise
        .name;
    Ok(NamedEntry {
        entry: row,
        enterprise_name,
    })
}

/// The model that rescoring after a list change uses: the active registry model, if any.
pub(crate) fn scoring_model(
    state: &AppState,
    conn: &mut DbConnection,
) -> AppResult<Option<Arc<LoadedModel>>> {
    if models::active_version(conn)?.is_none() {
        return Ok(None);
    }
    let model = state.models.active(conn)?;
    Ok(model.artifact.is_registry_model().then_some(model))
}

/// Rescores an enterprise that has a score, inside the caller's transaction.
pub(crate) fn rescore(
    conn: &mut DbConnection,
    model: Option<&LoadedModel>,
    code: &str,
    ctx: &ChangeContext,
) -> AppResult<()> {
    if let Some(model) = model
        && scores::grade_state(conn, code)?.is_some()
    {
        engine::score_enterprise(conn, model, code, ctx.at.date(), &ctx.actor, ctx.at)?;
    }
    Ok(())
}

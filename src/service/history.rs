//! The change history of an enterprise and its records: who changed what, when, from where.
//! Regulators, admins and the enterprise itself may read it.

use super::{Caller, PageRequest, Paged};
use crate::db::{enterprises, history};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Who writes a change, for the history: made by [`super::Caller::change_context`].
pub use crate::db::history::{ChangeContext, HistoryRow};

/// The kinds of record a history may be narrowed to (the API documents the same list).
pub const ENTITIES: [&str; 8] = [
    "enterprise",
    "operating_record",
    "credit_event",
    "sentiment_record",
    "association",
    "list_entry",
    "commitment",
    "credit_repair",
];

/// One page of the changes to enterprise `code` and its records, oldest first, optionally of
/// one kind of record only.
pub async fn changes(
    state: &AppState,
    caller: &Caller,
    code: &str,
    entity: Option<String>,
    paging: PageRequest,
) -> AppResult<Paged<HistoryRow>> {
    caller.viewer.require_private_of(code)?;
    if let Some(entity) = &entity
        && !ENTITIES.contains(&entity.as_str())
    {
        return Err(AppError::validation(
            "entity",
            format!("must be one of: {}", ENTITIES.join(", ")),
        ));
    }
    let code = code.to_string();
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                history::list(
                    conn,
                    &code,
                    entity.as_deref(),
                    paging.offset(),
                    paging.limit(),
                )
            })
        })
        .await?;
    Ok(Paged {
        rows,
        request: paging,
        total,
    })
}

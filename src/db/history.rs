//! The change history: one row per create or correction, with who, when, from which source,
//! why, and each field's value before and after.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::change_history;
use crate::domain::Role;
use crate::domain::patch::FieldChange;
use crate::error::{AppError, AppResult};

/// Who is writing, and in what request: carried into every history row.
#[derive(Debug, Clone)]
pub struct ChangeContext {
    pub actor: String,
    pub actor_role: Role,
    pub request_id: Option<String>,
    pub reason: Option<String>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Enterprise,
    OperatingRecord,
    CreditEvent,
    SentimentRecord,
    Association,
    ListEntry,
    Commitment,
    CreditRepair,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Enterprise => "enterprise",
            Entity::OperatingRecord => "operating_record",
            Entity::CreditEvent => "credit_event",
            Entity::SentimentRecord => "sentiment_record",
            Entity::Association => "association",
            Entity::ListEntry => "list_entry",
            Entity::Commitment => "commitment",
            Entity::CreditRepair => "credit_repair",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = change_history)]
pub struct HistoryRow {
    pub id: i64,
    pub enterprise_code: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub actor: String,
    pub actor_role: String,
    pub source: String,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub changes: String,
    pub changed_at: NaiveDateTime,
}

impl HistoryRow {
    pub fn field_changes(&self) -> Vec<FieldChange> {
        serde_json::from_str(&self.changes).unwrap_or_default()
    }
}

#[derive(Insertable)]
#[diesel(table_name = change_history)]
struct NewHistoryRow<'a> {
    enterprise_code: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    action: &'a str,
    actor: &'a str,
    actor_role: &'a str,
    source: &'a str,
    reason: Option<&'a str>,
    request_id: Option<&'a str>,
    changes: String,
    changed_at: NaiveDateTime,
}

#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    enterprise_code: &str,
    entity: Entity,
    entity_id: &str,
    action: &str,
    source: &str,
    changes: &[FieldChange],
) -> AppResult<()> {
    let changes = serde_json::to_string(changes).map_err(|e| AppError::Internal(e.into()))?;
    diesel::insert_into(change_history::table)
        .values(NewHistoryRow {
            enterprise_code,
            entity: entity.as_str(),
            entity_id,
            action,
            actor: &ctx.actor,
            actor_role: ctx.actor_role.as_str(),
            source,
            reason: ctx.reason.as_deref(),
            request_id: ctx.request_id.as_deref(),
            changes,
            changed_at: ctx.at,
        })
        .execute(conn)?;
    Ok(())
}

/// One page of an enterprise's history, oldest first, and the total count.
pub fn list(
    conn: &mut DbConnection,
    enterprise_code: &str,
    entity: Option<&str>,
    offset: i64,
    limit: i64,
) -> AppResult<(Vec<HistoryRow>, i64)> {
    let filtered = || {
        let mut q = change_history::table
            .filter(change_history::enterprise_code.eq(enterprise_code.to_string()))
            .into_boxed();
        if let Some(entity) = entity {
            q = q.filter(change_history::entity.eq(entity.to_string()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(change_history::id.asc())
        .offset(offset)
        .limit(limit)
        .select(HistoryRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

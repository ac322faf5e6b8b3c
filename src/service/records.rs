//! The records of an enterprise: operating figures, credit events, sentiment items and
//! associations. Each is listed, read, recorded and corrected the same way; the shared flow lives
//! in the generic functions at the bottom, the use cases only say which record and which rules.
//!
//! Operating records, sentiment and associations are confidential: regulators, admins and the
//! enterprise itself. Credit events are public while their publicity period runs. Only
//! regulators and admins record and correct.

use chrono::NaiveDate;

use super::{Caller, ExpectedVersion, Input, KEEPERS, PageRequest, Paged, private_page};
use crate::db::history::ChangeContext;
use crate::db::records::{self, events, links, operating, sentiment};
use crate::db::{DbConnection, Stored, enterprises};
use crate::domain::CreditCode;
use crate::domain::patch::{self, FieldChange};
use crate::domain::records::{
    Association, AssociationInput, AssociationPatch, CreditEvent, CreditEventInput,
    CreditEventPatch, OperatingInput, OperatingPatch, OperatingRecord, ReviewStatus,
    SentimentInput, SentimentPatch, SentimentRecord,
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What the caller may see of a record or a page of records: all of it, or its public part.
#[derive(Debug)]
pub enum Visible<T> {
    Full(T),
    Public(T),
}

// ---------------------------------------------------------------------------------------------
// Operating records.

/// One page of the operating records of enterprise `code`, latest period first.
pub async fn operating_records(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: Input<PageRequest>,
) -> AppResult<Paged<Stored<OperatingRecord>>> {
    private_page(state, caller, code, paging, |c, code, o, l| {
        operating::list(c, code, |q| q, o, l)
    })
    .await
}

/// Records an enterprise's operating figures for a period: one record per enterprise and period
/// (a month inside a recorded quarter is refused too).
pub async fn record_operating(
    state: &AppState,
    caller: &Caller,
    code: Input<String>,
    input: Input<OperatingInput>,
) -> AppResult<Stored<OperatingRecord>> {
    caller.viewer.require_role(KEEPERS)?;
    let record = input?.validate(state.clock.today())?;
    create(state, caller, &code?, move |conn, code, ctx| {
        records::check_period_free(conn, code, &record.period)?;
        operating::insert(conn, code, &record, ctx)
    })
    .await
}

/// One operating record.
pub async fn operating_record(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> AppResult<Stored<OperatingRecord>> {
    get_private(state, caller, code, id, operating::get).await
}

/// Corrects an operating record (not its period).
pub async fn correct_operating(
    state: &AppState,
    caller: &Caller,
    code: Input<String>,
    id: i64,
    changes: Input<OperatingPatch>,
    expected: ExpectedVersion,
) -> AppResult<Stored<OperatingRecord>> {
    caller.viewer.require_role(KEEPERS)?;
    let changes = changes?;
    let today = state.clock.today();
    let reason = changes.reason.clone();
    let fix = Correction {
        code: code?,
        id,
        reason,
        expected,
    };
    correct(
        state,
        caller,
        fix,
        operating::get,
        operating::update,
        move |_conn, before: &Stored<OperatingRecord>| revised_operating(before, &changes, today),
    )
    .await
}

/// An operating record with `changes` applied, validated as a new record would be. A disputed
/// record stays marked disputed until its objection is answered.
pub(crate) fn revised_operating(
    before: &Stored<OperatingRecord>,
    changes: &OperatingPatch,
    today: NaiveDate,
) -> AppResult<OperatingRecord> {
    let mut after = patch::merge(&before.record.to_input(), changes)?.validate(today)?;
    if before.record.review_status == ReviewStatus::Disputed {
        after.review_status = ReviewStatus::Disputed;
    }
    Ok(after)
}

// ---------------------------------------------------------------------------------------------
// Credit events.

/// One page of the credit events of enterprise `code`, latest first: all of them for who may
/// see the enterprise's private records, its public events for everyone else.
pub async fn credit_events(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: PageRequest,
) -> AppResult<Visible<Paged<Stored<CreditEvent>>>> {
    let full = caller.viewer.sees_private_of(code);
    let today = state.clock.today();
    let code = code.to_string();
    let (rows, total) = state
        .blocking(move |db| {
            db.read(|conn| {
                enterprises::get(conn, &code)?;
                if full {
                    events::list(conn, &code, |q| q, paging.offset(), paging.limit())
                } else {
                    events::list(
                        conn,
                        &code,
                        records::public_events(today),
                        paging.offset(),
                        paging.limit(),
                    )
                }
            })
        })
        .await?;
    let page = Paged {
        rows,
        request: paging,
        total,
    };
    Ok(if full {
        Visible::Full(page)
    } else {
        Visible::Public(page)
    })
}

/// Records a credit event (negative or positive).
pub async fn record_event(
    state: &AppState,
    caller: &Caller,
    code: Input<String>,
    input: Input<CreditEventInput>,
) -> AppResult<Stored<CreditEvent>> {
    caller.viewer.require_role(KEEPERS)?;
    let event = input?.validate(state.clock.today())?;
    create(state, caller, &code?, move |conn, code, ctx| {
        record_credit_event(conn, code, &event, ctx)
    })
    .await
}

/// The write path of every new credit event, whoever records it (a regulator directly, or by a
/// decision on a commitment): refuses a duplicate decision number, stores the event with its
/// history, then runs the blacklist rule. Call inside the write transaction of the change.
pub(crate) fn record_credit_event(
    conn: &mut DbConnection,
    code: &str,
    event: &CreditEvent,
    ctx: &ChangeContext,
) -> AppResult<Stored<CreditEvent>> {
    records::check_document_free(conn, event, None)?;
    let stored = events::insert(conn, code, event, ctx)?;
    crate::db::lists::run_blacklist_rule(conn, code, ctx)?;
    Ok(stored)
}

/// One credit event. A non-public event is invisible (404) to callers without access.
pub async fn credit_event(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> AppResult<Visible<Stored<CreditEvent>>> {
    let full = caller.viewer.sees_private_of(code);
    let today = state.clock.today();
    let code = code.to_string();
    let stored = state
        .blocking(move |db| db.read(|conn| events::get(conn, &code, id)))
        .await?;
    if !full && !stored.record.is_public(today) {
        return Err(AppError::NotFound(format!("no public credit event {id}")));
    }
    Ok(if full {
        Visible::Full(stored)
    } else {
        Visible::Public(stored)
    })
}

/// Corrects a credit event (e.g. revokes it, ends its publicity).
pub async fn correct_event(
    state: &AppState,
    caller: &Caller,
    code: Input<String>,
    id: i64,
    changes: Input<CreditEventPatch>,
    expected: ExpectedVersion,
) -> AppResult<Stored<CreditEvent>> {
    caller.viewer.require_role(KEEPERS)?;
    let changes = changes?;
    let today = state.clock.today();
    let reason = changes.reason.clone();
    let fix = Correction {
        code: code?,
        id,
        reason,
        expected,
    };
    correct(
        state,
        caller,
        fix,
        events::get,
        update_event,
        move |conn, before: &Stored<CreditEvent>| revised_event(conn, before, &changes, today),
    )
    .await
}

/// A credit event with `changes` applied, validated as a new event would be, and not taking
/// another event's decision number.
pub(crate) fn revised_event(
    conn: &mut DbConnection,
    before: &Stored<CreditEvent>,
    changes: &CreditEventPatch,
    today: NaiveDate,
) -> AppResult<CreditEvent> {
    let after = patch::merge(&before.record.to_input(), changes)?.validate(today)?;
    records::check_document_free(conn, &after, Some(before.id))?;
    Ok(after)
}

fn update_event(
    conn: &mut DbConnection,
    before: &Stored<CreditEvent>,
    after: &CreditEvent,
    expected_version: i64,
    ctx: &ChangeContext,
) -> AppResult<(Stored<CreditEvent>, Vec<FieldChange>)> {
    store_event(conn, before, after, expected_version, ctx, "correct", None)
}

/// Stores a changed event (history action and source as `events::update_as`), then runs the
/// blacklist rule on the enterprise's events as they now are, in the same transaction.
pub(crate) fn store_event(
    conn: &mut DbConnection,
    before: &Stored<CreditEvent>,
    after: &CreditEvent,
    expected_version: i64,
    ctx: &ChangeContext,
    action: &str,
    source: Option<&str>,
) -> AppResult<(Stored<CreditEvent>, Vec<FieldChange>)> {
    let updated = events::update_as(conn, before, after, expected_version, ctx, action, source)?;
    crate::db::lists::run_blacklist_rule(conn, &before.enterprise_code, ctx)?;
    Ok(updated)
}

// ---------------------------------------------------------------------------------------------
// Sentiment (舆情).

/// One page of the sentiment items of enterprise `code`, latest first.
pub async fn sentiment_records(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: Input<PageRequest>,
) -> AppResult<Paged<Stored<SentimentRecord>>> {
    private_page(state, caller, code, paging, |c, code, o, l| {
        sentiment::list(c, code, |q| q, o, l)
    })
    .await
}

/// Records a sentiment item; its polarity is computed from the text when not given.
pub async fn record_sentiment(
    state: &AppState,
    caller: &Caller,
    code: Input<String>,
    input: Input<SentimentInput>,
) -> AppResult<Stored<SentimentRecord>> {
    caller.viewer.require_role(KEEPERS)?;
    let item = input?.validate(state.clock.now_naive())?;
    create(state, caller, &code?, move |conn, code, ctx| {
        sentiment::insert(conn, code, &item, ctx)
    })
    .await
}

/// One sentiment item.
pub async fn sentiment_record(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> AppResult<Stored<SentimentRecord>> {
    get_private(state, caller, code, id, sentiment::get).await
}

/// Corrects a sentiment item.
pub async fn correct_sentiment(
    state: &AppState,
    caller: &Caller,
    code: Input<String>,
    id: i64,
    changes: Input<SentimentPatch>,
    expected: ExpectedVersion,
) -> AppResult<Stored<SentimentRecord>> {
    caller.viewer.require_role(KEEPERS)?;
    let changes = changes?;
    let now = state.clock.now_naive();
    let reason = changes.reason.clone();
    let fix = Correction {
        code: code?,
        id,
        reason,
        expected,
    };
    correct(
        state,
        caller,
        fix,
        sentiment::get,
        sentiment::update,
        move |_conn, before: &Stored<SentimentRecord>| {
            Ok(patch::merge(&before.record.to_input(), &changes)?.validate(now)?)
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Associations (关联关系).

/// One page of the associations of enterprise `code`.
pub async fn associations(
    state: &AppState,
    caller: &Caller,
    code: &str,
    paging: Input<PageRequest>,
) -> AppResult<Paged<Stored<Association>>> {
    private_page(state, caller, code, paging, |c, code, o, l| {
        links::list(c, code, |q| q, o, l)
    })
    .await
}

/// Records an association of enterprise `code` to another party.
pub async fn record_association(
    state: &AppState,
    caller: &Caller,
    code: Input<String>,
    input: Input<AssociationInput>,
) -> AppResult<Stored<Association>> {
    caller.viewer.require_role(KEEPERS)?;
    let owner = code?;
    let owner_code = CreditCode::parse(&owner).map_err(|_| {
        AppError::NotFound(format!(
            "no enterprise {owner}: not a valid unified social credit code"
        ))
    })?;
    let link = input?.validate(&owner_code, state.clock.today())?;
    create(state, caller, &owner, move |conn, code, ctx| {
        links::insert(conn, code, &link, ctx)
    })
    .await
}

/// One association.
pub async fn association(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
) -> AppResult<Stored<Association>> {
    get_private(state, caller, code, id, links::get).await
}

/// Corrects an association.
pub async fn correct_association(
    state: &AppState,
    caller: &Caller,
    code: Input<String>,
    id: i64,
    changes: Input<AssociationPatch>,
    expected: ExpectedVersion,
) -> AppResult<Stored<Association>> {
    caller.viewer.require_role(KEEPERS)?;
    let changes = changes?;
    let today = state.clock.today();
    let reason = changes.reason.clone();
    let fix = Correction {
        code: code?,
        id,
        reason,
        expected,
    };
    correct(
        state,
        caller,
        fix,
        links::get,
        links::update,
        move |_conn, before: &Stored<Association>| {
            let owner = CreditCode::parse(&before.enterprise_code).expect("stored codes are valid");
            Ok(patch::merge(&before.record.to_input(), &changes)?.validate(&owner, today)?)
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The shared flows.

type Getter<R> = fn(&mut DbConnection, &str, i64) -> AppResult<Stored<R>>;
type Updater<R> = fn(
    &mut DbConnection,
    &Stored<R>,
    &R,
    i64,
    &ChangeContext,
) -> AppResult<(Stored<R>, Vec<FieldChange>)>;

/// Which record a correction is of, why, and the version it expects to change.
struct Correction {
    code: String,
    id: i64,
    reason: Option<String>,
    expected: ExpectedVersion,
}

/// One confidential record: the caller is checked before it is read.
async fn get_private<R: Send + 'static>(
    state: &AppState,
    caller: &Caller,
    code: &str,
    id: i64,
    getter: Getter<R>,
) -> AppResult<Stored<R>> {
    caller.viewer.require_private_of(code)?;
    let code = code.to_string();
    state
        .blocking(move |db| db.read(|conn| getter(conn, &code, id)))
        .await
}

/// Stores a validated new record of an existing enterprise, in one transaction with its history.
/// Callers check the role before they open the input, so it is not checked again here.
async fn create<R: Send + 'static>(
    state: &AppState,
    caller: &Caller,
    code: &str,
    insert: impl FnOnce(&mut DbConnection, &str, &ChangeContext) -> AppResult<Stored<R>>
    + Send
    + 'static,
) -> AppResult<Stored<R>> {
    let ctx = caller.change_context(state.clock.now(), None)?;
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.write(|conn| {
                enterprises::get(conn, &code)?;
                insert(conn, &code, &ctx)
            })
        })
        .await
}

/// Reads the record, checks the expected version, applies the correction and stores it with the
/// earlier values in the history, all in one transaction. Callers have checked the role.
async fn correct<R: Send + 'static>(
    state: &AppState,
    caller: &Caller,
    fix: Correction,
    getter: Getter<R>,
    updater: Updater<R>,
    revise: impl FnOnce(&mut DbConnection, &Stored<R>) -> AppResult<R> + Send + 'static,
) -> AppResult<Stored<R>> {
    let Correction {
        code,
        id,
        reason,
        expected,
    } = fix;
    let ctx = caller.change_context(state.clock.now(), reason)?;
    state
        .blocking(move |db| {
            db.write(|conn| {
                let before = getter(conn, &code, id)?;
                // The body first: an invalid correction is 422 whichever version it names.
                let after = revise(conn, &before)?;
                let version = expected.check(before.meta.version)?;
                let (stored, _changes) = updater(conn, &before, &after, version, &ctx)?;
                Ok(stored)
            })
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Corrections from the console.

/// The four kinds of record a keeper corrects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Operating,
    CreditEvent,
    Sentiment,
    Association,
}

/// A record as a correction starts from it: its version (for the conflict check) and its
/// fields in the form a new record is written in (`to_input`), as JSON.
#[derive(Debug, Clone)]
pub struct CorrectionDraft {
    pub version: i64,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// The record `id` of enterprise `code`, to correct: for keepers only, as the correction is.
pub async fn correction_draft(
    state: &AppState,
    caller: &Caller,
    kind: RecordKind,
    code: &str,
    id: i64,
) -> AppResult<CorrectionDraft> {
    caller.viewer.require_role(KEEPERS)?;
    let code = code.to_string();
    state
        .blocking(move |db| {
            db.read(|conn| {
                fn draft<I: serde::Serialize>(version: i64, input: I) -> CorrectionDraft {
                    let fields = patch::to_object(&input);
                    CorrectionDraft { version, fields }
                }
                Ok(match kind {
                    RecordKind::Operating => {
                        let s = operating::get(conn, &code, id)?;
                        draft(s.meta.version, s.record.to_input())
                    }
                    RecordKind::CreditEvent => {
                        let s = events::get(conn, &code, id)?;
                        draft(s.meta.version, s.record.to_input())
                    }
                    RecordKind::Sentiment => {
                        let s = sentiment::get(conn, &code, id)?;
                        draft(s.meta.version, s.record.to_input())
                    }
                    RecordKind::Association => {
                        let s = links::get(conn, &code, id)?;
                        draft(s.meta.version, s.record.to_input())
                    }
                })
            })
        })
        .await
}

/// Corrects record `id` with `fields` (the JSON of its kind's patch, as the API takes it),
/// written over `expected`; a field the patch cannot read is a 422 naming it. Returns the new
/// version.
pub async fn correct_fields(
    state: &AppState,
    caller: &Caller,
    kind: RecordKind,
    code: &str,
    id: i64,
    fields: serde_json::Map<String, serde_json::Value>,
    expected: ExpectedVersion,
) -> AppResult<i64> {
    caller.viewer.require_role(KEEPERS)?;
    let code = Ok(code.to_string());
    Ok(match kind {
        RecordKind::Operating => {
            let patch = patch::from_fields::<OperatingPatch>(fields);
            correct_operating(state, caller, code, id, patch.map_err(Into::into), expected)
                .await?
                .meta
                .version
        }
        RecordKind::CreditEvent => {
            let patch = patch::from_fields::<CreditEventPatch>(fields);
            correct_event(state, caller, code, id, patch.map_err(Into::into), expected)
                .await?
                .meta
                .version
        }
        RecordKind::Sentiment => {
            let patch = patch::from_fields::<SentimentPatch>(fields);
            correct_sentiment(state, caller, code, id, patch.map_err(Into::into), expected)
                .await?
                .meta
                .version
        }
        RecordKind::Association => {
            let patch = patch::from_fields::<AssociationPatch>(fields);
            correct_association(state, caller, code, id, patch.map_err(Into::into), expected)
                .await?
                .meta
                .version
        }
    })
}

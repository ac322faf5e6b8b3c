//! What the API returns, shaped by who is asking: the public sees public fields only, personal
//! data is masked for everyone but admins.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::domain::enterprise::{BusinessModel, EnterpriseStatus, PlatformShop};
use crate::domain::identity::{mask_phone, mask_resident_id};
use crate::domain::patch::FieldChange;
use crate::domain::records::{Association, CreditEvent, OperatingRecord, SentimentRecord};
use crate::service::enterprises::StoredEnterprise;
use crate::service::history::HistoryRow;
use crate::service::{RecordMeta, Stored};

crate::text_enum! {
    /// Which view of a record a response is: `public` fields only, or `full`.
    pub enum Visibility {
        Public = "public",
        Full = "full",
    }
}

/// An enterprise as the caller may see it. Public callers get code, name, region, industry and
/// status; the rest is present only in the full view.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseView {
    pub code: String,
    pub name: String,
    pub region_code: String,
    pub industry: String,
    pub status: EnterpriseStatus,
    pub visibility: Visibility,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
    /// Masked unless the caller is an admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_rep_id_number: Option<String>,
    /// Masked unless the caller is an admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_rep_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_capital: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub established_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_models: Option<Vec<BusinessModel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Vec<PlatformShop>>,
    /// Provenance of the current values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<RecordMeta>,
}

impl EnterpriseView {
    pub fn of(stored: &StoredEnterprise, viewer: &Viewer) -> Self {
        let e = &stored.enterprise;
        let code = e.code.to_string();
        let mut view = EnterpriseView {
            code: code.clone(),
            name: e.name.clone(),
            region_code: e.region_code.clone(),
            industry: e.industry.clone(),
            status: e.status,
            visibility: Visibility::Public,
            legal_representative: None,
            legal_rep_id_number: None,
            legal_rep_phone: None,
            registered_capital: None,
            established_on: None,
            business_models: None,
            platforms: None,
            source: None,
            meta: None,
        };
        if viewer.sees_private_of(&code) {
            let unmasked = viewer.sees_personal_data();
            view.visibility = Visibility::Full;
            view.legal_representative = Some(e.legal_representative.clone());
            view.legal_rep_id_number = e.legal_rep_id_number.as_deref().map(|id| {
                if unmasked {
                    id.to_string()
                } else {
                    mask_resident_id(id)
                }
            });
            view.legal_rep_phone = e.legal_rep_phone.as_deref().map(|p| {
                if unmasked {
                    p.to_string()
                } else {
                    mask_phone(p)
                }
            });
            view.registered_capital = Some(e.registered_capital);
            view.established_on = Some(e.established_on);
            view.business_models = Some(e.business_models.clone());
            view.platforms = Some(e.platforms.clone());
            view.source = Some(stored.source.clone());
            view.meta = Some(stored.meta.clone());
        }
        view
    }
}

macro_rules! record_view {
    ($(#[$doc:meta])* $view:ident, $record:ty) => {
        $(#[$doc])*
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $view {
            pub id: i64,
            pub enterprise_code: String,
            #[serde(flatten)]
            pub record: $record,
            /// Version and authorship; absent in public views.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub meta: Option<RecordMeta>,
        }

        impl $view {
            pub fn full(stored: Stored<$record>) -> Self {
                $view {
                    id: stored.id,
                    enterprise_code: stored.enterprise_code,
                    record: stored.record,
                    meta: Some(stored.meta),
                }
            }

            pub fn public(stored: Stored<$record>) -> Self {
                $view { meta: None, ..Self::full(stored) }
            }
        }
    };
}

record_view!(
    /// Operating figures of one period.
    OperatingRecordView, OperatingRecord);
record_view!(
    /// A credit event; public callers see public events without their bookkeeping.
    CreditEventView, CreditEvent);
record_view!(
    /// A sentiment (舆情) item.
    SentimentRecordView, SentimentRecord);
record_view!(
    /// An association to another party.
    AssociationView, Association);

type Mask = fn(&str) -> String;

/// Fields holding personal data, masked in history for everyone but admins.
const PERSONAL_FIELDS: [(&str, Mask); 2] = [
    ("legal_rep_id_number", mask_resident_id),
    ("legal_rep_phone", mask_phone),
];

/// One change to an enterprise or one of its records.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryView {
    pub id: i64,
    pub enterprise_code: String,
    /// `enterprise`, `operating_record`, `credit_event`, `sentiment_record`, `association`,
    /// `list_entry`, `commitment` or `credit_repair`.
    pub entity: String,
    pub entity_id: String,
    /// `create` or `correct`, or a step of a workflow: `propose`, `confirm`, `reject` and
    /// `remove` (list entries), `decide` (commitments, credit repair), `apply` (credit repair),
    /// `repair` (a credit event ended by credit repair), `dispute` and `answer_objection` (the
    /// changes an objection makes, source `objection`).
    pub action: String,
    pub actor: String,
    pub actor_role: String,
    /// Provenance of the values written.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(with = "crate::domain::utc")]
    pub changed_at: chrono::NaiveDateTime,
    /// Each changed field with its value before and after.
    pub changes: Vec<FieldChange>,
}

impl HistoryEntryView {
    pub fn of(row: HistoryRow, viewer: &Viewer) -> Self {
        let mut changes = row.field_changes();
        if !viewer.sees_personal_data() {
            for change in &mut changes {
                if let Some((_, mask)) = PERSONAL_FIELDS.iter().find(|(f, _)| *f == change.field) {
                    for value in [&mut change.before, &mut change.after] {
                        if let Some(text) = value.as_str() {
                            *value = serde_json::Value::String(mask(text));
                        }
                    }
                }
            }
        }
        HistoryEntryView {
            id: row.id,
            enterprise_code: row.enterprise_code,
            entity: row.entity,
            entity_id: row.entity_id,
            action: row.action,
            actor: row.actor,
            actor_role: row.actor_role,
            source: row.source,
            reason: row.reason,
            request_id: row.request_id,
            changed_at: row.changed_at,
            changes,
        }
    }
}

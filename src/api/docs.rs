//! The OpenAPI document, generated from the handlers and types. The committed copy in
//! `openapi/openapi.json` must equal it (a test checks); regenerate it with
//! `cargo run -- openapi > openapi/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    audit, auth, authorizations, commitments, enterprises, health, history, imports, lists, models,
    objections, records, repairs, reports, runs, scores, statistics, submissions, users, watch,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ecredit",
        description = "E-commerce enterprise credit registry and scoring service. Sign in at \
            `POST /api/v1/auth/token` and send the token as `Authorization: Bearer …`. Errors are \
            RFC 9457 problem details (`application/problem+json`). Writes to an existing record \
            need `If-Match` with the record's ETag.",
        license(name = "Apache-2.0"),
    ),
    paths(
        auth::issue_token,
        auth::who_am_i,
        enterprises::list_enterprises,
        enterprises::create_enterprise,
        enterprises::get_enterprise,
        enterprises::update_enterprise,
        records::list_operating_records,
        records::create_operating_record,
        records::get_operating_record,
        records::correct_operating_record,
        records::list_credit_events,
        records::create_credit_event,
        records::get_credit_event,
        records::correct_credit_event,
        records::list_sentiment_records,
        records::create_sentiment_record,
        records::get_sentiment_record,
        records::correct_sentiment_record,
        records::list_associations,
        records::create_association,
        records::get_association,
        records::correct_association,
        history::get_history,
        scores::get_score,
        scores::rescore,
        scores::list_scores,
        scores::get_way_up,
        scores::get_score_change,
        models::list_models,
        models::get_model,
        models::activate_model,
        models::compare_model,
        models::list_comparisons,
        authorizations::list_banks,
        authorizations::grant,
        authorizations::list_authorizations,
        authorizations::revoke,
        authorizations::list_bank_authorizations,
        reports::create_report,
        reports::get_report,
        reports::public_keys,
        reports::rotate_key,
        reports::verify_report,
        reports::query_log,
        watch::list_watch,
        watch::add_watch,
        watch::remove_watch,
        watch::changes,
        lists::get_blacklist,
        lists::get_redlist,
        lists::add_entry,
        lists::list_proposals,
        lists::get_entry,
        lists::confirm_entry,
        lists::reject_entry,
        lists::remove_entry,
        lists::enterprise_lists,
        commitments::create_commitment,
        commitments::list_commitments,
        commitments::get_commitment,
        commitments::decide_commitment,
        repairs::apply_for_repair,
        repairs::list_repairs,
        repairs::get_repair,
        repairs::review_queue,
        commitments::review_queue,
        repairs::decide_repair,
        objections::file_objection,
        objections::list_objections,
        objections::get_objection,
        objections::answer_objection,
        objections::objection_queue,
        statistics::enterprise_statistics,
        statistics::trend_statistics,
        statistics::grade_statistics,
        submissions::submit,
        submissions::list_submissions,
        submissions::get_submission,
        submissions::decide,
        submissions::review_queue,
        imports::import,
        runs::start_run,
        runs::list_runs,
        runs::get_run,
        users::list_users,
        users::create_user,
        users::get_user,
        users::update_user,
        users::disable_user,
        users::enable_user,
        users::set_password,
        audit::list_audit,
        health::health,
        health::ready,
        health::metrics,
    ),
    // Referenced only from query parameters (`value_type`), which utoipa does not collect.
    components(schemas(
        crate::domain::submission::SubmissionStatus,
        crate::domain::Role
    )),
    modifiers(&BearerAuth, &ServerErrors, &PageItemsByReference),
    tags(
        (name = "auth", description = "Sign in"),
        (name = "enterprises", description = "The registry of e-commerce enterprises"),
        (name = "operating records", description = "Operating figures per period (confidential)"),
        (name = "credit events", description = "Penalties, listings, honours"),
        (name = "sentiment", description = "Public sentiment (舆情) items"),
        (name = "associations", description = "Shareholders, guarantees, supply chains"),
        (name = "history", description = "Every change, with before and after"),
        (name = "scores", description = "Scores and grades (三等九级)"),
        (name = "models", description = "Scoring models: versions, metrics, champion and challenger comparisons, activation"),
        (name = "authorizations", description = "Report authorisations an enterprise grants banks"),
        (name = "reports", description = "Signed credit reports and the query log"),
        (name = "lists", description = "Blacklist (严重失信名单) and redlist (守信激励名单)"),
        (name = "commitments", description = "Credit commitments (信用承诺) and their findings"),
        (name = "credit repair", description = "Credit repair (信用修复) applications and decisions"),
        (name = "objections", description = "Objections (异议) to records, answered within 20 days"),
        (name = "watch", description = "Portfolio watch for banks: grade and list changes"),
        (name = "statistics", description = "Aggregates for regulators; small groups suppressed"),
        (name = "submissions", description = "Data an enterprise submits about itself, checked and reviewed"),
        (name = "users", description = "Accounts, their roles and organisations (admins)"),
        (name = "audit", description = "The hash-chained audit trail of writes and private reads"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A token from POST /api/v1/auth/token"))
                    .build(),
            ),
        );
    }
}

/// Every operation that reaches the database can also fail with 503 (database unreachable) or an
/// opaque 500; documented once here rather than on each handler.
struct ServerErrors;

impl Modify for ServerErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if path == "/health" || path == "/metrics" {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.put,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses.entry("503".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description(
                            "The database is unreachable; retry after the Retry-After seconds",
                        )
                        .content("application/problem+json", problem())
                        .build()
                        .into()
                });
                responses.entry("500".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("Unexpected failure; the cause is logged, not returned")
                        .content("application/problem+json", problem())
                        .build()
                        .into()
                });
            }
        }
    }
}

/// `utoipa` copies the item schema into each `Page_<Item>` (juhaku/utoipa#1586), so a typed
/// client would get two classes per item type; the items are made a `$ref` to `<Item>`.
struct PageItemsByReference;

impl Modify for PageItemsByReference {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ArrayBuilder, Schema};
        use utoipa::openapi::{Ref, RefOr};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let known: Vec<String> = components.schemas.keys().cloned().collect();
        for (name, schema) in components.schemas.iter_mut() {
            let Some(item) = name.strip_prefix("Page_") else {
                continue;
            };
            if !known.iter().any(|k| k == item) {
                continue;
            }
            if let RefOr::T(Schema::Object(page)) = schema {
                page.properties.insert(
                    "items".into(),
                    ArrayBuilder::new()
                        .items(Ref::from_schema_name(item))
                        .into(),
                );
            }
        }
    }
}

/// The document as committed: pretty JSON with a final newline.
pub fn openapi_json() -> String {
    let mut json = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the document serialises");
    json.push('\n');
    json
}

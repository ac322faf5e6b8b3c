//! The web console: server-rendered pages (maud) over the same service layer as the JSON API,
//! enhanced by htmx, in zh-CN and English. See `src/web/README.md` for where things go.
//!
//! Every console response carries a strict Content-Security-Policy (no inline script or style),
//! `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`; every post is checked
//! for a foreign `Origin` (middleware) and for its CSRF token (in its handler, before any work);
//! every failure is the one HTML error page; signed-in requests are audited like the API's.

pub mod accounts;
pub mod assets;
pub mod audit;
pub mod audit_trail;
pub mod bank;
pub mod commitments;
pub mod corrections;
pub mod enterprise;
pub mod errors;
pub mod forms;
pub use crate::i18n;
pub mod layout;
pub mod lists;
pub mod models;
pub mod objections;
pub mod oversight;
pub mod public;
pub mod queues;
pub mod registry;
pub mod runs;
pub mod session;
pub mod signin;
pub mod statistics;
pub mod verify;
pub mod workspace;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::config::WebSettings;
use crate::error::AppError;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; \
    frame-ancestors 'none'; connect-src 'self'";

/// `Server-Timing: app;dur=…`: the milliseconds the console spent on the request, audit
/// included (browsers show it beside the network time; `scripts/bench_pages.sh` reads it).
async fn server_timing(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let mut res = next.call(req).await?;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) =
        actix_web::http::header::HeaderValue::from_str(&format!("app;dur={millis:.2}"))
    {
        res.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("server-timing"),
            value,
        );
    }
    Ok(res)
}

/// The console's pages (GET routes that render a page), for the page × role test: a page
/// added here without a row there fails it.
pub const PAGES: &[&str] = &[
    "/",
    "/enterprises",
    "/enterprises/{code}",
    "/lists/blacklist",
    "/lists/redlist",
    "/verify",
    "/keys",
    "/sign-in",
    "/workspace",
    "/workspace/records",
    "/workspace/history",
    "/workspace/submissions",
    "/workspace/objections",
    "/workspace/commitments",
    "/workspace/repairs",
    "/workspace/authorizations",
    "/workspace/query-log",
    "/workspace/portfolio",
    "/workspace/grants",
    "/workspace/runs",
    "/workspace/runs/progress",
    "/workspace/models",
    "/workspace/models/{version}",
    "/workspace/models/{version}/activate",
    "/workspace/audit",
    "/workspace/statistics",
    "/workspace/enterprises",
    "/workspace/enterprises/export.csv",
    "/workspace/enterprises/{code}/credit-events/new",
    "/workspace/enterprises/{code}/{kind}/{id}",
    "/workspace/queues/proposals",
    "/workspace/queues/proposals/{id}",
    "/workspace/queues/objections",
    "/workspace/queues/objections/{code}/{id}",
    "/workspace/queues/submissions",
    "/workspace/queues/submissions/{code}/{id}",
    "/workspace/queues/repairs",
    "/workspace/queues/repairs/{code}/{id}",
    "/workspace/queues/commitments",
    "/workspace/queues/commitments/{code}/{id}",
    // The admin's accounts and keys.
    "/workspace/accounts",
    "/workspace/accounts/{username}",
    "/workspace/keys",
];

/// Mounts the console at `/`; call after every other service (it answers the paths they leave).
pub fn configure(cfg: &mut web::ServiceConfig, settings: &WebSettings) {
    cfg.app_data(web::Data::new(settings.clone())).service(
        web::scope("")
            .wrap(from_fn(forms::refuse_foreign_origin))
            .wrap(from_fn(errors::render_errors))
            .wrap(from_fn(audit::record_request))
            .wrap(from_fn(server_timing))
            .wrap(
                DefaultHeaders::new()
                    .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add(("X-Frame-Options", "DENY")),
            )
            .route("/assets/{file}", web::get().to(assets::serve))
            .route("/assets/{file}", web::head().to(assets::serve))
            .route("/", web::get().to(public::home))
            .route("/enterprises", web::get().to(public::search))
            .route("/enterprises/{code}", web::get().to(public::profile))
            .route(
                "/enterprises/{code}/report",
                web::post().to(public::create_report),
            )
            .route("/lists/blacklist", web::get().to(lists::blacklist))
            .route("/lists/redlist", web::get().to(lists::redlist))
            .route("/verify", web::get().to(verify::form))
            .route("/verify", web::post().to(verify::check))
            .route("/keys", web::get().to(verify::keys))
            .route("/sign-in", web::get().to(signin::form))
            .route("/sign-in", web::post().to(signin::sign_in))
            .route("/sign-out", web::post().to(signin::sign_out))
            .route("/lang/{tag}", web::get().to(signin::switch_language))
            .route("/workspace", web::get().to(workspace::landing))
            .route("/workspace/records", web::get().to(enterprise::records))
            .route(
                "/workspace/history",
                web::get().to(enterprise::change_history),
            )
            .route(
                "/workspace/submissions",
                web::get().to(enterprise::submissions_page),
            )
            .route("/workspace/submissions", web::post().to(enterprise::submit))
            .route(
                "/workspace/objections",
                web::get().to(objections::objections_page),
            )
            .route("/workspace/objections", web::post().to(objections::file))
            .route(
                "/workspace/commitments",
                web::get().to(commitments::commitments_page),
            )
            .route("/workspace/commitments", web::post().to(commitments::make))
            .route(
                "/workspace/repairs",
                web::get().to(enterprise::repairs_page),
            )
            .route(
                "/workspace/repairs",
                web::post().to(enterprise::apply_repair),
            )
            .route(
                "/workspace/authorizations",
                web::get().to(enterprise::authorizations_page),
            )
            .route(
                "/workspace/authorizations",
                web::post().to(enterprise::grant),
            )
            .route(
                "/workspace/authorizations/{id}/revoke",
                web::post().to(enterprise::revoke),
            )
            .route("/workspace/query-log", web::get().to(enterprise::query_log))
            .route("/workspace/portfolio", web::get().to(bank::portfolio))
            .route("/workspace/portfolio", web::post().to(bank::add))
            .route("/workspace/portfolio/remove", web::post().to(bank::remove))
            .route("/workspace/grants", web::get().to(bank::grants))
            .route(
                "/workspace/grants/report",
                web::post().to(bank::pull_report),
            )
            .route(
                "/workspace/reports/{no}/download",
                web::get().to(bank::download_report),
            )
            .route("/workspace/runs", web::get().to(runs::page))
            .route("/workspace/runs", web::post().to(runs::start))
            .route(
                "/workspace/runs/progress",
                web::get().to(runs::progress_fragment),
            )
            .route("/workspace/models", web::get().to(models::list))
            .route("/workspace/models/{version}", web::get().to(models::detail))
            .route(
                "/workspace/models/{version}/comparisons",
                web::post().to(models::compare),
            )
            .route(
                "/workspace/models/{version}/activate",
                web::get().to(models::confirm),
            )
            .route(
                "/workspace/models/{version}/activate",
                web::post().to(models::activate),
            )
            .route("/workspace/audit", web::get().to(audit_trail::page))
            .route("/workspace/statistics", web::get().to(statistics::page))
            .route("/workspace/enterprises", web::get().to(registry::search))
            .route(
                "/workspace/enterprises/export.csv",
                web::get().to(registry::export),
            )
            // `new` before `{id}`: the first route that matches answers.
            .route(
                "/workspace/enterprises/{code}/credit-events/new",
                web::get().to(corrections::new_event),
            )
            .route(
                "/workspace/enterprises/{code}/credit-events",
                web::post().to(corrections::record_event),
            )
            .route(
                "/workspace/enterprises/{code}/{kind}/{id}",
                web::get().to(corrections::correction),
            )
            .route(
                "/workspace/enterprises/{code}/{kind}/{id}",
                web::post().to(corrections::correct),
            )
            .route(
                "/workspace/audit/verify",
                web::post().to(audit_trail::verify),
            )
            .route(
                "/workspace/queues/proposals",
                web::get().to(queues::proposals),
            )
            .route(
                "/workspace/queues/proposals/{id}",
                web::get().to(queues::proposal),
            )
            .route(
                "/workspace/queues/proposals/{id}",
                web::post().to(queues::decide_proposal),
            )
            .route(
                "/workspace/queues/objections",
                web::get().to(queues::objections_queue),
            )
            .route(
                "/workspace/queues/objections/{code}/{id}",
                web::get().to(queues::objection),
            )
            .route(
                "/workspace/queues/objections/{code}/{id}",
                web::post().to(queues::answer_objection),
            )
            .route(
                "/workspace/queues/submissions",
                web::get().to(queues::submissions_queue),
            )
            .route(
                "/workspace/queues/submissions/{code}/{id}",
                web::get().to(queues::submission),
            )
            .route(
                "/workspace/queues/submissions/{code}/{id}",
                web::post().to(queues::review_submission),
            )
            .route(
                "/workspace/queues/repairs",
                web::get().to(queues::repairs_queue),
            )
            .route(
                "/workspace/queues/repairs/{code}/{id}",
                web::get().to(queues::repair),
            )
            .route(
                "/workspace/queues/repairs/{code}/{id}",
                web::post().to(queues::decide_repair),
            )
            .route(
                "/workspace/queues/commitments",
                web::get().to(queues::commitments_queue),
            )
            .route(
                "/workspace/queues/commitments/{code}/{id}",
                web::get().to(queues::commitment),
            )
            .route(
                "/workspace/queues/commitments/{code}/{id}",
                web::post().to(queues::decide_commitment),
            )
            .route(
                "/workspace/reports",
                web::post().to(enterprise::create_report),
            )
            .route(
                "/workspace/reports/{no}",
                web::get().to(enterprise::report_page),
            )
            .configure(admin_routes)
            .default_service(web::to(not_found)),
    );
}

/// The admin's accounts and keys (`accounts.rs`).
fn admin_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/workspace/accounts", web::get().to(accounts::list))
        .route("/workspace/accounts", web::post().to(accounts::create))
        .route(
            "/workspace/accounts/{username}",
            web::get().to(accounts::detail),
        )
        .route(
            "/workspace/accounts/{username}/role",
            web::post().to(accounts::change_role),
        )
        .route(
            "/workspace/accounts/{username}/password",
            web::post().to(accounts::set_password),
        )
        .route(
            "/workspace/accounts/{username}/disable",
            web::post().to(accounts::disable),
        )
        .route(
            "/workspace/accounts/{username}/enable",
            web::post().to(accounts::enable),
        )
        .route("/workspace/keys", web::get().to(accounts::keys))
        .route("/workspace/keys/rotate", web::post().to(accounts::rotate));
}

/// Paths the console does not serve: the JSON API and its documentation, and the probes.
fn is_api_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path.starts_with("/docs")
        || ["/health", "/ready", "/metrics"].contains(&path)
}

/// An unknown path: problem details under `/api`, the HTML 404 page elsewhere.
async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let error = AppError::NotFound(format!("no route for {} {}", req.method(), req.path()));
    if is_api_path(req.path()) {
        return Ok(error.error_response());
    }
    Err(error)
}

/// Middleware for the whole application: the API's refusals made outside handlers become
/// problem details (`api::refusals::as_problem_details`); the console's are its error pages.
pub async fn problem_details_outside_console(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if is_api_path(req.path()) {
        crate::api::refusals::as_problem_details(req, next).await
    } else {
        next.call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body)
    }
}

//! Builds the running service from settings: pool, migrations, shared state, HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use secrecy::SecretString;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::{self, docs::ApiDoc, health, json::MAX_BODY_BYTES};
use crate::auth::throttle::{AddressThrottle, LoginThrottle};
use crate::auth::{TokenKeys, password};
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{Db, users};
use crate::domain::Role;
use crate::engine::{self, ModelCache};
use crate::error::AppError;
use crate::service::accounts;
use crate::state::AppState;
use crate::telemetry::{self, Metrics};

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
}

/// Connects to the configured database (never another) and brings its schema up to date.
pub fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(&settings.database, settings.pool_size).map_err(anyhow::Error::msg)?;
    let applied = db.migrate().map_err(|e| anyhow::anyhow!("{e}"))?;
    if !applied.is_empty() {
        tracing::info!(versions = ?applied, "database migrated");
    }
    Ok(db)
}

/// Runs left `running` by a service that stopped (or was killed) can no longer finish.
fn close_interrupted_runs(db: &Db, clock: &dyn Clock) -> anyhow::Result<()> {
    let closed = db
        .write(|conn| crate::db::runs::mark_interrupted(conn, clock.now_naive()))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if closed > 0 {
        tracing::warn!(runs = closed, "rescoring runs interrupted by the last stop");
    }
    Ok(())
}

/// Registers the model artifacts under the models directory; with none active yet, activates
/// the default one.
pub fn register_models(db: &Db, settings: &Settings, clock: &dyn Clock) -> anyhow::Result<()> {
    let outcome = engine::register_directory(db, &settings.models_dir, clock.now_naive())?;
    if let Some(version) = outcome.activated {
        tracing::info!(%version, "model activated");
    }
    Ok(())
}

impl Application {
    /// Binds the listener (port 0 picks a free port) and prepares the server without running it.
    pub fn build(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = open_database(settings)?;
        close_interrupted_runs(&db, clock.as_ref())?;
        register_models(&db, settings, clock.as_ref())?;
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let login_throttle = LoginThrottle::new(settings.login_limits, clock.clone());
        let public_report_throttle =
            AddressThrottle::new(settings.public_report_limits, clock.clone());
        // The report signing key: generated on first start, kept outside the database.
        let report_keys =
            crate::report::KeyRing::open_or_create(&settings.report_keys_dir, clock.now())?;
        tracing::info!(
            key_id = report_keys.active_key_id(),
            "report signing key loaded"
        );
        let state = web::Data::new(AppState {
            db: db.clone(),
            tokens: TokenKeys::new(&settings.jwt_secret, settings.token_ttl_seconds),
            clock,
            metrics: Metrics::new(),
            models: ModelCache::default(),
            population: Default::default(),
            login_throttle,
            public_report_throttle,
            report_keys: crate::report::SharedKeyRing::new(report_keys),
            cell_merger: crate::service::statistics::CellMerger::start(db.clone()),
            grade_feed: crate::db::grade_index::GradeFeed::start(db.clone()),
            audit_appender: crate::service::audit::AuditAppender::start(db.clone()),
        });
        let openapi = ApiDoc::openapi();
        let web_settings = settings.web.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
                .app_data(api::path_config())
                .wrap(from_fn(crate::web::problem_details_outside_console))
                .wrap(from_fn(telemetry::observe_request))
                .wrap(TracingLogger::default())
                .configure(health::routes)
                // Before the /api/v1 scope, which would otherwise claim /api/v1/openapi.json.
                .service(
                    SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi.clone()),
                )
                .configure(api::configure)
                .route("/docs", web::get().to(redirect_to_docs))
                // Last: the console answers every path the others leave, `/` included.
                .configure(|cfg| crate::web::configure(cfg, &web_settings))
                .default_service(web::to(no_route))
        })
        .listen(listener)?;
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            db,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/docs/"))
        .finish()
}

async fn no_route(req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound(format!(
        "no route for {} {}",
        req.method(),
        req.path()
    )))
}

/// Account data for `user add`, the demo accounts and the first admin.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub role: Role,
    pub enterprise: Option<&'a str>,
    pub organisation: Option<&'a str>,
    pub password: &'a SecretString,
}

impl NewAccount<'_> {
    /// The account checked against the rules of `crate::domain::accounts`, every problem named
    /// by its command-line flag.
    pub fn validate(&self) -> anyhow::Result<crate::domain::accounts::ValidAccount> {
        crate::domain::accounts::NewAccountInput {
            username: self.username.to_string(),
            password: self.password.clone(),
            role: self.role.as_str().to_string(),
            organisation: self.organisation.map(String::from),
            enterprise: self.enterprise.map(String::from),
        }
        .validate()
        .map_err(|v| anyhow::anyhow!("invalid input: {}", accounts::as_flags(&v)))
    }
}

/// Creates an account by the rules the API applies (`service::accounts::create_account`),
/// running `in_transaction` (its audit entry) in the same transaction; returns its id.
pub fn add_user_with(
    db: &Db,
    account: &NewAccount<'_>,
    clock: &dyn Clock,
    in_transaction: accounts::InTransaction<'_>,
) -> anyhow::Result<i64> {
    let valid = account.validate()?;
    accounts::create_account(db, &valid, clock.now_naive(), in_transaction)
        .map(|a| a.id)
        .map_err(|e| match e {
            AppError::Validation(v) => anyhow::anyhow!("invalid input: {}", accounts::as_flags(&v)),
            other => anyhow::anyhow!("{other}"),
        })
}

/// [`add_user_with`], with no audit entry of its own (tests, the demo and the first admin).
pub fn add_user(db: &Db, account: &NewAccount<'_>, clock: &dyn Clock) -> anyhow::Result<i64> {
    add_user_with(db, account, clock, &|_| Ok(()))
}

pub enum FirstAdmin {
    /// Created with this generated password, to be shown once.
    Generated(String),
    /// Created with the configured password.
    Configured,
}

/// With no accounts yet, creates `admin` with the given password or a generated one.
pub fn ensure_first_admin(
    db: &Db,
    configured: Option<SecretString>,
    clock: &dyn Clock,
) -> anyhow::Result<Option<FirstAdmin>> {
    let existing = db.read(users::count).map_err(|e| anyhow::anyhow!("{e}"))?;
    if existing > 0 {
        return Ok(None);
    }
    let (secret, generated) = match configured {
        Some(s) => (s, None),
        None => {
            let p = password::generate();
            (SecretString::from(p.clone()), Some(p))
        }
    };
    add_user(
        db,
        &NewAccount {
            username: "admin",
            role: Role::Admin,
            enterprise: None,
            organisation: None,
            password: &secret,
        },
        clock,
    )?;
    Ok(Some(match generated {
        Some(password) => FirstAdmin::Generated(password),
        None => FirstAdmin::Configured,
    }))
}

//! The command line: `serve`, `migrate`, `user add`, `demo seed`, `openapi`, `model`, `score`,
//! `report`.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

use crate::clock::{Clock, SystemClock};
use crate::config::{self, Settings};
use crate::db::DatabaseTarget;
use crate::domain::Role;
use crate::seed::{self, DemoStart};
use crate::startup::{self, Application, NewAccount};
use crate::telemetry::{self, LogFormat};

#[derive(Parser)]
#[command(
    name = "ecredit",
    version,
    about = "E-commerce enterprise credit registry and scoring service"
)]
pub struct Cli {
    /// Database to use: sqlite://PATH (the embedded default, under --data-dir) or
    /// postgres://USER@HOST/DB (needs a build with `--features postgres`).
    #[arg(long, global = true, env = "ECREDIT_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Where the embedded database and generated secrets are kept.
    #[arg(long, global = true, env = "ECREDIT_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Where trained model artifacts are kept (and the committed default model is found).
    #[arg(
        long,
        global = true,
        env = "ECREDIT_MODELS_DIR",
        default_value = "models"
    )]
    pub models_dir: PathBuf,

    /// Where the report signing keys are kept (default: DATA_DIR/report-keys).
    #[arg(long, global = true, env = "ECREDIT_REPORT_KEYS_DIR")]
    pub report_keys_dir: Option<PathBuf>,

    /// Log line format.
    #[arg(
        long,
        global = true,
        env = "ECREDIT_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP service (migrating the database first). With no accounts yet, creates `admin`
    /// and prints its password once (or takes it from ECREDIT_ADMIN_PASSWORD).
    Serve(ServeArgs),
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Synthetic data for demonstrations and model training.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Print the OpenAPI document (the committed openapi/openapi.json is this output).
    Openapi,
    /// Train, evaluate, list and activate scoring models.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Score enterprises with the active model and store their grades.
    Score(ScoreArgs),
    /// Verify saved credit reports offline; rotate the report signing key.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of the audit log. Prints `audit log intact: N entries, head
    /// HASH` and exits 0, or `BROKEN at entry N: why` and exits 1.
    Verify,
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Check a saved report (its JSON document, in any serialisation of the same content) offline. Prints
    /// `valid: report NO, key ID` and exits 0, or `INVALID: why` and exits 1.
    Verify(ReportVerifyArgs),
    /// Make a new key the one that signs reports. The old keys stay, so the reports they signed
    /// still verify. Prints the new key id.
    RotateKey,
}

#[derive(Args)]
pub struct ReportVerifyArgs {
    /// The saved report.
    pub file: PathBuf,
    /// The registry's public keys: a saved answer of GET /api/v1/reports/public-key. Without
    /// it, the key ring of --data-dir (or --report-keys-dir) is used.
    #[arg(long, value_name = "KEYS.json")]
    pub keys: Option<PathBuf>,
}

/// An error that has already been told to the user: the binary exits with this code and prints
/// nothing more.
#[derive(Debug)]
pub struct SilentExit(pub u8);

impl std::fmt::Display for SilentExit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit code {}", self.0)
    }
}

impl std::error::Error for SilentExit {}

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Train the scorecard and the random forest and write a versioned artifact; prints the
    /// holdout metrics (AUC, KS, Gini, Brier, calibration by decile) of both and their combination.
    Train(TrainArgs),
    /// Print the metrics of a saved model on new labelled data.
    Evaluate(EvaluateArgs),
    /// List the registered model versions (and artifacts in the models directory).
    List,
    /// Make a version the one that scores (registering the models directory first). Replacing
    /// the active version needs a comparison of the two (`model compare`) and a reason.
    Activate {
        /// The model version.
        version: String,
        /// Why this version should score from now on.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Compare a version (the challenger) with the active model (the champion) on the
    /// challenger's holdout and on the registry as of a date, store the comparison and print it
    /// (metrics, grade migration matrix, PSI).
    Compare {
        /// The challenger's model version.
        version: String,
        /// The date the population is graded as of; today when not given.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("data").required(true).args(["from_db", "csv"])))]
pub struct TrainArgs {
    /// Train on the registry: features as of --as-of, label = a serious negative event within the
    /// following 12 months.
    #[arg(long)]
    pub from_db: bool,
    /// Observation date for --from-db (default: the latest date that leaves a full 12-month
    /// outcome window in the data).
    #[arg(long, requires = "from_db")]
    pub as_of: Option<chrono::NaiveDate>,
    /// Train on any labelled CSV table instead (numeric and text columns alike).
    #[arg(long, requires_all = ["label", "bad"])]
    pub csv: Option<PathBuf>,
    /// The label column of --csv.
    #[arg(long)]
    pub label: Option<String>,
    /// The label value that marks a bad row.
    #[arg(long)]
    pub bad: Option<String>,
    /// Where to write the artifact (default: MODELS_DIR/VERSION.json).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Seed of the data split and the forest.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Fix the scorecard's weight in the combined PD (default: chosen on the validation split).
    #[arg(long, value_parser = unit_interval)]
    pub lr_weight: Option<f64>,
    /// The least weight the validation search may give the scorecard, whose points explain the
    /// score.
    #[arg(long, value_parser = unit_interval, default_value_t = crate::scoring::model::DEFAULT_MIN_LR_WEIGHT)]
    pub min_lr_weight: f64,
}

fn unit_interval(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(w) if (0.0..=1.0).contains(&w) => Ok(w),
        _ => Err(format!("`{text}` is not a number in [0, 1]")),
    }
}

#[derive(Args)]
pub struct EvaluateArgs {
    /// The artifact to evaluate.
    #[arg(long)]
    pub model: PathBuf,
    #[arg(long)]
    pub csv: PathBuf,
    #[arg(long)]
    pub label: String,
    #[arg(long)]
    pub bad: String,
}

#[derive(Args)]
pub struct ScoreArgs {
    /// Rescore every enterprise in the registry.
    #[arg(long, required = true)]
    pub all: bool,
    /// Compute features as of this date (default: today).
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ECREDIT_BIND", default_value = config::DEFAULT_BIND)]
    pub bind: String,
    /// Lifetime of issued tokens, in seconds.
    #[arg(long, env = "ECREDIT_TOKEN_TTL", default_value_t = config::DEFAULT_TOKEN_TTL_SECONDS)]
    pub token_ttl: i64,
    /// Database connections kept in the pool.
    #[arg(long, env = "ECREDIT_POOL_SIZE", default_value_t = 16)]
    pub pool_size: u32,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "ECREDIT_WORKERS")]
    pub workers: Option<usize>,
    /// With an empty registry: seed a small synthetic population and create demo accounts for
    /// every role, whose passwords are printed once.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Subcommand)]
pub enum DemoCommand {
    /// Fill the registry with a synthetic population: enterprises with basic data, 36 months of
    /// operating records, credit events, sentiment items and associations (the generative
    /// process is documented in src/demo/mod.rs). The same seed gives the same population.
    Seed(DemoSeedArgs),
}

#[derive(Args)]
pub struct DemoSeedArgs {
    /// How many enterprises to generate.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub enterprises: u64,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The date the population is seen from (YYYY-MM-DD): records end the day before. Default:
    /// today.
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Add to a registry that already has enterprises (refused otherwise).
    #[arg(long)]
    pub append: bool,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (one line), never from the
    /// command line, where other users of the machine could see it.
    Add(UserAddArgs),
    /// Disable an account: it can no longer sign in, and tokens already issued stop working.
    Disable(UsernameArgs),
    /// Enable a disabled account again.
    Enable(UsernameArgs),
    /// Set a new password, read from standard input (one line); the account's tokens and
    /// console sessions end. The way back in for an admin who lost the password.
    Password(UserPasswordArgs),
}

#[derive(Args)]
pub struct UserPasswordArgs {
    #[arg(long)]
    pub username: String,
    /// Read the password from standard input.
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

#[derive(Args)]
pub struct UsernameArgs {
    #[arg(long)]
    pub username: String,
}

#[derive(Args)]
pub struct UserAddArgs {
    #[arg(long)]
    pub username: String,
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// For enterprise users: the unified social credit code of their (registered) enterprise.
    #[arg(long)]
    pub enterprise: Option<String>,
    /// For bank and regulator users: their organisation (created on first use).
    #[arg(long)]
    pub organisation: Option<String>,
    /// Read the password from standard input.
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse()
}

impl Cli {
    fn database(&self) -> anyhow::Result<DatabaseTarget> {
        let url = self
            .database_url
            .clone()
            .unwrap_or_else(|| config::default_database_url(&self.data_dir));
        DatabaseTarget::parse(&url).map_err(anyhow::Error::msg)
    }

    pub(crate) fn settings(&self, serve: Option<&ServeArgs>) -> anyhow::Result<Settings> {
        let jwt_secret =
            config::resolve_jwt_secret(std::env::var("ECREDIT_JWT_SECRET").ok(), &self.data_dir)?;
        Ok(Settings {
            database: self.database()?,
            bind: serve
                .map(|s| s.bind.clone())
                .unwrap_or_else(|| config::DEFAULT_BIND.into()),
            data_dir: self.data_dir.clone(),
            report_keys_dir: config::report_keys_dir(
                self.report_keys_dir.as_deref(),
                &self.data_dir,
            ),
            models_dir: self.models_dir.clone(),
            jwt_secret,
            token_ttl_seconds: serve
                .map(|s| s.token_ttl)
                .unwrap_or(config::DEFAULT_TOKEN_TTL_SECONDS),
            pool_size: serve.map(|s| s.pool_size).unwrap_or(4),
            workers: serve.and_then(|s| s.workers),
            login_limits: Default::default(),
            public_report_limits: crate::auth::throttle::AddressLimits::PUBLIC_REPORTS,
            web: config::WebSettings::from_env()?,
        })
    }
}

fn verify_audit(cli: &Cli) -> anyhow::Result<()> {
    let settings = cli.settings(None)?;
    let db = startup::open_database(&settings)?;
    let outcome = db
        .read(crate::db::audit::verify)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match outcome {
        Ok(chain) => {
            println!(
                "audit log intact: {} entries, head {}",
                chain.entries, chain.head_hash
            );
            Ok(())
        }
        Err(broken) => {
            println!("BROKEN at entry {}: {broken}", broken.entry());
            Err(SilentExit(1).into())
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    telemetry::init_tracing(cli.log_format);
    match &cli.command {
        Command::Openapi => {
            print!("{}", crate::api::docs::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            let settings = cli.settings(None)?;
            let db = startup::open_database(&settings)?;
            drop(db);
            println!("database {} is up to date", settings.database.redacted());
            Ok(())
        }
        Command::User(UserCommand::Add(args)) => {
            let settings = cli.settings(None)?;
            let db = startup::open_database(&settings)?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password = SecretString::from(line.trim_end_matches(['\r', '\n']).to_string());
            // The audit entry is written with the account, in its transaction.
            let at = SystemClock.now_naive();
            let target = format!("{} {}", args.role, args.username.trim());
            let id = startup::add_user_with(
                &db,
                &NewAccount {
                    username: &args.username,
                    role: args.role,
                    enterprise: args.enterprise.as_deref(),
                    organisation: args.organisation.as_deref(),
                    password: &password,
                },
                &SystemClock,
                &|conn| console_entry(conn, at, "user add", &target),
            )?;
            println!(
                "created {} user {} (id {id})",
                args.role,
                args.username.trim()
            );
            Ok(())
        }
        Command::User(UserCommand::Disable(args)) => set_disabled(&cli, &args.username, true),
        Command::User(UserCommand::Enable(args)) => set_disabled(&cli, &args.username, false),
        Command::User(UserCommand::Password(args)) => set_password(&cli, &args.username),
        Command::Model(command) => crate::cli_model::run(&cli, command),
        Command::Score(args) => crate::cli_model::score_all(&cli, args),
        Command::Report(command) => crate::cli_report::run(&cli, command),
        Command::Audit(AuditCommand::Verify) => verify_audit(&cli),
        Command::Demo(DemoCommand::Seed(args)) => demo_seed(&cli, args),
        Command::Serve(args) => serve(&cli, args),
    }
}

fn demo_seed(cli: &Cli, args: &DemoSeedArgs) -> anyhow::Result<()> {
    let settings = cli.settings(None)?;
    let db = startup::open_database(&settings)?;
    let clock = SystemClock;
    let options = seed::SeedOptions {
        enterprises: args.enterprises,
        seed: args.seed,
        as_of: args.as_of.unwrap_or_else(|| clock.today()),
        append: args.append,
    };
    // Drawn on standard error, and only on a terminal.
    let bar = indicatif::ProgressBar::new(args.enterprises).with_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} enterprises ({per_sec}, {eta} left)",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let report = seed::seed(&db, &options, &clock, &|done| bar.set_position(done));
    bar.finish_and_clear();
    let report = report?;
    let c = report.counts;
    println!(
        "seeded {} enterprises into {} (seed {}, as of {}) in {:.1} s",
        c.enterprises,
        settings.database.redacted(),
        options.seed,
        options.as_of,
        report.elapsed.as_secs_f64()
    );
    println!(
        "  {} operating records, {} credit events, {} sentiment items, {} associations",
        c.operating_records, c.credit_events, c.sentiment_records, c.associations
    );
    Ok(())
}

/// Appends the audit entry of a console command inside the transaction of its change.
fn console_entry(
    conn: &mut crate::db::DbConnection,
    at: chrono::NaiveDateTime,
    command: &str,
    target: &str,
) -> crate::error::AppResult<()> {
    let operator = crate::db::audit::console_operator();
    crate::db::audit::append(
        conn,
        crate::domain::audit::AuditEvent::console(at, &operator, command, target),
    )?;
    Ok(())
}

fn set_disabled(cli: &Cli, username: &str, disabled: bool) -> anyhow::Result<()> {
    let settings = cli.settings(None)?;
    let db = startup::open_database(&settings)?;
    let command = if disabled {
        "user disable"
    } else {
        "user enable"
    };
    let at = SystemClock.now_naive();
    // The same rules as the API's (the last enabled admin stays), audited in the transaction.
    crate::service::accounts::set_account_disabled(&db, username, disabled, &|conn| {
        console_entry(conn, at, command, username)
    })
    .map_err(|e| match e {
        crate::error::AppError::NotFound(_) => anyhow::anyhow!("no user {username}"),
        other => anyhow::anyhow!("{other}"),
    })?;
    println!(
        "{} user {username}",
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}

fn set_password(cli: &Cli, username: &str) -> anyhow::Result<()> {
    let settings = cli.settings(None)?;
    let db = startup::open_database(&settings)?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let input = crate::domain::accounts::PasswordInput {
        password: SecretString::from(line.trim_end_matches(['\r', '\n']).to_string()),
    };
    let secret = input.validate().map_err(|v| {
        anyhow::anyhow!("invalid input: {}", crate::service::accounts::as_flags(&v))
    })?;
    let at = SystemClock.now_naive();
    crate::service::accounts::set_account_password(&db, username, &secret, &|conn| {
        console_entry(conn, at, "user password", username)
    })
    .map_err(|e| match e {
        crate::error::AppError::NotFound(_) => anyhow::anyhow!("no user {username}"),
        other => anyhow::anyhow!("{other}"),
    })?;
    println!("new password set for user {username}; its sessions and tokens have ended");
    Ok(())
}

/// Prints a line for the operator of `serve`. A closed standard output (`ecredit serve | head
/// -1`, a supervisor that drops the pipe) must not stop the service, so write errors are ignored
/// where `println!` would panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<()> {
    let settings = cli.settings(Some(args))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&settings, clock.clone())?;
        let admin_password = std::env::var("ECREDIT_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty()).map(SecretString::from);
        match startup::ensure_first_admin(app.db(), admin_password, clock.as_ref())? {
            Some(startup::FirstAdmin::Generated(password)) => {
                say!("created the first account: username `admin`, password {password}");
                say!("(shown once: keep it, or set ECREDIT_ADMIN_PASSWORD before the first start)");
            }
            Some(startup::FirstAdmin::Configured) => {
                say!("created the first account: username `admin`, password from ECREDIT_ADMIN_PASSWORD");
            }
            None => {}
        }
        if args.demo {
            print_demo_start(seed::demo_start(app.db(), clock.as_ref())?);
        }
        let host = settings.bind.rsplit_once(':').map(|(h, _)| h).unwrap_or("127.0.0.1");
        say!(
            "ecredit listening on http://{host}:{port} ({db})\n  API docs: http://{host}:{port}/docs/\n  sign in:  curl -X POST http://{host}:{port}/api/v1/auth/token -H 'Content-Type: application/json' -d '{{\"username\":\"admin\",\"password\":\"…\"}}'",
            port = app.port(),
            db = settings.database.redacted(),
        );
        tracing::info!(port = app.port(), database = %settings.database.redacted(), "listening");
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn print_demo_start(start: DemoStart) {
    let seeded = match start {
        DemoStart::AlreadyFilled(n) => {
            say!("demo: the registry already has {n} enterprises, so nothing was seeded");
            return;
        }
        DemoStart::Seeded {
            report,
            accounts,
            scored_with,
        } => (report, accounts, scored_with),
    };
    let (report, accounts, scored_with) = seeded;
    say!(
        "demo: seeded {} synthetic enterprises with their records (seed {})",
        report.counts.enterprises,
        seed::DEMO_SEED
    );
    match scored_with {
        Some(version) => say!("demo: graded them with model {version}"),
        None => say!("demo: no model is active, so they are not graded yet"),
    }
    if accounts.is_empty() {
        return;
    }
    say!("demo accounts (passwords shown once):");
    let rows: Vec<[String; 4]> = accounts
        .iter()
        .map(|a| {
            let whose = match (&a.enterprise, &a.organisation) {
                (Some((code, name)), _) => format!("{code} {name}"),
                (None, Some(org)) => org.clone(),
                (None, None) => String::new(),
            };
            [
                a.username.clone(),
                a.role.to_string(),
                a.password.clone(),
                whose,
            ]
        })
        .collect();
    let header = ["username", "role", "password", "enterprise / organisation"];
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; 4]| {
        say!(
            "  {:<w0$}  {:<w1$}  {:<w2$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    };
    line(header);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3]]);
    }
}

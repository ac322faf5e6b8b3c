//! Spawns the real application on port 0 against a fresh database per test: a temporary SQLite
//! file always, and a fresh PostgreSQL database (dropped afterwards) when the crate is built with
//! `--features postgres` and `ECREDIT_TEST_POSTGRES_URL` names a server.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use ecredit::clock::ManualClock;
use ecredit::config::Settings;
use ecredit::db::{DatabaseTarget, Db};
use ecredit::domain::Role;
use ecredit::startup::{self, Application, NewAccount};
use reqwest::{Method, RequestBuilder, Response};
use secrecy::SecretString;
use serde_json::{Value, json};

pub const PASSWORD: &str = "test-password-123";

/// Published unified social credit codes (valid check characters).
pub const CODE_A: &str = "91330100799655058B";
pub const CODE_B: &str = "9144030071526726XG";
pub const CODE_C: &str = "914403001922038216";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub enum Backend {
    Sqlite,
    Postgres,
}

enum Cleanup {
    TempDir(#[allow(dead_code)] tempfile::TempDir),
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    PostgresDatabase {
        admin_url: String,
        name: String,
    },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        #[cfg(feature = "postgres")]
        if let Cleanup::PostgresDatabase { admin_url, name } = self {
            use diesel::{Connection, PgConnection, RunQueryDsl};
            if let Ok(mut conn) = PgConnection::establish(admin_url) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn);
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub db: Db,
    pub backend: Backend,
    database: DatabaseTarget,
    _cleanup: Cleanup,
    _report_keys: tempfile::TempDir,
}

/// Runs a test body on SQLite, and on PostgreSQL when configured.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await;
                    super::$name(app).await;
                }

                #[cfg(feature = "postgres")]
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if std::env::var("ECREDIT_TEST_POSTGRES_URL").is_err() {
                        eprintln!("ECREDIT_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
                        return;
                    }
                    let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await;
                    super::$name(app).await;
                }
            }
        )*
    };
}

fn settings_for(database: DatabaseTarget, report_keys: &tempfile::TempDir) -> Settings {
    Settings {
        database,
        bind: "127.0.0.1:0".into(),
        // Removed with the test's `TestApp`.
        report_keys_dir: report_keys.path().join("report-keys"),
        data_dir: std::env::temp_dir(),
        models_dir: std::path::PathBuf::from("models"),
        jwt_secret: SecretString::from("test-secret-0123456789-0123456789-abcdef".to_string()),
        token_ttl_seconds: 3600,
        pool_size: 4,
        workers: Some(2),
        login_limits: Default::default(),
        public_report_limits: ecredit::auth::throttle::AddressLimits::PUBLIC_REPORTS,
        web: Default::default(),
    }
}

/// A second server on the database of a [`TestApp`], as another machine behind the same load
/// balancer would run (its own data directory, the same JWT secret).
pub struct Instance {
    pub address: String,
    pub db: Db,
    _report_keys: tempfile::TempDir,
}

impl TestApp {
    /// An evaluation of `code` with `grade` as of `as_of` under the test model, ready to store
    /// as a rescoring would.
    pub fn score_row(
        &self,
        code: &str,
        grade: &str,
        as_of: chrono::NaiveDate,
    ) -> ecredit::db::scores::NewScore {
        use ecredit::clock::Clock;
        ecredit::db::scores::NewScore {
            enterprise_code: code.to_string(),
            model_version: "test-model-1".into(),
            as_of,
            scored_at: self.clock.now_naive(),
            scored_by: "test".into(),
            pd_lr: 0.02,
            pd_rf: 0.02,
            pd: 0.02,
            score: 600.0,
            model_grade: grade.into(),
            evaluated_grade: grade.into(),
            grade: grade.into(),
            upgrade_pending: false,
            adjustments: "[]".into(),
            sub_scores: "{}".into(),
            reasons: "{}".into(),
            feature_bins: String::new(),
        }
    }

    /// Starts another instance of the service on this test's database.
    pub async fn another_instance(&self) -> Instance {
        let report_keys = tempfile::tempdir().expect("temp dir for report keys");
        let settings = settings_for(self.database.clone(), &report_keys);
        let app = Application::build(&settings, Arc::new(self.clock.clone()))
            .expect("second instance builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.db().clone();
        tokio::spawn(app.run_until_stopped());
        Instance {
            address,
            db,
            _report_keys: report_keys,
        }
    }
}

fn database_for(backend: Backend) -> (DatabaseTarget, Cleanup) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let target = DatabaseTarget::Sqlite(dir.path().join("test.db"));
            (target, Cleanup::TempDir(dir))
        }
        Backend::Postgres => postgres_database(),
    }
}

#[cfg(feature = "postgres")]
fn postgres_database() -> (DatabaseTarget, Cleanup) {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let admin_url = std::env::var("ECREDIT_TEST_POSTGRES_URL").expect("ECREDIT_TEST_POSTGRES_URL");
    let name = format!("ecredit_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn =
        PgConnection::establish(&admin_url).expect("connect to the test PostgreSQL server");
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .expect("create test database");
    let mut url = url::Url::parse(&admin_url).expect("valid URL");
    url.set_path(&format!("/{name}"));
    // Plain TCP to the loopback server unless the URL asks otherwise. Pools of finished tests
    // stay alive in background threads (rescoring runs, the population refresh, r2d2's reaper)
    // until the process exits, and closing a TLS connection there while OpenSSL's exit handler
    // frees its state aborted the test binary after every test had passed ("double free").
    if !url.query_pairs().any(|(key, _)| key == "sslmode") {
        url.query_pairs_mut().append_pair("sslmode", "disable");
    }
    (
        DatabaseTarget::Postgres(url.to_string()),
        Cleanup::PostgresDatabase { admin_url, name },
    )
}

#[cfg(not(feature = "postgres"))]
fn postgres_database() -> (DatabaseTarget, Cleanup) {
    panic!("PostgreSQL tests need --features postgres")
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let (database, cleanup) = database_for(backend);
        let report_keys = tempfile::tempdir().expect("temp dir for report keys");
        let settings = settings_for(database.clone(), &report_keys);
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap());
        let app =
            Application::build(&settings, Arc::new(clock.clone())).expect("application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.db().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            clock,
            db,
            backend,
            database,
            _cleanup: cleanup,
            _report_keys: report_keys,
        }
    }

    /// The PostgreSQL database of this test, if it runs on PostgreSQL.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub fn database_name(&self) -> Option<String> {
        match &self._cleanup {
            Cleanup::PostgresDatabase { name, .. } => Some(name.clone()),
            Cleanup::TempDir(_) => None,
        }
    }

    /// Creates an account directly and returns a bearer token for it, obtained through the API.
    pub async fn token_for(&self, username: &str, role: Role, enterprise: Option<&str>) -> String {
        let organisation = match role {
            Role::Bank => Some("Test Bank"),
            Role::Regulator => Some("Test Market Supervision Bureau"),
            _ => None,
        };
        self.token_in(username, role, enterprise, organisation)
            .await
    }

    /// Like `token_for`, for an account of the named organisation.
    pub async fn token_in(
        &self,
        username: &str,
        role: Role,
        enterprise: Option<&str>,
        organisation: Option<&'static str>,
    ) -> String {
        let db = self.db.clone();
        let clock = self.clock.clone();
        let (username_owned, enterprise_owned) =
            (username.to_string(), enterprise.map(String::from));
        tokio::task::spawn_blocking(move || {
            startup::add_user(
                &db,
                &NewAccount {
                    username: &username_owned,
                    role,
                    enterprise: enterprise_owned.as_deref(),
                    organisation,
                    password: &SecretString::from(PASSWORD.to_string()),
                },
                &clock,
            )
        })
        .await
        .unwrap()
        .expect("user created");
        self.login(username, PASSWORD).await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = self
            .post(
                "/api/v1/auth/token",
                None,
                &json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(response.status(), 200, "login of {username}");
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self
            .client
            .request(method, format!("{}{}", self.address, path));
        match token {
            Some(t) => builder.bearer_auth(t),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn patch(
        &self,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: &Value,
    ) -> Response {
        let mut builder = self.request(Method::PATCH, path, token).json(body);
        if let Some(tag) = if_match {
            builder = builder.header("If-Match", tag);
        }
        builder.send().await.unwrap()
    }

    /// The usual cast: a regulator, an admin, a bank, the owner of CODE_A and the owner of
    /// CODE_B, with CODE_A and CODE_B registered.
    pub async fn cast(&self) -> Cast {
        let regulator = self.token_for("regulator", Role::Regulator, None).await;
        for body in [
            enterprise_body(CODE_A, "杭州西湖茶电子商务有限公司", "330106"),
            enterprise_body(CODE_B, "深圳南山数码贸易有限公司", "440305"),
        ] {
            let response = self
                .post("/api/v1/enterprises", Some(&regulator), &body)
                .await;
            assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        }
        Cast {
            admin: self.token_for("admin", Role::Admin, None).await,
            bank: self.token_for("bank", Role::Bank, None).await,
            owner_a: self
                .token_for("owner-a", Role::Enterprise, Some(CODE_A))
                .await,
            owner_b: self
                .token_for("owner-b", Role::Enterprise, Some(CODE_B))
                .await,
            regulator,
        }
    }
}

pub struct Cast {
    pub regulator: String,
    pub admin: String,
    pub bank: String,
    pub owner_a: String,
    pub owner_b: String,
}

pub fn enterprise_body(code: &str, name: &str, region: &str) -> Value {
    json!({
        "code": code,
        "name": name,
        "legal_representative": "张三",
        "legal_rep_id_number": "11010519491231002X",
        "legal_rep_phone": "13812345678",
        "registered_capital": 5000000.0,
        "established_on": "2015-06-01",
        "region_code": region,
        "industry": "retail",
        "business_models": ["b2c", "live_streaming"],
        "platforms": [{"platform": "Tmall", "shop_name": "旗舰店", "shop_url": "https://shop.example.cn"}]
    })
}

/// Asserts an RFC 9457 body with the given status, and returns it.
pub async fn assert_problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:ecredit:problem:")
    );
    assert!(!body["title"].as_str().unwrap().is_empty());
    body
}

/// The field names a 422 problem lists.
pub fn problem_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A small registry model trained in-process on synthetic feature rows (risk rises with refund
/// rate and negative events), registered and, when `activate`, made active. Trained once per
/// test binary and seed.
pub fn test_model(seed: u64) -> ecredit::scoring::model::ModelArtifact {
    use ecredit::scoring::features::{FEATURES, FeatureKind, FeatureValue, feature_index};
    use ecredit::scoring::model::{ColumnSpec, TrainParams, TrainingTable, train};
    use rand::{Rng, SeedableRng};
    static CACHE: std::sync::Mutex<Vec<(u64, String)>> = std::sync::Mutex::new(Vec::new());
    if let Some((_, json)) = CACHE.lock().unwrap().iter().find(|(s, _)| *s == seed) {
        return ecredit::scoring::model::ModelArtifact::from_json(json).unwrap();
    }
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let refund = feature_index("refund_rate").unwrap();
    let negatives = feature_index("negative_events_24m").unwrap();
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for _ in 0..3000 {
        let row: Vec<FeatureValue> = FEATURES
            .iter()
            .map(|f| match f.kind {
                FeatureKind::Numeric => FeatureValue::Number(rng.r#gen::<f64>()),
                FeatureKind::Categorical => FeatureValue::Level(Some(
                    ["b2c", "b2b", "cross_border"][rng.gen_range(0..3)].into(),
                )),
            })
            .collect();
        let mut row = row;
        let n_neg = rng.gen_range(0..4) as f64;
        row[negatives] = FeatureValue::Number(n_neg);
        let z = 4.0 * row[refund].as_number() + 0.8 * n_neg - 4.0;
        bad.push(rng.r#gen::<f64>() < 1.0 / (1.0 + (-z).exp()));
        rows.push(row);
    }
    let table = TrainingTable {
        columns: ColumnSpec::registry(),
        rows,
        bad,
        source: "test".into(),
    };
    let params = TrainParams {
        seed,
        forest: ecredit::scoring::model::default_forest().n_trees(20),
        version: Some(format!("test-model-{seed}")),
        ..TrainParams::default()
    };
    let artifact = train(&table, &params).expect("test model trains");
    CACHE.lock().unwrap().push((seed, artifact.to_json()));
    artifact
}

impl TestApp {
    /// Registers a model artifact (and activates it when asked).
    pub async fn install_model(
        &self,
        artifact: &ecredit::scoring::model::ModelArtifact,
        activate: bool,
    ) {
        let db = self.db.clone();
        let json = artifact.to_json();
        let version = artifact.version.clone();
        let summary = ecredit::engine::artifact_summary(artifact);
        let trained = artifact.created_at.naive_utc();
        let at = ecredit::clock::Clock::now_naive(&self.clock);
        tokio::task::spawn_blocking(move || {
            db.write(|conn| {
                ecredit::db::models::register(conn, &version, &json, &summary, trained, at)?;
                if activate {
                    ecredit::db::models::activate(
                        conn,
                        ecredit::db::models::Activation {
                            version: &version,
                            by: "test",
                            reason: "installed by the test",
                            comparison: None,
                            at,
                        },
                    )?;
                }
                Ok(())
            })
        })
        .await
        .unwrap()
        .unwrap();
    }
}

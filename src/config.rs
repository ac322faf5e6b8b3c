//! Settings: from the command line and `ECREDIT_*` environment variables. Secrets are held as
//! `SecretString`, which never prints.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::db::DatabaseTarget;

#[derive(Clone)]
pub struct Settings {
    pub database: DatabaseTarget,
    pub bind: String,
    pub data_dir: PathBuf,
    /// The report signing key ring (`ECREDIT_REPORT_KEYS_DIR`, default `DATA_DIR/report-keys`).
    pub report_keys_dir: PathBuf,
    /// Trained model artifacts (`VERSION.json`), registered at start.
    pub models_dir: PathBuf,
    pub jwt_secret: SecretString,
    pub token_ttl_seconds: i64,
    pub pool_size: u32,
    pub workers: Option<usize>,
    /// Sign-in attempts allowed per account and per client address.
    pub login_limits: crate::auth::throttle::LoginLimits,
    /// Anonymous (public) reports allowed per client address.
    pub public_report_limits: crate::auth::throttle::AddressLimits,
    /// The web console's settings.
    pub web: WebSettings,
}

/// The web console: cookies, sessions and the origin forms must come from.
#[derive(Debug, Clone, PartialEq)]
pub struct WebSettings {
    /// Mark cookies `Secure` (`ECREDIT_WEB_SECURE_COOKIES=true`): for deployments behind TLS.
    pub secure_cookies: bool,
    /// A session unused for this long ends (`ECREDIT_WEB_IDLE_TIMEOUT_SECONDS`, default 1800).
    pub idle_timeout_seconds: i64,
    /// The origin the console is reached at, e.g. `https://credit.example.gov.cn`
    /// (`ECREDIT_PUBLIC_URL`); form posts from another `Origin` are refused. Unset: the
    /// request's own scheme and `Host`.
    pub public_url: Option<String>,
}

pub const DEFAULT_IDLE_TIMEOUT_SECONDS: i64 = 1800;

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            secure_cookies: false,
            idle_timeout_seconds: DEFAULT_IDLE_TIMEOUT_SECONDS,
            public_url: None,
        }
    }
}

impl WebSettings {
    /// From the `ECREDIT_WEB_*` and `ECREDIT_PUBLIC_URL` environment variables.
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut settings = WebSettings::default();
        if let Some(v) = var("ECREDIT_WEB_SECURE_COOKIES") {
            settings.secure_cookies = match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => anyhow::bail!("ECREDIT_WEB_SECURE_COOKIES must be true or false"),
            };
        }
        if let Some(v) = var("ECREDIT_WEB_IDLE_TIMEOUT_SECONDS") {
            settings.idle_timeout_seconds =
                v.trim().parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    anyhow::anyhow!("ECREDIT_WEB_IDLE_TIMEOUT_SECONDS must be a positive number")
                })?;
        }
        if let Some(v) = var("ECREDIT_PUBLIC_URL") {
            let url = url::Url::parse(v.trim())
                .map_err(|e| anyhow::anyhow!("ECREDIT_PUBLIC_URL is not a URL: {e}"))?;
            settings.public_url = Some(url.origin().ascii_serialization());
        }
        Ok(settings)
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database", &self.database.redacted())
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("report_keys_dir", &self.report_keys_dir)
            .field("models_dir", &self.models_dir)
            .field("jwt_secret", &"***")
            .field("token_ttl_seconds", &self.token_ttl_seconds)
            .field("pool_size", &self.pool_size)
            .field("web", &self.web)
            .finish()
    }
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_TOKEN_TTL_SECONDS: i64 = 3600;

/// `sqlite://DATA_DIR/ecredit.db`: the embedded default.
pub fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("ecredit.db").display())
}

/// Where the report signing keys are kept: the configured directory, else
/// `DATA_DIR/report-keys`.
pub fn report_keys_dir(configured: Option<&Path>, data_dir: &Path) -> PathBuf {
    configured
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| crate::report::KeyRing::default_dir(data_dir))
}

/// The token signing secret: `ECREDIT_JWT_SECRET` when set, else a random secret kept in
/// `DATA_DIR/jwt-secret` (created on first use, readable by the owner only), so tokens survive a
/// restart of a single embedded instance. Several instances must share a configured secret.
pub fn resolve_jwt_secret(
    configured: Option<String>,
    data_dir: &Path,
) -> anyhow::Result<SecretString> {
    if let Some(secret) = configured.filter(|s| !s.is_empty()) {
        if secret.len() < 32 {
            anyhow::bail!("ECREDIT_JWT_SECRET must be at least 32 characters");
        }
        return Ok(SecretString::from(secret));
    }
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_string();
        if existing.len() >= 32 {
            return Ok(SecretString::from(existing));
        }
    }
    std::fs::create_dir_all(data_dir)?;
    let secret = random_hex(32);
    write_private(&path, &secret)?;
    Ok(SecretString::from(secret))
}

fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    Ok(())
}

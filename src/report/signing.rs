//! Report signing keys and verification.
//!
//! A key ring is a directory (default `<data-dir>/report-keys`, mode 0700) of Ed25519 keys, one
//! file `<key id>.key` each (mode 0600), and a file `ACTIVE` naming the key that signs. The key
//! id is the first 16 hex digits of the SHA-256 of the 32-byte public key, and every report
//! names the key that signed it, so rotating the key keeps old reports verifiable: old keys stay
//! in the ring and are published beside the new one. Private keys never leave the files: the
//! ring's `Debug` shows key ids only, and nothing here logs.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::ReportError;
use super::canonical::{canonical_document, canonical_of_parsed, same_content};
use super::document::{REPORT_FORMAT, ReportDocument, ReportSignature, SignedReport};

/// The one signature algorithm.
pub const ALGORITHM: &str = "Ed25519";

/// The file naming the active key.
const ACTIVE_FILE: &str = "ACTIVE";
const KEY_SUFFIX: &str = ".key";

/// A public key as published at `GET /api/v1/reports/public-key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyInfo {
    /// First 16 hex digits of the SHA-256 of the public key; reports name it.
    #[schema(example = "3f9a0c51d2e47b86")]
    pub key_id: String,
    /// Always `Ed25519`.
    #[schema(example = "Ed25519")]
    pub algorithm: String,
    /// The 32-byte public key, base64 (standard alphabet, padded).
    pub public_key: String,
    pub created_at: DateTime<Utc>,
    /// True for the key that signs new reports; the others verify older ones.
    pub active: bool,
}

/// Every key a report may have been signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicKeySet {
    pub keys: Vec<PublicKeyInfo>,
}

/// The answer to "is this file a genuine report?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Verification {
    /// True when the bytes are a report in canonical form whose signature verifies under a
    /// published key. It says nothing of `valid_until`: check the dates in the report.
    pub valid: bool,
    /// The report number the file states (also when it is not valid).
    pub report_no: Option<String>,
    /// The key the file names (also when it is not valid).
    pub key_id: Option<String>,
    /// Why it is not valid: starts with `not a report`, `not canonical`, `unsupported
    /// algorithm`, `unknown key` or `bad signature`.
    pub problem: Option<String>,
}

impl Verification {
    fn invalid(
        report_no: Option<&str>,
        key_id: Option<&str>,
        failure: Failure,
        detail: impl std::fmt::Display,
    ) -> Self {
        Verification {
            valid: false,
            report_no: report_no.map(str::to_string),
            key_id: key_id.map(str::to_string),
            problem: Some(format!("{}: {detail}", failure.as_str())),
        }
    }
}

/// The kinds of failure [`verify`] reports, as the first words of `problem`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    NotAReport,
    NotCanonical,
    UnsupportedAlgorithm,
    UnknownKey,
    BadSignature,
}

impl Failure {
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::NotAReport => "not a report",
            Failure::NotCanonical => "not canonical",
            Failure::UnsupportedAlgorithm => "unsupported algorithm",
            Failure::UnknownKey => "unknown key",
            Failure::BadSignature => "bad signature",
        }
    }
}

/// Checks a saved report offline against published keys. Strict: `bytes` must be exactly the
/// canonical serialisation of a [`SignedReport`] (one trailing newline is tolerated), and the
/// signature must verify under the key it names. Never panics, whatever the input.
pub fn verify(bytes: &[u8], keys: &[PublicKeyInfo]) -> Verification {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let signed: SignedReport = match serde_json::from_slice(bytes) {
        Ok(signed) => signed,
        Err(e) => {
            return Verification::invalid(
                None,
                None,
                Failure::NotAReport,
                format_args!("not a signed credit report in JSON ({e})"),
            );
        }
    };
    let report_no = Some(signed.report.report_no.as_str());
    let key_id = Some(signed.signature.key_id.as_str());
    if signed.report.format != REPORT_FORMAT {
        return Verification::invalid(
            report_no,
            key_id,
            Failure::NotAReport,
            format_args!(
                "format {:?}, expected {REPORT_FORMAT:?}",
                signed.report.format
            ),
        );
    }
    // Any serialisation of the report's content verifies: the signature covers the RFC 8785
    // form, which is made again below from what was read. What the typed reading could hide is
    // checked here: a member removed (an optional one reads as absent), or a value the types
    // read differently from what the file says.
    let given: Option<serde_json::Value> = serde_json::from_slice(bytes).ok();
    let ours = serde_json::to_value(&signed).ok();
    match (given, ours) {
        (Some(given), Some(ours)) if same_content(&given, &ours) => {}
        _ => {
            return Verification::invalid(
                report_no,
                key_id,
                Failure::NotCanonical,
                "the file does not hold the members of the report as issued: one was added, removed or re-typed",
            );
        }
    }
    if signed.signature.algorithm != ALGORITHM {
        return Verification::invalid(
            report_no,
            key_id,
            Failure::UnsupportedAlgorithm,
            format_args!("{:?}, expected {ALGORITHM}", signed.signature.algorithm),
        );
    }
    let Some(key) = keys
        .iter()
        .find(|k| k.key_id == signed.signature.key_id && k.algorithm == ALGORITHM)
    else {
        return Verification::invalid(
            report_no,
            key_id,
            Failure::UnknownKey,
            format_args!("no published key has id {:?}", signed.signature.key_id),
        );
    };
    let public = match decode_public_key(&key.public_key) {
        Ok(public) if key_id_of(&public) == key.key_id => public,
        _ => {
            return Verification::invalid(
                report_no,
                key_id,
                Failure::UnknownKey,
                format_args!("the published key {:?} is malformed", key.key_id),
            );
        }
    };
    let signature = match BASE64
        .decode(&signed.signature.value)
        .ok()
        .and_then(|raw| Signature::from_slice(&raw).ok())
    {
        Some(signature) => signature,
        None => {
            return Verification::invalid(
                report_no,
                key_id,
                Failure::BadSignature,
                "the signature is not 64 bytes of base64",
            );
        }
    };
    let Some(message) = canonical_of_parsed(&signed.report) else {
        return Verification::invalid(
            report_no,
            key_id,
            Failure::NotCanonical,
            "the report cannot be canonicalised",
        );
    };
    if public.verify_strict(&message, &signature).is_err() {
        return Verification::invalid(
            report_no,
            key_id,
            Failure::BadSignature,
            format_args!(
                "the signature does not match the report under key {}",
                key.key_id
            ),
        );
    }
    Verification {
        valid: true,
        report_no: report_no.map(str::to_string),
        key_id: key_id.map(str::to_string),
        problem: None,
    }
}

fn decode_public_key(text: &str) -> Result<VerifyingKey, ()> {
    let raw = BASE64.decode(text).map_err(|_| ())?;
    let raw: [u8; 32] = raw.try_into().map_err(|_| ())?;
    VerifyingKey::from_bytes(&raw).map_err(|_| ())
}

/// First 16 hex digits of the SHA-256 of the 32-byte public key.
pub fn key_id_of(public: &VerifyingKey) -> String {
    let digest = Sha256::digest(public.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// One key of the ring.
struct RingKey {
    key_id: String,
    created_at: DateTime<Utc>,
    secret: SigningKey,
}

impl RingKey {
    fn info(&self, active: bool) -> PublicKeyInfo {
        PublicKeyInfo {
            key_id: self.key_id.clone(),
            algorithm: ALGORITHM.into(),
            public_key: BASE64.encode(self.secret.verifying_key().as_bytes()),
            created_at: self.created_at,
            active,
        }
    }
}

/// A key file: the private key, so readable by the owner only.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    algorithm: String,
    key_id: String,
    created_at: DateTime<Utc>,
    /// The 32-byte Ed25519 seed, base64.
    secret_key: String,
}

/// The signing keys of the registry: every key ever used, and the one that signs.
pub struct KeyRing {
    dir: PathBuf,
    /// Oldest first.
    keys: Vec<RingKey>,
    active: usize,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("dir", &self.dir)
            .field(
                "keys",
                &self
                    .keys
                    .iter()
                    .map(|k| k.key_id.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("active", &self.active_key_id())
            .field("secrets", &"[redacted]")
            .finish()
    }
}

impl KeyRing {
    /// The default directory of the ring: `<data-dir>/report-keys`.
    pub fn default_dir(data_dir: &Path) -> PathBuf {
        data_dir.join("report-keys")
    }

    /// Loads the ring in `dir`, creating the directory and the first key (created at `now`)
    /// when there is none yet.
    pub fn open_or_create(dir: &Path, now: DateTime<Utc>) -> Result<KeyRing, ReportError> {
        ensure_private_dir(dir)?;
        match Self::load(dir, true)? {
            Some(ring) => Ok(ring),
            None => {
                let key = new_key(dir, now)?;
                write_active(dir, &key.key_id)?;
                Ok(KeyRing {
                    dir: dir.to_path_buf(),
                    keys: vec![key],
                    active: 0,
                })
            }
        }
    }

    /// Loads the ring in `dir` without creating anything: an error when it holds no key.
    pub fn open(dir: &Path) -> Result<KeyRing, ReportError> {
        Self::load(dir, false)?.ok_or_else(|| ReportError::KeyRing {
            dir: dir.to_path_buf(),
            problem: "no signing key here (the service creates one on first start)".into(),
        })
    }

    /// Adds a new key (created at `now`) to the ring in `dir` and makes it the one that signs.
    /// The old keys stay, so reports they signed still verify. Returns the ring as it now is.
    pub fn rotate(dir: &Path, now: DateTime<Utc>) -> Result<KeyRing, ReportError> {
        ensure_private_dir(dir)?;
        let mut ring = Self::load(dir, true)?.unwrap_or(KeyRing {
            dir: dir.to_path_buf(),
            keys: vec![],
            active: 0,
        });
        let key = new_key(dir, now)?;
        write_active(dir, &key.key_id)?;
        ring.keys.push(key);
        ring.active = ring.keys.len() - 1;
        Ok(ring)
    }

    /// `None` when the directory is missing or holds no key. With `repair`, a missing `ACTIVE`
    /// is written again.
    fn load(dir: &Path, repair: bool) -> Result<Option<KeyRing>, ReportError> {
        let io = |what, path: &Path| {
            let path = path.to_path_buf();
            move |source| ReportError::KeyIo { what, path, source }
        };
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("cannot read the directory", dir)(e)),
        };
        let mut keys = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io("cannot read the directory", dir))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(stem) = name.strip_suffix(KEY_SUFFIX) else {
                continue;
            };
            keys.push(read_key(dir, &entry.path(), stem)?);
        }
        if keys.is_empty() {
            return Ok(None);
        }
        keys.sort_by(|a, b| (a.created_at, &a.key_id).cmp(&(b.created_at, &b.key_id)));
        let active_path = dir.join(ACTIVE_FILE);
        let active = match fs::read_to_string(&active_path) {
            Ok(text) => {
                let id = text.trim();
                keys.iter()
                    .position(|k| k.key_id == id)
                    .ok_or_else(|| ReportError::KeyRing {
                        dir: dir.to_path_buf(),
                        problem: format!("{ACTIVE_FILE} names key {id:?}, which is not here"),
                    })?
            }
            // Keys without ACTIVE: a start that stopped between writing the key and naming it.
            // The newest key signs, as it would have.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let newest = keys.len() - 1;
                if repair {
                    write_active(dir, &keys[newest].key_id)?;
                }
                newest
            }
            Err(e) => return Err(io("cannot read", &active_path)(e)),
        };
        Ok(Some(KeyRing {
            dir: dir.to_path_buf(),
            keys,
            active,
        }))
    }

    /// The id of the key that signs.
    pub fn active_key_id(&self) -> &str {
        &self.keys[self.active].key_id
    }

    /// The directory the ring lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Signs a report with the active key.
    pub fn sign(&self, document: &ReportDocument) -> Result<SignedReport, ReportError> {
        let key = &self.keys[self.active];
        let message = canonical_document(document)?;
        let signature = key.secret.sign(&message);
        Ok(SignedReport {
            report: document.clone(),
            signature: ReportSignature {
                algorithm: ALGORITHM.into(),
                key_id: key.key_id.clone(),
                value: BASE64.encode(signature.to_bytes()),
            },
        })
    }

    /// Every key of the ring, oldest first, for `GET /api/v1/reports/public-key`.
    pub fn public_keys(&self) -> Vec<PublicKeyInfo> {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, k)| k.info(i == self.active))
            .collect()
    }

    pub fn public_key_set(&self) -> PublicKeySet {
        PublicKeySet {
            keys: self.public_keys(),
        }
    }

    /// [`verify`] against this ring's keys.
    pub fn verify(&self, bytes: &[u8]) -> Verification {
        verify(bytes, &self.public_keys())
    }
}

fn ensure_private_dir(dir: &Path) -> Result<(), ReportError> {
    let err = |what| {
        let path = dir.to_path_buf();
        move |source| ReportError::KeyIo { what, path, source }
    };
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(err("cannot create the directory"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir)
            .map_err(err("cannot read the directory"))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(err("cannot make the directory private"))?;
        }
    }
    Ok(())
}

fn read_key(dir: &Path, path: &Path, stem: &str) -> Result<RingKey, ReportError> {
    let bad = |problem: String| ReportError::KeyRing {
        dir: dir.to_path_buf(),
        problem,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(|source| ReportError::KeyIo {
                what: "cannot read",
                path: path.to_path_buf(),
                source,
            })?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(bad(format!(
                "{stem}{KEY_SUFFIX} can be read by other users (mode {:o}): make it 600",
                mode & 0o777
            )));
        }
    }
    let text = fs::read_to_string(path).map_err(|source| ReportError::KeyIo {
        what: "cannot read",
        path: path.to_path_buf(),
        source,
    })?;
    // The parse error is not shown: it could quote the secret.
    let file: KeyFile = serde_json::from_str(&text)
        .map_err(|_| bad(format!("{stem}{KEY_SUFFIX} is not a key file")))?;
    if file.algorithm != ALGORITHM {
        return Err(bad(format!(
            "{stem}{KEY_SUFFIX} holds an {:?} key, expected {ALGORITHM}",
            file.algorithm
        )));
    }
    let seed: [u8; 32] = BASE64
        .decode(&file.secret_key)
        .ok()
        .and_then(|raw| raw.try_into().ok())
        .ok_or_else(|| bad(format!("{stem}{KEY_SUFFIX} holds no 32-byte Ed25519 key")))?;
    let secret = SigningKey::from_bytes(&seed);
    let key_id = key_id_of(&secret.verifying_key());
    if key_id != file.key_id || key_id != stem {
        return Err(bad(format!(
            "{stem}{KEY_SUFFIX} does not hold key {stem} (its public key has id {key_id})"
        )));
    }
    Ok(RingKey {
        key_id,
        created_at: file.created_at,
        secret,
    })
}

fn new_key(dir: &Path, now: DateTime<Utc>) -> Result<RingKey, ReportError> {
    let secret = SigningKey::generate(&mut rand::rngs::OsRng);
    let key_id = key_id_of(&secret.verifying_key());
    let file = KeyFile {
        algorithm: ALGORITHM.into(),
        key_id: key_id.clone(),
        created_at: now,
        secret_key: BASE64.encode(secret.to_bytes()),
    };
    let text = serde_json::to_string_pretty(&file).expect("a key file serialises");
    let path = dir.join(format!("{key_id}{KEY_SUFFIX}"));
    // Written under a temporary name and renamed, so a crash never leaves half a key.
    let temp = dir.join(format!(".{key_id}{KEY_SUFFIX}.tmp"));
    write_private(&temp, text.as_bytes())?;
    if path.exists() {
        let _ = fs::remove_file(&temp);
        return Err(ReportError::KeyRing {
            dir: dir.to_path_buf(),
            problem: format!("key {key_id} exists already"),
        });
    }
    fs::rename(&temp, &path).map_err(|source| ReportError::KeyIo {
        what: "cannot write",
        path: path.clone(),
        source,
    })?;
    Ok(RingKey {
        key_id,
        created_at: now,
        secret,
    })
}

fn write_active(dir: &Path, key_id: &str) -> Result<(), ReportError> {
    let temp = dir.join(format!(".{ACTIVE_FILE}.tmp"));
    let path = dir.join(ACTIVE_FILE);
    write_private(&temp, format!("{key_id}\n").as_bytes())?;
    fs::rename(&temp, &path).map_err(|source| ReportError::KeyIo {
        what: "cannot write",
        path,
        source,
    })
}

fn write_private(path: &Path, content: &[u8]) -> Result<(), ReportError> {
    let err = |source| ReportError::KeyIo {
        what: "cannot write",
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(err)?;
    file.write_all(content).map_err(err)?;
    file.sync_all().map_err(err)?;
    Ok(())
}

/// The ring a running service signs with, swapped whole when the key is rotated: a report being
/// signed keeps the ring it started with, the next one gets the new key, and the published keys
/// include the new one at once.
pub struct SharedKeyRing {
    current: parking_lot::RwLock<std::sync::Arc<KeyRing>>,
    /// One rotation at a time: each writes its key and `ACTIVE` in the directory.
    rotating: parking_lot::Mutex<()>,
}

impl std::fmt::Debug for SharedKeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.current().fmt(f)
    }
}

impl SharedKeyRing {
    pub fn new(ring: KeyRing) -> Self {
        SharedKeyRing {
            current: parking_lot::RwLock::new(std::sync::Arc::new(ring)),
            rotating: parking_lot::Mutex::new(()),
        }
    }

    /// The ring as it is now.
    pub fn current(&self) -> std::sync::Arc<KeyRing> {
        self.current.read().clone()
    }

    /// Adds a new key (created at `now`) to the ring's directory, makes it the one that signs,
    /// and serves with it from now on. Keys added to the directory meanwhile (`ecredit report
    /// rotate-key`) are read back too. Blocking (file system).
    pub fn rotate(&self, now: DateTime<Utc>) -> Result<std::sync::Arc<KeyRing>, ReportError> {
        let _one = self.rotating.lock();
        let dir = self.current().dir().to_path_buf();
        let ring = std::sync::Arc::new(KeyRing::rotate(&dir, now)?);
        *self.current.write() = ring.clone();
        Ok(ring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;
    use crate::report::to_canonical_bytes;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
    }

    fn saved(ring: &KeyRing, document: &ReportDocument) -> Vec<u8> {
        to_canonical_bytes(&ring.sign(document).unwrap()).unwrap()
    }

    #[test]
    fn first_start_creates_a_private_ring_that_later_starts_reuse() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data").join("report-keys");
        let ring = KeyRing::open_or_create(&dir, t0()).unwrap();
        let keys = ring.public_keys();
        assert_eq!(keys.len(), 1);
        assert!(keys[0].active);
        assert_eq!(keys[0].algorithm, "Ed25519");
        assert_eq!(keys[0].created_at, t0());
        assert_eq!(keys[0].key_id.len(), 16);
        assert!(keys[0].key_id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(BASE64.decode(&keys[0].public_key).unwrap().len(), 32);
        assert_eq!(
            fs::read_to_string(dir.join(ACTIVE_FILE)).unwrap().trim(),
            keys[0].key_id
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&dir.join(format!("{}.key", keys[0].key_id))), 0o600);
        }

        let again = KeyRing::open_or_create(&dir, t0() + chrono::Duration::days(1)).unwrap();
        assert_eq!(again.public_keys(), keys);
        assert_eq!(KeyRing::open(&dir).unwrap().public_keys(), keys);
        // The same key signs: a report signed before the restart verifies after it.
        let bytes = saved(&ring, &sample::document());
        assert!(again.verify(&bytes).valid);
    }

    #[test]
    fn open_without_keys_is_an_error_and_creates_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("none");
        let err = KeyRing::open(&dir).unwrap_err().to_string();
        assert!(err.contains("no signing key"), "{err}");
        assert!(!dir.exists());
    }

    #[test]
    fn a_signed_report_verifies_and_names_its_key() {
        let tmp = tempfile::tempdir().unwrap();
        let ring = KeyRing::open_or_create(tmp.path(), t0()).unwrap();
        let document = sample::document();
        let signed = ring.sign(&document).unwrap();
        assert_eq!(signed.report, document);
        assert_eq!(signed.signature.key_id, ring.active_key_id());
        assert_eq!(BASE64.decode(&signed.signature.value).unwrap().len(), 64);
        let bytes = to_canonical_bytes(&signed).unwrap();
        let v = verify(&bytes, &ring.public_keys());
        assert_eq!(
            v,
            Verification {
                valid: true,
                report_no: Some(document.report_no.clone()),
                key_id: Some(ring.active_key_id().to_string()),
                problem: None,
            }
        );
        // Whitespace between tokens is no content: a newline a text editor adds, or two.
        let mut with_newline = bytes.clone();
        with_newline.push(b'\n');
        assert!(ring.verify(&with_newline).valid);
        with_newline.push(b'\n');
        assert!(ring.verify(&with_newline).valid);
    }

    #[test]
    fn reports_with_non_finite_numbers_are_refused_not_signed() {
        let tmp = tempfile::tempdir().unwrap();
        let ring = KeyRing::open_or_create(tmp.path(), t0()).unwrap();
        let mut document = sample::document();
        for bad in [f64::NAN, f64::INFINITY] {
            document.rating.as_mut().unwrap().score = Some(bad);
            assert!(matches!(
                ring.sign(&document),
                Err(ReportError::NotCanonicalisable(_))
            ));
            document.rating.as_mut().unwrap().score = None;
            document.rating.as_mut().unwrap().dimensions[0].points = bad;
            assert!(matches!(
                ring.sign(&document),
                Err(ReportError::NotCanonicalisable(_))
            ));
            document = sample::document();
        }
    }

    #[test]
    fn changing_any_byte_of_a_saved_report_fails_verification() {
        let tmp = tempfile::tempdir().unwrap();
        let ring = KeyRing::open_or_create(tmp.path(), t0()).unwrap();
        let keys = ring.public_keys();
        let bytes = saved(&ring, &sample::document());
        assert!(verify(&bytes, &keys).valid);
        let mut tampered = bytes.clone();
        for i in 0..bytes.len() {
            // A flipped low bit, and the next character (a digit stays a digit).
            let changes: [fn(u8) -> u8; 2] = [
                |b| b ^ 0x01,
                |b| if b == b'9' { b'0' } else { b.wrapping_add(1) },
            ];
            for change in changes {
                tampered[i] = change(bytes[i]);
                let v = verify(&tampered, &keys);
                assert!(
                    !v.valid && v.problem.is_some(),
                    "changing byte {i} ({:?}) went unnoticed",
                    bytes[i] as char
                );
            }
            tampered[i] = bytes[i];
        }
        assert_eq!(tampered, bytes);
        // Removing any byte fails as well, and so does inserting a space in a text (between
        // tokens it is no content, and the report still verifies).
        for i in 0..bytes.len() {
            let mut shorter = bytes.clone();
            shorter.remove(i);
            assert!(
                !verify(&shorter, &keys).valid,
                "removing byte {i} of {}",
                String::from_utf8_lossy(&bytes[i.saturating_sub(40)..(i + 40).min(bytes.len())])
            );
        }
        let text = String::from_utf8(bytes.clone()).unwrap();
        // (The sample's texts hold no escaped quote, so counting quotes tells inside from out.)
        let inside_a_text = |at: usize| text[..at].matches('"').count() % 2 == 1;
        let structural = |b: u8| b",:{}[]\"".contains(&b);
        let between_tokens =
            |at: usize| !inside_a_text(at) && (structural(bytes[at - 1]) || structural(bytes[at]));
        for i in (1..bytes.len())
            .step_by(7)
            .filter(|&i| text.is_char_boundary(i))
        {
            let mut longer = bytes.clone();
            longer.insert(i, b' ');
            let valid = verify(&longer, &keys).valid;
            assert_eq!(valid, between_tokens(i), "inserting a space at {i}");
        }
    }

    #[test]
    fn every_failure_says_why() {
        let tmp = tempfile::tempdir().unwrap();
        let ring = KeyRing::open_or_create(tmp.path(), t0()).unwrap();
        let keys = ring.public_keys();
        let signed = ring.sign(&sample::document()).unwrap();
        let problem = |bytes: &[u8]| verify(bytes, &keys).problem.unwrap();

        for garbage in [
            &b""[..],
            b"\n",
            b"null",
            b"{}",
            b"[1,2,3]",
            b"\xff\xfe\x00",
            b"{\"report\":",
        ] {
            let v = verify(garbage, &keys);
            assert!(!v.valid && v.report_no.is_none());
            assert!(v.problem.unwrap().starts_with("not a report"));
        }

        // Pretty-printed, members in another order, timestamps with an offset and
        // microseconds, integers as decimals: the same content, so valid.
        let pretty = serde_json::to_vec_pretty(&signed).unwrap();
        assert!(verify(&pretty, &keys).valid);
        let mut value = serde_json::to_value(&signed).unwrap();
        let issued = value["report"]["issued_at"].as_str().unwrap().to_string();
        value["report"]["issued_at"] = issued.replace('Z', ".000000+00:00").into();
        let mut text = serde_json::to_string(&value).unwrap();
        text = text.replacen("\"report\":", "\"zz_moved\":", 1);
        let moved: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut reordered = serde_json::Map::new();
        reordered.insert("signature".into(), moved["signature"].clone());
        reordered.insert("report".into(), moved["zz_moved"].clone());
        let reordered = serde_json::to_vec(&reordered).unwrap();
        assert!(verify(&reordered, &keys).valid, "{}", problem(&reordered));

        // A member removed, even one that is `null`, is not the report as issued.
        fn remove_a_null(value: &mut serde_json::Value) -> Option<String> {
            match value {
                serde_json::Value::Object(members) => {
                    if let Some(key) = members
                        .iter()
                        .find(|(_, v)| v.is_null())
                        .map(|(k, _)| k.clone())
                    {
                        members.remove(&key);
                        return Some(key);
                    }
                    members.values_mut().find_map(remove_a_null)
                }
                serde_json::Value::Array(items) => items.iter_mut().find_map(remove_a_null),
                _ => None,
            }
        }
        let mut removed = serde_json::to_value(&signed).unwrap();
        let nullable = remove_a_null(&mut removed).expect("the sample has a null member");
        let removed = serde_json::to_vec(&removed).unwrap();
        assert!(problem(&removed).starts_with("not canonical"), "{nullable}");
        // A number written as text reads differently from what the file says.
        let mut retyped = serde_json::to_value(&signed).unwrap();
        let score = &mut retyped["report"]["rating"]["score"];
        if score.is_number() {
            *score = score.to_string().into();
            assert!(!verify(&serde_json::to_vec(&retyped).unwrap(), &keys).valid);
        }

        // An extra member is not part of the report.
        let canonical = to_canonical_bytes(&signed).unwrap();
        let mut extra = canonical.clone();
        extra.truncate(extra.len() - 1);
        extra.extend_from_slice(b",\"zzz\":1}");
        assert!(problem(&extra).starts_with("not a report"));

        let mut other_format = signed.clone();
        other_format.report.format = "ecredit-report/0".into();
        assert!(problem(&to_canonical_bytes(&other_format).unwrap()).starts_with("not a report"));

        let mut other_algorithm = signed.clone();
        other_algorithm.signature.algorithm = "RS256".into();
        assert!(
            problem(&to_canonical_bytes(&other_algorithm).unwrap())
                .starts_with("unsupported algorithm")
        );

        let mut unknown = signed.clone();
        unknown.signature.key_id = "0000000000000000".into();
        let v = verify(&to_canonical_bytes(&unknown).unwrap(), &keys);
        assert_eq!(v.key_id.as_deref(), Some("0000000000000000"));
        assert_eq!(
            v.report_no.as_deref(),
            Some(signed.report.report_no.as_str())
        );
        assert!(v.problem.unwrap().starts_with("unknown key"));
        assert!(
            verify(&canonical, &[])
                .problem
                .unwrap()
                .starts_with("unknown key")
        );

        let mut short = signed.clone();
        short.signature.value = BASE64.encode([0u8; 32]);
        assert!(problem(&to_canonical_bytes(&short).unwrap()).starts_with("bad signature"));

        let mut changed = signed.clone();
        changed.report.enterprise.name.push('X');
        assert!(problem(&to_canonical_bytes(&changed).unwrap()).starts_with("bad signature"));

        // A key published under another key's id does not verify it.
        let other = tempfile::tempdir().unwrap();
        let other_ring = KeyRing::open_or_create(other.path(), t0()).unwrap();
        let mut forged_keys = other_ring.public_keys();
        forged_keys[0].key_id = ring.active_key_id().to_string();
        let v = verify(&canonical, &forged_keys);
        assert!(v.problem.unwrap().starts_with("unknown key"));
    }

    #[test]
    fn rotation_signs_with_the_new_key_and_old_reports_still_verify() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("keys");
        let ring = KeyRing::open_or_create(&dir, t0()).unwrap();
        let old_id = ring.active_key_id().to_string();
        let old_report = saved(&ring, &sample::document());

        let later = t0() + chrono::Duration::days(90);
        let rotated = KeyRing::rotate(&dir, later).unwrap();
        let new_id = rotated.active_key_id().to_string();
        assert_ne!(new_id, old_id);
        let keys = rotated.public_keys();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            (keys[0].key_id.as_str(), keys[0].active),
            (old_id.as_str(), false)
        );
        assert_eq!(
            (keys[1].key_id.as_str(), keys[1].active),
            (new_id.as_str(), true)
        );
        assert_eq!(keys[1].created_at, later);

        let new_report = saved(&rotated, &sample::public_document());
        let reopened = KeyRing::open_or_create(&dir, later).unwrap();
        assert_eq!(reopened.public_keys(), keys);
        for (bytes, id) in [(&old_report, &old_id), (&new_report, &new_id)] {
            let v = reopened.verify(bytes);
            assert!(v.valid, "{v:?}");
            assert_eq!(v.key_id.as_ref(), Some(id));
        }
        // Only the old key published: the new report is signed by an unknown key.
        let v = verify(&new_report, &keys[..1]);
        assert!(v.problem.unwrap().starts_with("unknown key"));
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let tmp = tempfile::tempdir().unwrap();
        let ring = KeyRing::open_or_create(tmp.path(), t0()).unwrap();
        let id = ring.active_key_id().to_string();
        let file: KeyFile = serde_json::from_str(
            &fs::read_to_string(tmp.path().join(format!("{id}.key"))).unwrap(),
        )
        .unwrap();
        let seed = BASE64.decode(&file.secret_key).unwrap();
        let hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
        let debug = format!("{ring:?} {ring:#?}");
        assert!(debug.contains(&id) && debug.contains("redacted"), "{debug}");
        assert!(!debug.contains(&file.secret_key) && !debug.contains(&hex));
        assert!(!debug.to_lowercase().contains(&hex[..16]));
        // Nor in the published keys.
        let published = serde_json::to_string(&ring.public_key_set()).unwrap();
        assert!(!published.contains(&file.secret_key));
    }

    #[test]
    fn broken_rings_are_refused_with_a_reason() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("keys");
        let ring = KeyRing::open_or_create(&dir, t0()).unwrap();
        let id = ring.active_key_id().to_string();
        let key_path = dir.join(format!("{id}.key"));

        // ACTIVE naming a key that is not there.
        fs::write(dir.join(ACTIVE_FILE), "0123456789abcdef\n").unwrap();
        let err = KeyRing::open(&dir).unwrap_err().to_string();
        assert!(err.contains("ACTIVE names key"), "{err}");
        // No ACTIVE at all: the newest key signs, and starting again writes ACTIVE (opening to
        // verify writes nothing).
        fs::remove_file(dir.join(ACTIVE_FILE)).unwrap();
        assert_eq!(KeyRing::open(&dir).unwrap().active_key_id(), id);
        assert!(!dir.join(ACTIVE_FILE).exists());
        assert_eq!(
            KeyRing::open_or_create(&dir, t0()).unwrap().active_key_id(),
            id
        );
        assert_eq!(
            fs::read_to_string(dir.join(ACTIVE_FILE)).unwrap().trim(),
            id
        );

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&key_path, fs::Permissions::from_mode(0o644)).unwrap();
            let err = KeyRing::open(&dir).unwrap_err().to_string();
            assert!(err.contains("make it 600"), "{err}");
            fs::set_permissions(&key_path, fs::Permissions::from_mode(0o600)).unwrap();
        }

        // A key file renamed to another id.
        let renamed = dir.join("00000000000000ff.key");
        fs::rename(&key_path, &renamed).unwrap();
        let err = KeyRing::open(&dir).unwrap_err().to_string();
        assert!(err.contains("does not hold key"), "{err}");
        fs::rename(&renamed, &key_path).unwrap();

        // A key file that is not one; the message does not quote the file.
        let original = fs::read_to_string(&key_path).unwrap();
        fs::write(&key_path, original.replace("secret_key", "secret_kex")).unwrap();
        let err = KeyRing::open(&dir).unwrap_err().to_string();
        assert!(err.contains("is not a key file"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }
}

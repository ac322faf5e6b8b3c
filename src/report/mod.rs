//! Credit reports (DOMAIN.md, "Reports and lists"): the document a report is, its canonical
//! serialisation and Ed25519 signature, and the printable page with its charts. Pure: no HTTP,
//! no SQL.

pub mod assemble;
pub mod canonical;
pub mod document;
pub mod html;
pub mod sample;
pub mod signing;
pub mod svg;

pub use canonical::{canonical_document, to_canonical_bytes};
pub use html::render_html;
pub use signing::{KeyRing, PublicKeyInfo, PublicKeySet, SharedKeyRing, Verification, verify};

/// What can go wrong making, signing or storing a report (never on reading one back:
/// [`verify`] answers every input with a [`Verification`]).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// JCS has no NaN or infinity: a report holding one cannot be canonicalised or signed.
    #[error("the report cannot be canonicalised: {0}")]
    NotCanonicalisable(String),
    /// The key directory or a key file could not be read or written.
    #[error("report signing keys: {what} {path}: {source}")]
    KeyIo {
        what: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The key directory holds something that is not a usable key ring.
    #[error("report signing keys in {dir}: {problem}")]
    KeyRing {
        dir: std::path::PathBuf,
        problem: String,
    },
}

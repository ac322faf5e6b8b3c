//! Credit reports (DOMAIN.md, "Reports and lists"): the document a report is, its canonical
//! serialisation and Ed25519 signature, and the printable page with its charts. Pure: no HTTP,
//! no SQL.

pub mod assemble;
pub mod document;

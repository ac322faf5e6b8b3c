//! The console's static files, embedded in the binary and served at
//! `/assets/<name>.<hash>.<ext>`, where `hash` is the first 16 hex digits of the SHA-256 of the
//! bytes: a URL names one version for good, so it is cached for a year. Another hash is a 404.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::AppError;

pub struct Asset {
    /// As templates name it, e.g. `app.css`.
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

pub const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("assets/app.css"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("assets/htmx.min.js"),
    },
];

fn hashes() -> &'static [String] {
    static HASHES: OnceLock<Vec<String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| {
                Sha256::digest(a.bytes)
                    .iter()
                    .take(8)
                    .map(|b| format!("{b:02x}"))
                    .collect()
            })
            .collect()
    })
}

/// `app.css` → `app.<hash>.css`.
fn hashed_name(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// The URL of asset `name`; panics on a name that is not embedded (a template bug).
pub fn url(name: &str) -> String {
    let index = ASSETS
        .iter()
        .position(|a| a.name == name)
        .unwrap_or_else(|| panic!("no embedded asset {name}"));
    format!("/assets/{}", hashed_name(name, &hashes()[index]))
}

/// `GET /assets/{file}`.
pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let found = ASSETS
        .iter()
        .zip(hashes())
        .find(|(asset, hash)| hashed_name(asset.name, hash) == *file);
    let Some((asset, _)) = found else {
        return Err(AppError::NotFound(format!("no asset {file}")));
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(asset.bytes))
}

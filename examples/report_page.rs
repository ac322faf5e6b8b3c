//! Writes the sample report (`ecredit::report::sample`) signed with a throw-away key ring: its
//! printable page and its JSON file, to look at the page in a browser and to try
//! `ecredit report verify` on the file.
//!
//! ```text
//! cargo run --example report_page -- OUT_DIR [--public]
//! ```
//! writes `OUT_DIR/report.html`, `OUT_DIR/report.json` and `OUT_DIR/keys.json` (the public keys,
//! as `GET /api/v1/reports/public-key` serves them).

use ecredit::report::{KeyRing, render_html, sample, to_canonical_bytes};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "report-sample".into()));
    let public = args.any(|a| a == "--public");
    std::fs::create_dir_all(&out)?;
    let ring = KeyRing::open_or_create(&out.join("report-keys"), chrono::Utc::now())?;
    let document = if public {
        sample::public_document()
    } else {
        sample::document()
    };
    let signed = ring.sign(&document)?;
    std::fs::write(out.join("report.html"), render_html(&signed))?;
    std::fs::write(out.join("report.json"), to_canonical_bytes(&signed)?)?;
    std::fs::write(
        out.join("keys.json"),
        serde_json::to_string_pretty(&ring.public_key_set())?,
    )?;
    println!(
        "wrote {}/report.html, report.json and keys.json",
        out.display()
    );
    Ok(())
}

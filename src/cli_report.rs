//! `ecredit report …`: offline verification of a saved report and rotation of the signing key.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::cli::{Cli, ReportCommand, ReportVerifyArgs, SilentExit};
use crate::clock::{Clock, SystemClock};
use crate::report::{KeyRing, PublicKeySet};

pub(crate) fn run(cli: &Cli, command: &ReportCommand) -> anyhow::Result<()> {
    match command {
        ReportCommand::Verify(args) => verify(cli, args),
        ReportCommand::RotateKey => rotate(cli),
    }
}

fn keys_dir(cli: &Cli) -> PathBuf {
    crate::config::report_keys_dir(cli.report_keys_dir.as_deref(), &cli.data_dir)
}

fn verify(cli: &Cli, args: &ReportVerifyArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let keys = match &args.keys {
        Some(path) => {
            let text =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let set: PublicKeySet = serde_json::from_slice(&text).with_context(|| {
                format!(
                    "{} is not a saved answer of GET /api/v1/reports/public-key",
                    path.display()
                )
            })?;
            set.keys
        }
        // Opened, never created: verifying must not make a key.
        None => KeyRing::open(&keys_dir(cli))?.public_keys(),
    };
    let verification = crate::report::verify(&bytes, &keys);
    if verification.valid {
        println!(
            "valid: report {}, key {}",
            verification.report_no.unwrap_or_default(),
            verification.key_id.unwrap_or_default()
        );
        Ok(())
    } else {
        println!(
            "INVALID: {}",
            verification.problem.unwrap_or_else(|| "not valid".into())
        );
        Err(SilentExit(1).into())
    }
}

fn rotate(cli: &Cli) -> anyhow::Result<()> {
    let dir = keys_dir(cli);
    let ring = KeyRing::rotate(&dir, SystemClock.now())?;
    let settings = cli.settings(None)?;
    let db = crate::startup::open_database(&settings)?;
    crate::db::audit::append_console(
        &db,
        SystemClock.now_naive(),
        "report rotate-key",
        ring.active_key_id(),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("new signing key: {}", ring.active_key_id());
    let older: Vec<String> = ring
        .public_keys()
        .into_iter()
        .filter(|k| !k.active)
        .map(|k| k.key_id)
        .collect();
    if !older.is_empty() {
        println!("kept for verifying older reports: {}", older.join(", "));
    }
    println!(
        "(a running service signs with the new key after a restart, or at once when rotated from \
         its Signing keys page or POST /api/v1/reports/keys/rotate; it publishes every key in {})",
        dir.display()
    );
    Ok(())
}

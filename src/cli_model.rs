//! `ecredit model …` and `ecredit score --all`.

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{Cli, ModelCommand, ScoreArgs, TrainArgs};
use crate::clock::{Clock, SystemClock};
use crate::domain::models::ActivationInput;
use crate::engine::{self, LoadedModel};
use crate::scoring::model::{self, ModelArtifact, TrainParams};
use crate::scoring::table;
use crate::startup;

fn progress(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

fn anyhow_app(e: crate::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub fn run(cli: &Cli, command: &ModelCommand) -> anyhow::Result<()> {
    match command {
        ModelCommand::Train(args) => train(cli, args),
        ModelCommand::Evaluate(args) => {
            let json = std::fs::read_to_string(&args.model)?;
            let artifact = ModelArtifact::from_json(&json)
                .map_err(|e| anyhow::anyhow!("{}: {e}", args.model.display()))?;
            // Read the columns as the model knows them: a level like "007" must stay text.
            let data = table::read_csv_as(&args.csv, &args.label, &args.bad, &artifact.columns())?;
            let metrics = artifact.evaluate(&data)?;
            println!("{}", serde_json::to_string_pretty(&metrics)?);
            Ok(())
        }
        ModelCommand::List => {
            let settings = cli.settings(None)?;
            let db = startup::open_database(&settings)?;
            startup::register_models(&db, &settings, &SystemClock)?;
            let rows = db.read(crate::db::models::list).map_err(anyhow_app)?;
            println!(
                "{:<40} {:<7} {:<20} summary",
                "version", "active", "trained"
            );
            for row in rows {
                let summary: serde_json::Value =
                    serde_json::from_str(&row.summary).unwrap_or_default();
                let auc = &summary["metrics"]["combined"]["auc"];
                println!(
                    "{:<40} {:<7} {:<20} AUC {auc}, {} rows",
                    row.version,
                    if row.active { "yes" } else { "" },
                    row.trained_at.format("%Y-%m-%d %H:%M"),
                    summary["training"]["rows"]
                );
            }
            Ok(())
        }
        ModelCommand::Activate { version, reason } => {
            let settings = cli.settings(None)?;
            let db = startup::open_database(&settings)?;
            startup::register_models(&db, &settings, &SystemClock)?;
            let active = db
                .read(crate::db::models::active_version)
                .map_err(anyhow_app)?;
            let reason = match (reason, active) {
                (Some(reason), _) => ActivationInput {
                    reason: reason.clone(),
                }
                .validate()
                .map_err(|v| anyhow::anyhow!("--reason {v}"))?,
                (None, Some(active)) if active != *version => anyhow::bail!(
                    "replacing the active model {active} needs a reason: --reason \"…\""
                ),
                (None, _) => "activated from the command line".to_string(),
            };
            let at = SystemClock.now_naive();
            let (_, changed) = engine::activate_model(
                &db,
                engine::ActivationRequest {
                    version,
                    by: "cli",
                    reason: &reason,
                    at,
                },
                // The audit entry is written with the activation, in its transaction.
                |conn| {
                    let operator = crate::db::audit::console_operator();
                    crate::db::audit::append(
                        conn,
                        crate::domain::audit::AuditEvent::console(
                            at,
                            &operator,
                            "model activate",
                            &format!("{version}: {reason}"),
                        ),
                    )?;
                    Ok(())
                },
            )
            .map_err(anyhow_app)?;
            if changed {
                println!("model {version} is active");
            } else {
                println!("model {version} was already active");
            }
            Ok(())
        }
        ModelCommand::Compare { version, as_of } => {
            let settings = cli.settings(None)?;
            let db = startup::open_database(&settings)?;
            startup::register_models(&db, &settings, &SystemClock)?;
            let at = SystemClock.now_naive();
            let as_of = as_of.unwrap_or_else(|| SystemClock.today());
            let cache = engine::ModelCache::default();
            let stored =
                crate::service::models::compare_and_store(&db, &cache, version, as_of, "cli", at)
                    .map_err(anyhow_app)?;
            crate::db::audit::append_console(
                &db,
                at,
                "model compare",
                &format!(
                    "{version} against {} as of {as_of}: comparison {}",
                    stored.comparison.champion, stored.id
                ),
            )
            .map_err(anyhow_app)?;
            let report = serde_json::json!({
                "id": stored.id,
                "comparison": stored.comparison,
            });
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
    }
}

fn train(cli: &Cli, args: &TrainArgs) -> anyhow::Result<()> {
    let mut params = TrainParams {
        seed: args.seed,
        lr_weight: args.lr_weight,
        min_lr_weight: args.min_lr_weight,
        ..TrainParams::default()
    };
    let data = if let Some(csv) = &args.csv {
        let label = args
            .label
            .as_deref()
            .expect("clap requires --label with --csv");
        let bad = args.bad.as_deref().expect("clap requires --bad with --csv");
        table::read_csv(csv, label, bad)?
    } else {
        let settings = cli.settings(None)?;
        let db = startup::open_database(&settings)?;
        let as_of = match args.as_of {
            Some(date) => date,
            None => engine::default_training_date(&db)
                .map_err(anyhow_app)?
                .ok_or_else(|| anyhow::anyhow!("the registry holds no records to train on"))?,
        };
        params.as_of = Some(as_of);
        let total = db.read(crate::db::enterprises::count).map_err(anyhow_app)? as u64;
        let bar = progress(total, &format!("features as of {as_of}"));
        let data = engine::training_table(&db, as_of, |n| bar.inc(n)).map_err(anyhow_app)?;
        bar.finish_and_clear();
        data
    };
    eprintln!(
        "training on {} rows ({} bad)",
        data.rows.len(),
        data.n_bad()
    );
    let artifact = model::train(&data, &params)?;
    let path = match &args.out {
        Some(path) => path.clone(),
        None => {
            std::fs::create_dir_all(&cli.models_dir)?;
            cli.models_dir.join(format!("{}.json", artifact.version))
        }
    };
    std::fs::write(&path, artifact.to_json())?;
    eprintln!("wrote model {} to {}", artifact.version, path.display());
    let report = serde_json::json!({
        "version": artifact.version,
        "artifact": path,
        "training": artifact.training,
        "combination": artifact.combination,
        "holdout": artifact.metrics,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

pub fn score_all(cli: &Cli, args: &ScoreArgs) -> anyhow::Result<()> {
    let settings = cli.settings(None)?;
    let db = startup::open_database(&settings)?;
    startup::register_models(&db, &settings, &SystemClock)?;
    let cache = engine::ModelCache::default();
    let model: Arc<LoadedModel> = db.read(|conn| cache.active(conn)).map_err(anyhow_app)?;
    let as_of = args.as_of.unwrap_or_else(|| SystemClock.today());
    let total = db.read(crate::db::enterprises::count).map_err(anyhow_app)? as u64;
    let bar = progress(total, &format!("scoring with {}", model.version));
    let started = std::time::Instant::now();
    let summary = engine::rescore_all(&db, &model, as_of, "cli", SystemClock.now_naive(), |n| {
        bar.inc(n)
    })
    .map_err(anyhow_app)?;
    bar.finish_and_clear();
    crate::db::audit::append_console(
        &db,
        SystemClock.now_naive(),
        "score",
        &format!(
            "{} enterprises as of {as_of} with {}",
            summary.scored, model.version
        ),
    )
    .map_err(anyhow_app)?;
    eprintln!(
        "scored {} enterprises in {:.1} s",
        summary.scored,
        started.elapsed().as_secs_f64()
    );
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}

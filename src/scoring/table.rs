//! Any labelled CSV as a [`TrainingTable`] (`ecredit model train --csv FILE --label COLUMN
//! --bad VALUE`), so the engine can be checked on public credit data.
//!
//! - The first line names the columns; every row must have as many cells (no ragged rows).
//! - Cells are trimmed; an empty cell is a missing value.
//! - A row is bad when its `--label` cell equals `--bad VALUE` as text (after trimming), good
//!   otherwise; an empty label cell is an error, as are a table without bad or without good rows.
//! - Every other column is numeric when all its non-empty cells parse as finite numbers ("NaN"
//!   also counts as missing), else categorical (text levels). Columns get no dimension; numeric
//!   ones let the data show the direction of risk ([`Monotonicity::Auto`](super::binning::Monotonicity::Auto)).
//!
//! [`read_csv_as`] reads new data for a saved model: the columns it names keep the model's kind
//! (and dimension and description), so a level that happens to look like a number stays a level.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use super::features::{FeatureKind, FeatureValue};
use super::model::TrainingTable;
use super::scorecard::ColumnSpec;

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("line {line}: {found} cells, but the header has {expected}")]
    Ragged {
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error("malformed CSV: {0}")]
    Csv(String),
    #[error("no label column {label:?}; the columns are: {}", columns.join(", "))]
    MissingLabel { label: String, columns: Vec<String> },
    #[error("column {0:?} appears twice in the header")]
    DuplicateColumn(String),
    #[error("no columns besides the label")]
    NoFeatures,
    #[error("no data rows")]
    NoRows,
    #[error("line {line}: the label cell is empty")]
    EmptyLabel { line: u64 },
    #[error(
        "no bad rows: no {label:?} cell equals {value:?} (values seen: {})",
        seen.join(", ")
    )]
    NoBadRows {
        label: String,
        value: String,
        seen: Vec<String>,
    },
    #[error("no good rows: every {label:?} cell equals {value:?}")]
    NoGoodRows { label: String, value: String },
    #[error("line {line}: column {column:?} must be numeric, found {value:?}")]
    NotNumeric {
        column: String,
        line: u64,
        value: String,
    },
}

/// Reads `path`, inferring every column's kind.
pub fn read_csv(path: &Path, label: &str, bad_value: &str) -> Result<TrainingTable, TableError> {
    read_csv_as(path, label, bad_value, &[])
}

/// Reads `path`; columns named in `known` (e.g. a saved model's) take its kind, dimension and
/// description, the others are inferred.
pub fn read_csv_as(
    path: &Path,
    label: &str,
    bad_value: &str,
    known: &[ColumnSpec],
) -> Result<TrainingTable, TableError> {
    let file = std::fs::File::open(path).map_err(|source| TableError::Io {
        path: path.display().to_string(),
        source,
    })?;
    read_csv_from(
        std::io::BufReader::new(file),
        &path.display().to_string(),
        label,
        bad_value,
        known,
    )
}

/// [`read_csv_as`] from any reader; `source` names it in the manifest.
pub fn read_csv_from<R: Read>(
    reader: R,
    source: &str,
    label: &str,
    bad_value: &str,
    known: &[ColumnSpec],
) -> Result<TrainingTable, TableError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_string)
        .collect();
    let mut seen = BTreeSet::new();
    if let Some(dup) = header.iter().find(|h| !seen.insert(h.as_str())) {
        return Err(TableError::DuplicateColumn(dup.clone()));
    }
    let label_at =
        header
            .iter()
            .position(|h| h == label)
            .ok_or_else(|| TableError::MissingLabel {
                label: label.to_string(),
                columns: header.clone(),
            })?;
    let feature_at: Vec<usize> = (0..header.len()).filter(|&j| j != label_at).collect();
    if feature_at.is_empty() {
        return Err(TableError::NoFeatures);
    }

    let bad_value = bad_value.trim();
    let mut records = Vec::new();
    let mut bad = Vec::new();
    let mut lines = Vec::new();
    for record in csv.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = &record[label_at];
        if cell.is_empty() {
            return Err(TableError::EmptyLabel { line });
        }
        bad.push(cell == bad_value);
        lines.push(line);
        records.push(record);
    }
    if records.is_empty() {
        return Err(TableError::NoRows);
    }
    if !bad.iter().any(|&b| b) {
        let values: BTreeSet<&str> = records.iter().map(|r| &r[label_at]).collect();
        return Err(TableError::NoBadRows {
            label: label.to_string(),
            value: bad_value.to_string(),
            seen: values.into_iter().take(10).map(str::to_string).collect(),
        });
    }
    if bad.iter().all(|&b| b) {
        return Err(TableError::NoGoodRows {
            label: label.to_string(),
            value: bad_value.to_string(),
        });
    }

    let columns: Vec<ColumnSpec> = feature_at
        .iter()
        .map(|&j| {
            let name = &header[j];
            if let Some(spec) = known.iter().find(|c| &c.name == name) {
                return spec.clone();
            }
            let numeric = records.iter().all(|r| {
                let cell = &r[j];
                cell.is_empty() || parse_number(cell).is_some()
            });
            if numeric {
                ColumnSpec::numeric(name.clone())
            } else {
                ColumnSpec::categorical(name.clone())
            }
        })
        .collect();
    let mut rows = Vec::with_capacity(records.len());
    for (record, &line) in records.iter().zip(&lines) {
        let row = feature_at
            .iter()
            .zip(&columns)
            .map(|(&j, spec)| {
                let cell = &record[j];
                match spec.kind {
                    FeatureKind::Numeric if cell.is_empty() => Ok(FeatureValue::Number(f64::NAN)),
                    FeatureKind::Numeric => parse_number(cell)
                        .map(FeatureValue::Number)
                        .ok_or_else(|| TableError::NotNumeric {
                            column: spec.name.clone(),
                            line,
                            value: cell.to_string(),
                        }),
                    FeatureKind::Categorical => Ok(FeatureValue::Level(
                        (!cell.is_empty()).then(|| cell.to_string()),
                    )),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(row);
    }
    Ok(TrainingTable {
        columns,
        rows,
        bad,
        source: source.to_string(),
    })
}

/// A finite number, or NaN for "NaN"; infinities are not numbers here (the forest rejects them).
fn parse_number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|x| !x.is_infinite())
}

fn csv_error(e: csv::Error) -> TableError {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => TableError::Ragged {
            line: pos.as_ref().map_or(0, |p| p.line()),
            expected: *expected_len as usize,
            found: *len as usize,
        },
        csv::ErrorKind::Io(io) => TableError::Io {
            path: "input".into(),
            source: std::io::Error::new(io.kind(), io.to_string()),
        },
        _ => TableError::Csv(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::binning::Monotonicity;
    use super::*;

    fn read(text: &str, label: &str, bad: &str) -> Result<TrainingTable, TableError> {
        read_csv_from(text.as_bytes(), "test.csv", label, bad, &[])
    }

    const GOOD: &str = "\
age, income ,platform,default,score
31,5200.5,tmall,0,1e2
45,,jd,1,NaN
, 3100 ,,0,7
52,8000,007,yes,8
";

    #[test]
    fn infers_kinds_and_reads_labels_as_text() {
        let t = read(GOOD, "default", "1").unwrap();
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["age", "income", "platform", "score"]);
        let kinds: Vec<FeatureKind> = t.columns.iter().map(|c| c.kind).collect();
        use FeatureKind::*;
        assert_eq!(kinds, [Numeric, Numeric, Categorical, Numeric]);
        assert!(t.columns.iter().all(|c| c.dimension.is_none()));
        assert_eq!(t.columns[0].monotonicity, Monotonicity::Auto);
        assert_eq!(t.columns[0].description, "age");
        assert_eq!(t.bad, [false, true, false, false], "\"yes\" is not \"1\"");
        assert_eq!(t.rows[0][1], FeatureValue::Number(5200.5));
        assert!(t.rows[1][1].as_number().is_nan(), "empty is missing");
        assert!(t.rows[1][3].as_number().is_nan(), "NaN is missing");
        assert!(t.rows[2][0].as_number().is_nan());
        assert_eq!(
            t.rows[2][1],
            FeatureValue::Number(3100.0),
            "cells are trimmed"
        );
        assert_eq!(t.rows[2][2], FeatureValue::Level(None));
        assert_eq!(t.rows[3][2], FeatureValue::Level(Some("007".into())));
        assert_eq!(t.source, "test.csv");
        // The bad value is any text.
        let t = read(GOOD, "default", "yes").unwrap();
        assert_eq!(t.bad, [false, false, false, true]);
    }

    #[test]
    fn known_columns_keep_their_kind() {
        let text = "code,y\n1,b\n2,g\n";
        assert_eq!(
            read(text, "y", "b").unwrap().columns[0].kind,
            FeatureKind::Numeric
        );
        let mut known = ColumnSpec::categorical("code");
        known.description = "shop code".into();
        let t = read_csv_from(text.as_bytes(), "t", "y", "b", &[known.clone()]).unwrap();
        assert_eq!(t.columns[0], known);
        assert_eq!(t.rows[0][0], FeatureValue::Level(Some("1".into())));
        let text = "x,y\nabc,b\n2,g\n";
        let err = read_csv_from(text.as_bytes(), "t", "y", "b", &[ColumnSpec::numeric("x")]);
        assert!(
            matches!(err, Err(TableError::NotNumeric { line: 2, .. })),
            "{err:?}"
        );
    }

    #[test]
    fn rejects_bad_input_clearly() {
        let err = read(GOOD, "target", "1").unwrap_err();
        assert!(matches!(err, TableError::MissingLabel { .. }));
        assert!(
            err.to_string()
                .contains("age, income, platform, default, score"),
            "{err}"
        );
        let err = read(GOOD, "default", "2").unwrap_err();
        assert!(matches!(err, TableError::NoBadRows { .. }));
        assert!(err.to_string().contains("values seen: 0, 1, yes"), "{err}");
        assert!(matches!(
            read("x,y\n1,1\n2,1\n", "y", "1"),
            Err(TableError::NoGoodRows { .. })
        ));
        let err = read("x,y\n1,1\n2,0,5\n", "y", "1").unwrap_err();
        assert!(
            matches!(
                err,
                TableError::Ragged {
                    line: 3,
                    expected: 2,
                    found: 3
                }
            ),
            "{err:?}"
        );
        assert!(matches!(read("x,y\n", "y", "1"), Err(TableError::NoRows)));
        assert!(matches!(
            read("y\n1\n0\n", "y", "1"),
            Err(TableError::NoFeatures)
        ));
        assert!(matches!(
            read("x,x,y\n1,2,1\n", "y", "1"),
            Err(TableError::DuplicateColumn(_))
        ));
        assert!(matches!(
            read("x,y\n1,1\n2,\n", "y", "1"),
            Err(TableError::EmptyLabel { line: 3 })
        ));
        // An infinity is not a number: the column is read as text.
        let t = read("x,y\ninf,1\n2,0\n", "y", "1").unwrap();
        assert_eq!(t.columns[0].kind, FeatureKind::Categorical);
        assert!(matches!(
            read_csv(Path::new("/nonexistent/x.csv"), "y", "1"),
            Err(TableError::Io { .. })
        ));
    }

    #[test]
    fn new_data_is_read_with_the_model_s_kinds() {
        use super::super::model::{TrainParams, default_forest, train};
        // "shop" is categorical in training (it has "x"), but its codes look like numbers.
        let mut text = String::from("shop,y\n");
        for i in 0..300 {
            let shop = ["007", "7", "x"][i % 3];
            let bad = i % 3 == 0 || i % 10 == 1;
            text.push_str(&format!("{shop},{}\n", if bad { "b" } else { "g" }));
        }
        let table = read(&text, "y", "b").unwrap();
        let params = TrainParams {
            forest: default_forest().n_trees(5),
            ..TrainParams::default()
        };
        let model = train(&table, &params).unwrap();
        let fresh = "shop,y\n007,b\n7,g\n007,b\n7,g\n";
        let as_model = read_csv_from(fresh.as_bytes(), "new", "y", "b", &model.columns()).unwrap();
        assert_eq!(as_model.columns[0].kind, FeatureKind::Categorical);
        assert_eq!(as_model.rows[0][0], FeatureValue::Level(Some("007".into())));
        assert_eq!(model.evaluate(&as_model).unwrap().lr.auc, 1.0);
        // Inferred, "007" would be the number 7 and meet the level "7".
        assert_eq!(
            read(fresh, "y", "b").unwrap().columns[0].kind,
            FeatureKind::Numeric
        );
    }

    #[test]
    fn a_read_table_trains() {
        use super::super::model::{TrainParams, default_forest, train};
        let mut text = String::from("a,b,label\n");
        for i in 0..400 {
            let a = f64::from(i % 40);
            let b = ["x", "y", "z"][i as usize % 3];
            let bad = (i * 7919) % 100 < (i % 40) * 2;
            text.push_str(&format!("{a},{b},{}\n", if bad { "B" } else { "G" }));
        }
        let table = read(&text, "label", "B").unwrap();
        let params = TrainParams {
            forest: default_forest().n_trees(10),
            ..TrainParams::default()
        };
        let artifact = train(&table, &params).unwrap();
        assert!(artifact.metrics.lr.auc > 0.6, "{}", artifact.metrics.lr.auc);
    }
}

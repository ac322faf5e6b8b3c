//! Champion and challenger (issue 18, part 5): a trained model version (the challenger) set
//! against the active one (the champion) before it may replace it.
//!
//! Two views, both needed before an activation:
//! - **On the holdout** ([`on_holdout`]): both models predict the rows the challenger held out
//!   of its training (its stratified split, rebuilt from the table and its seed), and each gets
//!   AUC, KS, Brier and calibration there. The champion may have trained on some of those rows
//!   (when it was trained on other data or with another seed), which flatters it: the
//!   comparison is then conservative against the challenger, and says so.
//! - **On the population** ([`GradeMigration`]): every enterprise graded by both as of one date;
//!   how many move from each grade to each grade, and the population stability of each model's
//!   scores against its own training population. This is what a regulator reads before
//!   activating: who would be regraded, and how far.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::grade::Grade;
use super::metrics::{PSI_EPSILON, PairedAuc, Psi, paired_auc};
use super::model::{
    EvaluateError, ModelArtifact, ModelMetrics, Prediction, TrainingTable, metrics_of,
    stratified_split,
};

/// Both models' metrics on the challenger's holdout rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutComparison {
    /// Where the rows come from (the registry as of the challenger's training date).
    pub source: String,
    pub rows: usize,
    pub bads: usize,
    /// Whether the table has the challenger's training shape (as many rows and bads), so that
    /// the rebuilt split is the very holdout it was measured on; false when the registry has
    /// changed since it was trained.
    pub same_as_training: bool,
    /// Whether the champion held out these very rows too (same table and seed); when false it
    /// may have trained on some of them.
    pub shared_holdout: bool,
    pub champion: ModelMetrics,
    pub challenger: ModelMetrics,
    /// Whether the challenger's AUC differs from the champion's by more than chance, on these
    /// rows (DeLong's test; `first` is the champion).
    pub auc_difference: PairedAucs,
}

/// DeLong's test of each model family and of the combined PD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedAucs {
    pub lr: PairedAuc,
    pub rf: PairedAuc,
    pub combined: PairedAuc,
}

impl PairedAucs {
    fn of(
        first: &[Prediction],
        second: &[Prediction],
        bad: &[bool],
    ) -> Result<Self, EvaluateError> {
        let test = |pd: fn(&Prediction) -> f64| {
            let a: Vec<f64> = first.iter().map(pd).collect();
            let b: Vec<f64> = second.iter().map(pd).collect();
            paired_auc(&a, &b, bad)
        };
        Ok(PairedAucs {
            lr: test(|p| p.pd_lr)?,
            rf: test(|p| p.pd_rf)?,
            combined: test(|p| p.pd)?,
        })
    }
}

/// Both models on the holdout rows of `challenger`'s split of `table` (see the module
/// documentation).
pub fn on_holdout(
    champion: &ModelArtifact,
    challenger: &ModelArtifact,
    table: &TrainingTable,
) -> Result<HoldoutComparison, EvaluateError> {
    let holdout = stratified_split(&table.bad, challenger.training.seed).holdout;
    let rows: TrainingTable = TrainingTable {
        columns: table.columns.clone(),
        rows: holdout.iter().map(|&i| table.rows[i].clone()).collect(),
        bad: holdout.iter().map(|&i| table.bad[i]).collect(),
        source: table.source.clone(),
    };
    let bads = rows.n_bad();
    let same_shape = |model: &ModelArtifact| {
        model.training.rows == table.rows.len() && model.training.bads == table.n_bad()
    };
    let same_as_training = same_shape(challenger);
    let shared_holdout = same_as_training
        && same_shape(champion)
        && champion.training.as_of == challenger.training.as_of
        && champion.training.seed == challenger.training.seed;
    let champion_pds = champion.predictions(&rows)?;
    let challenger_pds = challenger.predictions(&rows)?;
    Ok(HoldoutComparison {
        source: table.source.clone(),
        rows: rows.rows.len(),
        bads,
        same_as_training,
        shared_holdout,
        champion: metrics_of(&champion_pds, &rows.bad)?,
        challenger: metrics_of(&challenger_pds, &rows.bad)?,
        auc_difference: PairedAucs::of(&champion_pds, &challenger_pds, &rows.bad)?,
    })
}

/// How enterprises move between grades from the champion to the challenger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeMigration {
    /// The grades, best first: the order of the rows and columns of `counts`.
    pub grades: Vec<Grade>,
    /// `counts[i][j]`: enterprises graded `grades[i]` by the champion and `grades[j]` by the
    /// challenger.
    pub counts: Vec<Vec<u64>>,
    pub enterprises: u64,
    pub unchanged: u64,
    /// Graded better by the challenger.
    pub upgraded: u64,
    pub downgraded: u64,
    /// Moved two grades or more, either way.
    pub moved_two_or_more: u64,
    /// Population stability of the challenger's grade distribution against the champion's
    /// (shares floored at [`PSI_EPSILON`]).
    pub grade_psi: f64,
}

impl Default for GradeMigration {
    fn default() -> Self {
        let n = Grade::ALL.len();
        GradeMigration {
            grades: Grade::ALL.to_vec(),
            counts: vec![vec![0; n]; n],
            enterprises: 0,
            unchanged: 0,
            upgraded: 0,
            downgraded: 0,
            moved_two_or_more: 0,
            grade_psi: 0.0,
        }
    }
}

impl GradeMigration {
    /// Counts one enterprise; call [`Self::finish`] when all are in.
    pub fn add(&mut self, champion: Grade, challenger: Grade) {
        self.counts[champion.rank()][challenger.rank()] += 1;
    }

    /// Adds the counts of another (e.g. one chunk's).
    pub fn merge(&mut self, other: &GradeMigration) {
        for (row, other_row) in self.counts.iter_mut().zip(&other.counts) {
            for (c, o) in row.iter_mut().zip(other_row) {
                *c += o;
            }
        }
    }

    /// Fills the totals and the grade PSI from the counts.
    pub fn finish(mut self) -> Self {
        let (mut unchanged, mut upgraded, mut downgraded, mut far) = (0, 0, 0, 0);
        for (i, row) in self.counts.iter().enumerate() {
            for (j, &c) in row.iter().enumerate() {
                match j.cmp(&i) {
                    std::cmp::Ordering::Equal => unchanged += c,
                    std::cmp::Ordering::Less => upgraded += c,
                    std::cmp::Ordering::Greater => downgraded += c,
                }
                if i.abs_diff(j) >= 2 {
                    far += c;
                }
            }
        }
        self.enterprises = unchanged + upgraded + downgraded;
        self.unchanged = unchanged;
        self.upgraded = upgraded;
        self.downgraded = downgraded;
        self.moved_two_or_more = far;
        self.grade_psi = grade_psi(&self.champion_grades(), &self.challenger_grades());
        self
    }

    /// Enterprises per grade under the champion (row sums), best first.
    pub fn champion_grades(&self) -> Vec<u64> {
        self.counts.iter().map(|row| row.iter().sum()).collect()
    }

    /// Enterprises per grade under the challenger (column sums), best first.
    pub fn challenger_grades(&self) -> Vec<u64> {
        (0..self.grades.len())
            .map(|j| self.counts.iter().map(|row| row[j]).sum())
            .collect()
    }
}

/// PSI of two distributions over the same categories.
fn grade_psi(expected: &[u64], actual: &[u64]) -> f64 {
    let total = |counts: &[u64]| counts.iter().sum::<u64>().max(1) as f64;
    let (n_expected, n_actual) = (total(expected), total(actual));
    expected
        .iter()
        .zip(actual)
        .map(|(&e, &a)| {
            let e = (e as f64 / n_expected).max(PSI_EPSILON);
            let a = (a as f64 / n_actual).max(PSI_EPSILON);
            (a - e) * (a / e).ln()
        })
        .sum()
}

/// Both models on the registry's population as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationComparison {
    pub as_of: NaiveDate,
    /// Grades after the policy overrides (blacklist, serious events), before the upgrade rule.
    pub migration: GradeMigration,
    /// Each model's scores of the population against its own training population; absent when
    /// there is no enterprise to score.
    pub champion_psi: Option<Psi>,
    pub challenger_psi: Option<Psi>,
}

/// A challenger set against the champion: what a regulator reads before activating it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelComparison {
    pub champion: String,
    pub challenger: String,
    /// Absent when the holdout cannot be rebuilt (`holdout_missing` says why).
    pub holdout: Option<HoldoutComparison>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub holdout_missing: Option<String>,
    pub population: PopulationComparison,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::model::tests::{small_params, synthetic_table};
    use crate::scoring::model::train;

    #[test]
    fn holdout_metrics_are_each_models_own_evaluation_of_the_challengers_holdout() {
        let table = synthetic_table(3000, 7);
        let champion = train(&table, &small_params(1)).unwrap();
        let challenger = train(&table, &small_params(2)).unwrap();
        let compared = on_holdout(&champion, &challenger, &table).unwrap();
        let holdout = stratified_split(&table.bad, 2).holdout;
        assert_eq!(compared.rows, holdout.len());
        assert!(compared.same_as_training);
        // Another seed: the champion trained on some of the challenger's holdout.
        assert!(!compared.shared_holdout);
        // The challenger's own holdout is the one its manifest measured.
        assert_eq!(compared.challenger, challenger.metrics);
        let rows = TrainingTable {
            rows: holdout.iter().map(|&i| table.rows[i].clone()).collect(),
            bad: holdout.iter().map(|&i| table.bad[i]).collect(),
            ..table.clone()
        };
        assert_eq!(compared.champion, champion.evaluate(&rows).unwrap());
        assert_eq!(compared.bads, rows.n_bad());
        let combined = compared.auc_difference.combined;
        assert_eq!(combined.first, compared.champion.combined.auc);
        assert_eq!(combined.second, compared.challenger.combined.auc);
        assert!(combined.p_value > 0.0 && combined.p_value <= 1.0);

        let same_seed = train(&table, &small_params(2)).unwrap();
        let shared = on_holdout(&same_seed, &challenger, &table).unwrap();
        assert!(shared.shared_holdout);
        // The same model twice: no difference at all.
        assert_eq!(shared.auc_difference.combined.difference, 0.0);
        assert_eq!(shared.auc_difference.combined.p_value, 1.0);
    }

    #[test]
    fn a_changed_table_is_not_the_training_holdout() {
        let table = synthetic_table(2000, 3);
        let model = train(&table, &small_params(5)).unwrap();
        let grown = synthetic_table(2100, 3);
        let compared = on_holdout(&model, &model, &grown).unwrap();
        assert!(!compared.same_as_training);
        assert!(!compared.shared_holdout);
    }

    #[test]
    fn the_migration_counts_moves_by_direction_and_distance() {
        let mut migration = GradeMigration::default();
        migration.add(Grade::A, Grade::A);
        migration.add(Grade::A, Grade::Aa); // up one
        migration.add(Grade::Bbb, Grade::Aaa); // up three
        migration.add(Grade::Bb, Grade::B); // down one
        let mut other = GradeMigration::default();
        other.add(Grade::Aaa, Grade::Bbb); // down three
        migration.merge(&other);
        let migration = migration.finish();
        assert_eq!(migration.enterprises, 5);
        assert_eq!(migration.unchanged, 1);
        assert_eq!(migration.upgraded, 2);
        assert_eq!(migration.downgraded, 2);
        assert_eq!(migration.moved_two_or_more, 2);
        assert_eq!(migration.counts[Grade::Bbb.rank()][Grade::Aaa.rank()], 1);
        assert_eq!(migration.champion_grades(), vec![1, 0, 2, 1, 1, 0, 0, 0, 0]);
        assert_eq!(
            migration.challenger_grades(),
            vec![1, 1, 1, 1, 0, 1, 0, 0, 0]
        );
        assert!(migration.grade_psi > 0.0);
    }

    #[test]
    fn the_same_grades_have_no_grade_shift() {
        let mut migration = GradeMigration::default();
        for grade in Grade::ALL {
            migration.add(*grade, *grade);
        }
        let migration = migration.finish();
        assert_eq!(migration.unchanged, 9);
        assert_eq!(migration.grade_psi, 0.0);
        assert_eq!(migration.moved_two_or_more, 0);
    }
}

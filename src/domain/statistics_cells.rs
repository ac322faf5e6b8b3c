//! The statistics kept on write (issue 17): how one enterprise's operating records become its
//! quarterly figures, how those become its figures for a year, and how a change to either, or to
//! what the enterprise is (region, industry, status, grade, business models), moves the sums of
//! the cells the statistics read. Pure arithmetic; `db::statistics_cells` stores it.
//!
//! A cell is one combination of what a breakdown can group by and filter on: a period (a year,
//! or none for the registry's population), a dimension and its value, a district and an
//! industry. A breakdown or a trend then sums a few thousand cells instead of a year of records.
//! Cells only ever receive signed additions, so that concurrent writers append instead of
//! updating shared rows; the store merges them later.

use std::collections::HashMap;

use super::enterprise::BusinessModel;
use super::statistics::{METRICS, Quarter};

/// One enterprise's operating figures for one calendar quarter: its quarterly record if it filed
/// one, else the sums of its monthly records (the employees: their mean). `None`: not reported.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QuarterFigures {
    pub online_sales: Option<f64>,
    pub orders: Option<f64>,
    pub cross_border: Option<f64>,
    pub employees: Option<f64>,
    pub tax: Option<f64>,
    /// Refund rate × orders, over the records that give a refund rate.
    pub refunded: Option<f64>,
    /// The orders of the records that give a refund rate.
    pub refund_base: Option<f64>,
    pub complaints: Option<f64>,
}

/// One enterprise's figures for a calendar year, from its quarters of that year: the sums of the
/// quarters, the employees their mean; `None` when no quarter gives the figure. In the order of
/// `GroupTotals::metrics`: online sales, orders, cross-border trade, employees, tax paid.
pub fn year_figures<'a>(
    quarters: impl IntoIterator<Item = &'a QuarterFigures>,
) -> [Option<f64>; METRICS] {
    let mut sums = [None::<f64>; METRICS];
    let mut counted = [0u32; METRICS];
    for q in quarters {
        let values = [q.online_sales, q.orders, q.cross_border, q.employees, q.tax];
        for (m, value) in values.into_iter().enumerate() {
            if let Some(v) = value {
                sums[m] = Some(sums[m].unwrap_or(0.0) + v);
                counted[m] += 1;
            }
        }
    }
    const EMPLOYEES: usize = 3;
    sums[EMPLOYEES] = sums[EMPLOYEES].map(|total| total / f64::from(counted[EMPLOYEES]));
    sums
}

/// What the statistics group an enterprise by, as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseDims {
    pub region_code: String,
    pub industry: String,
    pub status: String,
    /// The current published grade; `None` when never scored.
    pub grade: Option<String>,
    /// Its business models, each once, in a fixed order.
    pub business_models: Vec<&'static str>,
}

impl EnterpriseDims {
    /// From the stored columns: the business models are the JSON array the registry keeps.
    pub fn from_stored(
        region_code: String,
        industry: String,
        status: String,
        grade: Option<String>,
        business_models_json: &str,
    ) -> EnterpriseDims {
        let listed: Vec<String> = serde_json::from_str(business_models_json).unwrap_or_default();
        let business_models = BusinessModel::ALL
            .iter()
            .map(|m| m.as_str())
            .filter(|m| listed.iter().any(|l| l == m))
            .collect();
        EnterpriseDims {
            region_code,
            industry,
            status,
            grade,
            business_models,
        }
    }

    /// The (dimension, value) pairs this enterprise counts under: every enterprise under `all`,
    /// its status, its grade (`unscored` without one) and each of its business models.
    pub fn groups(&self) -> Vec<(&'static str, String)> {
        let mut groups = vec![
            (DIM_ALL, String::new()),
            (DIM_STATUS, self.status.clone()),
            (
                DIM_GRADE,
                self.grade.clone().unwrap_or_else(|| UNSCORED.to_string()),
            ),
        ];
        groups.extend(
            self.business_models
                .iter()
                .map(|m| (DIM_BUSINESS_MODEL, (*m).to_string())),
        );
        groups
    }
}

pub const DIM_ALL: &str = "all";
pub const DIM_STATUS: &str = "status";
pub const DIM_GRADE: &str = "grade";
pub const DIM_BUSINESS_MODEL: &str = "business_model";
/// The grade group of enterprises never scored.
pub const UNSCORED: &str = "unscored";

/// A cell of the yearly figures; `period` is the year, or empty for the population.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearCell {
    pub period: String,
    pub dim: &'static str,
    pub key: String,
    pub region_code: String,
    pub industry: String,
}

/// A signed addition to a year cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct YearCellDelta {
    /// Enterprises (population cells only).
    pub enterprises: i64,
    /// Enterprises that filed figures for the year.
    pub reporting: i64,
    pub sums: [f64; METRICS],
    /// How many enterprises give each figure.
    pub counts: [i64; METRICS],
}

/// A cell of the quarterly trend: a quarter, a district, an industry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuarterCell {
    pub quarter: String,
    pub region_code: String,
    pub industry: String,
}

/// A signed addition to a quarter cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QuarterCellDelta {
    pub reporting: i64,
    pub online_sales: f64,
    pub orders: f64,
    pub refunded: f64,
    pub refund_base: f64,
    pub refund_reporting: i64,
    pub complaints: f64,
    pub complaints_reporting: i64,
}

impl YearCellDelta {
    fn is_zero(&self) -> bool {
        self.enterprises == 0
            && self.reporting == 0
            && self.counts.iter().all(|&n| n == 0)
            && self.sums.iter().all(|&s| s == 0.0)
    }
}

impl QuarterCellDelta {
    fn is_zero(&self) -> bool {
        *self == QuarterCellDelta::default()
    }
}

/// The additions one write makes to the cells, netted per cell.
#[derive(Debug, Default)]
pub struct CellChanges {
    years: HashMap<YearCell, YearCellDelta>,
    quarters: HashMap<QuarterCell, QuarterCellDelta>,
}

impl CellChanges {
    /// Counts the enterprise in (`sign` 1) or out of (−1) the population cells of `dims`.
    pub fn population(&mut self, dims: &EnterpriseDims, sign: i64) {
        for (dim, key) in dims.groups() {
            let cell = YearCell {
                period: String::new(),
                dim,
                key,
                region_code: dims.region_code.clone(),
                industry: dims.industry.clone(),
            };
            self.years.entry(cell).or_default().enterprises += sign;
        }
    }

    /// Adds (`sign` 1) or takes away (−1) an enterprise's figures for `year` in the cells of
    /// `dims`; nothing when it filed nothing that year.
    pub fn year(
        &mut self,
        dims: &EnterpriseDims,
        year: i32,
        quarters: &[&QuarterFigures],
        sign: i64,
    ) {
        if quarters.is_empty() {
            return;
        }
        let figures = year_figures(quarters.iter().copied());
        for (dim, key) in dims.groups() {
            let cell = YearCell {
                period: year.to_string(),
                dim,
                key,
                region_code: dims.region_code.clone(),
                industry: dims.industry.clone(),
            };
            let delta = self.years.entry(cell).or_default();
            delta.reporting += sign;
            for (m, value) in figures.iter().enumerate() {
                if let Some(v) = value {
                    delta.sums[m] += sign as f64 * v;
                    delta.counts[m] += sign;
                }
            }
        }
    }

    /// Adds or takes away an enterprise's figures for one quarter in the trend cells.
    pub fn quarter(
        &mut self,
        dims: &EnterpriseDims,
        quarter: Quarter,
        figures: &QuarterFigures,
        sign: i64,
    ) {
        let cell = QuarterCell {
            quarter: quarter.label(),
            region_code: dims.region_code.clone(),
            industry: dims.industry.clone(),
        };
        let s = sign as f64;
        let delta = self.quarters.entry(cell).or_default();
        delta.reporting += sign;
        delta.online_sales += s * figures.online_sales.unwrap_or(0.0);
        delta.orders += s * figures.orders.unwrap_or(0.0);
        if let Some(base) = figures.refund_base {
            delta.refund_base += s * base;
            delta.refunded += s * figures.refunded.unwrap_or(0.0);
            delta.refund_reporting += sign;
        }
        if let Some(c) = figures.complaints {
            delta.complaints += s * c;
            delta.complaints_reporting += sign;
        }
    }

    /// Adds or takes away all of an enterprise's quarters (each year and each quarter) under
    /// `dims`: what moving an enterprise from one group to another does.
    pub fn enterprise(
        &mut self,
        dims: &EnterpriseDims,
        quarters: &[(Quarter, QuarterFigures)],
        sign: i64,
    ) {
        for (quarter, figures) in quarters {
            self.quarter(dims, *quarter, figures, sign);
        }
        self.enterprise_years(dims, quarters, sign);
    }

    /// [`CellChanges::enterprise`] for the year cells only: what a move that keeps the district
    /// and the industry (a new grade, status or business model) changes, the trend cells being
    /// keyed by those two alone.
    pub fn enterprise_years(
        &mut self,
        dims: &EnterpriseDims,
        quarters: &[(Quarter, QuarterFigures)],
        sign: i64,
    ) {
        let mut years: std::collections::BTreeMap<i32, Vec<&QuarterFigures>> = Default::default();
        for (quarter, figures) in quarters {
            years.entry(quarter.year).or_default().push(figures);
        }
        for (year, figures) in years {
            self.year(dims, year, &figures, sign);
        }
    }

    /// The year cells that change, in key order (the order the store writes them in).
    pub fn year_cells(&self) -> Vec<(&YearCell, &YearCellDelta)> {
        let mut cells: Vec<_> = self.years.iter().filter(|(_, d)| !d.is_zero()).collect();
        cells.sort_by(|a, b| a.0.cmp(b.0));
        cells
    }

    /// The quarter cells that change, in key order.
    pub fn quarter_cells(&self) -> Vec<(&QuarterCell, &QuarterCellDelta)> {
        let mut cells: Vec<_> = self.quarters.iter().filter(|(_, d)| !d.is_zero()).collect();
        cells.sort_by(|a, b| a.0.cmp(b.0));
        cells
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(grade: Option<&str>) -> EnterpriseDims {
        EnterpriseDims::from_stored(
            "330106".into(),
            "retail".into(),
            "active".into(),
            grade.map(String::from),
            r#"["b2c","live_streaming","b2c"]"#,
        )
    }

    fn quarter(sales: f64, employees: Option<f64>) -> QuarterFigures {
        QuarterFigures {
            online_sales: Some(sales),
            orders: Some(10.0),
            employees,
            ..Default::default()
        }
    }

    #[test]
    fn a_year_sums_its_quarters_and_averages_the_headcount() {
        let q = [
            quarter(1.0, Some(4.0)),
            quarter(2.5, None),
            quarter(3.0, Some(8.0)),
        ];
        let y = year_figures(&q);
        assert_eq!(y[0], Some(6.5));
        assert_eq!(y[1], Some(30.0));
        assert_eq!(y[2], None, "nobody gave cross-border trade");
        assert_eq!(y[3], Some(6.0), "the mean of the quarters that give it");
    }

    #[test]
    fn business_models_count_once_each_in_a_fixed_order() {
        let d = dims(None);
        assert_eq!(d.business_models, vec!["b2c", "live_streaming"]);
        let groups = d.groups();
        assert!(groups.contains(&(DIM_GRADE, UNSCORED.to_string())));
        assert_eq!(groups.len(), 5);
    }

    #[test]
    fn moving_an_enterprise_between_grades_leaves_the_other_cells_alone() {
        let quarters = [
            (
                Quarter {
                    year: 2025,
                    quarter: 4,
                },
                quarter(5.0, Some(3.0)),
            ),
            (
                Quarter {
                    year: 2026,
                    quarter: 1,
                },
                quarter(7.0, Some(3.0)),
            ),
        ];
        let mut changes = CellChanges::default();
        changes.enterprise(&dims(Some("A")), &quarters, -1);
        changes.population(&dims(Some("A")), -1);
        changes.enterprise(&dims(Some("BBB")), &quarters, 1);
        changes.population(&dims(Some("BBB")), 1);
        assert!(changes.quarter_cells().is_empty());
        let moved: Vec<_> = changes.year_cells();
        assert!(
            moved.iter().all(|(cell, _)| cell.dim == DIM_GRADE),
            "{moved:?}"
        );
        // Population, 2025 and 2026, out of A and into BBB.
        assert_eq!(moved.len(), 6);
        let into_bbb_2026 = moved
            .iter()
            .find(|(c, _)| c.key == "BBB" && c.period == "2026")
            .unwrap()
            .1;
        assert_eq!(into_bbb_2026.reporting, 1);
        assert_eq!(into_bbb_2026.sums[0], 7.0);
    }

    #[test]
    fn a_quarter_without_refund_rates_adds_nothing_to_the_refund_base() {
        let mut changes = CellChanges::default();
        let q = Quarter {
            year: 2026,
            quarter: 2,
        };
        changes.quarter(&dims(None), q, &quarter(1.0, None), 1);
        let (_, delta) = changes.quarter_cells()[0];
        assert_eq!(delta.refund_reporting, 0);
        assert_eq!(delta.reporting, 1);
        assert_eq!(delta.complaints_reporting, 0);
    }
}

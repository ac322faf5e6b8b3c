//! Statistics for regulators (seed 000): what may be published of an aggregate, and the calendar
//! quarters trends are reported in. Pure rules; the sums themselves are computed in SQL.
//!
//! Confidentiality (seed 000 §15): individual enterprises' figures are confidential, so no
//! published aggregate may rest on fewer than [`MIN_CONTRIBUTORS`] enterprises. Two rules:
//!
//! 1. *Primary suppression*: a group with 1 or 2 contributing enterprises is suppressed (its
//!    count and figures are withheld). A group of 0 reveals nothing and is published as is.
//! 2. *Differencing guard* (secondary suppression): a breakdown also publishes its total, so the
//!    suppressed groups together could be recovered as the total minus the published groups. While
//!    the suppressed groups together hold fewer than [`MIN_CONTRIBUTORS`] enterprises, the smallest
//!    published non-empty group is suppressed as well. In particular, when exactly one group is
//!    suppressed, the next smallest one is too. The total itself is suppressed when it rests on
//!    fewer than [`MIN_CONTRIBUTORS`] enterprises.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::scoring::grade::Grade;

/// The least number of enterprises a published aggregate may rest on.
pub const MIN_CONTRIBUTORS: i64 = 3;

/// Primary suppression: does an aggregate over `contributors` enterprises have to be withheld?
pub fn is_confidential(contributors: i64) -> bool {
    contributors > 0 && contributors < MIN_CONTRIBUTORS
}

/// Which groups of one breakdown to suppress, given how many enterprises each rests on (in any
/// order): primary suppression of small groups, then the differencing guard described in the
/// module documentation. `true` means suppressed.
pub fn suppression_mask(contributors: &[i64]) -> Vec<bool> {
    protect(contributors, &vec![false; contributors.len()])
}

/// [`suppression_mask`] where the groups marked in `forced` are withheld already (a figure of a
/// group whose count is suppressed): they count as hidden for the differencing guard.
pub fn protect(contributors: &[i64], forced: &[bool]) -> Vec<bool> {
    let mut mask: Vec<bool> = contributors
        .iter()
        .zip(forced)
        .map(|(&n, &f)| f || is_confidential(n))
        .collect();
    loop {
        let hidden: i64 = contributors
            .iter()
            .zip(&mask)
            .filter(|(_, s)| **s)
            .map(|(n, _)| *n)
            .sum();
        if hidden == 0 || hidden >= MIN_CONTRIBUTORS {
            return mask;
        }
        // The smallest published group that holds anyone; ties go to the first.
        let next = contributors
            .iter()
            .enumerate()
            .filter(|(i, n)| !mask[*i] && **n > 0)
            .min_by_key(|(_, n)| **n)
            .map(|(i, _)| i);
        match next {
            Some(i) => mask[i] = true,
            // Nothing left to hide behind: the total (checked on its own) gives nothing more away.
            None => return mask,
        }
    }
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            quarter: (date.month() - 1) / 3 + 1,
        }
    }

    /// The label operating records use for a quarterly period, e.g. `2026-Q3`.
    pub fn label(self) -> String {
        format!("{}-Q{}", self.year, self.quarter)
    }

    pub fn parse(label: &str) -> Option<Quarter> {
        let (year, q) = label.split_once("-Q")?;
        let quarter: u32 = q.parse().ok()?;
        (1..=4).contains(&quarter).then_some(())?;
        Some(Quarter {
            year: year.parse().ok()?,
            quarter,
        })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.quarter - 1) * 3 + 1, 1)
            .expect("quarters start on valid dates")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("dates go back")
    }

    pub fn next(self) -> Quarter {
        if self.quarter == 4 {
            Quarter {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Quarter {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    pub fn previous(self) -> Quarter {
        if self.quarter == 1 {
            Quarter {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Quarter {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// The `count` quarters ending with the one `today` lies in, oldest first.
    pub fn last(count: u32, today: NaiveDate) -> Vec<Quarter> {
        let mut quarters = Vec::with_capacity(count as usize);
        let mut q = Quarter::of(today);
        for _ in 0..count {
            quarters.push(q);
            q = q.previous();
        }
        quarters.reverse();
        quarters
    }
}

/// A mean that is undefined over nobody.
pub fn mean(total: f64, count: i64) -> Option<f64> {
    (count > 0).then(|| total / count as f64)
}

crate::text_enum! {
    /// What `GET /statistics/enterprises` groups by.
    pub enum GroupBy {
        Region = "region",
        Industry = "industry",
        BusinessModel = "business_model",
        /// The current published grade; enterprises never scored form the group `unscored`.
        Grade = "grade",
        Status = "status",
    }
}

crate::text_enum! {
    /// The level of GB/T 2260 region codes a region breakdown groups at.
    pub enum RegionLevel {
        /// The first two digits (`33`).
        Province = "province",
        /// The first four digits (`3301`).
        City = "city",
        /// The whole code (`330106`).
        District = "district",
    }
}

impl RegionLevel {
    /// How many leading digits of the region code name a group.
    pub fn digits(self) -> usize {
        match self {
            RegionLevel::Province => 2,
            RegionLevel::City => 4,
            RegionLevel::District => 6,
        }
    }
}

/// The operating figures a breakdown reports, in the order of [`GroupTotals::metrics`].
pub const METRICS: usize = 5;

/// One figure summed over the enterprises of a group, as the database computes it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MetricTotal {
    /// `None` when nobody reported the figure.
    pub total: Option<f64>,
    /// How many enterprises reported it.
    pub contributors: i64,
}

/// The raw aggregates of one group of a breakdown. Per enterprise, the figures of the year are
/// the sums of its periods (the employees: the mean headcount of its periods).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTotals {
    pub key: String,
    /// Enterprises in the group.
    pub enterprises: i64,
    /// Of those, how many filed operating figures for the year.
    pub reporting: i64,
    /// Online sales, orders, cross-border trade, employees, tax paid.
    pub metrics: [MetricTotal; METRICS],
}

impl GroupTotals {
    /// The total of groups that partition the enterprises (no enterprise in two of them).
    pub fn sum(key: &str, groups: &[GroupTotals]) -> GroupTotals {
        let metrics = std::array::from_fn(|m| MetricTotal {
            total: groups
                .iter()
                .filter_map(|g| g.metrics[m].total)
                .reduce(|a, b| a + b),
            contributors: groups.iter().map(|g| g.metrics[m].contributors).sum(),
        });
        GroupTotals {
            key: key.to_string(),
            enterprises: groups.iter().map(|g| g.enterprises).sum(),
            reporting: groups.iter().map(|g| g.reporting).sum(),
            metrics,
        }
    }
}

/// One figure of a group as published: null when suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Figure {
    /// The sum over the reporting enterprises.
    pub total: Option<f64>,
    /// The mean per reporting enterprise.
    pub mean: Option<f64>,
    /// How many enterprises reported this figure.
    pub enterprises: Option<i64>,
    /// True when withheld (fewer than 3 enterprises, or to keep another withheld figure from
    /// being recovered by subtraction).
    pub suppressed: bool,
}

impl Figure {
    fn of(metric: MetricTotal, suppressed: bool) -> Figure {
        if suppressed {
            return Figure {
                total: None,
                mean: None,
                enterprises: None,
                suppressed,
            };
        }
        Figure {
            total: Some(metric.total.unwrap_or(0.0)),
            mean: metric.total.and_then(|t| mean(t, metric.contributors)),
            enterprises: Some(metric.contributors),
            suppressed,
        }
    }
}

/// One group of a breakdown as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupStatistics {
    /// The region code prefix, industry, business model, grade (or `unscored`) or status; `total`
    /// for the total.
    pub key: String,
    /// True when the group rests on fewer than 3 enterprises (or is withheld so that such a
    /// group cannot be recovered from the total): its count and figures are null.
    pub suppressed: bool,
    /// Enterprises in the group; null ("fewer than 3") when suppressed.
    pub enterprises: Option<i64>,
    /// Of those, how many filed operating figures for the year.
    pub reporting_enterprises: Option<i64>,
    pub online_sales: Figure,
    pub orders: Figure,
    pub cross_border_trade: Figure,
    /// Per enterprise the mean headcount over its periods of the year.
    pub employees: Figure,
    pub tax_paid: Figure,
}

impl GroupStatistics {
    fn of(group: &GroupTotals, suppressed: bool, figures: [bool; METRICS]) -> GroupStatistics {
        let figure = |i: usize| Figure::of(group.metrics[i], suppressed || figures[i]);
        GroupStatistics {
            key: group.key.clone(),
            suppressed,
            enterprises: (!suppressed).then_some(group.enterprises),
            reporting_enterprises: (!suppressed).then_some(group.reporting),
            online_sales: figure(0),
            orders: figure(1),
            cross_border_trade: figure(2),
            employees: figure(3),
            tax_paid: figure(4),
        }
    }
}

/// Publishes a breakdown and its total under the confidentiality rules of the module
/// documentation: a group is suppressed by its enterprise count, and each figure again by the
/// number of enterprises that reported it; both with the differencing guard.
pub fn publish_breakdown(
    groups: &[GroupTotals],
    total: &GroupTotals,
) -> (Vec<GroupStatistics>, GroupStatistics) {
    let counts: Vec<i64> = groups.iter().map(|g| g.enterprises).collect();
    let group_mask = suppression_mask(&counts);
    let metric_masks: Vec<Vec<bool>> = (0..METRICS)
        .map(|m| {
            let contributors: Vec<i64> = groups.iter().map(|g| g.metrics[m].contributors).collect();
            protect(&contributors, &group_mask)
        })
        .collect();
    let published = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let figures = std::array::from_fn(|m| metric_masks[m][i]);
            GroupStatistics::of(g, group_mask[i], figures)
        })
        .collect();
    let total_figures = std::array::from_fn(|m| is_confidential(total.metrics[m].contributors));
    let total = GroupStatistics::of(total, is_confidential(total.enterprises), total_figures);
    (published, total)
}

/// One quarter of operating figures over all reporting enterprises, as the database computes
/// it. An enterprise's quarter is its quarterly record if it filed one, else the sum of its
/// monthly records of the quarter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuarterTotals {
    pub quarter: String,
    pub reporting: i64,
    pub online_sales: f64,
    pub orders: f64,
    /// Sum of refund rate × orders, over the records that give a refund rate.
    pub refunded_orders: f64,
    /// Sum of the orders of the records that give a refund rate.
    pub refund_base: f64,
    /// Enterprises whose quarter gives a refund rate.
    pub refund_reporting: i64,
    pub complaints: f64,
    /// Enterprises whose quarter gives complaints.
    pub complaints_reporting: i64,
}

/// One calendar quarter of the trends as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuarterStatistics {
    /// E.g. `2026-Q3`.
    pub quarter: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// False for the quarter that is still running: its figures are partial.
    pub complete: bool,
    /// True when fewer than 3 enterprises reported: the figures are null.
    pub suppressed: bool,
    /// Enterprises with figures for the quarter (null when suppressed).
    pub reporting_enterprises: Option<i64>,
    pub online_sales: Option<f64>,
    pub orders: Option<f64>,
    /// Refunds per order, weighted by orders; null when fewer than 3 enterprises gave a rate.
    pub refund_rate: Option<f64>,
    /// Complaints received; null when fewer than 3 enterprises gave the number.
    pub complaints: Option<f64>,
}

/// Publishes the trend of `quarters` (oldest first) from what the database found (quarters
/// without any record are absent from `found`): quarters with fewer than 3 reporting enterprises
/// are suppressed, and so are the refund rate and complaints when fewer than 3 enterprises gave
/// them. Quarters do not partition a published total, so no differencing guard is needed.
pub fn publish_trend(
    quarters: &[Quarter],
    found: &[QuarterTotals],
    today: NaiveDate,
) -> Vec<QuarterStatistics> {
    quarters
        .iter()
        .map(|q| {
            let label = q.label();
            let t = found
                .iter()
                .find(|t| t.quarter == label)
                .cloned()
                .unwrap_or_default();
            let suppressed = is_confidential(t.reporting);
            let shown = |ok: bool, v: f64| (!suppressed && ok).then_some(v);
            QuarterStatistics {
                quarter: label,
                first_day: q.first_day(),
                last_day: q.last_day(),
                complete: q.last_day() < today,
                suppressed,
                reporting_enterprises: (!suppressed).then_some(t.reporting),
                online_sales: shown(true, t.online_sales),
                orders: shown(true, t.orders),
                refund_rate: shown(
                    !is_confidential(t.refund_reporting) && t.refund_base > 0.0,
                    t.refunded_orders / t.refund_base.max(f64::MIN_POSITIVE),
                ),
                complaints: shown(
                    !is_confidential(t.complaints_reporting) && t.complaints_reporting > 0,
                    t.complaints,
                ),
            }
        })
        .collect()
}

/// How many currently scored enterprises hold `current` and held `previous` before (None: no
/// earlier score).
#[derive(Debug, Clone, PartialEq)]
pub struct GradeTransition {
    pub current: Grade,
    pub previous: Option<Grade>,
    pub enterprises: i64,
}

/// One grade of the distribution as published; counts are null when suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GradeCount {
    pub grade: Grade,
    /// Enterprises whose current grade this is.
    pub current: Option<i64>,
    /// Their share of all currently scored enterprises, in [0, 1].
    pub current_share: Option<f64>,
    /// Enterprises whose previous score had this grade.
    pub previous: Option<i64>,
    pub previous_share: Option<f64>,
    /// True when the current count is withheld.
    pub suppressed: bool,
}

/// How the grades moved since the previous run; counts are null when suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GradeChange {
    /// Current grade better than the previous one.
    pub upgraded: Option<i64>,
    pub downgraded: Option<i64>,
    pub unchanged: Option<i64>,
    /// Scored for the first time: no previous score.
    pub newly_scored: Option<i64>,
}

/// The grade distribution and its change since the previous run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GradeStatistics {
    /// Enterprises with a current score.
    pub scored_enterprises: Option<i64>,
    /// Of those, how many had a score before the current one.
    pub previously_scored: Option<i64>,
    /// AAA to C, best first.
    pub grades: Vec<GradeCount>,
    pub change: GradeChange,
}

/// Publishes the grade distribution: each column (current counts, previous counts, the kinds of
/// change) is a breakdown of its own under [`suppression_mask`].
pub fn publish_grades(transitions: &[GradeTransition]) -> GradeStatistics {
    let count = |f: &dyn Fn(&GradeTransition) -> bool| -> i64 {
        transitions
            .iter()
            .filter(|t| f(t))
            .map(|t| t.enterprises)
            .sum()
    };
    let current: Vec<i64> = Grade::ALL
        .iter()
        .map(|g| count(&|t| t.current == *g))
        .collect();
    let previous: Vec<i64> = Grade::ALL
        .iter()
        .map(|g| count(&|t| t.previous == Some(*g)))
        .collect();
    let scored: i64 = current.iter().sum();
    let previously: i64 = previous.iter().sum();
    let current_mask = suppression_mask(&current);
    let previous_mask = suppression_mask(&previous);
    let share = |n: i64, of: i64| (of > 0).then(|| n as f64 / of as f64);
    let grades = Grade::ALL
        .iter()
        .enumerate()
        .map(|(i, g)| GradeCount {
            grade: *g,
            current: (!current_mask[i]).then_some(current[i]),
            current_share: (!current_mask[i])
                .then(|| share(current[i], scored))
                .flatten(),
            previous: (!previous_mask[i]).then_some(previous[i]),
            previous_share: (!previous_mask[i])
                .then(|| share(previous[i], previously))
                .flatten(),
            suppressed: current_mask[i],
        })
        .collect();
    let moves = [
        count(&|t| t.previous.is_some_and(|p| t.current.is_better_than(p))),
        count(&|t| t.previous.is_some_and(|p| p.is_better_than(t.current))),
        count(&|t| t.previous == Some(t.current)),
        count(&|t| t.previous.is_none()),
    ];
    let moves_mask = suppression_mask(&moves);
    let shown = |i: usize| (!moves_mask[i]).then_some(moves[i]);
    GradeStatistics {
        scored_enterprises: (!is_confidential(scored)).then_some(scored),
        previously_scored: (!is_confidential(previously)).then_some(previously),
        grades,
        change: GradeChange {
            upgraded: shown(0),
            downgraded: shown(1),
            unchanged: shown(2),
            newly_scored: shown(3),
        },
    }
}

/// A grade distribution kept as counts (a completed run's), published as one breakdown: the
/// counts of AAA to C, `None` where suppressed.
pub fn publish_distribution(counts: &[i64; 9]) -> Vec<Option<i64>> {
    let mask = suppression_mask(counts);
    counts
        .iter()
        .zip(mask)
        .map(|(&n, suppressed)| (!suppressed).then_some(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_of_one_or_two_are_confidential() {
        assert!(!is_confidential(0));
        assert!(is_confidential(1));
        assert!(is_confidential(2));
        assert!(!is_confidential(3));
        assert!(!is_confidential(100));
    }

    #[test]
    fn nothing_is_suppressed_when_every_group_is_large_enough() {
        assert_eq!(suppression_mask(&[3, 10, 4]), vec![false, false, false]);
        assert_eq!(suppression_mask(&[]), Vec::<bool>::new());
        assert_eq!(suppression_mask(&[0, 5]), vec![false, false]);
    }

    #[test]
    fn one_small_group_takes_the_next_smallest_with_it() {
        assert_eq!(
            suppression_mask(&[10, 1, 4, 5]),
            vec![false, true, true, false]
        );
        assert_eq!(suppression_mask(&[2, 7, 3]), vec![true, false, true]);
        // Empty groups reveal nothing and hide nothing.
        assert_eq!(
            suppression_mask(&[0, 2, 6, 9]),
            vec![false, true, true, false]
        );
    }

    #[test]
    fn small_groups_that_together_reach_the_threshold_stand_alone() {
        assert_eq!(
            suppression_mask(&[1, 2, 8, 9]),
            vec![true, true, false, false]
        );
        // Two groups of one hide only two enterprises together: a third group goes too.
        assert_eq!(
            suppression_mask(&[1, 1, 8, 4]),
            vec![true, true, false, true]
        );
    }

    #[test]
    fn a_lone_small_group_has_nothing_to_hide_behind() {
        assert_eq!(suppression_mask(&[2]), vec![true]);
        assert_eq!(suppression_mask(&[1, 1]), vec![true, true]);
    }

    #[test]
    fn quarters() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let q = Quarter::of(d("2026-11-22"));
        assert_eq!(q.label(), "2026-Q4");
        assert_eq!(q.first_day(), d("2026-10-01"));
        assert_eq!(q.last_day(), d("2026-12-31"));
        assert_eq!(Quarter::of(d("2026-03-31")).label(), "2026-Q1");
        assert_eq!(
            Quarter::parse("2025-Q2"),
            Some(Quarter::of(d("2025-05-01")))
        );
        assert_eq!(Quarter::parse("2025-Q5"), None);
        assert_eq!(Quarter::parse("2025-05"), None);
        let last = Quarter::last(5, d("2026-02-01"));
        let labels: Vec<String> = last.iter().map(|q| q.label()).collect();
        assert_eq!(
            labels,
            ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
        );
    }

    #[test]
    fn means() {
        assert_eq!(mean(10.0, 4), Some(2.5));
        assert_eq!(mean(0.0, 0), None);
    }

    fn group(key: &str, enterprises: i64, sales: &[f64]) -> GroupTotals {
        let sales_metric = MetricTotal {
            total: (!sales.is_empty()).then(|| sales.iter().sum()),
            contributors: sales.len() as i64,
        };
        GroupTotals {
            key: key.into(),
            enterprises,
            reporting: sales.len() as i64,
            metrics: [
                sales_metric,
                sales_metric,
                MetricTotal::default(),
                sales_metric,
                sales_metric,
            ],
        }
    }

    #[test]
    fn a_breakdown_hides_small_groups_and_their_complement() {
        let groups = [
            group("33", 5, &[1.0, 2.0, 3.0, 4.0, 5.0]),
            group("44", 1, &[7.0]),
            group("11", 3, &[1.0, 1.0, 1.0]),
            group("31", 4, &[2.0, 2.0, 2.0]),
        ];
        let total = group("total", 13, &[1.0; 12]);
        let (published, total) = publish_breakdown(&groups, &total);
        assert!(!published[0].suppressed);
        assert_eq!(published[0].enterprises, Some(5));
        assert_eq!(published[0].online_sales.total, Some(15.0));
        assert_eq!(published[0].online_sales.mean, Some(3.0));
        assert!(published[1].suppressed);
        assert_eq!(published[1].enterprises, None);
        assert_eq!(published[1].online_sales.total, None);
        // The smallest other group goes too, so 44 is not the total minus the rest.
        assert!(published[2].suppressed);
        assert_eq!(published[2].online_sales.total, None);
        assert!(!published[3].suppressed);
        // Nobody reported cross-border trade: a published zero, no mean.
        assert_eq!(published[3].cross_border_trade.total, Some(0.0));
        assert_eq!(published[3].cross_border_trade.mean, None);
        assert!(!total.suppressed);
        assert_eq!(total.enterprises, Some(13));
        assert_eq!(total.online_sales.total, Some(12.0));
    }

    #[test]
    fn a_figure_few_enterprises_reported_is_hidden_even_in_a_large_group() {
        let groups = [
            group("a", 10, &[1.0, 2.0]),
            group("b", 10, &[1.0, 2.0, 3.0, 4.0]),
            group("c", 10, &[1.0, 2.0, 3.0, 4.0, 5.0]),
        ];
        let (published, _) = publish_breakdown(&groups, &group("total", 30, &[1.0; 11]));
        assert!(published.iter().all(|g| !g.suppressed));
        assert!(published[0].online_sales.suppressed);
        assert!(published[1].online_sales.suppressed, "complement of a");
        assert!(!published[2].online_sales.suppressed);
        assert_eq!(published[2].online_sales.total, Some(15.0));
    }

    #[test]
    fn totals_of_a_partition_add_up() {
        let total = GroupTotals::sum(
            "total",
            &[group("a", 3, &[1.0, 2.0]), group("b", 4, &[5.0])],
        );
        assert_eq!(total.enterprises, 7);
        assert_eq!(total.reporting, 3);
        assert_eq!(
            total.metrics[0],
            MetricTotal {
                total: Some(8.0),
                contributors: 3
            }
        );
        assert_eq!(
            total.metrics[2],
            MetricTotal {
                total: None,
                contributors: 0
            }
        );
    }

    #[test]
    fn a_tiny_total_is_hidden() {
        let (published, total) = publish_breakdown(
            &[group("a", 2, &[1.0, 2.0])],
            &group("total", 2, &[1.0, 2.0]),
        );
        assert!(published[0].suppressed);
        assert!(total.suppressed);
        assert_eq!(total.online_sales.total, None);
    }

    #[test]
    fn trends_hide_thin_quarters() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let quarters = Quarter::last(3, d("2026-11-22"));
        let found = [
            QuarterTotals {
                quarter: "2026-Q2".into(),
                reporting: 2,
                online_sales: 10.0,
                ..Default::default()
            },
            QuarterTotals {
                quarter: "2026-Q3".into(),
                reporting: 4,
                online_sales: 100.0,
                orders: 40.0,
                refunded_orders: 2.0,
                refund_base: 40.0,
                refund_reporting: 3,
                complaints: 5.0,
                complaints_reporting: 2,
            },
        ];
        let trend = publish_trend(&quarters, &found, d("2026-11-22"));
        assert_eq!(trend.len(), 3);
        assert!(trend[0].suppressed && trend[0].online_sales.is_none());
        assert!(trend[0].complete);
        assert_eq!(trend[1].online_sales, Some(100.0));
        assert_eq!(trend[1].refund_rate, Some(0.05));
        assert_eq!(trend[1].complaints, None);
        assert_eq!(trend[2].quarter, "2026-Q4");
        assert!(!trend[2].complete && !trend[2].suppressed);
        assert_eq!(trend[2].reporting_enterprises, Some(0));
        assert_eq!(trend[2].refund_rate, None);
    }

    #[test]
    fn grade_distribution_and_change() {
        let t = |current, previous, enterprises| GradeTransition {
            current,
            previous,
            enterprises,
        };
        let stats = publish_grades(&[
            t(Grade::A, Some(Grade::A), 3),
            t(Grade::A, Some(Grade::Bbb), 2),
            t(Grade::Bbb, Some(Grade::A), 4),
            t(Grade::Bb, None, 1),
        ]);
        assert_eq!(stats.scored_enterprises, Some(10));
        assert_eq!(stats.previously_scored, Some(9));
        let a = &stats.grades[Grade::A.rank()];
        assert_eq!(a.current, Some(5));
        assert_eq!(a.current_share, Some(0.5));
        // BB holds one enterprise: hidden, and BBB (the smallest other non-empty grade) with it.
        let bb = &stats.grades[Grade::Bb.rank()];
        assert!(bb.suppressed);
        assert_eq!(bb.current, None);
        let bbb = &stats.grades[Grade::Bbb.rank()];
        assert!(bbb.suppressed);
        assert_eq!(bbb.current, None);
        // Empty grades reveal nothing.
        assert_eq!(stats.grades[Grade::Aaa.rank()].current, Some(0));
        assert!(!stats.grades[Grade::Aaa.rank()].suppressed);
        // Before: A 7, BBB 2; BBB is hidden and, being the only other group, A with it.
        assert_eq!(stats.grades[Grade::Bbb.rank()].previous, None);
        assert_eq!(a.previous, None);
        assert_eq!(stats.grades[Grade::Aaa.rank()].previous, Some(0));
        assert_eq!(stats.change.downgraded, Some(4));
        assert_eq!(stats.change.unchanged, Some(3));
        // One newly scored enterprise is hidden, with the next smallest kind (upgraded, 2).
        assert_eq!(stats.change.upgraded, None);
        assert_eq!(stats.change.newly_scored, None);
    }
}

//! A synthetic population of e-commerce enterprises for demonstrations, tests and model
//! training (`ecredit demo seed`, `ecredit serve --demo`). Pure: no actix, no diesel. Every
//! value is a validated domain value: the generator builds the `*Input` types and runs the same
//! validation a regulator's submission goes through.
//!
//! # Determinism
//!
//! Enterprise `i` of seed `S` is drawn from its own random streams, keyed by (S, purpose, i) through
//! SplitMix64 into xoshiro256++ (`rng`), so the output for a seed is the same in any number of
//! threads and in any chunking. A population is a range of indices: `demo seed --append` continues
//! after the enterprises already registered, and codes stay unique because the organisation
//! digits of the credit code are a bijection of the index.
//!
//! # The generative process
//!
//! **Latent risk.** Each enterprise has a latent risk z ~ N(0, 1). A block of 8 consecutive
//! enterprises holds, with probability 0.55, a group of 2 + min(Poisson(1), 6) related firms
//! around a hub (`graph`); a member's risk is z = √0.5·g + √0.5·e, with g the group's factor and
//! e its own shock, so linked firms have risk correlation 0.5 and everyone keeps z ~ N(0, 1).
//! Over the 96 simulated months before the as-of date the risk moves:
//! z_t = √(1-0.45²)·z + 0.45·u_t, where u_t is a stationary AR(1) with coefficient 0.92. The
//! same z_t drives the month's operating figures, sentiment and credit events, so recent
//! records say something about the next year's serious events.
//!
//! **Basic record.** Region: one of 53 real GB/T 2260 districts and counties in 13 provinces,
//! weighted towards Zhejiang and Guangdong (`places`); the credit code is `91` + region + an
//! 8-digit organisation number with its GB 11714 check + the GB 32100 check character. Name:
//! place + two brand characters + industry word + legal form. Industry: ten sectors with their
//! own refund rates, order values and spot-check rates (`catalog`). Business models: a main
//! model by industry (B2C 34 %, B2B 14 % (70 % for wholesale), cross-border 11 %,
//! live-streaming 14 %, social, rural (5x in Taobao-village counties, 4x for farm products),
//! O2O, C2C) plus each other model with probability 0.08. Registered capital:
//! lognormal(ln 2,000,000 − 0.25 z, 1.3) rounded to 10,000 yuan. Age: 3.1 years +
//! Exp(mean 6·e^(−0.2 z)) capped at 27 more, so risky firms are younger. Shops:
//! 1 + Poisson(0.7) (at most 5) on platforms that fit the model. Status: abnormal when an
//! abnormal-operation listing of the last 24 months is active, or (with probability 0.4) after
//! a serious event in the last 12 months. The legal representative's identity number and phone
//! are left empty: generated ones could belong to real people.
//!
//! **Operating records.** 36 months ending with the month before the as-of date. Sales:
//! S₀·e^(g·k/12)·season·ε·e^(−0.12 (z_t − z)), with S₀ lognormal(ln 250,000 + 0.35 ln(capital /
//! 2,000,000) + model shift, 1.1) — heavily right-skewed — growth g ~ N(0.10 − 0.08 z, 0.12) a
//! year, seasonality with the Spring Festival dip, 618 and Double 11 scaled by a firm amplitude
//! U(0.4, 1.3), and lognormal noise of σ = 0.12 + 0.04 max(z, 0). Orders = sales / order value
//! (industry × model × lognormal(0, 0.3), ±5 % a month), at least 1. Rates are logistic in z_t,
//! so they lie in [0, 1]: refund rate σ(logit(industry rate) + 0.45 z_t + 0.2 ε), on-time
//! delivery σ(3.2 − 0.5 z_t + 0.25 ε), positive reviews σ(3.0 − 0.45 z_t + 0.25 ε). Complaints
//! ~ Poisson(orders · 0.0006 · e^(0.7 z_t + 0.3 ε)). Employees follow sales (lognormal around
//! 8 · (S₀/250,000)^0.45, growing at half the sales growth); tax paid = sales · U(1 %, 4 %) ·
//! e^(−0.3 z_t) (risky firms pay less); cross-border volume = sales · U(0.4, 0.95) for
//! cross-border firms. Quality spot checks happen with the industry's monthly rate (0–12 %),
//! 1 + Poisson(0.4) at a time, each failing with probability σ(−3.2 + 0.9 z_t). Provenance:
//! platform 70 %, survey 20 %, department 10 % per firm.
//!
//! **Credit events** (from establishment or 96 months back, to the day before the as-of date;
//! monthly hazards): minor penalties, abnormal-operation listings, broken commitments, customs
//! violations at 0.0035·e^(0.6 z_t); major penalties, tax and customs violations at
//! 0.0012·e^(0.9 z_t); a failed spot check becomes a quality event with probability 0.6;
//! **serious** events — dishonest judgment debtor 50 %, serious administrative penalty 35 %,
//! major tax violation 15 % — at e^(−6.3 + 1.4 z_t): steep in the risk and rare, about 5 % of
//! firms in any 12-month window (about 20 % in the riskiest decile of z, 0.2 % in the
//! safest); honours, demonstration-enterprise titles and kept commitments at
//! 0.003·e^(−0.7 z_t). Each event has its real issuing authority (district market-supervision
//! bureau, basic court, tax bureau, customs, commerce bureau, development and reform
//! commission), a document number unique in the population, a publicity period by the rules
//! (6 months for minor penalties, 1 year major, 2 years dishonest debtor, 3 years serious and
//! honours) and a status (6 % of older negative events repaired, 1.5 % revoked, 5 % of recent
//! ones disputed).
//!
//! **Sentiment** over the record window, scaled by a firm's media exposure ~ lognormal(0, 0.5):
//! news, social posts and reviews at Poisson(0.06 · exposure · e^(0.35 z_t)) a month, polarity tanh(−0.8 z_t + 0.7 ε) (reviews
//! +0.6) and a title that reads that way; complaint-platform items at
//! Poisson(0.03 · exposure · e^(0.8 z_t)), always negative; a serious event makes the news with
//! probability 0.6.
//!
//! **Associations** exist only inside groups: a member names the hub as shareholder (45 %), the
//! hub guarantees a member (25 %), both share the legal representative (20 %, recorded on both
//! sides) or trade along a supply chain (10 %, both sides), plus a supply-chain link between two
//! members in 40 % of larger groups.

mod catalog;
mod graph;
mod names;
mod places;
mod process;
mod rng;

use std::ops::Range;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::domain::enterprise::Enterprise;
use crate::domain::records::{Association, CreditEvent, OperatingRecord, SentimentRecord};

pub use process::{HISTORY_MONTHS, RECORD_MONTHS, credit_code};

/// The industries of the catalog, as stored in `enterprises.industry`: what the console offers
/// in its industry filter (the registry's own industries are free text, these the usual ones).
pub fn industry_names() -> impl Iterator<Item = &'static str> {
    catalog::INDUSTRIES.iter().map(|i| i.name)
}

/// One synthetic enterprise with all its records.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedEnterprise {
    /// Its position in the population (what its random streams are keyed by).
    pub index: u64,
    /// The latent risk z ~ N(0, 1) behind its records and its serious events.
    pub risk: f64,
    pub enterprise: Enterprise,
    pub operating: Vec<OperatingRecord>,
    pub events: Vec<CreditEvent>,
    pub sentiment: Vec<SentimentRecord>,
    pub associations: Vec<Association>,
}

/// A population: the enterprises with indices in `range`, drawn for `seed` as of a date
/// (records end the day before it). Associations only link enterprises inside the range.
#[derive(Debug, Clone)]
pub struct Population {
    pub seed: u64,
    pub as_of: NaiveDate,
    pub range: Range<u64>,
}

impl Population {
    pub fn new(seed: u64, as_of: NaiveDate, range: Range<u64>) -> Self {
        Population { seed, as_of, range }
    }

    /// One enterprise of the population.
    pub fn enterprise(&self, index: u64) -> GeneratedEnterprise {
        debug_assert!(self.range.contains(&index));
        process::generate(self, &process::Calendar::new(self.as_of), index)
    }

    /// The enterprises with indices in `indices` (a part of the range), in order, generated in
    /// parallel.
    pub fn generate(&self, indices: Range<u64>) -> Vec<GeneratedEnterprise> {
        let calendar = process::Calendar::new(self.as_of);
        let start = indices.start;
        let len = indices.end.saturating_sub(start) as usize;
        (0..len)
            .into_par_iter()
            .with_min_len(64)
            .map(|k| process::generate(self, &calendar, start + k as u64))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use chrono::{Datelike, Months};

    use super::*;
    use crate::domain::CreditCode;
    use crate::domain::records::{Polarity, Severity};

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn population(seed: u64, n: u64) -> Vec<GeneratedEnterprise> {
        Population::new(seed, as_of(), 0..n).generate(0..n)
    }

    #[test]
    fn same_seed_same_population_in_any_chunking() {
        let whole = population(42, 400);
        let p = Population::new(42, as_of(), 0..400);
        let mut pieces = p.generate(0..123);
        pieces.extend(p.generate(123..400));
        assert_eq!(whole, pieces);
        // Single-threaded as well.
        let serial: Vec<_> = (0..400).map(|i| p.enterprise(i)).collect();
        assert_eq!(whole, serial);
    }

    #[test]
    fn different_seed_different_population() {
        let a = population(1, 50);
        let b = population(2, 50);
        let same = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x.enterprise.name == y.enterprise.name)
            .count();
        assert!(same < 3, "{same} names shared");
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.operating[0].online_sales != y.operating[0].online_sales)
        );
    }

    /// Every value passes the domain validation again from its input form, and the invariants
    /// the domain does not check hold too.
    #[test]
    fn every_value_validates() {
        let firms = population(7, 1_500);
        let today = as_of();
        let now = today.and_hms_opt(0, 0, 0).unwrap();
        let mut codes = HashSet::new();
        let mut documents = HashSet::new();
        for f in &firms {
            let e = &f.enterprise;
            assert_eq!(e.to_input().validate(today).as_ref(), Ok(e));
            let code = CreditCode::parse(e.code.as_str()).unwrap();
            assert_eq!(code.region_code(), e.region_code, "{code}");
            assert!(codes.insert(code.clone()), "{code} twice");
            assert!(e.registered_capital >= 1e4);
            assert!(!e.platforms.is_empty());

            assert_eq!(f.operating.len(), RECORD_MONTHS as usize);
            let mut expected = today.with_day(1).unwrap() - Months::new(RECORD_MONTHS);
            for o in &f.operating {
                assert_eq!(o.to_input().validate(today).as_ref(), Ok(o));
                assert_eq!(o.period.start, expected);
                expected = expected + Months::new(1);
                for rate in [
                    o.refund_rate,
                    o.on_time_delivery_rate,
                    o.positive_review_rate,
                ] {
                    let rate = rate.unwrap();
                    assert!((0.0..=1.0).contains(&rate), "{rate}");
                }
                assert!(o.online_sales > 0.0 && o.orders >= 1);
                assert!(o.complaints.unwrap() <= o.orders * 2);
                assert!(o.quality_checks_failed <= o.quality_checks);
                assert_eq!(
                    o.cross_border_trade.is_some(),
                    e.business_models
                        .contains(&crate::domain::enterprise::BusinessModel::CrossBorder)
                );
            }
            for ev in &f.events {
                assert_eq!(ev.to_input().validate(today).as_ref(), Ok(ev));
                assert!(ev.decided_on < today && ev.decided_on >= e.established_on);
                if let Some(number) = &ev.document_number {
                    assert!(
                        documents.insert((ev.authority.clone(), number.clone())),
                        "{} {number} twice",
                        ev.authority
                    );
                }
            }
            for s in &f.sentiment {
                assert_eq!(s.to_input().validate(now).as_ref(), Ok(s));
                assert!((-1.0..=1.0).contains(&s.polarity) && s.published_at < now);
            }
            for a in &f.associations {
                assert_eq!(a.to_input().validate(&e.code, today).as_ref(), Ok(a));
            }
        }
        // Associations name enterprises of the population, by their code and name.
        let names: HashMap<String, String> = firms
            .iter()
            .map(|f| (f.enterprise.code.to_string(), f.enterprise.name.clone()))
            .collect();
        let links: usize = firms.iter().map(|f| f.associations.len()).sum();
        assert!(links > 100, "{links} links");
        for f in &firms {
            for a in &f.associations {
                let related = a.related_code.as_ref().unwrap().to_string();
                assert_eq!(names.get(&related), Some(&a.related_name));
            }
        }
    }

    fn serious_within(f: &GeneratedEnterprise, from: NaiveDate, to: NaiveDate) -> bool {
        f.events.iter().any(|e| {
            e.severity == Severity::Serious
                && e.polarity == Polarity::Negative
                && e.decided_on >= from
                && e.decided_on < to
        })
    }

    #[test]
    fn serious_events_are_rare_and_follow_the_risk() {
        let mut firms = population(11, 20_000);
        let end = as_of();
        let windows = [end - Months::new(12), end - Months::new(24)];
        for from in windows {
            let to = from + Months::new(12);
            let share = firms.iter().filter(|f| serious_within(f, from, to)).count() as f64
                / firms.len() as f64;
            assert!((0.03..=0.08).contains(&share), "{from}: {share}");
        }
        firms.sort_by(|a, b| a.risk.total_cmp(&b.risk));
        let decile = firms.len() / 10;
        let rate = |part: &[GeneratedEnterprise]| {
            part.iter()
                .filter(|f| serious_within(f, windows[0], end))
                .count() as f64
                / part.len() as f64
        };
        let (safest, riskiest) = (rate(&firms[..decile]), rate(&firms[firms.len() - decile..]));
        assert!(safest < 0.01, "safest decile {safest}");
        assert!(
            riskiest > 10.0 * safest.max(0.002),
            "riskiest decile {riskiest}"
        );
    }

    #[test]
    fn records_and_sentiment_follow_the_risk() {
        let mut firms = population(5, 4_000);
        firms.sort_by(|a, b| a.risk.total_cmp(&b.risk));
        let q = firms.len() / 4;
        let mean = |part: &[GeneratedEnterprise],
                    f: &dyn Fn(&GeneratedEnterprise) -> Option<f64>| {
            let xs: Vec<f64> = part.iter().filter_map(f).collect();
            xs.iter().sum::<f64>() / xs.len() as f64
        };
        let refund = |f: &GeneratedEnterprise| {
            Some(
                f.operating
                    .iter()
                    .filter_map(|o| o.refund_rate)
                    .sum::<f64>()
                    / 36.0,
            )
        };
        let delivery = |f: &GeneratedEnterprise| {
            Some(
                f.operating
                    .iter()
                    .filter_map(|o| o.on_time_delivery_rate)
                    .sum::<f64>()
                    / 36.0,
            )
        };
        let polarity = |f: &GeneratedEnterprise| {
            (!f.sentiment.is_empty()).then(|| {
                f.sentiment.iter().map(|s| s.polarity).sum::<f64>() / f.sentiment.len() as f64
            })
        };
        let positive = |f: &GeneratedEnterprise| {
            Some(
                f.events
                    .iter()
                    .filter(|e| e.polarity == Polarity::Positive)
                    .count() as f64,
            )
        };
        let (low, high) = (&firms[..q], &firms[firms.len() - q..]);
        assert!(mean(high, &refund) > mean(low, &refund) * 1.3);
        assert!(mean(high, &delivery) < mean(low, &delivery));
        assert!(mean(high, &polarity) < mean(low, &polarity) - 0.3);
        assert!(mean(high, &positive) < mean(low, &positive) / 2.0);
        // Sales are right-skewed: the mean well above the median.
        let mut sales: Vec<f64> = firms.iter().map(|f| f.operating[35].online_sales).collect();
        sales.sort_by(f64::total_cmp);
        let avg = sales.iter().sum::<f64>() / sales.len() as f64;
        assert!(avg > 1.5 * sales[sales.len() / 2]);
    }

    #[test]
    fn linked_firms_have_correlated_risk() {
        let firms = population(3, 8_000);
        let risk: HashMap<String, f64> = firms
            .iter()
            .map(|f| (f.enterprise.code.to_string(), f.risk))
            .collect();
        let pairs: Vec<(f64, f64)> = firms
            .iter()
            .flat_map(|f| {
                f.associations
                    .iter()
                    .map(|a| (f.risk, risk[&a.related_code.as_ref().unwrap().to_string()]))
            })
            .collect();
        let n = pairs.len() as f64;
        let (mx, my) = (
            pairs.iter().map(|p| p.0).sum::<f64>() / n,
            pairs.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let cov = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum::<f64>() / n;
        let sx = (pairs.iter().map(|p| (p.0 - mx).powi(2)).sum::<f64>() / n).sqrt();
        let sy = (pairs.iter().map(|p| (p.1 - my).powi(2)).sum::<f64>() / n).sqrt();
        let corr = cov / (sx * sy);
        assert!((0.35..0.65).contains(&corr), "{corr}");
    }
}

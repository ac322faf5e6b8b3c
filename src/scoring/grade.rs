//! Grades (三等九级): the PD master scale, the policy overrides and the upgrade/downgrade rule
//! (升降级准则) of DOMAIN.md, "The score".

use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// The nine credit grades, best first.
    pub enum Grade {
        Aaa = "AAA",
        Aa = "AA",
        A = "A",
        Bbb = "BBB",
        Bb = "BB",
        B = "B",
        Ccc = "CCC",
        Cc = "CC",
        C = "C",
    }
}

impl Grade {
    /// 0 for AAA … 8 for C: a larger rank is a worse grade.
    pub fn rank(self) -> usize {
        Grade::ALL
            .iter()
            .position(|g| *g == self)
            .expect("every grade is listed")
    }

    pub fn is_better_than(self, other: Grade) -> bool {
        self.rank() < other.rank()
    }

    /// The worse of two grades.
    pub fn worse(self, other: Grade) -> Grade {
        if self.rank() >= other.rank() {
            self
        } else {
            other
        }
    }
}

/// PD upper bounds of the first eight grades (AAA … CC); anything above the last bound is C.
/// Each bound is about 1.7 times the one before, so under points-to-double-odds scaling every
/// grade from AA to CC spans about the same width of score (some 15 points at PDO 20) and a
/// roughly normal score gives a bell-shaped grade distribution. The bounds run from 0.5% to 20%
/// because that is where one-year PDs of e-commerce enterprises lie at a serious-event rate of a
/// few percent: with the synthetic population (5% bad) they use all nine grades, peaking at
/// BBB/BB. A scale of investment-grade bond PDs (AAA below 0.03%) would put everyone in B or
/// worse. Trained artifacts carry their own scale, so a regional authority can set another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MasterScale {
    pub upper_pd: [f64; 8],
}

impl Default for MasterScale {
    fn default() -> Self {
        MasterScale {
            upper_pd: [0.005, 0.0085, 0.0145, 0.0245, 0.041, 0.07, 0.12, 0.20],
        }
    }
}

impl MasterScale {
    /// Checks the bounds are increasing probabilities.
    pub fn validate(&self) -> Result<(), String> {
        let increasing = self.upper_pd.windows(2).all(|w| w[0] < w[1]);
        let in_range = self.upper_pd.iter().all(|p| *p > 0.0 && *p < 1.0);
        if increasing && in_range {
            Ok(())
        } else {
            Err("master scale bounds must be increasing probabilities in (0, 1)".into())
        }
    }

    pub fn grade_for(&self, pd: f64) -> Grade {
        self.upper_pd
            .iter()
            .position(|upper| pd <= *upper)
            .map(|i| Grade::ALL[i])
            .unwrap_or(Grade::C)
    }
}

/// Facts that override the model (DOMAIN.md: a blacklisted enterprise is C; an active serious
/// negative event caps the grade).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyFacts {
    pub blacklisted: bool,
    pub active_serious_negative_event: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRules {
    /// The best grade an enterprise with an active serious negative event can have.
    pub serious_event_cap: Grade,
}

impl Default for PolicyRules {
    fn default() -> Self {
        PolicyRules {
            serious_event_cap: Grade::B,
        }
    }
}

crate::text_enum! {
    /// Why the published grade differs from the model's.
    pub enum GradeAdjustment {
        /// On the blacklist: grade C whatever the model says.
        Blacklisted = "blacklisted",
        /// Capped by an active serious negative event.
        SeriousEventCap = "serious_event_cap",
        /// Better than the published grade once only; an upgrade needs a second evaluation.
        UpgradePending = "upgrade_pending",
    }
}

/// The grade the model gives, after the policy overrides.
pub fn apply_policy(
    model_grade: Grade,
    facts: PolicyFacts,
    rules: PolicyRules,
) -> (Grade, Vec<GradeAdjustment>) {
    if facts.blacklisted {
        return (Grade::C, vec![GradeAdjustment::Blacklisted]);
    }
    if facts.active_serious_negative_event && model_grade.is_better_than(rules.serious_event_cap) {
        return (
            rules.serious_event_cap,
            vec![GradeAdjustment::SeriousEventCap],
        );
    }
    (model_grade, vec![])
}

/// What the previous evaluations left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeState {
    /// The grade in force.
    pub published: Grade,
    /// The grade the last evaluation found (after policy), which may be a pending upgrade.
    pub last_evaluated: Grade,
}

/// 升降级准则: a downgrade (or an unchanged grade) takes effect at once; an upgrade takes effect
/// only when two consecutive evaluations are better than the published grade, and then to the
/// less good of the two. With no history the evaluated grade is published as it is.
pub fn publish(previous: Option<GradeState>, evaluated: Grade) -> (Grade, bool) {
    let Some(previous) = previous else {
        return (evaluated, false);
    };
    if !evaluated.is_better_than(previous.published) {
        return (evaluated, false);
    }
    if previous.last_evaluated.is_better_than(previous.published) {
        (evaluated.worse(previous.last_evaluated), false)
    } else {
        (previous.published, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_scale_maps_pd_to_grades() {
        let scale = MasterScale::default();
        scale.validate().unwrap();
        assert_eq!(scale.grade_for(0.0), Grade::Aaa);
        assert_eq!(scale.grade_for(0.005), Grade::Aaa);
        assert_eq!(scale.grade_for(0.0051), Grade::Aa);
        assert_eq!(scale.grade_for(0.03), Grade::Bb);
        assert_eq!(scale.grade_for(0.20), Grade::Cc);
        assert_eq!(scale.grade_for(0.21), Grade::C);
        assert_eq!(scale.grade_for(1.0), Grade::C);
        assert!(
            MasterScale {
                upper_pd: [0.1, 0.05, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn overrides() {
        let rules = PolicyRules::default();
        let listed = PolicyFacts {
            blacklisted: true,
            ..Default::default()
        };
        assert_eq!(
            apply_policy(Grade::Aaa, listed, rules),
            (Grade::C, vec![GradeAdjustment::Blacklisted])
        );
        let serious = PolicyFacts {
            active_serious_negative_event: true,
            ..Default::default()
        };
        assert_eq!(
            apply_policy(Grade::Aa, serious, rules),
            (Grade::B, vec![GradeAdjustment::SeriousEventCap])
        );
        // A cap never improves a worse grade.
        assert_eq!(apply_policy(Grade::Cc, serious, rules), (Grade::Cc, vec![]));
        assert_eq!(
            apply_policy(Grade::A, PolicyFacts::default(), rules),
            (Grade::A, vec![])
        );
    }

    #[test]
    fn downgrades_at_once_upgrades_after_two_evaluations() {
        let state = |published, last_evaluated| {
            Some(GradeState {
                published,
                last_evaluated,
            })
        };
        assert_eq!(publish(None, Grade::A), (Grade::A, false));
        // Downgrade: immediate.
        assert_eq!(
            publish(state(Grade::A, Grade::A), Grade::Bb),
            (Grade::Bb, false)
        );
        // First better evaluation: pending.
        assert_eq!(
            publish(state(Grade::Bbb, Grade::Bbb), Grade::A),
            (Grade::Bbb, true)
        );
        // Second: upgraded, to the less good of the two.
        assert_eq!(
            publish(state(Grade::Bbb, Grade::Aa), Grade::A),
            (Grade::A, false)
        );
        assert_eq!(
            publish(state(Grade::Bbb, Grade::A), Grade::Aa),
            (Grade::A, false)
        );
        // A pending upgrade interrupted by a worse evaluation starts again.
        assert_eq!(
            publish(state(Grade::Bbb, Grade::A), Grade::Bb),
            (Grade::Bb, false)
        );
    }
}

//! Points-to-double-odds scaling, as credit scorecards do it: a configured base score at base
//! (good:bad) odds, and every `pdo` points doubling the odds. Score and PD convert both ways.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// The score at `base_odds`.
    pub base_score: f64,
    /// Good:bad odds at `base_score` (50 means 50 goods to 1 bad).
    pub base_odds: f64,
    /// Points that double the odds.
    pub pdo: f64,
}

impl Default for Scaling {
    fn default() -> Self {
        Scaling {
            base_score: 600.0,
            base_odds: 50.0,
            pdo: 20.0,
        }
    }
}

/// PDs are kept away from 0 and 1 so that scores stay finite.
const PD_FLOOR: f64 = 1e-6;

impl Scaling {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.base_score.is_finite() && self.base_odds > 0.0 && self.pdo > 0.0) {
            return Err(
                "scaling needs a finite base score, positive base odds and positive PDO".into(),
            );
        }
        Ok(())
    }

    /// Points per unit of log-odds.
    pub fn factor(&self) -> f64 {
        self.pdo / std::f64::consts::LN_2
    }

    /// The score of log-odds zero (even odds).
    pub fn offset(&self) -> f64 {
        self.base_score - self.factor() * self.base_odds.ln()
    }

    pub fn score_from_pd(&self, pd: f64) -> f64 {
        let pd = pd.clamp(PD_FLOOR, 1.0 - PD_FLOOR);
        self.offset() + self.factor() * ((1.0 - pd) / pd).ln()
    }

    pub fn pd_from_score(&self, score: f64) -> f64 {
        let log_good_odds = (score - self.offset()) / self.factor();
        1.0 / (1.0 + log_good_odds.exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_odds_give_the_base_score_and_pdo_doubles_them() {
        let s = Scaling::default();
        let pd_at_base = 1.0 / (1.0 + 50.0);
        assert!((s.score_from_pd(pd_at_base) - 600.0).abs() < 1e-9);
        let pd_at_double = 1.0 / (1.0 + 100.0);
        assert!((s.score_from_pd(pd_at_double) - 620.0).abs() < 1e-9);
        for pd in [0.001, 0.02, 0.3, 0.9] {
            assert!((s.pd_from_score(s.score_from_pd(pd)) - pd).abs() < 1e-12);
        }
        assert!(s.score_from_pd(0.0).is_finite() && s.score_from_pd(1.0).is_finite());
        assert!(Scaling { pdo: 0.0, ..s }.validate().is_err());
    }
}

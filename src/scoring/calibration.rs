//! Platt scaling: a model's probability `p` is recalibrated as
//! `P = sigmoid(a · logit(p) + b)`, with `a` and `b` fitted by maximum likelihood on a validation
//! split the model never trained on. A random forest's probabilities are typically squeezed
//! towards the middle (averaged leaf fractions), and even a logistic regression drifts when the
//! validation population differs a little from the training one; two parameters fix both without
//! changing the ranking (as long as `a > 0`, which the fit enforces).
//!
//! The fit is a few Newton steps on the log-loss (it is convex in `a, b`), with Platt's smoothed
//! targets (`(N₊+1)/(N₊+2)` for bads, `1/(N₋+2)` for goods) so that a validation split the model
//! separates perfectly still gives finite parameters.

use serde::{Deserialize, Serialize};

/// Probabilities are clamped to `[P_CLAMP, 1 − P_CLAMP]` before `logit`, so a forest's 0 or 1
/// stays finite (the same floor as the score scaling).
const P_CLAMP: f64 = 1e-6;
const MAX_NEWTON_STEPS: usize = 50;

/// `P = sigmoid(a · logit(p) + b)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    pub a: f64,
    pub b: f64,
}

impl Default for Platt {
    fn default() -> Self {
        Self::IDENTITY
    }
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(p / (1 − p))`, with `p` clamped away from 0 and 1.
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(P_CLAMP, 1.0 - P_CLAMP);
    (p / (1.0 - p)).ln()
}

/// `ln(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

impl Platt {
    /// Leaves probabilities as they are (up to the clamp).
    pub const IDENTITY: Platt = Platt { a: 1.0, b: 0.0 };

    pub fn apply(&self, p: f64) -> f64 {
        sigmoid(self.a * logit(p) + self.b)
    }

    /// Fits `a, b` on predicted probabilities `probs` and outcomes `bad`. Never fails: with no
    /// usable observations it returns [`Platt::IDENTITY`]; when the predictions carry no ranking
    /// information on this sample (all equal, or ranking worse than chance) it returns `a = 0`,
    /// the sample's (smoothed) bad rate for everyone.
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn fit(probs: &[f64], bad: &[bool]) -> Platt {
        assert_eq!(probs.len(), bad.len(), "one label per prediction");
        let data: Vec<(f64, bool)> = probs
            .iter()
            .zip(bad)
            .filter(|(p, _)| p.is_finite())
            .map(|(&p, &y)| (logit(p), y))
            .collect();
        if data.is_empty() {
            return Self::IDENTITY;
        }
        let n_bad = data.iter().filter(|d| d.1).count() as f64;
        let n_good = data.len() as f64 - n_bad;
        let (t_bad, t_good) = ((n_bad + 1.0) / (n_bad + 2.0), 1.0 / (n_good + 2.0));
        let target = |y: bool| if y { t_bad } else { t_good };
        // Intercept only: sigmoid(b) = mean target.
        let constant = || {
            let mean = data.iter().map(|d| target(d.1)).sum::<f64>() / data.len() as f64;
            Platt {
                a: 0.0,
                b: logit(mean),
            }
        };
        let (lo, hi) = data
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), d| {
                (lo.min(d.0), hi.max(d.0))
            });
        if hi - lo < 1e-12 {
            return constant();
        }

        let loss = |a: f64, b: f64| -> f64 {
            data.iter()
                .map(|&(x, y)| {
                    let z = a * x + b;
                    softplus(z) - target(y) * z
                })
                .sum()
        };
        let (mut a, mut b) = (1.0, 0.0);
        let mut current = loss(a, b);
        for _ in 0..MAX_NEWTON_STEPS {
            // Gradient and Hessian of the log-loss in (a, b).
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for &(x, y) in &data {
                let p = sigmoid(a * x + b);
                let r = p - target(y);
                let w = p * (1.0 - p);
                ga += r * x;
                gb += r;
                haa += w * x * x;
                hab += w * x;
                hbb += w;
            }
            // A whisker of ridge keeps the 2x2 system solvable when the weights vanish.
            let ridge = 1e-12 * (haa + hbb) + 1e-300;
            let (haa, hbb) = (haa + ridge, hbb + ridge);
            let det = haa * hbb - hab * hab;
            if det <= 0.0 || !det.is_finite() {
                break;
            }
            let da = (hbb * ga - hab * gb) / det;
            let db = (haa * gb - hab * ga) / det;
            // Backtrack until the loss does not rise (Newton can overshoot far from the optimum);
            // a NaN loss counts as a rise.
            let acceptable = |l: f64| l.is_finite() && l <= current;
            let mut step = 1.0;
            let mut next = loss(a - da, b - db);
            while !acceptable(next) && step > 1e-6 {
                step /= 2.0;
                next = loss(a - step * da, b - step * db);
            }
            if !acceptable(next) {
                break;
            }
            a -= step * da;
            b -= step * db;
            let converged = (step * da).abs() < 1e-10 && (step * db).abs() < 1e-10;
            current = next;
            if converged {
                break;
            }
        }
        if !(a.is_finite() && b.is_finite()) {
            return Self::IDENTITY;
        }
        // A negative slope would turn the model's ranking upside down: it says nothing useful.
        if a <= 0.0 {
            return constant();
        }
        Platt { a, b }
    }
}

#[cfg(test)]
mod tests {
    use super::super::metrics::{auc, brier};
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// True PDs and outcomes drawn from them.
    fn sample(n: usize, seed: u64) -> (Vec<f64>, Vec<bool>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let p: Vec<f64> = (0..n)
            .map(|_| sigmoid(-2.0 + 1.5 * (rng.r#gen::<f64>() * 4.0 - 2.0)))
            .collect();
        let y = p.iter().map(|&p| rng.r#gen::<f64>() < p).collect();
        (p, y)
    }

    #[test]
    fn calibration_improves_the_brier_score_of_a_miscalibrated_predictor() {
        let (p, y) = sample(20_000, 1);
        // Overconfident and biased: twice the log-odds, shifted up.
        let skewed: Vec<f64> = p.iter().map(|&p| sigmoid(2.0 * logit(p) + 1.0)).collect();
        let platt = Platt::fit(&skewed[..10_000], &y[..10_000]);
        assert!((platt.a - 0.5).abs() < 0.05, "{platt:?}");
        assert!((platt.b + 0.5).abs() < 0.1, "{platt:?}");
        let fixed: Vec<f64> = skewed[10_000..].iter().map(|&p| platt.apply(p)).collect();
        let before = brier(&skewed[10_000..], &y[10_000..]).unwrap();
        let after = brier(&fixed, &y[10_000..]).unwrap();
        let ideal = brier(&p[10_000..], &y[10_000..]).unwrap();
        assert!(after < before - 0.01, "{before} -> {after}");
        assert!(after - ideal < 0.001, "{after} vs the true PDs' {ideal}");
        // The ranking is untouched.
        let a = auc(&skewed[10_000..], &y[10_000..]).unwrap();
        assert!((auc(&fixed, &y[10_000..]).unwrap() - a).abs() < 1e-12);
    }

    #[test]
    fn a_calibrated_predictor_stays_nearly_as_it_is() {
        let (p, y) = sample(20_000, 2);
        let platt = Platt::fit(&p, &y);
        assert!(
            (platt.a - 1.0).abs() < 0.08 && platt.b.abs() < 0.15,
            "{platt:?}"
        );
    }

    #[test]
    fn degenerate_inputs_give_finite_parameters() {
        assert_eq!(Platt::fit(&[], &[]), Platt::IDENTITY);
        assert_eq!(Platt::fit(&[f64::NAN], &[true]), Platt::IDENTITY);
        // One class only: a finite, low PD for everyone's class.
        let one = Platt::fit(&[0.1, 0.2, 0.3], &[false, false, false]);
        assert!(one.a.is_finite() && one.b.is_finite());
        assert!(one.apply(0.3) < 0.3);
        // Constant predictions: the (smoothed) base rate.
        let flat = Platt::fit(&[0.5; 4], &[true, false, false, false]);
        assert_eq!(flat.a, 0.0);
        assert!((flat.apply(0.9) - sigmoid(flat.b)).abs() < 1e-15);
        // Perfect separation, including exact 0 and 1: still finite.
        let sep = Platt::fit(&[0.0, 0.0, 1.0, 1.0], &[false, false, true, true]);
        assert!(sep.a > 0.0 && sep.a.is_finite() && sep.b.is_finite());
        assert!(sep.apply(1.0) > 0.5 && sep.apply(0.0) < 0.5);
        // Reversed ranking: no information, the base rate.
        let rev = Platt::fit(&[0.9, 0.8, 0.2, 0.1], &[false, false, true, true]);
        assert_eq!(rev.a, 0.0);
    }

    #[test]
    fn serde_round_trip() {
        let platt = Platt { a: 0.8, b: -0.3 };
        let back: Platt = serde_json::from_str(&serde_json::to_string(&platt).unwrap()).unwrap();
        assert_eq!(platt, back);
    }
}

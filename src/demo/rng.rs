//! Random streams and the few distributions the generator needs.
//!
//! Every value is drawn from a stream named by (seed, purpose, index), so what an enterprise gets
//! never depends on which thread generated it or on what was generated before it. The
//! distributions are written out here (Marsaglia's polar normal, Knuth's Poisson) because
//! `rand_distr` is not a dependency and these few lines are all that is needed.

use rand::{Rng as _, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A random stream: xoshiro256++ and the spare normal of the last polar draw.
pub struct Rng {
    bits: Xoshiro256PlusPlus,
    spare: Option<f64>,
}

/// What a stream is used for; part of its key, so two purposes never share draws.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    /// Code, name, region, industry, own risk shock: what other enterprises need to know.
    Identity = 1,
    /// Everything else about one enterprise: records, events, sentiment.
    Life = 2,
    /// The association group of a block of consecutive enterprises.
    Block = 3,
}

/// The SplitMix64 finaliser: a bijective 64-bit mix with good avalanche.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream for (seed, purpose, index).
pub fn stream(seed: u64, purpose: Purpose, index: u64) -> Rng {
    let key = splitmix64(splitmix64(splitmix64(seed) ^ purpose as u64) ^ index);
    Rng {
        bits: Xoshiro256PlusPlus::seed_from_u64(key),
        spare: None,
    }
}

pub fn uniform(r: &mut Rng) -> f64 {
    r.bits.r#gen::<f64>()
}

pub fn uniform_in(r: &mut Rng, low: f64, high: f64) -> f64 {
    low + (high - low) * uniform(r)
}

pub fn chance(r: &mut Rng, p: f64) -> bool {
    uniform(r) < p
}

/// Whether an event of Poisson rate `rate` happens at least once: probability 1 − e^(−rate).
/// Since 1 − e^(−rate) ≤ rate, a draw above `rate` settles it without computing the exponential
/// (the common case: monthly hazards are small).
pub fn happens(r: &mut Rng, rate: f64) -> bool {
    let u = uniform(r);
    u < rate && u < -(-rate).exp_m1()
}

/// A standard normal draw: Marsaglia's polar method, which makes two at a time without
/// trigonometry; the second is kept for the next call.
pub fn normal(r: &mut Rng) -> f64 {
    if let Some(x) = r.spare.take() {
        return x;
    }
    loop {
        let u = 2.0 * uniform(r) - 1.0;
        let v = 2.0 * uniform(r) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            let factor = (-2.0 * s.ln() / s).sqrt();
            r.spare = Some(v * factor);
            return u * factor;
        }
    }
}

pub fn lognormal(r: &mut Rng, mu: f64, sigma: f64) -> f64 {
    (mu + sigma * normal(r)).exp()
}

/// Poisson counts: Knuth's product method for small means, a rounded normal for large ones
/// (order counts reach the millions, where the approximation is exact enough).
pub fn poisson(r: &mut Rng, mean: f64) -> i64 {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 40.0 {
        return (mean + mean.sqrt() * normal(r)).round().max(0.0) as i64;
    }
    let limit = (-mean).exp();
    let mut product = uniform(r);
    let mut k = 0;
    while product > limit {
        k += 1;
        product *= uniform(r);
    }
    k
}

/// Successes among `n` trials of probability `p` (n is small wherever this is used).
pub fn binomial(r: &mut Rng, n: i64, p: f64) -> i64 {
    (0..n).filter(|_| chance(r, p)).count() as i64
}

/// An index drawn with the given (not necessarily normalised) weights.
pub fn weighted(r: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = uniform(r) * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

pub fn pick<'a, T>(r: &mut Rng, items: &'a [T]) -> &'a T {
    &items[r.bits.gen_range(0..items.len())]
}

pub fn below(r: &mut Rng, n: u64) -> u64 {
    r.bits.gen_range(0..n)
}

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Rounds to `digits` decimals (money to fen, rates to basis points).
pub fn round_to(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_keyed_by_seed_purpose_and_index() {
        let a = uniform(&mut stream(1, Purpose::Life, 7));
        assert_eq!(a, uniform(&mut stream(1, Purpose::Life, 7)));
        assert_ne!(a, uniform(&mut stream(2, Purpose::Life, 7)));
        assert_ne!(a, uniform(&mut stream(1, Purpose::Identity, 7)));
        assert_ne!(a, uniform(&mut stream(1, Purpose::Life, 8)));
    }

    #[test]
    fn moments_are_right() {
        let mut r = stream(3, Purpose::Life, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut r)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.01 && (var - 1.0).abs() < 0.02,
            "{mean} {var}"
        );
        for lambda in [0.3, 4.0, 120.0] {
            let m = (0..n).map(|_| poisson(&mut r, lambda) as f64).sum::<f64>() / n as f64;
            assert!((m - lambda).abs() < 0.02 * lambda.max(1.0), "{lambda}: {m}");
        }
        let counts = (0..n).fold([0usize; 3], |mut c, _| {
            c[weighted(&mut r, &[1.0, 2.0, 7.0])] += 1;
            c
        });
        assert!((counts[2] as f64 / n as f64 - 0.7).abs() < 0.01);
    }
}

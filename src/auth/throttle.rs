//! Sign-in throttling: attempts per account and per client address, each with a burst and a
//! steady rate (GCRA). The sign-in counts are kept in the database, so several instances behind
//! a balancer allow the configured rate together, for one small write per attempt. The public
//! report limit stays per instance and in memory (`governor`): it is checked on every anonymous
//! report request, where a write would cost more than what it guards against, and N instances
//! allowing N times the rate is still a bound.
//!
//! The account key is the username as typed (trimmed, lower-cased), whether or not such an
//! account exists, so the answer never tells an attacker which usernames are real.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::clock::Clock;

/// How many sign-in attempts are allowed before the caller has to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Attempts on one account in a burst, then one more every `account_period`.
    pub account_burst: u32,
    pub account_period: Duration,
    /// Attempts from one address in a burst, then one more every `address_period`.
    pub address_burst: u32,
    pub address_period: Duration,
}

impl Default for LoginLimits {
    /// Five guesses at an account, then one a minute (a person who mistypes is not hindered, a
    /// password guesser gets 1,440 tries a day instead of millions); thirty attempts from one
    /// address, then one every two seconds (an office behind one NAT can still sign in).
    fn default() -> Self {
        LoginLimits {
            account_burst: 5,
            account_period: Duration::from_secs(60),
            address_burst: 30,
            address_period: Duration::from_secs(2),
        }
    }
}

/// The service's clock as governor's time source, so tests move time instead of sleeping.
#[derive(Clone)]
struct ServiceClock(Arc<dyn Clock>);

impl GovernorClock for ServiceClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        let nanos = self.0.now().timestamp_nanos_opt().unwrap_or(i64::MAX);
        Nanos::from(u64::try_from(nanos).unwrap_or(0))
    }
}

type Limiter<K> = RateLimiter<K, DashMapStateStore<K>, ServiceClock, NoOpMiddleware<Nanos>>;

/// A burst, then one more every `period`: the generic cell rate algorithm (GCRA) over a single
/// number per key, its "theoretical arrival time" (TAT, in microseconds since the epoch), so that
/// the state fits one database row and several instances can share it. Written here rather than
/// taken from `governor`, whose state lives in its own in-memory store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    period_micros: i64,
    /// How far ahead of now the TAT may run: `period × (burst − 1)`.
    tolerance_micros: i64,
}

impl Rate {
    pub fn new(burst: u32, period: Duration) -> Rate {
        let period_micros = i64::try_from(period.as_micros()).unwrap_or(i64::MAX).max(1);
        Rate {
            period_micros,
            tolerance_micros: period_micros.saturating_mul(i64::from(burst.max(1) - 1)),
        }
    }

    /// An attempt at `now` on a key whose TAT is `held` (0 for a key never seen): the new TAT
    /// when it is admitted, or how long until it would be.
    pub fn admit(self, held: i64, now: i64) -> Result<i64, Duration> {
        let tat = held.max(now);
        let ahead = tat - now;
        if ahead > self.tolerance_micros {
            let wait = u64::try_from(ahead - self.tolerance_micros).unwrap_or(0);
            return Err(Duration::from_micros(wait));
        }
        Ok(tat.saturating_add(self.period_micros))
    }
}

/// The sign-in limits of one service: which keys an attempt counts against, under which rate.
/// The counts themselves are kept in the database (`db::sign_in_limits`), shared by every
/// instance on it.
pub struct LoginThrottle {
    clock: Arc<dyn Clock>,
    accounts: Rate,
    addresses: Rate,
    attempts: AtomicUsize,
}

/// Every this many attempts, an instance drops the keys whose limits have fully recovered, so a
/// flood of random usernames cannot grow the table without bound.
pub const SWEEP_EVERY: usize = 4096;

impl LoginThrottle {
    pub fn new(limits: LoginLimits, clock: Arc<dyn Clock>) -> Self {
        LoginThrottle {
            clock,
            accounts: Rate::new(limits.account_burst, limits.account_period),
            addresses: Rate::new(limits.address_burst, limits.address_period),
            attempts: AtomicUsize::new(0),
        }
    }

    /// Now, in the microseconds the rates count in.
    pub fn now_micros(&self) -> i64 {
        self.clock.now().timestamp_micros()
    }

    /// The keys an attempt on `username` from `address` counts against, in the order they are
    /// checked: the address first, so that an attempt it refuses uses none of the account's
    /// allowance. The account key is the username as typed, trimmed and lower-cased.
    pub fn keys(&self, username: &str, address: Option<IpAddr>) -> Vec<(String, Rate)> {
        let mut keys = Vec::with_capacity(2);
        if let Some(address) = address {
            keys.push((format!("address:{address}"), self.addresses));
        }
        keys.push((
            format!("account:{}", username.trim().to_lowercase()),
            self.accounts,
        ));
        keys
    }

    /// True once every [`SWEEP_EVERY`] attempts.
    pub fn sweep_due(&self) -> bool {
        self.attempts.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1
    }
}

/// How many anonymous requests of one costly kind (a public report, which is signed and
/// stored) one client address may make: a burst, then one more every `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressLimits {
    pub burst: u32,
    pub period: Duration,
}

impl AddressLimits {
    /// Twenty public reports at once, then one every ten seconds (360 an hour): more than a
    /// person reads, and a flood from one address stores at most that many rows.
    pub const PUBLIC_REPORTS: AddressLimits = AddressLimits {
        burst: 20,
        period: Duration::from_secs(10),
    };
}

/// A per-address limit on one kind of anonymous request; signed-in callers are answerable for
/// what they do and are not counted.
pub struct AddressThrottle {
    clock: ServiceClock,
    addresses: Limiter<IpAddr>,
    checks: AtomicUsize,
}

impl AddressThrottle {
    pub fn new(limits: AddressLimits, clock: Arc<dyn Clock>) -> Self {
        let clock = ServiceClock(clock);
        let quota = Quota::with_period(limits.period)
            .expect("a non-zero period")
            .allow_burst(NonZeroU32::new(limits.burst.max(1)).expect("at least one"));
        AddressThrottle {
            addresses: RateLimiter::new(quota, DashMapStateStore::default(), clock.clone()),
            clock,
            checks: AtomicUsize::new(0),
        }
    }

    /// Counts a request from `address`; `Err` holds how long to wait. Without an address (a
    /// Unix socket) nothing is counted.
    pub fn check(&self, address: Option<IpAddr>) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.addresses.retain_recent();
        }
        let Some(address) = address else {
            return Ok(());
        };
        self.addresses
            .check_key(&address)
            .map_err(|wait| wait.wait_time_from(self.clock.now()))
    }
}

/// Whole seconds to wait, rounded up, for `Retry-After`.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    const MINUTE: i64 = 60_000_000;

    #[test]
    fn a_rate_gives_its_burst_then_one_per_period() {
        let rate = Rate::new(3, Duration::from_secs(60));
        let now = 1_000 * MINUTE;
        let mut tat = 0;
        for _ in 0..3 {
            tat = rate.admit(tat, now).unwrap();
        }
        assert_eq!(rate.admit(tat, now), Err(Duration::from_secs(60)));
        // Half a minute on, half a minute to wait; a minute on, one more and no second.
        assert_eq!(
            rate.admit(tat, now + MINUTE / 2),
            Err(Duration::from_secs(30))
        );
        let tat = rate.admit(tat, now + MINUTE).unwrap();
        assert!(rate.admit(tat, now + MINUTE).is_err());
        // Long idle: a whole burst again, as for a key never seen.
        let mut idle = rate.admit(tat, now + 10 * MINUTE).unwrap();
        for _ in 0..2 {
            idle = rate.admit(idle, now + 10 * MINUTE).unwrap();
        }
        assert!(rate.admit(idle, now + 10 * MINUTE).is_err());
    }

    #[test]
    fn attempts_count_against_the_address_first_then_the_account_as_typed() {
        let clock = ManualClock::new("2026-11-22T08:00:00Z".parse().unwrap());
        let throttle = LoginThrottle::new(LoginLimits::default(), Arc::new(clock));
        let here: IpAddr = "10.0.0.1".parse().unwrap();
        let keys: Vec<String> = throttle
            .keys(" Admin ", Some(here))
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        assert_eq!(keys, ["address:10.0.0.1", "account:admin"]);
        assert_eq!(throttle.keys("admin", None).len(), 1);
    }

    #[test]
    fn an_address_throttle_counts_each_address_apart() {
        let clock = ManualClock::new("2026-11-22T08:00:00Z".parse().unwrap());
        let limits = AddressLimits {
            burst: 2,
            period: Duration::from_secs(10),
        };
        let throttle = AddressThrottle::new(limits, Arc::new(clock.clone()));
        let (here, there): (IpAddr, IpAddr) =
            ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        throttle.check(Some(here)).unwrap();
        throttle.check(Some(here)).unwrap();
        let wait = throttle.check(Some(here)).unwrap_err();
        assert!(
            wait <= Duration::from_secs(10) && wait > Duration::ZERO,
            "{wait:?}"
        );
        assert_eq!(retry_after_seconds(wait), 10);
        throttle.check(Some(there)).unwrap();
        throttle.check(None).unwrap();
        clock.advance(chrono::Duration::seconds(10));
        throttle.check(Some(here)).unwrap();
        assert!(throttle.check(Some(here)).is_err());
    }
}

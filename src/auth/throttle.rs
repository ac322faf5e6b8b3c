//! Sign-in throttling: attempts per account and per client address, each with a burst and a
//! steady rate (GCRA, from the `governor` crate). Limits are per service instance and kept in
//! memory; several instances behind a balancer each allow the configured rate.
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

pub struct LoginThrottle {
    clock: ServiceClock,
    accounts: Limiter<String>,
    addresses: Limiter<IpAddr>,
    attempts: AtomicUsize,
}

/// Retention of idle keys: every this many checks, keys whose limits have fully recovered are
/// dropped, so a flood of random usernames cannot grow memory without bound.
const SWEEP_EVERY: usize = 4096;

impl LoginThrottle {
    pub fn new(limits: LoginLimits, clock: Arc<dyn Clock>) -> Self {
        let clock = ServiceClock(clock);
        let quota = |burst: u32, period: Duration| {
            Quota::with_period(period)
                .expect("a non-zero period")
                .allow_burst(NonZeroU32::new(burst.max(1)).expect("at least one"))
        };
        LoginThrottle {
            accounts: RateLimiter::new(
                quota(limits.account_burst, limits.account_period),
                DashMapStateStore::default(),
                clock.clone(),
            ),
            addresses: RateLimiter::new(
                quota(limits.address_burst, limits.address_period),
                DashMapStateStore::default(),
                clock.clone(),
            ),
            clock,
            attempts: AtomicUsize::new(0),
        }
    }

    /// Counts an attempt on `username` from `address`; `Err` holds how long to wait. An attempt
    /// refused by the address limit does not use up the account's allowance.
    pub fn attempt(&self, username: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        self.sweep_now_and_then();
        if let Some(address) = address {
            self.addresses
                .check_key(&address)
                .map_err(|wait| wait.wait_time_from(self.clock.now()))?;
        }
        let account = username.trim().to_lowercase();
        self.accounts
            .check_key(&account)
            .map_err(|wait| wait.wait_time_from(self.clock.now()))
    }

    fn sweep_now_and_then(&self) {
        if self.attempts.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.accounts.retain_recent();
            self.addresses.retain_recent();
        }
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

    fn throttle() -> (LoginThrottle, ManualClock) {
        let clock = ManualClock::new("2026-11-22T08:00:00Z".parse().unwrap());
        let limits = LoginLimits {
            account_burst: 3,
            account_period: Duration::from_secs(60),
            address_burst: 5,
            address_period: Duration::from_secs(10),
        };
        (LoginThrottle::new(limits, Arc::new(clock.clone())), clock)
    }

    #[test]
    fn an_account_gets_its_burst_then_waits() {
        let (throttle, clock) = throttle();
        let here: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..3 {
            throttle.attempt("Admin", Some(here)).unwrap();
        }
        // The same account however it is typed; another account is unaffected.
        let wait = throttle.attempt(" admin ", Some(here)).unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        throttle.attempt("other", Some(here)).unwrap();
        clock.advance(chrono::Duration::seconds(61));
        throttle.attempt("admin", Some(here)).unwrap();
        assert!(throttle.attempt("admin", Some(here)).is_err());
    }

    #[test]
    fn an_address_gets_its_burst_across_accounts() {
        let (throttle, clock) = throttle();
        let here: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..5 {
            throttle.attempt(&format!("user{i}"), Some(here)).unwrap();
        }
        let wait = throttle.attempt("user9", Some(here)).unwrap_err();
        assert!(wait <= Duration::from_secs(10), "{wait:?}");
        // Another address still may, and the refused attempt used none of user9's allowance.
        let there: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            throttle.attempt("user9", Some(there)).unwrap();
        }
        clock.advance(chrono::Duration::seconds(10));
        throttle.attempt("user8", Some(here)).unwrap();
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

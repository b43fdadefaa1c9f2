//! Rate limits on writes (POST, PUT, PATCH, DELETE): a token bucket per client address, checked
//! before anything of the request is read (`address_refusal`, answered by the
//! `request_rules::screen_requests` middleware), and one per user, checked when the token is
//! (`auth`). Beyond its bucket a request is answered 429
//! `TOO_MANY_REQUESTS` with `Retry-After`, and nothing is decided. Reads are not limited.
//!
//! The buckets live in the process: with several processes behind a balancer, each enforces its
//! own. IPv6 addresses are grouped by their /64 (one host usually holds the whole prefix).

use std::collections::HashMap;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use actix_web::web;

use crate::error::{ApiError, ErrorCode};

/// A sustained rate and the burst allowed above it: `"20/40"` is 20 per second, 40 at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl FromStr for Rate {
    type Err = String;

    /// `RATE` or `RATE/BURST` (the burst defaults to twice the rate).
    fn from_str(text: &str) -> Result<Self, String> {
        let (rate, burst) = match text.split_once('/') {
            Some((rate, burst)) => (rate, Some(burst)),
            None => (text, None),
        };
        let number = |t: &str| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n > 0.0)
        };
        let per_second = number(rate).ok_or_else(|| {
            format!("{text:?}: the rate must be a number above 0 (RATE or RATE/BURST)")
        })?;
        let burst = match burst {
            Some(b) => number(b)
                .filter(|b| *b >= 1.0)
                .ok_or_else(|| format!("{text:?}: the burst must be 1 or more"))?,
            None => (per_second * 2.0).max(1.0),
        };
        Ok(Rate { per_second, burst })
    }
}

/// A limit as configured: a [`Rate`], or `off`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateSetting(pub Option<Rate>);

impl FromStr for RateSetting {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().eq_ignore_ascii_case("off") {
            return Ok(RateSetting(None));
        }
        text.parse().map(|rate| RateSetting(Some(rate)))
    }
}

/// The limits a server enforces; `None` is no limit.
#[derive(Debug, Default)]
pub struct RateLimits {
    pub per_user: Option<TokenBuckets>,
    pub per_address: Option<TokenBuckets>,
}

impl RateLimits {
    pub fn new(per_user: Option<Rate>, per_address: Option<Rate>) -> Self {
        Self {
            per_user: per_user.map(TokenBuckets::new),
            per_address: per_address.map(TokenBuckets::new),
        }
    }

    /// Takes a write of `user_id` from their bucket (`Ok` when not a write or no limit).
    pub fn check_user(&self, method: &Method, user_id: &str) -> Result<(), ApiError> {
        match &self.per_user {
            Some(buckets) if is_write(method) => buckets
                .take(user_id, Instant::now())
                .map_err(|wait| too_many("this user", wait)),
            _ => Ok(()),
        }
    }
}

/// How many keys a limiter tracks before it forgets the idle ones.
const MAX_KEYS: usize = 65_536;

/// Token buckets by key.
#[derive(Debug)]
pub struct TokenBuckets {
    rate: Rate,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl TokenBuckets {
    pub fn new(rate: Rate) -> Self {
        Self {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key` at `now`; `Err(seconds)` to wait when none is left.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), u32> {
        let Rate { per_second, burst } = self.rate;
        let level = |b: &Bucket| {
            (b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_second).min(burst)
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_KEYS && !buckets.contains_key(key) {
            // A full bucket is as good as none: forget those; if all are in use, start over
            // (memory stays bounded; the limit loosens only under a flood of distinct keys).
            buckets.retain(|_, b| level(b) < burst);
            if buckets.len() >= MAX_KEYS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let tokens = level(bucket);
        if tokens >= 1.0 {
            *bucket = Bucket {
                tokens: tokens - 1.0,
                at: now,
            };
            Ok(())
        } else {
            *bucket = Bucket { tokens, at: now };
            Err((((1.0 - tokens) / per_second).ceil() as u32).max(1))
        }
    }
}

fn is_write(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

fn too_many(who: &str, wait: u32) -> ApiError {
    ApiError::new(
        ErrorCode::TooManyRequests,
        format!("{who} is sending writes faster than allowed; retry after {wait} s"),
    )
    .with_retry_after(wait)
}

/// The key of a client address: the address, or its /64 for IPv6.
fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The 429 of a write beyond its client address's bucket, if it is one (answered by
/// `request_rules::screen_requests`, before anything else).
pub fn address_refusal(req: &ServiceRequest) -> Option<ApiError> {
    let limits = req.app_data::<web::Data<RateLimits>>()?;
    let buckets = limits.per_address.as_ref()?;
    let peer = req.peer_addr()?;
    if !is_write(req.method()) {
        return None;
    }
    buckets
        .take(&address_key(peer.ip()), Instant::now())
        .err()
        .map(|wait| too_many("this address", wait))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let buckets = TokenBuckets::new("2/3".parse().expect("rate"));
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(buckets.take("u", start), Ok(()));
        }
        assert_eq!(buckets.take("u", start), Err(1));
        // Another key has its own bucket.
        assert_eq!(buckets.take("v", start), Ok(()));
        // Half a second at 2/s refills one token, and only one.
        let later = start + Duration::from_millis(500);
        assert_eq!(buckets.take("u", later), Ok(()));
        assert_eq!(buckets.take("u", later), Err(1));
    }

    #[test]
    fn retry_after_says_when_a_token_is_back() {
        let buckets = TokenBuckets::new("0.1/1".parse().expect("rate"));
        let now = Instant::now();
        assert_eq!(buckets.take("u", now), Ok(()));
        assert_eq!(buckets.take("u", now), Err(10));
    }

    #[test]
    fn rates_parse_with_an_optional_burst() {
        assert_eq!(
            "20".parse::<Rate>(),
            Ok(Rate {
                per_second: 20.0,
                burst: 40.0
            })
        );
        assert_eq!(
            "5/7".parse::<Rate>(),
            Ok(Rate {
                per_second: 5.0,
                burst: 7.0
            })
        );
        for bad in ["", "0", "-1", "x", "5/0", "5/x", "inf"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ipv6_addresses_share_their_64_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        assert_eq!(
            address_key("::ffff:10.0.0.1".parse().expect("ip")),
            "10.0.0.1"
        );
    }
}

//! Token buckets: how the edge limits how fast one visitor, or one network
//! address, may go. Pure arithmetic, so it is tested here and stored by
//! whoever keeps the bucket.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// A limit: at most `burst` at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// How many may be taken at once from a full bucket.
    pub burst: f64,
    /// How many come back per minute.
    pub per_minute: f64,
}

/// A bucket's state.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Tokens left at `at`.
    pub tokens: f64,
    /// When `tokens` was last computed.
    pub at: Millis,
}

impl Rate {
    /// Reads a limit from two settings, falling back to defaults for missing
    /// or unreadable ones (a limit of zero or less means "no limit").
    pub fn from_settings(burst: Option<&str>, per_minute: Option<&str>, default: Rate) -> Rate {
        let read = |value: Option<&str>, fallback: f64| {
            value
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .unwrap_or(fallback)
        };
        Rate {
            burst: read(burst, default.burst),
            per_minute: read(per_minute, default.per_minute),
        }
    }

    /// Whether this limit limits anything.
    pub fn is_unlimited(&self) -> bool {
        self.burst <= 0.0 || self.per_minute <= 0.0
    }

    /// A full bucket.
    pub fn full(&self, now: Millis) -> Bucket {
        Bucket {
            tokens: self.burst,
            at: now,
        }
    }
}

impl Bucket {
    /// Takes `cost` tokens at `now`. On refusal the bucket is unchanged and
    /// the answer says how many milliseconds until there would be enough.
    pub fn take(&mut self, rate: Rate, cost: f64, now: Millis) -> Result<(), u64> {
        if rate.is_unlimited() {
            return Ok(());
        }
        let per_ms = rate.per_minute / 60_000.0;
        let elapsed = (now - self.at).max(0) as f64;
        let tokens = (self.tokens + elapsed * per_ms).min(rate.burst);
        if tokens >= cost {
            *self = Bucket {
                tokens: tokens - cost,
                at: now,
            };
            Ok(())
        } else {
            Err(((cost - tokens) / per_ms).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate {
        burst: 3.0,
        per_minute: 60.0,
    };

    #[test]
    fn a_burst_then_one_per_refill() {
        let mut bucket = RATE.full(0);
        for _ in 0..3 {
            assert_eq!(bucket.take(RATE, 1.0, 0), Ok(()));
        }
        assert_eq!(
            bucket.take(RATE, 1.0, 0),
            Err(1_000),
            "one token per second"
        );
        assert_eq!(bucket.take(RATE, 1.0, 400), Err(600));
        assert_eq!(bucket.take(RATE, 1.0, 1_000), Ok(()));
        assert_eq!(bucket.take(RATE, 1.0, 1_000), Err(1_000));
    }

    #[test]
    fn it_never_fills_past_the_burst() {
        let mut bucket = RATE.full(0);
        assert_eq!(bucket.take(RATE, 3.0, 3_600_000), Ok(()));
        assert!(bucket.take(RATE, 1.0, 3_600_000).is_err());
    }

    #[test]
    fn settings_fall_back_and_zero_disables() {
        let rate = Rate::from_settings(Some("5"), Some("not a number"), RATE);
        assert_eq!(
            rate,
            Rate {
                burst: 5.0,
                per_minute: 60.0
            }
        );
        let off = Rate::from_settings(Some("0"), None, RATE);
        assert!(off.is_unlimited());
        let mut bucket = off.full(0);
        assert_eq!(bucket.take(off, 1_000.0, 0), Ok(()));
    }
}

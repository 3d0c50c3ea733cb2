//! Cumulative energy counters: what one step from a reading to the next counted.
//!
//! Both counters bilan reads only grow, until they wrap: NVML's is a `u64` of millijoules
//! (its range is 2⁶⁴), a RAPL zone's goes from 0 to its `max_energy_range_uj` and starts
//! again at 0 (its range is that maximum + 1). A reading below the previous one is read as
//! one wrap when the wrapped step is under half the range; otherwise the counter must have
//! restarted (a driver reload), and only what it counted since its restart is known.

use std::time::Duration;

/// The range of NVML's energy counter: a `u64`.
pub const NVML_RANGE: u128 = 1 << 64;

/// What one step of a counter counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    /// Energy counted, in the counter's unit.
    pub amount: u64,
    /// Whether the counter wrapped around its range.
    pub wrapped: bool,
    /// Whether the counter restarted: `amount` is then only what it counted since.
    pub restarted: bool,
}

/// The step from `previous` to `current` of a counter that wraps after `range` units
/// (`max + 1`).
pub fn advance(previous: u64, current: u64, range: u128) -> Advance {
    if current >= previous {
        return Advance {
            amount: current - previous,
            wrapped: false,
            restarted: false,
        };
    }
    let wrapped = range.saturating_sub(u128::from(previous)) + u128::from(current);
    if wrapped < range / 2 {
        Advance {
            // Below half of a range of at most 2⁶⁴: it fits.
            amount: u64::try_from(wrapped).unwrap_or(u64::MAX),
            wrapped: true,
            restarted: false,
        }
    } else {
        Advance {
            amount: current,
            wrapped: false,
            restarted: true,
        }
    }
}

/// One counter followed from a first reading: what it counted, up to when, and what went
/// wrong on the way.
#[derive(Clone, Debug)]
pub struct Track {
    range: u128,
    last: u64,
    /// When the last good reading was taken (since the start of the measurement).
    pub last_good: Duration,
    /// Everything counted, in the counter's unit.
    pub total: u128,
    /// How many times it wrapped.
    pub wraps: u32,
    /// When it restarted, with the reading before and after.
    pub restarts: Vec<(Duration, u64, u64)>,
    /// The first failed reading after the start: when, and why.
    pub first_failure: Option<(Duration, String)>,
    /// Failed readings.
    pub failures: u32,
    /// Whether it is no longer read (its device is lost).
    pub lost: bool,
    /// Highest mean rate between two consecutive good readings, in units per second.
    pub peak_rate: f64,
}

impl Track {
    /// A counter first read as `first` at `at`, wrapping after `range` units.
    pub fn new(first: u64, at: Duration, range: u128) -> Track {
        Track {
            range,
            last: first,
            last_good: at,
            total: 0,
            wraps: 0,
            restarts: Vec::new(),
            first_failure: None,
            failures: 0,
            lost: false,
            peak_rate: 0.0,
        }
    }

    /// Records a reading taken at `at`.
    pub fn read(&mut self, value: u64, at: Duration) {
        let step = advance(self.last, value, self.range);
        if step.wrapped {
            self.wraps += 1;
        }
        if step.restarted {
            self.restarts.push((at, self.last, value));
        }
        self.total += u128::from(step.amount);
        let seconds = at.saturating_sub(self.last_good).as_secs_f64();
        if seconds > 0.0 && !step.restarted {
            self.peak_rate = self.peak_rate.max(step.amount as f64 / seconds);
        }
        self.last = value;
        self.last_good = at;
    }

    /// Records a reading that failed at `at`; a `lost` counter is not read again.
    pub fn fail(&mut self, at: Duration, why: String, lost: bool) {
        self.failures += 1;
        if self.first_failure.is_none() {
            self.first_failure = Some((at, why));
        }
        self.lost |= lost;
    }
}

//! Time series at regular intervals: the carbon intensity of one region's grid hour by hour
//! (or finer), with the time-weighted mean it gives over any interval it covers, and the
//! hourly generation profile of a contractual instrument. `bilan_io::series` reads and checks
//! the files they come from.

pub use jiff::{SignedDuration, Timestamp};

use crate::indicator::Indicator;

/// The canonical unit of every value of a grid intensity series.
pub const UNIT: &str = "kgCO2e/kWh";

/// What a series measures: its value column and canonical unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Grid carbon intensity, in [`UNIT`].
    Intensity,
    /// Electricity generated in each interval, in kWh (an instrument's profile).
    Generation,
}

impl Kind {
    /// The name of its value column.
    pub fn column(self) -> &'static str {
        match self {
            Kind::Intensity => "intensity",
            Kind::Generation => "energy",
        }
    }

    /// The canonical unit of its values.
    pub fn unit(self) -> &'static str {
        match self {
            Kind::Intensity => UNIT,
            Kind::Generation => "kWh",
        }
    }

    /// What its unit must be, in words, with examples.
    pub fn unit_words(self) -> &'static str {
        match self {
            Kind::Intensity => "an emission per energy (expected e.g. gCO2e/kWh or kgCO2e/MWh)",
            Kind::Generation => "an energy (expected e.g. kWh or MWh)",
        }
    }

    /// The series in words: `a grid intensity series`.
    pub fn what(self) -> &'static str {
        match self {
            Kind::Intensity => "a grid intensity series",
            Kind::Generation => "a generation profile",
        }
    }
}

/// A checked series: one value per interval, in the canonical unit of its [`Kind`].
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The file it was read from.
    pub file: String,
    /// The start of its first interval.
    pub start: Timestamp,
    /// The length of each interval.
    pub step: SignedDuration,
    /// One value per interval, in the canonical unit of its kind.
    pub values: Vec<f64>,
}

/// An interval a series does not cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uncovered {
    /// The series' own span, `[start, end)`.
    pub covered: (Timestamp, Timestamp),
}

impl Series {
    /// The indicator its values are a factor of.
    pub const INDICATOR: Indicator = Indicator::Gwp;

    /// The end of its last interval.
    pub fn end(&self) -> Timestamp {
        let n = i32::try_from(self.values.len()).unwrap_or(i32::MAX);
        self.start
            .saturating_add(self.step * n)
            .unwrap_or(Timestamp::MAX)
    }

    /// The time-weighted mean intensity over `[from, to)`, in [`UNIT`], with the number of
    /// intervals it draws on: an interval that `[from, to)` covers in part weighs by the
    /// part covered. An empty or reversed interval, or one the series does not cover
    /// entirely, is [`Uncovered`].
    pub fn mean_over(&self, from: Timestamp, to: Timestamp) -> Result<(f64, usize), Uncovered> {
        let uncovered = || Uncovered {
            covered: (self.start, self.end()),
        };
        if from >= to || from < self.start || to > self.end() {
            return Err(uncovered());
        }
        let step = self.step.as_secs_f64();
        let offset = |t: Timestamp| t.duration_since(self.start).as_secs_f64() / step;
        let (a, b) = (offset(from), offset(to));
        let first = a.floor() as usize;
        let last = (b.ceil() as usize).min(self.values.len());
        let mut sum = 0.0;
        for (k, v) in self.values[first..last].iter().enumerate() {
            let k = (first + k) as f64;
            let weight = (b.min(k + 1.0) - a.max(k)).max(0.0);
            sum += v * weight;
        }
        Ok((sum / (b - a), last - first))
    }

    /// The plain mean of every value: the series' own average over its span.
    pub fn mean(&self) -> f64 {
        self.values.iter().sum::<f64>() / self.values.len().max(1) as f64
    }
}

/// The warning for a method that cannot read grid series (a compiled plugin: its interface
/// carries the inventory's keys, not the series' values), when some site follows one.
pub fn not_carried(inventory: &crate::Inventory) -> Option<String> {
    let sites: Vec<String> = inventory
        .sites
        .iter()
        .filter_map(|s| Some(format!("`{}` (`{}`)", s.id, s.grid_series.as_deref()?)))
        .collect();
    (!sites.is_empty()).then(|| {
        format!(
            "grid series not used: a compiled plugin receives no series, so this method's GWP uses annual factors for {} {}; the built-in methods weight it by the series (driver `temporal-resolution`)",
            if sites.len() == 1 { "site" } else { "sites" },
            sites.join(", ")
        )
    })
}

#[cfg(test)]
mod tests;

//! Hourly matching of contractual instruments to consumption, for market-based Scope 2.
//!
//! The arithmetic is here, once: the hours of a reporting period, each site's consumption
//! hour by hour (a workload's energy spread evenly over the whole hours of its period inside
//! the reporting period), each instrument's generation in those hours, and the matching
//! itself, hour by hour and within the same market: in each hour, the instruments in the
//! inventory's order cover the sites of their market in the inventory's order, until the
//! generation of that hour or the consumption is used up. Generation in an hour without
//! consumption left to cover is surplus, never carried to another hour. The rest of each
//! hour's consumption is unmatched and takes the residual mix.
//!
//! Each site's hourly market-based factor, `f(h)` = (Σ matched × the instrument's rate +
//! unmatched × residual) ÷ consumption, gives the site's factor (`F_mb`, its mean weighted by
//! consumption) and a workload's weight `k_match` = the mean of `f` over the workload's hours
//! ÷ `F_mb`: energy spread evenly over the same hours as the consumption, Σ workloads `E ×
//! F_mb × k_match` is Σ hours `consumption × f(h)`, exactly.
//!
//! Parameter `market-matching` (`annual`, the default, or `hourly`) selects it; the driver is
//! `market-matching`.

use std::ops::Range;

use bilan_core::assessment::{Driver, Term, TermSource};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::Period;
use bilan_core::method::{ParamKind, ParamSpec, ParamValue, RuleSpec};
use bilan_core::series::{Series, Timestamp};

/// The parameter's name.
pub const PARAM: &str = "market-matching";

/// The parameter `market-matching`, documented with `doc`.
pub fn param(doc: &str) -> ParamSpec {
    ParamSpec::new(
        PARAM,
        ParamKind::Choice {
            values: vec!["annual".to_owned(), "hourly".to_owned()],
        },
        Some(ParamValue::Text("annual".to_owned())),
        doc,
    )
}

/// The rule of a method that reports no market-based figure: the driver does not apply.
pub fn rule_location_only(why: &str) -> RuleSpec {
    RuleSpec::new(
        Driver::MarketMatching,
        "not applicable",
        &format!(
            "no market-based figure: {why}; contractual instruments are matched by no rule of this method"
        ),
    )
}

const HOUR: i64 = 3600;

/// The whole hours of a reporting period, in UTC.
#[derive(Clone, Copy, Debug)]
pub struct Hours {
    from: Timestamp,
    count: usize,
}

impl Hours {
    /// The hours of `period`, from 00:00 UTC on its first day to 24:00 on its last.
    pub fn of(period: Period) -> Hours {
        let from = period.start.start_utc();
        let to = period.end.end_utc();
        let seconds = to.as_second().saturating_sub(from.as_second()).max(0);
        Hours {
            from,
            count: usize::try_from(seconds / HOUR).unwrap_or(0),
        }
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the period has none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The hours of `own` inside the period (all of them for `None`), or `None` when it has
    /// none there.
    pub fn range(&self, own: Option<Period>) -> Option<Range<usize>> {
        let Some(own) = own else {
            return (self.count > 0).then_some(0..self.count);
        };
        let hour = |t: Timestamp| (t.as_second() - self.from.as_second()).div_euclid(HOUR);
        let lo = hour(own.start.start_utc()).max(0);
        let hi = hour(own.end.end_utc()).min(i64::try_from(self.count).unwrap_or(i64::MAX));
        let (lo, hi) = (usize::try_from(lo).ok()?, usize::try_from(hi).ok()?);
        (lo < hi).then_some(lo..hi)
    }

    /// The hour of the period that `t` falls in.
    fn index(&self, t: Timestamp) -> Option<usize> {
        let h = (t.as_second() - self.from.as_second()).div_euclid(HOUR);
        usize::try_from(h).ok().filter(|&h| h < self.count)
    }

    /// A metered workload's energy by hour (`hourly`, hourly values) as (hour of the period,
    /// kWh), the hours outside the period left out.
    pub fn metered<'s>(&'s self, hourly: &'s Series) -> impl Iterator<Item = (usize, f64)> + 's {
        let step = hourly.step.as_secs();
        hourly.values.iter().enumerate().filter_map(move |(k, v)| {
            let at = hourly.start.as_second()
                + i64::try_from(k).unwrap_or(i64::MAX).saturating_mul(step);
            let t = Timestamp::from_second(at).ok()?;
            Some((self.index(t)?, *v))
        })
    }

    /// `series`' values summed into the period's hours (an interval counts in the hour it
    /// starts in; a series' interval divides an hour); what lies outside the period is left
    /// out. Returns the hours and the sum inside the period.
    pub fn bins(&self, series: &Series) -> (Vec<f64>, f64) {
        let mut bins = vec![0.0; self.count];
        let mut inside = 0.0;
        let step = series.step.as_secs();
        let start = series.start.as_second() - self.from.as_second();
        for (k, v) in series.values.iter().enumerate() {
            let at = start + i64::try_from(k).unwrap_or(i64::MAX).saturating_mul(step);
            let h = at.div_euclid(HOUR);
            if let Some(bin) = usize::try_from(h).ok().and_then(|h| bins.get_mut(h)) {
                *bin += v;
                inside += v;
            }
        }
        (bins, inside)
    }
}

/// One site's consumption, hour by hour, built from workloads spread evenly over their hours.
#[derive(Clone, Debug)]
pub struct Load {
    /// The change of the hourly rate at each hour (a difference array), then the hours.
    delta: Vec<f64>,
}

impl Load {
    /// No consumption in `hours`.
    pub fn new(hours: &Hours) -> Load {
        Load {
            delta: vec![0.0; hours.len() + 1],
        }
    }

    /// Adds `kwh` spread evenly over `range`.
    pub fn spread(&mut self, range: Range<usize>, kwh: f64) {
        let n = range.len();
        if n == 0 || range.end >= self.delta.len() {
            return;
        }
        let rate = kwh / n as f64;
        self.delta[range.start] += rate;
        self.delta[range.end] -= rate;
    }

    /// Adds a metered workload's `kwh`, in the shape of its energy by hour (`hourly`).
    pub fn add_metered(&mut self, hours: &Hours, hourly: &Series, kwh: f64) {
        let inside: f64 = hours.metered(hourly).map(|(_, v)| v).sum();
        if inside <= 0.0 {
            return;
        }
        for (h, v) in hours.metered(hourly) {
            let x = kwh * v / inside;
            self.delta[h] += x;
            self.delta[h + 1] -= x;
        }
    }

    /// The consumption of each hour.
    pub fn hours(self) -> Vec<f64> {
        let mut rate = 0.0;
        let mut hours = self.delta;
        hours.pop();
        for h in &mut hours {
            rate += *h;
            *h = rate.max(0.0);
        }
        hours
    }
}

/// An instrument ready to match: its generation by hour, its emission rate and the sites
/// (by their place in the list of loads) of its market, in order.
#[derive(Clone, Debug)]
pub struct Supply {
    pub generation: Vec<f64>,
    pub rate: f64,
    pub sites: Vec<usize>,
}

/// What hourly matching gives for one site.
#[derive(Clone, Debug, Default)]
pub struct SiteMatch {
    /// Consumption, kWh.
    pub consumption: f64,
    /// Consumption matched by instruments, kWh.
    pub matched: f64,
    /// Of it, by instruments with a rate of zero (carbon-free), kWh.
    pub carbon_free: f64,
    /// Σ matched × rate, kg CO2e.
    pub emitted: f64,
    /// Per instrument (by its place in the supplies): kWh matched at this site.
    pub by_instrument: Vec<f64>,
    /// Per hour: matched kWh and Σ matched × rate.
    pub hourly: Vec<(f64, f64)>,
}

/// The whole matching: per site, and per instrument its surplus (kWh of generation in the
/// period left unmatched).
#[derive(Clone, Debug)]
pub struct Matching {
    pub sites: Vec<SiteMatch>,
    pub surplus: Vec<f64>,
}

/// Matches `supplies` to `loads` hour by hour (see the module's description).
pub fn match_hourly(loads: &[Vec<f64>], supplies: &[Supply]) -> Matching {
    let hours = loads.first().map_or(0, Vec::len);
    let mut sites: Vec<SiteMatch> = loads
        .iter()
        .map(|l| SiteMatch {
            consumption: l.iter().sum(),
            by_instrument: vec![0.0; supplies.len()],
            hourly: vec![(0.0, 0.0); hours],
            ..SiteMatch::default()
        })
        .collect();
    let mut surplus = vec![0.0; supplies.len()];
    let mut need: Vec<f64> = vec![0.0; loads.len()];
    for h in 0..hours {
        for (s, l) in loads.iter().enumerate() {
            need[s] = l.get(h).copied().unwrap_or(0.0);
        }
        for (i, supply) in supplies.iter().enumerate() {
            let mut available = supply.generation.get(h).copied().unwrap_or(0.0);
            for &s in &supply.sites {
                if available <= 0.0 {
                    break;
                }
                let take = available.min(need[s]);
                if take <= 0.0 {
                    continue;
                }
                available -= take;
                need[s] -= take;
                let site = &mut sites[s];
                site.matched += take;
                site.emitted += take * supply.rate;
                if supply.rate == 0.0 {
                    site.carbon_free += take;
                }
                site.by_instrument[i] += take;
                site.hourly[h].0 += take;
                site.hourly[h].1 += take * supply.rate;
            }
            surplus[i] += available.max(0.0);
        }
    }
    Matching { sites, surplus }
}

/// One site's market-based factor hour by hour, to weight its workloads.
#[derive(Clone, Debug)]
pub struct Curve {
    /// `sums[k]`: the sum of `f` over the first `k` hours.
    sums: Vec<f64>,
    /// The site's factor, `F_mb`, kg CO2e/kWh.
    pub factor: f64,
    source: std::borrow::Cow<'static, str>,
}

impl Curve {
    /// The curve of a site: `load` its consumption by hour, `hourly` its match, `residual`
    /// the rate of what is unmatched; `None` without consumption.
    pub fn new(load: &[f64], site: &SiteMatch, residual: f64) -> Option<Curve> {
        if site.consumption <= 0.0 {
            return None;
        }
        let mut sums = Vec::with_capacity(load.len() + 1);
        let mut sum = 0.0;
        let mut emitted = 0.0;
        sums.push(0.0);
        for (c, (matched, matched_emitted)) in load.iter().zip(&site.hourly) {
            let unmatched = (c - matched).max(0.0);
            let f = if *c > 0.0 {
                (matched_emitted + unmatched * residual) / c
            } else {
                residual
            };
            emitted += matched_emitted + unmatched * residual;
            sum += f;
            sums.push(sum);
        }
        let factor = emitted / site.consumption;
        factor.is_finite().then(|| Curve {
            sums,
            factor,
            source: format!(
                "mean of the site's hourly market-based factor over the workload's hours ÷ the site's F_mb ({factor} kg/kWh)"
            )
            .into(),
        })
    }

    /// `k_match` for a workload over `range` of the period's hours: `None` when the site's
    /// factor is 0 (every hour then has a factor of 0, and so has the workload).
    pub fn term(&self, range: Range<usize>) -> Option<Term> {
        if range.is_empty() || range.end >= self.sums.len() {
            return None;
        }
        let mean = (self.sums[range.end] - self.sums[range.start]) / range.len() as f64;
        self.weight(mean)
    }

    /// `k_match` for a metered workload: the mean of `f` over its hours weighted by its
    /// energy in each (`hourly`), ÷ `F_mb`.
    pub fn term_metered(&self, hours: &Hours, hourly: &Series) -> Option<Term> {
        let (mut weighted, mut energy) = (0.0, 0.0);
        for (h, v) in hours.metered(hourly) {
            let f = self.sums.get(h + 1)? - self.sums.get(h)?;
            weighted += v * f;
            energy += v;
        }
        (energy > 0.0).then_some(())?;
        self.weight(weighted / energy)
    }

    fn weight(&self, mean: f64) -> Option<Term> {
        if self.factor <= 0.0 {
            return None;
        }
        let k = mean / self.factor;
        k.is_finite().then(|| {
            Term::new(
                "k_match",
                k,
                "1",
                TermSource::Derived {
                    formula: self.source.clone(),
                },
            )
            .driver(Driver::MarketMatching)
            .only(Indicator::Gwp)
        })
    }
}

#[cfg(test)]
mod tests;

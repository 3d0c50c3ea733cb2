//! Grid intensity over time: a site whose electricity follows an hourly (or finer) grid series
//! weights its GWP factor by the series over the time each workload ran.
//!
//! The weight is a term, `k_time` = the series' mean intensity over the workload's period (in
//! the reporting period, whole days in UTC) ÷ its mean over the reporting period. It applies
//! to GWP only and carries the `temporal-resolution` driver. The factor itself stays the one
//! the method resolves (its boundary, its dataset): the series gives the shape of the year,
//! not its level, so two methods that both follow the series still differ only by their
//! factors, and a method that keeps the annual average differs by `temporal-resolution`
//! alone. Energy is taken as spread evenly over the workload's period.
//!
//! Every built-in method reads it here, with the parameter `temporal-resolution`
//! (`series`, the default, or `annual`), so they all weight alike.

use std::borrow::Cow;
use std::sync::Arc;

use bilan_core::assessment::{Builder, Draft, Driver, ItemKind, ItemRef, Term, TermSource};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Period, Site, Workload};
use bilan_core::method::{Descriptor, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec};
use bilan_core::series::{Series, Timestamp};

/// The parameter's name.
pub const PARAM: &str = "temporal-resolution";

/// The parameter `temporal-resolution`, documented with `doc`.
pub fn param(doc: &str) -> ParamSpec {
    ParamSpec::new(
        PARAM,
        ParamKind::Choice {
            values: vec!["series".to_owned(), "annual".to_owned()],
        },
        Some(ParamValue::Text("series".to_owned())),
        doc,
    )
}

/// The rule every method that reads the parameter states for the `temporal-resolution`
/// driver.
pub fn rule() -> RuleSpec {
    RuleSpec::new(
        Driver::TemporalResolution,
        "the site's grid series when it has one (parameter `temporal-resolution`)",
        "GWP of grid electricity × k_time, the series' mean intensity over the workload's period ÷ its mean over the reporting period; annual average without a series or with `temporal-resolution = \"annual\"`",
    )
}

/// A site's grid series, ready to weight its workloads: the series, its running sums and
/// its mean over the reporting period.
#[derive(Clone, Debug)]
pub struct Temporal {
    id: String,
    series: Arc<Series>,
    /// `sums[k]`: the sum of the first `k` values.
    sums: Vec<f64>,
    reporting: Period,
    /// Where an undated workload lies: the inventory's period.
    undated: Period,
    mean: f64,
    source: Cow<'static, str>,
    /// The formula of `k_time` for a metered workload.
    source_metered: Cow<'static, str>,
}

impl Temporal {
    /// The series `site` follows, if it has one, the method asks for it and the series was
    /// read, for a method whose reporting period is `reporting` (the inventory's, or a
    /// reporting year). Records what was used as an assumption of the site, and why a series
    /// the site names is not used as a warning, never silently.
    pub fn of_site(
        b: &mut Builder,
        d: &Descriptor,
        params: &Parameters,
        inventory: &Inventory,
        site: &Site,
        reporting: Period,
    ) -> Option<Temporal> {
        let id = site.grid_series.as_deref()?;
        let entry = inventory.grid_series.iter().find(|s| s.id == id)?;
        let item = Some(ItemRef::new(ItemKind::Site, site.id.as_str()));
        if params.text(d, PARAM) == Some("annual") {
            b.assume(
                "temporal-resolution",
                format!(
                    "grid series `{id}` not used: parameter `{PARAM}` is `annual`, so the GWP factor is the annual average"
                ),
                item,
            );
            return None;
        }
        let annual = |why: String| {
            format!(
                "site `{}`: grid series `{id}` not used, {why}: the GWP factor is the annual average",
                site.id
            )
        };
        let Some(series) = entry.data.clone() else {
            b.warn(annual(
                "its values are not at hand (a compiled plugin receives the series' keys, not its values)".to_owned(),
            ));
            return None;
        };
        let mut sums = Vec::with_capacity(series.values.len() + 1);
        let mut sum = 0.0;
        sums.push(0.0);
        for v in &series.values {
            sum += v;
            sums.push(sum);
        }
        let mut temporal = Temporal {
            id: id.to_owned(),
            series,
            sums,
            reporting,
            undated: inventory.system.period,
            mean: f64::NAN,
            source: Cow::Borrowed(""),
            source_metered: Cow::Borrowed(""),
        };
        let (from, to) = (reporting.start.start_utc(), reporting.end.end_utc());
        match temporal.mean_over(from, to) {
            Some(mean) if mean > 0.0 => temporal.mean = mean,
            Some(_) => {
                b.warn(annual(format!(
                    "its mean over the reporting period {} to {} is 0, so no weight can be formed",
                    reporting.start, reporting.end
                )));
                return None;
            }
            None => {
                b.warn(annual(format!(
                    "it covers {} to {}, not the reporting period {} to {} (whole days, UTC)",
                    temporal.series.start,
                    temporal.series.end(),
                    reporting.start,
                    reporting.end
                )));
                return None;
            }
        }
        temporal.source_metered = Cow::Owned(format!(
            "the mean intensity of grid series `{id}` over the workload's metered hours, weighted by its energy in each, ÷ its mean over the reporting period ({} kgCO2e/kWh)",
            temporal.mean
        ));
        temporal.source = Cow::Owned(format!(
            "mean intensity of grid series `{id}` over the workload's period ÷ its mean over the reporting period ({} kgCO2e/kWh)",
            temporal.mean
        ));
        b.assume(
            "temporal-resolution",
            format!(
                "GWP of grid electricity weighted by grid series `{id}` ({} from {}, {} intervals; {}; licence: {}): k_time = its mean over each workload's period, in whole days UTC, ÷ its mean over the reporting period; energy spread evenly over the period; the factor's level stays the method's",
                interval(&temporal.series),
                temporal.series.start,
                temporal.series.values.len(),
                entry.cited_source(),
                entry.cited_licence()
            ),
            item,
        );
        Some(temporal)
    }

    /// The series' id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `k_time` for `w`: `None` when the workload gives no period and the inventory's period
    /// is the reporting period (an undated workload lies in the inventory's period; over the
    /// reporting period the weight is exactly 1).
    pub fn term(&self, w: &Workload) -> Option<Term> {
        if let Some(m) = &w.metered {
            return self.term_metered(&m.hourly);
        }
        let period = match w.period {
            Some(p) => p,
            None if self.undated == self.reporting => return None,
            None => self.undated,
        };
        let from = period.start.max(self.reporting.start).start_utc();
        let to = period.end.min(self.reporting.end).end_utc();
        let k = self.mean_over(from, to)? / self.mean;
        k_time(k, self.source.clone())
    }

    /// `k_time` for a workload metered hour by hour (`hourly`, kWh per hour): the series'
    /// mean over each hour weighted by the energy drawn in it, ÷ its mean over the reporting
    /// period; the hours outside the reporting period left out.
    fn term_metered(&self, hourly: &Series) -> Option<Term> {
        let (from, to) = (
            self.reporting.start.start_utc(),
            self.reporting.end.end_utc(),
        );
        let (mut weighted, mut energy) = (0.0, 0.0);
        let mut at = hourly.start;
        for v in &hourly.values {
            let next = at.checked_add(hourly.step).ok()?;
            if at >= from && next <= to && *v > 0.0 {
                weighted += v * self.mean_over(at, next)?;
                energy += v;
            }
            at = next;
        }
        if energy <= 0.0 {
            return None;
        }
        k_time(weighted / energy / self.mean, self.source_metered.clone())
    }

    /// The time-weighted mean over `[from, to)`, an interval covered in part weighing by the
    /// part covered; `None` outside the series or for an empty interval.
    fn mean_over(&self, from: Timestamp, to: Timestamp) -> Option<f64> {
        let s = &self.series;
        if from >= to || from < s.start || to > s.end() {
            return None;
        }
        let step = s.step.as_secs_f64();
        let offset = |t: Timestamp| t.duration_since(s.start).as_secs_f64() / step;
        let (a, b) = (offset(from), offset(to));
        let first = a.floor() as usize;
        let last = (b.ceil() as usize).min(s.values.len()).max(first + 1) - 1;
        let value = |k: usize| s.values.get(k).copied().unwrap_or(f64::NAN);
        // The partial intervals at each end by the part covered, whole ones from the sums.
        let sum = if first == last {
            value(first) * (b - a)
        } else {
            value(first) * ((first + 1) as f64 - a)
                + (self.sums[last] - self.sums[first + 1])
                + value(last) * (b - last as f64)
        };
        let mean = sum / (b - a);
        mean.is_finite().then_some(mean)
    }
}

/// The term `k_time` of value `k` (GWP only), or `None` when `k` is not finite.
fn k_time(k: f64, formula: Cow<'static, str>) -> Option<Term> {
    k.is_finite().then(|| {
        Term::new("k_time", k, "1", TermSource::Derived { formula })
            .driver(Driver::TemporalResolution)
            .only(Indicator::Gwp)
    })
}

/// `draft` with the weight `k` (`k_time`, or hourly matching's `k_match`) and `× k[gwp]` in
/// its formula (it bears on GWP only), if there is one.
pub fn with_time(mut draft: Draft, k: &Option<Term>) -> Draft {
    match k {
        Some(k) => {
            draft.formula = format!("{} × {}[gwp]", draft.formula, k.symbol).into();
            draft.term(k.clone())
        }
        None => draft,
    }
}

/// `1 h`, `15 min`.
fn interval(s: &Series) -> String {
    let secs = s.step.as_secs();
    if secs % 3600 == 0 {
        format!("{} h", secs / 3600)
    } else {
        format!("{} min", secs / 60)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bilan_core::inventory::{Date, Period};
    use bilan_core::series::{Series, SignedDuration, Timestamp};

    use super::Temporal;

    /// The running sums give the time-weighted mean, counted minute by minute and as the
    /// series' own sum gives it, for intervals that start and end inside an interval of the
    /// series, across many of them and within one.
    #[test]
    fn the_mean_from_running_sums_is_the_series_own() {
        let start: Timestamp = "2024-01-01T00:30:00Z".parse().expect("timestamp");
        let values: Vec<f64> = (0..500)
            .map(|k| 0.2 + 0.1 * ((k * 37 % 11) as f64))
            .collect();
        let series = Arc::new(Series {
            file: "test.csv".into(),
            start,
            step: SignedDuration::from_mins(15),
            values,
        });
        let mut sums = vec![0.0];
        for v in &series.values {
            sums.push(sums.last().copied().unwrap_or(0.0) + v);
        }
        let day = Date::new(2024, 1, 1).expect("date");
        let t = Temporal {
            id: "t".into(),
            series: series.clone(),
            sums,
            reporting: Period {
                start: day,
                end: day,
            },
            undated: Period {
                start: day,
                end: day,
            },
            mean: 1.0,
            source: "".into(),
            source_metered: "".into(),
        };
        let at = |minutes: i64| start + SignedDuration::from_mins(minutes);
        for (from, to) in [
            (0, 15),
            (7, 11),
            (7, 400),
            (15, 7500),
            (0, 7500),
            (3, 29),
            (100, 101),
        ] {
            // Minute by minute, each minute at the value of the interval it falls in.
            let minutes: Vec<f64> = (from..to)
                .map(|m| series.values[usize::try_from(m / 15).expect("index")])
                .collect();
            let by_minute = minutes.iter().sum::<f64>() / minutes.len() as f64;
            let (from, to) = (at(from), at(to));
            let (own, _) = series.mean_over(from, to).expect("covered");
            let got = t.mean_over(from, to).expect("covered");
            assert!(
                (got / by_minute - 1.0).abs() < 1e-12,
                "{from} {to}: {got} vs {by_minute}"
            );
            assert!(
                (got / own - 1.0).abs() < 1e-12,
                "{from} {to}: {got} vs {own}"
            );
        }
        assert_eq!(t.mean_over(at(-1), at(10)), None, "before the series");
        assert_eq!(t.mean_over(at(10), at(7501)), None, "after it");
        assert_eq!(t.mean_over(at(10), at(10)), None, "empty");
    }
}

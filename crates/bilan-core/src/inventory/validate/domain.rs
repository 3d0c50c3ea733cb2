//! Domains: the values a key accepts (a utilisation in (0, 1], a PUE of at least 1, a
//! positive lifetime), each written once and applied both to the value a file gives and to
//! every value its distribution reaches.
//!
//! What a distribution reaches ([`reach`]):
//!
//! * a range (`{ min, max }`, `{ min, mode, max }`): its bounds, which are all it can take;
//! * a normal (`"x ± d"`, `{ mean, sd }`): its 95 % interval `x ± 1.96 sd`, the interval a
//!   `±` is written as (as `"x ± d"` may not reach zero, an interval may not leave the
//!   domain), cut at zero around a positive value, where draws are truncated;
//! * a lognormal (`{ median, gsd }`, a pedigree): its median alone. It is positive by
//!   construction and has no bound, so a key bounded above or away from zero is better
//!   given a range.

use bilan_units::{Distribution, UncertainQuantity};

use super::{At, Checker};

/// The values a key accepts: above a lower bound (included or not), at most an upper bound
/// when there is one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Domain {
    min: f64,
    min_included: bool,
    max: Option<f64>,
    /// What a value must be, as messages say it: `a utilisation between 0 (excluded) and 1`.
    what: &'static str,
}

impl Domain {
    /// An amount that cannot be negative (an energy, an impact).
    pub(super) const NON_NEGATIVE: Domain = Domain::at_least(0.0, "an amount of 0 or more");
    /// An amount greater than zero (a lifetime, a duration).
    pub(super) const POSITIVE: Domain = Domain::above(0.0, None, "greater than zero");
    /// A number of devices.
    pub(super) const DEVICES: Domain =
        Domain::above(0.0, None, "a number of devices greater than 0");
    /// An average utilisation of reserved hardware.
    pub(super) const UTILISATION: Domain =
        Domain::above(0.0, Some(1.0), "a utilisation between 0 (excluded) and 1");
    /// A model FLOP utilisation (the training estimator's `mfu`).
    pub(super) const MFU: Domain = Domain::above(
        0.0,
        Some(1.0),
        "a fraction 0 < MFU ≤ 1 (e.g. 0.4 or \"40 %\")",
    );
    /// A building's share.
    pub(super) const SHARE: Domain =
        Domain::above(0.0, Some(1.0), "a share between 0 (excluded) and 1");
    /// A power usage effectiveness: facility energy over IT energy.
    pub(super) const PUE: Domain =
        Domain::at_least(1.0, "a PUE of at least 1 (facility energy over IT energy)");
    /// Accelerators per server.
    pub(super) const DEVICES_PER_HOST: Domain =
        Domain::at_least(1.0, "accelerators per server, at least 1");
    /// A count of work done (requests, tokens, FLOP).
    pub(super) const COUNT: Domain = Domain::at_least(0.0, "a count, 0 or more");
    /// A count an estimator computes from (parameters, tokens, FLOP).
    pub(super) const ESTIMATE_COUNT: Domain =
        Domain::above(0.0, None, "a positive number (e.g. 70e9)");
    /// A global warming potential.
    pub(super) const GWP100: Domain = Domain::at_least(0.0, "a GWP100, 0 or more");

    /// Values of at least `min`.
    const fn at_least(min: f64, what: &'static str) -> Domain {
        Domain {
            min,
            min_included: true,
            max: None,
            what,
        }
    }

    /// Values above `min` and at most `max`.
    const fn above(min: f64, max: Option<f64>, what: &'static str) -> Domain {
        Domain {
            min,
            min_included: false,
            max,
            what,
        }
    }

    /// Whether `value` lies in the domain (an infinite value does where no bound stops it;
    /// NaN never does).
    fn contains(self, value: f64) -> bool {
        let above = if self.min_included {
            value >= self.min
        } else {
            value > self.min
        };
        above && self.max.is_none_or(|max| value <= max)
    }
}

/// The lowest and highest values `distribution` reaches around `nominal` (see the module
/// documentation); `None` for a lognormal.
fn reach(distribution: Distribution, nominal: f64) -> Option<(f64, f64)> {
    match distribution {
        Distribution::Uniform { min, max } | Distribution::Triangular { min, max } => {
            Some((min, max))
        }
        Distribution::Normal { sd } => {
            let low = nominal - 1.96 * sd;
            let low = if nominal > 0.0 { low.max(0.0) } else { low };
            Some((low, nominal + 1.96 * sd))
        }
        Distribution::Lognormal { .. } => None,
    }
}

/// Why `written`'s distribution leaves `domain`, if it does: the first value it reaches
/// outside, scaled to `value` (the key's nominal value as validation reads it: a
/// utilisation written `"40 %"` is 0.4), shown as written.
fn reach_problem(value: f64, written: &UncertainQuantity, domain: Domain) -> Option<String> {
    let distribution = written.distribution?;
    let nominal = written.quantity.value();
    if nominal == 0.0 {
        return None; // no spread around zero: the nominal value was checked
    }
    let (low, high) = reach(distribution, nominal)?;
    let scale = value / nominal;
    let bound = [low, high]
        .into_iter()
        .find(|b| !domain.contains(b * scale))?;
    let unit = written.quantity.unit().symbol();
    let spread = match distribution {
        Distribution::Normal { .. } => format!(
            "95 % interval {}–{} (normal, {})",
            shown(low, unit),
            shown(high, unit),
            distribution.describe(nominal, unit)
        ),
        _ => distribution.describe(nominal, unit),
    };
    Some(format!(
        "its {spread} reaches {}, out of range: every value it covers must be {}",
        shown(bound, unit),
        domain.what
    ))
}

/// A number as messages show it, with its unit.
fn shown(value: f64, unit: &str) -> String {
    let number = bilan_units::text::compact(value, 4);
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

impl Checker {
    /// `value` at `path` within `domain`: a problem (and `false`) for a value that is not
    /// a finite number or lies outside it. The distribution the file gives the key, if any,
    /// is then held to the domain too.
    pub(super) fn within(&mut self, path: &impl At, value: f64, domain: Domain) -> bool {
        if !value.is_finite() {
            self.problem(
                path,
                format!("`{value}` is not a finite number; expected {}", domain.what),
            );
            return false;
        }
        if !domain.contains(value) {
            self.problem(
                path,
                format!("`{value}` is out of range; expected {}", domain.what),
            );
            return false;
        }
        self.spread_within(path, value, domain);
        true
    }

    /// The distribution the file gives at `path` (see [`Checker::spreads`]), if any, within
    /// `domain`; `value` is the key's nominal value as validation reads it.
    pub(super) fn spread_within(&mut self, path: &impl At, value: f64, domain: Domain) {
        let problem = self
            .spreads
            .at(path)
            .and_then(|written| reach_problem(value, written, domain));
        if let Some(message) = problem {
            self.problem(path, message);
        }
    }

    /// An uncertain value the inventory holds with its distribution (an estimator's input)
    /// within `domain`: its nominal value, `value` as validation reads it (`"40 %"` is
    /// 0.4), and every value its distribution reaches.
    pub(super) fn uncertain_within(
        &mut self,
        path: &impl At,
        value: f64,
        q: &UncertainQuantity,
        domain: Domain,
    ) {
        if !(value.is_finite() && domain.contains(value)) {
            self.problem(
                path,
                format!("`{}` is out of range; expected {}", q.quantity, domain.what),
            );
        } else if let Some(message) = reach_problem(value, q, domain) {
            self.problem(path, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use bilan_units::{Distribution, Quantity, UncertainQuantity};

    use super::{Domain, reach};

    #[test]
    fn a_domain_includes_its_bounds_as_written() {
        assert!(Domain::UTILISATION.contains(1.0));
        assert!(!Domain::UTILISATION.contains(0.0));
        assert!(!Domain::UTILISATION.contains(1.000_001));
        assert!(Domain::PUE.contains(1.0));
        assert!(!Domain::PUE.contains(0.99));
        assert!(Domain::NON_NEGATIVE.contains(0.0));
        assert!(Domain::NON_NEGATIVE.contains(f64::INFINITY));
        assert!(!Domain::NON_NEGATIVE.contains(f64::NAN));
    }

    #[test]
    fn a_distribution_reaches_its_bounds_or_its_95_percent_interval() {
        let uniform = Distribution::Uniform { min: 0.5, max: 1.5 };
        assert_eq!(reach(uniform, 1.0), Some((0.5, 1.5)));
        let (low, high) = reach(Distribution::Normal { sd: 0.1 }, 0.9).expect("a normal");
        assert!((low - 0.704).abs() < 1e-12 && (high - 1.096).abs() < 1e-12);
        // Truncated at zero around a positive value.
        let (low, _) = reach(Distribution::Normal { sd: 10.0 }, 1.0).expect("a normal");
        assert_eq!(low, 0.0);
        assert_eq!(reach(Distribution::Lognormal { gsd: 2.0 }, 0.9), None);
    }

    #[test]
    fn an_uncertain_value_is_held_to_its_domain_at_every_value_it_reaches() {
        let mfu = |min: f64, max: f64| UncertainQuantity {
            quantity: Quantity::dimensionless(min / 2.0 + max / 2.0).expect("finite"),
            distribution: Some(Distribution::Uniform { min, max }),
        };
        let problems = |q: &UncertainQuantity| {
            let mut c = super::super::Checker::new(super::super::Spreads::default());
            let value = q.quantity.value();
            c.uncertain_within(
                &super::super::KeyPath::root().key("mfu"),
                value,
                q,
                Domain::MFU,
            );
            c.problems
        };
        assert!(problems(&mfu(0.3, 0.5)).is_empty());
        for (q, bound) in [
            (mfu(0.3, 1.5), "reaches 1.5"),
            (mfu(0.0, 0.5), "reaches 0,"),
        ] {
            let found = problems(&q);
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(
                found[0].message.contains(bound) && found[0].message.contains("0 < MFU ≤ 1"),
                "{found:?}"
            );
        }
    }
}

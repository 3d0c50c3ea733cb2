//! Uncertain quantities: a nominal [`Quantity`] with an optional [`Distribution`].

mod de;
mod parse;
mod pedigree;
#[cfg(test)]
mod property_tests;
mod ser;
#[cfg(test)]
mod tests;

use crate::error::UnitError;
use crate::quantity::Quantity;

pub use de::Written;
pub use pedigree::{DEFAULT_BASIC_GSD, PEDIGREE_INDICATORS, PEDIGREE_VARIANCES, Pedigree};

/// The largest geometric standard deviation accepted: a spread of twelve orders of
/// magnitude at 95 %, far beyond any dataset, and small enough for every draw to stay
/// finite.
pub const MAX_GSD: f64 = 1e6;

/// How many times a normal draw below zero is redrawn before the draw gives up at zero.
const MAX_REDRAWS: usize = 10_000;

/// Distribution of an uncertain value, in the unit of its nominal value.
#[derive(
    Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Distribution {
    /// Normal, of mean the nominal value; truncated at zero for a positive nominal value.
    Normal {
        /// Standard deviation, in the unit of the nominal value.
        sd: f64,
    },
    /// Lognormal, of median the nominal value.
    Lognormal {
        /// Geometric standard deviation (`exp σ`, σ the standard deviation of ln), at least 1.
        gsd: f64,
    },
    /// Triangular, of mode the nominal value.
    Triangular {
        /// Lower bound, in the unit of the nominal value.
        min: f64,
        /// Upper bound, in the unit of the nominal value.
        max: f64,
    },
    /// Uniform; the nominal value is the midpoint `(min + max) / 2`.
    Uniform {
        /// Lower bound, in the unit of the nominal value.
        min: f64,
        /// Upper bound, in the unit of the nominal value.
        max: f64,
    },
}

/// A quantity with an optional distribution.
///
/// What people write (in inventories, factor files and method parameters):
///
/// | written | distribution | nominal |
/// |---|---|---|
/// | `"700 W ± 10 %"`, `"0.41 kg/kWh ± 0.05 kg/kWh"`, `"700 W +/- 70 W"` | normal, 95 % interval value ± half-width (sd = half-width / 1.96) | the value |
/// | `{ min = "600 W", mode = "700 W", max = "750 W" }` | triangular | the mode |
/// | `{ min = "600 W", max = "750 W" }` | uniform | the midpoint |
/// | `{ mean = "700 W", sd = "30 W" }` (or `sd = "5 %"`) | normal | the mean |
/// | `{ median = "0.41 kg/kWh", gsd = 1.2 }`, `{ value = …, gsd = 1.2 }` | lognormal (σ = ln gsd) | the median |
/// | `{ value = …, pedigree = [r, c, t, g, tech], basic-gsd = 1.05 }` | lognormal, see [`Pedigree`] | the value |
///
/// Members may be quantities written as strings or plain numbers; a `unit` key gives the
/// unit of the members written as plain numbers (`{ value = 700, unit = "W", gsd = 1.1 }`).
/// Every bound is converted into the unit of the nominal value; a bound of another
/// dimension is an error. A percentage (`± 10 %`, `sd = "5 %"`) is relative to the
/// nominal value, unless the value itself is written in `%` (then it is ambiguous and
/// refused: write the half-width as a plain number, `0.05`, or the bounds).
///
/// The uncertainty scales the nominal value: a draw is `nominal × ratio`
/// ([`Distribution::draw_ratio`]). So a spread around a zero value is refused, and a
/// range must stay on the value's side of zero. A normal around a positive value is
/// truncated at zero (a negative draw is redrawn), and a `±` as wide as a positive value
/// is refused: the quantity cannot be negative.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertainQuantity {
    /// The nominal value: the mean of a normal, the median of a lognormal, the mode of a
    /// triangular, the midpoint of a uniform.
    pub quantity: Quantity,
    /// How the value is distributed around the nominal value, in its unit; `None` when certain.
    pub distribution: Option<Distribution>,
}

impl From<Quantity> for UncertainQuantity {
    fn from(quantity: Quantity) -> UncertainQuantity {
        UncertainQuantity {
            quantity,
            distribution: None,
        }
    }
}

/// Why a spread [`Distribution::ln_moments`] answers `None` for cannot be used, to `to`
/// (`propagate`, `carry into the estimate`): one wording for every use.
pub fn too_wide(what: &str, to: &str) -> String {
    format!(
        "{what}: its spread is too large to {to}: the variance of its ratio to its value is beyond the range of 64-bit floating-point numbers; give a narrower distribution"
    )
}

impl Distribution {
    /// Mean and variance of ln(X / nominal), exact for a lognormal, moment-matched lognormal
    /// otherwise (the lognormal with the mean and variance of X / nominal; a normal's moments
    /// are those of its truncation at zero for a positive nominal).
    ///
    /// Other than for a lognormal, `(0, 0)` for a zero or non-finite nominal and for the
    /// distributions [`Distribution::validate`] refuses for want of a lognormal counterpart.
    ///
    /// `None` when the spread is beyond the range of `f64`: where the moments in the value's
    /// unit overflow (`sd = 1e160` around 100), they are computed again on the ratio to the
    /// nominal value, which keeps a large value with a modest spread in range; only a ratio
    /// whose own variance overflows (a range up to 10¹⁶⁰ times the value) is `None`. Never
    /// `(0, 0)` for a spread that was merely too large to compute: that would read as
    /// certain.
    pub fn ln_moments(&self, nominal: f64) -> Option<(f64, f64)> {
        if let Distribution::Lognormal { gsd } = *self {
            let sigma = ln_gsd(gsd);
            return Some((0.0, sigma * sigma));
        }
        if nominal == 0.0 || !nominal.is_finite() {
            return Some((0.0, 0.0));
        }
        let of = |d: &Distribution, n: f64| ratio_moments(d.moments(n), n);
        let moments = match of(self, nominal) {
            Moments::Overflow => of(&self.scaled(1.0 / nominal.abs()), nominal.signum()),
            moments => moments,
        };
        match moments {
            Moments::Finite(m) => Some(m),
            Moments::NoCounterpart => Some((0.0, 0.0)),
            Moments::Overflow => None,
        }
    }

    /// Mean and variance of X, in the unit of the nominal value.
    fn moments(&self, nominal: f64) -> (f64, f64) {
        match *self {
            Distribution::Normal { sd } if nominal > 0.0 && sd > 0.0 => {
                // Truncated below at zero: alpha is zero in standard units.
                let alpha = -nominal / sd;
                let tail = 0.5 * erfc(alpha / std::f64::consts::SQRT_2);
                let lambda = normal_pdf(alpha) / tail;
                let variance = sd * sd * (1.0 + alpha * lambda - lambda * lambda);
                (nominal + sd * lambda, non_negative(variance))
            }
            Distribution::Normal { sd } => (nominal, sd * sd),
            Distribution::Lognormal { gsd } => {
                let s2 = ln_gsd(gsd).powi(2);
                (
                    nominal * (s2 / 2.0).exp(),
                    nominal * nominal * s2.exp_m1() * s2.exp(),
                )
            }
            Distribution::Triangular { min, max } => {
                let c = nominal;
                let mean = (min + c + max) / 3.0;
                let variance =
                    (min * min + c * c + max * max - min * c - min * max - c * max) / 18.0;
                (mean, non_negative(variance))
            }
            Distribution::Uniform { min, max } => {
                (min / 2.0 + max / 2.0, (max - min) * (max - min) / 12.0)
            }
        }
    }

    /// One draw of X / nominal from standard normal draws `z()` and uniform draws `u()` in [0,1).
    ///
    /// Normal: truncated at zero for a positive nominal by redrawing (after 10,000 draws
    /// below zero in a row, the draw is 0). Triangular and uniform: inverse transform of
    /// one `u()`. Never NaN or infinite: a zero or non-finite nominal gives 1, a ratio
    /// beyond the range of `f64` (only for a hand-built distribution) gives ±`f64::MAX`.
    pub fn draw_ratio(
        &self,
        nominal: f64,
        z: &mut dyn FnMut() -> f64,
        u: &mut dyn FnMut() -> f64,
    ) -> f64 {
        let ratio = match *self {
            Distribution::Lognormal { gsd } => (finite_or_zero(z()) * ln_gsd(gsd)).exp(),
            _ if nominal == 0.0 || !nominal.is_finite() => 1.0,
            Distribution::Normal { sd } => {
                let cv = sd / nominal;
                let mut draw = 1.0 + finite_or_zero(z()) * cv;
                if nominal > 0.0 {
                    let mut tries = 1;
                    while draw < 0.0 && tries < MAX_REDRAWS {
                        draw = 1.0 + finite_or_zero(z()) * cv;
                        tries += 1;
                    }
                    draw = draw.max(0.0);
                }
                draw
            }
            Distribution::Triangular { min, max } => {
                let c = nominal.clamp(min.min(max), max.max(min));
                triangular_inverse(min, c, max, unit_draw(u())) / nominal
            }
            Distribution::Uniform { min, max } => (min + unit_draw(u()) * (max - min)) / nominal,
        };
        if ratio.is_nan() {
            1.0
        } else {
            ratio.clamp(-f64::MAX, f64::MAX)
        }
    }

    /// [`Distribution::draw_ratio`] for every element of `out`, in order, with what does not
    /// change from one draw to the next (a lognormal's σ) computed once.
    pub fn draw_ratios(
        &self,
        nominal: f64,
        z: &mut dyn FnMut() -> f64,
        u: &mut dyn FnMut() -> f64,
        out: &mut [f64],
    ) {
        if let Distribution::Lognormal { gsd } = *self {
            let sigma = ln_gsd(gsd);
            for x in out.iter_mut() {
                let ratio = (finite_or_zero(z()) * sigma).exp();
                *x = if ratio.is_nan() {
                    1.0
                } else {
                    ratio.clamp(-f64::MAX, f64::MAX)
                };
            }
            return;
        }
        for x in out.iter_mut() {
            *x = self.draw_ratio(nominal, z, u);
        }
    }

    /// What people read, in `unit`: `± 10 %`, `GSD 1.2`, `triangular 600–750 W`,
    /// `uniform 600–750 W` (three significant digits).
    ///
    /// A normal reads as the relative half-width of its 95 % interval (`± 0.1 W` around zero).
    pub fn describe(&self, nominal: f64, unit: &str) -> String {
        match *self {
            Distribution::Normal { sd } if nominal != 0.0 => {
                format!("± {} %", sig(1.96 * sd / nominal.abs() * 100.0))
            }
            Distribution::Normal { sd } => format!("± {}", with_unit(&sig(1.96 * sd), unit)),
            Distribution::Lognormal { gsd } => format!("GSD {}", sig(gsd)),
            Distribution::Triangular { min, max } => {
                format!("triangular {}", range(min, max, unit))
            }
            Distribution::Uniform { min, max } => format!("uniform {}", range(min, max, unit)),
        }
    }

    /// The legacy factor field `uncertainty = u`: the relative half-width of the 95 %
    /// interval of a lognormal, `[median / (1 + u), median × (1 + u)]`, so
    /// `gsd = (1 + u)^(1 / 1.96)`.
    ///
    /// Fails for a negative or non-finite `u`.
    pub fn from_relative_half_width(u: f64) -> Result<Distribution, UnitError> {
        if !u.is_finite() {
            return Err(UnitError::NonFinite {
                text: format!("uncertainty = {u}"),
            });
        }
        if u < 0.0 {
            return Err(UnitError::InvalidDistribution {
                text: format!("uncertainty = {u}"),
                reason: "a relative half-width is zero or more (0.3 means the 95 % interval \
                         runs from the value / 1.3 to the value × 1.3)"
                    .to_owned(),
            });
        }
        let distribution = Distribution::Lognormal {
            gsd: (1.0 + u).powf(1.0 / 1.96),
        };
        distribution.validate(1.0)?;
        Ok(distribution)
    }

    /// The same distribution for the nominal value multiplied by `factor` (a unit
    /// conversion): bounds and sd scale, a gsd does not.
    pub fn scaled(&self, factor: f64) -> Distribution {
        match *self {
            Distribution::Normal { sd } => Distribution::Normal {
                sd: sd * factor.abs(),
            },
            Distribution::Lognormal { gsd } => Distribution::Lognormal { gsd },
            Distribution::Triangular { min, max } => {
                let (a, b) = ordered(min * factor, max * factor);
                Distribution::Triangular { min: a, max: b }
            }
            Distribution::Uniform { min, max } => {
                let (a, b) = ordered(min * factor, max * factor);
                Distribution::Uniform { min: a, max: b }
            }
        }
    }

    /// Checks the distribution around `nominal` as the table and string readers do: finite
    /// numbers, sd ≥ 0, 1 ≤ gsd ≤ [`MAX_GSD`], min ≤ max, the mode (the nominal) within
    /// [min, max], a uniform's nominal at its midpoint, no spread around a zero nominal, and
    /// a range on the nominal's side of zero.
    pub fn validate(&self, nominal: f64) -> Result<(), UnitError> {
        self.check(nominal, "")
            .map_err(|reason| UnitError::InvalidDistribution {
                text: format!("{nominal} {}", self.describe(nominal, "")),
                reason,
            })
    }

    /// The reason the distribution cannot be around `nominal` (in `unit`), if any.
    pub(crate) fn check(&self, nominal: f64, unit: &str) -> Result<(), String> {
        let q = |v: f64| with_unit(&number(v), unit);
        if !nominal.is_finite() {
            return Err(format!("the value {} is not a finite number", q(nominal)));
        }
        let zero_spread = match *self {
            Distribution::Normal { sd } => {
                finite("sd", sd)?;
                if sd < 0.0 {
                    return Err(format!(
                        "sd {} is negative: a standard deviation is zero or more",
                        q(sd)
                    ));
                }
                sd == 0.0
            }
            Distribution::Lognormal { gsd } => {
                check_gsd("gsd", gsd)?;
                gsd == 1.0
            }
            Distribution::Triangular { min, max } | Distribution::Uniform { min, max } => {
                finite("min", min)?;
                finite("max", max)?;
                if min > max {
                    return Err(format!("min {} is above max {}", q(min), q(max)));
                }
                if let Distribution::Triangular { .. } = self
                    && !(min..=max).contains(&nominal)
                {
                    return Err(format!(
                        "mode {} is outside [min, max] = [{}, {}]",
                        q(nominal),
                        q(min),
                        q(max)
                    ));
                }
                let midpoint = min / 2.0 + max / 2.0;
                if let Distribution::Uniform { .. } = self
                    && (nominal - midpoint).abs() > 1e-9 * midpoint.abs().max(f64::MIN_POSITIVE)
                {
                    return Err(format!(
                        "the value {} is not the midpoint {} of [min, max]",
                        q(nominal),
                        q(midpoint)
                    ));
                }
                if nominal > 0.0 && min < 0.0 {
                    return Err(format!(
                        "min {} is below zero while the value {} is positive: the quantity \
                         cannot be negative",
                        q(min),
                        q(nominal)
                    ));
                }
                if nominal < 0.0 && max > 0.0 {
                    return Err(format!(
                        "max {} is above zero while the value {} is negative: a range must \
                         stay on the value's side of zero, since the uncertainty scales the value",
                        q(max),
                        q(nominal)
                    ));
                }
                min == max
            }
        };
        if nominal == 0.0 && !zero_spread {
            return Err(
                "the value is zero: a spread around zero cannot be expressed as a \
                        multiple of the value; give a non-zero value (e.g. a mode above zero)"
                    .to_owned(),
            );
        }
        Ok(())
    }
}

/// Fails unless `value` (named `what`) is finite.
fn finite(what: &str, value: f64) -> Result<(), String> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(format!("{what} {} is not a finite number", number(value)))
    }
}

/// Fails unless `gsd` (named `what`) is a geometric standard deviation: 1 ≤ gsd ≤ [`MAX_GSD`].
pub(crate) fn check_gsd(what: &str, gsd: f64) -> Result<(), String> {
    finite(what, gsd)?;
    if gsd < 1.0 {
        let hint = if gsd > 0.0 {
            format!(
                "; if {gsd} is σ, the standard deviation of ln, write {what} = {}",
                sig4(gsd.exp())
            )
        } else {
            String::new()
        };
        return Err(format!(
            "{what} {gsd} is below 1: a geometric standard deviation is at least 1 \
             (1 is no spread){hint}"
        ));
    }
    if gsd > MAX_GSD {
        return Err(format!(
            "{what} {gsd} is above {MAX_GSD}: a spread of more than twelve orders of magnitude \
             cannot be a measurement"
        ));
    }
    Ok(())
}

/// σ = ln gsd, for any gsd (a hand-built gsd in (0, 1) is its inverse; 0 for no meaning).
fn ln_gsd(gsd: f64) -> f64 {
    let sigma = gsd.ln().abs();
    if sigma.is_finite() { sigma } else { 0.0 }
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// `u` brought into [0, 1] (a generator's draw, trusted but not blindly).
fn unit_draw(u: f64) -> f64 {
    if u.is_finite() {
        u.clamp(0.0, 1.0)
    } else {
        0.5
    }
}

/// The inverse distribution function of the triangular (a, c, b) at `u`.
fn triangular_inverse(a: f64, c: f64, b: f64, u: f64) -> f64 {
    let width = b - a;
    if width <= 0.0 || !width.is_finite() {
        return c;
    }
    let split = (c - a) / width;
    if u < split {
        a + (u * width * (c - a)).sqrt()
    } else {
        b - ((1.0 - u) * width * (b - c)).sqrt()
    }
}

fn ordered(a: f64, b: f64) -> (f64, f64) {
    if a <= b { (a, b) } else { (b, a) }
}

/// The standard normal density.
fn normal_pdf(x: f64) -> f64 {
    (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// The complementary error function, with a fractional error below 1.2e-7 everywhere
/// (Chebyshev fit of Press et al., *Numerical Recipes*, 2nd ed., § 6.2).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// `x` with three significant digits, trailing zeros dropped: `10`, `1.2`, `0.0123`, `433196`.
fn sig(x: f64) -> String {
    sig_digits(x, 3)
}

/// `x` with four significant digits (a suggested value).
fn sig4(x: f64) -> String {
    sig_digits(x, 4)
}

/// `x` with `digits` significant digits; in scientific notation where plain digits would
/// run long (10¹⁵ or more, or below 10⁻⁶), so a bound of `1.7e308` is not 309 digits.
fn sig_digits(x: f64, digits: i32) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) {
        crate::text::compact(x, digits)
    } else {
        crate::text::significant(x, digits)
    }
}

/// `v` in full (shortest round-trip), with an exponent when very large or very small (`1e300`).
fn number(v: f64) -> String {
    if v != 0.0 && !(1e-6..1e16).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

fn with_unit(number: &str, unit: &str) -> String {
    if unit.is_empty() {
        number.to_owned()
    } else {
        format!("{number} {unit}")
    }
}

/// `600–750 W`, or `-10 to -5 W` when a bound is negative.
fn range(min: f64, max: f64, unit: &str) -> String {
    let joined = if min < 0.0 {
        format!("{} to {}", sig(min), sig(max))
    } else {
        format!("{}–{}", sig(min), sig(max))
    };
    with_unit(&joined, unit)
}

/// A variance that rounding took below 0, as 0; NaN (an overflow, `inf − inf`) stays NaN,
/// where `f64::max` would make it 0 and the spread certain.
fn non_negative(variance: f64) -> f64 {
    if variance < 0.0 { 0.0 } else { variance }
}

/// The log moments of X / nominal from the mean and variance of X.
enum Moments {
    Finite((f64, f64)),
    /// The mean of the ratio is not positive: no lognormal matches it.
    NoCounterpart,
    /// The mean or variance is beyond the range of `f64`.
    Overflow,
}

fn ratio_moments((mean, variance): (f64, f64), nominal: f64) -> Moments {
    let (m, v) = (mean / nominal, variance / (nominal * nominal));
    if !(m.is_finite() && v.is_finite()) || v < 0.0 {
        return Moments::Overflow;
    }
    if m <= 0.0 {
        return Moments::NoCounterpart;
    }
    let sigma2 = (v / (m * m)).ln_1p();
    let mu = m.ln() - sigma2 / 2.0;
    if mu.is_finite() && sigma2.is_finite() {
        Moments::Finite((mu, sigma2))
    } else {
        Moments::Overflow
    }
}

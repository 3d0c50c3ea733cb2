//! Physical dimensions as vectors of exponents over a small set of base dimensions.

use std::fmt;

/// The base dimensions a [`Dimension`] is made of.
///
/// Besides the three physical ones used in footprints (mass, length, time),
/// counts that inventories divide by are base dimensions too, so that
/// `kgCO2e/device` and `kgCO2e/request` cannot be mixed up.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum BaseDim {
    /// Base unit: kilogram (`kg`).
    Mass,
    /// Base unit: metre (`m`).
    Length,
    /// Base unit: second (`s`).
    Time,
    /// A count of devices (GPUs, accelerators, servers…). Base unit: `device`.
    Device,
    /// A count of requests (inferences, queries). Base unit: `request`.
    Request,
    /// A count of tokens. Base unit: `token`.
    Token,
    /// A count of floating-point operations. Base unit: `FLOP`.
    Flop,
}

impl BaseDim {
    /// All base dimensions, in the order of [`Dimension`]'s exponents.
    pub const ALL: [BaseDim; 7] = [
        BaseDim::Mass,
        BaseDim::Length,
        BaseDim::Time,
        BaseDim::Device,
        BaseDim::Request,
        BaseDim::Token,
        BaseDim::Flop,
    ];

    /// Position of this base dimension in [`Dimension`]'s exponents.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Symbol of the SI-coherent base unit of this dimension (`kg`, `m`, `s`,
    /// `device`, `request`, `token`, `FLOP`).
    pub const fn base_unit(self) -> &'static str {
        match self {
            BaseDim::Mass => "kg",
            BaseDim::Length => "m",
            BaseDim::Time => "s",
            BaseDim::Device => "device",
            BaseDim::Request => "request",
            BaseDim::Token => "token",
            BaseDim::Flop => "FLOP",
        }
    }
}

/// A dimension: the exponents of each [`BaseDim`], in the order of [`BaseDim::ALL`].
///
/// Energy is `kg·m²·s⁻²`, power is energy per time, a carbon intensity is mass
/// per energy, and so on. Dimensions are compared exactly: two quantities can be
/// converted into each other only when their dimensions are equal.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Dimension([i8; 7]);

const fn d(
    mass: i8,
    length: i8,
    time: i8,
    device: i8,
    request: i8,
    token: i8,
    flop: i8,
) -> Dimension {
    Dimension([mass, length, time, device, request, token, flop])
}

impl Dimension {
    /// A plain number (ratios, PUE, percentages).
    pub const DIMENSIONLESS: Dimension = d(0, 0, 0, 0, 0, 0, 0);
    /// Mass (`kg`).
    pub const MASS: Dimension = d(1, 0, 0, 0, 0, 0, 0);
    /// Length (`m`).
    pub const LENGTH: Dimension = d(0, 1, 0, 0, 0, 0, 0);
    /// Time (`s`).
    pub const TIME: Dimension = d(0, 0, 1, 0, 0, 0, 0);
    /// A count of devices.
    pub const DEVICE: Dimension = d(0, 0, 0, 1, 0, 0, 0);
    /// A count of requests.
    pub const REQUEST: Dimension = d(0, 0, 0, 0, 1, 0, 0);
    /// A count of tokens.
    pub const TOKEN: Dimension = d(0, 0, 0, 0, 0, 1, 0);
    /// A count of floating-point operations.
    pub const FLOP: Dimension = d(0, 0, 0, 0, 0, 0, 1);
    /// Energy: `kg·m²·s⁻²` (`J`, `kWh`).
    pub const ENERGY: Dimension = d(1, 2, -2, 0, 0, 0, 0);
    /// Power: energy per time, `kg·m²·s⁻³` (`W`).
    pub const POWER: Dimension = Self::ENERGY.div(Self::TIME);
    /// Volume: `m³` (`L`, `m3`).
    pub const VOLUME: Dimension = d(0, 3, 0, 0, 0, 0, 0);
    /// Device-time: `device·s` (`GPU·h`).
    pub const DEVICE_TIME: Dimension = Self::DEVICE.mul(Self::TIME);
    /// Mass per energy, e.g. a carbon intensity of electricity (`gCO2e/kWh`).
    pub const MASS_PER_ENERGY: Dimension = Self::MASS.div(Self::ENERGY);
    /// Volume per energy, e.g. a water usage effectiveness (`L/kWh`).
    pub const VOLUME_PER_ENERGY: Dimension = Self::VOLUME.div(Self::ENERGY);
    /// Mass per device, e.g. embodied emissions of one server (`kgCO2e/device`).
    pub const MASS_PER_DEVICE: Dimension = Self::MASS.div(Self::DEVICE);
    /// Power per device (`W/device`); the same dimension as energy per device-time.
    pub const POWER_PER_DEVICE: Dimension = Self::POWER.div(Self::DEVICE);
    /// Energy per device (`kWh/device`).
    pub const ENERGY_PER_DEVICE: Dimension = Self::ENERGY.div(Self::DEVICE);
    /// Energy per request (`Wh/request`).
    pub const ENERGY_PER_REQUEST: Dimension = Self::ENERGY.div(Self::REQUEST);
    /// Energy per token (`Wh/token`).
    pub const ENERGY_PER_TOKEN: Dimension = Self::ENERGY.div(Self::TOKEN);
    /// Energy per floating-point operation (`J/FLOP`).
    pub const ENERGY_PER_FLOP: Dimension = Self::ENERGY.div(Self::FLOP);
    /// Mass per device-time, e.g. embodied emissions allocated per GPU-hour (`g/(GPU·h)`).
    pub const MASS_PER_DEVICE_TIME: Dimension = Self::MASS.div(Self::DEVICE_TIME);

    /// A dimension from its exponents, in the order of [`BaseDim::ALL`].
    pub const fn from_exponents(exponents: [i8; 7]) -> Dimension {
        Dimension(exponents)
    }

    /// The exponents, in the order of [`BaseDim::ALL`].
    pub const fn exponents(self) -> [i8; 7] {
        self.0
    }

    /// The exponent of one base dimension.
    pub const fn exponent(self, base: BaseDim) -> i8 {
        self.0[base.index()]
    }

    /// Product of two dimensions (exponents added).
    ///
    /// Exponents saturate at `i8::MIN`/`i8::MAX`, which no meaningful unit
    /// reaches; use [`Dimension::checked_mul`] to detect it.
    pub const fn mul(self, other: Dimension) -> Dimension {
        let mut out = [0; 7];
        let mut i = 0;
        while i < 7 {
            out[i] = self.0[i].saturating_add(other.0[i]);
            i += 1;
        }
        Dimension(out)
    }

    /// Quotient of two dimensions (exponents subtracted); saturating like [`Dimension::mul`].
    pub const fn div(self, other: Dimension) -> Dimension {
        let mut out = [0; 7];
        let mut i = 0;
        while i < 7 {
            out[i] = self.0[i].saturating_sub(other.0[i]);
            i += 1;
        }
        Dimension(out)
    }

    /// Product of two dimensions, or `None` if an exponent overflows `i8`.
    pub const fn checked_mul(self, other: Dimension) -> Option<Dimension> {
        let mut out = [0; 7];
        let mut i = 0;
        while i < 7 {
            match self.0[i].checked_add(other.0[i]) {
                Some(e) => out[i] = e,
                None => return None,
            }
            i += 1;
        }
        Some(Dimension(out))
    }

    /// Quotient of two dimensions, or `None` if an exponent overflows `i8`.
    pub const fn checked_div(self, other: Dimension) -> Option<Dimension> {
        let mut out = [0; 7];
        let mut i = 0;
        while i < 7 {
            match self.0[i].checked_sub(other.0[i]) {
                Some(e) => out[i] = e,
                None => return None,
            }
            i += 1;
        }
        Some(Dimension(out))
    }

    /// This dimension to the power `n` (exponents multiplied); saturating like [`Dimension::mul`].
    pub fn powi(self, n: i8) -> Dimension {
        Dimension(self.0.map(|e| e.saturating_mul(n)))
    }

    /// This dimension to the power `n`, or `None` if an exponent overflows `i8`.
    pub fn checked_powi(self, n: i8) -> Option<Dimension> {
        let mut out = [0; 7];
        for (o, e) in out.iter_mut().zip(self.0) {
            *o = e.checked_mul(n)?;
        }
        Some(Dimension(out))
    }

    /// Whether all exponents are zero.
    pub fn is_dimensionless(self) -> bool {
        self == Dimension::DIMENSIONLESS
    }

    /// Human name used in error messages: `"energy"`, `"power"`, `"mass per energy"`…
    ///
    /// Dimensions without a name of their own are named `"<a> per <b>"` when
    /// they are a quotient of two named ones made of different base
    /// dimensions (e.g. `"mass per request"`), and
    /// otherwise by a formula over the base units, such as `"kg·m²·s⁻³·device⁻¹"`.
    pub fn name(self) -> String {
        if let Some((_, name, _)) = NAMED.iter().find(|(dim, _, _)| *dim == self) {
            return (*name).to_owned();
        }
        for (numerator, num_name) in NUMERATORS {
            for (denominator, den_name) in DENOMINATORS {
                let shares_a_base = BaseDim::ALL
                    .iter()
                    .any(|base| numerator.exponent(*base) != 0 && denominator.exponent(*base) != 0);
                if !shares_a_base && numerator.checked_div(*denominator) == Some(self) {
                    return format!("{num_name} per {den_name}");
                }
            }
        }
        self.formula()
    }

    /// An example unit of this dimension for messages: energy → `kWh`, power →
    /// `W`, mass per energy → `g/kWh`…; `None` for dimensionless and for
    /// dimensions without a usual unit.
    pub fn example_unit(self) -> Option<&'static str> {
        NAMED
            .iter()
            .find(|(dim, _, _)| *dim == self)
            .and_then(|(_, _, example)| *example)
    }

    /// The dimension written over base units, e.g. `kg·m²·s⁻³·device⁻¹`; `1` if dimensionless.
    pub fn formula(self) -> String {
        let parts: Vec<String> = BaseDim::ALL
            .iter()
            .filter(|base| self.exponent(**base) != 0)
            .map(|base| {
                let exponent = self.exponent(*base);
                if exponent == 1 {
                    base.base_unit().to_owned()
                } else {
                    format!("{}{}", base.base_unit(), superscript(exponent))
                }
            })
            .collect();
        if parts.is_empty() {
            "1".to_owned()
        } else {
            parts.join("·")
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Dimensions with a name of their own, and an example unit.
const NAMED: &[(Dimension, &str, Option<&str>)] = &[
    (Dimension::DIMENSIONLESS, "dimensionless", None),
    (Dimension::MASS, "mass", Some("kg")),
    (Dimension::LENGTH, "length", Some("m")),
    (Dimension::TIME, "time", Some("h")),
    (Dimension::ENERGY, "energy", Some("kWh")),
    (Dimension::POWER, "power", Some("W")),
    (Dimension::VOLUME, "volume", Some("m3")),
    (Dimension::DEVICE, "devices", Some("GPU")),
    (Dimension::DEVICE_TIME, "device-time", Some("GPU·h")),
    (Dimension::REQUEST, "requests", Some("request")),
    (Dimension::TOKEN, "tokens", Some("token")),
    (Dimension::FLOP, "FLOP", Some("FLOP")),
    (Dimension::MASS_PER_ENERGY, "mass per energy", Some("g/kWh")),
    (
        Dimension::VOLUME_PER_ENERGY,
        "volume per energy",
        Some("L/kWh"),
    ),
    (
        Dimension::MASS_PER_DEVICE,
        "mass per device",
        Some("kg/device"),
    ),
    (
        Dimension::POWER_PER_DEVICE,
        "power per device",
        Some("W/device"),
    ),
    (
        Dimension::ENERGY_PER_DEVICE,
        "energy per device",
        Some("kWh/device"),
    ),
    (
        Dimension::ENERGY_PER_REQUEST,
        "energy per request",
        Some("Wh/request"),
    ),
    (
        Dimension::ENERGY_PER_TOKEN,
        "energy per token",
        Some("Wh/token"),
    ),
    (
        Dimension::ENERGY_PER_FLOP,
        "energy per FLOP",
        Some("J/FLOP"),
    ),
    (
        Dimension::MASS_PER_DEVICE_TIME,
        "mass per device-time",
        Some("g/(GPU·h)"),
    ),
];

/// Named dimensions that may stand before "per" in a composed name.
const NUMERATORS: &[(Dimension, &str)] = &[
    (Dimension::ENERGY, "energy"),
    (Dimension::POWER, "power"),
    (Dimension::MASS, "mass"),
    (Dimension::VOLUME, "volume"),
    (Dimension::TIME, "time"),
    (Dimension::DEVICE_TIME, "device-time"),
    (Dimension::DEVICE, "devices"),
    (Dimension::REQUEST, "requests"),
    (Dimension::TOKEN, "tokens"),
    (Dimension::FLOP, "FLOP"),
    (Dimension::LENGTH, "length"),
];

/// Named dimensions that may stand after "per" in a composed name.
const DENOMINATORS: &[(Dimension, &str)] = &[
    (Dimension::ENERGY, "energy"),
    (Dimension::MASS, "mass"),
    (Dimension::TIME, "time"),
    (Dimension::VOLUME, "volume"),
    (Dimension::DEVICE, "device"),
    (Dimension::DEVICE_TIME, "device-time"),
    (Dimension::REQUEST, "request"),
    (Dimension::TOKEN, "token"),
    (Dimension::FLOP, "FLOP"),
    (Dimension::LENGTH, "length"),
];

/// `-3` → `⁻³`.
pub(crate) fn superscript(n: i8) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = String::new();
    if n < 0 {
        out.push('⁻');
    }
    for c in n.unsigned_abs().to_string().chars() {
        if let Some(digit) = c.to_digit(10) {
            out.push(DIGITS[digit as usize]);
        }
    }
    out
}

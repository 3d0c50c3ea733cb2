//! Quantities with run-time dimensions, parsed from what people write in
//! inventories of AI systems: `"433196 kWh"`, `"1.2 GWh"`, `"700 W"`,
//! `"30.84e6 GPU·h"`, `"4 years"`, `"0.36 L/kWh"`, `"0.41403 kgCO2e/kWh"`,
//! `"164 kgCO2e/device"`, `"0.00895 kg Sb eq"`, `"1.5"` or `"85 %"`.
//!
//! A [`Quantity`] keeps its value in the [`Unit`] it was written in; a
//! computation reads it in the unit it needs with [`Quantity::to`], which
//! fails with a readable [`UnitError`] when the [`Dimension`] is not the
//! expected one (``"`700 W` is power, expected energy (e.g. kWh)"``).
//!
//! # Syntax
//!
//! A quantity is `<number> [<unit>]`.
//!
//! - The number has an optional sign, digits with an optional `.` and an
//!   optional exponent (`30.84e6`); single underscores may separate digits
//!   (`433_196`). Commas are rejected because they are ambiguous (thousands
//!   separator or decimal comma): write `1312` or `1.312`, never `1,312`.
//!   NaN, infinities and numbers out of the range of `f64` (`1e400`) are
//!   rejected.
//! - The unit starts after the number, with or without a space (`700W`,
//!   `4years`). A missing unit means a plain, dimensionless number; `%` is a
//!   hundredth.
//! - A unit is a product of terms joined by `·`, `*`, `⋅`, `.`, `-`, `_` or
//!   whitespace (`GPU·h`, `GPU-h`, `GPU h`), optionally divided by `/`.
//!   **Everything after the first `/` is the denominator**: `kg/GPU·h` and
//!   `kg/(GPU·h)` both mean kilograms per GPU-hour, and so does `kg/GPU/h`.
//!   Parentheses may enclose a whole numerator or denominator only.
//! - A term is a symbol (case-sensitive: `mW` is not `MW`) or a name in words
//!   (case-insensitive: `kilowatt-hours`, `GPU-hours`, `litres`), optionally
//!   raised to an integer power (`m^3`, `m³`).
//! - A mass may be qualified by a [`Substance`], glued or not: `kgCO2e`,
//!   `kg CO2e`, `kg CO2-eq`, `tCO₂e`, `kg Sb eq`, `kgSbeq`. A substance is
//!   not a dimension: `gCO2e/kWh` converts to `kg/kWh`, but `kg Sb eq` does
//!   not convert to `kgCO2e`.
//!
//! Units are displayed with a normalised symbol: `gpu_hours` → `GPU·h`,
//! `kilowatt hour` and `kW·h` → `kWh`, `litre` → `L`, `kg CO2e` → `kgCO2e`,
//! `m³` → `m3`, `years` → `yr`.
//!
//! # Known units
//!
//! | dimension | symbols |
//! |---|---|
//! | energy | `J`, `kJ`, `MJ`, `GJ`, `TJ`, `Wh`, `kWh`, `MWh`, `GWh`, `TWh` |
//! | power | `mW`, `W`, `kW`, `MW`, `GW`, `TW` |
//! | mass | `mg`, `g`, `kg`, `t`, `kt`, `Mt`, `Gt` |
//! | length, volume | `m`, `km`; `mL`, `L` (or `l`), `m3` |
//! | time | `ms`, `s`, `min`, `h` (or `hr`), `d`, `week`, `yr` (or `y`, `year`) |
//! | devices | `device`, `GPU`, `accelerator` |
//! | counts | `request` (or `req`), `token` (or `tok`), `FLOP` with prefixes `k` to `Z` |
//! | dimensionless | (nothing), `1`, `%` |
//!
//! Ambiguous units are rejected with a hint: `month` (use days or years),
//! `ton` (short or metric; use `t`), `FLOPS` (a rate or a count?).
//!
//! **A year is exactly 365 days** ([`SECONDS_PER_YEAR`] = 31,536,000 s =
//! 8,760 h), the convention of the worked example of the Software Carbon
//! Intensity (SCI) specification.
//!
//! # Exactness
//!
//! Each unit's factor to the SI-coherent base units (kg, m, s, device,
//! request, token, FLOP) is an exact reduced fraction of `u128` integers, and
//! conversions multiply fractions exactly before touching the value, which is
//! then rounded once: `1.2 GWh` is exactly `1200000 kWh`, `4 years` exactly
//! `35040 h`. Should a product of fractions overflow `u128` (only absurd
//! expressions such as `ZFLOP^5` can), the factor falls back to an `f64`
//! approximation.
//!
//! # Serialisation
//!
//! A [`Quantity`] deserialises from a string (`"433196 kWh"`), a bare number
//! (dimensionless) or a map `{ value = 12.5, unit = "kWh" }`; it serialises
//! as the string `"<value> <unit>"`, or as a bare number when dimensionless.
//! A [`Unit`] (de)serialises as its symbol.
//!
//! # Uncertain quantities
//!
//! An [`UncertainQuantity`] is a nominal [`Quantity`] with an optional [`Distribution`]:
//! `"700 W ± 10 %"` (a normal whose 95 % interval is 700 W ± 70 W), or a table
//! `{ min, mode, max }`, `{ min, max }`, `{ mean, sd }`, `{ median, gsd }`,
//! `{ value, gsd }` or `{ value, pedigree, basic-gsd }` (a data-quality [`Pedigree`] of
//! ecoinvent v3). A [`Quantity`] deserialises from every one of these forms too, checks
//! the distribution and keeps the nominal value, so inventories with uncertain values load
//! wherever quantities are read. See [`UncertainQuantity`] for the rules.

mod dimension;
mod error;
mod factor;
mod quantity;
mod remembered;
mod table;
pub mod text;
mod uncertain;
mod unit;

pub use dimension::{BaseDim, Dimension};
pub use error::UnitError;
pub use quantity::Quantity;
pub use table::SECONDS_PER_YEAR;
pub use uncertain::{
    DEFAULT_BASIC_GSD, Distribution, MAX_GSD, PEDIGREE_INDICATORS, PEDIGREE_VARIANCES, Pedigree,
    UncertainQuantity, Written, too_wide,
};
pub use unit::{Conversion, Substance, Unit};

#[cfg(test)]
mod tests;

//! The units this crate knows, and the names people write them with.

use crate::dimension::Dimension;
use crate::factor::Factor;

/// Exact length of a year in seconds: 365 days of 24 hours (8,760 h).
///
/// This is the convention of the Software Carbon Intensity (SCI)
/// specification's worked example; leap years and the Julian year
/// (365.25 days) are deliberately not used, so that `1 year` is exactly
/// `8760 h` everywhere in a report.
pub const SECONDS_PER_YEAR: u64 = 365 * 24 * 3600;

/// One unit symbol with its dimension and exact factor to the SI-coherent base
/// (kg, m, s, device, request, token, FLOP).
#[derive(Debug, PartialEq)]
pub(crate) struct Atom {
    pub(crate) symbol: &'static str,
    pub(crate) dim: Dimension,
    pub(crate) factor: Factor,
}

const fn atom(symbol: &'static str, dim: Dimension, num: u128, den: u128) -> Atom {
    Atom {
        symbol,
        dim,
        factor: Factor::ratio(num, den),
    }
}

use Dimension as D;

const WH: u128 = 3600;
const YEAR: u128 = SECONDS_PER_YEAR as u128;

/// Canonical symbols. They are case-sensitive (`mW` is not `MW`).
pub(crate) const ATOMS: &[Atom] = &[
    // dimensionless
    atom("1", D::DIMENSIONLESS, 1, 1),
    atom("%", D::DIMENSIONLESS, 1, 100),
    // energy
    atom("J", D::ENERGY, 1, 1),
    atom("kJ", D::ENERGY, 1_000, 1),
    atom("MJ", D::ENERGY, 1_000_000, 1),
    atom("GJ", D::ENERGY, 1_000_000_000, 1),
    atom("TJ", D::ENERGY, 1_000_000_000_000, 1),
    atom("Wh", D::ENERGY, WH, 1),
    atom("kWh", D::ENERGY, WH * 1_000, 1),
    atom("MWh", D::ENERGY, WH * 1_000_000, 1),
    atom("GWh", D::ENERGY, WH * 1_000_000_000, 1),
    atom("TWh", D::ENERGY, WH * 1_000_000_000_000, 1),
    // power
    atom("mW", D::POWER, 1, 1_000),
    atom("W", D::POWER, 1, 1),
    atom("kW", D::POWER, 1_000, 1),
    atom("MW", D::POWER, 1_000_000, 1),
    atom("GW", D::POWER, 1_000_000_000, 1),
    atom("TW", D::POWER, 1_000_000_000_000, 1),
    // mass
    atom("mg", D::MASS, 1, 1_000_000),
    atom("g", D::MASS, 1, 1_000),
    atom("kg", D::MASS, 1, 1),
    atom("t", D::MASS, 1_000, 1),
    atom("kt", D::MASS, 1_000_000, 1),
    atom("Mt", D::MASS, 1_000_000_000, 1),
    atom("Gt", D::MASS, 1_000_000_000_000, 1),
    // length and volume
    atom("m", D::LENGTH, 1, 1),
    atom("km", D::LENGTH, 1_000, 1),
    atom("mL", D::VOLUME, 1, 1_000_000),
    atom("L", D::VOLUME, 1, 1_000),
    atom("m3", D::VOLUME, 1, 1),
    // time
    atom("ms", D::TIME, 1, 1_000),
    atom("s", D::TIME, 1, 1),
    atom("min", D::TIME, 60, 1),
    atom("h", D::TIME, 3_600, 1),
    atom("d", D::TIME, 86_400, 1),
    atom("week", D::TIME, 7 * 86_400, 1),
    atom("yr", D::TIME, YEAR, 1),
    // devices
    atom("device", D::DEVICE, 1, 1),
    atom("GPU", D::DEVICE, 1, 1),
    atom("accelerator", D::DEVICE, 1, 1),
    // a host server counts as one device of a fleet's `host` (per-host figures)
    atom("server", D::DEVICE, 1, 1),
    atom("node", D::DEVICE, 1, 1),
    atom("host", D::DEVICE, 1, 1),
    // counts
    atom("request", D::REQUEST, 1, 1),
    atom("token", D::TOKEN, 1, 1),
    atom("FLOP", D::FLOP, 1, 1),
    atom("kFLOP", D::FLOP, 1_000, 1),
    atom("MFLOP", D::FLOP, 1_000_000, 1),
    atom("GFLOP", D::FLOP, 1_000_000_000, 1),
    atom("TFLOP", D::FLOP, 1_000_000_000_000, 1),
    atom("PFLOP", D::FLOP, 1_000_000_000_000_000, 1),
    atom("EFLOP", D::FLOP, 1_000_000_000_000_000_000, 1),
    atom("ZFLOP", D::FLOP, 1_000_000_000_000_000_000_000, 1),
];

/// Other case-sensitive spellings of symbols, with the canonical symbols they stand for.
const SYMBOL_ALIASES: &[(&str, &[&str])] = &[
    ("l", &["L"]),
    ("ml", &["mL"]),
    ("hr", &["h"]),
    ("hrs", &["h"]),
    ("y", &["yr"]),
    ("yrs", &["yr"]),
    ("GPUs", &["GPU"]),
    ("GPUh", &["GPU", "h"]),
    ("req", &["request"]),
    ("tok", &["token"]),
    ("flop", &["FLOP"]),
    ("flops", &["FLOP"]),
    ("FLOPs", &["FLOP"]),
    ("kFLOPs", &["kFLOP"]),
    ("MFLOPs", &["MFLOP"]),
    ("GFLOPs", &["GFLOP"]),
    ("TFLOPs", &["TFLOP"]),
    ("PFLOPs", &["PFLOP"]),
    ("EFLOPs", &["EFLOP"]),
    ("ZFLOPs", &["ZFLOP"]),
];

/// Names written in words, matched case-insensitively; a name of several words
/// (`kilowatt hour`, `kilowatt-hour`, `gpu_hours`) is keyed with `_` between them.
const WORD_ALIASES: &[(&str, &[&str])] = &[
    ("percent", &["%"]),
    // energy
    ("joule", &["J"]),
    ("joules", &["J"]),
    ("kilojoule", &["kJ"]),
    ("kilojoules", &["kJ"]),
    ("megajoule", &["MJ"]),
    ("megajoules", &["MJ"]),
    ("gigajoule", &["GJ"]),
    ("gigajoules", &["GJ"]),
    ("terajoule", &["TJ"]),
    ("terajoules", &["TJ"]),
    ("watt_hour", &["Wh"]),
    ("watt_hours", &["Wh"]),
    ("watthour", &["Wh"]),
    ("watthours", &["Wh"]),
    ("kilowatt_hour", &["kWh"]),
    ("kilowatt_hours", &["kWh"]),
    ("kilowatthour", &["kWh"]),
    ("kilowatthours", &["kWh"]),
    ("megawatt_hour", &["MWh"]),
    ("megawatt_hours", &["MWh"]),
    ("megawatthour", &["MWh"]),
    ("megawatthours", &["MWh"]),
    ("gigawatt_hour", &["GWh"]),
    ("gigawatt_hours", &["GWh"]),
    ("gigawatthour", &["GWh"]),
    ("gigawatthours", &["GWh"]),
    ("terawatt_hour", &["TWh"]),
    ("terawatt_hours", &["TWh"]),
    ("terawatthour", &["TWh"]),
    ("terawatthours", &["TWh"]),
    // power
    ("milliwatt", &["mW"]),
    ("milliwatts", &["mW"]),
    ("watt", &["W"]),
    ("watts", &["W"]),
    ("kilowatt", &["kW"]),
    ("kilowatts", &["kW"]),
    ("megawatt", &["MW"]),
    ("megawatts", &["MW"]),
    ("gigawatt", &["GW"]),
    ("gigawatts", &["GW"]),
    ("terawatt", &["TW"]),
    ("terawatts", &["TW"]),
    // mass
    ("milligram", &["mg"]),
    ("milligrams", &["mg"]),
    ("gram", &["g"]),
    ("grams", &["g"]),
    ("kilogram", &["kg"]),
    ("kilograms", &["kg"]),
    ("tonne", &["t"]),
    ("tonnes", &["t"]),
    ("metric_ton", &["t"]),
    ("metric_tons", &["t"]),
    ("metric_tonne", &["t"]),
    ("metric_tonnes", &["t"]),
    ("kilotonne", &["kt"]),
    ("kilotonnes", &["kt"]),
    ("megatonne", &["Mt"]),
    ("megatonnes", &["Mt"]),
    ("gigatonne", &["Gt"]),
    ("gigatonnes", &["Gt"]),
    // length and volume
    ("metre", &["m"]),
    ("metres", &["m"]),
    ("meter", &["m"]),
    ("meters", &["m"]),
    ("kilometre", &["km"]),
    ("kilometres", &["km"]),
    ("kilometer", &["km"]),
    ("kilometers", &["km"]),
    ("millilitre", &["mL"]),
    ("millilitres", &["mL"]),
    ("milliliter", &["mL"]),
    ("milliliters", &["mL"]),
    ("litre", &["L"]),
    ("litres", &["L"]),
    ("liter", &["L"]),
    ("liters", &["L"]),
    ("cubic_metre", &["m3"]),
    ("cubic_metres", &["m3"]),
    ("cubic_meter", &["m3"]),
    ("cubic_meters", &["m3"]),
    // time
    ("millisecond", &["ms"]),
    ("milliseconds", &["ms"]),
    ("second", &["s"]),
    ("seconds", &["s"]),
    ("sec", &["s"]),
    ("secs", &["s"]),
    ("minute", &["min"]),
    ("minutes", &["min"]),
    ("mins", &["min"]),
    ("hour", &["h"]),
    ("hours", &["h"]),
    ("day", &["d"]),
    ("days", &["d"]),
    ("week", &["week"]),
    ("weeks", &["week"]),
    ("wk", &["week"]),
    ("wks", &["week"]),
    ("year", &["yr"]),
    ("years", &["yr"]),
    // devices and device-time
    ("device", &["device"]),
    ("devices", &["device"]),
    ("gpu", &["GPU"]),
    ("gpus", &["GPU"]),
    ("accelerator", &["accelerator"]),
    ("accelerators", &["accelerator"]),
    ("servers", &["server"]),
    ("nodes", &["node"]),
    ("hosts", &["host"]),
    ("gpuh", &["GPU", "h"]),
    ("gpu_hour", &["GPU", "h"]),
    ("gpu_hours", &["GPU", "h"]),
    ("gpu_hr", &["GPU", "h"]),
    ("gpu_hrs", &["GPU", "h"]),
    ("device_hour", &["device", "h"]),
    ("device_hours", &["device", "h"]),
    ("accelerator_hour", &["accelerator", "h"]),
    ("accelerator_hours", &["accelerator", "h"]),
    // counts
    ("request", &["request"]),
    ("requests", &["request"]),
    ("token", &["token"]),
    ("tokens", &["token"]),
];

/// The atom with this canonical symbol.
pub(crate) fn atom_by_symbol(symbol: &str) -> Option<&'static Atom> {
    ATOMS.iter().find(|atom| atom.symbol == symbol)
}

/// Canonical symbols for a case-sensitive symbol or symbol alias.
pub(crate) fn lookup_symbol(word: &str) -> Option<Vec<&'static Atom>> {
    if let Some(atom) = atom_by_symbol(word) {
        return Some(vec![atom]);
    }
    SYMBOL_ALIASES
        .iter()
        .find(|(alias, _)| *alias == word)
        .and_then(|(_, symbols)| atoms(symbols))
}

/// Canonical symbols for a word alias; `key` is lowercase, words joined with `_`.
pub(crate) fn lookup_word(key: &str) -> Option<Vec<&'static Atom>> {
    WORD_ALIASES
        .iter()
        .find(|(alias, _)| *alias == key)
        .and_then(|(_, symbols)| atoms(symbols))
}

fn atoms(symbols: &[&str]) -> Option<Vec<&'static Atom>> {
    symbols
        .iter()
        .map(|symbol| atom_by_symbol(symbol))
        .collect()
}

/// Mass symbols a substance may be glued to, as in `kgCO2e`.
pub(crate) fn mass_atoms() -> impl Iterator<Item = &'static Atom> {
    ATOMS.iter().filter(|atom| atom.dim == Dimension::MASS)
}

/// Canonical symbols whose spelling (or that of one of their aliases) equals
/// `word` but for case, for "did you mean" hints.
pub(crate) fn case_insensitive_matches(word: &str) -> Vec<&'static str> {
    let lower = word.to_lowercase();
    let mut found: Vec<&'static str> = Vec::new();
    let candidates = ATOMS
        .iter()
        .map(|atom| (atom.symbol, vec![atom.symbol]))
        .chain(
            SYMBOL_ALIASES
                .iter()
                .map(|(alias, symbols)| (*alias, symbols.to_vec())),
        );
    for (spelling, symbols) in candidates {
        if spelling.to_lowercase() == lower && spelling != word {
            let canonical = if symbols.len() == 1 {
                symbols[0]
            } else {
                spelling
            };
            if !found.contains(&canonical) {
                found.push(canonical);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alias_names_known_symbols() {
        for (alias, symbols) in SYMBOL_ALIASES.iter().chain(WORD_ALIASES) {
            for symbol in *symbols {
                assert!(
                    atom_by_symbol(symbol).is_some(),
                    "alias `{alias}` names unknown symbol `{symbol}`"
                );
            }
        }
    }

    #[test]
    fn word_aliases_are_lowercase_and_unique() {
        for (i, (alias, _)) in WORD_ALIASES.iter().enumerate() {
            assert_eq!(alias.to_lowercase(), *alias);
            assert!(
                WORD_ALIASES[i + 1..]
                    .iter()
                    .all(|(other, _)| other != alias),
                "duplicate alias `{alias}`"
            );
        }
        for (i, atom) in ATOMS.iter().enumerate() {
            assert!(
                ATOMS[i + 1..]
                    .iter()
                    .all(|other| other.symbol != atom.symbol),
                "duplicate symbol `{}`",
                atom.symbol
            );
        }
    }

    #[test]
    fn a_year_is_365_days() {
        assert_eq!(SECONDS_PER_YEAR, 31_536_000);
        assert_eq!(SECONDS_PER_YEAR / 3600, 8_760);
    }
}

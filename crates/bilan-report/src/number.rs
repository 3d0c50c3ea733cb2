//! Deterministic number formatting: four significant digits, thousands separators, and a
//! unit scaled to the magnitude (t CO2e rather than 11,389,689 kg CO2e).

use bilan_core::indicator::Indicator;

/// Orders of magnitude past which a number prints in exponent form.
const EXPONENT_ABOVE: i32 = 21;
const EXPONENT_BELOW: i32 = 12;

/// `value` with `digits` significant digits and `,` as thousands separator; `-0` prints as
/// `0`. Only a number beyond 10^21 or under 10^-12 prints in exponent form (`1.000e-314`).
pub fn significant(value: f64, digits: i32) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    let magnitude = value.abs().log10().floor() as i32 + 1;
    // Far from 1 (a subnormal 1e-320, a 1e300 from a hostile input) positional notation
    // would print hundreds of digits, or NaN once 10^digits overflows: exponent form.
    if !(-EXPONENT_BELOW..=EXPONENT_ABOVE).contains(&magnitude) {
        let precision = (digits - 1).max(0) as usize;
        return format!("{value:.precision$e}");
    }
    let scale = 10f64.powi(magnitude - digits);
    // Half away from zero, as people round (Rust's formatter rounds exact ties to even).
    let rounded = if magnitude > digits {
        (value / scale).round() * scale
    } else {
        let factor = 10f64.powi(digits - magnitude);
        (value * factor).round() / factor
    };
    // Rounding may carry into the next power of ten (99.96 → 100.0 at three digits): the
    // digits are then counted from that power.
    let magnitude = if rounded.abs() >= 10f64.powi(magnitude) {
        magnitude + 1
    } else {
        magnitude
    };
    let decimals = (digits - magnitude).max(0) as usize;
    let text = format!("{rounded:.decimals$}");
    let (sign, text) = match text.strip_prefix('-') {
        Some(t) => ("-", t),
        None => ("", text.as_str()),
    };
    let (int, frac) = text
        .split_once('.')
        .map_or((text, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if grouped.chars().all(|c| c == '0' || c == ',')
        && frac.is_none_or(|f| f.chars().all(|c| c == '0'))
    {
        ""
    } else {
        sign
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn ladder(indicator: Indicator) -> &'static [(f64, &'static str)] {
    match indicator {
        Indicator::Gwp => &[
            (1e9, "Mt CO2e"),
            (1e6, "kt CO2e"),
            (1e3, "t CO2e"),
            (1.0, "kg CO2e"),
            (1e-3, "g CO2e"),
            (1e-6, "mg CO2e"),
        ],
        Indicator::Water => &[(1.0, "m3"), (1e-3, "L"), (1e-6, "mL")],
        Indicator::Adpe => &[
            (1.0, "kg Sb eq"),
            (1e-3, "g Sb eq"),
            (1e-6, "mg Sb eq"),
            (1e-9, "µg Sb eq"),
        ],
        Indicator::Adpf => &[(1e6, "TJ"), (1e3, "GJ"), (1.0, "MJ"), (1e-3, "kJ")],
        Indicator::Energy => &[
            (1e9, "TWh"),
            (1e6, "GWh"),
            (1e3, "MWh"),
            (1.0, "kWh"),
            (1e-3, "Wh"),
        ],
    }
}

/// A count: an integer with separators when it is one, else four significant digits.
pub fn count(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let digits = if value == 0.0 {
            1
        } else {
            value.abs().log10().floor() as i32 + 1
        };
        significant(value, digits.max(1))
    } else {
        significant(value, 4)
    }
}

/// An amount of `indicator` (given in its canonical unit) with a unit scaled to its size.
pub fn amount(value: f64, indicator: Indicator) -> String {
    let (number, unit) = amount_parts(value, indicator);
    format!("{number} {unit}")
}

/// An amount's number (four significant digits, as [`significant`] writes it) and the unit
/// scaled to its size, for a renderer to join as its language does.
pub fn amount_parts(value: f64, indicator: Indicator) -> (String, &'static str) {
    let (scale, unit) = step(value, indicator);
    (significant(value / scale, 4), unit)
}

/// Two amounts of `indicator` in the one unit that suits the larger:
/// `0.9980 to 1.020 kt CO2e`, not `998.0 t CO2e to 1.020 kt CO2e`.
pub fn amount_range(low: f64, high: f64, indicator: Indicator) -> String {
    let (low, high, unit) = amount_range_parts(low, high, indicator);
    format!("{low} to {high} {unit}")
}

/// The two numbers of [`amount_range`] and their unit, for a renderer to join as its
/// language does.
pub fn amount_range_parts(
    low: f64,
    high: f64,
    indicator: Indicator,
) -> (String, String, &'static str) {
    let larger = if low.abs() > high.abs() { low } else { high };
    let (scale, unit) = step(larger, indicator);
    (
        significant(low / scale, 4),
        significant(high / scale, 4),
        unit,
    )
}

/// The scale and unit `value` is shown in.
fn step(value: f64, indicator: Indicator) -> (f64, &'static str) {
    let steps = ladder(indicator);
    let (scale, unit) = steps
        .iter()
        .copied()
        .find(|(s, _)| value.abs() >= *s)
        .unwrap_or_else(|| steps[steps.len() - 1]);
    if value == 0.0 {
        steps
            .iter()
            .copied()
            .find(|(s, _)| *s == 1.0)
            .unwrap_or((scale, unit))
    } else {
        (scale, unit)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounding_that_carries_keeps_the_number_of_significant_digits() {
        assert_eq!(super::significant(99.99999999999788, 3), "100");
        assert_eq!(super::significant(9.9996, 4), "10.00");
        assert_eq!(super::significant(0.099996, 3), "0.100");
        assert_eq!(super::significant(-999.96, 4), "-1,000");
    }

    use super::*;

    #[test]
    fn four_significant_digits_with_separators() {
        assert_eq!(significant(11_389_689.3, 4), "11,390,000");
        assert_eq!(significant(11_389.7, 4), "11,390");
        assert_eq!(significant(423.1, 4), "423.1");
        assert_eq!(significant(0.028_538_8, 4), "0.02854");
        assert_eq!(significant(-1234.5, 4), "-1,235");
        assert_eq!(significant(0.0, 4), "0");
        assert_eq!(significant(-0.000_000_1, 2), "-0.00000010");
    }

    #[test]
    fn amounts_pick_a_readable_unit() {
        assert_eq!(amount(11_389_689.3, Indicator::Gwp), "11.39 kt CO2e");
        assert_eq!(amount(8_937_889.2, Indicator::Gwp), "8.938 kt CO2e");
        assert_eq!(amount(423_106.2, Indicator::Gwp), "423.1 t CO2e");
        assert_eq!(amount(0.001_14, Indicator::Gwp), "1.140 g CO2e");
        assert_eq!(amount(0.000_045, Indicator::Water), "45.00 mL");
        assert_eq!(amount(1.6e-10, Indicator::Adpe), "0.1600 µg Sb eq");
        assert_eq!(amount(0.0, Indicator::Adpf), "0 MJ");
        assert_eq!(amount(27_510_000.0, Indicator::Energy), "27.51 GWh");
        assert_eq!(amount(1500.0, Indicator::Energy), "1.500 MWh");
        assert_eq!(amount(0.0, Indicator::Gwp), "0 kg CO2e");
        assert_eq!(count(2.0e9), "2,000,000,000");
        assert_eq!(count(1.0), "1");
        assert_eq!(count(2.5), "2.500");
    }

    #[test]
    fn extreme_magnitudes_print_as_numbers() {
        // A 1e-320 t transport printed `NaN mg` once.
        assert_eq!(amount(1e-317, Indicator::Gwp), "1.000e-311 mg CO2e");
        assert_eq!(amount(1e300, Indicator::Gwp), "1.000e291 Mt CO2e");
        assert_eq!(significant(-2.5e-14, 4), "-2.500e-14");
        assert_eq!(significant(1e-12, 4), "0.000000000001000");
    }
}

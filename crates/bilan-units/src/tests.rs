use crate::{BaseDim, Dimension, Quantity, SECONDS_PER_YEAR, Substance, Unit, UnitError};

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap_or_else(|e| panic!("`{text}` should parse: {e}"))
}

fn u(text: &str) -> Unit {
    Unit::parse(text).unwrap_or_else(|e| panic!("unit `{text}` should parse: {e}"))
}

fn err(text: &str) -> UnitError {
    match Quantity::parse(text) {
        Ok(quantity) => panic!("`{text}` should be rejected, got {quantity:?}"),
        Err(e) => e,
    }
}

fn unknown_hint(text: &str) -> Option<String> {
    match err(text) {
        UnitError::UnknownUnit { hint, .. } => hint,
        other => panic!("`{text}`: expected an unknown unit, got {other:?}"),
    }
}

#[test]
fn parses_inventory_examples() {
    let cases: &[(&str, f64, &str, Dimension)] = &[
        ("433196 kWh", 433_196.0, "kWh", Dimension::ENERGY),
        ("1.2 GWh", 1.2, "GWh", Dimension::ENERGY),
        ("700 W", 700.0, "W", Dimension::POWER),
        ("30.84e6 GPU·h", 30.84e6, "GPU·h", Dimension::DEVICE_TIME),
        ("4 years", 4.0, "yr", Dimension::TIME),
        ("0.36 L/kWh", 0.36, "L/kWh", Dimension::VOLUME_PER_ENERGY),
        ("52 g/kWh", 52.0, "g/kWh", Dimension::MASS_PER_ENERGY),
        (
            "0.41403 kgCO2e/kWh",
            0.41403,
            "kgCO2e/kWh",
            Dimension::MASS_PER_ENERGY,
        ),
        (
            "164 kgCO2e/device",
            164.0,
            "kgCO2e/device",
            Dimension::MASS_PER_DEVICE,
        ),
        ("0.00895 kg Sb eq", 0.00895, "kg Sb eq", Dimension::MASS),
        ("3721 MJ", 3721.0, "MJ", Dimension::ENERGY),
        ("1.5", 1.5, "", Dimension::DIMENSIONLESS),
        ("85 %", 85.0, "%", Dimension::DIMENSIONLESS),
        ("433_196 kWh", 433_196.0, "kWh", Dimension::ENERGY),
        ("700W", 700.0, "W", Dimension::POWER),
        ("4years", 4.0, "yr", Dimension::TIME),
        ("  12 kWh  ", 12.0, "kWh", Dimension::ENERGY),
        ("-3.5e-2 t", -0.035, "t", Dimension::MASS),
        ("+2 h", 2.0, "h", Dimension::TIME),
        (".5 h", 0.5, "h", Dimension::TIME),
        ("5. h", 5.0, "h", Dimension::TIME),
        ("1E3 kWh", 1000.0, "kWh", Dimension::ENERGY),
        ("2 PFLOP", 2.0, "PFLOP", Dimension::FLOP),
        ("3e23 FLOPs", 3e23, "FLOP", Dimension::FLOP),
        ("1 ZFLOP", 1.0, "ZFLOP", Dimension::FLOP),
        ("1000 requests", 1000.0, "request", Dimension::REQUEST),
        ("1e9 tokens", 1e9, "token", Dimension::TOKEN),
        ("8 GPUs", 8.0, "GPU", Dimension::DEVICE),
        ("2 devices", 2.0, "device", Dimension::DEVICE),
        (
            "0.3 Wh/request",
            0.3,
            "Wh/request",
            Dimension::ENERGY_PER_REQUEST,
        ),
        (
            "400 W/device",
            400.0,
            "W/device",
            Dimension::POWER_PER_DEVICE,
        ),
        (
            "5 kg/(GPU·h)",
            5.0,
            "kg/(GPU·h)",
            Dimension::MASS_PER_DEVICE_TIME,
        ),
        ("2 m³", 2.0, "m3", Dimension::VOLUME),
        ("2 m^3", 2.0, "m3", Dimension::VOLUME),
        ("2 m3", 2.0, "m3", Dimension::VOLUME),
        ("3 kW·h", 3.0, "kWh", Dimension::ENERGY),
        ("3 kW h", 3.0, "kWh", Dimension::ENERGY),
        ("3 kW.h", 3.0, "kWh", Dimension::ENERGY),
        ("3 kilowatt_hours", 3.0, "kWh", Dimension::ENERGY),
        ("3 kilowatt-hour", 3.0, "kWh", Dimension::ENERGY),
        ("3 Kilowatt hours", 3.0, "kWh", Dimension::ENERGY),
        ("3 megawatt_hour", 3.0, "MWh", Dimension::ENERGY),
        ("3 kilowatts", 3.0, "kW", Dimension::POWER),
        ("3 Watt", 3.0, "W", Dimension::POWER),
        ("3 tonnes", 3.0, "t", Dimension::MASS),
        ("3 metric_ton", 3.0, "t", Dimension::MASS),
        ("3 litres", 3.0, "L", Dimension::VOLUME),
        ("3 l", 3.0, "L", Dimension::VOLUME),
        ("3 hours", 3.0, "h", Dimension::TIME),
        ("3 hr", 3.0, "h", Dimension::TIME),
        ("3 days", 3.0, "d", Dimension::TIME),
        ("3 weeks", 3.0, "week", Dimension::TIME),
        ("3 yr", 3.0, "yr", Dimension::TIME),
        ("3 y", 3.0, "yr", Dimension::TIME),
        ("3 Year", 3.0, "yr", Dimension::TIME),
        ("1 1/h", 1.0, "1/h", Dimension::TIME.powi(-1)),
        ("2 /h", 2.0, "1/h", Dimension::TIME.powi(-1)),
        ("2 percent", 2.0, "%", Dimension::DIMENSIONLESS),
    ];
    for (text, value, symbol, dimension) in cases {
        let quantity = q(text);
        assert_eq!(quantity.value(), *value, "value of `{text}`");
        assert_eq!(quantity.unit().symbol(), *symbol, "symbol of `{text}`");
        assert_eq!(quantity.dimension(), *dimension, "dimension of `{text}`");
    }
}

#[test]
fn substances_are_qualifiers_of_mass() {
    let co2e = [
        "kgCO2e",
        "kg CO2e",
        "kgCO2eq",
        "kg CO2-eq",
        "kg CO₂e",
        "kg CO2 eq",
        "kgCO2-e",
        "kg co2e",
        "kg-CO2e",
    ];
    for text in co2e {
        let unit = u(text);
        assert_eq!(unit.symbol(), "kgCO2e", "`{text}`");
        assert_eq!(unit.substance(), Some(Substance::Co2e), "`{text}`");
        assert_eq!(unit.dimension(), Dimension::MASS, "`{text}`");
    }
    assert_eq!(u("t CO2e").symbol(), "tCO2e");
    assert_eq!(
        u("tCO2e").conversion_to(&u("kg")).map(|c| c.as_f64()),
        Ok(1000.0)
    );
    for text in ["kg Sb eq", "kgSbeq", "kg Sb-eq", "kg Sb-e", "kgSb eq"] {
        let unit = u(text);
        assert_eq!(unit.symbol(), "kg Sb eq", "`{text}`");
        assert_eq!(unit.substance(), Some(Substance::SbEq), "`{text}`");
    }
    for text in ["gCO2e/kWh", "g CO2e/kWh", "kg CO2e / kWh", "gCO2e / kWh"] {
        let unit = u(text);
        assert_eq!(unit.dimension(), Dimension::MASS_PER_ENERGY, "`{text}`");
        assert_eq!(unit.substance(), Some(Substance::Co2e), "`{text}`");
    }
    assert_eq!(u("kg CO2e / kWh").symbol(), "kgCO2e/kWh");
    assert_eq!(u("kg Sb eq/kWh").symbol(), "kg Sb eq/kWh");
    assert_eq!(Substance::Co2e.to_string(), "CO2e");
    assert_eq!(Substance::SbEq.to_string(), "Sb eq");
    assert_eq!(u("g/kWh").substance(), None);
}

#[test]
fn substance_conversions() {
    // A unit without substance converts to and from one with a substance.
    let intensity = q("52 gCO2e/kWh");
    assert_eq!(intensity.to_str_unit("kg/kWh"), Ok(52.0 / 1000.0));
    assert_eq!(intensity.to_str_unit("kgCO2e/kWh"), Ok(52.0 / 1000.0));
    assert_eq!(q("52 g/kWh").to_str_unit("kgCO2e/MWh"), Ok(52.0));

    let antimony = q("0.00895 kg Sb eq");
    let error = antimony.to_str_unit("kgCO2e");
    assert_eq!(
        error,
        Err(UnitError::SubstanceMismatch {
            text: "0.00895 kg Sb eq".to_owned(),
            unit: "kg Sb eq".to_owned(),
            expected: Substance::Co2e,
            found: Substance::SbEq,
        })
    );
    assert_eq!(
        error.map_err(|e| e.to_string()),
        Err("`0.00895 kg Sb eq` is expressed in Sb eq, expected CO2e".to_owned())
    );
    assert!(antimony.expect_substance(Substance::SbEq).is_ok());
    assert!(matches!(
        antimony.expect_substance(Substance::Co2e),
        Err(UnitError::SubstanceMismatch { .. })
    ));
    assert!(q("3 kg").expect_substance(Substance::Co2e).is_ok());

    let both = err("1 kgCO2e/kg Sb eq");
    assert!(
        matches!(
            &both,
            UnitError::UnknownUnit { text, unit, hint: Some(hint) }
                if text == "1 kgCO2e/kg Sb eq"
                    && unit == "kgCO2e/kg Sb eq"
                    && hint.contains("only one substance")
        ),
        "{both:?}"
    );
    let misplaced = unknown_hint("5 kWh CO2e");
    assert!(
        misplaced
            .as_deref()
            .is_some_and(|h| h.contains("must follow a mass unit")),
        "{misplaced:?}"
    );
}

#[test]
fn gpu_hour_aliases() {
    let aliases = [
        "GPU·h",
        "GPU-h",
        "GPU.h",
        "GPU h",
        "GPU*h",
        "GPU⋅h",
        "gpu_hours",
        "gpu_hour",
        "GPU-hours",
        "GPU-hour",
        "gpu-hour",
        "gpu-hours",
        "GPU hours",
        "GPUh",
        "gpuh",
        "GPU_h",
        "GPU hr",
    ];
    for alias in aliases {
        let text = format!("30.84e6 {alias}");
        let quantity = q(&text);
        assert_eq!(quantity.unit().symbol(), "GPU·h", "`{text}`");
        assert_eq!(quantity.dimension(), Dimension::DEVICE_TIME, "`{text}`");
        assert_eq!(quantity.to_str_unit("GPU·h"), Ok(30_840_000.0), "`{text}`");
        assert_eq!(quantity.to_str_unit("device·s"), Ok(30_840_000.0 * 3600.0));
    }
    assert_eq!(q("2 device-hours").unit().symbol(), "device·h");
    assert_eq!(q("2 device-hours").to_str_unit("GPU·h"), Ok(2.0));
}

#[test]
fn exact_conversions() {
    assert_eq!(q("1.2 GWh").to_str_unit("kWh"), Ok(1_200_000.0));
    assert_eq!(q("52 g/kWh").to_str_unit("kg/kWh"), Ok(52.0 / 1000.0));
    assert_eq!(q("4 years").to_str_unit("h"), Ok(35_040.0));
    assert_eq!(q("4 years").to_str_unit("s"), Ok(4.0 * 31_536_000.0));
    assert_eq!(q("1 yr").to_str_unit("d"), Ok(365.0));
    assert_eq!(q("30.84e6 GPU·h").to_str_unit("GPU·h"), Ok(30_840_000.0));
    assert_eq!(q("0.36 L/kWh").to_str_unit("m3/kWh"), Ok(0.36 / 1000.0));
    assert_eq!(q("0.36 L/kWh").to_str_unit("mL/Wh"), Ok(0.36));
    assert_eq!(q("3721 MJ").to_str_unit("kWh"), Ok(3721.0 * 5.0 / 18.0));
    assert_eq!(q("3721 MJ").to_str_unit("J"), Ok(3_721_000_000.0));
    assert_eq!(q("700 W").to_str_unit("kW"), Ok(0.7));
    assert_eq!(q("1 kWh").to_str_unit("kW·h"), Ok(1.0));
    assert_eq!(q("1 kWh").to_str_unit("W·s"), Ok(3_600_000.0));
    assert_eq!(q("85 %").to(&Unit::dimensionless()), Ok(0.85));
    assert_eq!(q("0.5").to_str_unit("%"), Ok(50.0));
    assert_eq!(q("2 t").to_str_unit("kg"), Ok(2000.0));
    assert_eq!(q("1 ZFLOP").to_str_unit("PFLOP"), Ok(1e6));
    assert_eq!(q("1 ZFLOP").to_base_units(), 1e21);
    assert_eq!(q("1 kWh").to_base_units(), 3_600_000.0);

    let conversion = u("kWh").conversion_to(&u("MJ"));
    assert_eq!(conversion.map(|c| c.as_ratio()), Ok(Some((18, 5))));
    let conversion = u("g/kWh").conversion_to(&u("kg/MWh"));
    assert_eq!(conversion.map(|c| c.as_ratio()), Ok(Some((1, 1))));
    assert_eq!(
        u("yr").conversion_to(&u("h")).map(|c| c.as_f64()),
        Ok((SECONDS_PER_YEAR / 3600) as f64)
    );
}

#[test]
fn overflowing_factors_fall_back_to_f64() {
    let unit = u("ZFLOP^3/mg^2");
    let conversion = unit.conversion_to(&u("FLOP^3/kg^2"));
    let conversion = conversion.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(conversion.as_ratio(), None);
    assert!((conversion.as_f64() / 1e75 - 1.0).abs() < 1e-12);
}

#[test]
fn sci_specification_embodied_example() {
    // SCI specification: 1000 kg of embodied emissions over a 4-year lifetime,
    // used for one hour: 28.54 g.
    let embodied = q("1000 kg");
    let lifetime = q("4 years");
    let reserved = q("1 h");
    let share = reserved
        .to_str_unit("h")
        .map(|r| r / lifetime.to_str_unit("h").unwrap_or(f64::NAN));
    let allocated = embodied
        .to_str_unit("kg")
        .map(|e| e * share.unwrap_or(f64::NAN));
    assert_eq!(allocated, Ok(0.028538812785388126));
    assert_eq!(
        (allocated.unwrap_or_default() * 1000.0 * 100.0).round() / 100.0,
        28.54
    );
}

#[test]
fn rejects_ambiguous_comma() {
    let error = err("1,312 kg");
    assert_eq!(
        error,
        UnitError::AmbiguousComma {
            text: "1,312 kg".to_owned()
        }
    );
    assert_eq!(
        error.to_string(),
        "`1,312 kg`: a comma is ambiguous (thousands separator or decimal comma); \
         write `1312 kg` or `1.312 kg`"
    );
    assert_eq!(
        err("1,312,000 kWh").to_string(),
        "`1,312,000 kWh`: a comma is ambiguous (thousands separator or decimal comma); \
         write `1312000 kWh`"
    );
    assert!(matches!(
        err("0,36 L/kWh"),
        UnitError::AmbiguousComma { .. }
    ));
    assert!(matches!(
        err("1.312,5 kg"),
        UnitError::AmbiguousComma { .. }
    ));
    assert!(
        err("1.312,5 kg")
            .to_string()
            .contains("without thousands separators")
    );
}

#[test]
fn rejects_bad_numbers() {
    for text in [
        "kWh",
        "abc",
        "- 5 kWh",
        "1.2.3 kWh",
        "1__2 kg",
        "1 312 kg",
        "e5 kg",
        ".",
    ] {
        assert_eq!(
            err(text),
            UnitError::BadNumber {
                text: text.to_owned()
            },
            "`{text}`"
        );
    }
    assert_eq!(
        err("kWh").to_string(),
        "`kWh`: cannot read a number; expected a number followed by a unit, e.g. `12 kWh` \
         (no thousands separators, `.` as the decimal point)"
    );
    assert_eq!(err(""), UnitError::Empty);
    assert_eq!(err("   "), UnitError::Empty);
    assert_eq!(
        UnitError::Empty.to_string(),
        "empty quantity: expected a number followed by a unit, e.g. `12 kWh`"
    );
}

#[test]
fn rejects_non_finite_numbers() {
    for text in [
        "NaN",
        "nan kWh",
        "inf",
        "-inf kWh",
        "infinity",
        "1e400 kWh",
        "-1e400",
    ] {
        assert_eq!(
            err(text),
            UnitError::NonFinite {
                text: text.to_owned()
            },
            "`{text}`"
        );
    }
    assert!(
        err("1e400 kWh")
            .to_string()
            .starts_with("`1e400 kWh`: the number is not finite")
    );
    assert!(matches!(
        Quantity::new(f64::NAN, u("kWh")),
        Err(UnitError::NonFinite { text }) if text == "NaN kWh"
    ));
    assert!(matches!(
        Quantity::dimensionless(f64::INFINITY),
        Err(UnitError::NonFinite { text }) if text == "inf"
    ));
}

#[test]
fn unknown_units_and_hints() {
    assert_eq!(
        err("5 kwh"),
        UnitError::UnknownUnit {
            text: "5 kwh".to_owned(),
            unit: "kwh".to_owned(),
            hint: Some("did you mean `kWh`? (unit symbols are case-sensitive)".to_owned()),
        }
    );
    assert_eq!(
        err("5 kwh").to_string(),
        "`5 kwh`: unknown unit `kwh`; did you mean `kWh`? (unit symbols are case-sensitive)"
    );
    assert_eq!(
        err("3 months").to_string(),
        "`3 months`: unknown unit `months`; months are ambiguous; use days or years \
         (a year is 365 days)"
    );
    assert!(unknown_hint("1 month").is_some_and(|h| h.starts_with("months are ambiguous")));
    assert_eq!(
        unknown_hint("2 tons").as_deref(),
        Some("ambiguous (short or metric ton); use `t` for tonnes")
    );
    assert_eq!(
        unknown_hint("2 ton").as_deref(),
        Some("ambiguous (short or metric ton); use `t` for tonnes")
    );
    assert!(unknown_hint("2 lb").is_some_and(|h| h.contains("convert to kg")));
    assert!(unknown_hint("2 TFLOPS").is_some_and(|h| h.contains("`TFLOP/s`")));
    assert!(unknown_hint("2 kgCO2").is_some_and(|h| h.contains("`CO2e`")));
    assert!(unknown_hint("2 mw").is_some_and(|h| h.contains("`mW` or `MW`")));
    assert!(unknown_hint("2 KG").is_some_and(|h| h.contains("`kg`")));
    assert_eq!(unknown_hint("2 furlongs"), None);
    assert!(matches!(
        err("2 kWh/fortnight"),
        UnitError::UnknownUnit { unit, .. } if unit == "fortnight"
    ));

    // Direct unit parsing quotes the unit once.
    assert_eq!(
        Unit::parse("kwh").map_err(|e| e.to_string()),
        Err("unknown unit `kwh`; did you mean `kWh`? (unit symbols are case-sensitive)".to_owned())
    );
}

#[test]
fn rejects_malformed_unit_expressions() {
    for text in [
        "1 kg/",
        "1 /",
        "1 kg//h",
        "1 kg/(h",
        "1 (kg/h)",
        "1 kg·",
        "1 ·kg",
        "1 m^",
        "1 m^x",
        "1 m^1000",
        "1 ^2",
        "1 m^2^3",
        "1 m ^2",
        "1 m^100·m^100",
    ] {
        assert!(
            matches!(err(text), UnitError::UnknownUnit { .. }),
            "`{text}`: {:?}",
            Quantity::parse(text)
        );
    }
}

#[test]
fn everything_after_the_slash_is_the_denominator() {
    let expected = u("kg/(GPU·h)");
    assert_eq!(expected.symbol(), "kg/(GPU·h)");
    for text in [
        "kg/GPU·h",
        "kg/GPU/h",
        "kg / (GPU h)",
        "kg/(gpu_hours)",
        "kg/GPUh",
    ] {
        assert_eq!(u(text), expected, "`{text}`");
    }
    assert_eq!(u("1/(GPU·h)").symbol(), "1/(GPU·h)");
    assert_eq!(u("m·s^-2").symbol(), "m·s^-2");
    assert_eq!(u("m·s⁻²").symbol(), "m·s^-2");
    assert_eq!(u("m·s^-2").dimension(), u("m/s^2").dimension());
}

#[test]
fn dimensionless_numbers() {
    let pue = q("1.5");
    assert_eq!(pue.unit(), &Unit::dimensionless());
    assert!(pue.unit().is_dimensionless());
    assert_eq!(pue.to(&Unit::dimensionless()), Ok(1.5));
    assert_eq!(pue.to_string(), "1.5");
    assert_eq!(Quantity::dimensionless(1.5), Ok(pue));
    assert_eq!(q("1.5 1").unit(), &Unit::dimensionless());
    assert!(matches!(err("5 1 kg"), UnitError::BadNumber { .. }));
    assert_eq!(u(""), Unit::dimensionless());
    assert_eq!(u("1"), Unit::dimensionless());

    let share = q("85 %");
    assert!(share.dimension().is_dimensionless());
    assert_eq!(share.to_str_unit(""), Ok(0.85));
    assert_eq!(q("85%").to_str_unit("1"), Ok(0.85));
    assert_eq!(share.to_string(), "85 %");
}

#[test]
fn dimension_mismatch_messages() {
    let power = q("700 W");
    let error = power.to_str_unit("kWh");
    assert_eq!(
        error,
        Err(UnitError::DimensionMismatch {
            text: "700 W".to_owned(),
            unit: "W".to_owned(),
            expected: Dimension::ENERGY,
            found: Dimension::POWER,
        })
    );
    assert_eq!(
        error.map_err(|e| e.to_string()),
        Err("`700 W` is power, expected energy (e.g. kWh)".to_owned())
    );
    assert_eq!(
        power
            .expect_dimension(Dimension::ENERGY)
            .map_err(|e| e.to_string()),
        Err("`700 W` is power, expected energy (e.g. kWh)".to_owned())
    );
    assert!(power.expect_dimension(Dimension::POWER).is_ok());
    assert_eq!(
        q("3 kWh")
            .expect_dimension(Dimension::DIMENSIONLESS)
            .map_err(|e| e.to_string()),
        Err("`3 kWh` is energy, expected dimensionless (a plain number)".to_owned())
    );
    assert_eq!(
        q("0.36 L/kWh")
            .expect_dimension(Dimension::MASS_PER_ENERGY)
            .map_err(|e| e.to_string()),
        Err("`0.36 L/kWh` is volume per energy, expected mass per energy (e.g. g/kWh)".to_owned())
    );
    assert_eq!(
        u("W").conversion_to(&u("kWh")).map_err(|e| e.to_string()),
        Err("`W` is power, expected energy (e.g. kWh)".to_owned())
    );
}

#[test]
fn negative_check() {
    let negative = q("-5 kWh");
    assert_eq!(
        negative.expect_non_negative(),
        Err(UnitError::Negative {
            text: "-5 kWh".to_owned()
        })
    );
    assert_eq!(
        negative.expect_non_negative().map_err(|e| e.to_string()),
        Err("`-5 kWh` is negative; a negative amount makes no sense here".to_owned())
    );
    assert!(q("0 kWh").expect_non_negative().is_ok());
    assert!(q("-0 kWh").expect_non_negative().is_ok());
    assert!(q("5 kWh").expect_non_negative().is_ok());
}

#[test]
fn dimension_names_and_examples() {
    let cases: &[(Dimension, &str, Option<&str>)] = &[
        (Dimension::ENERGY, "energy", Some("kWh")),
        (Dimension::POWER, "power", Some("W")),
        (Dimension::MASS, "mass", Some("kg")),
        (Dimension::VOLUME, "volume", Some("m3")),
        (Dimension::TIME, "time", Some("h")),
        (Dimension::DEVICE_TIME, "device-time", Some("GPU·h")),
        (Dimension::DEVICE, "devices", Some("GPU")),
        (Dimension::REQUEST, "requests", Some("request")),
        (Dimension::TOKEN, "tokens", Some("token")),
        (Dimension::FLOP, "FLOP", Some("FLOP")),
        (Dimension::DIMENSIONLESS, "dimensionless", None),
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
            Dimension::MASS.div(Dimension::REQUEST),
            "mass per request",
            None,
        ),
        (Dimension::FLOP.div(Dimension::TIME), "FLOP per time", None),
        (
            Dimension::POWER.div(Dimension::DEVICE).mul(Dimension::MASS),
            "kg²·m²·s⁻³·device⁻¹",
            None,
        ),
        (Dimension::TIME.powi(-1), "s⁻¹", None),
    ];
    for (dimension, name, example) in cases {
        assert_eq!(dimension.name(), *name);
        assert_eq!(dimension.to_string(), *name);
        assert_eq!(dimension.example_unit(), *example, "{name}");
    }
    assert_eq!(Dimension::POWER.formula(), "kg·m²·s⁻³");
    assert_eq!(Dimension::DIMENSIONLESS.formula(), "1");
    assert_eq!(Dimension::ENERGY.exponents(), [1, 2, -2, 0, 0, 0, 0]);
    assert_eq!(Dimension::ENERGY.exponent(BaseDim::Time), -2);
    assert_eq!(
        Dimension::from_exponents([0, 3, 0, 0, 0, 0, 0]),
        Dimension::VOLUME
    );
    assert_eq!(Dimension::ENERGY.div(Dimension::TIME), Dimension::POWER);
    assert_eq!(
        Dimension::POWER_PER_DEVICE,
        Dimension::ENERGY.div(Dimension::DEVICE_TIME)
    );
    assert_eq!(Dimension::LENGTH.powi(3), Dimension::VOLUME);
    assert!(Dimension::DIMENSIONLESS.is_dimensionless());
    assert!(!Dimension::MASS.is_dimensionless());
    let huge = Dimension::from_exponents([100, 0, 0, 0, 0, 0, 0]);
    assert_eq!(huge.checked_mul(huge), None);
    assert_eq!(huge.mul(huge).exponent(BaseDim::Mass), i8::MAX);
    assert_eq!(huge.checked_powi(2), None);
    assert_eq!(
        BaseDim::ALL.map(BaseDim::base_unit),
        ["kg", "m", "s", "device", "request", "token", "FLOP"]
    );
    // Every unit's example actually parses into its dimension.
    for (dimension, _, example) in cases {
        if let Some(example) = example {
            assert_eq!(u(example).dimension(), *dimension, "example `{example}`");
        }
    }
}

#[test]
fn display_forms() {
    let cases = [
        ("433196 kWh", "433196 kWh"),
        ("1.2 GWh", "1.2 GWh"),
        ("0.36 L/kWh", "0.36 L/kWh"),
        ("30.84e6 GPU·h", "30840000 GPU·h"),
        ("30.84e6 gpu_hours", "30840000 GPU·h"),
        ("4 years", "4 yr"),
        ("0.41403 kg CO2e / kWh", "0.41403 kgCO2e/kWh"),
        ("0.00895 kgSbeq", "0.00895 kg Sb eq"),
        ("3 kilowatt_hour", "3 kWh"),
        ("2 litre", "2 L"),
        ("1.5", "1.5"),
        ("85 %", "85 %"),
        ("1e-7 kg", "0.0000001 kg"),
        ("433_196 kWh", "433196 kWh"),
        ("5 kg/GPU·h", "5 kg/(GPU·h)"),
    ];
    for (text, shown) in cases {
        assert_eq!(q(text).to_string(), shown, "`{text}`");
    }
    assert_eq!(u("kg CO2e/kWh").to_string(), "kgCO2e/kWh");
    assert_eq!(u("GPU-hours").to_string(), "GPU·h");
    assert_eq!("12 kWh".parse::<Quantity>(), Ok(q("12 kWh")));
    assert_eq!("kWh".parse::<Unit>(), Ok(u("kWh")));
}

#[test]
fn serde_round_trip() {
    let quantity: Quantity =
        serde_json::from_str("\"433196 kWh\"").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(quantity, q("433196 kWh"));
    assert_eq!(
        serde_json::to_string(&quantity).ok().as_deref(),
        Some("\"433196 kWh\"")
    );

    let pue: Quantity = serde_json::from_str("1.2").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pue, q("1.2"));
    assert_eq!(serde_json::to_string(&pue).ok().as_deref(), Some("1.2"));
    let integer: Quantity = serde_json::from_str("3").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(integer, q("3"));
    let negative: Quantity = serde_json::from_str("-3").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(negative, q("-3"));

    let map: Quantity =
        serde_json::from_str(r#"{"value": 12.5, "unit": "kWh"}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(map, q("12.5 kWh"));
    assert_eq!(
        serde_json::to_string(&map).ok().as_deref(),
        Some("\"12.5 kWh\"")
    );
    let map: Quantity = serde_json::from_str(r#"{"value": 2}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(map, q("2"));

    let share: Quantity = serde_json::from_str("\"85 %\"").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        serde_json::to_string(&share).ok().as_deref(),
        Some("\"85 %\"")
    );

    let error = serde_json::from_str::<Quantity>("\"1,312 kg\"").map_err(|e| e.to_string());
    assert!(
        error
            .as_ref()
            .is_err_and(|e| e.contains("a comma is ambiguous")),
        "{error:?}"
    );
    let error = serde_json::from_str::<Quantity>(r#"{"value": 1, "unit": "kwh"}"#)
        .map_err(|e| e.to_string());
    assert!(
        error
            .as_ref()
            .is_err_and(|e| e.contains("`1 kwh`: unknown unit `kwh`")),
        "{error:?}"
    );
    let error = serde_json::from_str::<Quantity>(r#"{"value": 1, "units": "kWh"}"#);
    assert!(error.is_err());
    let error = serde_json::from_str::<Quantity>(r#"{"unit": "kWh"}"#);
    assert!(error.is_err());
    assert!(serde_json::from_str::<Quantity>("true").is_err());

    let unit: Unit = serde_json::from_str("\"kg CO2e/kWh\"").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unit, u("kgCO2e/kWh"));
    assert_eq!(
        serde_json::to_string(&unit).ok().as_deref(),
        Some("\"kgCO2e/kWh\"")
    );
    assert!(serde_json::from_str::<Unit>("\"months\"").is_err());

    // Inside a struct, as inventories use it.
    #[derive(serde::Deserialize, serde::Serialize, PartialEq, Debug)]
    struct Row {
        energy: Quantity,
        pue: Quantity,
    }
    let row: Row = serde_json::from_str(r#"{"energy": "1.2 GWh", "pue": 1.1}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string(&row).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json, r#"{"energy":"1.2 GWh","pue":1.1}"#);
    let back: Row = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, row);
}

#[test]
fn json_schemas() {
    let schema = schemars::schema_for!(Quantity);
    let json = serde_json::to_value(&schema).unwrap_or_default();
    let variants = json["oneOf"].as_array().map(Vec::len);
    assert_eq!(variants, Some(4));
    assert_eq!(json["oneOf"][0]["pattern"], "^[+-]?[.]?[0-9]");
    assert_eq!(json["oneOf"][1]["type"], "number");
    assert_eq!(json["oneOf"][2]["required"][0], "value");
    // The distribution forms: each needs the members that make it one.
    let forms = json["oneOf"][3]["anyOf"].as_array().map(Vec::len);
    assert_eq!(forms, Some(5));
    assert_eq!(json["oneOf"][3]["properties"]["pedigree"]["maxItems"], 5);
    let schema = schemars::schema_for!(Unit);
    let json = serde_json::to_value(&schema).unwrap_or_default();
    assert_eq!(json["type"], "string");
}

/// parse(display(q)) == q over many values and units.
#[test]
fn display_then_parse_round_trips() {
    let units = [
        "",
        "%",
        "kWh",
        "GPU·h",
        "kgCO2e/kWh",
        "kg Sb eq",
        "L/kWh",
        "kg/(GPU·h)",
        "yr",
        "m3",
        "FLOP",
        "1/h",
        "m·s^-2",
        "W/device",
        "tCO2e",
    ];
    let mut values = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        1.2,
        433_196.0,
        30.84e6,
        0.00895,
        1e-7,
        1e21,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        -123.456,
    ];
    // A deterministic pseudo-random sweep over bit patterns (xorshift).
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while values.len() < 400 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let value = f64::from_bits(state);
        if value.is_finite() {
            values.push(value);
        }
    }
    for unit in units {
        let unit = u(unit);
        for value in &values {
            let quantity = Quantity::new(*value, unit.clone()).unwrap_or_else(|e| panic!("{e}"));
            let shown = quantity.to_string();
            assert_eq!(Quantity::parse(&shown), Ok(quantity.clone()), "`{shown}`");
            let json = serde_json::to_string(&quantity).unwrap_or_else(|e| panic!("{e}"));
            let back: Quantity =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
            if unit.symbol().is_empty() {
                // A bare JSON number: serde_json (without its `float_roundtrip`
                // feature) may be one ulp off when reading it back.
                assert_eq!(back.unit(), quantity.unit());
                let tolerance = value.abs() * 4.0 * f64::EPSILON;
                assert!((back.value() - value).abs() <= tolerance, "{json}");
            } else {
                assert_eq!(back, quantity, "{json}");
            }
        }
    }
}

#[test]
fn a_unit_parsed_again_is_the_same_and_errors_still_name_their_text() {
    let first = Quantity::parse("433196 kWh").expect("parses");
    let again = Quantity::parse("12 kWh").expect("parses from the remembered unit");
    assert_eq!(first.unit(), again.unit());
    assert_eq!(again.value(), 12.0);
    assert_eq!(again.to_string(), "12 kWh");
    for text in ["1 kWhh", "2 kWhh"] {
        let e = Quantity::parse(text).expect_err("unknown unit");
        assert!(e.to_string().contains(text), "{e}");
    }
}

#[test]
fn a_quantity_shares_its_unit_and_takes_sixteen_bytes() {
    // An inventory of a million workloads holds several quantities per workload: the unit is
    // shared, not copied with each.
    assert_eq!(std::mem::size_of::<Quantity>(), 16);
    assert_eq!(std::mem::size_of::<Option<Quantity>>(), 16);
    let q = Quantity::parse("3 kWh").expect("parses");
    let copy = q.clone();
    assert_eq!(copy.unit().symbol(), "kWh");
    assert_eq!(
        format!("{:?}", Unit::dimensionless()).split('{').next(),
        Some("Unit ")
    );
}

#[test]
fn a_number_too_small_for_f64_is_refused_never_read_as_zero() {
    for text in ["1e-400 kWh", "0.1e-323 kWh", "-2e-330 kg"] {
        let e = Quantity::parse(text).expect_err(text);
        assert!(
            e.to_string().contains("too small for a 64-bit float"),
            "{text}: {e}"
        );
    }
    for text in [
        "0 kWh",
        "0.000 kWh",
        "0e-400 kWh",
        "2.3e-308 kWh",
        "1e-300 kWh",
    ] {
        assert!(Quantity::parse(text).is_ok(), "{text}");
    }
}

#[test]
fn a_conversion_that_would_read_as_zero_is_refused() {
    let tiny = Quantity::parse("1e-322 Wh").expect("in range as written");
    let e = tiny
        .to(&Unit::parse("kWh").expect("unit"))
        .expect_err("1e-325 kWh is 0");
    assert!(
        e.to_string().contains("too small for a 64-bit float"),
        "{e}"
    );
    let zero = Quantity::parse("0 Wh").expect("zero");
    assert_eq!(zero.to(&Unit::parse("kWh").expect("unit")), Ok(0.0));
}

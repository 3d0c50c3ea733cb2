use serde::de::IntoDeserializer;
use serde::de::value::{Error as ValueError, MapDeserializer};

use super::*;
use crate::Quantity;

pub(super) fn uq(text: &str) -> UncertainQuantity {
    UncertainQuantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn parse_err(text: &str) -> String {
    match UncertainQuantity::parse(text) {
        Ok(parsed) => panic!("{text}: parsed as {parsed:?}"),
        Err(e) => e.to_string(),
    }
}

fn json(text: &str) -> UncertainQuantity {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn json_err(text: &str) -> String {
    match serde_json::from_str::<UncertainQuantity>(text) {
        Ok(parsed) => panic!("{text}: parsed as {parsed:?}"),
        Err(e) => e.to_string(),
    }
}

/// A table of numbers only, which JSON cannot write (NaN, infinities).
fn numbers(pairs: &[(&'static str, f64)]) -> Result<UncertainQuantity, String> {
    let de: MapDeserializer<'_, _, ValueError> = MapDeserializer::new(pairs.iter().copied());
    serde::Deserialize::deserialize(de).map_err(|e: ValueError| e.to_string())
}

pub(super) fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1e-300)
}

pub(super) fn assert_close(a: f64, b: f64, tolerance: f64) {
    assert!(close(a, b, tolerance), "{a} vs {b}");
}

fn nominal(parsed: &UncertainQuantity) -> String {
    parsed.quantity.to_string()
}

fn sd_of(parsed: &UncertainQuantity) -> f64 {
    match parsed.distribution {
        Some(Distribution::Normal { sd }) => sd,
        other => panic!("not a normal: {other:?}"),
    }
}

fn gsd_of(parsed: &UncertainQuantity) -> f64 {
    match parsed.distribution {
        Some(Distribution::Lognormal { gsd }) => gsd,
        other => panic!("not a lognormal: {other:?}"),
    }
}

// --- the ± string form -------------------------------------------------------------

#[test]
fn plus_minus_is_a_normal_of_95_percent_half_width() {
    let parsed = uq("700 W ± 10 %");
    assert_eq!(nominal(&parsed), "700 W");
    assert_close(sd_of(&parsed), 70.0 / 1.96, 1e-12);

    let parsed = uq("0.41 kg/kWh ± 0.05 kg/kWh");
    assert_eq!(nominal(&parsed), "0.41 kg/kWh");
    assert_close(sd_of(&parsed), 0.05 / 1.96, 1e-12);

    let parsed = uq("700W+/-70W");
    assert_eq!(nominal(&parsed), "700 W");
    assert_close(sd_of(&parsed), 70.0 / 1.96, 1e-12);

    // Another unit of the same dimension is converted into the value's.
    let parsed = uq("700 W ± 0.07 kW");
    assert_close(sd_of(&parsed), 70.0 / 1.96, 1e-12);
    let parsed = uq("0.41 kgCO2e/kWh ± 50 gCO2e/kWh");
    assert_close(sd_of(&parsed), 0.05 / 1.96, 1e-12);

    // A plain value: a plain half-width; a negative value: relative to its size.
    assert_close(sd_of(&uq("1.2 ± 0.1")), 0.1 / 1.96, 1e-12);
    assert_close(sd_of(&uq("-5 kg ± 10 %")), 0.5 / 1.96, 1e-12);
    // In %: a plain half-width is in points.
    let parsed = uq("85 % ± 0.05");
    assert_eq!(nominal(&parsed), "85 %");
    assert_close(sd_of(&parsed), 5.0 / 1.96, 1e-12);
    // Zero spread is allowed, even around zero.
    assert_eq!(sd_of(&uq("0 W ± 0 W")), 0.0);

    let plain = uq("700 W");
    assert_eq!(plain.distribution, None);
    assert_eq!(
        plain.quantity,
        Quantity::parse("700 W").unwrap_or_else(|e| panic!("{e}"))
    );
}

#[test]
fn plus_minus_errors() {
    assert_eq!(
        parse_err("700 W ± 700 W"),
        "`700 W ± 700 W`: ± 700 W is as wide as the value 700 W or wider: the quantity cannot \
         be negative; write a smaller half-width, or a lognormal such as \
         { median = \"700 W\", gsd = 2 }"
    );
    assert!(parse_err("700 W ± 150 %").contains("± 150 % is as wide as the value 700 W"));
    assert_eq!(
        parse_err("± 10 %"),
        "`± 10 %`: no value before ±; write e.g. `700 W ± 10 %`"
    );
    assert!(parse_err("700 W ±").contains("no half-width after ±"));
    assert!(parse_err("700 W ± 5 W ± 1 W").contains("more than one ±"));
    assert_eq!(
        parse_err("700 W ± 5 kWh"),
        "`700 W ± 5 kWh`: the half-width `5 kWh` is energy, while the value `700 W` is power: \
         write it in W or another unit of power, or as a percentage of the value (e.g. `10 %`)"
    );
    assert!(
        parse_err("700 W ± 30")
            .contains("the half-width `30` is a plain number, while the value `700 W` is power")
    );
    assert!(parse_err("1.2 ± 5 W").contains("write it as a plain number"));
    assert!(
        parse_err("0.41 kgCO2e/kWh ± 0.05 kg Sb eq/kWh")
            .contains("is in Sb eq, while the value `0.41 kgCO2e/kWh` is in CO2e")
    );
    assert!(parse_err("85 % ± 5 %").contains("is ambiguous next to a value in %"));
    assert!(parse_err("700 W ± -5 W").contains("the half-width `-5 W` is negative"));
    assert!(parse_err("0 W ± 5 W").contains("the value is zero"));
    // Errors of either side quote the whole text.
    assert_eq!(
        parse_err("700 Wx ± 10 %"),
        "`700 Wx ± 10 %`: unknown unit `Wx`"
    );
    assert!(parse_err("700 W ± NaN W").contains("`700 W ± NaN W`: the number is not finite"));
    assert!(parse_err("700 W ± 1e400 W").contains("not finite"));
    // What is echoed is clipped.
    let long = format!("700 W ± 5 {}", "x".repeat(10_000));
    assert!(parse_err(&long).len() < 400);
}

#[test]
fn plain_strings_keep_their_errors() {
    // The messages of quantities without ± are those of `Quantity::parse`.
    for text in ["1,312 kg", "12 kwh", "", "abc", "NaN kWh"] {
        let plain = Quantity::parse(text).err().map(|e| e.to_string());
        let uncertain = UncertainQuantity::parse(text).err().map(|e| e.to_string());
        assert!(plain.is_some());
        assert_eq!(plain, uncertain, "{text}");
    }
}

// --- the table forms -----------------------------------------------------------------

#[test]
fn table_forms() {
    let parsed = json(r#"{"min": "600 W", "mode": "700 W", "max": "750 W"}"#);
    assert_eq!(nominal(&parsed), "700 W");
    assert_eq!(
        parsed.distribution,
        Some(Distribution::Triangular {
            min: 600.0,
            max: 750.0
        })
    );

    let parsed = json(r#"{"min": "600 W", "max": "0.75 kW"}"#);
    assert_eq!(nominal(&parsed), "675 W");
    assert_eq!(
        parsed.distribution,
        Some(Distribution::Uniform {
            min: 600.0,
            max: 750.0
        })
    );

    let parsed = json(r#"{"mean": "700 W", "sd": "30 W"}"#);
    assert_eq!(nominal(&parsed), "700 W");
    assert_eq!(sd_of(&parsed), 30.0);
    let parsed = json(r#"{"mean": "700 W", "sd": "5 %"}"#);
    assert_close(sd_of(&parsed), 35.0, 1e-12);

    let parsed = json(r#"{"median": "0.41 kg/kWh", "gsd": 1.2}"#);
    assert_eq!(nominal(&parsed), "0.41 kg/kWh");
    assert_eq!(gsd_of(&parsed), 1.2);
    let parsed = json(r#"{"value": "0.41 kg/kWh", "gsd": "1.2"}"#);
    assert_eq!(gsd_of(&parsed), 1.2);
    let parsed = json(r#"{"value": 0.41, "unit": "kg/kWh", "gsd": 1}"#);
    assert_eq!(nominal(&parsed), "0.41 kg/kWh");
    assert_eq!(gsd_of(&parsed), 1.0);

    let parsed = json(r#"{"value": "0.41 kg/kWh", "pedigree": [1, 1, 1, 1, 1]}"#);
    assert_close(gsd_of(&parsed), DEFAULT_BASIC_GSD, 1e-12);
    let parsed = json(r#"{"value": "0.41 kg/kWh", "pedigree": [2, 3, 1, 2, 4], "basic-gsd": 1.2}"#);
    let variance = 0.0006 + 0.0006 + 0.0 + 0.000025 + 0.04;
    assert_close(
        gsd_of(&parsed),
        (1.2f64.ln().powi(2) + variance).sqrt().exp(),
        1e-12,
    );
    let parsed = json(r#"{"median": "3 kg", "pedigree": [5, 5, 5, 5, 5]}"#);
    assert_close(
        gsd_of(&parsed),
        (1.05f64.ln().powi(2) + 0.21).sqrt().exp(),
        1e-12,
    );

    // Plain numbers take the table's unit.
    let parsed = json(r#"{"min": 600, "mode": 700, "max": 750, "unit": "W"}"#);
    assert_eq!(nominal(&parsed), "700 W");
    let parsed = json(r#"{"unit": "W", "mean": 700, "sd": 30}"#);
    assert_eq!(sd_of(&parsed), 30.0);
    let parsed = json(r#"{"mean": 700, "unit": "W", "sd": "5 %"}"#);
    assert_close(sd_of(&parsed), 35.0, 1e-12);

    // The value/unit table stays certain.
    let parsed = json(r#"{"value": 12.5, "unit": "kWh"}"#);
    assert_eq!(nominal(&parsed), "12.5 kWh");
    assert_eq!(parsed.distribution, None);
    let parsed = json(r#"{"value": "12.5 kWh"}"#);
    assert_eq!(nominal(&parsed), "12.5 kWh");

    // Strings and numbers at the top level.
    assert_eq!(sd_of(&json(r#""700 W ± 10 %""#)), 70.0 / 1.96);
    assert_eq!(json("1.5").distribution, None);
    assert_eq!(json("3").quantity.value(), 3.0);
}

#[test]
fn table_errors_say_what_is_wrong() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"median": "1 kg", "gsd": 0.5}"#,
            "gsd 0.5 is below 1: a geometric standard deviation is at least 1 (1 is no spread); \
             if 0.5 is σ, the standard deviation of ln, write gsd = 1.649",
        ),
        (r#"{"median": "1 kg", "gsd": -2}"#, "gsd -2 is below 1"),
        (r#"{"median": "1 kg", "gsd": 1e9}"#, "is above 1000000"),
        (
            r#"{"median": "1 kg", "gsd": "1.2 kg"}"#,
            "gsd is a plain number (e.g. 1.2), not `1.2 kg`",
        ),
        (
            r#"{"value": "1 kg", "pedigree": [1, 1, 1, 1, 1], "basic-gsd": 0.9}"#,
            "basic-gsd 0.9 is below 1",
        ),
        (
            r#"{"mean": "700 W", "sd": "-30 W"}"#,
            "`{ mean = \"700 W\", sd = \"-30 W\" }`: sd -30 W is negative: a standard deviation \
             is zero or more",
        ),
        (
            r#"{"min": "750 W", "max": "600 W"}"#,
            "`{ min = \"750 W\", max = \"600 W\" }`: min 750 W is above max 600 W",
        ),
        (
            r#"{"min": "600 W", "mode": "0.8 kW", "max": "750 W"}"#,
            "mode 0.8 kW is outside [min, max] = [0.6 kW, 0.75 kW]",
        ),
        (
            r#"{"min": "0.6 kW", "mode": "800 W", "max": "0.75 kW"}"#,
            "mode 800 W is outside [min, max] = [600 W, 750 W]",
        ),
        (
            r#"{"value": "1 kg", "pedigree": [1, 2, 6, 1, 1]}"#,
            "`[1, 2, 6, 1, 1]`: pedigree score 6 for temporal correlation (score 3 of 5) is \
             outside 1–5",
        ),
        (
            r#"{"value": "1 kg", "pedigree": [0, 1, 1, 1, 1]}"#,
            "pedigree score 0 for reliability",
        ),
        (
            r#"{"value": "1 kg", "pedigree": [1, 2, 3, 4]}"#,
            "a pedigree has 5 scores, each 1–5 ([reliability, completeness, temporal, \
             geographical, technological]); found 4",
        ),
        (
            r#"{"value": "1 kg", "pedigree": [1, 2, 3, 4, 5, 1]}"#,
            "found 6",
        ),
        (
            r#"{"value": "1 kg", "pedigree": [1, 2.5, 3, 4, 5]}"#,
            "invalid type",
        ),
        (
            r#"{"value": "1 kg", "sigma": 2}"#,
            "unknown key `sigma` in a quantity; expected one of { value, unit }, \
             { min, mode, max } (triangular), { min, max } (uniform), { mean, sd } (normal), \
             { median, gsd } or { value, gsd } (lognormal), { value, pedigree, basic-gsd } \
             (lognormal from a data-quality pedigree)",
        ),
        (
            r#"{"mean": "700 W", "gsd": 1.2}"#,
            "`gsd` does not go with `mean`; a quantity table is one of",
        ),
        (
            r#"{"value": "700 W", "median": "700 W", "gsd": 1.2}"#,
            "`value` does not go with `median`",
        ),
        (
            r#"{"value": "700 W", "sd": "7 W"}"#,
            "`sd` does not go with `value`",
        ),
        (
            r#"{"value": "700 W", "gsd": 1.2, "pedigree": [1, 1, 1, 1, 1]}"#,
            "`gsd` does not go with `pedigree`",
        ),
        (
            r#"{"min": "1 W", "max": "2 W", "gsd": 1.2}"#,
            "`gsd` does not go with `min`",
        ),
        (r#"{"mode": "700 W", "max": "750 W"}"#, "`mode` needs `min`"),
        (r#"{"min": "700 W", "mode": "750 W"}"#, "`min` needs `max`"),
        (r#"{"mean": "700 W"}"#, "`mean` needs `sd`"),
        (
            r#"{"median": "700 W"}"#,
            "`median` needs `gsd` or `pedigree`",
        ),
        (r#"{"sd": "7 W"}"#, "`sd` needs `mean`"),
        (r#"{"gsd": 1.2}"#, "`gsd` needs `value` or `median`"),
        (
            r#"{"value": "1 kg", "basic-gsd": 1.1}"#,
            "`basic-gsd` needs `pedigree`",
        ),
        (
            r#"{"value": "700 W", "unit": "kW", "gsd": 1.1}"#,
            "`unit` applies to the members written as plain numbers, and none is",
        ),
        (
            r#"{"min": "600 W", "max": "5 kWh"}"#,
            "max `5 kWh` is energy, while min `600 W` is power: write it in W or another unit \
             of power",
        ),
        (
            r#"{"min": 600, "max": "750 W"}"#,
            "max `750 W` is power, while min `600` is a plain number",
        ),
        (
            r#"{"mean": "700 W", "sd": 30}"#,
            "sd `30` is a plain number, while the value `700 W` is power",
        ),
        (
            r#"{"mean": "85 %", "sd": "5 %"}"#,
            "ambiguous next to a value in %",
        ),
        (
            r#"{"min": "-5 W", "mode": "700 W", "max": "750 W"}"#,
            "min -5 W is below zero while the value 700 W is positive",
        ),
        (
            r#"{"min": "-5 W", "mode": "-2 W", "max": "3 W"}"#,
            "max 3 W is above zero while the value -2 W is negative",
        ),
        (
            r#"{"min": "0 W", "mode": "0 W", "max": "5 W"}"#,
            "the value is zero",
        ),
        (r#"{"min": "-1 W", "max": "1 W"}"#, "the value is zero"),
        (
            r#"{"min": "1 mg", "mode": "1 mg", "max": "1e300 Gt"}"#,
            "max `1e300 Gt` is too large once in mg",
        ),
        (
            r#"{"min": "600 Wx", "max": "750 W"}"#,
            "`600 Wx`: unknown unit `Wx`",
        ),
        (
            r#"{"min": true, "max": "750 W"}"#,
            "invalid type: boolean `true`, expected a quantity",
        ),
        (
            r#"{"value": "1 kg", "value": "2 kg"}"#,
            "duplicate field `value`",
        ),
        (r#"{"unit": "kWh"}"#, "missing field `value`"),
        (r#"{}"#, "missing field `value`"),
        // The table is quoted with its keys in the order of the forms, whatever the order
        // they came in (TOML hands them over sorted).
        (
            r#"{"mode": "700 W", "max": "600 W", "min": "650 W"}"#,
            "`{ min = \"650 W\", mode = \"700 W\", max = \"600 W\" }`: min 650 W is above max 600 W",
        ),
    ];
    for (input, expected) in cases {
        let error = json_err(input);
        assert!(
            error.contains(expected),
            "{input}:\n  got {error}\n  want {expected}"
        );
    }
}

#[test]
fn non_finite_numbers_are_refused_everywhere() {
    for pairs in [
        &[("value", f64::NAN)][..],
        &[("value", 1.0), ("gsd", f64::NAN)],
        &[("value", 1.0), ("gsd", f64::INFINITY)],
        &[("mean", 1.0), ("sd", f64::INFINITY)],
        &[("mean", f64::NAN), ("sd", 1.0)],
        &[("min", 1.0), ("max", f64::INFINITY)],
        &[("min", f64::NEG_INFINITY), ("mode", 1.0), ("max", 2.0)],
    ] {
        let result = numbers(pairs);
        assert!(
            result.as_ref().is_err_and(|e| e.contains("finite")),
            "{pairs:?}: {result:?}"
        );
    }
    assert!(numbers(&[("min", 1.0), ("max", 2.0)]).is_ok());
}

#[test]
fn quantities_read_every_form_as_its_nominal_value() {
    let read = |text: &str| -> Quantity {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    };
    assert_eq!(read(r#""700 W ± 10 %""#).to_string(), "700 W");
    assert_eq!(
        read(r#"{"min": "600 W", "mode": "700 W", "max": "750 W"}"#).to_string(),
        "700 W"
    );
    assert_eq!(
        read(r#"{"min": "600 W", "max": "750 W"}"#).to_string(),
        "675 W"
    );
    assert_eq!(
        read(r#"{"mean": "700 W", "sd": "30 W"}"#).to_string(),
        "700 W"
    );
    assert_eq!(
        read(r#"{"median": "0.41 kg/kWh", "gsd": 1.2}"#).to_string(),
        "0.41 kg/kWh"
    );
    assert_eq!(
        read(r#"{"value": 2, "pedigree": [1, 2, 3, 4, 5]}"#).to_string(),
        "2"
    );
    // Bad distributions are refused, and the old messages stay.
    let error = serde_json::from_str::<Quantity>(r#"{"min": "750 W", "max": "600 W"}"#)
        .map_err(|e| e.to_string());
    assert!(error.is_err_and(|e| e.contains("min 750 W is above max 600 W")));
    let error = serde_json::from_str::<Quantity>("true").map_err(|e| e.to_string());
    assert!(
        error.as_ref().is_err_and(|e| e.contains(
            "expected a number followed by a unit (e.g. \"433196 kWh\"), a plain number, or a \
             table with `value` and `unit`"
        )),
        "{error:?}"
    );
    let error = serde_json::from_str::<Quantity>(r#"{"value": 1, "unit": "kwh"}"#)
        .map_err(|e| e.to_string());
    assert!(error.is_err_and(|e| e.starts_with("`1 kwh`: unknown unit `kwh`")));
    let error = serde_json::from_str::<Quantity>(r#"{"unit": "kWh"}"#).map_err(|e| e.to_string());
    assert!(error.is_err_and(|e| e.starts_with("missing field `value`")));
}

#[test]
fn into_deserializer_keeps_working() {
    // A string through serde's value deserializer (as other formats hand it over).
    let de: serde::de::value::StrDeserializer<'_, ValueError> = "700 W ± 10 %".into_deserializer();
    let parsed: UncertainQuantity =
        serde::Deserialize::deserialize(de).unwrap_or_else(|e: ValueError| panic!("{e}"));
    assert_eq!(nominal(&parsed), "700 W");
}

#[test]
fn draw_ratios_draws_what_draw_ratio_draws() {
    // The batch form must not change a single draw: reports are reproducible from the seed.
    for d in [
        Distribution::Lognormal { gsd: 1.3 },
        Distribution::Normal { sd: 10.0 },
        Distribution::Triangular {
            min: 80.0,
            max: 130.0,
        },
        Distribution::Uniform {
            min: 90.0,
            max: 110.0,
        },
    ] {
        let stream = |seed: u64| {
            let mut state = seed;
            move || {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                (state >> 11) as f64 / (1u64 << 53) as f64
            }
        };
        let (mut z1, mut u1) = (stream(1), stream(2));
        let one: Vec<f64> = (0..50)
            .map(|_| d.draw_ratio(100.0, &mut || z1() * 4.0 - 2.0, &mut u1))
            .collect();
        let (mut z2, mut u2) = (stream(1), stream(2));
        let mut batch = vec![0.0; 50];
        d.draw_ratios(100.0, &mut || z2() * 4.0 - 2.0, &mut u2, &mut batch);
        assert_eq!(one, batch, "{d:?}");
    }
}

#[test]
fn written_reads_as_a_quantity_reads_but_keeps_plain_numbers() {
    // Every form and every error as `Quantity`, from JSON and from TOML (which has `inf`).
    let json = [
        "8",
        "-3",
        "0.42",
        "1e300",
        r#""40 %""#,
        r#""700 W ± 10 %""#,
        r#"{"value": 2, "unit": "kWh"}"#,
        r#"{"min": "600 W", "mode": "700 W", "max": "750 W"}"#,
        "true",
        "[1]",
        "null",
        r#""kWh""#,
        r#"{"value": 1, "unit": "kwh"}"#,
        r#"{"unit": "kWh"}"#,
    ];
    for text in json {
        let quantity = serde_json::from_str::<Quantity>(text).map_err(|e| e.to_string());
        let written = serde_json::from_str::<Written>(text).map_err(|e| e.to_string());
        match (&quantity, &written) {
            (Ok(q), Ok(Written::Number(n))) => {
                assert!(q.unit().symbol().is_empty(), "{text}");
                assert_eq!(q.value().to_bits(), n.to_bits(), "{text}");
            }
            (Ok(q), Ok(Written::Quantity(w))) => assert_eq!(q, w, "{text}"),
            (Err(a), Err(b)) => assert_eq!(a, b, "{text}"),
            _ => panic!("{text}: {quantity:?} against {written:?}"),
        }
    }
    #[derive(Debug, serde::Deserialize)]
    struct Doc<T> {
        #[allow(dead_code, reason = "read for its error")]
        x: T,
    }
    for text in ["x = inf", "x = nan", "x = 7", "x = \"7 GPU\""] {
        let quantity = toml::from_str::<Doc<Quantity>>(text).map(|d| d.x.to_string());
        let written = toml::from_str::<Doc<Written>>(text).map(|d| match d.x {
            Written::Number(n) => n.to_string(),
            Written::Quantity(q) => q.to_string(),
        });
        assert_eq!(
            quantity.map_err(|e| e.to_string()),
            written.map_err(|e| e.to_string()),
            "{text}"
        );
    }
    assert_eq!(
        serde_json::from_str::<Written>("8").ok(),
        Some(Written::Number(8.0))
    );
}

//! A value repeated in an error is clipped: a unit of megabytes gives a message of a few
//! hundred bytes, not megabytes.

use bilan_units::Quantity;

const MB: usize = 1 << 20;

fn long_message(text: &str) -> String {
    Quantity::parse(text).expect_err("refused").to_string()
}

#[test]
fn a_50_mb_unit_gives_a_short_message() {
    let message = long_message(&format!("1 {}", "x".repeat(50 * MB)));
    assert!(
        message.len() < 400,
        "{} bytes: {:.200}",
        message.len(),
        message
    );
    let unit = "x".repeat(MB);
    for text in [
        format!("1 {unit}"),
        format!("{unit} kWh"),
        format!("1,000 {unit}"),
        format!("1 {unit}FLOPS"),
        format!("1 kWh/{unit}"),
    ] {
        let message = long_message(&text);
        assert!(
            message.len() < 600,
            "{} bytes: {:.200}",
            message.len(),
            message
        );
        assert!(message.contains('…'), "{message}");
    }
}

#[test]
fn number_errors_are_clipped_too() {
    let digits = "1".repeat(MB);
    for text in [
        format!("{digits} kWh"),
        format!("{digits}x,y"),
        "z".repeat(MB),
    ] {
        let message = long_message(&text);
        assert!(
            message.len() < 600,
            "{} bytes: {:.200}",
            message.len(),
            message
        );
    }
}

#[test]
fn an_unknown_field_of_a_quantity_table_is_clipped() {
    let key = "k".repeat(MB);
    let json = format!("{{\"value\": 1, \"{key}\": 2}}");
    let e = serde_json::from_str::<Quantity>(&json)
        .expect_err("refused")
        .to_string();
    assert!(e.len() < 400, "{} bytes", e.len());
}

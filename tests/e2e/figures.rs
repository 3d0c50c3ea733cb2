//! Figure paths reach every split a published breakdown uses: aspects of every item, and
//! one aspect of one item.

use crate::support::{bilan, root};

fn mistral() -> String {
    root()
        .join("examples/mistral-large-2-illustrative.toml")
        .display()
        .to_string()
}

#[test]
fn aspects_are_addressable_in_every_explain_format() {
    let inv = mistral();
    let out = bilan(&[
        "explain",
        &inv,
        "-m",
        "ademe-lca",
        "--figure",
        "gwp.item.h100-training@host-embodied",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("the sum of 1 contribution:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("fleet `h100-training` · host-embodied"),
        "{}",
        out.stdout
    );

    // Accelerator and server embodied add up to the fleet's figure.
    let value = |figure: &str| -> f64 {
        let out = bilan(&[
            "explain",
            &inv,
            "-m",
            "ademe-lca",
            "--figure",
            figure,
            "-f",
            "json",
        ]);
        assert_eq!(out.code, 0, "{figure}: {}", out.stderr);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        json["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("{figure}: {json}"))
    };
    let fleet = value("gwp.item.h100-training");
    let parts =
        value("gwp.item.h100-training@embodied") + value("gwp.item.h100-training@host-embodied");
    assert!((fleet - parts).abs() <= 1e-9 * fleet, "{fleet} vs {parts}");
    // Dynamic and idle energy are apart.
    assert!(value("gwp.aspect.idle-electricity") > 0.0);
    assert!(value("gwp.aspect.electricity") > value("gwp.aspect.idle-electricity"));

    let out = bilan(&[
        "explain",
        &inv,
        "-m",
        "ademe-lca",
        "--figure",
        "gwp.aspect.gpu",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown aspect `gpu`"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_id_may_not_hold_the_aspect_separator() {
    let text = std::fs::read_to_string(mistral()).expect("example");
    let dir = crate::support::scratch_dir("figures-at");
    let path = dir.join("at.toml");
    std::fs::write(
        &path,
        text.replacen("id = \"pretrain\"", "id = \"pre@train\"", 1),
    )
    .expect("write");
    let out = bilan(&["validate", &path.display().to_string()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("`pre@train` holds `@`"),
        "{}",
        out.stderr
    );
}

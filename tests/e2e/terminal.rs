//! The default `bilan compare` table, as a terminal shows it: within 100 columns whatever
//! the number of methods, the divergence against one baseline method.

use crate::support::{bilan, builtin_ids, examples, settings};

#[test]
fn the_default_compare_of_every_example_fits_100_columns() {
    for name in examples() {
        let out = bilan(&["compare", &format!("examples/{name}.toml")]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        for line in out.stdout.lines() {
            assert!(
                line.chars().count() <= 100,
                "{name}: {} columns: {line}",
                line.chars().count()
            );
        }
        settings().bind(|| insta::assert_snapshot!(format!("compare-table@{name}"), out.stdout));
    }
}

#[test]
fn the_table_shows_the_divergence_from_the_baseline_and_markdown_every_pair() {
    let ids = builtin_ids();
    let (first, second) = (&ids[0], &ids[1]);
    let table = bilan(&["compare", "examples/llama-3.1.toml"]);
    assert!(table.stdout.contains(&format!("divergence from {first}")));
    assert!(
        !table.stdout.contains(" → "),
        "no pairwise rows in the table"
    );
    let baseline = bilan(&["compare", "examples/llama-3.1.toml", "--baseline", second]);
    assert_eq!(baseline.code, 0, "{}", baseline.stderr);
    assert!(
        baseline
            .stdout
            .contains(&format!("divergence from {second}"))
    );
    assert!(
        baseline
            .stdout
            .lines()
            .any(|l| l.starts_with(&format!("| {first} "))),
        "the first method is compared with the baseline, reversed"
    );
    // ghg-protocol expenses no capital goods this year: 183.9 t CO2e below ademe-lca, so
    // ademe-lca is as much above it.
    let row = |text: &str, id: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(&format!("| {id} ")) && l.contains("capital-goods"))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row(&table.stdout, second).contains("| -183.9 t CO2e |"),
        "{}",
        table.stdout
    );
    assert!(
        row(&baseline.stdout, first).contains("| 183.9 t CO2e |"),
        "{}",
        baseline.stdout
    );
    let md = bilan(&[
        "compare",
        "examples/llama-3.1.toml",
        "--baseline",
        second,
        "-f",
        "md",
    ]);
    assert!(
        md.stdout.contains(&format!("{first} → {second}")),
        "every pair in md"
    );
    let systems = bilan(&[
        "compare",
        "examples/llama-3.1.toml",
        "examples/llama-2.toml",
        "--baseline",
        first,
    ]);
    assert_eq!(systems.code, 2);
    assert!(
        systems
            .stderr
            .contains("--baseline compares methods on one inventory")
    );
    let wrong = bilan(&["compare", "examples/llama-3.1.toml", "--baseline", "nope"]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong
            .stderr
            .contains("`nope` is not one of the methods compared"),
        "{}",
        wrong.stderr
    );
}

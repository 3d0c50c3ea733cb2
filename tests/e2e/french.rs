//! `bilan compare --lang fr`: every example's comparison in French as table, md and html,
//! the same figures as in English written the French way, and JSON and CSV unchanged.

use crate::support::{bilan, examples, html_lines, settings};

#[test]
fn every_example_compares_in_french_as_table_md_and_html() {
    for name in examples() {
        let path = format!("examples/{name}.toml");
        let table = bilan(&["compare", &path, "--lang", "fr"]);
        assert_eq!(table.code, 0, "{name}: {}", table.stderr);
        assert!(table.stderr.is_empty(), "{name}: {}", table.stderr);
        for line in table.stdout.lines() {
            let width = line.chars().count();
            assert!(width <= 100, "{name}: {width} columns: {line}");
        }
        let md = bilan(&["compare", &path, "--lang", "fr", "-f", "md"]);
        assert_eq!(md.code, 0, "{name}: {}", md.stderr);
        let html = bilan(&[
            "compare", &path, "--lang", "fr", "-f", "html", "--trail", "summary",
        ]);
        assert_eq!(html.code, 0, "{name}: {}", html.stderr);
        assert!(html.stdout.starts_with("<!doctype html><html lang=\"fr\">"));
        settings().bind(|| {
            insta::assert_snapshot!(format!("compare-fr-table@{name}"), table.stdout);
            insta::assert_snapshot!(format!("compare-fr-md@{name}"), md.stdout);
            insta::assert_snapshot!(format!("compare-fr-html@{name}"), html_lines(&html.stdout));
        });
    }
}

/// The cells of every Markdown table row of `md`, in order.
fn cells(md: &str) -> Vec<String> {
    md.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|-"))
        .flat_map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_owned()))
        .collect()
}

/// The units an amount is shown in, a share's `%`, and none (a count).
const UNITS: [&str; 24] = [
    "Mt CO2e",
    "kt CO2e",
    "t CO2e",
    "kg CO2e",
    "g CO2e",
    "mg CO2e",
    "m3",
    "L",
    "mL",
    "kg Sb eq",
    "g Sb eq",
    "mg Sb eq",
    "µg Sb eq",
    "TJ",
    "GJ",
    "MJ",
    "kJ",
    "TWh",
    "GWh",
    "MWh",
    "kWh",
    "Wh",
    "%",
    "",
];

/// An English amount, share or count (`11.57 kt CO2e`, `89.7 %`, `96,070 m3`) as French
/// writes it; `None` for a cell that is not a number.
fn in_french(english: &str) -> Option<String> {
    let starts_numeric = english
        .trim_start_matches('-')
        .starts_with(|c: char| c.is_ascii_digit());
    if !starts_numeric {
        return None;
    }
    let (number, unit) = english.split_once(' ').unwrap_or((english, ""));
    if !UNITS.contains(&unit) {
        return None;
    }
    // A version (`1.0.0`) is not a number.
    if !number
        .chars()
        .all(|c| c.is_ascii_digit() || ",.-e".contains(c))
        || number.matches('.').count() > 1
    {
        return None;
    }
    let number: String = number
        .chars()
        .map(|c| match c {
            ',' => '\u{202F}',
            '.' => ',',
            c => c,
        })
        .collect();
    Some(match unit {
        "" => number,
        "%" => format!("{number}\u{202F}%"),
        unit => format!("{number}\u{A0}{unit}"),
    })
}

#[test]
fn french_tables_hold_the_english_figures_written_the_french_way() {
    for name in examples() {
        let path = format!("examples/{name}.toml");
        let en = cells(&bilan(&["compare", &path, "-f", "md"]).stdout);
        let fr = cells(&bilan(&["compare", &path, "--lang", "fr", "-f", "md"]).stdout);
        assert_eq!(en.len(), fr.len(), "{name}: the same tables, cell for cell");
        let mut numbers = 0;
        for (e, f) in en.iter().zip(&fr) {
            if let Some(french) = in_french(e) {
                assert_eq!(f, &french, "{name}: {e}");
                numbers += 1;
            }
        }
        assert!(numbers > 50, "{name}: only {numbers} figures compared");
        assert!(
            fr.iter().any(|c| c.contains('\u{A0}')),
            "{name}: a French amount keeps its unit on the same line"
        );
    }
}

#[test]
fn json_and_csv_stay_english_whatever_the_language() {
    let path = "examples/llama-3.1.toml";
    for format in ["json", "csv"] {
        let en = bilan(&["compare", path, "-f", format]);
        let fr = bilan(&["compare", path, "-f", format, "--lang", "fr"]);
        assert_eq!(fr.code, 0, "{}", fr.stderr);
        assert_eq!(
            en.stdout, fr.stdout,
            "{format}: keys, figure paths and numbers unchanged"
        );
    }
}

#[test]
fn french_uses_the_beges_scope_2_terms_and_french_headings() {
    let md = bilan(&[
        "compare",
        "examples/llama-3.1.toml",
        "--lang",
        "fr",
        "-f",
        "md",
    ])
    .stdout;
    for expected in [
        "# Comparaison — ",
        "période de déclaration\u{A0}: du 2024-01-01 au 2024-12-31",
        "changement climatique – émissions de GES",
        "scope 2 – méthode fondée sur la localisation",
        "scope 2 – méthode fondée sur le marché",
        "épuisement des ressources abiotiques – minéraux et métaux",
        "| méthode ",
        "## Facteurs d’écart",
        "## Rapprochement",
        "## Reproductibilité",
        "- méthode ademe-lca 1.0.0 (intégrée)",
        "immobilisations",
    ] {
        assert!(md.contains(expected), "{expected}\n{md}");
    }
    // Labels only: the methods' own texts (rules, assumptions) are shown as they wrote them.
    for english in [
        "Comparison",
        "\nreporting period",
        "| method ",
        "## Drivers",
        "(built in)",
    ] {
        assert!(!md.contains(english), "{english} left in English");
    }
}

#[test]
fn a_language_bilan_cannot_write_is_refused() {
    let out = bilan(&["compare", "examples/llama-3.1.toml", "--lang", "de"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("'de'") && out.stderr.contains("en, fr"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_league_table_of_every_example_is_french_too() {
    let mut args = vec!["compare".to_owned()];
    args.extend(examples().iter().map(|n| format!("examples/{n}.toml")));
    args.extend(["--lang", "fr", "-f"].map(str::to_owned));
    let run = |format: &str| {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.push(format);
        let out = bilan(&a);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stderr.is_empty(), "{}", out.stderr);
        out.stdout
    };
    let (md, html) = (run("md"), run("html"));
    assert!(html.starts_with("<!doctype html><html lang=\"fr\">"));
    for text in [&md, &html] {
        for french in [
            "Systèmes comparés — 7 systèmes",
            "(référence)",
            "par rapport à la référence",
        ] {
            assert!(text.contains(french), "{french}");
        }
        for english in [
            "Systems compared",
            "(baseline)",
            "vs baseline",
            "reporting period",
        ] {
            assert!(!text.contains(english), "{english} left in English");
        }
    }
    settings().bind(|| insta::assert_snapshot!("systems-fr-md", md));
}

#[test]
fn the_uncertainty_sections_are_french_too() {
    let path = "examples/mistral-large-2-illustrative.toml";
    let args = [
        "compare",
        path,
        "--lang",
        "fr",
        "--uncertainty",
        "mc",
        "--iterations",
        "500",
    ];
    let table = bilan(&args);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stderr.is_empty(), "{}", table.stderr);
    for line in table.stdout.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    let md = bilan(&[&args[..], &["-f", "md"]].concat());
    let html = bilan(&[&args[..], &["-f", "html", "--trail", "none"]].concat());
    assert!(md.stdout.contains("### Données d’entrée incertaines"));
    assert!(html.stdout.contains("données incertaines (dont "));
    for text in [&md.stdout, &html.stdout] {
        for french in [
            "Incertitude",
            "intervalle à 95\u{202F}%",
            "Monte-Carlo, 500 itérations",
        ] {
            assert!(text.contains(french), "{french}");
        }
        for english in [
            "Uncertain inputs",
            "point value",
            "Monte Carlo",
            "iterations",
        ] {
            assert!(!text.contains(english), "{english} left in English");
        }
    }
}

//! `--uncertainty`: intervals in every format on every example (snapshotted with a fixed
//! seed), the analytic estimate against Monte Carlo and a closed form, determinism whatever
//! the number of threads, drivers whose interval spans zero, and bad distributions.

use crate::support::{bilan, examples, root, settings};

const PRODUCT: &str = "tests/fixtures/uncertainty/product.toml";
const PRODUCT_FACTORS: &str = "tests/fixtures/uncertainty/product-factors.toml";

fn json(args: &[&str]) -> serde_json::Value {
    let out = bilan(args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("valid JSON")
}

/// The interval of `figure` under `method` in an uncertainty report.
fn interval(u: &serde_json::Value, method: &str, figure: &str) -> serde_json::Value {
    u["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["method"] == method && f["figure"] == figure)
        .unwrap_or_else(|| panic!("no {figure} for {method}"))["interval"]
        .clone()
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().expect("a number")
}

/// A copy of a repository file with edits, in a scratch directory removed when dropped.
struct Edited {
    dir: std::path::PathBuf,
    path: String,
}

impl Drop for Edited {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `from` with every `(old, new)` of `edits` replaced (each must occur), written as `name`.
fn edited(name: &str, from: &str, edits: &[(&str, &str)]) -> Edited {
    let dir = crate::support::scratch_dir(&format!("uncertain-{name}"));
    let mut text = std::fs::read_to_string(root().join(from)).expect("repository file");
    for (old, new) in edits {
        assert!(text.contains(old), "{from} has `{old}`");
        text = text.replace(old, new);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    let path = path.to_str().expect("utf-8").to_owned();
    Edited { dir, path }
}

/// `compare -m ademe-lca --uncertainty analytic` of `path`, as JSON.
fn ademe_analytic(path: &str) -> serde_json::Value {
    json(&[
        "compare",
        path,
        "-m",
        "ademe-lca",
        "-f",
        "json",
        "--uncertainty",
        "analytic",
    ])
}

/// The parts of the HTML page the propagation adds: the overview section, each indicator's
/// uncertainty part (intervals, histograms, tornado charts, differences, drivers) and the
/// whiskers of its bars.
fn html_parts(html: &str) -> String {
    let mut out = String::new();
    if let Some(start) = html.find("<section id=\"uncertainty\">") {
        let end = html[start..]
            .find("</section>")
            .map_or(html.len(), |e| start + e + "</section>".len());
        out.push_str(&html[start..end]);
        out.push('\n');
    }
    let mut rest = html;
    while let Some(start) = rest.find("<h3>Uncertainty") {
        let part = &rest[start..];
        let end = part.find("<h3>Divergence by driver").unwrap_or(part.len());
        out.push_str(&part[..end]);
        out.push('\n');
        rest = &part[end..];
    }
    let mut rest = html;
    while let Some(start) = rest.find("<g class=\"whisker\"") {
        let part = &rest[start..];
        let end = part.find("</g>").map_or(part.len(), |e| e + "</g>".len());
        out.push_str(&part[..end]);
        out.push('\n');
        rest = &part[end..];
    }
    out
}

const MC: [&str; 6] = ["--uncertainty", "mc", "--iterations", "2000", "--seed", "7"];

#[test]
fn every_example_has_intervals_in_every_format() {
    for name in examples() {
        let inventory = format!("examples/{name}.toml");
        let run = |format: &str| {
            let mut args = vec!["compare", inventory.as_str(), "-f", format];
            args.extend(MC);
            let out = bilan(&args);
            assert_eq!(out.code, 0, "{name} {format}: {}", out.stderr);
            out.stdout
        };
        let md = run("md");
        let start = md
            .find("\n## Uncertainty")
            .expect("an uncertainty section in Markdown");
        let end = md
            .find("\n## Reproducibility")
            .expect("reproducibility last");
        let csv = run("csv");
        let first = csv
            .find("\nuncertainty,")
            .expect("CSV rows of the uncertainty after the others");
        let table = run("table");
        let table_start = table
            .find("\nUncertainty\n")
            .expect("an uncertainty section in the table");
        let table_end = table
            .find("\nReproducibility")
            .expect("reproducibility last");
        let html = run("html");
        assert!(
            html.contains("class=\"whisker\""),
            "{name}: whiskers on the bars"
        );
        assert!(
            html.contains("class=\"chart histogram\""),
            "{name}: a histogram per total"
        );
        assert!(
            html.contains("class=\"chart tornado\""),
            "{name}: a tornado chart"
        );
        let v: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
        let u = &v["comparison"]["uncertainty"];
        assert_eq!(u["propagation"], "monte-carlo");
        settings().bind(|| {
            insta::assert_snapshot!(format!("uncertainty-md@{name}"), &md[start..end]);
            insta::assert_snapshot!(format!("uncertainty-csv@{name}"), &csv[first + 1..]);
            insta::assert_json_snapshot!(format!("uncertainty-json@{name}"), u);
            insta::assert_snapshot!(
                format!("uncertainty-table@{name}"),
                &table[table_start..table_end]
            );
            insta::assert_snapshot!(format!("uncertainty-html@{name}"), html_parts(&html));
        });
    }
}

#[test]
fn without_the_flag_reports_have_no_uncertainty() {
    let v = json(&["compare", "examples/llama-3.1.toml", "-f", "json"]);
    assert!(v["comparison"].get("uncertainty").is_none());
}

#[test]
fn analytic_is_exact_and_monte_carlo_close_on_a_product_of_lognormals() {
    // gwp = E × PUE × F_grid, three lognormals: ln gwp is normal.
    let sigma = (1.3f64.ln().powi(2) + 1.1f64.ln().powi(2) + 1.2f64.ln().powi(2)).sqrt();
    let median = 100_000.0 * 1.2 * 0.05;
    let z = 1.959_963_984_540_054;
    let (low, high) = (median * (-z * sigma).exp(), median * (z * sigma).exp());
    let mean = median * (sigma * sigma / 2.0).exp();
    let base = [
        "assess",
        PRODUCT,
        "--factors",
        PRODUCT_FACTORS,
        "-m",
        "ademe-lca",
        "-f",
        "json",
    ];
    let mut args = base.to_vec();
    args.extend(["--uncertainty", "analytic"]);
    let a = interval(&json(&args)["uncertainty"], "ademe-lca", "gwp.stage.use");
    let close = |x: f64, y: f64, tol: f64| (x - y).abs() <= tol * y.abs();
    assert!(close(num(&a["median"]), median, 1e-12), "{a}");
    assert!(close(num(&a["low"]), low, 1e-9), "{a} vs {low}");
    assert!(close(num(&a["high"]), high, 1e-9), "{a} vs {high}");
    assert!(close(num(&a["mean"]), mean, 1e-9), "{a} vs {mean}");
    let mut args = base.to_vec();
    args.extend([
        "--uncertainty",
        "mc",
        "--iterations",
        "40000",
        "--seed",
        "3",
    ]);
    let m = interval(&json(&args)["uncertainty"], "ademe-lca", "gwp.stage.use");
    assert!(close(num(&m["median"]), median, 0.01), "{m} vs {median}");
    assert!(close(num(&m["mean"]), mean, 0.01), "{m} vs {mean}");
    assert!(close(num(&m["low"]), low, 0.03), "{m} vs {low}");
    assert!(close(num(&m["high"]), high, 0.03), "{m} vs {high}");
}

#[test]
fn the_same_seed_gives_the_same_report_whatever_the_threads() {
    let args = [
        "compare",
        "examples/mistral-large-2-illustrative.toml",
        "-f",
        "json",
        "--uncertainty",
        "mc",
        "--iterations",
        "3000",
        "--seed",
        "11",
    ];
    let run_on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        pool.install(|| bilan(&args).stdout)
    };
    let one = run_on(1);
    assert!(one.contains("\"uncertainty\""));
    assert_eq!(one, run_on(3), "1 thread and 3 threads differ");
    let mut other = args;
    other[9] = "12";
    assert_ne!(one, bilan(&other).stdout, "another seed gives other draws");
}

#[test]
fn a_driver_whose_interval_spans_zero_is_marked() {
    // ademe-lca and a methodology that differs from it only by its choice of hardware factor
    // (vendor PCF or parametric model, 10 % apart): with very uncertain factors the
    // factor-choice driver may be either sign; with precise ones it is clearly positive.
    let run = |factors: &str, format: &str| {
        bilan(&[
            "compare",
            "tests/fixtures/uncertainty/choice.toml",
            "--method-file",
            "tests/fixtures/uncertainty/choice-method.toml",
            "--factors",
            factors,
            "-m",
            "ademe-lca",
            "-m",
            "parametric-lca",
            "-f",
            format,
            "--uncertainty",
            "mc",
            "--iterations",
            "4000",
        ])
    };
    let driver = |factors: &str| -> serde_json::Value {
        let out = run(factors, "json");
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        v["comparison"]["uncertainty"]["drivers"]
            .as_array()
            .expect("drivers")
            .iter()
            .find(|d| d["indicator"] == "gwp" && d["driver"] == "factor-choice")
            .expect("a factor-choice driver")
            .clone()
    };
    let wide = driver("tests/fixtures/uncertainty/choice-wide.toml");
    assert!(num(&wide["nominal"]) > 0.0, "{wide}");
    assert_eq!(wide["spans-zero"], true, "{wide}");
    let narrow = driver("tests/fixtures/uncertainty/choice-narrow.toml");
    assert_eq!(narrow["spans-zero"], false, "{narrow}");
    let md = run("tests/fixtures/uncertainty/choice-wide.toml", "md");
    assert!(md.stdout.contains("spans 0"), "{}", md.stdout);
    let md = run("tests/fixtures/uncertainty/choice-narrow.toml", "md");
    assert!(!md.stdout.contains("spans 0"), "{}", md.stdout);
}

#[test]
fn a_bad_distribution_is_a_located_error() {
    let bad = edited("bad.toml", PRODUCT, &[("gsd = 1.1", "gsd = 0.5")]);
    let out = bilan(&["validate", &bad.path]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("bad.toml:14"), "{}", out.stderr);
    assert!(out.stderr.contains("site[0].pue"), "{}", out.stderr);
    assert!(out.stderr.contains("gsd"), "{}", out.stderr);
}

#[test]
fn explain_gives_an_item_its_interval_and_its_uncertain_inputs() {
    let out = bilan(&[
        "explain",
        PRODUCT,
        "--factors",
        PRODUCT_FACTORS,
        "-m",
        "ademe-lca",
        "--figure",
        "gwp.item.serve",
        "--uncertainty",
        "analytic",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for input in [
        "workload[serve].energy",
        "site[dc].pue",
        "factor:test-fr-grid-lognormal",
    ] {
        assert!(out.stdout.contains(input), "{input} in {}", out.stdout);
    }
}

#[test]
fn a_p95_headline_is_reported_as_such() {
    let v = json(&[
        "compare",
        "examples/mistral-large-2-illustrative.toml",
        "-m",
        "conservative-auditor",
        "-f",
        "json",
        "--uncertainty",
        "analytic",
    ]);
    let u = &v["comparison"]["uncertainty"];
    let headline = u["headlines"]
        .as_array()
        .expect("headlines")
        .iter()
        .find(|h| h["indicator"] == "gwp")
        .expect("a gwp headline")
        .clone();
    assert_eq!(headline["policy"], "p95");
    let total = interval(u, "conservative-auditor", "gwp.total");
    assert_eq!(headline["value"], total["p95"]);
}

#[test]
fn an_impact_given_with_its_source_carries_its_uncertainty() {
    // `impacts.gwp = { value = "…", source = "…" }`: the uncertainty is on `value`, the trail
    // names the impact.
    let file = edited(
        "building.toml",
        "examples/mistral-large-2-illustrative.toml",
        &[(
            "impacts.gwp = { value = \"12000 t CO2e\",",
            "impacts.gwp = { value = \"12000 t CO2e ± 30 %\",",
        )],
    );
    let v = ademe_analytic(&file.path);
    let u = &v["comparison"]["uncertainty"];
    let building = interval(u, "ademe-lca", "gwp.stage.infrastructure");
    assert!(
        num(&building["high"]) > num(&building["low"]) * 1.5,
        "{building}"
    );
}

#[test]
fn explain_of_an_aggregate_figure_ranks_it_once() {
    // A per-unit or total figure is the slot already compiled: one row, ranked inputs.
    for figure in ["gwp.total", "gwp.stage.use"] {
        let out = bilan(&[
            "explain",
            PRODUCT,
            "--factors",
            PRODUCT_FACTORS,
            "-m",
            "ademe-lca",
            "--figure",
            figure,
            "--uncertainty",
            "analytic",
            "-f",
            "json",
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        let u = &v["uncertainty"];
        assert_eq!(
            u["figures"].as_array().map(Vec::len),
            Some(1),
            "{figure}: {u}"
        );
        assert_eq!(
            u["sensitivity"].as_array().map(Vec::len),
            Some(1),
            "{figure}: {u}"
        );
        let ranked = u["sensitivity"][0]["inputs"].as_array().map(Vec::len);
        assert_eq!(ranked, Some(3), "{figure}: energy, PUE and grid factor");
    }
}

#[test]
fn an_uncertain_input_that_reaches_no_figure_is_named() {
    // The site gives its PUE, so the default PUE enters no figure: it is named, not dropped.
    let v = json(&[
        "assess",
        PRODUCT,
        "--factors",
        PRODUCT_FACTORS,
        "-m",
        "ademe-lca",
        "-p",
        "default-pue=1.5 ± 0.2",
        "-f",
        "json",
        "--uncertainty",
        "analytic",
    ]);
    let notes = v["uncertainty"]["notes"].to_string();
    assert!(
        notes.contains("parameter:default-pue reaches no figure"),
        "{notes}"
    );
}

#[test]
fn a_building_share_and_servers_per_host_can_be_uncertain() {
    let share = edited(
        "share.toml",
        "examples/mistral-large-2-illustrative.toml",
        &[
            ("share = 0.15", "share = \"0.15 ± 0.05\""),
            ("devices-per-host = 8 }", "devices-per-host = \"8 ± 1\" }"),
        ],
    );
    let v = ademe_analytic(&share.path);
    let keys = v["comparison"]["uncertainty"]["inputs"].to_string();
    for key in [
        "building[eu-dc-building].share",
        "fleet[h100-training].host.devices-per-host",
    ] {
        assert!(keys.contains(key), "{key} in {keys}");
    }
}

#[test]
fn more_iterations_than_memory_allows_are_refused_before_any_draw() {
    let out = bilan(&[
        "compare",
        "examples/mistral-large-2-illustrative.toml",
        "--uncertainty",
        "mc",
        "--iterations",
        "10000000",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("iterations fit in 2 GiB"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_spread_beyond_the_range_of_f64_is_refused_by_both_propagations() {
    // sd² = 1e320 MWh² overflows: propagated, it would be no spread at all, and the
    // interval that of a certain energy.
    let wide = edited(
        "wide.toml",
        PRODUCT,
        &[(
            "energy = { median = \"100 MWh\", gsd = 1.3 }",
            "energy = { mean = \"100 MWh\", sd = \"1e160 MWh\" }",
        )],
    );
    for mode in ["analytic", "mc"] {
        let out = bilan(&[
            "compare",
            &wide.path,
            "--factors",
            PRODUCT_FACTORS,
            "-m",
            "ademe-lca",
            "-f",
            "csv",
            "--uncertainty",
            mode,
        ]);
        assert_eq!(out.code, 2, "{mode}: {}", out.stderr);
        assert!(
            out.stderr.contains("workload[serve].energy (")
                && out.stderr.contains("too large to propagate"),
            "{mode}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{mode}: {}", out.stdout);
    }
    // Just within range, the interval is computed, and as wide as the spread.
    let within = edited(
        "within.toml",
        PRODUCT,
        &[(
            "energy = { median = \"100 MWh\", gsd = 1.3 }",
            "energy = { mean = \"100 MWh\", sd = \"1e150 MWh\" }",
        )],
    );
    let v = json(&[
        "compare",
        &within.path,
        "--factors",
        PRODUCT_FACTORS,
        "-m",
        "ademe-lca",
        "-f",
        "json",
        "--uncertainty",
        "analytic",
    ]);
    let high = num(&interval(&v["comparison"]["uncertainty"], "ademe-lca", "gwp.total")["high"]);
    assert!(high > 1e100 && high.is_finite(), "{high}");
}

#[test]
fn an_estimator_input_with_a_spread_beyond_range_in_its_unit_widens_the_interval() {
    // N from 1e9 to 1e160: its variance overflows in the value's unit, and the estimate
    // once carried it as no spread at all, so the interval read as if N were certain.
    let base = ademe_analytic("examples/estimated-open-model.toml");
    let wide = edited(
        "wide-n.toml",
        "examples/estimated-open-model.toml",
        &[(
            "active-parameters = 70e9\nprecision",
            "active-parameters = { min = 1e9, mode = 70e9, max = 1e160 }\nprecision",
        )],
    );
    let wide = ademe_analytic(&wide.path);
    let high = |u: &serde_json::Value| {
        num(&interval(
            &u["comparison"]["uncertainty"],
            "ademe-lca",
            "gwp.phase.training",
        )["high"])
    };
    assert!(
        high(&wide) > 1.5 * high(&base),
        "{} vs {}",
        high(&wide),
        high(&base)
    );
}

#[test]
fn an_estimator_input_whose_spread_is_beyond_range_even_as_a_ratio_is_refused() {
    // Up to 1.7e308 parameters around 70e9: the variance is `inf − inf` even on the ratio,
    // which `f64::max` once turned into 0, so the estimate read as certain.
    let wide = edited(
        "nan-n.toml",
        "examples/estimated-open-model.toml",
        &[(
            "active-parameters = 70e9\nprecision",
            "active-parameters = { min = 1e9, mode = 70e9, max = 1.7e308 }\nprecision",
        )],
    );
    let out = bilan(&["validate", &wide.path]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "workload[0].estimate.active-parameters: triangular 1000000000–1.7e308: its spread is too large to carry into the estimate"
        ),
        "{}",
        out.stderr
    );
}

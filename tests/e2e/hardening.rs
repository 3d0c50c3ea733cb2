//! Careless and hostile inventories (issue: hardening): each class of input that once gave a
//! wrong figure with exit 0 is now refused, warned or computed right. One test per class.

use crate::support::{bilan, refused, root};

/// Writes `from` with `edit` applied under a fresh name; the edit must change the text.
fn edited(name: &str, from: &str, edit: impl Fn(String) -> String) -> String {
    crate::support::edited_file("hardening", from, name, edit)
}

fn llama(name: &str, from: &str, to: &str) -> String {
    edited(name, "examples/llama-3.1.toml", |t| t.replacen(from, to, 1))
}

fn mistral(name: &str, from: &str, to: &str) -> String {
    edited(name, "examples/mistral-large-2-illustrative.toml", |t| {
        t.replacen(from, to, 1)
    })
}

#[track_caller]
fn accepted(path: &str) -> String {
    let out = bilan(&["validate", path]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stderr
}

#[test]
fn a_workload_cannot_use_more_device_hours_than_its_fleet_delivers() {
    let path = llama(
        "over-capacity.toml",
        "device-hours = \"30.84e6 GPU·h\"",
        "device-hours = \"300e6 GPU·h\"",
    );
    refused(
        &path,
        &[
            "workload[2]: workload `pretrain-405b` charges 300,000,000 device-hours to fleet `h100-training`, which can deliver 143,917,056 (16,384 devices × 8,784 h in service within 2024-01-01 to 2024-12-31)",
        ],
    );
}

#[test]
fn a_fleet_cannot_deliver_more_than_its_devices_in_the_time_its_workloads_cover() {
    let path = llama("fleet-over-capacity.toml", "count = 16384", "count = 4000");
    refused(
        &path,
        &[
            "fleet[0]: the 3 workloads on fleet `h100-training` (`pretrain-8b`, `pretrain-70b`, `pretrain-405b`) charge 39,300,000 device-hours in all, but over the 366 days they cover while it is in service its 4,000 devices deliver 35,136,000",
        ],
    );
}

#[test]
fn a_device_count_is_a_whole_number() {
    let path = llama("half-device.toml", "count = 16384", "count = 16384.5");
    refused(
        &path,
        &["fleet[0].count: `16384.5` devices: a number of devices is a whole number"],
    );
}

#[test]
fn a_workload_outside_the_reporting_period_is_refused() {
    let path = llama(
        "outside.toml",
        "fleet = \"h100-training\"\ndevice-hours = \"1.46e6",
        "fleet = \"h100-training\"\nperiod = { start = 2025-02-01, end = 2025-02-28 }\ndevice-hours = \"1.46e6",
    );
    refused(
        &path,
        &[
            "workload[0].period: workload `pretrain-8b` runs 2025-02-01 to 2025-02-28, wholly outside the reporting period 2024-01-01 to 2024-12-31",
        ],
    );
}

#[test]
fn a_workload_straddling_the_period_is_refused_unless_prorated() {
    let straddle = "fleet = \"h100-training\"\nperiod = { start = 2024-12-01, end = 2025-01-30 }\ndevice-hours = \"1.46e6";
    let path = llama(
        "straddle.toml",
        "fleet = \"h100-training\"\ndevice-hours = \"1.46e6",
        straddle,
    );
    refused(
        &path,
        &[
            "workload `pretrain-8b` runs 2024-12-01 to 2025-01-30, of which 30 of 61 days lie outside the reporting period 2024-01-01 to 2024-12-31; split it, or set `outside-period = \"prorate\"`",
        ],
    );
    let prorated = llama(
        "prorated.toml",
        "fleet = \"h100-training\"\ndevice-hours = \"1.46e6",
        &format!("outside-period = \"prorate\"\n{straddle}"),
    );
    accepted(&prorated);
}

#[test]
fn a_fleet_is_used_only_while_in_service() {
    let before = llama(
        "before-acquisition.toml",
        "acquired = 2023-12-01",
        "acquired = 2024-06-01",
    );
    let before = {
        let text = std::fs::read_to_string(&before).expect("read");
        let text = text.replacen(
            "fleet = \"h100-training\"\ndevice-hours = \"1.46e6",
            "fleet = \"h100-training\"\nperiod = { start = 2024-01-01, end = 2024-03-31 }\ndevice-hours = \"1.46e6",
            1,
        );
        std::fs::write(&before, text).expect("write");
        before
    };
    refused(
        &before,
        &[
            "workload `pretrain-8b` starts 2024-01-01 but fleet `h100-training` was acquired 2024-06-01",
        ],
    );
    let after = mistral(
        "after-lifetime.toml",
        "count = 1024\nacquired = 2024-06-01\nlifetime = \"4 years\"",
        "count = 1024\nacquired = 2024-06-01\nlifetime = \"1 year\"",
    );
    refused(
        &after,
        &[
            "workload `inference-18-months` runs until 2026-01-23 but fleet `h100-inference` is in service until 2025-05-31 (acquired 2024-06-01, lifetime 1 yr)",
        ],
    );
}

#[test]
fn two_residual_mixes_for_one_market_and_year_are_refused() {
    let mix = "\n[[residual-mix]]\nregion = \"US\"\nfactor = \"0.45 kgCO2e/kWh\"\nsource = \"a\"\nyear = 2024\n";
    let path = edited("two-mixes.toml", "examples/llama-3.1.toml", |t| {
        format!("{t}{mix}{mix}")
    });
    refused(
        &path,
        &["residual-mix[1]: a second residual mix for US for 2024 (the first is residual-mix[0])"],
    );
}

#[test]
fn ids_and_names_refuse_terminal_controls_and_bidi_overrides() {
    let path = llama(
        "controls.toml",
        "id = \"pretrain-8b\"",
        "id = \"pretrain\\u001b[2J-8b\"",
    );
    refused(
        &path,
        &[
            "workload[0].id: `pretrain\\u{1b}[2J-8b` holds the character U+001B; an id may not contain control characters",
        ],
    );
    let text = std::fs::read_to_string(root().join("examples/llama-3.1.toml")).expect("read");
    let name_line = text
        .lines()
        .find(|l| l.starts_with("name = "))
        .expect("a system name");
    let path = llama("bidi.toml", name_line, "name = \"Llama \\u202Egnp.exe\"");
    refused(
        &path,
        &["system.name:", "U+202E", "bidirectional overrides"],
    );
}

#[test]
fn numbers_are_read_as_people_write_them() {
    let path = mistral(
        "written.toml",
        "utilisation = 0.85",
        "utilisation = \"85 %\"",
    );
    accepted(&path);
    let path = llama(
        "requests.toml",
        "volume = { training-tokens = 15e12 }",
        "volume = { training-tokens = \"15e12 tokens\", flops = \"6.6e24 FLOP\" }",
    );
    accepted(&path);
    let path = mistral(
        "per-server.toml",
        "host = { model = \"gpu-server-8gpu-base\", devices-per-host = 8 }",
        "host = { model = \"gpu-server-8gpu-base\", devices-per-host = 8, embodied.gwp = { value = \"2500 kgCO2e/server\", source = \"vendor\", boundary = \"cradle-to-gate\" } }",
    );
    accepted(&path);
    let path = mistral(
        "bad-fraction.toml",
        "utilisation = 0.85",
        "utilisation = \"85 W\"",
    );
    refused(
        &path,
        &["utilisation", "`85 W` is power, expected a fraction"],
    );
}

#[test]
fn a_huge_id_is_refused_not_laid_out() {
    // A 2 MB id once took minutes to lay out in a table.
    let path = llama(
        "huge-id.toml",
        "id = \"training-run-8b\"",
        &format!("id = \"{}\"", "1".repeat(2_000_000)),
    );
    refused(
        &path,
        &[
            "functional-unit[0].id:",
            "is 2000000 characters long; an id is at most 200",
        ],
    );
}

#[test]
fn values_nested_too_deep_are_refused_before_parsing() {
    // Thousands of nested inline tables once kept the parser busy for minutes.
    let deep = format!("x = {}1{}", "{ a = ".repeat(40_000), " }".repeat(40_000));
    let path = edited("deep.toml", "examples/llama-3.1.toml", |t| {
        format!("{t}\n{deep}\n")
    });
    let out = bilan(&["validate", &path]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("nested more than 64 levels deep") && out.stderr.contains("deep.toml:"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_quantity_beyond_its_base_unit_range_is_refused() {
    let path = mistral(
        "huge-transport.toml",
        "impacts.gwp = { value = \"85 t CO2e\"",
        "impacts.gwp = { value = \"1e308 t CO2e\"",
    );
    refused(
        &path,
        &[
            "transport[0].impacts.gwp.value: `1e308 tCO2e` is out of range: converted to base units (mass) it is beyond the largest 64-bit number",
        ],
    );
}

#[test]
fn a_dotted_key_of_thousands_of_parts_is_refused_before_parsing() {
    // The parser's lexer once held one token per part: gigabytes for megabytes of dots.
    let text = std::fs::read_to_string(root().join("methodologies/conservative-auditor.toml"))
        .expect("methodology");
    let key = vec!["a"; 30_000].join(".");
    let path =
        crate::support::scratch().join(format!("bilan-e2e-dotted-{}.toml", std::process::id()));
    std::fs::write(&path, format!("{text}\n{key} = 1\n")).expect("write");
    let out = bilan(&["methods", "--method-file", &path.display().to_string()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("nested more than 64 levels deep"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_huge_id_is_never_repeated_in_full() {
    // A 2 MB site id, referenced wrongly by every workload, once put megabytes per error
    // on stderr (the list of known sites repeated it in full).
    let text = std::fs::read_to_string(root().join("examples/llama-3.1.toml")).expect("example");
    let long = "s".repeat(2_000_000);
    let edited_text = text
        .replacen(
            "id = \"meta-research-clusters\"",
            &format!("id = \"{long}\""),
            1,
        )
        .replace("site = \"meta-research-clusters\"", "site = \"nowhere\"");
    let path =
        crate::support::scratch().join(format!("bilan-e2e-long-site-{}.toml", std::process::id()));
    std::fs::write(&path, edited_text).expect("write");
    let out = bilan(&["validate", &path.display().to_string()]);
    assert_eq!(out.code, 2, "{}", &out.stderr[..out.stderr.len().min(2000)]);
    assert!(
        out.stderr.len() < 50_000,
        "{} bytes on stderr",
        out.stderr.len()
    );
    assert!(
        out.stderr.contains("unknown site `nowhere`"),
        "{}",
        &out.stderr[..2000]
    );
}

#[test]
fn a_key_written_twice_in_a_json_map_is_an_error_never_the_last_one_silently() {
    // TOML refuses a key written twice; JSON kept the last, so the site's grid read as
    // 1 g/kWh where the file also said 100, with exit 0.
    let dir = crate::support::scratch_dir("twice");
    let inventory = dir.join("twice.json");
    std::fs::write(
        &inventory,
        r#"{
  "schema": 1,
  "system": {"name": "j", "period": {"start": "2024-01-01", "end": "2024-12-31"}},
  "site": [{"id": "s", "region": "FR", "pue": 1.2, "ownership": "owned",
            "electricity": {"gwp": {"value": "100 g/kWh", "source": "a", "boundary": "life-cycle"},
                            "gwp": {"value": "1 g/kWh", "source": "b", "boundary": "life-cycle"}}}],
  "workload": [{"id": "w", "phase": "training", "site": "s", "energy": "5 kWh"}]
}
"#,
    )
    .expect("write");
    let out = bilan(&["validate", &inventory.display().to_string()]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "twice.json:6: site[0].electricity: `gwp` is written twice: give each key once"
        ),
        "{}",
        out.stderr
    );
    let method = dir.join("twice-method.json");
    std::fs::write(
        &method,
        r#"{"schema": 1, "id": "twice", "version": "1.0.0", "name": "twice", "description": "x", "extends": "ademe-lca@^1",
 "parameters": {"default-pue": 3.0, "default-pue": 1.0}}
"#,
    )
    .expect("write");
    let out = bilan(&[
        "compare",
        "examples/llama-3.1.toml",
        "--method-file",
        &method.display().to_string(),
        "-m",
        "twice",
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("parameters: `default-pue` is written twice: give each key once"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bare_number_too_small_for_a_float_is_refused_not_read_as_zero() {
    // TOML reads `15e-400` as 0: the volume would silently be no tokens.
    let path = llama(
        "tiny-volume.toml",
        "training-tokens = 15e12",
        "training-tokens = 15e-400",
    );
    refused(
        &path,
        &[
            "tiny-volume.toml:87:",
            "`15e-400`: the number is too small for a 64-bit float (below about 5e-324): it would read as 0",
        ],
    );
    // A JSON inventory large enough to be read in pieces, one workload's utilisation 0 by
    // underflow (the range check then blamed a `0` the file does not hold).
    let workload = |n: usize, utilisation: &str| {
        format!(
            r#"{{"id": "job-{n:06}", "phase": "training", "site": "dc", "energy": "200 kWh", "devices": 8, "duration": "20 h", "utilisation": {utilisation}}}"#
        )
    };
    let workloads: Vec<String> = (0..8000)
        .map(|n| workload(n, if n == 6000 { "5.9e-999" } else { "0.5" }))
        .collect();
    let text = format!(
        r#"{{"schema": 1, "system": {{"name": "x", "organisation": "o", "period": {{"start": "2025-01-01", "end": "2025-12-31"}}}},
"site": [{{"id": "dc", "region": "FR", "pue": 1.2, "ownership": "owned"}}],
"workload": [
{}
]}}
"#,
        workloads.join(",\n")
    );
    assert!(text.len() > 1 << 20, "large enough to be read in pieces");
    let dir = crate::support::scratch_dir("hardening");
    let large = dir.join("tiny-utilisation.json");
    std::fs::write(&large, &text).expect("write");
    refused(
        &large.display().to_string(),
        &[
            "tiny-utilisation.json:6004:",
            "`5.9e-999`: the number is too small",
        ],
    );
    let accepted_text = text.replace("5.9e-999", "0.5");
    std::fs::write(&large, accepted_text).expect("write");
    accepted(&large.display().to_string());
}

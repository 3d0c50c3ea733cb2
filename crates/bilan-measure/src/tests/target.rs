use std::path::{Path, PathBuf};

use bilan_core::inventory::{Ownership, Phase};
use bilan_core::region::Region;

use crate::record::workload;
use crate::target::{Request, Target, TargetError};

use super::{context, finished};

const LAB: &str = r#"# My lab's inventory.
schema = 1

[system]
name = "lab"   # the lab
period = { start = 2026-01-01, end = 2026-12-31 }

# Our one machine room.
[[site]]
id = "room"
region = "FR"
ownership = "owned"

[[fleet]]
id = "h100s"
model = "nvidia-h100-sxm-80gb"
count = 4
site = "room"

# Fine-tuning last spring.
[[workload]]
id = "ft"
phase = "fine-tuning"
site = "room"
energy = "12 kWh"   # from the bill
"#;

const SHIPPING: &str = r#"
# Shipping, estimated.
[[transport]]
id = "ship"
impacts.gwp = { value = "1 t CO2e", source = "estimate" }
"#;

fn request() -> Request {
    Request {
        workload: None,
        phase: Phase::Training,
        site: None,
        region: None,
        ownership: Ownership::Owned,
        fleet: None,
        gpus: 2,
        now: "2026-06-15T10:00:00Z".parse().expect("a timestamp"),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// The inventory at `path` with the test measurement added as `request` says.
fn render(path: &Path, request: &Request) -> Result<String, TargetError> {
    let target = Target::open(path)?;
    let plan = target.plan(request)?;
    let w = workload(
        &plan.identity,
        &context(),
        &finished("2026-06-15T10:00:00Z"),
        &plan.reporting,
    );
    target.render(&plan, &w)
}

fn usage(e: TargetError) -> String {
    match e {
        TargetError::Usage(m) => m,
        other => panic!("expected a usage error, got {other:?}"),
    }
}

/// Reads `text` back as an inventory, validated.
fn load(name: &str, text: &str) -> bilan_core::inventory::Inventory {
    bilan_io::load_inventory(&bilan_io::SourceFile {
        name: name.to_owned(),
        text: text.to_owned(),
    })
    .unwrap_or_else(|e| panic!("{e:?}\n{text}"))
}

#[test]
fn a_workload_appended_to_toml_keeps_the_file_as_it_was_before_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "lab.toml", LAB);
    let text = render(&path, &request()).expect("rendered");
    // The last table was a workload: the file is unchanged up to the new one.
    assert!(text.starts_with(LAB), "{text}");
    let added = &text[LAB.len()..];
    assert!(
        added.starts_with("\n[[workload]]\nid = \"measure-20260615-100000\"\n"),
        "{added}"
    );
    assert!(
        added.contains("period = { start = 2026-06-15, end = 2026-06-15 }"),
        "{added}"
    );
    assert!(added.contains("devices = 2\n"), "{added}");
    assert!(added.contains("\n[workload.measurement]\n"), "{added}");
    assert!(
        added.contains("\n[[workload.measurement.devices]]\n"),
        "{added}"
    );
    assert!(
        added.contains("notes = [\n    \"GPU 1 (NVIDIA H100 80GB HBM3) could not"),
        "{added}"
    );
    let inv = load("lab.toml", &text);
    let w = inv.workloads.last().expect("the new workload");
    assert_eq!(w.site, "room");
    assert_eq!(w.phase, Phase::Training);
    let m = w.measurement.as_ref().expect("its measurement");
    assert_eq!(m.devices.len(), 2);
    assert_eq!(
        m.devices[1]
            .measured_for
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("40 s")
    );
}

#[test]
fn a_workload_goes_after_the_last_one_and_every_comment_stays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = format!("{LAB}{SHIPPING}");
    let path = write(dir.path(), "lab.toml", &original);
    let text = render(&path, &request()).expect("rendered");
    // Every line of the file is still there, in order.
    let mut lines = text.lines();
    for line in original.lines() {
        assert!(lines.any(|l| l == line), "`{line}` lost or moved:\n{text}");
    }
    let new = text.find("id = \"measure-").expect("the new workload");
    let ft = text.find("# from the bill").expect("the old one");
    let shipping = text
        .find("# Shipping, estimated.")
        .expect("the transport's comment");
    assert!(ft < new && new < shipping, "{text}");
    load("lab.toml", &text);
}

#[test]
fn json_inventories_get_the_workload_in_their_key_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inv = load("lab.toml", &format!("{LAB}{SHIPPING}"));
    let json = serde_json::to_string_pretty(&inv).expect("json");
    let path = write(dir.path(), "lab.json", &json);
    let text = render(&path, &request()).expect("rendered");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let keys: Vec<&str> = value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["schema", "system", "site", "fleet", "workload", "transport"]
    );
    let w = &value["workload"][1];
    assert_eq!(w["devices"], serde_json::json!(2));
    assert_eq!(
        w["measurement"]["devices"][0]["model"],
        "nvidia-h100-sxm-80gb"
    );
    let back = load("lab.json", &text);
    assert_eq!(back.workloads.len(), 2);
}

#[test]
fn a_new_toml_inventory_reports_the_year_measured_on_the_site_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("runs.toml");
    let req = Request {
        region: Some(Region::parse("FR").expect("FR")),
        ..request()
    };
    let text = render(&path, &req).expect("rendered");
    assert!(
        text.starts_with("# An inventory started by `bilan measure`"),
        "{text}"
    );
    assert!(
        text.contains(
            "[system]\nname = \"runs\"\nperiod = { start = 2026-01-01, end = 2026-12-31 }\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("[[site]]\nid = \"local\"\nregion = \"FR\"\nownership = \"owned\"\n"),
        "{text}"
    );
    let inv = load("runs.toml", &text);
    assert_eq!(inv.workloads[0].site, "local");
}

#[test]
fn a_new_json_inventory_is_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("runs.json");
    let req = Request {
        region: Some(Region::parse("US-VA").expect("US-VA")),
        site: Some("colo".to_owned()),
        ownership: Ownership::Colocation,
        ..request()
    };
    let text = render(&path, &req).expect("rendered");
    let inv = load("runs.json", &text);
    assert_eq!(inv.system.period.to_string(), "2026-01-01 to 2026-12-31");
    assert_eq!(inv.sites[0].id, "colo");
    assert_eq!(inv.sites[0].ownership, Ownership::Colocation);
    assert_eq!(inv.workloads[0].site, "colo");
}

#[test]
fn a_site_is_added_to_an_existing_inventory_with_region() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "lab.toml", LAB);
    let req = Request {
        site: Some("cloud-fr".to_owned()),
        region: Some(Region::parse("FR").expect("FR")),
        ownership: Ownership::Cloud,
        ..request()
    };
    let text = render(&path, &req).expect("rendered");
    let inv = load("lab.toml", &text);
    assert_eq!(inv.sites.len(), 2);
    assert_eq!(
        inv.workloads.last().map(|w| w.site.as_str()),
        Some("cloud-fr")
    );
    // The new site follows the existing one, before the fleets.
    assert!(
        text.find("id = \"cloud-fr\"") < text.find("[[fleet]]"),
        "{text}"
    );
}

#[test]
fn everything_checkable_is_checked_before_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "lab.toml", LAB);
    let target = Target::open(&path).expect("opens");
    let plan = |req: Request| target.plan(&req).map(|p| p.identity.id);

    let e = usage(
        plan(Request {
            site: Some("attic".to_owned()),
            ..request()
        })
        .expect_err("unknown site"),
    );
    assert!(
        e.contains("has no site `attic` (its sites: room); give --region CODE to add it"),
        "{e}"
    );
    let e = usage(
        plan(Request {
            workload: Some("ft".to_owned()),
            ..request()
        })
        .expect_err("taken"),
    );
    assert!(e.contains("already has a workload `ft`"), "{e}");
    let e = usage(
        plan(Request {
            now: "2027-01-02T00:00:00Z".parse().expect("t"),
            ..request()
        })
        .expect_err("outside"),
    );
    assert!(
        e.contains("today (2027-01-02, UTC) is outside the reporting period"),
        "{e}"
    );
    let e = usage(
        plan(Request {
            fleet: Some("a100s".to_owned()),
            ..request()
        })
        .expect_err("fleet"),
    );
    assert!(
        e.contains("has no fleet `a100s` (its fleets: h100s)"),
        "{e}"
    );
    let e = usage(
        plan(Request {
            fleet: Some("h100s".to_owned()),
            gpus: 0,
            ..request()
        })
        .expect_err("cpu-only fleet"),
    );
    assert!(e.contains("--cpu-only"), "{e}");
    let e = usage(
        plan(Request {
            region: Some(Region::parse("DE").expect("DE")),
            site: Some("room".to_owned()),
            ..request()
        })
        .expect_err("region"),
    );
    assert!(e.contains("site `room` of"), "{e}");
    // Five GPUs on a fleet of four: the inventory with it would not validate.
    match plan(Request {
        fleet: Some("h100s".to_owned()),
        gpus: 5,
        ..request()
    }) {
        Err(TargetError::WouldBeInvalid(errors)) => {
            let text = errors.to_string();
            assert!(
                text.contains("5 devices reserved, but fleet `h100s` has 4"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        plan(Request {
            fleet: Some("h100s".to_owned()),
            ..request()
        })
        .expect("fine"),
        "measure-20260615-100000"
    );

    let new = dir.path().join("new.toml");
    let e = usage(
        Target::open(&new)
            .and_then(|t| t.plan(&request()))
            .expect_err("no region"),
    );
    assert!(e.contains("does not exist yet: give --region"), "{e}");
    let e = usage(Target::open(&dir.path().join("nowhere/new.toml")).expect_err("no dir"));
    assert!(e.contains("its directory"), "{e}");
}

#[test]
fn the_default_id_takes_a_suffix_when_taken() {
    let dir = tempfile::tempdir().expect("temp dir");
    let taken = LAB.replace("id = \"ft\"", "id = \"measure-20260615-100000\"");
    let path = write(dir.path(), "lab.toml", &taken);
    let target = Target::open(&path).expect("opens");
    let plan = target.plan(&request()).expect("planned");
    assert_eq!(plan.identity.id, "measure-20260615-100000-2");
}

#[test]
fn an_invalid_or_uneditable_inventory_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(
        dir.path(),
        "bad.toml",
        &LAB.replace("ownership = \"owned\"", "ownership = \"mine\""),
    );
    assert!(matches!(Target::open(&path), Err(TargetError::Invalid(_))));
    // Workloads as an inline array, which must come before the first table.
    let tables = LAB
        .split("# Fine-tuning last spring.")
        .next()
        .expect("the part before the workload");
    let inline = tables.replacen(
        "schema = 1\n",
        "schema = 1\nworkload = [{ id = \"ft\", phase = \"fine-tuning\", site = \"room\", energy = \"12 kWh\" }]\n",
        1,
    );
    let path = write(dir.path(), "inline.toml", &inline);
    let target = Target::open(&path).unwrap_or_else(|e| panic!("{e}\n{inline}"));
    let e = usage(target.plan(&request()).expect_err("inline workloads"));
    assert!(e.contains("`workload` in"), "{e}");
    assert!(e.contains("not written as `[[workload]]` tables"), "{e}");
}

use std::collections::HashSet;
use std::path::Path;

use bilan_core::assessment::{Assessment, ItemKind};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnit, FunctionalUnitKind, Inventory, ProvenanceClass};
use bilan_core::method::{Methodology, Parameters};
use bilan_hardware::Catalogue;
use bilan_io::SourceFile;

use super::yaml::{self, Node};
use crate::{Import, Kind};

pub(crate) fn fixture(name: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interop/impact-framework")
        .join(name);
    SourceFile::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn catalogue() -> &'static Catalogue {
    Catalogue::embedded().expect("catalogue")
}

pub(crate) fn import_file(file: &SourceFile) -> Import {
    crate::import(
        Kind::ImpactFramework,
        std::slice::from_ref(file),
        catalogue(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", file.name))
}

pub(crate) fn refusal(file: &SourceFile) -> bilan_io::FileErrors {
    match crate::import(
        Kind::ImpactFramework,
        std::slice::from_ref(file),
        catalogue(),
    ) {
        Ok(i) => panic!("{} was imported: {:?}\n{}", file.name, i.report, file.text),
        Err(e) => e,
    }
}

/// Every error's line, key path and message.
pub(crate) fn messages(errors: &bilan_io::FileErrors) -> String {
    errors
        .errors
        .iter()
        .map(|e| format!("{:?} {:?}: {}", e.line, e.key_path, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn assess(inv: &Inventory) -> Assessment {
    let factors = bilan_factors::embedded().expect("factors");
    let problems = inv.validate_against(factors);
    assert!(problems.is_empty(), "{problems:?}");
    let a = bilan_plugin_sci::Sci::default()
        .assess(inv, factors, &Parameters::default())
        .expect("the sci method assesses the imported inventory");
    a.check().expect("every value is the product of its terms");
    a
}

/// bilan's SCI for a functional unit, g CO2e per unit (bilan reports kg).
pub(crate) fn sci_g(a: &Assessment, fu: &str) -> f64 {
    a.disclosures
        .iter()
        .find(|d| d.id == format!("sci.{fu}"))
        .and_then(|d| d.value)
        .unwrap_or_else(|| panic!("sci.{fu}: {:?}", a.warnings))
        * 1000.0
}

/// bilan's carbon of one workload, g CO2e: its own contributions (E × I) and its share of
/// its fleet's (M).
pub(crate) fn carbon_g(a: &Assessment, workload: &str) -> (f64, f64) {
    let ids = HashSet::from([workload]);
    let (mut op, mut emb) = (0.0, 0.0);
    for (c, v) in a.counted(Indicator::Gwp) {
        let share = c.workload_share(&ids);
        if c.item.kind == ItemKind::Workload {
            op += v * share;
        } else {
            emb += v * share;
        }
    }
    (op * 1000.0, emb * 1000.0)
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs())
}

fn num(node: &Node, key: &str) -> f64 {
    node.get(key)
        .and_then(Node::as_f64)
        .unwrap_or_else(|| panic!("{key}"))
}

/// A leaf of IF's output: its outputs and aggregated figures.
fn child<'a>(root: &'a Node, name: &str) -> &'a Node {
    root.get("tree")
        .and_then(|t| t.get("children"))
        .and_then(|c| c.get(name))
        .unwrap_or_else(|| panic!("child {name}"))
}

#[test]
fn the_sci_manifest_and_its_output_import_into_valid_inventories() {
    for (name, tool) in [
        ("sci-manifest.yml", None),
        ("sci-output.yml", Some("impact-framework 1.1.0")),
    ] {
        let file = fixture(name);
        let import = import_file(&file);
        let inv = &import.inventory;
        assert_eq!(inv.workloads.len(), 8, "{name}");
        let w = &inv.workloads[2];
        assert_eq!(&*w.id, "inference-fr-h100-3");
        let p = w.provenance.as_ref().expect("provenance");
        assert_eq!(p.class, ProvenanceClass::Measured);
        assert_eq!(p.at, "tree.children.inference-fr-h100.inputs[2]");
        assert_eq!(p.tool.as_deref(), tool);
        assert!(
            p.fields["energy"].contains("cpu/energy + gpu/energy + memory/energy"),
            "{:?}",
            p.fields
        );
        assert_eq!(w.devices, Some(4.0));
        assert_eq!(w.volume.requests, Some(2300.0));
        assert_eq!(w.reported.is_some(), tool.is_some(), "{name}");
        // One site per region, PUE and intensity: FR at 56, DE at four hourly intensities.
        assert_eq!(inv.sites.len(), 5, "{name}");
        let fr = inv.site(&w.site).expect("site");
        assert_eq!(fr.region.code(), "FR");
        assert_eq!(fr.pue.as_ref().map(|q| q.value()), Some(1.2));
        let gwp = &fr.electricity[&Indicator::Gwp];
        assert_eq!(gwp.value.to_str_unit("g/kWh").ok(), Some(56.0));
        assert!(
            gwp.source
                .contains("tree.children.inference-fr-h100.defaults.grid/carbon-intensity"),
            "{}",
            gwp.source
        );
        let fleet = inv
            .fleet(w.fleet.as_deref().expect("fleet"))
            .expect("fleet");
        assert_eq!(fleet.count, 8.0);
        let te = fleet.embodied[&Indicator::Gwp]
            .value
            .to_str_unit("g/device")
            .expect("g");
        assert!(close(te, 312_500.0, 1e-12), "{te}");
        assert_eq!(
            fleet
                .lifetime
                .as_ref()
                .and_then(|l| l.to_str_unit("s").ok()),
            Some(126_144_000.0)
        );
        let fu: &FunctionalUnit = &inv.functional_units[0];
        assert_eq!(
            (fu.id.as_str(), fu.kind),
            ("requests", FunctionalUnitKind::Request)
        );
        assert_eq!(fu.workloads.len(), 8);
        // What bilan does not keep is listed.
        assert!(
            import
                .report
                .lost
                .iter()
                .any(|l| l.what.contains("`hardware`")),
            "{:?}",
            import.report.lost
        );
        assert!(
            !import
                .report
                .lost
                .iter()
                .any(|l| l.what.contains("`cloud/region`"))
        );
    }
}

/// Adds a functional unit counting requests over `workloads`.
fn add_unit(inv: &mut Inventory, id: &str, workloads: Vec<String>) {
    inv.functional_units.push(FunctionalUnit {
        id: id.to_owned(),
        kind: FunctionalUnitKind::Request,
        workloads,
        description: None,
    });
}

/// The check: bilan's `sci` method on the imported manifest gives IF's SCI. It
/// does to floating-point precision, for the whole tree, each child and each observation,
/// and so do the operational and embodied carbon of every observation.
#[test]
fn bilan_sci_on_the_imported_manifest_equals_if_sci() {
    let file = fixture("sci-output.yml");
    let root = yaml::parse(&file).expect("yaml");
    let mut inv = import_file(&file).inventory;
    let children = ["inference-fr-h100", "inference-de-l40s"];
    for name in children {
        let ids = inv
            .workloads
            .iter()
            .filter(|w| w.id.starts_with(name))
            .map(|w| w.id.to_string())
            .collect();
        add_unit(&mut inv, name, ids);
    }
    let ids: Vec<String> = inv.workloads.iter().map(|w| w.id.to_string()).collect();
    for id in &ids {
        add_unit(&mut inv, &format!("obs-{id}"), vec![id.clone()]);
    }
    let a = assess(&inv);
    let (mut carbon, mut requests) = (0.0, 0.0);
    for name in children {
        let c = child(&root, name);
        let outputs = c.get("outputs").and_then(Node::items).expect("outputs");
        let r: f64 = outputs.iter().map(|o| num(o, "requests")).sum();
        let agg = c.get("aggregated").expect("aggregated");
        let if_sci = num(agg, "carbon") / r;
        let ours = sci_g(&a, name);
        assert!(
            close(ours, if_sci, 1e-12),
            "{name}: bilan {ours} g/request, IF {if_sci}"
        );
        for (i, o) in outputs.iter().enumerate() {
            let id = format!("{name}-{}", i + 1);
            let (op, emb) = carbon_g(&a, &id);
            assert!(
                close(op, num(o, "carbon-operational"), 1e-12),
                "{id}: E × I {op}"
            );
            assert!(
                close(emb, num(o, "carbon-embodied"), 1e-12),
                "{id}: M {emb}"
            );
            let ours = sci_g(&a, &format!("obs-{id}"));
            assert!(
                close(ours, num(o, "sci"), 1e-12),
                "{id}: sci {ours} vs IF {}",
                num(o, "sci")
            );
        }
        carbon += num(agg, "carbon");
        requests += r;
    }
    let tree = root
        .get("tree")
        .and_then(|t| t.get("aggregated"))
        .expect("tree aggregated");
    assert!(close(carbon, num(tree, "carbon"), 1e-12));
    // 2338.8522 g / 19400 requests = 0.120559 g per request, IF's own figures.
    let if_sci = num(tree, "carbon") / requests;
    let ours = sci_g(&a, "requests");
    assert!(close(if_sci, 0.120_559, 1e-5), "{if_sci}");
    assert!(
        close(ours, if_sci, 0.001),
        "within 0.1 %: bilan {ours}, IF {if_sci}"
    );
    assert!(
        close(ours, if_sci, 1e-12),
        "to rounding: bilan {ours}, IF {if_sci}"
    );
    let total = a.total(Indicator::Gwp).expect("gwp") * 1000.0;
    assert!(close(total, num(tree, "carbon"), 1e-12), "{total}");
    let energy = a.total(Indicator::Energy).expect("energy");
    assert!(close(energy, num(tree, "energy"), 1e-12), "{energy}");
}

/// The input manifest gives the same inventory as IF's output, less IF's reported figures.
#[test]
fn the_input_manifest_imports_as_its_output_does() {
    let input = import_file(&fixture("sci-manifest.yml")).inventory;
    let output = import_file(&fixture("sci-output.yml")).inventory;
    let a = assess(&input);
    let b = assess(&output);
    assert!(close(sci_g(&a, "requests"), sci_g(&b, "requests"), 1e-15));
    for (x, y) in input.workloads.iter().zip(&output.workloads) {
        assert_eq!(
            (x.id.as_ref(), &x.energy, x.devices),
            (y.id.as_ref(), &y.energy, y.devices)
        );
        assert!(x.reported.is_none() && y.reported.is_some());
    }
}

/// SciEmbodied's total (CCF constants) becomes the fleet's embodied figure, its
/// usage-ratio the device-hours reserved: bilan's M equals IF's for every observation.
#[test]
fn sci_embodied_maps_onto_a_fleet_bilan_reproduces() {
    let file = fixture("sci-embodied-output.yml");
    let root = yaml::parse(&file).expect("yaml");
    let import = import_file(&file);
    let inv = &import.inventory;
    let fleet = &inv.fleets[0];
    let te = fleet.embodied[&Indicator::Gwp]
        .value
        .to_str_unit("g/device")
        .expect("g");
    assert!(close(te, 9_899_125.0, 1e-12), "{te}");
    assert_eq!(
        inv.workloads[0].device_hours.as_ref().map(|q| q.value()),
        Some(0.75)
    );
    assert!(
        inv.functional_units.is_empty(),
        "`steps` has no bilan functional unit"
    );
    assert!(
        import
            .report
            .lost
            .iter()
            .any(|l| l.what.contains("`steps`")),
        "{:?}",
        import.report.lost
    );
    let a = assess(inv);
    let mut total = 0.0;
    for name in ["finetune-se-a100", "eval-se-a100"] {
        let outputs = child(&root, name)
            .get("outputs")
            .and_then(Node::items)
            .expect("outputs");
        for (i, o) in outputs.iter().enumerate() {
            let id = format!("{name}-{}", i + 1);
            let (op, emb) = carbon_g(&a, &id);
            assert!(close(op, num(o, "carbon-operational"), 1e-12), "{id}: {op}");
            assert!(close(emb, num(o, "carbon-embodied"), 1e-12), "{id}: {emb}");
            total += op + emb;
        }
    }
    let tree = root
        .get("tree")
        .and_then(|t| t.get("aggregated"))
        .expect("aggregated");
    assert!(close(total, num(tree, "carbon"), 1e-12), "{total}");
    assert!(close(total, 1383.073, 1e-6), "{total}");
}

/// Nested nodes inherit their parent's pipeline and defaults (a node's own replace them, as
/// in IF); a node with only `defaults` is one observation; regrouping and configuration
/// the builtins do not read are listed, not applied.
#[test]
fn nested_nodes_inherit_and_unused_configuration_is_listed() {
    let file = SourceFile {
        name: "nested.yml".to_owned(),
        text: "name: nested
initialize:
  plugins:
    operational-carbon:
      method: Multiply
      path: builtin
      config: {input-parameters: [energy, grid/carbon-intensity], output-parameter: carbon-operational, note: ignored}
tree:
  pipeline: {regroup: [cloud/region], compute: [operational-carbon]}
  defaults: {grid/carbon-intensity: 100, cloud/region: FR}
  children:
    eu:
      children:
        server-a:
          inputs:
            - {timestamp: '2026-03-01T23:00:00Z', duration: 7200, energy: 2}
            - {timestamp: '2026-03-02T01:00:00Z', duration: 3600, energy: 1}
        server-b:
          defaults: {timestamp: '2026-03-01T00:00:00Z', duration: 3600, energy: 4, grid/carbon-intensity: 50, cloud/region: DE, rack: r7}
"
        .to_owned(),
    };
    let import = import_file(&file);
    let inv = &import.inventory;
    let ids: Vec<&str> = inv.workloads.iter().map(|w| w.id.as_ref()).collect();
    assert_eq!(ids, ["eu/server-a-1", "eu/server-a-2", "eu/server-b"]);
    let intensity = |i: usize| {
        let s = inv.site(&inv.workloads[i].site).expect("site");
        (
            s.region.code().to_owned(),
            s.electricity[&Indicator::Gwp]
                .value
                .to_str_unit("g/kWh")
                .expect("g/kWh"),
        )
    };
    assert_eq!(intensity(0), ("FR".to_owned(), 100.0));
    assert_eq!(intensity(2), ("DE".to_owned(), 50.0));
    let p = inv.workloads[0].period.expect("period");
    assert_eq!(
        (p.start.to_string(), p.end.to_string()),
        ("2026-03-01".to_owned(), "2026-03-02".to_owned())
    );
    assert_eq!(
        inv.workloads[2]
            .provenance
            .as_ref()
            .map(|p| (p.at.as_str(), p.class)),
        Some((
            "tree.children.eu.children.server-b.defaults",
            ProvenanceClass::Disclosed
        ))
    );
    let lost: Vec<String> = import
        .report
        .lost
        .iter()
        .map(|l| format!("{} {}", l.at, l.what))
        .collect();
    for needle in [
        "tree.pipeline.regroup regroup",
        "initialize.plugins.operational-carbon.config.note `config.note` of plugin `operational-carbon`",
        "tree.children.eu.children.server-b.defaults `rack` = r7",
    ] {
        assert!(lost.iter().any(|l| l == needle), "{needle}: {lost:?}");
    }
    assess(inv);
}

mod conversions;
mod per_day;
mod refusals;
mod round_trip;

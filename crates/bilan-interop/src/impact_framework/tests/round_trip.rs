//! Export, then import: the same inventory for what IF carries.

use super::*;

/// Round trip: import IF's output, assess it with `sci`, export the assessment as a
/// manifest, import that: the same workloads, energy, site intensity and PUE, embodied
/// terms and functional unit, and so the same SCI. (Which workloads share a fleet is not
/// in a manifest: the export has a child per workload, so the second import has a fleet
/// per workload, each with the same figures.)
#[test]
fn export_then_import_gives_the_same_inventory() {
    for name in ["sci-output.yml", "sci-embodied-output.yml"] {
        let first = import_file(&fixture(name)).inventory;
        let a = assess(&first);
        let text = crate::export::if_manifest::write(&crate::export::Source {
            inventory: &first,
            assessment: &a,
            bilan_version: "0.1.0",
            inventory_file: "imported.toml",
        })
        .expect("export");
        let exported = SourceFile {
            name: "exported.yml".to_owned(),
            text,
        };
        let second = import_file(&exported);
        assert!(
            second.report.lost.iter().all(|l| !l.what.contains("`")),
            "{name}: {:?}",
            second.report.lost
        );
        let again = &second.inventory;
        assert_eq!(again.workloads.len(), first.workloads.len(), "{name}");
        let kwh =
            |q: &Option<bilan_units::Quantity>| q.as_ref().and_then(|q| q.to_str_unit("kWh").ok());
        for (x, y) in first.workloads.iter().zip(&again.workloads) {
            assert_eq!(x.id, y.id);
            assert!(
                close(
                    kwh(&x.energy).expect("e"),
                    kwh(&y.energy).expect("e"),
                    1e-11
                ),
                "{}",
                x.id
            );
            assert_eq!(x.energy_boundary, y.energy_boundary, "{}", x.id);
            assert_eq!(
                (x.phase, x.volume.requests, x.period),
                (y.phase, y.volume.requests, y.period),
                "{}",
                x.id
            );
            let (sx, sy) = (
                first.site(&x.site).expect("site"),
                again.site(&y.site).expect("site"),
            );
            assert_eq!(sx.region, sy.region);
            assert_eq!(
                sx.pue.as_ref().map(|q| q.value()),
                sy.pue.as_ref().map(|q| q.value()),
                "{}",
                x.id
            );
            let gwp = |s: &bilan_core::inventory::Site| {
                s.electricity[&Indicator::Gwp]
                    .value
                    .to_str_unit("g/kWh")
                    .expect("g/kWh")
            };
            assert_eq!(gwp(sx), gwp(sy), "{}", x.id);
            let (fx, fy) = (
                first
                    .fleet(x.fleet.as_deref().expect("fleet"))
                    .expect("fleet"),
                again
                    .fleet(y.fleet.as_deref().expect("fleet"))
                    .expect("fleet"),
            );
            let per_device = |f: &bilan_core::inventory::Fleet| {
                f.embodied[&Indicator::Gwp]
                    .value
                    .to_str_unit("g/device")
                    .expect("g")
            };
            assert!(close(per_device(fx), per_device(fy), 1e-11), "{}", x.id);
            assert_eq!(fx.count, fy.count);
            assert_eq!(
                fx.lifetime.as_ref().map(|q| q.value()),
                fy.lifetime.as_ref().map(|q| q.value())
            );
            let reserved = |w: &bilan_core::inventory::Workload, f| {
                w.device_hours_on(f).expect("unit").expect("reserved").0
            };
            assert!(close(reserved(x, fx), reserved(y, fy), 1e-11), "{}", x.id);
            assert_eq!(x.devices, y.devices, "{}", x.id);
        }
        let units = |inv: &Inventory| {
            inv.functional_units
                .iter()
                .map(|f| (f.id.clone(), f.kind, f.workloads.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(units(&first), units(again), "{name}");
        let b = assess(again);
        let total = |a: &Assessment| a.total(Indicator::Gwp).expect("gwp");
        assert!(close(total(&a), total(&b), 1e-11), "{name}");
        if !first.functional_units.is_empty() {
            assert!(close(sci_g(&a, "requests"), sci_g(&b, "requests"), 1e-11));
        }
    }
}

/// The export cites bilan, the method and its version, declares only the builtins its
/// children run, and carries bilan's figures in each child's `outputs` and `aggregated`.
/// (IF 1.1.0's `if-run` on such an export computes the same outputs; see the docs.)
#[test]
fn the_export_carries_bilan_figures_with_a_minimal_pipeline() {
    let inv = import_file(&fixture("sci-output.yml")).inventory;
    let a = assess(&inv);
    let text = crate::export::if_manifest::write(&crate::export::Source {
        inventory: &inv,
        assessment: &a,
        bilan_version: "9.9.9",
        inventory_file: "service.toml",
    })
    .expect("export");
    let root = yaml::parse(&SourceFile {
        name: "exported.yml".to_owned(),
        text,
    })
    .expect("the export is YAML");
    let description = root
        .get("description")
        .and_then(Node::as_str)
        .expect("description");
    for needle in [
        "bilan 9.9.9",
        "`sci` version 1.0.0",
        "service.toml",
        "SCI per request",
        "0.120559",
    ] {
        assert!(description.contains(needle), "{needle}: {description}");
    }
    let plugins: Vec<&str> = root
        .get("initialize")
        .and_then(|i| i.get("plugins"))
        .map(|p| p.entries().iter().map(|(k, _)| k.as_str()).collect())
        .expect("plugins");
    assert_eq!(
        plugins,
        [
            "apply-pue",
            "operational-carbon",
            "time-share",
            "resource-share",
            "embodied-carbon",
            "sum-carbon",
            "sci"
        ]
    );
    for (_, p) in root
        .get("initialize")
        .and_then(|i| i.get("plugins"))
        .expect("plugins")
        .entries()
    {
        assert_eq!(p.get("path").and_then(Node::as_str), Some("builtin"));
    }
    let children = root
        .get("tree")
        .and_then(|t| t.get("children"))
        .expect("children");
    assert_eq!(children.entries().len(), inv.workloads.len());
    let (id, c) = &children.entries()[4];
    assert_eq!(id, "inference-de-l40s-1");
    let out = &c.get("outputs").and_then(Node::items).expect("outputs")[0];
    assert_eq!(
        out.get("timestamp").and_then(Node::as_str),
        Some("2026-11-02T00:00:00Z")
    );
    let (op, emb) = carbon_g(&a, id);
    assert!(close(num(out, "carbon-operational"), op, 1e-15));
    assert!(close(num(out, "carbon-embodied"), emb, 1e-15));
    assert!(close(num(out, "carbon"), op + emb, 1e-15));
    assert!(close(num(out, "sci"), (op + emb) / 1500.0, 1e-15));
    assert!(close(num(out, "energy"), 1.1475, 1e-12));
    let tree = root
        .get("tree")
        .and_then(|t| t.get("aggregated"))
        .expect("aggregated");
    assert!(close(
        num(tree, "carbon"),
        a.total(Indicator::Gwp).expect("gwp") * 1000.0,
        1e-12
    ));
}

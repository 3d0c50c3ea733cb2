//! Manifests bilan cannot reproduce, and malformed ones: each refusal names the reason
//! and the key path.

use super::*;

#[test]
fn manifests_bilan_cannot_reproduce_are_refused_with_the_reason_and_key_path() {
    for (name, path, needles) in [
        (
            "refused-custom-plugin.yml",
            "tree.children.inference-fr-h100.pipeline.compute[0]",
            &[
                "`teads-curve`",
                "TeadsCurve",
                "@grnsft/if-unofficial-plugins",
                "not an IF builtin",
            ][..],
        ),
        (
            "refused-custom-plugin-output.yml",
            "tree.children.inference-fr-h100.pipeline.compute[0]",
            &["`teads-curve`", "not an IF builtin"][..],
        ),
        (
            "refused-time-sync.yml",
            "tree.children.inference-fr-h100.pipeline.compute[0]",
            &[
                "TimeSync",
                "1800 s",
                "2026-11-02T00:30:00Z",
                "2026-11-02T02:30:00Z",
                "resampling",
            ][..],
        ),
        (
            "refused-time-sync-output.yml",
            "tree.children.inference-fr-h100.",
            &["TimeSync"][..],
        ),
        (
            "refused-undeclared-aggregation.yml",
            "aggregation.metrics[0]",
            &["`energy-total`", "aggregation-method", "last observation"][..],
        ),
        (
            "refused-undeclared-aggregation-output.yml",
            "aggregation.metrics[1]",
            &["`carbon`", "aggregation-method"][..],
        ),
    ] {
        let errors = refusal(&fixture(name));
        let e = errors
            .errors
            .iter()
            .find(|e| e.key_path.as_deref().is_some_and(|p| p.starts_with(path)))
            .unwrap_or_else(|| panic!("{name}: no error at {path}: {}", messages(&errors)));
        assert!(e.line.is_some(), "{name}: located: {e:?}");
        for needle in needles {
            assert!(
                messages(&errors).contains(needle),
                "{name}: `{needle}` in {}",
                messages(&errors)
            );
        }
    }
}

#[test]
fn malformed_yaml_is_a_located_error() {
    let file = SourceFile {
        name: "broken.yml".to_owned(),
        text: "name: x\ntree:\n  children:\n    a:\n      inputs:\n        - {timestamp: '2026-11-02T00:00:00Z', duration: 3600\n".to_owned(),
    };
    let e = refusal(&file);
    assert_eq!(e.errors[0].file, "broken.yml");
    assert!(e.errors[0].line.is_some(), "{}", messages(&e));
    assert!(messages(&e).contains("not valid YAML"), "{}", messages(&e));
    let e = refusal(&SourceFile {
        name: "list.yml".to_owned(),
        text: "- a\n- b\n".to_owned(),
    });
    assert!(messages(&e).contains("no `tree`"), "{}", messages(&e));
}

/// A small manifest, for the refusals no fixture covers.
pub(super) fn manifest(plugins: &str, aggregation: &str, child: &str) -> SourceFile {
    SourceFile {
        name: "m.yml".to_owned(),
        text: format!(
            "name: m\n{aggregation}initialize:\n  plugins:\n{plugins}tree:\n  children:\n    server:\n{child}"
        ),
    }
}

pub(super) const OPERATIONAL: &str = "    operational-carbon:\n      method: Multiply\n      path: builtin\n      config: {input-parameters: [energy, grid/carbon-intensity], output-parameter: carbon}\n      parameter-metadata:\n        outputs:\n          carbon: {unit: gCO2e, aggregation-method: {time: sum, component: sum}}\n";
pub(super) const SERVER: &str = "      pipeline: {compute: [operational-carbon]}\n      defaults: {grid/carbon-intensity: 56, cloud/region: FR}\n      inputs:\n        - {timestamp: '2026-11-02T00:00:00Z', duration: 3600, energy: 2.5}\n        - {timestamp: '2026-11-02T01:00:00Z', duration: 3600, energy: 1.5}\n";

#[test]
fn other_irreproducible_manifests_are_refused() {
    let ok = manifest(
        OPERATIONAL,
        "aggregation: {metrics: [carbon], type: both}\n",
        SERVER,
    );
    let import = import_file(&ok);
    assert_eq!(import.inventory.workloads.len(), 2);
    assert_eq!(
        import.inventory.workloads[0].energy_boundary,
        Some(bilan_core::inventory::EnergyBoundary::Facility)
    );
    for (file, path, needle) in [
        (
            manifest(
                &OPERATIONAL.replace("time: sum", "time: avg"),
                "aggregation: {metrics: [carbon], type: time}\n",
                SERVER,
            ),
            "aggregation.metrics[0]",
            "by `avg`",
        ),
        (
            manifest(
                &OPERATIONAL.replace("unit: gCO2e", "unit: kgCO2e"),
                "",
                SERVER,
            ),
            "initialize.plugins.operational-carbon.parameter-metadata.outputs.carbon",
            "inconsistent",
        ),
        (
            manifest(
                OPERATIONAL,
                "aggregation: {metrics: [sci], type: time}\n",
                SERVER,
            ),
            "aggregation.metrics[0]",
            "no plugin declares",
        ),
        (
            manifest(
                OPERATIONAL,
                "",
                &SERVER
                    .replace("compute: [operational-carbon]", "compute: []")
                    .replace("energy: 1.5", "energy: 1.5, carbon: 99"),
            ),
            "tree.children.server.inputs[1].carbon",
            "E × I + M",
        ),
        (
            manifest(
                OPERATIONAL,
                "",
                &SERVER.replace("energy: 1.5", "energy: '1.5 kWh'"),
            ),
            "tree.children.server.inputs[1]",
            "not a number",
        ),
        (
            manifest(
                OPERATIONAL,
                "",
                &SERVER.replace("compute: [", "observe: [operational-carbon], compute: ["),
            ),
            "tree.children.server.pipeline.observe",
            "observe plugins",
        ),
        (
            manifest(
                &OPERATIONAL.replace(
                    "output-parameter: carbon}",
                    "output-parameter: '=2*carbon'}",
                ),
                "",
                SERVER,
            ),
            "tree.children.server.pipeline.compute[0]",
            "arithmetic expression, which bilan does not evaluate; write the value (at initialize.plugins.operational-carbon.config.output-parameter)",
        ),
        (
            manifest(
                OPERATIONAL,
                "",
                &SERVER.replace("timestamp: '2026-11-02T01:00:00Z', ", ""),
            ),
            "tree.children.server.inputs[1]",
            "timestamp",
        ),
    ] {
        let e = refusal(&file);
        assert!(
            e.errors
                .iter()
                .any(|x| x.key_path.as_deref() == Some(path) && x.line.is_some()),
            "{path}: {}",
            messages(&e)
        );
        assert!(messages(&e).contains(needle), "{needle}: {}", messages(&e));
    }
}

/// An output whose figure was edited is refused at that figure.
#[test]
fn an_edited_output_is_refused_where_it_differs() {
    let mut file = fixture("sci-output.yml");
    file.text = file
        .text
        .replacen("carbon: 241.97751598173517", "carbon: 242.5", 1);
    let e = refusal(&file);
    let error = e
        .errors
        .iter()
        .find(|x| {
            x.key_path.as_deref() == Some("tree.children.inference-fr-h100.outputs[0].carbon")
        })
        .unwrap_or_else(|| panic!("{}", messages(&e)));
    assert_eq!(error.line, Some(286));
    assert!(
        error.message.starts_with("IF wrote 242.5, but the manifest's pipeline, as bilan evaluates IF 1.1.0's builtins, gives 241.97751598173517"),
        "{}",
        error.message
    );
}

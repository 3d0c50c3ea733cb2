//! bilan's figures as a Hugging Face model card's `co2_eq_emissions` (`bilan assess -m
//! METHOD -f model-card`): the YAML front matter a README.md starts with, then a short
//! Markdown paragraph citing the method, its version and the inventory.
//!
//! A model card's `co2_eq_emissions` states the emissions of *training* (the Hub's field
//! says `training_type`: pre-training or fine-tuning), in **grams**. So `emissions` is the
//! method's GWP attributed to the training and fine-tuning phases (each contribution's
//! share of those phases, embodied impacts included when the method allocates them there),
//! converted from kg to g; the paragraph gives the method's total over the whole inventory
//! beside it. An inventory with no training or fine-tuning at all gives the method's whole
//! GWP total instead, without `training_type`, and the paragraph says so.
//!
//! * `source`: "bilan VERSION, method ID@VERSION";
//! * `training_type`: `pre-training`, `fine-tuning`, or both;
//! * `geographical_location`: the sites of the training workloads (all sites when there is
//!   no training workload), as names: "France", "Quebec, Canada";
//! * `hardware_used`: their fleets, "16384 x NVIDIA H100 80GB HBM3".
//!
//! The card cannot state emissions as unknown, so a method that does not cover GWP, or
//! computed none here (every contribution excluded), is refused with the reason, and so is
//! a workload the card would count whose electricity the method excluded.
//!
//! Strings are written double-quoted (JSON escapes, which YAML reads the same), so nothing
//! in a name can change the structure. The fields and their types are those of
//! `tests/fixtures/interop/model-card/model-card-spec.json`, checked by the tests.

use std::collections::BTreeSet;

use bilan_core::indicator::Indicator;
use bilan_core::inventory::Phase;

use super::{Source, excluded};
use crate::model_card::{number, place};

/// The phases a model card's `co2_eq_emissions` covers.
const TRAINING: [Phase; 2] = [Phase::Training, Phase::FineTuning];

/// Writes the front matter and the paragraph.
pub fn write(source: &Source<'_>) -> Result<String, String> {
    let inv = source.inventory;
    let a = source.assessment;
    let method = format!("{}@{}", a.method.id, a.method.version);
    let total = super::total(a, Indicator::Gwp, "a model card states emissions of CO2eq")?;
    // The phases present, in the inventory or in the figures.
    let mut phases: BTreeSet<Phase> = inv
        .workloads
        .iter()
        .map(|w| w.phase)
        .chain(inv.services.iter().filter_map(|s| s.phase))
        .filter(|p| TRAINING.contains(p))
        .collect();
    let mut kg = 0.0;
    for (c, v) in a.counted(Indicator::Gwp) {
        for p in TRAINING {
            let share = c.phase_share(p);
            if share > 0.0 {
                kg += v * share;
                phases.insert(p);
            }
        }
    }
    let training = !phases.is_empty();
    let kg = if training { kg } else { total };
    let training_type = match (
        phases.contains(&Phase::Training),
        phases.contains(&Phase::FineTuning),
    ) {
        (true, true) => Some("pre-training and fine-tuning"),
        (true, false) => Some("pre-training"),
        (false, true) => Some("fine-tuning"),
        (false, false) => None,
    };
    let workloads: Vec<_> = inv
        .workloads
        .iter()
        .filter(|w| !training || TRAINING.contains(&w.phase))
        .collect();
    if let Some(why) = workloads
        .iter()
        .find_map(|w| excluded(a, inv, w, Indicator::Gwp))
    {
        return Err(format!(
            "the method {method} excluded {why}: the card's emissions would leave it out, and a card cannot say so; export an inventory of the workloads it counts, or assess with a method that counts this one"
        ));
    }
    let mut places = Vec::new();
    let sites: Vec<&str> = if workloads.is_empty() {
        inv.sites.iter().map(|s| s.id.as_str()).collect()
    } else {
        workloads.iter().map(|w| w.site.as_str()).collect()
    };
    for id in sites {
        if let Some(name) = inv.site(id).and_then(|s| place::name(&s.region))
            && !places.contains(&name)
        {
            places.push(name);
        }
    }
    let catalogue = bilan_hardware::Catalogue::embedded().ok();
    let mut hardware = Vec::new();
    let mut fleets = BTreeSet::new();
    for w in &workloads {
        if let Some(f) = w.fleet.as_deref().and_then(|id| inv.fleet(id))
            && fleets.insert(f.id.as_str())
        {
            let name = catalogue
                .and_then(|c| c.get(&f.model))
                .and_then(|d| d.driver_names.first().cloned())
                .unwrap_or_else(|| f.model.clone());
            hardware.push(format!("{} x {name}", number(f.count)));
        }
    }
    let grams = kg * 1000.0;
    let mut yaml = String::from("---\nco2_eq_emissions:\n");
    yaml.push_str(&format!("  emissions: {}\n", number(grams)));
    yaml.push_str(&format!(
        "  source: {}\n",
        quoted(&format!("bilan {}, method {method}", source.bilan_version))
    ));
    if let Some(t) = training_type {
        yaml.push_str(&format!("  training_type: {}\n", quoted(t)));
    }
    if !places.is_empty() {
        yaml.push_str(&format!(
            "  geographical_location: {}\n",
            quoted(&places.join("; "))
        ));
    }
    if !hardware.is_empty() {
        yaml.push_str(&format!(
            "  hardware_used: {}\n",
            quoted(&hardware.join(", "))
        ));
    }
    yaml.push_str("---\n\n");
    let scope = match training_type {
        Some(t) => format!("the {t} emissions"),
        None => "the emissions".to_owned(),
    };
    let mut para = format!(
        "**Carbon emissions.** `co2_eq_emissions` gives {scope} of {}: {} g CO2eq ({} kg), computed by bilan {} with the method `{}` version {} from the inventory `{}` (reporting period {}).",
        md(&inv.system.name),
        number(grams),
        number(kg),
        source.bilan_version,
        md(&a.method.id),
        a.method.version,
        md(source.inventory_file),
        inv.system.period
    );
    if training {
        para.push_str(&format!(
            " The method's total over the whole inventory, every phase and item included, is {} kg CO2eq.",
            number(total)
        ));
    } else {
        para.push_str(
            " The inventory has no training or fine-tuning: the figure is the method's total for everything it holds.",
        );
    }
    para.push_str(" `bilan explain` shows every term and factor behind it.\n");
    Ok(yaml + &para)
}

/// A YAML double-quoted string (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Text for a Markdown paragraph: backquotes and line breaks made harmless.
fn md(s: &str) -> String {
    s.replace('`', "'").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use bilan_core::assessment::Assessment;
    use bilan_core::inventory::Inventory;
    use bilan_io::SourceFile;

    use super::*;
    use crate::boamps::tests::{assess, no_figures};
    use crate::model_card::front_matter::{self, Value};

    fn write_for(inv: &Inventory, a: &Assessment) -> String {
        write(&Source {
            inventory: inv,
            assessment: a,
            bilan_version: "0.1.0",
            inventory_file: "inventory.toml",
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Checks the front matter against the field names and types of
    /// `model-card-spec.json`, and returns the emissions in grams.
    fn follows_the_spec(text: &str) -> f64 {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/interop/model-card/model-card-spec.json");
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("spec")).expect("json");
        assert_eq!(spec["key"], "co2_eq_emissions");
        let fields = spec["fields"].as_array().expect("fields");
        let file = SourceFile {
            name: "README.md".into(),
            text: text.into(),
        };
        let card = front_matter::read(&file).unwrap_or_else(|e| panic!("{e}: {text}"));
        let Value::Map(top) = &card.root.value else {
            panic!("a mapping: {text}");
        };
        assert_eq!(top.len(), 1, "only co2_eq_emissions: {text}");
        let co2 = card.root.get("co2_eq_emissions").expect("co2_eq_emissions");
        let Value::Map(keys) = &co2.value else {
            panic!("the mapping form: {text}");
        };
        for (key, node) in keys {
            let field = fields
                .iter()
                .find(|f| f["name"] == key.as_str())
                .unwrap_or_else(|| panic!("`{key}` is not a field of the spec"));
            match field["type"].as_str() {
                Some("number") => assert!(
                    matches!(node.value, Value::Int(_) | Value::Float(_)),
                    "{key}: {:?}",
                    node.value
                ),
                Some("string") => {
                    assert!(
                        matches!(node.value, Value::Str(_)),
                        "{key}: {:?}",
                        node.value
                    )
                }
                t => panic!("unknown type {t:?}"),
            }
        }
        for f in fields.iter().filter(|f| f["required"] == true) {
            let name = f["name"].as_str().expect("name");
            assert!(co2.get(name).is_some(), "required `{name}` missing: {text}");
        }
        assert_eq!(
            fields
                .iter()
                .find(|f| f["name"] == "emissions")
                .map(|f| &f["unit"]),
            Some(&serde_json::json!("g CO2eq"))
        );
        match co2.get("emissions").map(|n| &n.value) {
            Some(Value::Int(i)) => *i as f64,
            Some(Value::Float(f)) => *f,
            other => panic!("emissions: {other:?}"),
        }
    }

    #[test]
    fn a_training_inventory_gives_its_training_emissions_in_grams() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/llama-3.1.toml");
        let (_, inv) = bilan_io::read_inventory(&path).unwrap_or_else(|e| panic!("{e}"));
        let a = assess(&inv);
        let text = write_for(&inv, &a);
        let grams = follows_the_spec(&text);
        let kg: f64 = a
            .counted(Indicator::Gwp)
            .map(|(c, v)| v * (c.phase_share(Phase::Training) + c.phase_share(Phase::FineTuning)))
            .sum();
        assert!(kg > 0.0);
        assert!(
            (grams / 1000.0 - kg).abs() <= 1e-9 * kg,
            "{grams} g, {kg} kg"
        );
        assert!(text.contains("training_type: \"pre-training\""), "{text}");
        assert!(
            text.contains("source: \"bilan 0.1.0, method ademe-lca@1.0.0\""),
            "{text}"
        );
        assert!(
            text.contains("geographical_location: \"United States of America\""),
            "{text}"
        );
        assert!(text.contains("x NVIDIA H100 80GB HBM3"), "{text}");
        assert!(text.contains("method `ademe-lca` version 1.0.0"), "{text}");
        assert!(text.contains("inventory `inventory.toml`"), "{text}");
        let total = a.total(Indicator::Gwp).expect("gwp");
        assert!(
            text.contains(&format!("is {} kg CO2eq", number(total))),
            "{text}"
        );
    }

    #[test]
    fn an_inventory_without_training_gives_its_total_and_says_so() {
        let boamps = crate::boamps::tests::fixture("samples/llm-inference-h100.json");
        let inv = crate::boamps::tests::import(&[boamps]).inventory;
        let a = assess(&inv);
        let text = write_for(&inv, &a);
        let grams = follows_the_spec(&text);
        let total = a.total(Indicator::Gwp).expect("gwp");
        assert!((grams / 1000.0 - total).abs() <= 1e-9 * total);
        assert!(!text.contains("training_type"), "{text}");
        assert!(text.contains("has no training or fine-tuning"), "{text}");
        assert!(
            text.contains("geographical_location: \"Paris, France\""),
            "{text}"
        );
    }

    #[test]
    fn a_method_without_gwp_is_refused_and_strings_stay_strings() {
        let boamps = crate::boamps::tests::fixture("samples/llm-inference-h100.json");
        let mut inv = crate::boamps::tests::import(&[boamps]).inventory;
        let mut a = no_figures();
        a.coverage.clear();
        let s = Source {
            inventory: &inv,
            assessment: &a,
            bilan_version: "0.1.0",
            inventory_file: "x.toml",
        };
        let err = write(&s).expect_err("no gwp");
        assert!(
            err.contains("the method test-method@1.2.3 does not cover gwp; a model card states emissions of CO2eq"),
            "{err}"
        );
        inv.system.name = "a: \"b\"\n---\n# c".into();
        let text = write_for(&inv, &no_figures());
        assert_eq!(follows_the_spec(&text), 0.0);
    }
}

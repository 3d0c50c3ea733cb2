use super::*;
use crate::assessment::tests::{descriptor, factor};
use crate::assessment::{Aspect, Builder, Draft, FactorUse, ItemRef};
use crate::inventory::Phase;
use crate::method::Parameters;

/// The class of each counted contribution of `a` for `indicator`, in order (`None` for a memo
/// contribution or one without a value for it): the weakest of its terms and of the factor
/// of its value.
fn contribution_classes(
    inventory: &Inventory,
    a: &Assessment,
    indicator: Indicator,
) -> Vec<Option<DataClass>> {
    let mut sources = Sources::new(inventory, a);
    a.contributions
        .iter()
        .map(|c| {
            let v = c.values.iter().find(|v| v.indicator == indicator)?;
            if c.memo {
                return None;
            }
            let base = sources.contribution(c);
            Some(sources.value(base, &v.factor))
        })
        .collect()
}

fn grid() -> FactorUse {
    factor("grid", 0.5)
}

/// Two training workloads on one site: `metered` measured by `bilan measure`, `stated` not.
fn inventory() -> Inventory {
    let measurement = serde_json::json!({
        "tool": "bilan measure 0.1.0", "method": "nvml-energy-counter",
        "duration": "1 h", "interval": "1 s", "devices": []
    });
    serde_json::from_value(serde_json::json!({
        "schema": 1,
        "system": {"name": "s", "period": {"start": "2025-01-01", "end": "2025-12-31"}},
        "site": [{"id": "dc", "region": "FR", "ownership": "owned"}],
        "workload": [
            {"id": "metered", "phase": "training", "site": "dc", "energy": "100 kWh",
             "measurement": measurement},
            {"id": "stated", "phase": "training", "site": "dc", "energy": "300 kWh"}
        ]
    }))
    .expect("test inventory")
}

fn energy(id: &str, kwh: f64, pue: Term) -> Draft {
    Draft::new(
        ItemRef::new(ItemKind::Workload, id),
        Aspect::Electricity,
        Stage::Use,
        "E × PUE × F",
    )
    .phase(Some(Phase::Training))
    .term(Term::new(
        "E",
        kwh,
        "kWh",
        TermSource::Item {
            key: "energy".into(),
        },
    ))
    .term(pue)
}

fn site_pue() -> Term {
    Term::new(
        "PUE",
        1.2,
        "1",
        TermSource::Inventory {
            path: "site[dc].pue".into(),
        },
    )
}

/// A PUE of 1 set by a method's boundary: not an inventory input, so not classed.
fn boundary_pue() -> Term {
    Term::new(
        "PUE",
        1.0,
        "1",
        TermSource::Rule {
            rule: "IT boundary".into(),
        },
    )
}

fn default_pue() -> Term {
    Term::new(
        "PUE",
        1.5,
        "1",
        TermSource::Parameter {
            name: "default-pue".into(),
        },
    )
}

fn assessment(drafts: Vec<Draft>) -> Assessment {
    let mut b = Builder::new(&descriptor(), &Parameters::default());
    let f = b.factor(grid());
    for d in drafts {
        b.contribute(d, &[(Indicator::Gwp, f.clone())]);
    }
    b.finish()
}

#[test]
fn measured_energy_times_a_default_pue_is_default() {
    let a = assessment(vec![energy("metered", 100.0, default_pue())]);
    let q = assess(&inventory(), &a);
    let total = q.total(Indicator::Gwp).expect("a total");
    assert_eq!(total.shares.default, 1.0);
    assert_eq!(total.grade, Grade::E);
}

#[test]
fn shares_weigh_contributions_by_their_weakest_input() {
    // metered: 100 × 1 × 0.5 = 50 (measured); stated: 300 × 1 × 0.5 = 150 (disclosed).
    let a = assessment(vec![
        energy("metered", 100.0, boundary_pue()),
        energy("stated", 300.0, boundary_pue()),
    ]);
    let q = assess(&inventory(), &a);
    let total = q.total(Indicator::Gwp).expect("a total");
    assert!((total.shares.measured - 0.25).abs() < 1e-12);
    assert!((total.shares.disclosed - 0.75).abs() < 1e-12);
    assert!((total.score - (0.25 + 0.75 * 0.7)).abs() < 1e-12);
    assert_eq!(total.grade, Grade::B);
    let classes = contribution_classes(&inventory(), &a, Indicator::Gwp);
    assert_eq!(
        classes,
        vec![Some(DataClass::Measured), Some(DataClass::Disclosed)]
    );
}

#[test]
fn a_measured_energy_times_a_stated_pue_is_disclosed() {
    let a = assessment(vec![energy("metered", 100.0, site_pue())]);
    let q = assess(&inventory(), &a);
    assert_eq!(q.total(Indicator::Gwp).unwrap().shares.disclosed, 1.0);
}

#[test]
fn an_estimated_term_makes_its_contribution_estimated() {
    let mut pue = site_pue();
    pue.meta_mut().estimated = Some("power-model".into());
    let a = assessment(vec![energy("metered", 100.0, pue)]);
    let q = assess(&inventory(), &a);
    assert_eq!(q.total(Indicator::Gwp).unwrap().shares.estimated, 1.0);
    assert_eq!(q.total(Indicator::Gwp).unwrap().grade, Grade::D);
}

#[test]
fn each_missing_stage_lowers_the_grade_once() {
    let inv = inventory();
    let mut a = assessment(vec![energy("metered", 100.0, site_pue())]);
    let required = [
        RequiredStage::Training,
        RequiredStage::Inference,
        RequiredStage::HardwareManufacturing,
    ];
    a.missing_stages = missing_stages(&inv, &a, &required);
    let stages: Vec<_> = a.missing_stages.iter().map(|m| m.stage).collect();
    assert_eq!(
        stages,
        [
            RequiredStage::Inference,
            RequiredStage::HardwareManufacturing
        ]
    );
    assert_eq!(
        a.missing_stages[0].reason,
        "the inventory has no inference workload"
    );
    assert_eq!(a.missing_stages[1].reason, "the inventory has no fleet");
    let q = assess(&inv, &a);
    // Disclosed (0.7, B), two grades lower.
    assert_eq!(q.total(Indicator::Gwp).unwrap().grade, Grade::D);
    assert_eq!(q.missing_stages.len(), 2);
}

#[test]
fn grades_follow_the_documented_thresholds() {
    let cases = [
        (1.0, Grade::A),
        (0.9, Grade::A),
        (0.89, Grade::B),
        (0.7, Grade::B),
        (0.5, Grade::C),
        (0.3, Grade::D),
        (0.29, Grade::E),
        (0.0, Grade::E),
    ];
    for (score, grade) in cases {
        assert_eq!(Grade::of_score(score), grade, "score {score}");
    }
    assert_eq!(Grade::D.lowered(3), Grade::E);
}

#[test]
fn inventory_paths_name_their_item() {
    assert_eq!(
        parse_path("site[eu-dc].pue"),
        Some((ItemKind::Site, "eu-dc", "pue"))
    );
    assert_eq!(
        parse_path("fleet[h100].lifetime"),
        Some((ItemKind::Fleet, "h100", "lifetime"))
    );
    assert_eq!(parse_path("system.period"), None);
}

#[test]
fn a_database_figure_standing_in_for_a_missing_pue_is_default() {
    let mut b = Builder::new(&descriptor(), &Parameters::default());
    let f = b.factor(grid());
    let mut pue = grid();
    pue.id = "pue-industry-average".into();
    pue.indicator = None;
    let pue = b.factor(pue);
    b.assume(
        "default-pue",
        "PUE not given: default 1.56 from `pue-industry-average`".to_owned(),
        Some(ItemRef::new(ItemKind::Site, "dc")),
    );
    let term = Term::new("PUE", 1.56, "1", TermSource::Factor { id: pue });
    b.contribute(energy("metered", 100.0, term), &[(Indicator::Gwp, f)]);
    let a = b.finish();
    let q = assess(&inventory(), &a);
    assert_eq!(q.total(Indicator::Gwp).unwrap().shares.default, 1.0);
    // The grid factor itself is not classed: with an inventory PUE the figure is measured.
    let a = assessment(vec![energy("metered", 100.0, boundary_pue())]);
    assert_eq!(
        assess(&inventory(), &a)
            .total(Indicator::Gwp)
            .unwrap()
            .shares
            .measured,
        1.0
    );
}

#[test]
fn a_value_whose_factor_is_a_default_wue_is_default() {
    let mut b = Builder::new(&descriptor(), &Parameters::default());
    let mut wue = grid();
    wue.id = "wue-us-average".into();
    let wue = b.factor(wue);
    b.assume(
        "default-wue",
        "WUE not given: default 0.36 L/kWh from `wue-us-average`".to_owned(),
        Some(ItemRef::new(ItemKind::Site, "dc")),
    );
    let water = Draft::new(
        ItemRef::new(ItemKind::Workload, "metered"),
        Aspect::CoolingWater,
        Stage::Use,
        "E_IT_total × WUE",
    )
    .term(Term::new(
        "E_IT_total",
        100.0,
        "kWh",
        TermSource::Derived {
            formula: "device energy".into(),
        },
    ));
    b.contribute(water, &[(Indicator::Gwp, wue)]);
    let a = b.finish();
    assert_eq!(
        contribution_classes(&inventory(), &a, Indicator::Gwp),
        vec![Some(DataClass::Default)]
    );
    assert_eq!(
        assess(&inventory(), &a)
            .total(Indicator::Gwp)
            .unwrap()
            .shares
            .default,
        1.0
    );
}

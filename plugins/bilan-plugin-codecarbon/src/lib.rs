//! CodeCarbon's calculation as a reference method (id `codecarbon`): what CodeCarbon
//! (`mlco2/codecarbon` ≥ 2.0) reports for a run, reproduced from the inventory so that
//! `bilan compare` shows its figure beside every method's and explains the difference by
//! driver.
//!
//! ```text
//! C = (E_IT + E_host) × PUE × F_grid
//! ```
//!
//! * `E_IT`, `E_host`: the run's measured energy (GPUs, else CPU) and the rest of the
//!   machine (CPU and RAM), as `bilan import codecarbon` writes them (CodeCarbon's records
//!   ÷ its PUE);
//! * `PUE`: the one CodeCarbon applied (`[workload.reported] pue`), else parameter
//!   `default-pue`, 1 by default as in CodeCarbon;
//! * `F_grid`: the grid intensity CodeCarbon applied (`[workload.reported]
//!   grid-intensity`, its emissions ÷ its energy), else the database's location-based
//!   figure for the site, as CodeCarbon's bundled Our World in Data mix is.
//!
//! CodeCarbon counts no embodied impacts, no idle capacity, no building, transport or end
//! of life; each is excluded with its reason and driver. Carbon and energy only. The
//! disclosure `codecarbon-reported` gives the emissions CodeCarbon itself recorded, so a
//! reader sees that the reproduction matches.

use std::sync::Arc;

use bilan_core::assessment::{
    Aspect, Assessment, Builder, Disclosure, Draft, Driver, ItemKind, ItemRef, Stage, Term,
    TermSource, functional_unit_results,
};
use bilan_core::factor::FactorSet;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FactorOverride, Inventory, Workload};
use bilan_core::method::{
    Descriptor, MethodError, Methodology, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec,
};
use bilan_core::units;
use bilan_method_kit::energy;
use bilan_method_kit::scope::{self, Reasons};
use bilan_method_kit::site;
use bilan_method_kit::terms::{HostOverhead, device_energy, host_overhead};

/// Method id.
pub const ID: &str = "codecarbon";

/// The tool whose records make this method run by default (`[workload.reported] tool`
/// starting with it).
pub const TOOL: &str = "codecarbon";

const REASONS: Reasons = Reasons {
    embodied: "CodeCarbon counts the electricity of the run: the hardware's embodied impacts are outside it (requested in mlco2/codecarbon#471)",
    host_embodied: "CodeCarbon counts no embodied impacts: host servers' manufacturing is left out",
    building: "the data-centre building is an embodied impact; CodeCarbon accounts for the data centre through its PUE only",
    transport: "transport of hardware is outside the electricity of the run",
    end_of_life: "end of life of hardware is outside the electricity of the run",
    other: "CodeCarbon counts the electricity of the run only: purchased services, fuels and refrigerants are outside it",
    instrument: "CodeCarbon applies the location-based intensity of the grid: contractual instruments do not change it",
    offset: "carbon credits are not netted: CodeCarbon reports the run's emissions",
};

const IDLE_REASON: &str = "CodeCarbon measures the machine while the run lasts: idle energy of reserved capacity is outside it";

/// The CodeCarbon reference method.
#[derive(Debug)]
pub struct CodeCarbon {
    descriptor: Descriptor,
}

impl Default for CodeCarbon {
    fn default() -> Self {
        CodeCarbon {
            descriptor: descriptor(),
        }
    }
}

fn descriptor() -> Descriptor {
    Descriptor {
        id: ID.to_owned(),
        name: "CodeCarbon's calculation (reference)".to_owned(),
        version: semver::Version::new(1, 0, 0),
        summary: "a reference: the emissions CodeCarbon reports for a run, reproduced from its records (energy × PUE × the grid intensity it applied); no embodied impacts. Run by default when the inventory holds CodeCarbon records (bilan import codecarbon)".to_owned(),
        indicators: vec![Indicator::Gwp, Indicator::Energy],
        boundary: "the electricity the machine drew during the run (GPU, CPU, RAM as CodeCarbon measured or estimated them), times the PUE CodeCarbon applied; no hardware manufacturing, idle capacity, building, transport or end of life".to_owned(),
        parameters: vec![
            ParamSpec::new(
                "default-pue",
                ParamKind::Number { min: Some(1.0), max: None },
                Some(ParamValue::Number(1.0)),
                "PUE for a run CodeCarbon has no record of; 1 is CodeCarbon's default",
            ),
            site::grid_boundary_param("the database grid intensity for a run CodeCarbon has no record of (CodeCarbon's bundled mix is Our World in Data's life-cycle figure)"),
        ],
        rules: vec![
            RuleSpec::new(Driver::IndicatorCoverage, "carbon and energy", "CodeCarbon reports CO2e and energy; its water figure is WUE × energy with a WUE of 0 by default, not kept"),
            RuleSpec::new(Driver::TimeFrame, "the run", "each run as recorded, whatever the reporting period"),
            RuleSpec::new(Driver::CapitalGoods, "excluded", "no embodied impacts"),
            RuleSpec::new(Driver::UtilisationDivisor, "none", "no embodied impacts, hence nothing to divide"),
            RuleSpec::new(Driver::ElectricityBasis, "location-based", "the average intensity of the country's or region's grid"),
            RuleSpec::new(Driver::TemporalResolution, "annual, as CodeCarbon applies it", "CodeCarbon's intensity for the run's country or region, an annual mix; a site's grid series is not used"),
            bilan_method_kit::matching::rule_location_only("CodeCarbon applies a grid intensity, never contractual instruments"),
            RuleSpec::new(Driver::ElectricityBoundary, "as recorded", "the intensity CodeCarbon applied (its emissions ÷ its energy), else the database's life-cycle figure"),
            RuleSpec::new(Driver::FacilityOverhead, "PUE as recorded, default 1", "the PUE CodeCarbon applied, else 1 (CodeCarbon's default)"),
            RuleSpec::new(Driver::IdleOverhead, "the machine", "GPU, CPU and RAM of the machine during the run (CPU and RAM as host overhead); no idle capacity"),
            RuleSpec::new(Driver::HostEmbodied, "excluded", "no embodied impacts of host servers"),
            RuleSpec::new(Driver::Building, "excluded", "the building enters through the PUE only"),
            RuleSpec::new(Driver::Transport, "excluded", "not electricity of the run"),
            RuleSpec::new(Driver::EndOfLife, "excluded", "not electricity of the run"),
            RuleSpec::new(Driver::OtherItems, "excluded", "not electricity of the run"),
        ],
        references: vec![
            "CodeCarbon (mlco2/codecarbon), emissions_tracker: energy × PUE, emissions = energy × carbon intensity of the country's (or cloud region's, or US state's) grid; https://mlco2.github.io/codecarbon/methodology.html".to_owned(),
        ],
    }
}

impl Methodology for CodeCarbon {
    fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    fn assess(
        &self,
        inventory: &Inventory,
        factors: &FactorSet,
        parameters: &Parameters,
    ) -> Result<Assessment, MethodError> {
        parameters.check(&self.descriptor)?;
        let mut run = Run {
            d: &self.descriptor,
            inv: inventory,
            factors,
            params: parameters,
            b: Builder::new(&self.descriptor, parameters),
            reported: 0.0,
            recorded: 0,
        };
        for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
            run.b
                .not_covered(indicator, "CodeCarbon reports CO2e and energy");
        }
        run.b.coverage_note(
            Indicator::Gwp,
            "the electricity of the runs only: no embodied impacts",
        );
        for w in &inventory.workloads {
            run.workload(w)?;
        }
        scope::exclude_all_but_electricity(&mut run.b, inventory, &REASONS);
        let (results, notes) = functional_unit_results(inventory, run.b.assessment())?;
        for note in notes {
            run.b.warn(note);
        }
        run.b.functional_units(results);
        if run.recorded > 0 {
            run.b.disclose(Disclosure {
                id: "codecarbon-reported".into(),
                label: "Emissions CodeCarbon itself recorded".into(),
                indicator: Some(Indicator::Gwp),
                value: Some(run.reported),
                unit: "kg".into(),
                formula: "Σ [workload.reported] gwp of the runs CodeCarbon recorded".into(),
                note: Some(format!(
                    "{} runs; the reproduction above should equal it (CodeCarbon's energy × its intensity)",
                    run.recorded
                )),
            });
        }
        Ok(run.b.finish())
    }
}

struct Run<'a> {
    d: &'a Descriptor,
    inv: &'a Inventory,
    factors: &'a FactorSet,
    params: &'a Parameters,
    b: Builder,
    /// Σ the emissions CodeCarbon recorded, kg.
    reported: f64,
    /// Runs with a CodeCarbon record.
    recorded: usize,
}

impl<'a> Run<'a> {
    fn workload(&mut self, w: &'a Workload) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Workload, w.id.clone());
        let record = w
            .reported
            .as_ref()
            .filter(|r| r.tool.to_ascii_lowercase().starts_with(TOOL));
        if let Some(r) = record {
            self.recorded += 1;
            if let Some(g) = &r.gwp {
                self.reported += g.to(&units::KG).unwrap_or(0.0);
            }
        }
        let pue = match record.and_then(|r| r.pue) {
            Some(p) => Term::new(
                "PUE",
                p,
                "1",
                TermSource::Inventory {
                    path: item.path("reported.pue").into(),
                },
            ),
            None => {
                let p = self.params.number(self.d, "default-pue").unwrap_or(1.0);
                self.b.assume(
                    "codecarbon-pue",
                    format!("no CodeCarbon record of this run's PUE: {p} (parameter `default-pue`; CodeCarbon's default is 1)"),
                    Some(item.clone()),
                );
                Term::new(
                    "PUE",
                    p,
                    "1",
                    TermSource::Parameter {
                        name: "default-pue".into(),
                    },
                )
            }
        }
        .driver(Driver::FacilityOverhead);
        let grid = self.intensity(w, &item, record.and_then(|r| r.grid_intensity.as_ref()))?;
        let grid = energy::with_energy(&mut self.b, &[(Indicator::Gwp, grid)]);
        let slice = |aspect: Aspect, formula: &str| {
            Draft::new(item.clone(), aspect, Stage::Use, formula.to_owned())
                .phase(Some(w.phase))
                .category("run")
        };
        let (terms, e_dev) = device_energy(w, &item)?;
        let formula = if terms.len() == 2 {
            "t_dev × P_dev × PUE × F_grid"
        } else {
            "E_IT × PUE × F_grid"
        };
        let mut draft = slice(Aspect::Electricity, formula);
        for t in &terms {
            draft = draft.term(t.clone());
        }
        self.b.contribute(draft.term(pue.clone()), &grid);
        if let Some(host) = &w.host_overhead {
            let (host, _) = host_overhead(host, e_dev, &item)?;
            let draft = match host {
                HostOverhead::Share(f_host) => {
                    let mut d = slice(
                        Aspect::HostElectricity,
                        &format!(
                            "{} × f_host × PUE × F_grid",
                            formula.trim_end_matches(" × PUE × F_grid")
                        ),
                    );
                    for t in &terms {
                        d = d.term(t.clone());
                    }
                    d.term(f_host)
                }
                HostOverhead::Energy(e_host) => {
                    slice(Aspect::HostElectricity, "E_host × PUE × F_grid").term(e_host)
                }
            };
            self.b
                .contribute(draft.presence(Driver::IdleOverhead).term(pue), &grid);
        }
        if w.idle_energy.is_some() {
            self.b.exclude(
                item,
                Some(Aspect::IdleElectricity),
                None,
                IDLE_REASON,
                Some(Driver::IdleOverhead),
            );
        }
        Ok(())
    }

    /// `F_grid`: the intensity CodeCarbon applied, else the database's location-based one.
    fn intensity(
        &mut self,
        w: &Workload,
        item: &ItemRef,
        recorded: Option<&bilan_core::units::Quantity>,
    ) -> Result<Arc<str>, MethodError> {
        let driver = Some(Driver::ElectricityBoundary);
        if let Some(q) = recorded {
            let o = FactorOverride {
                value: q.clone(),
                source: "the intensity CodeCarbon applied to this run: its emissions ÷ its energy (bilan import codecarbon)".to_owned(),
                boundary: "as recorded by CodeCarbon (location-based)".to_owned(),
                year: None,
                url: None,
            };
            return self.b.override_factor(
                &item.path("reported.grid-intensity"),
                "electricity/grid",
                Some(Indicator::Gwp),
                &o,
                "F_grid",
                site::per_kwh(Indicator::Gwp),
                driver,
            );
        }
        let inv = self.inv;
        let site = inv.site(&w.site).ok_or_else(|| MethodError::Input {
            item: item.to_string(),
            message: format!("unknown site `{}`", w.site),
        })?;
        let boundary = site::grid_boundary(self.d, self.params);
        site::location_intensity(
            &mut self.b,
            self.factors,
            site,
            boundary,
            "F_grid",
            driver,
            "CodeCarbon",
        )
    }
}

#[cfg(test)]
mod tests;

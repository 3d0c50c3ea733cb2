//! An example third-party methodology plugin: the **Green Algorithms** method (id
//! `green-algorithms`), after Lannelongue, Grealey & Inouye, "Green Algorithms: Quantifying
//! the Carbon Footprint of Computation", *Advanced Science* 8 (12), 2021.
//!
//! It is what a consultancy might ship as a plugin: a published method that none of bilan's
//! built-ins follows, built separately and loaded at run time (`bilan compare … --plugin
//! libbilan_plugin_example.so`). The crate is also an `rlib`, so its tests run it directly.
//! `README.md` beside this file is the guide for plugin authors.
//!
//! ```text
//! E = t × (n × P × u + P_host) × PUE × PSF        C = E × CI
//! ```
//!
//! * `t × n × P`: the device time and power of each workload (`t_dev × P_dev`, or its
//!   measured `E_IT`); `u`, the **usage factor**, is the workload's `utilisation` (1 when not
//!   given); it applies to computed power only, a measured energy already reflects use.
//! * `P_host`: the paper counts the power of the memory allocated (0.3725 W/GB) and of the
//!   CPU cores; the inventory's `host-overhead` (host CPUs, memory, network) stands for it.
//! * `PUE`: the site's, else parameter `default-pue`, **1.67** by default: the global average
//!   (Uptime Institute 2019) the paper uses when the data centre is unknown.
//! * `PSF`, the **pragmatic scaling factor**: how many times the computation was run (tuning,
//!   restarts); parameter `pragmatic-scaling-factor`, default 1.
//! * `CI`: the location-based carbon intensity of the site's grid: the site's own figure,
//!   else the factor database's (`grid-boundary`, life-cycle by default).
//!
//! The method counts the electricity of the computation only. Everything else is excluded,
//! each with its reason and divergence driver, so `bilan compare` explains the gap: embodied
//! hardware (capital goods, host servers), idle energy of reserved capacity, the building,
//! transport, end of life, purchased services, fuels and refrigerants, and contractual
//! instruments and offsets (a location-based method). Carbon (GWP) only.
//!
//! Disclosures: the energy `E` in kWh, and the carbon as **tree-months** (months a mature
//! tree needs to sequester it, at the paper's 11 kgCO2 a year).

use std::collections::HashMap;
use std::sync::Arc;

use bilan_core::assessment::{
    Aspect, Assessment, Builder, Disclosure, Draft, Driver, ItemKind, ItemRef, Stage, Term,
    TermSource, functional_unit_results,
};
use bilan_core::factor::FactorSet;
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{Inventory, Site, Workload};
use bilan_core::method::{
    Descriptor, MethodError, Methodology, ParamKind, ParamSpec, ParamValue, Parameters, RuleSpec,
};
use bilan_plugin_sdk::kit::site;
use bilan_plugin_sdk::kit::terms::{
    EnergySum, HostOverhead, device_energy, device_pue, host_boundary, host_overhead, host_pue,
};
use bilan_plugin_sdk::kit::{energy, scope};

bilan_plugin_sdk::export_plugin!(GreenAlgorithms::default);

/// Method id.
pub const ID: &str = "green-algorithms";

/// PUE when the site gives none: the global average the paper uses (Uptime Institute 2019).
pub const DEFAULT_PUE: f64 = 1.67;

/// CO2 a mature tree sequesters in a year, kg (the paper's tree-month equivalent).
pub const TREE_KG_PER_YEAR: f64 = 11.0;

const NOT_COVERED: &str = "Green Algorithms estimates the carbon footprint of computation only";

const EMBODIED_REASON: &str = "Green Algorithms counts the electricity of the computation: the embodied impacts of the hardware are outside its scope";
const HOST_EMBODIED_REASON: &str =
    "Green Algorithms counts no embodied impacts: host servers' manufacturing is left out";
const IDLE_REASON: &str = "Green Algorithms counts the power drawn while the computation runs (cores × usage factor + memory): energy of reserved hardware while idle is outside it";
const BUILDING_REASON: &str = "the data-centre building is an embodied impact; Green Algorithms accounts for the data centre through PUE only";
const TRANSPORT_REASON: &str = "transport of hardware is outside the computation's electricity";
const END_OF_LIFE_REASON: &str = "end of life of hardware is outside the computation's electricity";
const OTHER_REASON: &str = "Green Algorithms counts the electricity of the computation only: purchased services, fuels and refrigerants are outside it";
const INSTRUMENT_REASON: &str = "Green Algorithms uses the location-based carbon intensity of the grid: contractual instruments (PPAs, RECs, guarantees of origin) do not change it";
const OFFSET_REASON: &str =
    "carbon credits are not netted: Green Algorithms reports the footprint of the computation";

/// The Green Algorithms method.
#[derive(Debug)]
pub struct GreenAlgorithms {
    descriptor: Descriptor,
}

impl Default for GreenAlgorithms {
    fn default() -> Self {
        GreenAlgorithms {
            descriptor: descriptor(),
        }
    }
}

fn descriptor() -> Descriptor {
    Descriptor {
        id: ID.to_owned(),
        name: "Green Algorithms (Lannelongue et al. 2021)".to_owned(),
        version: semver::Version::new(0, 1, 0),
        summary: "carbon footprint of computation: runtime × (devices × power × usage factor + memory and host power) × PUE × pragmatic scaling factor × location-based carbon intensity; no embodied impacts".to_owned(),
        indicators: vec![Indicator::Gwp, Indicator::Energy],
        boundary: "the electricity drawn by the computation (accelerators at their usage factor, host CPUs and memory), times the data centre's PUE and the number of times it was run; no hardware manufacturing, building, transport or end of life".to_owned(),
        parameters: vec![
            ParamSpec::new(
                "default-pue",
                ParamKind::Number { min: Some(1.0), max: None },
                Some(ParamValue::Number(DEFAULT_PUE)),
                "PUE for sites that give none; 1.67 is the global average (Uptime Institute 2019) Green Algorithms uses for an unknown data centre",
            ),
            ParamSpec::new(
                "pragmatic-scaling-factor",
                ParamKind::Number { min: Some(1.0), max: None },
                Some(ParamValue::Number(1.0)),
                "PSF: how many times the computation was run (hyper-parameter search, restarts); every workload's energy is multiplied by it",
            ),
            site::grid_boundary_param("which database carbon intensity CI is when the site gives none: life-cycle or combustion only"),
        ],
        rules: vec![
            RuleSpec::new(Driver::IndicatorCoverage, "carbon and energy", "Green Algorithms reports a carbon footprint and its energy (final electricity, `energy`); water and abiotic depletion are outside it"),
            RuleSpec::new(Driver::TimeFrame, "the computation", "the runs of the inventory's workloads, whatever the reporting period, times the pragmatic scaling factor"),
            RuleSpec::new(Driver::CapitalGoods, "excluded", "no embodied impacts: the hardware's manufacturing is outside the method"),
            RuleSpec::new(Driver::UtilisationDivisor, "none", "no embodied impacts, hence nothing to divide by utilisation"),
            RuleSpec::new(Driver::ElectricityBasis, "location-based", "the average carbon intensity of the site's grid; contractual instruments do not change it"),
            RuleSpec::new(Driver::ElectricityBoundary, "parameter", "the site's own intensity, else the database's life-cycle figure (parameter `grid-boundary`)"),
            RuleSpec::new(Driver::FacilityOverhead, "PUE, default 1.67", "energy × PUE; the site's PUE, else 1.67, the global average the paper uses (parameter `default-pue`)"),
            RuleSpec::new(Driver::IdleOverhead, "usage factor", "devices draw power × usage factor (the workload's utilisation); memory and host CPUs are counted through the host overhead; idle energy of reserved hardware is left out"),
            RuleSpec::new(Driver::HostEmbodied, "excluded", "no embodied impacts of host servers"),
            RuleSpec::new(Driver::Building, "excluded", "the building enters through PUE only"),
            RuleSpec::new(Driver::Transport, "excluded", "not electricity of the computation"),
            RuleSpec::new(Driver::EndOfLife, "excluded", "not electricity of the computation"),
            RuleSpec::new(Driver::OtherItems, "excluded", "purchased services, fuels and refrigerants are not electricity of the computation"),
            RuleSpec::new(Driver::AuditorRule, "pragmatic scaling factor", "every workload's energy × PSF, the number of times the computation was run"),
        ],
        references: vec![
            "Lannelongue L., Grealey J., Inouye M. (2021), Green Algorithms: Quantifying the Carbon Footprint of Computation, Advanced Science 8(12), 2100707, doi:10.1002/advs.202100707".to_owned(),
            "Green Algorithms calculator, www.green-algorithms.org".to_owned(),
        ],
    }
}

impl Methodology for GreenAlgorithms {
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
        let psf = parameters
            .number(&self.descriptor, "pragmatic-scaling-factor")
            .unwrap_or(1.0);
        let run = Run {
            d: &self.descriptor,
            inv: inventory,
            factors,
            params: parameters,
            b: Builder::new(&self.descriptor, parameters),
            sites: HashMap::new(),
            psf,
            energy: 0.0,
        };
        run.assess()
    }
}

fn input_error(item: &ItemRef, e: impl ToString) -> MethodError {
    MethodError::Input {
        item: item.to_string(),
        message: e.to_string(),
    }
}

struct Run<'a> {
    d: &'a Descriptor,
    inv: &'a Inventory,
    factors: &'a FactorSet,
    params: &'a Parameters,
    b: Builder,
    /// `PUE` and `CI` of each site.
    sites: HashMap<&'a str, (Term, Arc<str>)>,
    psf: f64,
    /// Energy counted (× PUE × PSF), kWh.
    energy: f64,
}

impl<'a> Run<'a> {
    fn assess(mut self) -> Result<Assessment, MethodError> {
        for indicator in [Indicator::Water, Indicator::Adpe, Indicator::Adpf] {
            self.b.not_covered(indicator, NOT_COVERED);
        }
        self.b.coverage_note(
            Indicator::Gwp,
            "operational carbon of the computation only: no embodied impacts",
        );
        if self.psf != 1.0 {
            self.b.assume(
                "pragmatic-scaling-factor",
                format!(
                    "every workload was run {} times (parameter `pragmatic-scaling-factor`)",
                    self.psf
                ),
                None,
            );
        }
        let inv = self.inv;
        for w in &inv.workloads {
            self.workload(w)?;
        }
        self.exclusions();
        let (results, notes) = functional_unit_results(self.inv, self.b.assessment())?;
        for note in notes {
            self.b.warn(note);
        }
        self.b.functional_units(results);
        let carbon = self.b.assessment().total(Indicator::Gwp).unwrap_or(0.0);
        self.b.disclose(Disclosure {
            id: "energy".into(),
            label: "Energy of the computation".into(),
            indicator: None,
            value: Some(self.energy),
            unit: "kWh".into(),
            formula: "Σ E × PUE × PSF".into(),
            note: None,
        });
        self.b.disclose(Disclosure {
            id: "tree-months".into(),
            label: "Tree-months to sequester the carbon".into(),
            indicator: None,
            value: Some(carbon / (TREE_KG_PER_YEAR / 12.0)),
            unit: "tree-months".into(),
            formula: "C / (11 kgCO2 per tree-year / 12)".into(),
            note: Some("the equivalence Green Algorithms reports: a mature tree sequesters about 11 kgCO2 a year".to_owned()),
        });
        Ok(self.b.finish())
    }

    /// `PUE` and `CI` of a site, computed once.
    fn site(&mut self, id: &str, item: &ItemRef) -> Result<(Term, Arc<str>), MethodError> {
        if let Some(ctx) = self.sites.get(id) {
            return Ok(ctx.clone());
        }
        let inv = self.inv;
        let site = inv
            .site(id)
            .ok_or_else(|| input_error(item, format!("unknown site `{id}`")))?;
        let ctx = (self.pue(site)?, self.intensity(site)?);
        self.sites.insert(site.id.as_str(), ctx.clone());
        Ok(ctx)
    }

    /// `PUE`: the site's, else parameter `default-pue` (1.67 unless set), resolved by the
    /// kit like every built-in method.
    fn pue(&mut self, site: &Site) -> Result<Term, MethodError> {
        let defaults = site::Defaults::new(self.d, self.params, self.factors);
        Ok(site::pue(&mut self.b, defaults, site)?.or_error(site)?.term)
    }

    /// `CI`: the site's own location-based figure, else the database's.
    fn intensity(&mut self, site: &Site) -> Result<Arc<str>, MethodError> {
        let boundary = site::grid_boundary(self.d, self.params);
        site::location_intensity(
            &mut self.b,
            self.factors,
            site,
            boundary,
            "CI",
            Some(Driver::ElectricityBoundary),
            "Green Algorithms",
        )
    }

    fn workload(&mut self, w: &'a Workload) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Workload, w.id.clone());
        let (pue, ci) = self.site(&w.site, &item)?;
        let grid = energy::with_energy(&mut self.b, &[(Indicator::Gwp, ci)]);
        let psf = Term::new(
            "PSF",
            self.psf,
            "1",
            TermSource::Parameter {
                name: "pragmatic-scaling-factor".into(),
            },
        )
        .driver(Driver::AuditorRule);
        let slice = |aspect: Aspect, formula: String| {
            Draft::new(item.clone(), aspect, Stage::Use, formula)
                .phase(Some(w.phase))
                .category("computation")
        };

        let (energy_terms, e_dev) = device_energy(w, &item)?;
        let computed = energy_terms.len() == 2;
        let mut draft = slice(
            Aspect::Electricity,
            if computed {
                "t_dev × P_dev × u × PUE × PSF × CI"
            } else {
                "E_IT × PUE × PSF × CI"
            }
            .to_owned(),
        );
        for t in &energy_terms {
            draft = draft.term(t.clone());
        }
        let mut kwh = e_dev;
        if computed {
            let u = match w.utilisation {
                Some(u) if u > 0.0 && u <= 1.0 => Term::new(
                    "u",
                    u,
                    "1",
                    TermSource::Item {
                        key: "utilisation".into(),
                    },
                ),
                Some(u) => {
                    return Err(input_error(
                        &item,
                        format!("utilisation {u} is not a usage factor (0 < u ≤ 1)"),
                    ));
                }
                None => {
                    self.b.assume(
                        "usage-factor",
                        "utilisation not given: usage factor u = 1 (the devices ran at full power)"
                            .to_owned(),
                        Some(item.clone()),
                    );
                    Term::new(
                        "u",
                        1.0,
                        "1",
                        TermSource::Rule {
                            rule: "usage factor 1 when the utilisation is not given".into(),
                        },
                    )
                }
            };
            kwh *= u.value;
            draft = draft.term(u.driver(Driver::IdleOverhead));
        }
        let mut sum = EnergySum::default();
        sum.add(kwh, w.energy_boundary());
        self.b
            .contribute(draft.term(device_pue(&pue, w)).term(psf.clone()), &grid);

        if let Some(host) = &w.host_overhead {
            let (host, e_host) = host_overhead(host, e_dev, &item)?;
            sum.add(e_host, host_boundary(w, &host));
            let host_pue = host_pue(&pue, w, &host);
            let draft = match host {
                HostOverhead::Share(f_host) => {
                    let device = if computed { "t_dev × P_dev" } else { "E_IT" };
                    let formula = format!("{device} × f_host × PUE × PSF × CI");
                    let mut d = slice(Aspect::HostElectricity, formula);
                    for t in &energy_terms {
                        d = d.term(t.clone());
                    }
                    d.term(f_host)
                }
                HostOverhead::Energy(e_host) => slice(
                    Aspect::HostElectricity,
                    "E_host × PUE × PSF × CI".to_owned(),
                )
                .term(e_host),
            };
            self.b.contribute(
                draft
                    .presence(Driver::IdleOverhead)
                    .term(host_pue)
                    .term(psf),
                &grid,
            );
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
        self.energy += sum.at_facility(pue.value) * self.psf;
        Ok(())
    }

    /// Everything the method leaves out, each with its reason and driver.
    fn exclusions(&mut self) {
        let reasons = scope::Reasons {
            embodied: EMBODIED_REASON,
            host_embodied: HOST_EMBODIED_REASON,
            building: BUILDING_REASON,
            transport: TRANSPORT_REASON,
            end_of_life: END_OF_LIFE_REASON,
            other: OTHER_REASON,
            instrument: INSTRUMENT_REASON,
            offset: OFFSET_REASON,
        };
        scope::exclude_all_but_electricity(&mut self.b, self.inv, &reasons);
    }
}

#[cfg(test)]
mod tests;

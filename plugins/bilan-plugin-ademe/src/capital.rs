//! Capital goods: fleets' embodied impacts (reserved device time over the lifetime), data-centre buildings, transport and end of life tied to a fleet.

use std::sync::Arc;

use bilan_core::assessment::work::reserved;
use bilan_core::assessment::{Aspect, Draft, Driver, ItemKind, ItemRef, Stage, Term, TermSource};
use bilan_core::factor::{FactorQuery, Lookup};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FactorOverride, Fleet};
use bilan_core::method::MethodError;
use bilan_core::units;

use super::{FleetCtx, HARDWARE_BOUNDARIES, Reserved, Run, aspect_of, input_error, per_device};

impl<'a> Run<'a> {
    pub(super) fn fleet_ctx(&mut self, fleet: &'a Fleet) -> Result<FleetCtx, MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let lifetime = match &fleet.lifetime {
            Some(q) => Term::new(
                "L",
                q.to(&units::HOUR).map_err(|e| input_error(&item, e))?,
                "h",
                TermSource::Item {
                    key: "lifetime".into(),
                },
            ),
            None => {
                let q = self
                    .params
                    .quantity(self.d, "default-lifetime")
                    .ok_or_else(|| {
                        MethodError::Other("parameter `default-lifetime` has no value".into())
                    })?;
                self.b.assume(
                    "default-lifetime",
                    format!("lifetime not given: parameter `default-lifetime` = {q}"),
                    Some(item.clone()),
                );
                Term::new(
                    "L",
                    q.to(&units::HOUR)?,
                    "h",
                    TermSource::Parameter {
                        name: "default-lifetime".into(),
                    },
                )
            }
        }
        .dividing()
        .driver(Driver::CapitalGoods);
        let embodied = self.hardware_factors(
            &item,
            &fleet.model,
            &fleet.embodied,
            "embodied",
            "EF_device",
        )?;
        let host = match &fleet.host {
            Some(host) if self.flag("include-host-embodied") => {
                let factors = self.hardware_factors(
                    &item,
                    &host.model,
                    &host.embodied,
                    "host.embodied",
                    "EF_server",
                )?;
                let d = Term::new(
                    "D_host",
                    host.devices_per_host,
                    "device/server",
                    TermSource::Item {
                        key: "host.devices-per-host".into(),
                    },
                )
                .dividing()
                .driver(Driver::HostEmbodied);
                Some((d, factors))
            }
            Some(_) => {
                self.b.exclude(
                    item.clone(),
                    Some(Aspect::HostEmbodied),
                    None,
                    "parameter `include-host-embodied` is false",
                    Some(Driver::HostEmbodied),
                );
                None
            }
            None => None,
        };
        Ok(FleetCtx {
            lifetime,
            embodied,
            host,
        })
    }

    pub(super) fn hardware_factors(
        &mut self,
        item: &ItemRef,
        model: &str,
        overrides: &std::collections::BTreeMap<Indicator, FactorOverride>,
        key: &str,
        symbol: &'static str,
    ) -> Result<Vec<(Indicator, Arc<str>)>, MethodError> {
        let subject = format!("hardware/{model}");
        let mut out = Vec::new();
        for indicator in Indicator::ALL {
            if let Some(o) = overrides.get(&indicator) {
                let path = item.path(&format!("{key}.{indicator}"));
                out.push((
                    indicator,
                    self.b.override_factor(
                        &path,
                        &subject,
                        Some(indicator),
                        o,
                        symbol,
                        per_device(indicator),
                        Some(Driver::FactorChoice),
                    )?,
                ));
                continue;
            }
            match self.factors.lookup(&FactorQuery {
                subject: &subject,
                indicator: Some(indicator),
                region: &bilan_core::region::Region::world(),
                boundaries: &HARDWARE_BOUNDARIES,
                preference: self.preference,
            }) {
                Lookup::Found(r) => {
                    if !r.alternatives.is_empty() {
                        self.b.assume(
                            "factor-preference",
                            format!(
                                "{subject} {indicator}: chose `{}` ({}) over {} by the preference order of `embodied-preference`",
                                r.factor.id,
                                r.factor.basis.id(),
                                r.alternatives.iter().map(|a| format!("`{}` ({})", a.id, a.basis.id())).collect::<Vec<_>>().join(", ")
                            ),
                            Some(item.clone()),
                        );
                    }
                    out.push((
                        indicator,
                        self.b.database_factor(
                            &r,
                            symbol,
                            per_device(indicator),
                            Some(Driver::FactorChoice),
                        )?,
                    ));
                }
                Lookup::Absent { reason, .. } => {
                    self.b.no_factor(
                        item,
                        aspect_of(key),
                        indicator,
                        &subject,
                        Some(&reason),
                        key,
                    );
                }
                Lookup::Missing { .. } => {
                    self.b
                        .no_factor(item, aspect_of(key), indicator, &subject, None, key);
                }
            }
        }
        Ok(out)
    }

    pub(super) fn fleet(&mut self, fleet: &'a Fleet) -> Result<(), MethodError> {
        let item = ItemRef::new(ItemKind::Fleet, fleet.id.as_str());
        let reserved = self.reserved_time(fleet)?;
        let (t_res, allocation) = (reserved.total, reserved.allocation.clone());
        if t_res <= 0.0 {
            self.b.exclude(
                item,
                Some(Aspect::Embodied),
                None,
                "no workload reserved this fleet: nothing to amortise over the functional unit",
                Some(Driver::CapitalGoods),
            );
            return Ok(());
        }
        let ctx = self.fleet_ctx(fleet)?;
        let t_term = Term::new(
            "T_res",
            t_res,
            "GPU·h",
            TermSource::Derived {
                formula: "Σ device time reserved by the fleet's workloads".into(),
            },
        )
        .driver(Driver::CapitalGoods);
        let divisor = self.utilisation_divisor(fleet, &reserved)?;
        let mut draft = Draft::new(
            item.clone(),
            Aspect::Embodied,
            Stage::Manufacturing,
            "T_res / L × EF_device",
        )
        .allocation(allocation.clone())
        .term(t_term.clone())
        .term(ctx.lifetime.clone());
        if let Some(u) = &divisor {
            draft.formula = "T_res / L / u × EF_device".into();
            draft = draft.term(u.clone());
        }
        self.b.contribute(draft, &ctx.embodied);
        if let Some((d_host, host_factors)) = ctx.host {
            let mut draft = Draft::new(
                item,
                Aspect::HostEmbodied,
                Stage::Manufacturing,
                "T_res / L / D_host × EF_server",
            )
            .allocation(allocation)
            .presence(Driver::HostEmbodied)
            .term(t_term)
            .term(ctx.lifetime)
            .term(d_host);
            if let Some(u) = divisor {
                draft.formula = "T_res / L / D_host / u × EF_server".into();
                draft = draft.term(u);
            }
            self.b.contribute(draft, &host_factors);
        }
        Ok(())
    }

    /// Device time reserved on `fleet` by its workloads, each workload's share and
    /// utilisation; computed once per fleet (assumptions and exclusions are recorded once).
    pub(super) fn reserved_time(&mut self, fleet: &'a Fleet) -> Result<Reserved, MethodError> {
        if let Some(r) = self.reserved.get(fleet.id.as_str()) {
            return Ok(r.clone());
        }
        let r = reserved(self.inv, fleet)?;
        for (item, text) in &r.assumed {
            self.b
                .assume("device-time", text.clone(), Some(item.clone()));
        }
        for item in &r.missing {
            self.b.exclude(
                item.clone(),
                Some(Aspect::Embodied),
                None,
                "no device time to allocate the fleet's embodied impacts: give `device-hours`, or `duration` or `period`",
                Some(Driver::CapitalGoods),
            );
        }
        let reserved = Reserved {
            total: r.total,
            allocation: r.allocation,
            utilisation: r.utilisation,
        };
        self.reserved.insert(fleet.id.as_str(), reserved.clone());
        Ok(reserved)
    }

    /// The utilisation term, when the parameter asks for it: the device-time-weighted
    /// harmonic mean of the workloads' utilisation, so that T_res / u = Σ t_w / u_w.
    pub(super) fn utilisation_divisor(
        &mut self,
        fleet: &Fleet,
        reserved: &Reserved,
    ) -> Result<Option<Term>, MethodError> {
        if self.params.text(self.d, "utilisation-divisor") != Some("inventory") {
            return Ok(None);
        }
        let mut weighted = 0.0;
        for (a, utilisation) in reserved.allocation.iter().zip(&reserved.utilisation) {
            let u = match *utilisation {
                Some(u) => u,
                None => {
                    self.b.assume(
                        "utilisation",
                        "utilisation not given: no divisor (u = 1) for this workload".into(),
                        Some(ItemRef::new(ItemKind::Workload, a.workload.clone())),
                    );
                    1.0
                }
            };
            weighted += a.share / u;
        }
        let u = if weighted > 0.0 { 1.0 / weighted } else { 1.0 };
        Ok(Some(
            Term::new("u", u, "1", TermSource::Derived { formula: format!("harmonic mean of workloads' utilisation on fleet `{}`, weighted by device time", fleet.id).into() })
                .dividing()
                .driver(Driver::UtilisationDivisor),
        ))
    }

    pub(super) fn buildings(&mut self) -> Result<(), MethodError> {
        for b in &self.inv.buildings {
            let item = ItemRef::new(ItemKind::Building, b.id.as_str());
            let (t, t_source) = match &b.time {
                Some(q) => (
                    q.to(&units::HOUR).map_err(|e| input_error(&item, e))?,
                    TermSource::Item { key: "time".into() },
                ),
                None => {
                    let days = self.inv.system.period.days() as f64;
                    self.b.assume(
                        "building-time",
                        format!(
                            "building share used over the reporting period ({}, {days} days)",
                            self.inv.system.period
                        ),
                        Some(item.clone()),
                    );
                    (
                        days * 24.0,
                        TermSource::Inventory {
                            path: "system.period".into(),
                        },
                    )
                }
            };
            let l = b
                .lifetime
                .to(&units::HOUR)
                .map_err(|e| input_error(&item, e))?;
            let factors = self.item_impacts(&item, "impacts", &b.impacts)?;
            let draft = Draft::new(
                item,
                Aspect::Building,
                Stage::Infrastructure,
                "I_building × t / L_building × share",
            )
            .presence(Driver::Building)
            .term(Term::new("t", t, "h", t_source).driver(Driver::CapitalGoods))
            .term(
                Term::new(
                    "L_building",
                    l,
                    "h",
                    TermSource::Item {
                        key: "lifetime".into(),
                    },
                )
                .dividing()
                .driver(Driver::CapitalGoods),
            )
            .term(Term::new(
                "share",
                b.share,
                "1",
                TermSource::Item {
                    key: "share".into(),
                },
            ));
            self.b.contribute(draft, &factors);
        }
        Ok(())
    }

    pub(super) fn fleet_bound_items(&mut self) -> Result<(), MethodError> {
        let items: Vec<(
            ItemKind,
            Aspect,
            Stage,
            Driver,
            &'a bilan_core::inventory::ImpactItem,
        )> = self
            .inv
            .transports
            .iter()
            .map(|t| {
                (
                    ItemKind::Transport,
                    Aspect::Transport,
                    Stage::Transport,
                    Driver::Transport,
                    t,
                )
            })
            .chain(self.inv.end_of_life.iter().map(|t| {
                (
                    ItemKind::EndOfLife,
                    Aspect::EndOfLife,
                    Stage::EndOfLife,
                    Driver::EndOfLife,
                    t,
                )
            }))
            .collect();
        for (kind, aspect, stage, driver, it) in items {
            let item = ItemRef::new(kind, it.id.as_str());
            let factors = self.item_impacts(&item, "impacts", &it.impacts)?;
            let mut draft = Draft::new(item.clone(), aspect, stage, "I").presence(driver);
            if let Some(fleet_id) = &it.fleet {
                let fleet = self
                    .inv
                    .fleet(fleet_id)
                    .ok_or_else(|| input_error(&item, format!("unknown fleet `{fleet_id}`")))?;
                let Reserved {
                    total: t_res,
                    allocation,
                    ..
                } = self.reserved_time(fleet)?;
                let l = match &fleet.lifetime {
                    Some(q) => q.to(&units::HOUR).map_err(|e| input_error(&item, e))?,
                    None => self
                        .params
                        .quantity(self.d, "default-lifetime")
                        .map(|q| q.to(&units::HOUR))
                        .transpose()?
                        .unwrap_or(f64::NAN),
                };
                draft.formula = "I × T_res / (L × N)".into();
                draft = draft
                    .allocation(allocation)
                    .term(
                        Term::new(
                            "T_res",
                            t_res,
                            "GPU·h",
                            TermSource::Derived {
                                formula: format!("Σ device time reserved on fleet `{}`", fleet.id)
                                    .into(),
                            },
                        )
                        .driver(Driver::CapitalGoods),
                    )
                    .term(
                        Term::new(
                            "L",
                            l,
                            "h",
                            TermSource::Inventory {
                                path: format!("fleet[{}].lifetime", fleet.id).into(),
                            },
                        )
                        .dividing()
                        .driver(Driver::CapitalGoods),
                    )
                    .term(
                        Term::new(
                            "N",
                            fleet.count,
                            "device",
                            TermSource::Inventory {
                                path: format!("fleet[{}].count", fleet.id).into(),
                            },
                        )
                        .dividing()
                        .driver(Driver::CapitalGoods),
                    );
            }
            self.b.contribute(draft, &factors);
        }
        Ok(())
    }
}

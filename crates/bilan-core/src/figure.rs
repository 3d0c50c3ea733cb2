//! Figure paths: how a single number of an assessment is addressed.
//!
//! Grammar (see `docs/figures.md`):
//!
//! ```text
//! figure    = indicator "." selector
//! indicator = "gwp" | "water" | "adpe" | "adpf"
//! selector  = "total"
//!           | "stage." stage        ; manufacturing, transport, use, infrastructure, end-of-life
//!           | "phase." phase        ; training, fine-tuning, development, inference
//!           | "item." item-id       ; any inventory item id (the rest of the path, dots allowed)
//!           | "item." item-id "@" aspect ; one aspect of one item, e.g. item.h100@host-embodied
//!           | "aspect." aspect      ; every item's aspect, e.g. aspect.idle-electricity
//!           | "category." category  ; a method's own category, e.g. scope-2-location
//!           | "unit." fu-id         ; per functional unit
//!           | "disclosure." id      ; a method's own disclosed figure
//! ```

use std::fmt;
use std::str::FromStr;

use crate::assessment::{Aspect, Assessment, Contribution, Stage};
use crate::indicator::Indicator;
use crate::inventory::Phase;

/// What part of an indicator a figure selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// The total.
    Total,
    /// One life-cycle stage.
    Stage(Stage),
    /// One workload phase.
    Phase(Phase),
    /// One inventory item (any kind).
    Item(String),
    /// One aspect of one inventory item (`item.ID@ASPECT`).
    ItemAspect(String, Aspect),
    /// One aspect of every item (`aspect.ASPECT`): dynamic vs idle energy, accelerator vs
    /// server embodied, on-site vs off-site water.
    Aspect(Aspect),
    /// One of the method's categories.
    Category(String),
    /// Per functional unit.
    Unit(String),
    /// A method's disclosure (e.g. Mistral's inference share).
    Disclosure(String),
}

/// A parsed figure path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigurePath {
    /// The indicator.
    pub indicator: Indicator,
    /// The selector.
    pub selector: Selector,
}

impl FromStr for FigurePath {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const GRAMMAR: &str = "expected INDICATOR.total, INDICATOR.stage.STAGE, INDICATOR.phase.PHASE, INDICATOR.item.ID, INDICATOR.item.ID@ASPECT, INDICATOR.aspect.ASPECT, INDICATOR.category.CATEGORY, INDICATOR.unit.FUNCTIONAL-UNIT or INDICATOR.disclosure.ID";
        let (indicator, rest) = s
            .split_once('.')
            .ok_or_else(|| format!("`{s}`: {GRAMMAR}"))?;
        let indicator: Indicator = indicator.parse()?;
        let selector = match rest.split_once('.') {
            None if rest == "total" => Selector::Total,
            Some(("stage", stage)) => Selector::Stage(
                Stage::ALL
                    .into_iter()
                    .find(|s| s.id() == stage)
                    .ok_or_else(|| format!("unknown stage `{stage}`, expected one of manufacturing, transport, use, infrastructure, end-of-life"))?,
            ),
            Some(("phase", phase)) => Selector::Phase(
                Phase::ALL
                    .into_iter()
                    .find(|p| p.id() == phase)
                    .ok_or_else(|| format!("unknown phase `{phase}`, expected one of training, fine-tuning, development, inference"))?,
            ),
            Some(("item", id)) if !id.is_empty() => match id.rsplit_once('@') {
                Some((item, aspect)) if !item.is_empty() => {
                    Selector::ItemAspect(item.to_owned(), parse_aspect(aspect)?)
                }
                Some(_) => return Err(format!("`{s}`: {GRAMMAR}")),
                None => Selector::Item(id.to_owned()),
            },
            Some(("aspect", aspect)) => Selector::Aspect(parse_aspect(aspect)?),
            Some(("category", c)) if !c.is_empty() => Selector::Category(c.to_owned()),
            Some(("unit", u)) if !u.is_empty() => Selector::Unit(u.to_owned()),
            Some(("disclosure", d)) if !d.is_empty() => Selector::Disclosure(d.to_owned()),
            _ => return Err(format!("`{s}`: {GRAMMAR}")),
        };
        Ok(FigurePath {
            indicator,
            selector,
        })
    }
}

impl fmt::Display for FigurePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.", self.indicator)?;
        match &self.selector {
            Selector::Total => f.write_str("total"),
            Selector::Stage(s) => write!(f, "stage.{s}"),
            Selector::Phase(p) => write!(f, "phase.{p}"),
            Selector::Item(i) => write!(f, "item.{i}"),
            Selector::ItemAspect(i, a) => write!(f, "item.{i}@{}", a.id()),
            Selector::Aspect(a) => write!(f, "aspect.{}", a.id()),
            Selector::Category(c) => write!(f, "category.{c}"),
            Selector::Unit(u) => write!(f, "unit.{u}"),
            Selector::Disclosure(d) => write!(f, "disclosure.{d}"),
        }
    }
}

/// Every aspect, in declaration order, for parsing and for the grammar's help.
pub const ASPECTS: [Aspect; 15] = [
    Aspect::Electricity,
    Aspect::IdleElectricity,
    Aspect::HostElectricity,
    Aspect::ElectricityUpstream,
    Aspect::MarketElectricity,
    Aspect::CoolingWater,
    Aspect::Embodied,
    Aspect::HostEmbodied,
    Aspect::Building,
    Aspect::Transport,
    Aspect::EndOfLife,
    Aspect::Service,
    Aspect::Fuel,
    Aspect::Refrigerant,
    Aspect::Offset,
];

fn parse_aspect(text: &str) -> Result<Aspect, String> {
    ASPECTS.into_iter().find(|a| a.id() == text).ok_or_else(|| {
        format!(
            "unknown aspect `{}`, expected one of {}",
            bilan_units::text::clip(text),
            ASPECTS.map(Aspect::id).join(", ")
        )
    })
}

impl FigurePath {
    /// Every figure path that names no item, category, functional unit or disclosure (those
    /// depend on the inventory and the method): each indicator's total, stages, phases and
    /// aspects. Shell completions offer them.
    pub fn fixed() -> Vec<String> {
        let mut out = Vec::new();
        for indicator in Indicator::ALL {
            let i = indicator.id();
            out.push(format!("{i}.total"));
            out.extend(Stage::ALL.map(|s| format!("{i}.stage.{}", s.id())));
            out.extend(Phase::ALL.map(|p| format!("{i}.phase.{}", p.id())));
            out.extend(ASPECTS.map(|a| format!("{i}.aspect.{}", a.id())));
        }
        out
    }

    /// Whether `c` counts towards this figure (memo contributions count only for categories).
    pub fn selects(&self, c: &Contribution) -> bool {
        if c.value(self.indicator).is_none() {
            return false;
        }
        match &self.selector {
            Selector::Total => !c.memo,
            Selector::Stage(s) => !c.memo && c.stage == *s,
            Selector::Phase(p) => !c.memo && c.phase_share(*p) > 0.0,
            Selector::Item(id) => &*c.item.id == id,
            Selector::ItemAspect(id, a) => &*c.item.id == id && c.aspect == *a,
            Selector::Aspect(a) => !c.memo && c.aspect == *a,
            Selector::Category(cat) => c.category.as_deref() == Some(cat.as_str()),
            Selector::Unit(_) | Selector::Disclosure(_) => false,
        }
    }

    /// The part of `c` that counts towards this figure (a phase takes its share of shared items).
    pub fn share(&self, c: &Contribution) -> f64 {
        match &self.selector {
            Selector::Phase(p) => c.phase_share(*p),
            _ => 1.0,
        }
    }

    /// The figure's value in `a`, or `None` if the method does not cover the indicator or the
    /// selector matches nothing.
    pub fn value(&self, a: &Assessment) -> Option<f64> {
        if let Selector::Disclosure(d) = &self.selector {
            return a.disclosure(d, self.indicator).and_then(|x| x.value);
        }
        if !a.covers(self.indicator) {
            return None;
        }
        if let Selector::Unit(u) = &self.selector {
            return a
                .functional_units
                .iter()
                .find(|r| &r.functional_unit == u && r.indicator == self.indicator)
                .map(|r| r.value);
        }

        let mut found = false;
        let sum = a
            .contributions
            .iter()
            .filter(|c| self.selects(c))
            .filter_map(|c| c.value(self.indicator).map(|v| v * self.share(c)))
            .inspect(|_| found = true)
            .sum();
        (found || self.selector == Selector::Total).then_some(sum)
    }
}

#[cfg(test)]
mod tests;

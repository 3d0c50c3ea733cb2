//! The language of a report's labels: section titles, table headers, indicators, stages,
//! phases, drivers, and how numbers are written.
//!
//! Every label lives in one message catalogue per language (Fluent, `locales/*.ftl`), never
//! in code. JSON keys, CSV columns and figure paths stay English whatever the language, so a
//! report's machine-readable parts do not depend on it; what methods write themselves (their
//! names, rules, assumptions and warnings) is shown as they wrote it.

use std::sync::OnceLock;

use bilan_core::assessment::{Driver, ItemKind, RequiredStage, Stage};
use bilan_core::indicator::Indicator;
use bilan_core::inventory::{FunctionalUnitKind, Phase};
use bilan_core::quality::DataClass;
use bilan_runner::systems::{SplitRule, Status, SystemDriver};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// A language reports can be written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// French, in the vocabulary of ADEME and the BEGES.
    Fr,
}

/// The catalogue of each language, in [`Lang::ALL`] order.
const CATALOGUES: [&str; 2] = [
    include_str!("../locales/en.ftl"),
    include_str!("../locales/fr.ftl"),
];

type Bundle = FluentBundle<FluentResource>;

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// Its code (`en`, `fr`): what `--lang` and the configuration's `lang` take.
    pub fn id(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language of `code`, if reports can be written in it.
    pub fn from_id(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.id() == code)
    }

    fn bundle(self) -> &'static Bundle {
        static BUNDLES: OnceLock<Vec<Bundle>> = OnceLock::new();
        let bundles = BUNDLES.get_or_init(|| {
            Lang::ALL
                .into_iter()
                .zip(CATALOGUES)
                .map(|(lang, text)| load(lang, text))
                .collect()
        });
        &bundles[self as usize]
    }

    /// The message `id`, its `{ $name }` placeables filled from `args`. A message this
    /// language lacks falls back to English, and one English lacks too prints as its id
    /// (the catalogue tests hold every message present in both).
    pub fn msg(self, id: &str, args: &[(&str, &str)]) -> String {
        let args = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (name, value) in args {
                a.set(*name, *value);
            }
            a
        });
        self.formatted(id, args.as_ref())
    }

    /// The message `id` with `count` as its `{ $count }`, a number the catalogue chooses
    /// the plural by (`1 élément`, `2 éléments`), and as its `{ $n }`, the count written in
    /// this language; its other placeables from `args`.
    pub fn msg_count(self, id: &str, count: usize, args: &[(&str, &str)]) -> String {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            a.set(*name, *value);
        }
        a.set("count", fluent_bundle::FluentValue::from(count as f64));
        a.set("n", self.count(count as f64));
        self.formatted(id, Some(&a))
    }

    /// `label: value`, with the space this language puts before a colon.
    pub fn label_value(self, label: &str, value: &str) -> String {
        self.msg("label-value", &[("label", label), ("value", value)])
    }

    /// Where an uncertain input comes from (`factor`, `inventory`…).
    pub fn input_source(self, id: &str) -> String {
        self.keyed("source-kind", id)
    }

    fn formatted(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        self.format(id, args)
            .or_else(|| Lang::En.format(id, args))
            .unwrap_or_else(|| {
                debug_assert!(false, "no message {id} in locales/en.ftl");
                id.to_owned()
            })
    }

    /// The message `id`, without arguments.
    pub fn t(self, id: &str) -> String {
        self.msg(id, &[])
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let bundle = self.bundle();
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        debug_assert!(errors.is_empty(), "message {id}: {errors:?}");
        Some(text.into_owned())
    }

    /// A keyed label (`stage-use`, `category-scope-2-market`): the catalogue's, else `key`
    /// itself, for what only a method knows (its own category ids).
    fn keyed(self, prefix: &str, key: &str) -> String {
        let id = format!("{prefix}-{key}");
        self.format(&id, None)
            .or_else(|| Lang::En.format(&id, None))
            .unwrap_or_else(|| key.to_owned())
    }

    /// A stage as a table header.
    pub fn stage(self, s: Stage) -> String {
        self.keyed("stage", s.id())
    }

    /// A phase as a table header.
    pub fn phase(self, p: Phase) -> String {
        self.keyed("phase", p.id())
    }

    /// A stage a quality profile requires (`hardware-manufacturing`).
    pub fn required_stage(self, s: RequiredStage) -> String {
        self.keyed("required", s.id())
    }

    /// A driver of the difference between two systems (`grid`, `pue`).
    pub fn system_driver(self, d: SystemDriver) -> String {
        self.keyed("sdriver", d.id())
    }

    /// How a difference between systems was split among its drivers (`lmdi`).
    pub fn split_rule(self, r: SplitRule) -> String {
        self.keyed("split", r.id())
    }

    /// A kind of inventory item (`fleet`, `site`).
    pub fn item_kind(self, k: ItemKind) -> String {
        self.keyed("kind", k.key())
    }

    /// The reporting period from `start` to `end` (`2024-01-01 to 2024-12-31`).
    pub fn period(self, (start, end): &(String, String)) -> String {
        self.msg("period", &[("start", start), ("end", end)])
    }

    /// What a functional unit counts, as a league table names it (`per training run`).
    pub fn unit_kind(self, k: FunctionalUnitKind) -> String {
        self.keyed("unit-kind", k.id())
    }

    /// Why a system has no figure (`not covered`), or `ok`.
    pub fn status(self, s: Status) -> String {
        self.t(match s {
            Status::Ok => "status-ok",
            Status::NotCovered => "not-covered",
            Status::NotComputed => "not-computed",
            Status::Error => "status-error-short",
            Status::NotRun => "status-not-run",
        })
    }

    /// A divergence driver as a table header.
    pub fn driver(self, d: Driver) -> String {
        self.keyed("driver", d.id())
    }

    /// A class of input data (measured, disclosed…) as a table header.
    pub fn data_class(self, c: DataClass) -> String {
        self.keyed("class", c.id())
    }

    /// An indicator's name (`climate change (GWP100)`).
    pub fn indicator(self, i: Indicator) -> String {
        self.keyed("indicator", i.id())
    }

    /// A method's reporting category (`scope-2-market`): the catalogue's name for the
    /// categories of the standards bilan knows, else the method's own id.
    pub fn category(self, id: &str) -> String {
        self.keyed("category", id)
    }

    /// `value` with `digits` significant digits (see [`crate::number::significant`]),
    /// written in this language: in French, a narrow no-break space between thousands and a
    /// decimal comma.
    pub fn number(self, value: f64, digits: i32) -> String {
        self.local(&crate::number::significant(value, digits))
    }

    /// A number [`crate::number`] wrote in English, written in this language.
    fn local(self, english: &str) -> String {
        match self {
            Lang::En => english.to_owned(),
            Lang::Fr => english
                .chars()
                .map(|c| match c {
                    ',' => '\u{202F}',
                    '.' => ',',
                    c => c,
                })
                .collect(),
        }
    }

    /// What separates a figure from its unit: a no-break space in French, so a figure never
    /// wraps away from it.
    fn unit_space(self) -> &'static str {
        match self {
            Lang::En => " ",
            Lang::Fr => "\u{A0}",
        }
    }

    /// An amount of `indicator` in a unit scaled to its size (see [`crate::number::amount`]).
    pub fn amount(self, value: f64, indicator: Indicator) -> String {
        let (number, unit) = crate::number::amount_parts(value, indicator);
        format!("{}{}{unit}", self.local(&number), self.unit_space())
    }

    /// Two amounts of `indicator` in the one unit that suits the larger: `0.9980 to 1.020 kt
    /// CO2e`, not `998.0 t CO2e to 1.020 kt CO2e`.
    pub fn amount_range(self, low: f64, high: f64, indicator: Indicator) -> String {
        let (low, high, unit) = crate::number::amount_range_parts(low, high, indicator);
        let range = self.msg(
            "range",
            &[("low", &self.local(&low)), ("high", &self.local(&high))],
        );
        format!("{range}{}{unit}", self.unit_space())
    }

    /// `value` with four significant digits and `unit` (`4,422,000 GPU·h`); the number
    /// alone without a unit.
    pub fn with_unit(self, value: f64, unit: &str) -> String {
        let number = self.number(value, 4);
        if unit.is_empty() {
            number
        } else {
            format!("{number}{}{unit}", self.unit_space())
        }
    }

    /// A count (see [`crate::number::count`]).
    pub fn count(self, value: f64) -> String {
        self.local(&crate::number::count(value))
    }

    /// A share as a percentage, three significant digits: `0.0591` is `5.91 %`.
    pub fn percent(self, share: f64) -> String {
        let number = self.number(share * 100.0, 3);
        match self {
            Lang::En => format!("{number} %"),
            Lang::Fr => format!("{number}\u{202F}%"),
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// The bundle of `lang` from its catalogue `text`. The catalogues are part of the program and
/// their tests parse them, so a broken one is a bug: it panics at first use.
fn load(lang: Lang, text: &str) -> Bundle {
    #[allow(clippy::unwrap_used, reason = "parsed by the catalogue tests")]
    let id = lang.id().parse().unwrap();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around placeables would end up in tables and terminals.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(text.to_owned())
        .unwrap_or_else(|(_, errors)| panic!("locales/{lang}.ftl: {errors:?}"));
    if let Err(errors) = bundle.add_resource(resource) {
        panic!("locales/{lang}.ftl: {errors:?}");
    }
    bundle
}

#[cfg(test)]
mod tests;

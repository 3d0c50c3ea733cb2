//! Reading uncertain quantities: the `±` string form and the table forms.

use std::borrow::Cow;

use super::{DEFAULT_BASIC_GSD, Distribution, Pedigree, UncertainQuantity};
use crate::error::UnitError;
use crate::quantity::Quantity;
use crate::text::clip;
use crate::unit::Unit;

/// The forms a quantity table may take, listed in messages.
pub(crate) const FORMS: &str = "{ value, unit }, { min, mode, max } (triangular), \
    { min, max } (uniform), { mean, sd } (normal), { median, gsd } or { value, gsd } \
    (lognormal), { value, pedigree, basic-gsd } (lognormal from a data-quality pedigree)";

impl UncertainQuantity {
    /// Parses a quantity with an optional `±` half-width: `"700 W ± 10 %"`,
    /// `"0.41 kg/kWh ± 0.05 kg/kWh"`, `"700 W +/- 70 W"`, or a plain `"700 W"`.
    ///
    /// The half-width is that of the 95 % interval of a normal (sd = half-width / 1.96),
    /// relative to the value when written in `%`. It must be less than a positive value
    /// (the quantity cannot be negative; draws below zero are redrawn).
    pub fn parse(text: &str) -> Result<UncertainQuantity, UnitError> {
        let Some((left, right)) = split_plus_minus(text) else {
            return Quantity::parse(text).map(UncertainQuantity::from);
        };
        let whole = text.trim();
        let invalid = |reason: String| UnitError::InvalidDistribution {
            text: whole.to_owned(),
            reason,
        };
        let (left, right) = (left.trim(), right.trim());
        if left.is_empty() {
            return Err(invalid(
                "no value before ±; write e.g. `700 W ± 10 %`".to_owned(),
            ));
        }
        if right.is_empty() {
            return Err(invalid(
                "no half-width after ±; write e.g. `700 W ± 10 %` or `700 W ± 70 W`".to_owned(),
            ));
        }
        if split_plus_minus(right).is_some() {
            return Err(invalid(
                "more than one ±; write one half-width, e.g. `700 W ± 10 %`".to_owned(),
            ));
        }
        let nominal = Quantity::parse(left).map_err(|e| e.quoting(whole.to_owned()))?;
        let half = Quantity::parse(right).map_err(|e| e.quoting(whole.to_owned()))?;
        let half_width = spread_in_unit_of(&half, &nominal, "the half-width").map_err(invalid)?;
        if half_width < 0.0 {
            return Err(invalid(format!(
                "the half-width `{}` is negative: write it without a sign",
                shown(&half)
            )));
        }
        let x = nominal.value();
        if x > 0.0 && half_width >= x {
            return Err(invalid(format!(
                "± {} is as wide as the value {} or wider: the quantity cannot be negative; \
                 write a smaller half-width, or a lognormal such as {{ median = \"{}\", gsd = 2 }}",
                shown(&half),
                shown(&nominal),
                shown(&nominal)
            )));
        }
        let distribution = Distribution::Normal {
            sd: half_width / 1.96,
        };
        distribution
            .check(x, nominal.unit().symbol())
            .map_err(invalid)?;
        Ok(UncertainQuantity {
            quantity: nominal,
            distribution: Some(distribution),
        })
    }
}

/// `text` split around its first `±` or `+/-`.
///
/// One pass over the bytes: every quantity of an inventory goes through here, and a
/// substring search per sign cost more than the rest of reading a plain `"700 W"`.
fn split_plus_minus(text: &str) -> Option<(&str, &str)> {
    const SIGNS: [&[u8]; 2] = ["±".as_bytes(), b"+/-"];
    let bytes = text.as_bytes();
    // Both signs start with a byte that is not inside any other character (`+`, and the
    // lead byte of `±`), so `at` is on a character boundary.
    (0..bytes.len()).find_map(|at| {
        SIGNS
            .iter()
            .find(|sign| bytes[at..].starts_with(sign))
            .map(|sign| (&text[..at], &text[at + sign.len()..]))
    })
}

/// A quantity as a message shows it: very large and very small numbers with an exponent
/// (`1e300 Gt`), clipped.
fn shown(quantity: &Quantity) -> String {
    let number = super::number(quantity.value());
    let unit = quantity.unit().symbol();
    let text = if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    };
    clip(&text).into_owned()
}

fn dimension_words(quantity: &Quantity) -> String {
    if quantity.unit().is_dimensionless() {
        "a plain number".to_owned()
    } else {
        quantity.dimension().to_string()
    }
}

/// A spread (a `±` half-width or an sd) in the unit of `nominal`: a percentage is relative
/// to the nominal value, anything else is converted.
fn spread_in_unit_of(spread: &Quantity, nominal: &Quantity, role: &str) -> Result<f64, String> {
    if spread.unit().symbol() != "%" {
        return in_unit_of(spread, role, nominal, "the value", true);
    }
    if nominal.unit().symbol() == "%" {
        return Err(format!(
            "{role} `{}` is ambiguous next to a value in %: percentage points, or a share of \
             the value? Write it as a plain number (`0.05` for 5 points), or give the bounds, \
             e.g. {{ min = \"80 %\", max = \"90 %\" }}",
            shown(spread)
        ));
    }
    let absolute = nominal.value().abs() * (spread.value() / 100.0);
    if absolute.is_finite() {
        Ok(absolute)
    } else {
        Err(format!(
            "{role} `{}` of `{}` is not a finite number",
            shown(spread),
            shown(nominal)
        ))
    }
}

/// `quantity` (the `role`) converted into the unit of `anchor` (the `anchor_role`).
fn in_unit_of(
    quantity: &Quantity,
    role: &str,
    anchor: &Quantity,
    anchor_role: &str,
    relative_ok: bool,
) -> Result<f64, String> {
    match quantity.unit().conversion_to(anchor.unit()) {
        Ok(conversion) => {
            let value = conversion.apply(quantity.value());
            if value.is_finite() {
                Ok(value)
            } else {
                Err(format!(
                    "{role} `{}` is too large once in {}",
                    shown(quantity),
                    anchor.unit()
                ))
            }
        }
        Err(UnitError::SubstanceMismatch {
            expected, found, ..
        }) => Err(format!(
            "{role} `{}` is in {found}, while {anchor_role} `{}` is in {expected}",
            shown(quantity),
            shown(anchor)
        )),
        Err(_) => {
            let unit = anchor.unit().symbol();
            let how = if anchor.unit().is_dimensionless() {
                "as a plain number".to_owned()
            } else {
                format!("in {} or another unit of {}", unit, anchor.dimension())
            };
            let percent = if relative_ok {
                ", or as a percentage of the value (e.g. `10 %`)"
            } else {
                ""
            };
            Err(format!(
                "{role} `{}` is {}, while {anchor_role} `{}` is {}: write it {how}{percent}",
                shown(quantity),
                dimension_words(quantity),
                shown(anchor),
                dimension_words(anchor)
            ))
        }
    }
}

/// A member of a quantity table written as a quantity: a plain number (in the table's
/// `unit`, if any) or a string.
#[derive(Clone, Debug)]
pub(super) enum Member {
    Number(f64),
    Quantity(Quantity),
}

/// The keys of a quantity table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Key {
    Value,
    Mean,
    Median,
    Min,
    Mode,
    Max,
    Sd,
    Unit,
    Gsd,
    Pedigree,
    BasicGsd,
}

impl Key {
    const ALL: [Key; 11] = [
        Key::Value,
        Key::Mean,
        Key::Median,
        Key::Min,
        Key::Mode,
        Key::Max,
        Key::Sd,
        Key::Unit,
        Key::Gsd,
        Key::Pedigree,
        Key::BasicGsd,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Key::Value => "value",
            Key::Mean => "mean",
            Key::Median => "median",
            Key::Min => "min",
            Key::Mode => "mode",
            Key::Max => "max",
            Key::Sd => "sd",
            Key::Unit => "unit",
            Key::Gsd => "gsd",
            Key::Pedigree => "pedigree",
            Key::BasicGsd => "basic-gsd",
        }
    }

    pub(super) fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|key| key.name() == name)
    }

    /// The slot of a member written as a quantity.
    fn member_index(self) -> Option<usize> {
        match self {
            Key::Value => Some(0),
            Key::Mean => Some(1),
            Key::Median => Some(2),
            Key::Min => Some(3),
            Key::Mode => Some(4),
            Key::Max => Some(5),
            Key::Sd => Some(6),
            _ => None,
        }
    }
}

/// Why a table is not a quantity.
pub(super) enum TableError {
    /// No `value` (nor any other member): serde's "missing field `value`".
    MissingValue,
    Invalid(UnitError),
}

impl From<UnitError> for TableError {
    fn from(error: UnitError) -> TableError {
        TableError::Invalid(error)
    }
}

/// The members of a quantity table, as read.
#[derive(Default)]
pub(super) struct Table<'de> {
    members: [Option<Member>; 7],
    unit: Option<Cow<'de, str>>,
    gsd: Option<f64>,
    basic_gsd: Option<f64>,
    pedigree: Option<Pedigree>,
    /// `key = value` as written, for messages.
    written: Vec<(Key, String)>,
}

/// What a table describes, once its keys are checked.
enum Form {
    Plain,
    Lognormal(Key),
    Normal,
    Range,
}

impl<'de> Table<'de> {
    pub(super) fn has(&self, key: Key) -> bool {
        match key.member_index() {
            Some(i) => self.members[i].is_some(),
            None => match key {
                Key::Unit => self.unit.is_some(),
                Key::Gsd => self.gsd.is_some(),
                Key::BasicGsd => self.basic_gsd.is_some(),
                _ => self.pedigree.is_some(),
            },
        }
    }

    pub(super) fn set_member(&mut self, key: Key, member: Member) {
        let shown = match &member {
            Member::Number(v) => v.to_string(),
            Member::Quantity(q) => format!("\"{}\"", shown(q)),
        };
        self.written
            .push((key, format!("{} = {shown}", key.name())));
        if let Some(i) = key.member_index() {
            self.members[i] = Some(member);
        }
    }

    pub(super) fn set_unit(&mut self, unit: Cow<'de, str>) {
        self.written
            .push((Key::Unit, format!("unit = \"{}\"", clip(&unit))));
        self.unit = Some(unit);
    }

    pub(super) fn set_gsd(&mut self, key: Key, gsd: f64) {
        self.written.push((key, format!("{} = {gsd}", key.name())));
        if key == Key::Gsd {
            self.gsd = Some(gsd);
        } else {
            self.basic_gsd = Some(gsd);
        }
    }

    pub(super) fn set_pedigree(&mut self, pedigree: Pedigree) {
        let scores: Vec<String> = pedigree.scores().iter().map(u8::to_string).collect();
        self.written
            .push((Key::Pedigree, format!("pedigree = [{}]", scores.join(", "))));
        self.pedigree = Some(pedigree);
    }

    fn member(&self, key: Key) -> Option<&Member> {
        key.member_index().and_then(|i| self.members[i].as_ref())
    }

    /// The table rendered on one line, its keys in the order of the forms (a TOML table
    /// hands them over sorted), for messages.
    fn text(&self) -> String {
        let mut written: Vec<&(Key, String)> = self.written.iter().collect();
        written.sort_by_key(|(key, _)| Key::ALL.iter().position(|k| k == key));
        let parts: Vec<&str> = written.iter().map(|(_, part)| part.as_str()).collect();
        format!("{{ {} }}", parts.join(", "))
    }

    /// The uncertain quantity the table describes.
    pub(super) fn build(self) -> Result<UncertainQuantity, TableError> {
        let text = self.text();
        let invalid = |reason: String| {
            TableError::Invalid(UnitError::InvalidDistribution {
                text: text.clone(),
                reason,
            })
        };
        let form = self.form().map_err(|e| match e {
            Some(reason) => invalid(reason),
            None => TableError::MissingValue,
        })?;
        let mut resolver = Resolver {
            unit: self.unit.as_deref(),
            used: false,
        };
        let required = |key: Key| self.member(key).ok_or(TableError::MissingValue);
        let (quantity, distribution) = match form {
            Form::Plain => (resolver.quantity(required(Key::Value)?)?, None),
            Form::Lognormal(anchor) => {
                let nominal = resolver.quantity(required(anchor)?)?;
                let gsd = match (self.gsd, self.pedigree) {
                    (Some(gsd), _) => gsd,
                    (None, Some(pedigree)) => {
                        pedigree.gsd(self.basic_gsd.unwrap_or(DEFAULT_BASIC_GSD))
                    }
                    (None, None) => return Err(TableError::MissingValue),
                };
                (nominal, Some(Distribution::Lognormal { gsd }))
            }
            Form::Normal => {
                let nominal = resolver.quantity(required(Key::Mean)?)?;
                let sd = resolver.quantity(required(Key::Sd)?)?;
                let sd = spread_in_unit_of(&sd, &nominal, "sd").map_err(invalid)?;
                (nominal, Some(Distribution::Normal { sd }))
            }
            Form::Range => {
                let min = resolver.quantity(required(Key::Min)?)?;
                let max = resolver.quantity(required(Key::Max)?)?;
                match self.member(Key::Mode) {
                    Some(mode) => {
                        let mode = resolver.quantity(mode)?;
                        let a = in_unit_of(&min, "min", &mode, "mode", false).map_err(invalid)?;
                        let b = in_unit_of(&max, "max", &mode, "mode", false).map_err(invalid)?;
                        (mode, Some(Distribution::Triangular { min: a, max: b }))
                    }
                    None => {
                        let b = in_unit_of(&max, "max", &min, "min", false).map_err(invalid)?;
                        let a = min.value();
                        let midpoint = Quantity::new(a / 2.0 + b / 2.0, min.unit().clone())?;
                        (midpoint, Some(Distribution::Uniform { min: a, max: b }))
                    }
                }
            }
        };
        let unit_given = self.unit.as_deref().is_some_and(|u| !u.trim().is_empty());
        if unit_given && !resolver.used {
            return Err(invalid(
                "`unit` applies to the members written as plain numbers, and none is: write \
                 the unit in each member (e.g. `value = \"700 W\"`) or drop `unit`"
                    .to_owned(),
            ));
        }
        if let Some(distribution) = &distribution {
            distribution
                .check(quantity.value(), quantity.unit().symbol())
                .map_err(invalid)?;
        }
        Ok(UncertainQuantity {
            quantity,
            distribution,
        })
    }

    /// Which form the keys make; `Err(None)` when nothing but `unit` is written (a missing
    /// `value`), `Err(Some(reason))` for keys that do not go together.
    fn form(&self) -> Result<Form, Option<String>> {
        let has = |key: Key| self.has(key);
        let conflict = |a: Key, b: Key| {
            Some(format!(
                "`{}` does not go with `{}`; a quantity table is one of {FORMS}",
                a.name(),
                b.name()
            ))
        };
        let missing = |wanted: &str, with: Key| {
            Some(format!(
                "`{}` needs {wanted}; a quantity table is one of {FORMS}",
                with.name()
            ))
        };
        let first_of = |keys: &[Key]| keys.iter().copied().find(|&k| has(k));
        let clash = |anchor: Key, others: &[Key]| match first_of(others) {
            Some(other) => Err(conflict(other, anchor)),
            None => Ok(()),
        };
        if let Some(anchor) = first_of(&[Key::Min, Key::Mode, Key::Max]) {
            clash(
                anchor,
                &[
                    Key::Value,
                    Key::Mean,
                    Key::Median,
                    Key::Sd,
                    Key::Gsd,
                    Key::Pedigree,
                    Key::BasicGsd,
                ],
            )?;
            if !has(Key::Min) {
                return Err(missing("`min`", anchor));
            }
            if !has(Key::Max) {
                return Err(missing("`max`", anchor));
            }
            return Ok(Form::Range);
        }
        if has(Key::Mean) {
            clash(
                Key::Mean,
                &[
                    Key::Value,
                    Key::Median,
                    Key::Gsd,
                    Key::Pedigree,
                    Key::BasicGsd,
                ],
            )?;
            if !has(Key::Sd) {
                return Err(missing("`sd`", Key::Mean));
            }
            return Ok(Form::Normal);
        }
        if let Some(anchor) = first_of(&[Key::Median, Key::Value]) {
            if anchor == Key::Median && has(Key::Value) {
                return Err(conflict(Key::Value, Key::Median));
            }
            if has(Key::Sd) {
                return Err(conflict(Key::Sd, anchor));
            }
            if has(Key::Gsd) && has(Key::Pedigree) {
                return Err(conflict(Key::Gsd, Key::Pedigree));
            }
            if has(Key::BasicGsd) && !has(Key::Pedigree) {
                return Err(missing("`pedigree`", Key::BasicGsd));
            }
            if has(Key::Gsd) || has(Key::Pedigree) {
                return Ok(Form::Lognormal(anchor));
            }
            if anchor == Key::Median {
                return Err(missing("`gsd` or `pedigree`", Key::Median));
            }
            return Ok(Form::Plain);
        }
        match first_of(&[Key::Sd, Key::Gsd, Key::Pedigree, Key::BasicGsd]) {
            Some(Key::Sd) => Err(missing("`mean`", Key::Sd)),
            Some(Key::BasicGsd) => Err(missing("`value` and `pedigree`", Key::BasicGsd)),
            Some(other) => Err(missing("`value` or `median`", other)),
            None => Err(None),
        }
    }
}

/// Reads members as quantities, giving plain numbers the table's `unit`.
struct Resolver<'a> {
    unit: Option<&'a str>,
    /// Whether a (non-blank) `unit` was given to a plain number.
    used: bool,
}

impl Resolver<'_> {
    fn quantity(&mut self, member: &Member) -> Result<Quantity, UnitError> {
        match (member, self.unit) {
            (Member::Quantity(quantity), _) => Ok(quantity.clone()),
            (Member::Number(value), None) => Quantity::dimensionless(*value),
            (Member::Number(value), Some(unit_text)) => {
                let text = if unit_text.trim().is_empty() {
                    value.to_string()
                } else {
                    self.used = true;
                    format!("{value} {unit_text}")
                };
                let unit = Unit::parse_in(unit_text, &text)?;
                Quantity::new(*value, unit)
            }
        }
    }
}

#[cfg(test)]
mod split_tests {
    use super::split_plus_minus;

    /// The first sign splits, whichever it is; a `+` alone (`1e+3`) or a `/` does not.
    #[test]
    fn splits_at_the_first_sign_of_either_kind() {
        let cases: [(&str, Option<(&str, &str)>); 8] = [
            ("700 W", None),
            ("1e+3 W", None),
            ("700 W ± 10 %", Some(("700 W ", " 10 %"))),
            ("700 W +/- 70 W", Some(("700 W ", " 70 W"))),
            ("1 ± 2 +/- 3", Some(("1 ", " 2 +/- 3"))),
            ("1 +/- 2 ± 3", Some(("1 ", " 2 ± 3"))),
            ("±", Some(("", ""))),
            ("é+/-ü", Some(("é", "ü"))),
        ];
        for (text, expected) in cases {
            assert_eq!(split_plus_minus(text), expected, "{text}");
        }
    }
}

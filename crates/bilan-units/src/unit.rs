//! Units: parsing of unit expressions, normalised symbols and exact conversions.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::dimension::Dimension;
use crate::error::UnitError;
use crate::factor::Factor;
use crate::table::{self, Atom};

/// What a mass is a mass *of*, when a unit says so: `kgCO2e` is a mass of
/// CO2-equivalent, `kg Sb eq` a mass of antimony-equivalent.
///
/// A substance is a qualifier, not a dimension: `gCO2e/kWh` and `g/kWh` have
/// the same dimension and convert into each other, but `kg Sb eq` does not
/// convert to `kgCO2e`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Substance {
    /// CO2-equivalent (global warming potential), written `CO2e`, `CO2eq`, `CO2-eq`, `CO₂e`…
    Co2e,
    /// Antimony-equivalent (abiotic resource depletion), written `Sb eq`, `Sbeq`, `Sb-eq`…
    SbEq,
}

impl Substance {
    /// The canonical spelling: `CO2e` or `Sb eq`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Substance::Co2e => "CO2e",
            Substance::SbEq => "Sb eq",
        }
    }

    /// How the substance is appended to a mass symbol: `kgCO2e`, `kg Sb eq`.
    const fn suffix(self) -> &'static str {
        match self {
            Substance::Co2e => "CO2e",
            Substance::SbEq => " Sb eq",
        }
    }
}

impl fmt::Display for Substance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A unit of measurement with a run-time [`Dimension`].
///
/// A unit keeps a normalised symbol (`kWh`, `GPU·h`, `kgCO2e/kWh`, `L/kWh`,
/// and the empty string for a plain number), its dimension, its exact factor
/// to the SI-coherent base units (kg, m, s, device, request, token, FLOP) and
/// an optional [`Substance`].
///
/// A unit is shared, not copied: a copy shares its parsed form, and quantities a thread
/// reads in a unit it recently parsed share it too, so a quantity takes 16 bytes (an
/// inventory of a million workloads holds millions of them).
#[derive(Clone, PartialEq)]
pub struct Unit(Arc<Parts>);

/// What a [`Unit`] is.
#[derive(PartialEq)]
struct Parts {
    symbol: String,
    dimension: Dimension,
    factor: Factor,
    substance: Option<Substance>,
}

impl fmt::Debug for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unit")
            .field("symbol", &self.0.symbol)
            .field("dimension", &self.0.dimension)
            .field("factor", &self.0.factor)
            .field("substance", &self.0.substance)
            .finish()
    }
}

thread_local! {
    /// The units this thread parsed ([`Unit::parse_in`]), at most 256.
    static PARSED: std::cell::RefCell<crate::remembered::Remembered<Unit>> =
        std::cell::RefCell::new(crate::remembered::Remembered::new(256));
}

/// An exact conversion factor between two units of the same dimension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conversion {
    factor: Factor,
}

impl Conversion {
    /// `value` converted: `value * num / den`, rounded once whenever possible
    /// (`value * num` when `den` is 1, `value / den` when `num` is 1).
    pub fn apply(&self, value: f64) -> f64 {
        self.factor.apply(value)
    }

    /// The factor as an `f64`.
    pub fn as_f64(&self) -> f64 {
        self.factor.as_f64()
    }

    /// The exact factor as a reduced fraction `(numerator, denominator)`, or
    /// `None` if it had to be approximated (see the crate documentation).
    pub fn as_ratio(&self) -> Option<(u128, u128)> {
        match self.factor {
            Factor::Exact { num, den } => Some((num, den)),
            Factor::Approx(_) => None,
        }
    }
}

impl Unit {
    /// Parses a unit expression such as `kWh`, `kgCO2e/kWh`, `GPU·h`, `L/kWh`,
    /// `%`, `1` or the empty string (both dimensionless).
    pub fn parse(text: &str) -> Result<Unit, UnitError> {
        Unit::parse_in(text, text.trim())
    }

    /// The unit of plain numbers.
    pub fn dimensionless() -> Unit {
        static DIMENSIONLESS: std::sync::LazyLock<Unit> = std::sync::LazyLock::new(|| {
            Unit(Arc::new(Parts {
                symbol: String::new(),
                dimension: Dimension::DIMENSIONLESS,
                factor: Factor::ONE,
                substance: None,
            }))
        });
        DIMENSIONLESS.clone()
    }

    /// The normalised symbol: `kWh`, `GPU·h`, `kgCO2e/kWh`, `kg Sb eq`; empty when dimensionless.
    pub fn symbol(&self) -> &str {
        &self.0.symbol
    }

    /// The dimension.
    pub fn dimension(&self) -> Dimension {
        self.0.dimension
    }

    /// The substance qualifying the mass in this unit, if any.
    pub fn substance(&self) -> Option<Substance> {
        self.0.substance
    }

    /// Whether this unit has no dimension (`""`, `1`, `%`).
    pub fn is_dimensionless(&self) -> bool {
        self.0.dimension.is_dimensionless()
    }

    /// The factor from this unit to `other`: `value_in_other = value_in_self * ratio`.
    ///
    /// Fails if the dimensions differ, or if both units name a substance and
    /// they differ (a unit without substance converts to and from any substance).
    pub fn conversion_to(&self, other: &Unit) -> Result<Conversion, UnitError> {
        if self.0.dimension != other.0.dimension {
            return Err(UnitError::DimensionMismatch {
                text: self.0.symbol.clone(),
                unit: self.0.symbol.clone(),
                expected: other.0.dimension,
                found: self.0.dimension,
            });
        }
        if let (Some(found), Some(expected)) = (self.0.substance, other.0.substance)
            && found != expected
        {
            return Err(UnitError::SubstanceMismatch {
                text: self.0.symbol.clone(),
                unit: self.0.symbol.clone(),
                expected,
                found,
            });
        }
        Ok(Conversion {
            factor: self.0.factor.div(other.0.factor),
        })
    }

    /// The factor from this unit to the SI-coherent base units of its dimension
    /// (kg, m, s, device, request, token, FLOP and their products).
    pub fn base_conversion(&self) -> Conversion {
        Conversion {
            factor: self.0.factor,
        }
    }

    /// Parses `unit_text`, quoting `context` (the whole quantity as written) in errors.
    pub(crate) fn parse_in(unit_text: &str, context: &str) -> Result<Unit, UnitError> {
        let unit_text = unit_text.trim();
        if let Some(unit) = PARSED.with(|p| p.borrow().get(unit_text)) {
            return Ok(unit);
        }
        let unit = Parser { context }.parse(unit_text)?;
        PARSED.with(|p| p.borrow_mut().keep(unit_text, &unit));
        Ok(unit)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.symbol)
    }
}

impl FromStr for Unit {
    type Err = UnitError;

    fn from_str(text: &str) -> Result<Unit, UnitError> {
        Unit::parse(text)
    }
}

impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.symbol)
    }
}

impl<'de> serde::Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Unit, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        Unit::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Unit {
    fn schema_name() -> Cow<'static, str> {
        "Unit".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "a unit, e.g. \"kWh\", \"kgCO2e/kWh\", \"GPU·h\" or \"L/kWh\"; empty for a plain number"
        })
    }
}

// ---------------------------------------------------------------------------
// Parsing

/// A lexical token of a unit expression.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Word(&'a str),
    /// A product separator; `explicit` unless it is whitespace.
    Sep {
        explicit: bool,
    },
    Slash,
    Open,
    Close,
    Exponent(i8),
}

/// One word of a product, with the exponent written right after it.
#[derive(Debug)]
struct Word<'a> {
    text: &'a str,
    exponent: Option<i8>,
}

/// A resolved factor of a product: a known symbol, its exponent, and the
/// substance written after it.
#[derive(Clone, Copy, Debug)]
struct Term {
    atom: &'static Atom,
    exponent: i8,
    substance: Option<Substance>,
}

impl Term {
    fn symbol(&self) -> String {
        let mut out = self.atom.symbol.to_owned();
        if let Some(substance) = self.substance {
            out.push_str(substance.suffix());
        }
        if self.exponent != 1 {
            out.push('^');
            out.push_str(&self.exponent.to_string());
        }
        out
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '·' | '⋅' | '*' | '.' | '-' | '_' | '×')
}

/// The ASCII character a superscript digit or sign stands for, `'?'` for other characters.
fn superscript_ascii(c: char) -> char {
    match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        '⁻' => '-',
        '⁺' => '+',
        _ => '?',
    }
}

fn is_superscript(c: char) -> bool {
    superscript_ascii(c) != '?'
}

/// Recognises a substance at the start of `parts` (words, possibly split by
/// separators: `CO2`, `eq`), returning it and how many parts it took.
fn match_substance(parts: &[&str]) -> Option<(Substance, usize)> {
    let mut joined = String::new();
    let mut found = None;
    for (i, part) in parts.iter().take(3).enumerate() {
        joined.push_str(&part.to_lowercase());
        match joined.as_str() {
            "co2e" | "co2eq" | "co₂e" | "co₂eq" => found = Some((Substance::Co2e, i + 1)),
            "sbe" | "sbeq" => found = Some((Substance::SbEq, i + 1)),
            _ => {}
        }
    }
    found
}

/// Whether `rest` (after a mass symbol) starts like a substance.
fn starts_like_substance(rest: &str) -> bool {
    let lower = rest.to_lowercase();
    lower.starts_with("co2") || lower.starts_with("co₂") || lower.starts_with("sb")
}

struct Parser<'c> {
    context: &'c str,
}

impl Parser<'_> {
    fn error(&self, unit: &str, hint: impl Into<Option<String>>) -> UnitError {
        UnitError::UnknownUnit {
            text: self.context.to_owned(),
            unit: unit.to_owned(),
            hint: hint.into(),
        }
    }

    fn parse(&self, text: &str) -> Result<Unit, UnitError> {
        if text.is_empty() {
            return Ok(Unit::dimensionless());
        }
        let tokens = self.tokenize(text)?;
        let mut segments = tokens.split(|token| *token == Token::Slash);
        let numerator = segments.next().unwrap_or_default();
        let mut numerator_terms = Vec::new();
        let mut denominator_terms = Vec::new();
        let mut substance = None;
        self.segment(text, numerator, true, &mut numerator_terms, &mut substance)?;
        for denominator in segments {
            self.segment(
                text,
                denominator,
                false,
                &mut denominator_terms,
                &mut substance,
            )?;
        }
        let numerator_terms = normalise(numerator_terms);
        let denominator_terms = normalise(denominator_terms);

        let mut dimension = Dimension::DIMENSIONLESS;
        let mut factor = Factor::ONE;
        let too_large = || self.error(text, "an exponent is too large".to_owned());
        for (terms, inverse) in [(&numerator_terms, false), (&denominator_terms, true)] {
            for term in terms {
                let dim = term
                    .atom
                    .dim
                    .checked_powi(term.exponent)
                    .ok_or_else(too_large)?;
                let f = term.atom.factor.powi(term.exponent);
                if inverse {
                    dimension = dimension.checked_div(dim).ok_or_else(too_large)?;
                    factor = factor.div(f);
                } else {
                    dimension = dimension.checked_mul(dim).ok_or_else(too_large)?;
                    factor = factor.mul(f);
                }
            }
        }

        let join = |terms: &[Term]| terms.iter().map(Term::symbol).collect::<Vec<_>>().join("·");
        let symbol = match (numerator_terms.len(), denominator_terms.len()) {
            (_, 0) => join(&numerator_terms),
            (0, 1) => format!("1/{}", join(&denominator_terms)),
            (0, _) => format!("1/({})", join(&denominator_terms)),
            (_, 1) => format!("{}/{}", join(&numerator_terms), join(&denominator_terms)),
            _ => format!("{}/({})", join(&numerator_terms), join(&denominator_terms)),
        };
        Ok(Unit(Arc::new(Parts {
            symbol,
            dimension,
            factor,
            substance,
        })))
    }

    fn tokenize<'a>(&self, text: &'a str) -> Result<Vec<Token<'a>>, UnitError> {
        let mut tokens = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            match c {
                '/' => tokens.push(Token::Slash),
                '(' => tokens.push(Token::Open),
                ')' => tokens.push(Token::Close),
                '^' => {
                    let mut end = start + c.len_utf8();
                    while let Some(&(i, next)) = chars.peek() {
                        let sign = (next == '-' || next == '+' || next == '−') && i == end;
                        if !(next.is_ascii_digit() || sign) {
                            break;
                        }
                        end = i + next.len_utf8();
                        chars.next();
                    }
                    let written = &text[start..end];
                    let digits = written[1..].replace('−', "-");
                    let exponent = digits.parse::<i8>().map_err(|_| {
                        self.error(
                            written,
                            "`^` must be followed by a small integer exponent, e.g. `m^3`"
                                .to_owned(),
                        )
                    })?;
                    tokens.push(Token::Exponent(exponent));
                }
                c if is_superscript(c) => {
                    let mut digits = String::from(superscript_ascii(c));
                    let mut end = start + c.len_utf8();
                    while let Some((i, s)) = chars.next_if(|(_, n)| is_superscript(*n)) {
                        digits.push(superscript_ascii(s));
                        end = i + s.len_utf8();
                    }
                    let exponent = digits.parse::<i8>().map_err(|_| {
                        self.error(
                            &text[start..end],
                            "a superscript exponent must be a small integer, e.g. `m³`".to_owned(),
                        )
                    })?;
                    tokens.push(Token::Exponent(exponent));
                }
                c if is_separator(c) => tokens.push(Token::Sep {
                    explicit: !c.is_whitespace(),
                }),
                _ => {
                    let mut end = start + c.len_utf8();
                    while let Some(&(i, next)) = chars.peek() {
                        if is_separator(next)
                            || is_superscript(next)
                            || matches!(next, '/' | '(' | ')' | '^')
                        {
                            break;
                        }
                        end = i + next.len_utf8();
                        chars.next();
                    }
                    tokens.push(Token::Word(&text[start..end]));
                }
            }
        }
        Ok(tokens)
    }

    /// Resolves one side of a `/` into terms.
    fn segment(
        &self,
        text: &str,
        tokens: &[Token<'_>],
        is_numerator: bool,
        terms: &mut Vec<Term>,
        substance: &mut Option<Substance>,
    ) -> Result<(), UnitError> {
        let mut tokens = trim_whitespace(tokens);
        if let [Token::Open, inner @ .., Token::Close] = tokens {
            tokens = trim_whitespace(inner);
        }
        if tokens.contains(&Token::Open) || tokens.contains(&Token::Close) {
            return Err(self.error(
                text,
                "parentheses may only enclose a whole numerator or denominator, e.g. `kg/(GPU·h)`"
                    .to_owned(),
            ));
        }
        if tokens.is_empty() {
            return if is_numerator {
                Ok(())
            } else {
                Err(self.error(text, "a unit is missing after `/`".to_owned()))
            };
        }
        if matches!(tokens.first(), Some(Token::Sep { explicit: true }))
            || matches!(tokens.last(), Some(Token::Sep { explicit: true }))
        {
            return Err(self.error(
                text,
                "a product separator must stand between two units".to_owned(),
            ));
        }

        let mut words: Vec<Word<'_>> = Vec::new();
        let mut after_word = false;
        for token in tokens {
            match token {
                Token::Word(word) => {
                    words.push(Word {
                        text: word,
                        exponent: None,
                    });
                    after_word = true;
                }
                Token::Exponent(exponent) => match words.last_mut() {
                    Some(word) if after_word && word.exponent.is_none() => {
                        word.exponent = Some(*exponent);
                    }
                    _ => {
                        return Err(self.error(
                            text,
                            "an exponent must directly follow a unit, e.g. `m^3`".to_owned(),
                        ));
                    }
                },
                Token::Sep { .. } => after_word = false,
                Token::Slash | Token::Open | Token::Close => {}
            }
        }
        self.resolve(text, &words, terms, substance)
    }

    /// Matches words against the unit table, longest names first.
    fn resolve(
        &self,
        unit_text: &str,
        words: &[Word<'_>],
        terms: &mut Vec<Term>,
        substance: &mut Option<Substance>,
    ) -> Result<(), UnitError> {
        let mut i = 0;
        while i < words.len() {
            let Some((atoms, len, glued)) = lookup(words, i) else {
                let texts: Vec<&str> = words[i..].iter().map(|w| w.text).collect();
                if let Some((found, _)) = match_substance(&texts) {
                    return Err(self.error(
                        words[i].text,
                        format!(
                            "`{found}` qualifies a mass and must follow a mass unit, e.g. `kg{}`",
                            found.suffix()
                        ),
                    ));
                }
                return Err(self.error(words[i].text, hint(words[i].text)));
            };
            let mut last = i + len - 1;
            let mut written_substance = None;
            if let Some(rest) = glued {
                let mut parts = vec![rest];
                parts.extend(words[i + 1..].iter().map(|w| w.text));
                match match_substance(&parts) {
                    Some((found, taken)) => {
                        written_substance = Some(found);
                        last = i + taken - 1;
                    }
                    None => return Err(self.error(words[i].text, hint(words[i].text))),
                }
            } else if atoms.len() == 1 && atoms[0].dim == Dimension::MASS {
                let parts: Vec<&str> = words[last + 1..].iter().map(|w| w.text).collect();
                if let Some((found, taken)) = match_substance(&parts) {
                    written_substance = Some(found);
                    last += taken;
                }
            }
            if let Some(word) = words[i..last].iter().find(|w| w.exponent.is_some()) {
                return Err(self.error(
                    word.text,
                    "an exponent must follow the whole unit, e.g. `kgCO2e^2`".to_owned(),
                ));
            }
            if let Some(found) = written_substance {
                match *substance {
                    Some(previous) if previous != found => {
                        return Err(self.error(
                            unit_text,
                            format!(
                                "a unit may name only one substance, found both {previous} and {found}"
                            ),
                        ));
                    }
                    _ => *substance = Some(found),
                }
            }
            let exponent = words[last].exponent.unwrap_or(1);
            for atom in atoms {
                terms.push(Term {
                    atom,
                    exponent,
                    substance: written_substance,
                });
            }
            i = last + 1;
        }
        Ok(())
    }
}

/// Leading and trailing whitespace tokens removed.
fn trim_whitespace<'t, 'a>(mut tokens: &'t [Token<'a>]) -> &'t [Token<'a>] {
    while let [Token::Sep { explicit: false }, rest @ ..] = tokens {
        tokens = rest;
    }
    while let [rest @ .., Token::Sep { explicit: false }] = tokens {
        tokens = rest;
    }
    tokens
}

/// The unit named by the words starting at `i`: its atoms, how many words it
/// took, and, for a substance glued to a mass symbol (`kgCO2e`), the rest of
/// the word after the symbol.
fn lookup<'a>(
    words: &[Word<'a>],
    i: usize,
) -> Option<(Vec<&'static Atom>, usize, Option<&'a str>)> {
    for len in [3, 2] {
        let Some(candidate) = words.get(i..i + len) else {
            continue;
        };
        if candidate[..len - 1].iter().any(|w| w.exponent.is_some()) {
            continue;
        }
        let key = candidate
            .iter()
            .map(|w| w.text.to_lowercase())
            .collect::<Vec<_>>()
            .join("_");
        if let Some(atoms) = table::lookup_word(&key) {
            return Some((atoms, len, None));
        }
    }
    let word = words.get(i)?.text;
    if let Some(atoms) =
        table::lookup_symbol(word).or_else(|| table::lookup_word(&word.to_lowercase()))
    {
        return Some((atoms, 1, None));
    }
    table::mass_atoms().find_map(|atom| {
        word.strip_prefix(atom.symbol)
            .filter(|rest| starts_like_substance(rest))
            .map(|rest| (vec![atom], 1, Some(rest)))
    })
}

/// Canonical forms: `kW·h` → `kWh`, `m^3` → `m3`, and `1` dropped.
fn normalise(terms: Vec<Term>) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::with_capacity(terms.len());
    for term in terms {
        if term.atom.symbol == "1" {
            continue;
        }
        if let Some(previous) = out.last_mut()
            && term.atom.symbol == "h"
            && term.exponent == 1
            && previous.exponent == 1
            && previous.atom.dim == Dimension::POWER
            && let Some(merged) = table::atom_by_symbol(&format!("{}h", previous.atom.symbol))
        {
            previous.atom = merged;
            continue;
        }
        out.push(term);
    }
    for term in &mut out {
        if term.exponent != 1
            && let Some(merged) =
                table::atom_by_symbol(&format!("{}{}", term.atom.symbol, term.exponent))
            && term.atom.dim.checked_powi(term.exponent) == Some(merged.dim)
        {
            term.atom = merged;
            term.exponent = 1;
        }
    }
    out
}

/// A hint for a word that is not a known unit.
fn hint(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    match lower.as_str() {
        "month" | "months" | "mo" | "mos" | "mth" | "mths" | "mon" => {
            return Some("months are ambiguous; use days or years (a year is 365 days)".to_owned());
        }
        "ton" | "tons" | "short_ton" | "long_ton" => {
            return Some("ambiguous (short or metric ton); use `t` for tonnes".to_owned());
        }
        "lb" | "lbs" | "pound" | "pounds" => {
            return Some(
                "pounds are not supported; convert to kg (1 lb = 0.45359237 kg)".to_owned(),
            );
        }
        _ => {}
    }
    if let Some(prefix) = word.strip_suffix("FLOPS") {
        return Some(format!(
            "`FLOPS` usually means FLOP per second; write `{prefix}FLOP/s` for a rate or `{prefix}FLOP` for a count"
        ));
    }
    if lower.ends_with("co2") || lower.ends_with("co₂") {
        return Some("write `CO2e` for CO2-equivalent, e.g. `kgCO2e`".to_owned());
    }
    match table::case_insensitive_matches(word).as_slice() {
        [] => None,
        [one] => Some(format!(
            "did you mean `{one}`? (unit symbols are case-sensitive)"
        )),
        several => Some(format!(
            "did you mean {}? (unit symbols are case-sensitive)",
            several
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

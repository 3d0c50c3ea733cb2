//! Loading declarative methodology files: parsing, checking, ordering `extends` chains.
//!
//! Loading is linear in the size of the files: each file is parsed once to be read and at
//! most once more to locate its problems and its rules' lines ([`Locator`]); chains of
//! `extends` are ordered without recursion ([`chain`]).

mod chain;

pub use chain::MAX_EXTENDS;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use bilan_core::assessment::Driver;
use bilan_core::method::{Descriptor, Methodology, Parameters, RuleSpec as DriverRule};
use bilan_io::{FileError, FileErrors, Locator, SourceFile};
use bilan_units::text::clip;
use sha2::{Digest as _, Sha256};

use crate::spec::{RuleKind, SCHEMA, Spec};
use crate::{Declarative, treatment};

/// A declarative methodology ready to run, with its file's identity.
#[derive(Debug)]
pub struct Loaded {
    /// The method.
    pub method: Arc<Declarative>,
    /// The file as shown to users (path, or `<embedded>/name.toml`).
    pub file: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One error in `file`; a file with many problems uses one [`Locator`] for all of them.
fn error(file: &SourceFile, path: &str, message: String) -> FileError {
    Locator::new(file).error(path, message)
}

fn boxed(file: &SourceFile, path: &str, message: String) -> Box<FileError> {
    Box::new(error(file, path, message))
}

struct Parsed {
    file: SourceFile,
    sha256: String,
    spec: Spec,
    version: semver::Version,
    base_id: String,
    requirement: semver::VersionReq,
    /// The file's own factors, checked.
    overrides: Vec<bilan_core::factor::Factor>,
}

/// Checks one file on its own (everything that does not need the base method).
fn check(file: SourceFile) -> Result<Parsed, FileErrors> {
    let spec: Spec = bilan_io::parse(&file)?;
    let loc = Locator::new(&file);
    let mut errors = Vec::new();
    if !(1..=SCHEMA).contains(&spec.schema) {
        errors.push(loc.error(
            "schema",
            format!(
                "schema {} is not supported; this build reads methodology files of schema 1 to {SCHEMA}",
                spec.schema
            ),
        ));
    }
    crate::profile::check(&spec, &loc, &mut errors);
    if spec.id.is_empty()
        || !spec
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(loc.error(
            "id",
            format!(
                "`{}` is not a valid id: use lowercase letters, digits and hyphens",
                clip(&spec.id)
            ),
        ));
    }
    let version = semver::Version::parse(&spec.version).map_err(|e| {
        loc.error(
            "version",
            format!(
                "`{}` is not a semver version (e.g. 1.0.0): {e}",
                clip(&spec.version)
            ),
        )
    });
    let extends = match spec.extends.split_once('@') {
        Some((id, req)) => semver::VersionReq::parse(req)
            .map(|r| (id.to_owned(), r))
            .map_err(|e| {
                loc.error(
                    "extends",
                    format!("`{}` is not a semver requirement (e.g. ^1): {e}", clip(req)),
                )
            }),
        None => Err(loc.error(
            "extends",
            format!(
                "`{0}`: name the base method and a version requirement, e.g. `{0}@^1`",
                clip(&spec.extends)
            ),
        )),
    };
    let mut rule_ids = HashSet::new();
    for (i, r) in spec.rules.iter().enumerate() {
        let at = |field: &str| format!("rule[{i}].{field}");
        if !rule_ids.insert(r.id.as_str()) {
            errors.push(loc.error(&at("id"), format!("duplicate rule id `{}`", clip(&r.id))));
        }
        if r.reason.trim().is_empty() {
            errors.push(loc.error(
                &at("reason"),
                "a rule needs its reason: it is shown in the audit trail".into(),
            ));
        }
        match r.kind {
            RuleKind::Scale => match r.multiplier {
                // A subnormal multiplier (5e-324) scales every figure to 0.
                Some(k) if k.is_finite() && k >= f64::MIN_POSITIVE => {}
                Some(k) => errors.push(loc.error(
                    &at("multiplier"),
                    format!(
                        "`{k:e}`: a multiplier must be a positive number, at least {:e} (smaller ones read as 0)",
                        f64::MIN_POSITIVE
                    ),
                )),
                None => errors.push(loc.error(
                    &at("multiplier"),
                    "a `scale` rule needs `multiplier`".into(),
                )),
            },
            RuleKind::CutOff => match r.threshold {
                Some(t) if t.is_finite() && t > 0.0 && t < 1.0 => {}
                Some(t) => errors.push(loc.error(
                    &at("threshold"),
                    format!("`{t}`: a cut-off threshold is a share between 0 and 1 (0.01 = 1 %)"),
                )),
                None => errors.push(loc.error(
                    &at("threshold"),
                    "a `cut-off` rule needs `threshold`".into(),
                )),
            },
            RuleKind::Exclude => {}
        }
        if r.kind != RuleKind::Scale && r.multiplier.is_some() {
            errors.push(loc.error(
                &at("multiplier"),
                "only a `scale` rule takes `multiplier`".into(),
            ));
        }
        if r.kind != RuleKind::CutOff && r.threshold.is_some() {
            errors.push(loc.error(
                &at("threshold"),
                "only a `cut-off` rule takes `threshold`".into(),
            ));
        }
        // A shared item's phase share cannot be scaled, cut off or reduced for one
        // indicator alone through a term common to every indicator: refuse rather than
        // change the other phases or indicators too.
        if r.kind != RuleKind::Exclude && r.matcher.phase.is_some() {
            errors.push(loc.error(
                &at("match.phase"),
                format!("`phase` selects shares of shared items; only an `exclude` rule takes it (not `{}`)", match r.kind {
                    RuleKind::Scale => "scale",
                    RuleKind::CutOff => "cut-off",
                    RuleKind::Exclude => "exclude",
                }),
            ));
        }
        if r.kind == RuleKind::Exclude && r.matcher.phase.is_some() && r.matcher.indicator.is_some()
        {
            errors.push(loc.error(
                &at("match.indicator"),
                "an `exclude` rule with `phase` removes that phase's share of every indicator: remove `indicator`, or write a second rule".into(),
            ));
        }
    }
    let overrides = match bilan_factors::check_entries(
        &file,
        "factors.override",
        spec.factors.overrides.clone(),
    ) {
        Ok(f) => f,
        Err(e) => {
            errors.extend(e.errors);
            Vec::new()
        }
    };
    for (i, p) in spec.factors.prefer.iter().enumerate() {
        if p.dataset.is_none() && p.basis.is_none() {
            errors.push(loc.error(
                &format!("factors.prefer[{i}]"),
                "name a `dataset` or a `basis` to prefer".into(),
            ));
        }
    }
    drop(loc);
    match (version, extends) {
        (Ok(version), Ok((base_id, requirement))) if errors.is_empty() => Ok(Parsed {
            sha256: sha256_hex(&file.text),
            file,
            spec,
            version,
            base_id,
            requirement,
            overrides,
        }),
        (version, extends) => {
            errors.extend(version.err());
            errors.extend(extends.err());
            Err(FileErrors { errors })
        }
    }
}

/// Loads declarative methodologies from `files` (in precedence order: embedded, working
/// directory, `--methodologies`, `--method-file`) on top of `bases` (built-in and plugin
/// methods). Identical files count once; two different files with one id are an error
/// naming both.
pub fn resolve(
    files: Vec<SourceFile>,
    bases: &[Arc<dyn Methodology>],
) -> Result<Vec<Loaded>, FileErrors> {
    let mut seen = HashSet::new();
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        if !seen.insert(sha256_hex(&file.text)) {
            continue;
        }
        match check(file) {
            Ok(p) => parsed.push(p),
            Err(e) => errors.extend(e.errors),
        }
    }
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for (i, p) in parsed.iter().enumerate() {
        if let Some(b) = bases.iter().find(|b| b.descriptor().id == p.spec.id) {
            errors.push(error(
                &p.file,
                "id",
                format!(
                    "`{}` is the id of a built-in or plugin method ({}); choose another id",
                    clip(&p.spec.id),
                    b.descriptor().name
                ),
            ));
        } else if let Some(&j) = by_id.get(&p.spec.id) {
            let other = &parsed[j];
            let what = if other.version == p.version {
                "the same id and version"
            } else {
                "the same id"
            };
            errors.push(error(
                &p.file,
                "id",
                format!(
                    "`{}` {} is also defined by {} ({} {}): two different files with {what}; remove or rename one",
                    clip(&p.spec.id),
                    p.version,
                    other.file.name,
                    clip(&other.spec.id),
                    other.version
                ),
            ));
        } else {
            by_id.insert(p.spec.id.clone(), i);
        }
    }
    if !errors.is_empty() {
        return Err(FileErrors { errors });
    }
    let (built, errors) = chain::build_all(&parsed, &by_id, bases);
    if !errors.is_empty() {
        return Err(FileErrors { errors });
    }
    let mut out = Vec::new();
    // Listing order: the order files were given.
    let mut indices: Vec<usize> = built.keys().copied().collect();
    indices.sort_unstable();
    for i in indices {
        if let Some(m) = built.get(&i) {
            out.push(Loaded {
                method: m.clone(),
                file: parsed[i].file.name.clone(),
                sha256: parsed[i].sha256.clone(),
            });
        }
    }
    Ok(out)
}

/// The method of a checked file on top of its base.
fn declare(p: &Parsed, base: Arc<dyn Methodology>) -> Result<Declarative, Box<FileError>> {
    let b = base.descriptor();
    let mut defaults = Parameters::default();
    let mut uncertain_parameters = Vec::new();
    let mut parameters = b.parameters.clone();
    for (name, input) in &p.spec.parameters {
        let path = format!("parameters.{name}");
        let Some(spec) = parameters.iter_mut().find(|s| &s.name == name) else {
            return Err(boxed(
                &p.file,
                &path,
                format!(
                    "`{}` has no parameter `{}` (it accepts: {})",
                    b.id,
                    clip(name),
                    b.parameters
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        // A value with a distribution (`"2.0 ± 0.2"`): the method gets its nominal value,
        // the propagation of uncertainty its distribution.
        let mut text = input.text();
        if text.contains('±') || text.contains("+/-") {
            let uncertain = bilan_units::UncertainQuantity::parse(&text)
                .map_err(|e| boxed(&p.file, &path, e.to_string()))?;
            text = uncertain.quantity.to_string();
            uncertain_parameters.push((name.clone(), uncertain));
        }
        let value = spec
            .kind
            .parse(&text)
            .map_err(|e| boxed(&p.file, &path, e))?;
        spec.default = Some(value.clone());
        defaults.set(name.clone(), value);
    }
    crate::profile::check_base(&p.file, &p.spec, b, &parameters)?;
    if let Some(selected) = &p.spec.indicators {
        let known = b
            .indicators
            .iter()
            .map(|i| i.id())
            .collect::<Vec<_>>()
            .join(", ");
        let problem = if selected.is_empty() {
            Some(format!(
                "`indicators = []` selects no indicator; list at least one of `{}`'s ({known}), or remove the key to keep them all",
                b.id
            ))
        } else {
            selected
                .iter()
                .find(|i| !b.indicators.contains(i))
                .map(|bad| format!("`{bad}` is not an indicator of `{}` ({known})", b.id))
        };
        if let Some(message) = problem {
            return Err(boxed(&p.file, "indicators", message));
        }
    }
    let overrides = p.overrides.clone();
    let mut rules: Vec<DriverRule> = b
        .rules
        .iter()
        .filter(|r| !p.spec.treatments.contains_key(&r.driver))
        .cloned()
        .collect();
    rules.extend(
        p.spec
            .treatments
            .iter()
            .map(|(d, text)| treatment(*d, text)),
    );
    // A driver whose contributions the file's rules exclude is no longer "included".
    for (driver, rule) in crate::summary::excluded_drivers(&p.spec) {
        if p.spec.treatments.contains_key(&driver) {
            continue;
        }
        let excluded = DriverRule {
            driver,
            treatment: "excluded".to_owned(),
            description: format!(
                "rule `{rule}` of {} takes out its contributions",
                p.file.name
            ),
        };
        match rules.iter_mut().find(|r| r.driver == driver) {
            Some(r) => *r = excluded,
            None => rules.push(excluded),
        }
    }
    // A narrower selection of indicators restates the base's coverage rule, unless the
    // file states its own.
    if let Some(selected) = &p.spec.indicators
        && selected != &b.indicators
        && !p.spec.treatments.contains_key(&Driver::IndicatorCoverage)
    {
        let rule = crate::summary::coverage_rule(selected, &p.file.name);
        match rules
            .iter_mut()
            .find(|r| r.driver == Driver::IndicatorCoverage)
        {
            Some(r) => *r = rule,
            None => rules.push(rule),
        }
    }
    let mut custom: Vec<String> = p
        .spec
        .rules
        .iter()
        .map(|r| format!("`{}` ({:?}): {}", r.id, r.kind, r.reason).to_lowercase())
        .collect();
    custom.extend(p.spec.factors.prefer.iter().map(|x| {
        format!(
            "prefer {} for `{}`: {}",
            x.dataset
                .clone()
                .or_else(|| x.basis.map(|b| b.id().to_owned()))
                .unwrap_or_default(),
            x.subject,
            x.reason
        )
    }));
    custom.extend(
        p.spec
            .factors
            .overrides
            .iter()
            .map(|f| format!("factor `{}` overridden: {}", f.id, f.citation)),
    );
    if !custom.is_empty() {
        rules.retain(|r| r.driver != Driver::AuditorRule);
        rules.push(DriverRule {
            driver: Driver::AuditorRule,
            treatment: format!(
                "{} of {}",
                bilan_units::text::count(custom.len(), "rule", "rules"),
                p.file.name
            ),
            description: custom.join("; "),
        });
    }
    let mut references = p.spec.follows.clone();
    references.push(format!("extends {}@{} ({})", b.id, b.version, b.name));
    let descriptor = Descriptor {
        id: p.spec.id.clone(),
        name: p.spec.name.clone(),
        version: p.version.clone(),
        summary: p.spec.description.clone(),
        indicators: p
            .spec
            .indicators
            .clone()
            .unwrap_or_else(|| b.indicators.clone()),
        boundary: crate::summary::boundary(&b.boundary, &p.spec, &p.file.name),
        parameters,
        rules,
        references,
    };
    let at = Locator::new(&p.file);
    let rule_lines = p
        .spec
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let span = at.locate(&format!("rule[{i}].id"))?;
            Some((r.id.clone(), at.line(span.start)))
        })
        .collect();
    Ok(Declarative {
        descriptor,
        base,
        spec: p.spec.clone(),
        file: p.file.name.clone(),
        rule_lines,
        defaults,
        uncertain_parameters,
        overrides,
        profile: crate::profile::record(&p.spec),
    })
}

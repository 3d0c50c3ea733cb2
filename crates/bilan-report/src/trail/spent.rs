//! A rebuilt assessment written once, its contributions dropped as they are written.
//!
//! A comparison report of the full audit trail rebuilds each assessment while the one before
//! is written ([`super::Assessments`]). Written from a borrow, the one being written stayed
//! whole until its end, beside the next one, whole too as soon as it was rebuilt: two full
//! trails at once. Written by [`Spent`], each contribution (its terms, values and item) is
//! freed once written, so the next one is mostly rebuilt beside what is left of this one.

use std::cell::RefCell;

use bilan_core::assessment::{Assessment, Contribution};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// An assessment serialised as [`Assessment`] is, byte for byte (a test holds it), whose
/// contributions are taken and dropped one by one as they are written. It is written once:
/// written again, it has no contributions.
pub(super) struct Spent(RefCell<Assessment>);

impl Spent {
    pub(super) fn new(a: Assessment) -> Spent {
        Spent(RefCell::new(a))
    }
}

/// The contributions, each dropped once written.
struct Taken(RefCell<Vec<Contribution>>);

impl Serialize for Taken {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let list = std::mem::take(&mut *self.0.borrow_mut());
        s.collect_seq(list)
    }
}

impl Serialize for Spent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut a = self.0.borrow_mut();
        let contributions = Taken(RefCell::new(std::mem::take(&mut a.contributions)));
        // The fields of `Assessment`, in its order, with its names and its rules for
        // leaving a field out.
        let mut out = s.serialize_struct("Assessment", 13)?;
        out.serialize_field("method", &a.method)?;
        out.serialize_field("parameters", &a.parameters)?;
        out.serialize_field("coverage", &a.coverage)?;
        out.serialize_field("contributions", &contributions)?;
        out.serialize_field("exclusions", &a.exclusions)?;
        out.serialize_field("assumptions", &a.assumptions)?;
        out.serialize_field("warnings", &a.warnings)?;
        out.serialize_field("functional-units", &a.functional_units)?;
        out.serialize_field("disclosures", &a.disclosures)?;
        out.serialize_field("factors", &a.factors)?;
        if let Some(profile) = &a.profile {
            out.serialize_field("profile", profile)?;
        }
        if !a.missing_stages.is_empty() {
            out.serialize_field("missing-stages", &a.missing_stages)?;
        }
        if !a.missing_units.is_empty() {
            out.serialize_field("missing-units", &a.missing_units)?;
        }
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use bilan_core::assessment::{MissingStage, MissingUnit, Profile, RequiredStage};
    use bilan_core::inventory::FunctionalUnitKind;

    use super::Spent;

    /// Written spent, every example's assessment under every built-in method is the text
    /// the assessment itself writes, with and without the fields written only when set, and
    /// it keeps none of its contributions.
    #[test]
    fn a_spent_assessment_writes_what_the_assessment_writes() {
        let factors = bilan_factors::embedded().expect("factors");
        let methods: [&dyn bilan_core::method::Methodology; 3] = [
            &bilan_plugin_ademe::AdemeLca::default(),
            &bilan_plugin_ghg::GhgProtocol::default(),
            &bilan_plugin_sci::Sci::default(),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut written = 0;
        for entry in std::fs::read_dir(&dir).expect("examples") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let Ok(file) = bilan_io::SourceFile::read(&path) else {
                continue;
            };
            let Ok(inventory) = bilan_io::load_inventory(&file) else {
                continue;
            };
            for m in methods {
                let Ok(mut a) = m.assess(&inventory, factors, &Default::default()) else {
                    continue;
                };
                if written % 2 == 1 {
                    a.profile = Some(Profile {
                        functional_units: vec![FunctionalUnitKind::Token],
                        ..Profile::default()
                    });
                    a.missing_stages.push(MissingStage {
                        stage: RequiredStage::Development,
                        reason: "no development".into(),
                    });
                    a.missing_units.push(MissingUnit {
                        functional_unit: "token".into(),
                        kind: FunctionalUnitKind::Token,
                        reason: "no tokens".into(),
                    });
                }
                let expected = serde_json::to_string_pretty(&a).expect("serialises");
                let spent = Spent::new(a);
                let actual = serde_json::to_string_pretty(&spent).expect("serialises");
                assert_eq!(actual, expected, "{}", path.display());
                assert!(spent.0.borrow().contributions.is_empty());
                written += 1;
            }
        }
        assert!(written > 10, "{written} assessments written");
    }
}

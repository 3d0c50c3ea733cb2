//! Values the BoAmps schema allows but bilan cannot use, refused before anything is mapped.
//!
//! The schema types its numbers but does not bound them, so a negative energy, a measure
//! that lasts no time or a GPU component of no device pass it. Each is refused here with its
//! JSON pointer, its line and what is expected, rather than read as something else (a zero
//! duration as none, which would charge the measure a whole day of embodied impacts; a
//! negative request count as requests of another phase; a component of no GPU as an unknown
//! device). What passes is what [`super::map`] reads without checking again.

use bilan_io::{FileError, SourceFile};
use serde_json::Value;

use super::doc::Doc;

/// Whether a value is wanted at a pointer, or only checked when present.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    /// The value must be there.
    Required,
    /// The value may be left out.
    Optional,
}

/// Every value of the report that bilan reads and cannot use, as located errors.
pub(super) fn values(doc: &Doc<'_>) -> Vec<FileError> {
    let mut errors = Vec::new();
    let mut check = |pointer: &str, presence, ok: fn(f64) -> bool, expected: &str| {
        if let Some(e) = number(doc, pointer, presence, ok, expected) {
            errors.push(e);
        }
    };
    check(
        "/environment/powerSourceCarbonIntensity",
        Presence::Optional,
        at_least_zero,
        "a carbon intensity of zero or more, in gCO2eq/kWh",
    );
    check(
        "/task/nbRequest",
        Presence::Optional,
        at_least_zero,
        "a number of requests of zero or more",
    );
    for k in 0..doc.len("/measures") {
        check(
            &format!("/measures/{k}/powerConsumption"),
            Presence::Required,
            at_least_zero,
            "an energy of zero or more, in kWh",
        );
        check(
            &format!("/measures/{k}/measurementDuration"),
            Presence::Optional,
            more_than_zero,
            "a duration of more than zero, in seconds; leave the key out when it is not known",
        );
    }
    for i in 0..doc.len("/infrastructure/components") {
        let at = format!("/infrastructure/components/{i}");
        if is_gpu(doc, &at) {
            check(
                &format!("{at}/nbComponent"),
                Presence::Required,
                at_least_one,
                "a number of GPUs of one or more",
            );
        }
    }
    errors
}

/// Whether the component at `at` is a GPU, the one kind bilan reads (as a fleet).
pub(super) fn is_gpu(doc: &Doc<'_>, at: &str) -> bool {
    doc.peek(&format!("{at}/componentType"))
        .and_then(Value::as_str)
        .is_some_and(|kind| kind.eq_ignore_ascii_case("gpu"))
}

/// The error for the number at `pointer`, if it is not a finite number that passes `ok`
/// (or, when `Required`, is absent).
fn number(
    doc: &Doc<'_>,
    pointer: &str,
    presence: Presence,
    ok: fn(f64) -> bool,
    expected: &str,
) -> Option<FileError> {
    let value = doc.peek(pointer);
    let found = match value {
        None if presence == Presence::Optional => return None,
        None => "nothing".to_owned(),
        Some(v) if v.as_f64().is_some_and(|n| n.is_finite() && ok(n)) => return None,
        Some(v) => format!("`{v}`"),
    };
    Some(located(
        doc.file,
        pointer,
        format!("{found}: expected {expected}"),
    ))
}

fn at_least_zero(v: f64) -> bool {
    v >= 0.0
}

fn more_than_zero(v: f64) -> bool {
    v > 0.0
}

fn at_least_one(v: f64) -> bool {
    v >= 1.0
}

/// An error at the value at `pointer`, on its line.
fn located(file: &SourceFile, pointer: &str, message: String) -> FileError {
    FileError::located(
        file,
        super::schema::span(&file.text, pointer),
        pointer.to_owned(),
        message,
    )
}

#[cfg(test)]
mod tests {
    use bilan_hardware::Catalogue;
    use bilan_io::{FileErrors, SourceFile};
    use serde_json::{Value, json};

    use crate::{Import, Kind};

    /// The inference sample with `edit` applied, imported.
    fn import(edit: impl FnOnce(&mut Value)) -> Result<Import, FileErrors> {
        let sample = super::super::tests::fixture("samples/llm-inference-h100.json");
        let mut value: Value = serde_json::from_str(&sample.text).expect("json");
        edit(&mut value);
        let file = SourceFile {
            name: "edited.json".into(),
            text: serde_json::to_string_pretty(&value).expect("json"),
        };
        let catalogue = Catalogue::embedded().expect("catalogue");
        crate::import(Kind::Boamps, &[file], catalogue)
    }

    /// Sets the value at `pointer` (whose parent exists) to `to`.
    fn set(pointer: &'static str, to: Value) -> impl FnOnce(&mut Value) {
        move |v| *v.pointer_mut(pointer).expect(pointer) = to
    }

    #[test]
    fn impossible_durations_counts_and_requests_are_refused_at_their_pointer() {
        let duration = "/measures/0/measurementDuration";
        let gpus = "/infrastructure/components/1/nbComponent";
        for (pointer, to, expected) in [
            (duration, json!(0), "a duration of more than zero"),
            (duration, json!(-0.0), "a duration of more than zero"),
            (duration, json!(-3600), "a duration of more than zero"),
            (
                "/task/nbRequest",
                json!(-5),
                "a number of requests of zero or more",
            ),
            (gpus, json!(0), "a number of GPUs of one or more"),
            (gpus, json!(-4), "a number of GPUs of one or more"),
            (
                "/measures/0/powerConsumption",
                json!(-1.0),
                "an energy of zero",
            ),
        ] {
            let err = import(set(pointer, to.clone())).expect_err(pointer);
            let [e] = err.errors.as_slice() else {
                panic!("{pointer} = {to}: one error: {err:?}");
            };
            assert_eq!(e.key_path.as_deref(), Some(pointer), "{e}");
            assert!(e.line.is_some(), "{e}");
            assert!(
                e.message.contains(&format!("`{to}`")) && e.message.contains(expected),
                "{pointer} = {to}: {e}"
            );
        }
    }

    #[test]
    fn what_the_checks_allow_still_reads() {
        // No duration: the workload has none, and nothing is refused.
        let import = import(|v| {
            v["measures"][0]
                .as_object_mut()
                .expect("measure")
                .remove("measurementDuration");
            v["task"]["nbRequest"] = json!(0);
            // A component that is not a GPU is not read: its count is listed with it.
            v["infrastructure"]["components"][0]["nbComponent"] = json!(0);
        })
        .expect("valid");
        let w = &import.inventory.workloads[0];
        assert!(w.duration.is_none());
        assert_eq!(w.volume.requests, Some(0.0));
        assert!(
            import
                .report
                .lost
                .iter()
                .any(|l| l.at == "/infrastructure/components/0"),
            "{:?}",
            import.report.lost
        );
    }

    #[test]
    fn requests_of_a_task_that_is_not_inference_are_listed_as_such() {
        let import = import(|v| v["task"]["taskStage"] = json!("training")).expect("valid");
        let lost = import
            .report
            .lost
            .iter()
            .find(|l| l.at == "/task/nbRequest")
            .expect("listed");
        assert!(lost.why.contains("not inference"), "{lost:?}");
    }
}

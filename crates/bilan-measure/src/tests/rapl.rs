use std::path::Path;

use crate::rapl::{Rapl, RaplError};

/// Writes a powercap zone `zone` named `name` with its counter at `energy` µJ.
pub(crate) fn zone(dir: &Path, zone: &str, name: &str, energy: u64, max: u64) {
    let z = dir.join(zone);
    std::fs::create_dir_all(&z).expect("zone dir");
    std::fs::write(z.join("name"), format!("{name}\n")).expect("name");
    std::fs::write(z.join("energy_uj"), format!("{energy}\n")).expect("energy");
    std::fs::write(z.join("max_energy_range_uj"), format!("{max}\n")).expect("max");
}

/// Sets the counter of `zone`.
pub(crate) fn set(dir: &Path, zone: &str, energy: u64) {
    std::fs::write(dir.join(zone).join("energy_uj"), format!("{energy}\n")).expect("energy");
}

#[test]
fn packages_and_dram_are_counted_parts_and_duplicates_are_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("intel-rapl")).expect("control type");
    zone(d, "intel-rapl:0", "package-0", 10, 1000);
    zone(d, "intel-rapl:0:0", "core", 5, 1000);
    zone(d, "intel-rapl:0:1", "uncore", 5, 1000);
    zone(d, "intel-rapl:0:2", "dram", 7, 2000);
    zone(d, "intel-rapl:1", "psys", 99, 1000);
    zone(d, "intel-rapl-mmio:0", "package-0", 10, 1000);
    let rapl = Rapl::discover(d).expect("discovered");
    let names: Vec<&str> = rapl.domains.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["package-0", "dram"]);
    assert_eq!(rapl.domains[1].range, 2001);
    assert!(rapl.notes.is_empty(), "{:?}", rapl.notes);
    assert_eq!(rapl.read(0).expect("read"), 10);
    assert_eq!(rapl.read(1).expect("read"), 7);
}

#[test]
fn with_two_packages_each_dram_is_named_by_its_package() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    zone(d, "intel-rapl:0", "package-0", 1, 1000);
    zone(d, "intel-rapl:0:0", "dram", 1, 1000);
    zone(d, "intel-rapl:1", "package-1", 1, 1000);
    zone(d, "intel-rapl:1:0", "dram", 1, 1000);
    let rapl = Rapl::discover(d).expect("discovered");
    let names: Vec<&str> = rapl.domains.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        ["package-0", "package-0/dram", "package-1", "package-1/dram"]
    );
}

#[test]
fn a_package_without_dram_says_dram_is_not_measured() {
    // As on AMD processors: a package, its cores, no DRAM domain.
    let dir = tempfile::tempdir().expect("temp dir");
    zone(dir.path(), "intel-rapl:0", "package-0", 1, 1000);
    zone(dir.path(), "intel-rapl:0:0", "core", 1, 1000);
    let rapl = Rapl::discover(dir.path()).expect("discovered");
    assert_eq!(rapl.domains.len(), 1);
    assert!(
        rapl.notes[0].contains("DRAM energy not measured"),
        "{:?}",
        rapl.notes
    );
}

#[test]
fn no_rapl_is_an_error_naming_the_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let e = Rapl::discover(dir.path()).expect_err("nothing there");
    assert!(matches!(e, RaplError::Absent { .. }), "{e:?}");
    assert!(
        e.to_string().contains(&dir.path().display().to_string()),
        "{e}"
    );
    let e = Rapl::discover(&dir.path().join("missing")).expect_err("no directory");
    assert!(e.to_string().contains("no RAPL energy counter"), "{e}");
}

#[test]
fn an_unreadable_counter_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    zone(dir.path(), "intel-rapl:0", "package-0", 1, 1000);
    // A directory where the counter should be: it cannot be read (as root too).
    let energy = dir.path().join("intel-rapl:0/energy_uj");
    std::fs::remove_file(&energy).expect("remove");
    std::fs::create_dir(&energy).expect("dir");
    let e = Rapl::discover(dir.path()).expect_err("unreadable");
    assert!(e.to_string().contains("intel-rapl:0/energy_uj"), "{e}");
    let dir = tempfile::tempdir().expect("temp dir");
    zone(dir.path(), "intel-rapl:1", "package-1", 1, 1000);
    std::fs::write(dir.path().join("intel-rapl:1/max_energy_range_uj"), "lots").expect("w");
    let e = Rapl::discover(dir.path()).expect_err("not a number");
    assert!(e.to_string().contains("is not a whole number"), "{e}");
}

#[test]
fn permission_denied_says_what_to_do() {
    // Root reads any file, so the refusal is checked on the message itself.
    let e = RaplError::Permission {
        path: "/sys/class/powercap/intel-rapl:0/energy_uj".to_owned(),
        dir: "/sys/class/powercap".to_owned(),
    };
    let text = e.to_string();
    assert!(
        text.starts_with("permission denied reading /sys/class/powercap/intel-rapl:0/energy_uj"),
        "{text}"
    );
    assert!(
        text.contains("Linux 5.10") && text.contains("chmod a+r"),
        "{text}"
    );
}

#[test]
fn the_longest_interval_cannot_miss_a_wrap() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A 32-bit counter: 4,295 J, 8.6 s at 500 W; half of it.
    zone(dir.path(), "intel-rapl:0", "package-0", 1, (1 << 32) - 1);
    zone(dir.path(), "intel-rapl:0:0", "dram", 1, 262_143_328_850);
    let rapl = Rapl::discover(dir.path()).expect("discovered");
    let longest = rapl.longest_interval().as_secs_f64();
    assert!((longest - 4.294_967_296).abs() < 1e-6, "{longest}");
}

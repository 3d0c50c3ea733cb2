//! `bilan measure` end to end, on simulated GPUs (the hidden `--simulate SCRIPT`) and fake
//! powercap trees (the hidden `--powercap DIR`), so that no GPU and no RAPL are needed: the
//! inventory written loads and validates, comments survive, JSON works, the command's exit
//! and Ctrl-C are handled, and every error that can come before the run comes before it.
//!
//! The tests run one at a time ([`LOCK`]): one of them sends SIGINT to this process, which
//! every measurement running at that moment would take as its own Ctrl-C.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bilan_core::inventory::Inventory;

use crate::support::{Output, bilan};

static LOCK: Mutex<()> = Mutex::new(());

/// Two H100s: 300 J and 200 J per reading after the first; the second one is lost from its
/// fourth reading on (`lost` readings succeed before).
fn script(lost_after: Option<u32>) -> String {
    let lost = lost_after.map_or(String::new(), |n| format!(r#", "lost-after": {n}"#));
    format!(
        r#"{{ "driver-version": "550.54.15",
  "devices": [
    {{ "name": "NVIDIA H100 80GB HBM3", "energy-mj": [1000000], "step-mj": 300000,
       "power-mw": [300000, 350000] }},
    {{ "name": "NVIDIA H100 80GB HBM3", "energy-mj": [5000], "step-mj": 200000,
       "power-mw": [200000]{lost} }} ] }}"#
    )
}

/// A fresh directory for one test, with a simulation script `sim.json` and a powercap tree
/// `powercap/` (package-0 and its DRAM).
fn scratch(name: &str) -> PathBuf {
    let dir =
        crate::support::scratch().join(format!("bilan-e2e-measure-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(dir.join("sim.json"), script(None)).expect("script");
    for (zone, domain, energy) in [
        ("intel-rapl:0", "package-0", 5_000_000),
        ("intel-rapl:0:0", "dram", 700_000),
    ] {
        let z = dir.join("powercap").join(zone);
        std::fs::create_dir_all(&z).expect("zone");
        std::fs::write(z.join("name"), format!("{domain}\n")).expect("name");
        std::fs::write(z.join("energy_uj"), format!("{energy}\n")).expect("energy");
        std::fs::write(z.join("max_energy_range_uj"), "262143328850\n").expect("max");
    }
    dir
}

fn arg(p: &Path) -> String {
    p.display().to_string()
}

/// `bilan measure --inventory INV --simulate sim.json --powercap powercap EXTRA -- CMD…`.
fn measure(dir: &Path, inventory: &Path, extra: &[&str], command: &[&str]) -> Output {
    let mut args = vec![
        "measure".to_owned(),
        "--inventory".to_owned(),
        arg(inventory),
        "--simulate".to_owned(),
        arg(&dir.join("sim.json")),
        "--powercap".to_owned(),
        arg(&dir.join("powercap")),
    ];
    if !extra.contains(&"--interval") {
        args.extend(["--interval".to_owned(), "0.05".to_owned()]);
    }
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args.push("--".to_owned());
    args.extend(command.iter().map(|a| (*a).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    bilan(&args)
}

/// The inventory at `path`, loaded and validated as every command reads it.
fn load(path: &Path) -> Inventory {
    let (_, inv) =
        bilan_io::read_inventory(path).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    inv
}

/// An existing inventory with comments, over a reporting period that includes today.
const LAB: &str = r#"# The lab's inventory: comments stay where they are.
schema = 1

[system]
name = "lab"   # short
period = { start = 2000-01-01, end = 2999-12-31 }

# The machine room.
[[site]]
id = "room"
region = "FR"
ownership = "owned"

[[fleet]]
id = "h100s"
model = "nvidia-h100-sxm-80gb"
count = 8
site = "room"

# Last spring's fine-tuning, from the bill.
[[workload]]
id = "ft"
phase = "fine-tuning"
site = "room"
energy = "12 kWh"   # metered

# Shipping, estimated.
[[transport]]
id = "ship"
impacts.gwp = { value = "1 t CO2e", source = "estimate" }
"#;

#[test]
fn a_new_inventory_is_created_and_validates() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("new");
    let inventory = dir.join("runs.toml");
    let out = measure(
        &dir,
        &inventory,
        &[
            "--region",
            "FR",
            "--phase",
            "training",
            "--workload",
            "run-1",
        ],
        &["true"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("GPU 0 (NVIDIA H100 80GB HBM3), GPU 1"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("workload `run-1` added to"),
        "{}",
        out.stderr
    );
    let inv = load(&inventory);
    assert_eq!(inv.sites[0].id, "local");
    let w = &inv.workloads[0];
    assert_eq!(&*w.id, "run-1");
    assert_eq!(w.site, "local");
    assert_eq!(w.devices, Some(2.0));
    assert!(w.host_overhead.is_some());
    let m = w.measurement.as_ref().expect("a measurement");
    assert_eq!(m.method, "nvml-energy-counter, rapl-powercap");
    assert_eq!(m.command.as_deref(), Some("true"));
    assert_eq!(m.exit_code, Some(0));
    assert_eq!(m.driver_version.as_deref(), Some("550.54.15"));
    assert!(!m.interrupted);
    assert_eq!(m.devices.len(), 2);
    assert_eq!(m.devices[0].model.as_deref(), Some("nvidia-h100-sxm-80gb"));
    let domains: Vec<&str> = m.rapl.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(domains, ["package-0", "dram"]);
    // The reporting period is the year measured.
    assert_eq!(inv.system.period.start.to_string()[4..], *"-01-01");
    let validate = bilan(&["validate", &arg(&inventory)]);
    assert_eq!(validate.code, 0, "{}", validate.stderr);
}

#[test]
fn a_toml_inventory_keeps_its_comments_and_layout() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("append");
    let inventory = dir.join("lab.toml");
    std::fs::write(&inventory, LAB).expect("write");
    let out = measure(
        &dir,
        &inventory,
        &["--fleet", "h100s", "--gpus", "1"],
        &["true"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&inventory).expect("read");
    let mut lines = text.lines();
    for line in LAB.lines() {
        assert!(lines.any(|l| l == line), "`{line}` lost or moved:\n{text}");
    }
    let new = text.find("id = \"measure-").expect("the new workload");
    assert!(text.find("# metered") < Some(new), "{text}");
    assert!(Some(new) < text.find("# Shipping, estimated."), "{text}");
    let inv = load(&inventory);
    let w = inv.workloads.last().expect("the new workload");
    assert_eq!(
        (w.site.as_str(), w.fleet.as_deref()),
        ("room", Some("h100s"))
    );
    assert_eq!(w.devices, Some(1.0));
    let m = w.measurement.as_ref().expect("a measurement");
    assert_eq!(m.devices[0].index, 1);
}

#[test]
fn json_inventories_are_written_as_json() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("json");
    let inventory = dir.join("runs.json");
    let first = measure(
        &dir,
        &inventory,
        &["--region", "US-VA", "--workload", "a"],
        &["true"],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = measure(&dir, &inventory, &["--workload", "b"], &["true"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let text = std::fs::read_to_string(&inventory).expect("read");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["workload"][1]["id"], "b");
    assert_eq!(json["workload"][1]["devices"], serde_json::json!(2));
    assert_eq!(
        json["workload"][1]["measurement"]["devices"][1]["name"],
        "NVIDIA H100 80GB HBM3"
    );
    let inv = load(&inventory);
    assert_eq!(inv.workloads.len(), 2);
    assert_eq!(inv.sites.len(), 1);
}

#[test]
fn the_commands_exit_code_is_reported_and_the_measurement_kept() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("exit");
    let inventory = dir.join("runs.toml");
    let out = measure(
        &dir,
        &inventory,
        &["--region", "FR"],
        &["sh", "-c", "exit 3"],
    );
    // bilan ends with the command's code, and says so.
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .contains("the command exited with code 3 (bilan exits with code 3)"),
        "{}",
        out.stderr
    );
    let m = load(&inventory).workloads[0]
        .measurement
        .clone()
        .expect("a measurement");
    assert_eq!(m.exit_code, Some(3));
    assert_eq!(m.command.as_deref(), Some("sh -c 'exit 3'"));
}

#[test]
fn ctrl_c_stops_the_command_and_still_writes_the_measurement() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("ctrl-c");
    let inventory = dir.join("runs.toml");
    // The command sends SIGINT to its parent, this test process, as a Ctrl-C would; bilan
    // then gives it 0.2 s before SIGTERM.
    let out = measure(
        &dir,
        &inventory,
        &["--region", "FR", "--grace", "0.2"],
        &["sh", "-c", "kill -INT $PPID; exec sleep 20"],
    );
    assert!(
        out.stderr.contains("was killed by SIGTERM (signal 15)"),
        "{}",
        out.stderr
    );
    let m = load(&inventory).workloads[0]
        .measurement
        .clone()
        .expect("a measurement");
    assert!(m.interrupted);
    assert_eq!(m.exit_code, None);
    assert!(
        m.notes
            .iter()
            .any(|n| n.starts_with("interrupted: the command was asked to stop")),
        "{:?}",
        m.notes
    );
}

#[test]
fn a_gpu_that_disappears_is_counted_until_it_did() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("lost");
    std::fs::write(dir.join("sim.json"), script(Some(2))).expect("script");
    let inventory = dir.join("runs.toml");
    let out = measure(&dir, &inventory, &["--region", "FR"], &["sleep", "0.5"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let m = load(&inventory).workloads[0]
        .measurement
        .clone()
        .expect("a measurement");
    assert!(m.interrupted);
    let lost = &m.devices[1];
    // Two readings (the first and one sample 0.05 s later): 200 J.
    assert_eq!(
        lost.energy.as_ref().map(ToString::to_string).as_deref(),
        Some("0.00005555556 kWh")
    );
    let measured_for = lost
        .measured_for
        .as_ref()
        .expect("measured for less than the whole");
    assert!(measured_for.value() < 0.5, "{measured_for}");
    assert!(m.devices[0].measured_for.is_none());
    assert!(
        m.notes
            .iter()
            .any(|n| n.starts_with("GPU 1 (NVIDIA H100 80GB HBM3) could not be read")),
        "{:?}",
        m.notes
    );
}

#[test]
fn without_rapl_the_host_is_reported_missing_and_cpu_only_refuses_to_start() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("no-rapl");
    std::fs::remove_dir_all(dir.join("powercap")).expect("remove");
    std::fs::create_dir_all(dir.join("powercap")).expect("empty");
    let inventory = dir.join("runs.toml");
    let out = measure(&dir, &inventory, &["--region", "FR"], &["true"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let w = load(&inventory).workloads.remove(0);
    assert!(w.host_overhead.is_none(), "nothing estimated");
    let m = w.measurement.expect("a measurement");
    assert_eq!(m.method, "nvml-energy-counter");
    assert!(
        m.notes
            .iter()
            .any(|n| n.starts_with("host CPU and DRAM energy not measured: no RAPL")),
        "{:?}",
        m.notes
    );
    let ran = dir.join("ran");
    let out = measure(
        &dir,
        &dir.join("cpu.toml"),
        &["--region", "FR", "--cpu-only"],
        &["touch", &arg(&ran)],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no RAPL energy counter under"),
        "{}",
        out.stderr
    );
    assert!(!ran.exists(), "the command must not run");
    assert!(!dir.join("cpu.toml").exists());
}

#[test]
fn cpu_only_measures_rapl_alone() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("cpu-only");
    let inventory = dir.join("runs.toml");
    let out = measure(
        &dir,
        &inventory,
        &["--region", "FR", "--cpu-only"],
        &["true"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let w = load(&inventory).workloads.remove(0);
    assert!(w.devices.is_none() && w.host_overhead.is_none());
    let m = w.measurement.expect("a measurement");
    assert_eq!(m.method, "rapl-powercap");
    assert!(m.devices.is_empty());
}

#[test]
fn errors_come_before_the_command_runs_and_leave_the_inventory_untouched() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("before");
    let inventory = dir.join("lab.toml");
    std::fs::write(&inventory, LAB).expect("write");
    let ran = dir.join("ran");
    let touch = ["touch", &arg(&ran)];
    let cases: &[(&[&str], &str)] = &[
        (
            &["--site", "attic"],
            "has no site `attic` (its sites: room)",
        ),
        (&["--workload", "ft"], "already has a workload `ft`"),
        (
            &["--fleet", "a100s"],
            "has no fleet `a100s` (its fleets: h100s)",
        ),
        (
            &["--gpus", "7"],
            "no GPU with index 7 (the GPUs here are 0, 1)",
        ),
        (
            &["--interval", "0"],
            "--interval 0: expected a number of seconds",
        ),
        (
            &["--interval", "3600"],
            "--interval 3600 s is too long for the RAPL counters here",
        ),
        (&["--region", "France"], "--region: unknown region `France`"),
    ];
    for (extra, expected) in cases {
        let out = measure(&dir, &inventory, extra, &touch);
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{extra:?}: {}", out.stderr);
        assert!(!ran.exists(), "{extra:?}: the command must not run");
    }
    // Nine GPUs on a fleet of eight: the inventory would not validate.
    let nine: Vec<String> = (0..9)
        .map(|i| {
            format!(r#"{{ "index": {i}, "name": "NVIDIA H100 80GB HBM3", "energy-mj": [0] }}"#)
        })
        .collect();
    std::fs::write(
        dir.join("sim.json"),
        format!(r#"{{ "devices": [{}] }}"#, nine.join(", ")),
    )
    .expect("script");
    let out = measure(&dir, &inventory, &["--fleet", "h100s"], &touch);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("9 devices reserved, but fleet `h100s` has 8"),
        "{}",
        out.stderr
    );
    assert!(!ran.exists());
    assert_eq!(std::fs::read_to_string(&inventory).expect("read"), LAB);
    // A new inventory needs the region of its site.
    let out = measure(&dir, &dir.join("new.toml"), &[], &touch);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("does not exist yet: give --region"),
        "{}",
        out.stderr
    );
    assert!(!ran.exists());
}

#[test]
fn an_inventory_broken_during_the_run_is_not_overwritten_and_the_measurement_is_printed() {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("broken");
    let inventory = dir.join("lab.toml");
    std::fs::write(&inventory, LAB).expect("write");
    let script = format!("echo 'this is not TOML' >> '{}'", arg(&inventory));
    let out = measure(&dir, &inventory, &[], &["sh", "-c", &script]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the inventory was not written"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("[[workload]]\nid = \"measure-"),
        "{}",
        out.stderr
    );
    // The file is as the command left it: bilan replaced nothing.
    assert_eq!(
        std::fs::read_to_string(&inventory).expect("read"),
        format!("{LAB}this is not TOML\n")
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".bilan-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn without_a_gpu_driver_the_error_names_the_library() {
    if Path::new("/dev/nvidiactl").exists() {
        return; // a machine with an NVIDIA driver: NVML loads
    }
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scratch("no-driver");
    let ran = dir.join("ran");
    let out = bilan(&[
        "measure",
        "--inventory",
        &arg(&dir.join("runs.toml")),
        "--region",
        "FR",
        "--",
        "touch",
        &arg(&ran),
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("libnvidia-ml.so.1"), "{}", out.stderr);
    assert!(out.stderr.contains("--cpu-only"), "{}", out.stderr);
    assert!(!ran.exists());
}

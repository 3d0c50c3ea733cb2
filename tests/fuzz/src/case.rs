//! One fuzz case: a mutated corpus file and the bilan commands run on it, in process.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::corpus::{FACTORS, INVENTORIES, METHODOLOGIES, Role, Seed};
use crate::mutate::{Sizes, mutate};
use crate::rng::Rng;

/// A command line with `{file}` (the mutated file) and `{inv}` (the inventory) to fill in.
pub type Template = Vec<String>;

/// A generated case: a pure function of the seed, its index and the sizes.
#[derive(Clone, Debug)]
pub struct Case {
    /// The run's seed.
    pub seed: u64,
    /// The case's number in the run.
    pub index: u64,
    /// The corpus file it starts from.
    pub base: Seed,
    /// For a methodology or factor file: the (unmutated) inventory it runs on.
    pub inventory: Seed,
    /// The mutated bytes.
    pub data: Vec<u8>,
    /// What the mutator did.
    pub mutations: Vec<String>,
    /// The commands, in order; later ones run only if the first did not refuse the input.
    pub commands: Vec<Template>,
    /// Whether it was generated with the smaller sizes of the in-test fuzz.
    pub test_sizes: bool,
}

/// The file names a case writes, fixed so a message naming them can be recognised.
pub const FILE_NAMES: [(Role, &str); 3] = [
    (Role::Inventory, "fuzzed-inventory.toml"),
    (Role::Methodology, "fuzzed-method.toml"),
    (Role::Factors, "fuzzed-factors.toml"),
];

/// The name the mutated file of `role` is written under.
pub fn file_name(role: Role) -> &'static str {
    FILE_NAMES
        .iter()
        .find(|(r, _)| *r == role)
        .map_or("fuzzed.toml", |(_, n)| n)
}

fn words(s: &str) -> Template {
    s.split(' ').map(str::to_owned).collect()
}

/// Figures that `explain` is asked for.
pub const FIGURES: [&str; 5] = [
    "gwp.total",
    "gwp.stage.manufacturing",
    "water.stage.use",
    "gwp.phase.training",
    "adpe.total",
];

impl Case {
    /// Every command a case of `role` may run: the reading command first, then
    /// `compare -f json`, then the other formats and commands.
    pub fn all_commands(role: Role, method: &str, figure: &str) -> Vec<Template> {
        let flag = match role {
            Role::Inventory => "",
            Role::Methodology => "--method-file {file} ",
            Role::Factors => "--factors {file} ",
        };
        let target = if role == Role::Inventory {
            "{file}"
        } else {
            "{inv}"
        };
        let first = match role {
            Role::Inventory => words("validate {file}"),
            Role::Methodology => words("methods --method-file {file}"),
            Role::Factors => words("factors --factors {file} --subject hardware/"),
        };
        let mut all = vec![first];
        for format in ["json", "table", "md", "csv", "html"] {
            all.push(words(&format!("compare -f {format} {flag}{target}")));
        }
        for format in ["json", "table"] {
            all.push(words(&format!("assess -f {format} {flag}{target}")));
        }
        all.push(words(&format!(
            "explain --figure {figure} -m {method} {flag}{target}"
        )));
        // The propagation of uncertainty, on few iterations.
        all.push(words(&format!(
            "compare -f json --uncertainty mc --iterations 40 {flag}{target}"
        )));
        all.push(words(&format!(
            "compare -f html --uncertainty analytic {flag}{target}"
        )));
        all.push(words(&format!(
            "explain --figure {figure} -m {method} --uncertainty analytic {flag}{target}"
        )));
        all
    }

    /// Case `index` of the run seeded with `seed`.
    pub fn generate(seed: u64, index: u64, sizes: Sizes) -> Case {
        let mut rng = Rng::for_case(seed, index);
        let role = match rng.below(10) {
            0..=5 => Role::Inventory,
            6 | 7 => Role::Methodology,
            _ => Role::Factors,
        };
        let pool: &[Seed] = match role {
            Role::Inventory => &INVENTORIES,
            Role::Methodology => &METHODOLOGIES,
            Role::Factors => &FACTORS,
        };
        let base = *rng.pick(pool).unwrap_or(&INVENTORIES[0]);
        let inventory = *rng.pick(&INVENTORIES).unwrap_or(&INVENTORIES[0]);
        let mut data = base.text.as_bytes().to_vec();
        let mutations = mutate(&mut rng, &mut data, sizes);
        let method = base.method_id.unwrap_or(
            *rng.pick(&["ademe-lca", "ghg-protocol", "sci"])
                .unwrap_or(&"sci"),
        );
        let figure = *rng.pick(&FIGURES).unwrap_or(&"gwp.total");
        let all = Case::all_commands(role, method, figure);
        // The reading command, `compare -f json` (every method, the fullest output), and
        // one of the other formats and commands.
        let commands: Vec<Template> = [0, 1, 2 + rng.below(all.len() - 2)]
            .iter()
            .filter_map(|&i| all.get(i).cloned())
            .collect();
        Case {
            seed,
            index,
            base,
            inventory,
            data,
            mutations,
            commands,
            test_sizes: sizes == Sizes::TEST,
        }
    }

    /// The command lines with the paths of `dir` filled in.
    pub fn args(&self, dir: &Path) -> Vec<Vec<String>> {
        let file = dir.join(file_name(self.base.role)).display().to_string();
        let inv = dir.join("inventory.toml").display().to_string();
        self.commands
            .iter()
            .map(|t| {
                ["bilan".to_owned(), "--no-config".to_owned()]
                    .into_iter()
                    .chain(t.iter().map(|w| match w.as_str() {
                        "{file}" => file.clone(),
                        "{inv}" => inv.clone(),
                        _ => w.clone(),
                    }))
                    .collect()
            })
            .collect()
    }

    /// Writes the case's files into `dir`.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(file_name(self.base.role)), &self.data)?;
        if self.base.role != Role::Inventory {
            std::fs::write(dir.join("inventory.toml"), self.inventory.text)?;
        }
        Ok(())
    }
}

/// What one command did.
#[derive(Debug)]
pub struct Ran {
    /// The arguments.
    pub args: Vec<String>,
    /// The exit code (`None`: it panicked out of `bilan_cli::run`).
    pub code: Option<u8>,
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// Panic messages recorded by the hook while it ran (methods' panics caught by the
    /// runner included).
    pub panics: Vec<String>,
}

static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static CURRENT: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The command running now (or last run) in this process: what a hang was doing.
pub fn current_command() -> Vec<String> {
    CURRENT.lock().map(|c| c.clone()).unwrap_or_default()
}

static CAPTURING: AtomicUsize = AtomicUsize::new(0);

/// Replaces the panic hook with one that records the message and its place instead of
/// printing it while [`run_command`] runs: every panic is a finding, and the fuzz's own
/// output stays readable. Other panics (a failing test's) go to the previous hook.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CAPTURING.load(Ordering::SeqCst) == 0 {
                return previous(info);
            }
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic".to_owned());
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            if let Ok(mut p) = PANICS.lock() {
                p.push(format!("{msg} at {at}"));
            }
        }));
    });
}

fn take_panics() -> Vec<String> {
    PANICS
        .lock()
        .map(|mut p| std::mem::take(&mut *p))
        .unwrap_or_default()
}

/// Runs one command in process, catching a panic.
pub fn run_command(args: &[String]) -> Ran {
    take_panics();
    if let Ok(mut c) = CURRENT.lock() {
        *c = args.to_vec();
    }
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    CAPTURING.fetch_add(1, Ordering::SeqCst);
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        bilan_cli::run(args, &mut stdout, &mut stderr)
    }))
    .ok();
    CAPTURING.fetch_sub(1, Ordering::SeqCst);
    Ran {
        args: args.to_vec(),
        code,
        stdout,
        stderr,
        panics: take_panics(),
    }
}

/// Runs the case's commands in `dir`: the first always, the others only when the first
/// accepted the input (exit 0) and none panicked.
pub fn run_case(case: &Case, dir: &Path) -> std::io::Result<Vec<Ran>> {
    case.write(dir)?;
    let mut out = Vec::new();
    for (n, args) in case.args(dir).into_iter().enumerate() {
        let ran = run_command(&args);
        let go_on = if n == 0 {
            ran.code == Some(0)
        } else {
            ran.code.is_some()
        };
        out.push(ran);
        if !go_on {
            break;
        }
    }
    Ok(out)
}

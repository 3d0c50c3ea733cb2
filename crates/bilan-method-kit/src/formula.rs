//! Formulas written once per distinct text.
//!
//! A method writes a formula for every workload's electricity (`t_dev × P_dev × PUE × I`),
//! and it is one of a handful. Written with `format!` for each of a million workloads, it
//! cost more than the rest of the contribution; [`Formulas`] joins each distinct list of
//! parts once, and hands a copy of the text after.

/// How many distinct formulas are kept: past that, each is joined again.
const KEPT: usize = 64;

/// The formulas a method has joined, by their parts.
#[derive(Debug, Default)]
pub struct Formulas(Vec<(Vec<String>, String)>);

impl Formulas {
    /// `parts`, joined.
    pub fn join(&mut self, parts: &[&str]) -> String {
        let same = |kept: &[String]| {
            kept.len() == parts.len() && kept.iter().zip(parts).all(|(k, p)| k == p)
        };
        if let Some((_, text)) = self.0.iter().find(|(kept, _)| same(kept)) {
            return text.clone();
        }
        let text = parts.concat();
        if self.0.len() < KEPT {
            let kept = parts.iter().map(|p| (*p).to_owned()).collect();
            self.0.push((kept, text.clone()));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::{Formulas, KEPT};

    #[test]
    fn each_list_of_parts_gives_its_own_text() {
        let mut f = Formulas::default();
        assert_eq!(f.join(&["E_IT", " × PUE"]), "E_IT × PUE");
        assert_eq!(f.join(&["E_IT", " × PUE"]), "E_IT × PUE");
        // The same text from other parts is found as its own.
        assert_eq!(f.join(&["E_IT × ", "PUE"]), "E_IT × PUE");
        assert_eq!(
            f.join(&["t_dev × P_dev", "", " × PUE"]),
            "t_dev × P_dev × PUE"
        );
        assert_eq!(f.join(&[]), "");
        assert_eq!(f.0.len(), 4);
        // Past what is kept, still joined.
        for n in 0..2 * KEPT {
            assert_eq!(f.join(&["x", &n.to_string()]), format!("x{n}"));
        }
        assert_eq!(f.0.len(), KEPT);
        assert_eq!(f.join(&["x", "100"]), "x100");
    }
}

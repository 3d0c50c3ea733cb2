//! Every sum a Monte Carlo iteration evaluates (figures, drivers' linear parts, classes'
//! weights), turned monomial by monomial: each monomial's value is computed once per chunk,
//! then added to the sums that use it. No value of every monomial is ever held at once, so a
//! chunk's memory is its inputs' draws and its sums, whatever the number of monomials.

use super::plan::{Linear, Monomial};

/// The sums of a run, transposed: for each monomial, the sums that use it and its
/// coefficient there.
#[derive(Debug)]
pub(super) struct Sums {
    /// Each sum's constant.
    constants: Vec<f64>,
    /// `sums[starts[m]..starts[m + 1]]` and `coefficients[…]`: the sums monomial `m` is
    /// used by, and its coefficient in each (two lists: 12 bytes a use rather than 16).
    starts: Vec<usize>,
    sums: Vec<u32>,
    coefficients: Vec<f64>,
}

impl Sums {
    /// Transposes `sums` over `monomials` monomials.
    pub(super) fn new<'a>(
        monomials: usize,
        sums: impl Iterator<Item = &'a Linear> + Clone,
    ) -> Sums {
        let mut counts = vec![0usize; monomials + 1];
        for l in sums.clone() {
            for &(m, _) in &l.terms {
                counts[m as usize + 1] += 1;
            }
        }
        for m in 0..monomials {
            counts[m + 1] += counts[m];
        }
        let starts = counts.clone();
        let mut next = counts;
        let mut used_by = vec![0u32; starts[monomials]];
        let mut coefficients = vec![0.0; starts[monomials]];
        let mut constants = Vec::new();
        for (s, l) in sums.enumerate() {
            constants.push(l.constant);
            let s = u32::try_from(s).unwrap_or(u32::MAX);
            for &(m, coef) in &l.terms {
                used_by[next[m as usize]] = s;
                coefficients[next[m as usize]] = coef;
                next[m as usize] += 1;
            }
        }
        Sums {
            constants,
            starts,
            sums: used_by,
            coefficients,
        }
    }

    /// Every sum for the `len` iterations of a chunk, sum-major, from the inputs' ratios
    /// (input-major, `len` each).
    pub(super) fn eval(&self, monomials: &[Monomial], ratios: &[f64], len: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.constants.len() * len];
        for (row, c) in out.chunks_mut(len).zip(&self.constants) {
            row.fill(*c);
        }
        let mut value = vec![1.0; len];
        for (m, inputs) in monomials.iter().enumerate() {
            let range = self.starts[m]..self.starts[m + 1];
            if range.is_empty() {
                continue;
            }
            value.fill(1.0);
            for &(n, power) in inputs.iter() {
                let r = &ratios[n as usize * len..(n as usize + 1) * len];
                if power == 1.0 {
                    value.iter_mut().zip(r).for_each(|(x, r)| *x *= r);
                } else if power == -1.0 {
                    value.iter_mut().zip(r).for_each(|(x, r)| *x /= r);
                } else {
                    value
                        .iter_mut()
                        .zip(r)
                        .for_each(|(x, r)| *x *= r.powf(power));
                }
            }
            for (&s, &coef) in self.sums[range.clone()]
                .iter()
                .zip(&self.coefficients[range])
            {
                let row = &mut out[s as usize * len..(s as usize + 1) * len];
                row.iter_mut().zip(&value).for_each(|(o, v)| *o += coef * v);
            }
        }
        out
    }
}

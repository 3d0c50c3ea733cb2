//! Seeded draws, the same whatever the number of threads.
//!
//! Iterations are drawn in chunks of [`CHUNK`]. Each input has its own generator per chunk,
//! seeded from the run's seed, a stable hash of the input's key and the chunk's number, so a
//! draw depends on nothing else: not on the thread that makes it, not on the other inputs
//! (adding an input to an inventory leaves the draws of the others as they were), and every
//! method and contribution that cites an input reads the same draw (common random numbers).

use std::cell::RefCell;

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution as _, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::inputs::Input;

/// Iterations per chunk.
pub(super) const CHUNK: usize = 64;

/// FNV-1a: a hash that is the same on every platform and in every version.
fn stable_hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The generator of `input` for chunk `chunk`.
fn generator(seed: u64, key: &str, chunk: usize) -> Xoshiro256PlusPlus {
    let mixed = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ stable_hash(key)
        ^ (chunk as u64).wrapping_mul(0xd1b5_4a32_d192_ed03);
    Xoshiro256PlusPlus::seed_from_u64(mixed)
}

/// The draws of one input in one chunk, taken a few iterations at a time: a chunk's draws of
/// every input need not be held at once, and the draws are the same however they are taken.
#[derive(Debug)]
pub(super) struct Stream(Xoshiro256PlusPlus);

impl Stream {
    /// The stream of `input` for chunk `chunk`.
    pub(super) fn new(seed: u64, input: &Input, chunk: usize) -> Stream {
        Stream(generator(seed, &input.key, chunk))
    }

    /// The next draws of `input`'s ratio to its nominal value, one per element of `out`.
    pub(super) fn fill(&mut self, input: &Input, out: &mut [f64]) {
        // The distribution asks for standard normal or uniform draws; both come from the
        // one generator, shared by the two closures.
        let rng = RefCell::new(&mut self.0);
        let mut z = || -> f64 { StandardNormal.sample(&mut **rng.borrow_mut()) };
        let mut u = || -> f64 { rng.borrow_mut().random::<f64>() };
        input
            .distribution
            .draw_ratios(input.nominal, &mut z, &mut u, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_stable() {
        // Draws must not change from one build to the next: the hash is fixed.
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}

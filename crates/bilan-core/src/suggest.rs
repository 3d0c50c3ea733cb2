//! "Did you mean": the known names closest to one a user wrote.

/// Beyond this many candidates no suggestion is computed, so that reporting N unknown
/// names stays linear in N.
pub const MAX_CANDIDATES: usize = 2_000;

/// Up to `n` of `candidates` closest to `query`, best first: those that contain the query
/// (ignoring case and separators) or are contained in it, then those within a normalised
/// edit distance of 0.5. Empty when there are more than [`MAX_CANDIDATES`].
pub fn closest<'a>(
    query: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let folded = fold(query);
    let mut scored: Vec<(u8, f64, &str)> = Vec::new();
    for (i, candidate) in candidates.into_iter().enumerate() {
        if i >= MAX_CANDIDATES {
            return Vec::new();
        }
        let c = fold(candidate);
        let contains = !folded.is_empty() && (c.contains(&folded) || folded.contains(&c));
        let similarity = strsim::normalized_damerau_levenshtein(&folded, &c);
        if contains {
            scored.push((0, -similarity, candidate));
        } else if similarity >= 0.5 {
            scored.push((1, -similarity, candidate));
        }
    }
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(b.2)));
    scored.into_iter().take(n).map(|s| s.2).collect()
}

fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_the_hardware_id_a_short_name_stands_for() {
        let known = [
            "nvidia-a100-sxm-40gb",
            "nvidia-h100-sxm-80gb",
            "nvidia-h200-sxm-141gb",
        ];
        assert_eq!(closest("H100", known, 3), ["nvidia-h100-sxm-80gb"]);
        assert_eq!(
            closest("nvidia-h100-sxm-80g", known, 1),
            ["nvidia-h100-sxm-80gb"]
        );
        assert!(closest("tpu-v5", known, 3).is_empty());
    }
}

//! A bound on YAML nesting checked on the text, before any parser sees it: a hostile file
//! nested thousands of levels deep is refused with its line instead of exhausting the
//! stack.

/// The 1-based line where the nesting may pass `max`, counted generously: indentation,
/// compact `- `/`? ` indicators and open flow brackets together.
pub(crate) fn too_deep(yaml: &str, max: usize) -> Option<usize> {
    let mut flow = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (n, line) in yaml.lines().enumerate() {
        let body = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - body.len();
        let mut rest = body;
        let mut compact = 0;
        while let Some(r) = rest
            .strip_prefix("- ")
            .or_else(|| rest.strip_prefix("? "))
            .or_else(|| (rest == "-").then_some(""))
        {
            compact += 1;
            rest = r.trim_start();
        }
        let mut deepest = flow;
        for (i, c) in line.char_indices() {
            if let Some(q) = quote {
                if c == q && !escaped {
                    quote = None;
                }
                escaped = q == '"' && c == '\\' && !escaped;
                continue;
            }
            if c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])) {
                break;
            }
            if flow > 0 {
                match c {
                    '"' | '\'' => quote = Some(c),
                    '[' | '{' => {
                        flow += 1;
                        deepest = deepest.max(flow);
                    }
                    ']' | '}' => flow = flow.saturating_sub(1),
                    _ => {}
                }
            } else if matches!(c, '[' | '{')
                && line[..i]
                    .trim_end()
                    .chars()
                    .next_back()
                    .is_none_or(|l| matches!(l, ':' | '-' | '?'))
            {
                flow = 1;
                deepest = deepest.max(flow);
            }
        }
        if indent + compact + deepest > max {
            return Some(n + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::too_deep;

    #[test]
    fn nesting_is_counted_by_indentation_dashes_and_brackets() {
        assert_eq!(too_deep("a:\n  b: 1\n", 8), None);
        let deep = (0..20)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect::<String>();
        assert_eq!(too_deep(&deep, 8), Some(10));
        assert_eq!(
            too_deep(&format!("a: {}{}\n", "[".repeat(12), "]".repeat(12)), 8),
            Some(1)
        );
        assert_eq!(too_deep("a: \"[[[[[[[[[[[[\"\n", 8), None);
        assert_eq!(too_deep("- - - - - - - - - - x\n", 8), Some(1));
    }
}

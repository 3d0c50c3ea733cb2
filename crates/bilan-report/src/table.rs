//! A plain table in Markdown pipe style, deterministic whatever the terminal.

use comfy_table::{ColumnConstraint, Width, presets};

/// The most characters a table cell shows; a longer text (a megabyte of hostile input in a
/// name or a source) is cut with `…`, since laying out a long unbroken word takes time in
/// proportion to its square.
pub const CELL_CHARS: usize = 1_000;

/// `text` cut to [`CELL_CHARS`] characters, with a `|` written `\|`: a pipe would end the
/// cell, so a name could plant a column of its own (a fake total, a fake grade).
pub fn cell_text(text: String) -> String {
    let text = match text.char_indices().nth(CELL_CHARS) {
        None => text,
        Some((end, _)) => format!("{}…", &text[..end]),
    };
    if text.contains('|') {
        text.replace('|', "\\|")
    } else {
        text
    }
}

/// A table of strings.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table.
    pub fn new() -> Table {
        Table::default()
    }

    /// Sets the header row.
    pub fn set_header<S: ToString>(&mut self, cells: Vec<S>) {
        self.header = cells
            .into_iter()
            .map(|c| cell_text(c.to_string()))
            .collect();
    }

    /// Adds a row.
    pub fn add_row<S: ToString>(&mut self, cells: Vec<S>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| cell_text(c.to_string()))
                .collect(),
        );
    }

    /// The table as text, each column as wide as its widest cell.
    pub fn render(&self) -> String {
        layout(&self.header, &self.rows, None)
    }

    /// The table within `width` columns when there is a width (see [`Table::render_fit`]);
    /// at its natural width when there is none.
    pub fn render_within(&self, width: Option<usize>, pivot: Option<Pivot<'_>>) -> String {
        width.map_or_else(|| self.render(), |w| self.render_fit(w, pivot))
    }

    /// The table within `width` columns, for a terminal:
    ///
    /// 1. with a `pivot`, the columns after its first `pivot.keep` with nothing in any row
    ///    (empty or `-`) are left out;
    /// 2. if it is still too wide, every column after those becomes a row: the table keeps
    ///    its first `pivot.keep` columns, then `pivot.names.0` (the former column's header)
    ///    and `pivot.names.1` (its value), with the empty cells left out;
    /// 3. a table still too wide (long texts) has its cells wrapped to fit, between words
    ///    (an id, a path or an amount stays whole) while that is enough, else anywhere.
    pub fn render_fit(&self, width: usize, pivot: Option<Pivot<'_>>) -> String {
        let fixed = pivot.map_or(self.header.len(), |p| p.keep.max(1));
        let said = |j: usize, empty: fn(&str) -> bool| {
            self.rows
                .iter()
                .any(|r| r.get(j).is_some_and(|c| !empty(c)))
        };
        // A column with neither header nor content is left out in any case.
        let keep: Vec<usize> = (0..self.header.len())
            .filter(|&j| {
                let nameless_and_empty = self.header[j].is_empty() && !said(j, str::is_empty);
                !nameless_and_empty && (j < fixed || said(j, blank))
            })
            .collect();
        let pick = |cells: &[String]| -> Vec<String> {
            keep.iter()
                .map(|&j| cells.get(j).cloned().unwrap_or_default())
                .collect()
        };
        let header = pick(&self.header);
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| pick(r)).collect();
        let natural = layout(&header, &rows, None);
        if fits(&natural, width) {
            return natural;
        }
        let (header, rows) = match pivot {
            Some(p) if header.len() > fixed + 1 => pivoted(&header, &rows, fixed, p.names),
            _ => (header, rows),
        };
        let long = layout(&header, &rows, None);
        if fits(&long, width) {
            return long;
        }
        let wrapped = layout(&header, &rows, Some((width, false)));
        if words_whole(&wrapped, &header, &rows) {
            return wrapped;
        }
        let between_words = layout(&header, &rows, Some((width, true)));
        if fits(&between_words, width) {
            between_words
        } else {
            wrapped
        }
    }
}

/// How [`Table::render_fit`] may turn columns into rows.
#[derive(Clone, Copy, Debug)]
pub struct Pivot<'a> {
    /// The leading columns that stay columns.
    pub keep: usize,
    /// The headers of the two columns the others become: their name, their value.
    pub names: (&'a str, &'a str),
}

/// Whether a cell says nothing.
fn blank(cell: &str) -> bool {
    cell.is_empty() || cell == "-"
}

fn fits(text: &str, width: usize) -> bool {
    text.lines().all(|l| l.chars().count() <= width)
}

/// Whether every word of `header` and `rows` is whole in their layout `text`: no id, path
/// or amount was cut to wrap its cell. Each word longer than a character must appear in
/// `text` at least as often as in the cells (a word cut in one row and whole in another
/// is found missing).
fn words_whole(text: &str, header: &[String], rows: &[Vec<String>]) -> bool {
    let mut words: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for w in rows
        .iter()
        .flatten()
        .chain(header)
        .flat_map(|c| c.split(' '))
        .filter(|w| w.chars().count() > 1)
    {
        *words.entry(w).or_default() += 1;
    }
    words.into_iter().all(|(w, n)| text.matches(w).count() >= n)
}

/// `rows` with every column after the first `keep` turned into a row of its own.
fn pivoted(
    header: &[String],
    rows: &[Vec<String>],
    keep: usize,
    names: (&str, &str),
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut new_header: Vec<String> = header.iter().take(keep).cloned().collect();
    new_header.extend([names.0.to_owned(), names.1.to_owned()]);
    let mut out = Vec::new();
    for row in rows {
        let lead: Vec<String> = (0..keep)
            .map(|j| row.get(j).cloned().unwrap_or_default())
            .collect();
        let mut first = true;
        for (j, cell) in row.iter().enumerate().skip(keep) {
            if blank(cell) {
                continue;
            }
            let mut cells = if first {
                lead.clone()
            } else {
                vec![String::new(); keep]
            };
            cells.extend([header.get(j).cloned().unwrap_or_default(), cell.clone()]);
            out.push(cells);
            first = false;
        }
        if first {
            let mut cells = lead;
            cells.extend([String::new(), String::new()]);
            out.push(cells);
        }
    }
    (new_header, out)
}

/// The Markdown pipe table of `header` and `rows`; with `wrap = (width, whole_words)`, cells
/// wrapped to fit `width`, each column at least as wide as its longest word when
/// `whole_words` (the table may then be wider).
fn layout(header: &[String], rows: &[Vec<String>], wrap: Option<(usize, bool)>) -> String {
    let mut t = comfy_table::Table::new();
    t.load_preset(presets::ASCII_MARKDOWN);
    if let Some((width, _)) = wrap {
        t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
        t.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    if !header.is_empty() {
        t.set_header(header.to_vec());
    }
    for row in rows {
        t.add_row(row.clone());
    }
    if let Some((_, true)) = wrap {
        let columns = rows.iter().map(Vec::len).chain([header.len()]).max();
        for j in 0..columns.unwrap_or(0) {
            let longest = rows
                .iter()
                .chain([&header.to_vec()])
                .filter_map(|r| r.get(j))
                .flat_map(|c| c.split(' '))
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            if let Some(column) = t.column_mut(j) {
                // The boundary counts the cell's padding, one space each side.
                let at_least = u16::try_from(longest + 2).unwrap_or(u16::MAX);
                column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(at_least)));
            }
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_in_a_cell_cannot_plant_a_column() {
        let mut t = Table::new();
        t.set_header(vec!["system", "total"]);
        t.add_row(vec!["Acme | 0.001 g CO2e | A", "336.2 g CO2e"]);
        let text = t.render();
        let row = text.lines().last().expect("a row");
        assert_eq!(row.matches(" | ").count(), 1, "{text}");
        assert!(row.contains("Acme \\| 0.001 g CO2e \\| A"), "{text}");
    }

    #[test]
    fn a_huge_cell_is_cut_and_renders_at_once() {
        let mut t = Table::new();
        t.set_header(vec!["id"]);
        t.add_row(vec!["x".repeat(2_000_000)]);
        let text = t.render();
        assert!(text.len() < 4 * CELL_CHARS, "{}", text.len());
        assert!(text.contains('…'));
    }

    const STAGES: Pivot<'static> = Pivot {
        keep: 2,
        names: ("stage", "amount"),
    };

    fn wide() -> Table {
        let mut t = Table::new();
        t.set_header(vec![
            "method",
            "total",
            "unused",
            "manufacturing",
            "transport",
            "use",
        ]);
        t.add_row(vec![
            "ademe-lca",
            "11.57 kt CO2e",
            "-",
            "183.9 t CO2e",
            "1.000 t CO2e",
            "11.39 kt CO2e",
        ]);
        t.add_row(vec![
            "ghg-protocol",
            "11.39 kt CO2e",
            "-",
            "-",
            "-",
            "11.39 kt CO2e",
        ]);
        t
    }

    #[test]
    fn empty_columns_are_left_out_when_fitting() {
        let text = wide().render_fit(100, Some(STAGES));
        assert!(!text.contains("unused"), "{text}");
        assert!(text.contains("manufacturing"), "{text}");
        assert!(wide().render().contains("unused"));
    }

    #[test]
    fn a_table_too_wide_turns_its_columns_into_rows_then_wraps() {
        assert!(wide().render_fit(100, Some(STAGES)).contains("transport"));
        let text = wide().render_fit(70, Some(STAGES));
        assert!(text.lines().all(|l| l.chars().count() <= 70), "{text}");
        assert!(
            text.contains("| method       | total         | stage         | amount        |"),
            "{text}"
        );
        assert!(
            text.contains("| ghg-protocol | 11.39 kt CO2e | use           | 11.39 kt CO2e |"),
            "{text}"
        );
        assert!(!text.contains("| manufacturing | -"), "{text}");
        let mut long = Table::new();
        long.set_header(vec!["method", "rule"]);
        long.add_row(vec!["sci", &"a rule with many words ".repeat(10)]);
        let text = long.render_fit(60, None);
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        assert!(text.lines().count() > 4, "wrapped: {text}");
    }

    #[test]
    fn a_wrapped_table_keeps_ids_whole_while_it_can() {
        let mut t = Table::new();
        t.set_header(vec!["input", "methods"]);
        t.add_row(vec![
            "factor:ecologits-hubblo-h100-80gb-adpe".to_owned(),
            "ademe-lca, conservative-auditor, harmonised-ai, ghg-protocol, beges-amortised"
                .to_owned(),
        ]);
        let text = t.render_fit(70, None);
        assert!(fits(&text, 70), "{text}");
        assert!(
            text.contains("factor:ecologits-hubblo-h100-80gb-adpe"),
            "{text}"
        );
        assert!(text.contains("conservative-auditor"), "{text}");
        // Narrower than the longest id: cut anywhere rather than overflow.
        let text = t.render_fit(30, None);
        assert!(fits(&text, 30), "{text}");
    }
}

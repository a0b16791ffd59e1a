//! Findings inside a document embedded in a string (a VM's networkData and userData, a NAD's
//! `spec.config` JSON) located in the outer file: the position in the embedded text is mapped
//! to where that character stands in the string's source, whatever its style (block scalar,
//! plain, single- or double-quoted, folded over several lines).

use crate::diagnostic::Span;

/// How far past a non-matching source character the search for the next value character
/// goes: escapes (`\"`, `\u00e9`) and quotes are at most this long. Whitespace (indentation,
/// folded line breaks) is skipped freely, up to [`MAX_SCAN`] characters.
const WINDOW: usize = 12;
const MAX_SCAN: usize = 512;

/// For one string scalar: each character of its value, with the byte offset in the source
/// text where it stands.
pub struct ScalarMap {
    /// (byte offset in the value, byte offset in the source), in order.
    points: Vec<(usize, usize)>,
    /// Where the scalar's source ends.
    end: usize,
}

impl ScalarMap {
    /// Aligns `value` with its source, the text of the node at `node` in `outer`.
    pub fn new(outer: &str, node: Span, value: &str) -> ScalarMap {
        let end = if node.end > node.start {
            node.end.min(outer.len())
        } else {
            outer.len()
        };
        let mut pos = node.start.min(end);
        let mut points = Vec::with_capacity(value.len());
        for (at, ch) in value.char_indices() {
            match find(outer, pos, end, ch) {
                Some(found) => {
                    points.push((at, found));
                    pos = found + ch.len_utf8();
                }
                // Not within reach (an escape longer than the window): it stands about here.
                None => points.push((at, pos)),
            }
        }
        ScalarMap { points, end }
    }

    /// Where the character at byte `at` of the value stands in the source; `None` past the
    /// value's end (fixes edit embedded text in place with it).
    pub fn position(&self, at: usize) -> Option<usize> {
        let i = self.points.partition_point(|&(v, _)| v < at);
        self.points
            .get(i)
            .filter(|(v, _)| *v == at)
            .map(|&(_, s)| s)
    }

    /// The source offset of a byte offset in the value.
    fn source_offset(&self, at: usize) -> usize {
        let i = self.points.partition_point(|&(v, _)| v <= at);
        match i.checked_sub(1).and_then(|i| self.points.get(i)) {
            Some(&(_, s)) => s,
            None => self.end,
        }
    }

    /// Where a span of the value stands in the source text.
    pub fn map(&self, outer: &str, inner: Span) -> Span {
        let start = self.source_offset(inner.start);
        let last = if inner.end > inner.start {
            self.source_offset(inner.end - 1).max(start)
        } else {
            start
        };
        let end = last
            + outer
                .get(last..)
                .and_then(|t| t.chars().next())
                .map_or(0, char::len_utf8);
        let end = end.min(outer.len());
        let (line, column) = crate::source::line_column(outer, start);
        let (end_line, end_column) = crate::source::line_column(outer, end);
        Span {
            start,
            end,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// The next occurrence of `ch` in `outer[from..end]` within reach.
fn find(outer: &str, from: usize, end: usize, ch: char) -> Option<usize> {
    let mut skipped = 0;
    for (scanned, (k, c)) in outer.get(from..end)?.char_indices().enumerate() {
        if c == ch {
            return Some(from + k);
        }
        if scanned >= MAX_SCAN {
            return None;
        }
        if !c.is_whitespace() {
            skipped += 1;
            if skipped > WINDOW {
                return None;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse;

    /// The outer position of a substring of a string field's value, by the mapping.
    fn outer_pos(text: &str, path: &str, needle: &str) -> (u32, u32) {
        let stream = parse(text);
        let doc = &stream.documents[0];
        let value = doc
            .value
            .pointer(&format!("/{}", path.replace('.', "/")))
            .unwrap();
        let value = value.as_str().unwrap();
        let node = doc.spans.get(path).unwrap().value;
        let map = ScalarMap::new(text, node, value);
        let at = value.find(needle).unwrap();
        let span = map.map(
            text,
            Span {
                start: at,
                end: at + needle.len(),
                ..Span::default()
            },
        );
        assert_eq!(
            &text[span.start..span.end],
            needle,
            "maps onto the same text"
        );
        (span.line, span.column)
    }

    #[test]
    fn block_scalars_map_line_and_column() {
        let text = "spec:\n  nd: |\n    network:\n      version: 2\n      ethernets:\n        eth0: {dhcp4: true}\n";
        assert_eq!(outer_pos(text, "spec.nd", "eth0"), (6, 9));
        assert_eq!(outer_pos(text, "spec.nd", "version"), (4, 7));
    }

    #[test]
    fn folded_single_quoted_json_maps_each_line() {
        let text = "spec:\n  config: '{\n    \"cniVersion\": \"0.3.1\",\n    \"type\": \"bridge\",\n    \"bridge\": \"br1\"\n    }'\n";
        assert_eq!(outer_pos(text, "spec.config", "\"br1\""), (5, 15));
        assert_eq!(outer_pos(text, "spec.config", "\"type\""), (4, 5));
    }

    #[test]
    fn double_quoted_escapes_are_stepped_over() {
        let text =
            "spec:\n  config: \"{\\\"type\\\": \\\"macvlan\\\", \\\"master\\\": \\\"eth0\\\"}\"\n";
        let (line, column) = outer_pos(text, "spec.config", "eth0");
        assert_eq!((line, column), (2, 50));
    }
}

//! libyaml's marks (byte index, 0-based line, 0-based character column) as our spans, and the
//! location of a byte offset in text that has not been parsed.

use crate::diagnostic::Span;
use libyaml_safer::Mark;

/// Turns libyaml's marks into spans for one text.
pub(super) struct Marks {
    len: u64,
    /// libyaml skips a byte order mark without counting it: its indices start after it.
    bom: u64,
    /// Where the text ends, when it ends without a line break: libyaml then breaks the line
    /// itself and gives the end of the stream (and what stands there: an empty value, an error)
    /// column 1 of a line that does not exist. The end of the last line is the same place.
    unbroken_end: Option<Span>,
}

impl Marks {
    pub(super) fn new(text: &str) -> Self {
        let unbroken =
            !text.is_empty() && !text.ends_with(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']);
        Marks {
            len: text.len() as u64,
            bom: if text.starts_with('\u{feff}') { 3 } else { 0 },
            unbroken_end: unbroken.then(|| of_byte(text.as_bytes(), text.len())),
        }
    }

    /// The span between two marks. Lines and columns are libyaml's own (so they agree with what
    /// kubectl and PyYAML print); offsets are bytes.
    pub(super) fn span(&self, start: Mark, end: Mark) -> Span {
        let shift = |mut m: Mark| {
            m.index += self.bom;
            m
        };
        let (start, end) = (shift(start), shift(end));
        let end = if end.index > start.index { end } else { start };
        let (line, column) = self.line_column(start);
        let (end_line, end_column) = self.line_column(end);
        Span {
            start: to_usize(start.index),
            end: to_usize(end.index),
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The byte offset in the text of an offset libyaml counted (after a byte order mark).
    pub(super) fn byte(&self, offset: usize) -> usize {
        offset.saturating_add(to_usize(self.bom))
    }

    pub(super) fn point(&self, mark: Mark) -> Span {
        self.span(mark, mark)
    }

    fn line_column(&self, mark: Mark) -> (u32, u32) {
        match &self.unbroken_end {
            Some(end) if mark.index >= self.len => (end.line, end.column),
            _ => (to_u32(mark.line + 1), to_u32(mark.column + 1)),
        }
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A line break as libyaml counts one: LF, CR (CRLF is one break), NEL, LS, PS.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Location of a byte offset (a byte that is not UTF-8, a character libyaml refuses), counting
/// lines and columns as libyaml does.
pub(super) fn of_byte(bytes: &[u8], offset: usize) -> Span {
    let offset = offset.min(bytes.len());
    let before = String::from_utf8_lossy(&bytes[..offset]);
    // A leading byte order mark takes no column (libyaml skips it; editors do not show it).
    let before = before.strip_prefix('\u{feff}').unwrap_or(&before);
    let (mut line, mut column) = (1u32, 1u32);
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_break(c) {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    Span {
        start: offset,
        end: (offset + 1).min(bytes.len()).max(offset),
        line,
        column,
        end_line: line,
        end_column: column + 1,
    }
}

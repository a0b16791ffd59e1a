//! libyaml's marks (byte index, 0-based line, 0-based character column) as our spans, and the
//! location of a byte offset in text that has not been parsed.

use crate::diagnostic::Span;
use libyaml_safer::Mark;

/// The span between two marks of libyaml. Lines and columns are libyaml's own (so they agree
/// with what kubectl and PyYAML print); offsets are bytes.
pub(super) fn span(start: Mark, end: Mark) -> Span {
    let end = if end.index > start.index { end } else { start };
    Span {
        start: to_usize(start.index),
        end: to_usize(end.index),
        line: to_u32(start.line + 1),
        column: to_u32(start.column + 1),
        end_line: to_u32(end.line + 1),
        end_column: to_u32(end.column + 1),
    }
}

pub(super) fn point(mark: Mark) -> Span {
    span(mark, mark)
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

//! `check --fix` / `--diff`: the core's fixes applied to the inputs, then written back
//! atomically (or shown as a unified diff).

use crate::inputs::Input;
use std::io::Write;
use std::path::Path;
use wukong_net::fix::{fix_set, AppliedFix};
use wukong_net::limits::Limits;

/// What fixing did to one input.
pub struct Fixed {
    pub applied: Vec<AppliedFix>,
    /// The text before, when it changed.
    pub before: Option<String>,
}

/// Applies the fixes to every UTF-8 input, checked as one set (as `check` reads them); inputs
/// get their fixed bytes. Inputs that are not UTF-8 are left as they are (reported not-utf8).
pub fn apply(inputs: &mut [Input], unsafe_fixes: bool) -> Vec<Fixed> {
    let texts: Vec<Option<String>> = inputs
        .iter()
        .map(|i| String::from_utf8(i.bytes.clone()).ok())
        .collect();
    let set: Vec<(&str, &str)> = inputs
        .iter()
        .zip(&texts)
        .filter_map(|(i, t)| Some((i.name.as_str(), t.as_deref()?)))
        .collect();
    let mut outcomes = fix_set(&set, unsafe_fixes, &Limits::STREAM).into_iter();
    inputs
        .iter_mut()
        .zip(texts)
        .map(|(input, text)| {
            let Some(text) = text else {
                return Fixed {
                    applied: Vec::new(),
                    before: None,
                };
            };
            let Some(outcome) = outcomes.next() else {
                return Fixed {
                    applied: Vec::new(),
                    before: None,
                };
            };
            let changed = outcome.text != text;
            if changed {
                input.bytes = outcome.text.into_bytes();
            }
            Fixed {
                applied: outcome.applied,
                before: changed.then_some(text),
            }
        })
        .collect()
}

/// Replaces the file at `path` with `bytes`: written to a new file beside it, given the old
/// file's permissions, flushed, then renamed over it, so the file is either the old one or the
/// new one, never truncated. A symbolic link is followed (the link stays a link).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let target =
        std::fs::canonicalize(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let permissions = std::fs::metadata(&target)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?
        .permissions();
    let temp = dir.join(format!(".{name}.wukong-net-fix.{}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        f.write_all(bytes)?;
        f.set_permissions(permissions)?;
        f.sync_all()?;
        std::fs::rename(&temp, &target)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        format!("cannot write {}: {e}", path.display())
    })
}

/// A unified diff (3 lines of context) of `before` and `after`, named `name`.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    let ops = line_ops(&a, &b);
    // git's a/ and b/ prefixes, for relative names (`patch -p1` applies the diff).
    let (a_name, b_name) = if name.starts_with('/') {
        (name.to_string(), name.to_string())
    } else {
        (format!("a/{name}"), format!("b/{name}"))
    };
    let mut out = format!("--- {a_name}\n+++ {b_name}\n");
    const CONTEXT: usize = 3;
    // Hunks: runs of changes with their context, merged when the context would overlap.
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k] != Op::Same).collect();
    let mut k = 0;
    while k < changed.len() {
        let first = changed[k];
        let mut last = first;
        while k + 1 < changed.len() && changed[k + 1] <= last + 2 * CONTEXT + 1 {
            k += 1;
            last = changed[k];
        }
        k += 1;
        let from = first.saturating_sub(CONTEXT);
        let to = (last + CONTEXT + 1).min(ops.len());
        // Line numbers where the hunk starts in each file.
        let (mut ai, mut bi) = (0, 0);
        for op in &ops[..from] {
            match op {
                Op::Same => {
                    ai += 1;
                    bi += 1;
                }
                Op::Delete => ai += 1,
                Op::Insert => bi += 1,
            }
        }
        let count = |want: fn(&Op) -> bool| ops[from..to].iter().filter(|o| want(o)).count();
        let a_len = count(|o| *o != Op::Insert);
        let b_len = count(|o| *o != Op::Delete);
        let start = |i: usize, len: usize| if len == 0 { i } else { i + 1 };
        out.push_str(&format!(
            "@@ -{},{a_len} +{},{b_len} @@\n",
            start(ai, a_len),
            start(bi, b_len)
        ));
        for op in &ops[from..to] {
            let (mark, line) = match op {
                Op::Same => {
                    ai += 1;
                    bi += 1;
                    (' ', a[ai - 1])
                }
                Op::Delete => {
                    ai += 1;
                    ('-', a[ai - 1])
                }
                Op::Insert => {
                    bi += 1;
                    ('+', b[bi - 1])
                }
            };
            out.push(mark);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Delete,
    Insert,
}

/// The edit script from `a` to `b`: common head and tail, and a longest common subsequence of
/// the middle (when its table stays under a few million cells; otherwise all of the middle is
/// replaced, which is still a correct diff).
fn line_ops(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops = vec![Op::Same; head];
    if am.len().saturating_mul(bm.len()) <= 4_000_000 {
        let (n, m) = (am.len(), bm.len());
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * (m + 1) + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                ops.push(Op::Same);
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
                ops.push(Op::Delete);
                i += 1;
            } else {
                ops.push(Op::Insert);
                j += 1;
            }
        }
    } else {
        ops.extend(std::iter::repeat_n(Op::Delete, am.len()));
        ops.extend(std::iter::repeat_n(Op::Insert, bm.len()));
    }
    ops.extend(std::iter::repeat_n(Op::Same, tail));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let d = unified_diff("f.yaml", "a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!(
            d,
            "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n"
        );
    }
}

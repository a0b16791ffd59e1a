//! `check`: every input through the core, then one of the report formats.

use crate::inputs::Input;
use crate::{github, plural, sarif, write_stdout, CheckFormat, FOUND_ERRORS, OK};
use std::io::Write;
use wukong_net::fix::AppliedFix;
use wukong_net::limits::Limits;
use wukong_net::{emit, render_human, Diagnostic, Severity};

/// One input and what the core found in it.
pub struct Checked {
    pub name: String,
    pub bytes: Vec<u8>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// The text the diagnostics' lines and columns count in (the core reads invalid UTF-8 the
    /// same lossy way to locate it).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

/// Where a located diagnostic ends (line, column): never before it starts.
pub fn end(d: &Diagnostic) -> (u32, u32) {
    if d.end_line < d.line || (d.end_line == d.line && d.end_column < d.column) {
        (d.line, d.column)
    } else {
        (d.end_line, d.end_column)
    }
}

/// Checks every input as one set: a VM's NAD, or the NMState policy creating its bridge, may be
/// in another file, and the same MAC pinned in two files is found.
pub fn check_all(inputs: Vec<Input>) -> Vec<Checked> {
    let reports = wukong_net::manifest::check_set_bytes(
        &inputs
            .iter()
            .map(|i| (i.name.as_str(), i.bytes.as_slice()))
            .collect::<Vec<_>>(),
        &Limits::STREAM,
    );
    inputs
        .into_iter()
        .zip(reports)
        .map(|(input, report)| Checked {
            name: input.name,
            bytes: input.bytes,
            diagnostics: report.diagnostics,
        })
        .collect()
}

/// What `check` does with the fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// `--fix`: write them.
    Write,
    /// `--diff` (`--fix --dry-run`): show them.
    Diff,
}

pub fn check(
    args: &[String],
    format: CheckFormat,
    fix: Option<(FixMode, bool)>,
) -> Result<u8, String> {
    let mut inputs = crate::inputs::collect(args, &Limits::STREAM)
        .map_err(|errors| errors.join("\nwukong-net: "))?;
    let Some((mode, unsafe_fixes)) = fix else {
        let checked = check_all(inputs);
        return report(&checked, format, None, false);
    };
    let fixed = crate::fix::apply(&mut inputs, unsafe_fixes);
    let mut stdout_taken = false;
    let mut diffs = String::new();
    for (input, f) in inputs.iter().zip(&fixed) {
        let Some(before) = &f.before else { continue };
        match (mode, &input.path) {
            (FixMode::Diff, _) => {
                let after = String::from_utf8_lossy(&input.bytes);
                diffs.push_str(&crate::fix::unified_diff(&input.name, before, &after));
            }
            (FixMode::Write, Some(path)) => crate::fix::write_atomic(path, &input.bytes)?,
            (FixMode::Write, None) => {}
        }
    }
    // The fixed stdin is the output; the report then goes to stderr.
    if mode == FixMode::Write {
        if let Some(i) = inputs.iter().find(|i| i.path.is_none()) {
            std::io::stdout()
                .write_all(&i.bytes)
                .map_err(|e| format!("cannot write output: {e}"))?;
            stdout_taken = true;
        }
    }
    if mode == FixMode::Diff {
        write_stdout(&diffs)?;
        stdout_taken = true;
    }
    let applied: Vec<Vec<AppliedFix>> = fixed.into_iter().map(|f| f.applied).collect();
    let checked = check_all(inputs);
    report(&checked, format, Some((&applied, mode)), stdout_taken)
}

/// The report of a run: the diagnostics (those remaining, after fixes) in `format`, and what
/// was fixed. Written to stderr when stdout carries the fixed text or the diff.
fn report(
    checked: &[Checked],
    format: CheckFormat,
    fixed: Option<(&[Vec<AppliedFix>], FixMode)>,
    to_stderr: bool,
) -> Result<u8, String> {
    let count = |severity| {
        checked
            .iter()
            .flat_map(|c| &c.diagnostics)
            .filter(|d| d.severity == severity)
            .count()
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let summary = format!(
        "{} file{} checked: {errors} error{}, {warnings} warning{}\n",
        checked.len(),
        plural(checked.len()),
        plural(errors),
        plural(warnings)
    );
    let verb = match fixed {
        Some((_, FixMode::Diff)) => "would fix",
        _ => "fixed",
    };
    let mut fixed_lines = String::new();
    let mut fix_count = 0;
    if let Some((applied, _)) = fixed {
        for (c, fixes) in checked.iter().zip(applied) {
            for a in fixes {
                fix_count += 1;
                fixed_lines.push_str(&format!(
                    "{verb}[{}]: {} ({}: {})\n",
                    a.code, a.title, c.name, a.path
                ));
            }
        }
    }
    let summary = match fixed {
        Some(_) => format!(
            "{}{} fix{} {}\n",
            summary,
            fix_count,
            if fix_count == 1 { "" } else { "es" },
            if verb == "fixed" {
                "applied"
            } else {
                "to apply (nothing written)"
            }
        ),
        None => summary,
    };
    let out = match format {
        CheckFormat::Json => {
            let files: Vec<serde_json::Value> = checked
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let mut file =
                        serde_json::json!({"file": c.name, "diagnostics": c.diagnostics});
                    if let Some((applied, _)) = fixed {
                        file["fixed"] = serde_json::json!(applied.get(k));
                    }
                    file
                })
                .collect();
            let mut s = emit::to_json(&files);
            s.push('\n');
            s
        }
        CheckFormat::Sarif => {
            let mut s = emit::to_json(&sarif::log(checked));
            s.push('\n');
            s
        }
        CheckFormat::Github => {
            let mut s = github::annotations(checked);
            // A plain log line after the annotations, as the human format ends.
            s.push_str(&summary);
            s
        }
        CheckFormat::Human => {
            let mut s: String = checked
                .iter()
                .map(|c| render_human(&c.diagnostics, &c.name, &c.text()))
                .collect();
            s.push_str(&fixed_lines);
            s.push_str(&summary);
            s
        }
    };
    if to_stderr {
        std::io::stderr()
            .write_all(out.as_bytes())
            .map_err(|e| format!("cannot write the report: {e}"))?;
    } else {
        write_stdout(&out)?;
    }
    Ok(if errors > 0 { FOUND_ERRORS } else { OK })
}

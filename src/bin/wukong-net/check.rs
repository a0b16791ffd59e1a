//! `check`: every input through the core, then one of the report formats.

use crate::inputs::Input;
use crate::{github, plural, sarif, write_stdout, CheckFormat, FOUND_ERRORS, OK};
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

pub fn check(args: &[String], format: CheckFormat) -> Result<u8, String> {
    let inputs = crate::inputs::collect(args, &Limits::STREAM)
        .map_err(|errors| errors.join("\nwukong-net: "))?;
    let checked = check_all(inputs);
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
    let out = match format {
        CheckFormat::Json => {
            let files: Vec<serde_json::Value> = checked
                .iter()
                .map(|c| serde_json::json!({"file": c.name, "diagnostics": c.diagnostics}))
                .collect();
            let mut s = emit::to_json(&files);
            s.push('\n');
            s
        }
        CheckFormat::Sarif => {
            let mut s = emit::to_json(&sarif::log(&checked));
            s.push('\n');
            s
        }
        CheckFormat::Github => {
            let mut s = github::annotations(&checked);
            // A plain log line after the annotations, as the human format ends.
            s.push_str(&summary);
            s
        }
        CheckFormat::Human => {
            let mut s: String = checked
                .iter()
                .map(|c| render_human(&c.diagnostics, &c.name, &c.text()))
                .collect();
            s.push_str(&summary);
            s
        }
    };
    write_stdout(&out)?;
    Ok(if errors > 0 { FOUND_ERRORS } else { OK })
}

//! `check --format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the files and lines of a pull request.

use crate::check::Checked;
use wukong_net::Severity;

/// One `::error`/`::warning`/`::notice` line per diagnostic.
pub fn annotations(checked: &[Checked]) -> String {
    let mut out = String::new();
    for c in checked {
        for d in &c.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut properties = vec![("file", c.name.clone())];
            if d.line > 0 {
                let (end_line, end_column) = crate::check::end(d);
                properties.push(("line", d.line.to_string()));
                properties.push(("col", d.column.to_string()));
                properties.push(("endLine", end_line.to_string()));
                properties.push(("endColumn", end_column.to_string()));
            }
            properties.push(("title", d.code.as_str().to_string()));
            let properties: Vec<String> = properties
                .iter()
                .map(|(k, v)| format!("{k}={}", escape_property(v)))
                .collect();
            let mut message = d.message.clone();
            if let Some(hint) = &d.hint {
                message.push_str("\nhint: ");
                message.push_str(hint);
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                properties.join(","),
                escape_data(&message)
            ));
        }
    }
    out
}

/// The message: `%`, CR and LF are encoded, as GitHub's runner decodes them.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which would end the value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_decodes() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}

//! The `wukong-net` command: reads files or stdin, calls the library, prints its output.
//! All the logic is in the library; this file only translates in and out.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod check;
mod fix;
mod github;
mod inputs;
mod sarif;

use clap::{Parser, Subcommand, ValueEnum};
use inputs::{display_name, read_input};
use std::io::Write;
use std::process::ExitCode;
use wukong_net::render::{manifests_yaml, report_json, Artifact};
use wukong_net::{emit, render_human, Diagnostic, Severity};

/// Exit status: no errors (warnings allowed).
const OK: u8 = 0;
/// Exit status: an error diagnostic (including YAML syntax).
const FOUND_ERRORS: u8 = 1;
/// Exit status: usage or I/O error.
const USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "wukong-net",
    version,
    about = "Wukong VM network specs to cloud-init Netplan, Multus NADs, KubeVirt wiring and NMState policies",
    after_help = "Exit status: 0 no errors (warnings allowed), 1 error diagnostics, 2 usage or I/O error.\nDiagnostic codes: docs/diagnostics.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render the manifests of every Wukong in FILE (or stdin).
    Render {
        /// A YAML or JSON file with one or more Wukong documents; `-` or nothing reads stdin.
        #[arg(default_value = "-")]
        file: String,
        /// Print only one kind of output.
        #[arg(long, value_enum)]
        only: Option<Only>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RenderFormat::Yaml)]
        format: RenderFormat,
    },
    /// Check every manifest in the files, directories or stdin and report diagnostics: Wukongs,
    /// KubeVirt VMs, NADs, NMState policies, network-configs, as one set (a VM's NAD may be in
    /// another file).
    Check {
        /// Files and directories to check; a directory is read recursively (its *.yaml, *.yml
        /// and *.json files, sorted, hidden entries skipped); `-` reads stdin.
        #[arg(required = true)]
        files: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Apply the safe fixes in place (each file written atomically, keeping its mode),
        /// then report what remains. With `-`, the fixed text goes to stdout and the report
        /// to stderr.
        #[arg(long)]
        fix: bool,
        /// Print the fixes as a unified diff and write nothing (with --fix: --dry-run).
        #[arg(long, alias = "dry-run")]
        diff: bool,
        /// Apply (or show) the fixes that need review too.
        #[arg(long)]
        unsafe_fixes: bool,
    },
    /// Print the Wukong CustomResourceDefinition this build reads (config/crd/).
    Crd,
    /// Explain a diagnostic code, or list them all (`--all`, Markdown: docs/diagnostics.md).
    Explain {
        /// A code such as `dhcp-with-address`.
        #[arg(required_unless_present = "all")]
        code: Option<String>,
        #[arg(long, conflicts_with = "code")]
        all: bool,
    },
    /// Answer as the Kubewarden policy does, for an AdmissionReview, an AdmissionRequest, a
    /// policy payload or a bare object (checked as a CREATE) in FILE; prints the verdict JSON.
    /// Exit 0 accepted, 1 rejected.
    Admit {
        /// The request, YAML or JSON; `-` or nothing reads stdin.
        #[arg(default_value = "-")]
        file: String,
        /// Policy settings (YAML or JSON); default: the payload's own, else the defaults.
        #[arg(long)]
        settings: Option<String>,
        /// Objects (a YAML/JSON stream, e.g. NADs) that answer context-aware lookups.
        #[arg(long)]
        cluster: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Only {
    /// The bare cloud-init network-config.
    Networkdata,
    /// The NetworkAttachmentDefinitions.
    Nad,
    /// The KubeVirt VirtualMachine.
    Vm,
    /// The NMState NodeNetworkConfigurationPolicies.
    Nncp,
    /// The bare cloud-init userData (`#cloud-config`, no leading `---`).
    Userdata,
    /// The Secrets that carry userData (only for a plaintext password or a long userData).
    Secret,
}

impl Only {
    fn artifact(self) -> Artifact {
        match self {
            Only::Networkdata => Artifact::NetworkData,
            Only::Nad => Artifact::Nad,
            Only::Vm => Artifact::Vm,
            Only::Nncp => Artifact::Nncp,
            Only::Userdata => Artifact::UserData,
            Only::Secret => Artifact::Secret,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum RenderFormat {
    Yaml,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CheckFormat {
    /// rustc-style, with the offending line.
    Human,
    /// `[{"file": ..., "diagnostics": [...]}]`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Render { file, only, format } => render(&file, only, format),
        Command::Check {
            files,
            format,
            fix,
            diff,
            unsafe_fixes,
        } => {
            let mode = match (fix, diff) {
                (_, true) => Some(check::FixMode::Diff),
                (true, false) => Some(check::FixMode::Write),
                (false, false) => None,
            };
            if unsafe_fixes && mode.is_none() {
                Err("--unsafe-fixes needs --fix or --diff".to_string())
            } else {
                check::check(&files, format, mode.map(|m| (m, unsafe_fixes)))
            }
        }
        Command::Explain { code, all } => explain(code.as_deref(), all),
        Command::Admit {
            file,
            settings,
            cluster,
        } => admit(&file, settings.as_deref(), cluster.as_deref()),
        Command::Crd => {
            print!("{}", emit::to_yaml(&wukong_net::crd::wukong_crd()));
            Ok(OK)
        }
    };
    ExitCode::from(code.unwrap_or_else(|msg| {
        eprintln!("wukong-net: {msg}");
        USAGE
    }))
}

fn render(file: &str, only: Option<Only>, format: RenderFormat) -> Result<u8, String> {
    let bytes = read_input(file)?;
    let report = wukong_net::render_bytes(&bytes);
    let source = String::from_utf8_lossy(&bytes);
    let name = display_name(file);

    let out = match format {
        RenderFormat::Json => {
            let mut s = emit::to_json(&report_json(&report, only.map(Only::artifact)));
            s.push('\n');
            s
        }
        RenderFormat::Yaml => {
            // Diagnostics go to stderr so stdout stays a clean manifest stream.
            let shown: Vec<Diagnostic> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity >= Severity::Warning || report.has_errors())
                .cloned()
                .collect();
            if !shown.is_empty() {
                eprint!("{}", render_human(&shown, name, &source));
            }
            if report.has_errors() {
                eprintln!(
                    "wukong-net: nothing rendered: {}",
                    summary(&report.diagnostics)
                );
                String::new()
            } else if report.manifests.is_empty() {
                eprintln!("wukong-net: no Wukong found in {name}");
                String::new()
            } else {
                if only == Some(Only::Secret) && report.manifests.iter().all(|m| m.secret.is_none())
                {
                    eprintln!(
                        "wukong-net: no Secret to print: every userData is inline (a Secret is rendered only for a plaintext password or a userData over 2048 bytes)"
                    );
                }
                manifests_yaml(&report.manifests, only.map(Only::artifact))
            }
        }
    };
    write_stdout(&out)?;
    Ok(if report.has_errors() {
        FOUND_ERRORS
    } else {
        OK
    })
}

fn explain(code: Option<&str>, all: bool) -> Result<u8, String> {
    if all {
        write_stdout(&wukong_net::diagnostic::catalog_markdown())?;
        return Ok(OK);
    }
    let name = code.unwrap_or_default();
    match wukong_net::Code::from_name(name) {
        Some(c) => {
            let fix = match wukong_net::fix::fix_summary(c) {
                s if s.is_empty() => "none".to_string(),
                s => s,
            };
            write_stdout(&format!(
                "{} ({}): {}\nfix: {fix}\nemitted by: {}\n",
                c.as_str(),
                c.severity(),
                c.details(),
                c.emitted_by().join("; ")
            ))?;
            Ok(OK)
        }
        None => {
            let names: Vec<&str> = wukong_net::Code::ALL.iter().map(|c| c.as_str()).collect();
            let hint = wukong_net::load::closest(name, &names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(format!(
                "unknown diagnostic code `{name}`{hint} (`wukong-net explain --all` lists them)"
            ))
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn summary(ds: &[Diagnostic]) -> String {
    let errors = ds.iter().filter(|d| d.severity == Severity::Error).count();
    format!("{errors} error{}", plural(errors))
}

fn write_stdout(s: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // `wukong-net render | head` is fine.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}

/// `admit`: read the request, the settings and the cluster objects; the core decides.
fn admit(file: &str, settings: Option<&str>, cluster: Option<&str>) -> Result<u8, String> {
    use wukong_net::admission::{self, NoLookup, ResourceLookup, Resources};
    let text_of = |path: &str| -> Result<String, String> {
        let bytes = read_input(path)?;
        wukong_net::source::decode(&bytes)
            .map(str::to_string)
            .map_err(|d| format!("{path}: {}", d.message))
    };
    let settings = match settings {
        None => None,
        Some(path) => match admission::settings_from_text(&text_of(path)?) {
            Ok(settings) => Some(settings),
            Err(admission::SettingsTextError::Syntax(ds)) => {
                let first = ds
                    .iter()
                    .find(|d| d.severity == wukong_net::Severity::Error);
                return Err(match first {
                    Some(d) => format!("{path}:{}:{}: {}", d.line, d.column, d.message),
                    None => format!("{path}: not YAML or JSON"),
                });
            }
            Err(admission::SettingsTextError::Invalid(e)) => return Err(format!("{path}: {e}")),
        },
    };
    let mut resources;
    let lookup: &mut dyn ResourceLookup = match cluster {
        None => &mut NoLookup,
        Some(path) => {
            let (r, diags) = Resources::from_text(&text_of(path)?);
            if let Some(d) = diags.first() {
                return Err(format!("{path}:{}:{}: {}", d.line, d.column, d.message));
            }
            resources = r;
            &mut resources
        }
    };
    let verdict = admission::validate_document(&text_of(file)?, settings.as_ref(), lookup);
    write_stdout(&format!("{}\n", emit::to_json(&verdict)))?;
    Ok(if verdict.accepted { OK } else { FOUND_ERRORS })
}

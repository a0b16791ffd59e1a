//! What `check` reads: files, directories (recursively, the manifest extensions kubectl reads)
//! and `-` for stdin, collected in a deterministic order before anything is checked.

use std::collections::HashSet;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use wukong_net::limits::Limits;

/// The extensions a directory walk picks up (kubectl's `-f DIR` reads the same three).
const MANIFEST_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// One input: the name it is reported under and its bytes (at most the size limit plus one
/// byte, so the core can say it is too large).
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The file read (`None`: stdin), where `check --fix` writes back.
    pub path: Option<std::path::PathBuf>,
}

/// The name stdin is reported under.
pub const STDIN_NAME: &str = "<stdin>";

/// Reads every argument: a file as given, a directory as its manifest files (sorted by name,
/// depth first, hidden entries skipped, each real file and directory once however many links
/// lead to it, so symlink loops end), `-` as stdin. Every unreadable path is reported, each
/// with its name; nothing is returned then.
pub fn collect(args: &[String], limits: &Limits) -> Result<Vec<Input>, Vec<String>> {
    let mut walk = Walk::default();
    let mut stdin_seen = false;
    for arg in args {
        if arg == "-" {
            if stdin_seen {
                walk.errors
                    .push("`-` (stdin) given more than once".to_string());
            } else {
                walk.found.push(Found::Stdin);
            }
            stdin_seen = true;
            continue;
        }
        let path = Path::new(arg);
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let again = std::fs::canonicalize(path).is_ok_and(|c| walk.seen.contains(&c));
                if again {
                    continue;
                }
                let (found, errors) = (walk.found.len(), walk.errors.len());
                walk.directory(path);
                // A CI job pointed at the wrong directory must not pass by checking nothing.
                if walk.found.len() == found && walk.errors.len() == errors {
                    walk.errors.push(format!(
                        "no *.yaml, *.yml or *.json file in directory {arg}"
                    ));
                }
            }
            // Anything else named explicitly is read as it is, whatever its extension: a
            // file, or a pipe such as bash's `<(kustomize build)`.
            _ => walk.file(path.to_path_buf()),
        }
    }
    let Walk {
        found, mut errors, ..
    } = walk;
    let mut inputs = Vec::with_capacity(found.len());
    for f in found {
        let read = match &f {
            Found::Stdin => read_stdin(limits),
            Found::File(p) => read_file(p, limits),
        };
        match read {
            Ok(bytes) => inputs.push(Input {
                name: f.name(),
                bytes,
                path: match &f {
                    Found::Stdin => None,
                    Found::File(p) => Some(p.clone()),
                },
            }),
            Err(e) => errors.push(format!("cannot read {}: {e}", f.name())),
        }
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

/// Reads one file, or stdin for `-` (for `render` and `admit`, which take one input under
/// the core's [`Limits::OBJECT`]).
pub fn read_input(file: &str) -> Result<Vec<u8>, String> {
    let limits = &Limits::OBJECT;
    if file == "-" {
        read_stdin(limits).map_err(|e| format!("cannot read {STDIN_NAME}: {e}"))
    } else {
        read_file(Path::new(file), limits).map_err(|e| format!("cannot read {file}: {e}"))
    }
}

/// The name an argument is reported under.
pub fn display_name(file: &str) -> &str {
    if file == "-" {
        STDIN_NAME
    } else {
        file
    }
}

// The size limit is enforced while reading, so a huge input is never held in memory whole.
fn limited(reader: impl Read, limits: &Limits) -> std::io::Result<Vec<u8>> {
    let limit = limits.input_bytes as u64 + 1;
    let mut bytes = Vec::new();
    reader.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn read_file(path: &Path, limits: &Limits) -> std::io::Result<Vec<u8>> {
    limited(std::fs::File::open(path)?, limits)
}

fn read_stdin(limits: &Limits) -> std::io::Result<Vec<u8>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("wukong-net: reading from the terminal; end it with Ctrl-D");
        }
    }
    limited(stdin.lock(), limits)
}

enum Found {
    Stdin,
    File(PathBuf),
}

impl Found {
    fn name(&self) -> String {
        match self {
            Found::Stdin => STDIN_NAME.to_string(),
            Found::File(p) => p.to_string_lossy().into_owned(),
        }
    }
}

#[derive(Default)]
struct Walk {
    found: Vec<Found>,
    errors: Vec<String>,
    /// Canonical paths of the directories entered and files taken: a directory reached again
    /// through a symlink is not entered again (no loop), and a file named twice is checked once
    /// (checking it twice would make it conflict with itself once the set is checked as one).
    seen: HashSet<PathBuf>,
}

impl Walk {
    fn file(&mut self, path: PathBuf) {
        // A path that cannot be resolved is kept: reading it reports why.
        if let Ok(canonical) = std::fs::canonicalize(&path) {
            if !self.seen.insert(canonical) {
                return;
            }
        }
        self.found.push(Found::File(path));
    }

    fn directory(&mut self, dir: &Path) {
        match std::fs::canonicalize(dir) {
            Ok(canonical) => {
                if !self.seen.insert(canonical) {
                    return;
                }
            }
            Err(e) => {
                self.errors
                    .push(format!("cannot read directory {}: {e}", dir.display()));
                return;
            }
        }
        let entries = match std::fs::read_dir(dir).and_then(|rd| rd.collect::<Result<Vec<_>, _>>())
        {
            Ok(entries) => entries,
            Err(e) => {
                self.errors
                    .push(format!("cannot read directory {}: {e}", dir.display()));
                return;
            }
        };
        let mut names: Vec<_> = entries.into_iter().map(|e| e.file_name()).collect();
        names.sort();
        for name in names {
            // Hidden entries (.git, .github, editor files) are not manifests to check.
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = dir.join(&name);
            let is_manifest = Path::new(&name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| MANIFEST_EXTENSIONS.contains(&e));
            // Follows symlinks: a linked directory is walked, a linked file read.
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => self.directory(&path),
                Ok(m) if m.is_file() && is_manifest => self.file(path),
                Ok(_) => {}
                // A dangling link, or an entry that vanished: an error only where a manifest
                // was expected.
                Err(e) if is_manifest => self
                    .errors
                    .push(format!("cannot read {}: {e}", path.display())),
                Err(_) => {}
            }
        }
    }
}

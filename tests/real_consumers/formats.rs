//! Readers for what the guest-side consumers write: systemd-networkd units, RHEL ifcfg files,
//! Debian interfaces(5) stanzas and udev rules. Just enough to look values up; keys may repeat.

/// A systemd unit file: sections in order, each with its key/value lines in order.
pub struct Unit {
    pub sections: Vec<(String, Vec<(String, String)>)>,
}

impl Unit {
    pub fn parse(text: &str) -> Unit {
        let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                sections.push((name.to_string(), Vec::new()));
            } else if let (Some((k, v)), Some(last)) = (line.split_once('='), sections.last_mut()) {
                last.1.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        Unit { sections }
    }

    /// Every section called `name`.
    pub fn sections<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a [(String, String)]> + 'a {
        self.sections
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, e)| e.as_slice())
    }

    /// Every value of `key` in every section called `section`.
    pub fn values(&self, section: &str, key: &str) -> Vec<String> {
        self.sections(section)
            .flat_map(|s| get_all(s, key))
            .collect()
    }
}

pub fn get_all(section: &[(String, String)], key: &str) -> Vec<String> {
    section
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

pub fn get(section: &[(String, String)], key: &str) -> Option<String> {
    get_all(section, key).into_iter().last()
}

/// A shell-style KEY=VALUE file (ifcfg-*).
pub fn parse_shell_vars(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            (
                k.to_string(),
                v.trim_matches(|c| c == '"' || c == '\'').to_string(),
            )
        })
        .collect()
}

/// A stanza of /etc/network/interfaces: its first line's words and its option lines.
#[derive(Debug)]
pub struct Stanza {
    pub head: Vec<String>,
    pub options: Vec<String>,
}

pub fn parse_interfaces(text: &str) -> Vec<Stanza> {
    let mut stanzas: Vec<Stanza> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if raw.starts_with(char::is_whitespace) {
            if let Some(s) = stanzas.last_mut() {
                s.options.push(line.to_string());
            }
        } else {
            stanzas.push(Stanza {
                head: line.split_whitespace().map(str::to_string).collect(),
                options: Vec::new(),
            });
        }
    }
    stanzas
}

/// The `iface NAME ...` stanzas for one interface.
pub fn ifaces<'a>(stanzas: &'a [Stanza], name: &str) -> Vec<&'a Stanza> {
    stanzas
        .iter()
        .filter(|s| {
            s.head.first().is_some_and(|w| w == "iface") && s.head.get(1).is_some_and(|w| w == name)
        })
        .collect()
}

/// The values of an option (`address 10.0.0.1/24` -> "10.0.0.1/24").
pub fn option_values(s: &Stanza, key: &str) -> Vec<String> {
    s.options
        .iter()
        .filter_map(|o| {
            o.strip_prefix(key)
                .filter(|r| r.starts_with(' '))
                .map(|r| r.trim().to_string())
        })
        .collect()
}

/// Whether a udev rules file renames the NIC with this MAC to this name.
pub fn udev_renames(rules: &str, mac: &str, name: &str) -> bool {
    rules.lines().any(|l| {
        l.contains(&format!("ATTR{{address}}==\"{mac}\""))
            && l.contains(&format!("NAME=\"{name}\""))
    })
}

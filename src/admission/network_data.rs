//! cloud-init network-config (Netplan v2), as KubeVirt hands it to the guest in
//! `cloudInitNoCloud.networkData`. Parsing and every check that does not need the VM live in
//! the network-config linter (`crate::network_config`), the project's one network-config
//! parser: `parse` lints the text with all its rules (YAML 1.1 traps, netplan's and cloud-init's
//! refusals) and returns the ethernets the VM checks match against. These names are what the
//! admission code reads.

pub use crate::network_config::{
    glob_match, looks_like_mac, parse, yaml11_sexagesimal, Device as Ethernet,
    NetworkConfig as NetworkData, Parsed,
};

#[cfg(test)]
use crate::diagnostic::{Code, Diagnostic};

#[cfg(test)]
#[allow(clippy::print_stderr)] // says why a test skipped
mod tests {
    use super::*;

    #[test]
    fn reads_wrapped_and_bare_v2() {
        let p = parse("network:\n  version: 2\n  ethernets:\n    eth1:\n      match: {macaddress: \"02:00:00:00:00:01\"}\n      set-name: eth1\n      dhcp4: true\n");
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let c = p.config.unwrap();
        assert_eq!(c.prefix, "network.");
        assert_eq!(c.ethernets[0].path, "network.ethernets.eth1");
        assert_eq!(
            c.ethernets[0].match_mac.as_deref(),
            Some("02:00:00:00:00:01")
        );
        assert!(c.ethernets[0].dhcp4);
        let bare = parse("version: 2\nethernets:\n  eth0: {addresses: [10.0.0.2/24]}\n");
        let c = bare.config.unwrap();
        assert_eq!(c.ethernets[0].path, "ethernets.eth0");
        assert_eq!(c.ethernets[0].addresses, vec!["10.0.0.2/24"]);
        assert!(c.ethernets[0].configures_address());
    }

    #[test]
    fn refuses_what_is_not_v2() {
        let v1 = parse("version: 1\nconfig: []\n");
        assert_eq!(v1.diagnostics[0].code, Code::NetworkDataInvalid);
        assert_eq!(v1.diagnostics[0].path, "version");
        assert_eq!(v1.diagnostics[0].line, 1);
        let none = parse("ethernets: {}\n");
        assert_eq!(none.diagnostics[0].code, Code::NetworkDataInvalid);
        let list = parse("- a\n- b\n");
        assert_eq!(list.diagnostics[0].code, Code::NetworkDataInvalid);
        let bad_eth = parse("version: 2\nethernets:\n  eth0: 5\n");
        assert_eq!(bad_eth.diagnostics[0].path, "ethernets.eth0");
        assert_eq!(bad_eth.diagnostics[0].line, 3);
        let syntax = parse("version: 2\nethernets: [\n");
        assert_eq!(syntax.diagnostics[0].code, Code::YamlSyntax);
        assert!(syntax.config.is_none());
    }

    #[test]
    fn yaml11_booleans() {
        let p = parse("version: 2\nethernets:\n  a: {dhcp4: yes}\n  b: {dhcp4: on}\n  c: {dhcp4: false}\n  d: {dhcp4: \"no\"}\n");
        let c = p.config.unwrap();
        let got: Vec<bool> = c.ethernets.iter().map(|e| e.dhcp4).collect();
        assert_eq!(got, vec![true, true, false, false]);
    }

    #[test]
    fn sexagesimal_as_pyyaml_reads_it() {
        // Values checked with python3 -c "import yaml; print(yaml.safe_load('v: <text>'))".
        assert_eq!(yaml11_sexagesimal("52:54:00:12:34:56"), Some(41135085296.0));
        assert_eq!(yaml11_sexagesimal("1:20"), Some(80.0));
        assert_eq!(yaml11_sexagesimal("-1:20"), Some(-80.0));
        assert_eq!(yaml11_sexagesimal("1:20.5"), Some(80.5));
        assert_eq!(yaml11_sexagesimal("12:30"), Some(750.0));
        // A leading zero is no YAML 1.1 int; hex letters and parts over 59 stay strings.
        assert_eq!(yaml11_sexagesimal("02:00:00:00:00:01"), None);
        assert_eq!(yaml11_sexagesimal("52:54:00:ab:cd:ef"), None);
        assert_eq!(yaml11_sexagesimal("52:54:00:12:34:60"), None);
        assert_eq!(yaml11_sexagesimal("5254"), None);
        assert_eq!(yaml11_sexagesimal("a:1"), None);
    }

    /// The reading of YAML 1.1 that matters is PyYAML's (cloud-init's parser): ask it.
    #[test]
    fn sexagesimal_agrees_with_pyyaml() {
        let samples = [
            "52:54:00:12:34:56",
            "02:00:00:00:00:01",
            "52:54:00:ab:cd:ef",
            "52:54:00:12:34:60",
            "1:20",
            "-1:20",
            "+1:20",
            "1:20.5",
            "0:20.5",
            "01:20",
            "12:30",
            "1_0:20",
            "1:2_0",
            "9:59:59",
            "60:00",
            "1:5",
            "1:05",
            "00:00:00:00:00:00",
            "aa:bb",
            ":1",
            "1::2",
            "1:20.",
            "1:20.5.1",
        ];
        let script = "import json, sys\ntry:\n    import yaml\nexcept ImportError:\n    print('no-pyyaml')\n    sys.exit(0)\nfor s in json.load(sys.stdin):\n    v = yaml.safe_load('v: ' + s)['v']\n    print(json.dumps(None if isinstance(v, str) else float(v)))\n";
        let child = std::process::Command::new("python3")
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "python3 is required in CI: {e}"
                );
                eprintln!("skipped: python3 not found ({e})");
                return;
            }
        };
        use std::io::Write;
        let input = serde_json::to_string(&samples).unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "the PyYAML script failed");
        let text = String::from_utf8(out.stdout).unwrap();
        if text.trim() == "no-pyyaml" {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PyYAML is required in CI (python3-yaml)"
            );
            eprintln!("skipped: python3 cannot import yaml (apt-get install python3-yaml)");
            return;
        }
        let readings: Vec<Option<f64>> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(readings.len(), samples.len());
        for (s, want) in samples.iter().zip(readings) {
            assert_eq!(yaml11_sexagesimal(s), want, "{s}");
        }
    }

    #[test]
    fn unquoted_macs_that_turn_into_numbers() {
        let p = parse("version: 2\nethernets:\n  eth1:\n    match:\n      macaddress: 52:54:00:12:34:56\n    dhcp4: true\n");
        let d: Vec<&Diagnostic> = p
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnquotedMac)
            .collect();
        assert_eq!(d.len(), 1, "{:?}", p.diagnostics);
        assert_eq!(d[0].path, "ethernets.eth1.match.macaddress");
        assert_eq!(d[0].line, 5);
        assert!(d[0].message.contains("41135085296"), "{}", d[0].message);
        assert!(d[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("\"52:54:00:12:34:56\"")));
        // Quoted, or a MAC YAML 1.1 keeps as a string: no finding.
        for ok in [
            "\"52:54:00:12:34:56\"",
            "'52:54:00:12:34:56'",
            "52:54:00:ab:cd:ef",
            "02:00:00:00:00:01",
        ] {
            let p = parse(&format!(
                "version: 2\nethernets:\n  eth1:\n    match: {{macaddress: {ok}}}\n"
            ));
            assert!(
                p.diagnostics.iter().all(|d| d.code != Code::UnquotedMac),
                "{ok}: {:?}",
                p.diagnostics
            );
        }
    }

    #[test]
    fn names_and_globs() {
        assert!(glob_match("en*", "enp1s0"));
        assert!(glob_match("eth[0-3]", "eth2"));
        assert!(!glob_match("eth[!0]", "eth0"));
        assert!(glob_match("eth?", "eth1"));
        assert!(!glob_match("eth?", "eth10"));
        let p = parse("version: 2\nethernets:\n  eth0: {dhcp4: true}\n  any: {match: {name: \"en*\"}, dhcp4: true}\n  bymac: {match: {macaddress: \"02:00:00:00:00:01\", name: \"en*\"}}\n");
        let c = p.config.unwrap();
        assert!(c.ethernets[0].applies_to_name("eth0"));
        assert!(!c.ethernets[0].applies_to_name("eth1"));
        assert!(c.ethernets[1].applies_to_name("enp1s0"));
        assert!(!c.ethernets[1].applies_to_name("any"));
        assert!(!c.ethernets[2].applies_to_name("enp1s0"));
    }
}

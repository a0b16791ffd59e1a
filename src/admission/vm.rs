//! KubeVirt VirtualMachines and VirtualMachineInstances: the guest network config must reach
//! cloud-init and fit the VM's NICs. `network:` in userData is ignored by cloud-init;
//! networkData must be Netplan v2 whose MAC matches are pinned on the VM's interfaces and whose
//! MACs survive YAML 1.1; Multus networks bind with bridge, not masquerade. With context-aware
//! lookups, each Multus network's NAD must exist and a DHCP NIC must not sit on an IPAM NAD.

use super::cni::{self, kind_of, static_not_allowed};
use super::network_data::{self, Ethernet, NetworkData};
use super::settings::Settings;
use super::ResourceLookup;
use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::mac::{MacAddress, MacError};
use crate::source::{self, join_index, join_key};
use serde_json::Value;
use std::collections::HashMap;

pub const NAD_API_VERSION: &str = "k8s.cni.cncf.io/v1";
pub const NAD_KIND: &str = "NetworkAttachmentDefinition";

/// One entry of `domain.devices.interfaces`.
struct Iface<'a> {
    index: usize,
    name: &'a str,
    mac: Option<MacAddress>,
}

impl Iface<'_> {
    /// The names a guest may give this NIC: eth<N> (net.ifnames=0, most cloud images) or the
    /// PCI name KubeVirt's layout yields (enp<N+1>s0).
    fn guest_names(&self) -> [String; 2] {
        [
            format!("eth{}", self.index),
            format!("enp{}s0", self.index + 1),
        ]
    }

    /// Whether a networkData entry applies to this NIC: by pinned MAC, or by name.
    fn matched_by(&self, e: &Ethernet) -> bool {
        match (e.match_mac.as_deref(), self.mac) {
            (Some(m), Some(mine)) => MacAddress::parse(m).is_ok_and(|m| m == mine),
            (Some(_), None) => false,
            (None, _) => self.guest_names().iter().any(|n| e.applies_to_name(n)),
        }
    }
}

enum NetSource<'a> {
    Pod,
    Multus { network_name: &'a str, index: usize },
    Other,
}

/// Checks a VM (`is_instance` false: the spec is under `spec.template.spec`) or a VMI.
pub fn check(
    object: &Value,
    is_instance: bool,
    namespace: &str,
    settings: &Settings,
    lookup: &mut dyn ResourceLookup,
    out: &mut Vec<Diagnostic>,
) {
    let base = if is_instance {
        "spec"
    } else {
        "spec.template.spec"
    };
    let spec = if is_instance {
        object.get("spec")
    } else {
        object
            .get("spec")
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec"))
    };
    let spec = match spec {
        None => return, // Nothing about networking to check.
        Some(Value::Object(s)) => s,
        Some(other) => {
            out.push(
                Diagnostic::new(
                    Code::WrongType,
                    base,
                    format!("{base} must be a mapping, not {}", kind_of(other)),
                )
                .with_hint("see the KubeVirt VirtualMachine API"),
            );
            return;
        }
    };

    let mut ifaces = Vec::new();
    let iface_path = format!("{base}.domain.devices.interfaces");
    let interfaces = spec
        .get("domain")
        .and_then(|d| d.get("devices"))
        .and_then(|d| d.get("interfaces"));
    for (i, iface) in interfaces
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(name) = iface.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mac = iface
            .get("macAddress")
            .and_then(Value::as_str)
            .and_then(|m| MacAddress::parse(m).ok());
        ifaces.push((
            iface,
            Iface {
                index: i,
                name,
                mac,
            },
        ));
    }
    let mut nets: HashMap<&str, NetSource> = HashMap::new();
    for (j, net) in spec
        .get("networks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(name) = net.get("name").and_then(Value::as_str) else {
            continue;
        };
        let source = if net.get("pod").is_some() {
            NetSource::Pod
        } else if let Some(n) = net
            .get("multus")
            .and_then(|m| m.get("networkName"))
            .and_then(Value::as_str)
        {
            NetSource::Multus {
                network_name: n,
                index: j,
            }
        } else {
            NetSource::Other
        };
        nets.insert(name, source);
    }

    for (raw, iface) in &ifaces {
        if raw.get("masquerade").is_some() {
            if let Some(NetSource::Multus { network_name, .. }) = nets.get(iface.name) {
                out.push(
                    Diagnostic::new(
                        Code::MasqueradeOnMultus,
                        join_key(&join_index(&iface_path, iface.index), "masquerade"),
                        format!("interface `{}` binds the Multus network `{network_name}` with masquerade: KubeVirt allows masquerade only on the pod network", iface.name),
                    )
                    .with_hint("write `bridge: {}` for a Multus network (the guest then sees the physical network and its DHCP server)"),
                );
            }
        }
    }

    let mut configs: Vec<(String, NetworkData)> = Vec::new();
    for (i, volume) in spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for source_key in ["cloudInitNoCloud", "cloudInitConfigDrive"] {
            let Some(ci) = volume.get(source_key) else {
                continue;
            };
            let vpath = join_key(&join_index(&format!("{base}.volumes"), i), source_key);
            if let Some((path, text)) = embedded(ci, &vpath, "userData", out) {
                check_user_data(&text, &path, out);
            }
            if let Some((path, text)) = embedded(ci, &vpath, "networkData", out) {
                let parsed = network_data::parse(&text);
                out.extend(
                    parsed
                        .diagnostics
                        .into_iter()
                        .map(|d| rebase(d, &path, "networkData")),
                );
                if let Some(config) = parsed.config {
                    check_network_data(&config, &path, &ifaces, &nets, settings, out);
                    configs.push((path, config));
                }
            }
        }
    }

    if settings.context_aware {
        check_nads(base, namespace, &ifaces, &nets, &configs, lookup, out);
    }
}

/// The text of `userData`/`networkData` (or its `...Base64` form) with its path.
fn embedded(
    ci: &Value,
    vpath: &str,
    key: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<(String, String)> {
    if let Some(v) = ci.get(key) {
        let path = join_key(vpath, key);
        return match v {
            Value::String(s) => Some((path, s.clone())),
            other => {
                out.push(
                    Diagnostic::new(
                        Code::WrongType,
                        path,
                        format!("`{key}` must be a string, not {}", kind_of(other)),
                    )
                    .with_hint(
                        "write the YAML as a block string: `|` followed by the indented text",
                    ),
                );
                None
            }
        };
    }
    let b64_key = format!("{key}Base64");
    let v = ci.get(&b64_key)?;
    let path = join_key(vpath, &b64_key);
    match v
        .as_str()
        .and_then(decode_base64)
        .and_then(|b| String::from_utf8(b).ok())
    {
        Some(text) => Some((path, text)),
        None => {
            let code = if key == "networkData" {
                Code::NetworkDataInvalid
            } else {
                Code::WrongType
            };
            out.push(
                Diagnostic::new(
                    code,
                    path,
                    format!("`{b64_key}` is not base64 of UTF-8 text"),
                )
                .with_hint(format!(
                    "encode the text with `base64 -w0`, or write it plainly in `{key}`"
                )),
            );
            None
        }
    }
}

/// Moves a diagnostic found inside embedded text to the object: its path continues the
/// field's, and its line within the embedded text goes into the message.
fn rebase(mut d: Diagnostic, field_path: &str, field: &str) -> Diagnostic {
    if d.line > 0 {
        d.message = format!("{} ({field} line {})", d.message, d.line);
    }
    d.path = if d.path.is_empty() {
        field_path.to_string()
    } else if d.path.starts_with('[') {
        // A quoted key or an index at the embedded document's root: no dot (found by fuzzing).
        format!("{field_path}{}", d.path)
    } else {
        format!("{field_path}.{}", d.path)
    };
    d.set_span(Span::default());
    d.at_key = false;
    d
}

/// cloud-init ignores network configuration in user-data: only the datasource's
/// network-config (`networkData`) is applied.
fn check_user_data(text: &str, path: &str, out: &mut Vec<Diagnostic>) {
    // A shell script or a MIME multipart message is no cloud-config.
    let first = text.trim_start();
    if first.starts_with("#!") || first.to_ascii_lowercase().starts_with("content-type:") {
        return;
    }
    // No `network` in the text, no `network:` key (unless spelled with escapes): skip parsing.
    if !text.contains("network") && !text.contains('\\') {
        return;
    }
    let stream = source::parse(text);
    let Some(doc) = stream.documents.first() else {
        return;
    };
    if doc.value.get("network").is_some() {
        let line = doc
            .spans
            .get("network")
            .and_then(|n| n.key)
            .map_or(0, |k| k.line);
        out.push(
            Diagnostic::new(
                Code::NetworkInUserData,
                format!("{path}.network"),
                format!("userData has a `network:` key (userData line {line}): cloud-init ignores network config in user-data, so the guest only gets fallback DHCP on its first NIC"),
            )
            .with_hint("move the `network:` block into `networkData` of the same cloudInitNoCloud volume"),
        );
    }
}

fn check_network_data(
    config: &NetworkData,
    path: &str,
    ifaces: &[(&Value, Iface<'_>)],
    nets: &HashMap<&str, NetSource<'_>>,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    for e in &config.ethernets {
        let epath = format!("{path}.{}", e.path);
        if let Some(m) = &e.match_mac {
            let mpath = format!("{epath}.match.macaddress");
            match MacAddress::parse(m) {
                Ok(mac) => {
                    if !ifaces.iter().any(|(_, i)| i.mac == Some(mac)) {
                        let mut d = Diagnostic::new(
                            Code::MacNotPinned,
                            mpath,
                            format!("networkData entry `{}` matches MAC {mac}, but no interface of the VM pins that macAddress: KubeVirt picks the MAC, so this entry fits no NIC (or stops fitting after a MAC change) and the guest gets no address", e.id),
                        )
                        .with_hint(format!("set `macAddress: \"{mac}\"` on the interface this entry is for (domain.devices.interfaces[])"));
                        if !settings.require_pinned_macs {
                            d.severity = Severity::Warning;
                        }
                        out.push(d);
                    }
                }
                // The network-config linter reports a MAC that does not parse (invalid-mac).
                Err(MacError::Malformed) => {}
                Err(_) => out.push(
                    Diagnostic::new(
                        Code::UnusableMac,
                        mpath,
                        format!("{m} is a multicast or all-zero MAC; no NIC has it"),
                    )
                    .with_hint("match the unicast MAC pinned on the VM's interface"),
                ),
            }
        }
        if !settings.allow_static_ip && !e.addresses.is_empty() {
            out.push(static_not_allowed(
                format!("{epath}.addresses"),
                &format!("networkData entry `{}` has static addresses", e.id),
            ));
        }
    }
    // The pod network's NIC: once networkData exists, cloud-init no longer runs its fallback
    // DHCP, so an entry must configure it.
    let pod = ifaces
        .iter()
        .find(|(_, i)| matches!(nets.get(i.name), Some(NetSource::Pod)));
    if let Some((_, iface)) = pod {
        let configured = config
            .ethernets
            .iter()
            .any(|e| e.configures_address() && iface.matched_by(e));
        if !configured {
            let [eth, pci] = iface.guest_names();
            let how = match iface.mac {
                Some(mac) => format!("`match: {{macaddress: \"{mac}\"}}` with `dhcp4: true`"),
                None => format!("`{eth}: {{dhcp4: true}}` (or `{pci}`)"),
            };
            out.push(
                Diagnostic::new(
                    Code::PodInterfaceUnconfigured,
                    path,
                    format!("networkData configures no address for the pod network's interface `{}` (guest {eth} or {pci}): with networkData present, cloud-init does not bring it up by itself", iface.name),
                )
                .with_hint(format!("add an entry for it: {how}")),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_nads(
    base: &str,
    namespace: &str,
    ifaces: &[(&Value, Iface<'_>)],
    nets: &HashMap<&str, NetSource<'_>>,
    configs: &[(String, NetworkData)],
    lookup: &mut dyn ResourceLookup,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<(String, String), Result<Option<Value>, String>> = HashMap::new();
    let mut multus: Vec<(&str, &str, usize)> = nets
        .iter()
        .filter_map(|(name, s)| match s {
            NetSource::Multus {
                network_name,
                index,
            } => Some((*name, *network_name, *index)),
            _ => None,
        })
        .collect();
    multus.sort_by_key(|m| m.2);
    for (net_name, network_name, index) in multus {
        let path = format!("{base}.networks[{index}].multus.networkName");
        let (ns, name) = match network_name.split_once('/') {
            Some((ns, name)) => (ns.to_string(), name.to_string()),
            None => (namespace.to_string(), network_name.to_string()),
        };
        let found = seen
            .entry((ns.clone(), name.clone()))
            .or_insert_with(|| lookup.get(NAD_API_VERSION, NAD_KIND, &ns, &name))
            .clone();
        let nad = match found {
            Ok(Some(nad)) => nad,
            Ok(None) => {
                out.push(
                    Diagnostic::new(Code::NadNotFound, path, format!("network `{net_name}` names the NetworkAttachmentDefinition {ns}/{name}, which does not exist: the VM cannot start"))
                        .with_hint(format!("create the NAD {name} in namespace {ns} first, or fix multus.networkName")),
                );
                continue;
            }
            Err(e) => {
                out.push(
                    Diagnostic::new(Code::NadLookupFailed, path, format!("could not fetch the NetworkAttachmentDefinition {ns}/{name}: {e}"))
                        .with_hint("allow the policy to read k8s.cni.cncf.io/v1 NetworkAttachmentDefinitions (contextAwareResources)"),
                );
                continue;
            }
        };
        let Some(ipam_type) = nad_ipam(&nad) else {
            continue;
        };
        let Some((_, iface)) = ifaces.iter().find(|(_, i)| i.name == net_name) else {
            continue;
        };
        for (nd_path, config) in configs {
            for e in config
                .ethernets
                .iter()
                .filter(|e| e.dhcp4 && iface.matched_by(e))
            {
                out.push(
                    Diagnostic::new(
                        Code::DhcpOnIpamNad,
                        format!("{nd_path}.{}.dhcp4", e.path),
                        format!("networkData entry `{}` runs DHCP on interface `{}`, but its NAD {ns}/{name} assigns addresses with `{ipam_type}` IPAM: the guest does not get its address from the network's DHCP server", e.id, iface.name),
                    )
                    .with_hint("give DHCP networks an L2-only NAD (\"ipam\": {}), or configure the address statically"),
                );
            }
        }
    }
}

/// The IPAM type of a NAD's first plugin that has one.
fn nad_ipam(nad: &Value) -> Option<String> {
    let text = nad.get("spec")?.get("config")?.as_str()?;
    let config = cni::parse_config(text).ok()?;
    let mut ignored = Vec::new();
    let plugins = cni::plugins(&config, "", &mut ignored);
    plugins
        .iter()
        .find(|(_, p)| cni::has_ipam(p))
        .and_then(|(_, p)| p.get("ipam")?.get("type")?.as_str().map(str::to_string))
}

/// Standard base64 (with or without padding; whitespace ignored), as KubeVirt's
/// `...Base64` fields carry it.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut padding = false;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding = true;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        if padding {
            return None; // data after padding
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero padding of the last byte.
    (bits < 6 && acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::super::{NoLookup, Resources};
    use super::*;
    use serde_json::json;

    const POD_MAC: &str = "02:00:00:00:00:01";
    const EXT_MAC: &str = "02:00:00:00:00:02";

    fn vm(interfaces: Value, networks: Value, volumes: Value) -> Value {
        json!({
            "apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
            "metadata": {"name": "vm1", "namespace": "lab"},
            "spec": {"template": {"spec": {
                "domain": {"devices": {"interfaces": interfaces}},
                "networks": networks, "volumes": volumes
            }}}
        })
    }

    fn good_interfaces() -> Value {
        json!([
            {"name": "default", "masquerade": {}, "macAddress": POD_MAC},
            {"name": "external", "bridge": {}, "macAddress": EXT_MAC}
        ])
    }

    fn networks() -> Value {
        json!([{"name": "default", "pod": {}}, {"name": "external", "multus": {"networkName": "ext-nad"}}])
    }

    fn nd(text: &str) -> Value {
        json!([{"name": "cloudinitdisk", "cloudInitNoCloud": {"networkData": text}}])
    }

    const GOOD_ND: &str = "network:\n  version: 2\n  ethernets:\n    eth0:\n      match: {macaddress: \"02:00:00:00:00:01\"}\n      set-name: eth0\n      dhcp4: true\n    eth1:\n      match: {macaddress: \"02:00:00:00:00:02\"}\n      set-name: eth1\n      dhcp4: true\n";

    fn run(
        object: &Value,
        settings: &Settings,
        lookup: &mut dyn ResourceLookup,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        check(object, false, "lab", settings, lookup, &mut out);
        out
    }

    fn codes(object: &Value) -> Vec<(Code, String)> {
        run(object, &Settings::default(), &mut NoLookup)
            .into_iter()
            .map(|d| (d.code, d.path))
            .collect()
    }

    const ND: &str = "spec.template.spec.volumes[0].cloudInitNoCloud.networkData";

    /// Found by fuzzing: a finding at a quoted key of the embedded document's root got a
    /// path with `.[` in it.
    #[test]
    fn findings_at_quoted_root_keys_keep_a_well_formed_path() {
        let text = format!("{GOOD_ND}\"net work\": 1\n");
        let found = codes(&vm(good_interfaces(), networks(), nd(&text)));
        let path = format!("{ND}[\"net work\"]");
        assert!(found.iter().any(|(_, p)| *p == path), "{found:?}");
        assert!(found.iter().all(|(_, p)| !p.contains(".[")), "{found:?}");
    }

    #[test]
    fn a_well_wired_vm_passes() {
        assert!(codes(&vm(good_interfaces(), networks(), nd(GOOD_ND))).is_empty());
        // No networkData at all: nothing to check but the bindings.
        assert!(codes(&vm(good_interfaces(), networks(), json!([]))).is_empty());
        // A VMI has its spec at the top.
        let mut out = Vec::new();
        let vmi = json!({"spec": {"domain": {"devices": {"interfaces": good_interfaces()}}, "networks": networks(), "volumes": nd(GOOD_ND)}});
        check(
            &vmi,
            true,
            "lab",
            &Settings::default(),
            &mut NoLookup,
            &mut out,
        );
        assert!(out.is_empty(), "{out:#?}");
    }

    #[test]
    fn network_in_user_data() {
        let vols = json!([{"name": "c", "cloudInitNoCloud": {"userData": "#cloud-config\nuser: x\nnetwork:\n  version: 2\n"}}]);
        let ds = run(
            &vm(good_interfaces(), networks(), vols),
            &Settings::default(),
            &mut NoLookup,
        );
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(ds[0].code, Code::NetworkInUserData);
        assert_eq!(
            ds[0].path,
            "spec.template.spec.volumes[0].cloudInitNoCloud.userData.network"
        );
        assert!(
            ds[0].message.contains("userData line 3"),
            "{}",
            ds[0].message
        );
        // Base64 user-data is decoded; scripts are not cloud-config.
        let b64 = json!([{"name": "c", "cloudInitNoCloud": {"userDataBase64": "bmV0d29yazoge3ZlcnNpb246IDJ9Cg=="}}]);
        assert_eq!(
            codes(&vm(good_interfaces(), networks(), b64))[0].0,
            Code::NetworkInUserData
        );
        let script =
            json!([{"name": "c", "cloudInitNoCloud": {"userData": "#!/bin/sh\nnetwork: x\n"}}]);
        assert!(codes(&vm(good_interfaces(), networks(), script)).is_empty());
        let clean = json!([{"name": "c", "cloudInitNoCloud": {"userData": "#cloud-config\npackages: [vim]\n"}}]);
        assert!(codes(&vm(good_interfaces(), networks(), clean)).is_empty());
    }

    #[test]
    fn network_data_must_parse_as_v2() {
        let ds = codes(&vm(
            good_interfaces(),
            networks(),
            nd("network: {version: 1, config: []}\n"),
        ));
        assert_eq!(
            ds,
            vec![(Code::NetworkDataInvalid, format!("{ND}.network.version"))]
        );
        let ds = run(
            &vm(
                good_interfaces(),
                networks(),
                nd("network:\n  version: 2\n  ethernets: [\n"),
            ),
            &Settings::default(),
            &mut NoLookup,
        );
        assert_eq!(ds[0].code, Code::YamlSyntax);
        assert_eq!(ds[0].path, ND);
        assert!(
            ds[0].message.contains("networkData line"),
            "{}",
            ds[0].message
        );
        assert_eq!(ds[0].line, 0, "inner lines are not the object's");
        let bad64 =
            json!([{"name": "c", "cloudInitNoCloud": {"networkDataBase64": "not base64!"}}]);
        assert_eq!(
            codes(&vm(good_interfaces(), networks(), bad64))[0].0,
            Code::NetworkDataInvalid
        );
        let good64 =
            json!([{"name": "c", "cloudInitConfigDrive": {"networkDataBase64": encode(GOOD_ND)}}]);
        assert!(codes(&vm(good_interfaces(), networks(), good64)).is_empty());
    }

    #[test]
    fn mac_matches_must_be_pinned() {
        let unpinned = json!([{"name": "default", "masquerade": {}, "macAddress": POD_MAC}, {"name": "external", "bridge": {}}]);
        let ds = run(
            &vm(unpinned.clone(), networks(), nd(GOOD_ND)),
            &Settings::default(),
            &mut NoLookup,
        );
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(
            (ds[0].code, ds[0].severity),
            (Code::MacNotPinned, Severity::Error)
        );
        assert_eq!(
            ds[0].path,
            format!("{ND}.network.ethernets.eth1.match.macaddress")
        );
        assert!(ds[0].hint.as_deref().unwrap_or("").contains(EXT_MAC));
        let relaxed = Settings {
            require_pinned_macs: false,
            ..Settings::default()
        };
        let ds = run(
            &vm(unpinned, networks(), nd(GOOD_ND)),
            &relaxed,
            &mut NoLookup,
        );
        assert_eq!(
            (ds[0].code, ds[0].severity),
            (Code::MacNotPinned, Severity::Warning)
        );
        // A MAC written in another case is the same MAC.
        let lower = json!([{"name": "default", "masquerade": {}, "macAddress": POD_MAC}, {"name": "external", "bridge": {}, "macAddress": "02:00:00:00:00:ab"}]);
        let upper = GOOD_ND.replace("02:00:00:00:00:02", "02:00:00:00:00:AB");
        assert!(codes(&vm(lower, networks(), nd(&upper))).is_empty());
        let malformed = GOOD_ND.replace("02:00:00:00:00:02", "02-00-00-00-00-02");
        assert_eq!(
            codes(&vm(good_interfaces(), networks(), nd(&malformed)))[0].0,
            Code::InvalidMac
        );
    }

    #[test]
    fn unquoted_mac_in_network_data() {
        let ifaces = json!([{"name": "default", "masquerade": {}, "macAddress": POD_MAC}, {"name": "external", "bridge": {}, "macAddress": "52:54:00:12:34:56"}]);
        let text = GOOD_ND.replace("\"02:00:00:00:00:02\"", "52:54:00:12:34:56");
        let ds = codes(&vm(ifaces.clone(), networks(), nd(&text)));
        assert_eq!(
            ds,
            vec![(
                Code::UnquotedMac,
                format!("{ND}.network.ethernets.eth1.match.macaddress")
            )]
        );
        let quoted = GOOD_ND.replace("02:00:00:00:00:02", "52:54:00:12:34:56");
        assert!(codes(&vm(ifaces, networks(), nd(&quoted))).is_empty());
    }

    #[test]
    fn masquerade_only_on_the_pod_network() {
        let ifaces = json!([{"name": "default", "masquerade": {}, "macAddress": POD_MAC}, {"name": "external", "masquerade": {}, "macAddress": EXT_MAC}]);
        let ds = codes(&vm(ifaces, networks(), nd(GOOD_ND)));
        assert_eq!(
            ds,
            vec![(
                Code::MasqueradeOnMultus,
                "spec.template.spec.domain.devices.interfaces[1].masquerade".to_string()
            )]
        );
    }

    #[test]
    fn pod_interface_left_unconfigured_warns() {
        let only_ext = "network:\n  version: 2\n  ethernets:\n    eth1:\n      match: {macaddress: \"02:00:00:00:00:02\"}\n      dhcp4: true\n";
        let ds = run(
            &vm(good_interfaces(), networks(), nd(only_ext)),
            &Settings::default(),
            &mut NoLookup,
        );
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(
            (ds[0].code, ds[0].severity, ds[0].path.as_str()),
            (Code::PodInterfaceUnconfigured, Severity::Warning, ND)
        );
        // Unpinned pod NIC configured by name, or by a glob, is fine.
        let ifaces = json!([{"name": "default", "masquerade": {}}, {"name": "external", "bridge": {}, "macAddress": EXT_MAC}]);
        let by_name = format!("{only_ext}    eth0: {{dhcp4: true}}\n");
        assert!(codes(&vm(ifaces.clone(), networks(), nd(&by_name))).is_empty());
        let by_glob =
            format!("{only_ext}    pod:\n      match: {{name: \"enp1*\"}}\n      dhcp4: true\n");
        assert!(codes(&vm(ifaces.clone(), networks(), nd(&by_glob))).is_empty());
        // Named, but configured with nothing.
        let empty = format!("{only_ext}    eth0: {{dhcp4: false}}\n");
        assert_eq!(
            codes(&vm(ifaces, networks(), nd(&empty)))[0].0,
            Code::PodInterfaceUnconfigured
        );
        // No pod network (a primary Multus network): nothing to warn about.
        let multus_only =
            json!([{"name": "external", "multus": {"networkName": "ext-nad", "default": true}}]);
        let ifaces = json!([{"name": "external", "bridge": {}, "macAddress": EXT_MAC}]);
        assert!(codes(&vm(ifaces, multus_only, nd(only_ext))).is_empty());
    }

    #[test]
    fn static_addresses_obey_the_setting() {
        let text = GOOD_ND.replace(
            "      dhcp4: true\n",
            "      addresses: [192.168.0.10/24]\n",
        );
        assert!(codes(&vm(good_interfaces(), networks(), nd(&text))).is_empty());
        let no_static = Settings {
            allow_static_ip: false,
            ..Settings::default()
        };
        let ds = run(
            &vm(good_interfaces(), networks(), nd(&text)),
            &no_static,
            &mut NoLookup,
        );
        assert!(
            ds.iter().all(|d| d.code == Code::StaticIpNotAllowed) && ds.len() == 2,
            "{ds:#?}"
        );
    }

    fn nad(name: &str, config: &str) -> Value {
        json!({"apiVersion": NAD_API_VERSION, "kind": NAD_KIND, "metadata": {"name": name, "namespace": "lab"}, "spec": {"config": config}})
    }

    #[test]
    fn context_aware_lookups() {
        let aware = Settings {
            context_aware: true,
            ..Settings::default()
        };
        let object = vm(good_interfaces(), networks(), nd(GOOD_ND));
        // Missing NAD.
        let ds = run(&object, &aware, &mut Resources::new(vec![]));
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(
            (ds[0].code, ds[0].path.as_str()),
            (
                Code::NadNotFound,
                "spec.template.spec.networks[1].multus.networkName"
            )
        );
        assert!(ds[0].message.contains("lab/ext-nad"), "{}", ds[0].message);
        // L2-only NAD: fine.
        let mut l2 = Resources::new(vec![nad(
            "ext-nad",
            r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{}}"#,
        )]);
        assert!(run(&object, &aware, &mut l2).is_empty());
        // IPAM NAD under a DHCP NIC.
        let ipam = r#"{"cniVersion":"0.3.1","type":"bridge","bridge":"br-ext","ipam":{"type":"host-local","subnet":"10.0.0.0/24"}}"#;
        let ds = run(
            &object,
            &aware,
            &mut Resources::new(vec![nad("ext-nad", ipam)]),
        );
        assert_eq!(ds.len(), 1, "{ds:#?}");
        assert_eq!(
            (ds[0].code, ds[0].path.as_str()),
            (
                Code::DhcpOnIpamNad,
                format!("{ND}.network.ethernets.eth1.dhcp4").as_str()
            )
        );
        // The same NAD under a static NIC is what the generator makes for static networks.
        let stat = GOOD_ND.replace(
            "      set-name: eth1\n      dhcp4: true\n",
            "      set-name: eth1\n      addresses: [10.0.0.5/24]\n",
        );
        assert!(run(
            &vm(good_interfaces(), networks(), nd(&stat)),
            &aware,
            &mut Resources::new(vec![nad("ext-nad", ipam)])
        )
        .is_empty());
        // Another namespace, named explicitly.
        let other_ns = json!([{"name": "default", "pod": {}}, {"name": "external", "multus": {"networkName": "net/ext-nad"}}]);
        let ds = run(
            &vm(good_interfaces(), other_ns, nd(GOOD_ND)),
            &aware,
            &mut l2,
        );
        assert!(ds[0].message.contains("net/ext-nad"), "{ds:#?}");
        // Off by default: no lookups at all.
        struct Panics;
        impl ResourceLookup for Panics {
            fn get(&mut self, _: &str, _: &str, _: &str, _: &str) -> Result<Option<Value>, String> {
                Err("must not be called".into())
            }
        }
        assert!(run(&object, &Settings::default(), &mut Panics).is_empty());
        let ds = run(&object, &aware, &mut Panics);
        assert_eq!(
            (ds[0].code, ds[0].severity),
            (Code::NadLookupFailed, Severity::Warning)
        );
    }

    fn encode(text: &str) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in text.as_bytes().chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn base64_round_trips() {
        for s in ["", "a", "ab", "abc", "network: {version: 2}\n", "é"] {
            assert_eq!(decode_base64(&encode(s)).unwrap(), s.as_bytes(), "{s}");
        }
        assert_eq!(decode_base64("YWJj\nZA=="), Some(b"abcd".to_vec()));
        assert_eq!(decode_base64("YQ==YQ"), None);
        assert_eq!(decode_base64("!!!!"), None);
    }
}

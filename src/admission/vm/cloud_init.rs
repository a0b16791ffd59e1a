//! The cloud-init volumes of a VM: userData must not carry network config, networkData must
//! be a network-config (linted by [`crate::network_config`]) that fits the VM's NICs.

use super::super::base64::decode_base64;
use super::super::rule_helpers::static_not_allowed;
use super::super::settings::Settings;
use super::{NetSource, VmSpec};
use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::json_path::JsonPath;
use crate::json_type::type_name;
use crate::mac::{MacAddress, MacError};
use crate::network_config::{self, Device, NetworkConfig};
use crate::source::{self, join_index, join_key};
use serde_json::Value;

/// Checks every cloudInitNoCloud/cloudInitConfigDrive volume; returns each networkData that
/// parsed, with its path, for the NAD rules.
pub(super) fn check_volumes(
    spec: &VmSpec<'_>,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) -> Vec<(String, NetworkConfig)> {
    let mut configs = Vec::new();
    let volumes = spec.spec.get("volumes").and_then(Value::as_array);
    for (i, volume) in volumes.into_iter().flatten().enumerate() {
        for source_key in ["cloudInitNoCloud", "cloudInitConfigDrive"] {
            let Some(ci) = volume.get(source_key) else {
                continue;
            };
            let vpath = join_key(
                &join_index(&format!("{}.volumes", spec.base), i),
                source_key,
            );
            if let Some((path, text)) = embedded(ci, &vpath, "userData", out) {
                // Where a `network:` block can move to: a networkData this volume lacks.
                let no_network_data = ["networkData", "networkDataBase64", "networkDataSecretRef"]
                    .iter()
                    .all(|k| ci.get(k).is_none());
                let target = no_network_data.then(|| JsonPath::parse(&vpath).key("networkData"));
                check_user_data(&text, &path, target.as_ref(), out);
            }
            if let Some((path, text)) = embedded(ci, &vpath, "networkData", out) {
                if source_key == "cloudInitConfigDrive" && is_openstack_network_data(&text) {
                    out.push(
                        Diagnostic::new(
                            Code::NetworkDataNotChecked,
                            path,
                            "this config drive's networkData is OpenStack network_data.json (`links`, `networks`, `services`), which cloud-init's ConfigDrive source reads; it is not checked here".to_string(),
                        )
                        .with_hint("to have it checked, write a netplan v2 network-config (`version: 2`, `ethernets:`) instead"),
                    );
                    continue;
                }
                let parsed = network_config::parse(&text);
                out.extend(
                    parsed
                        .diagnostics
                        .into_iter()
                        .map(|d| rebase(d, &path, "networkData")),
                );
                if let Some(config) = parsed.config {
                    check_network_data(spec, &config, &path, settings, out);
                    configs.push((path, config));
                }
            }
        }
    }
    configs
}

/// OpenStack's network_data.json, which a config drive may carry instead of a network-config: a
/// JSON object with its sections and no network-config `version` or `network` key.
fn is_openstack_network_data(text: &str) -> bool {
    let Ok(Value::Object(o)) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    !o.contains_key("version")
        && !o.contains_key("network")
        && ["links", "networks", "services"]
            .iter()
            .any(|k| o.contains_key(*k))
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
                        format!("`{key}` must be a string, not {}", type_name(other)),
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
/// field's, and its line within the embedded text goes into the message. It is no longer
/// located (line 0: shells locate it in their text), but `span` keeps where it stands in the
/// embedded text, so a shell that has the outer text maps it there (`crate::manifest`).
fn rebase(mut d: Diagnostic, field_path: &str, field: &str) -> Diagnostic {
    let inner = d.span;
    if d.line > 0 {
        d.message = format!("{} ({field} line {})", d.message, d.line);
    }
    // A quoted key or an index at the embedded document's root continues without a dot
    // (found by fuzzing); JsonPath writes each segment as it must.
    d.path = JsonPath::parse(field_path)
        .join(&JsonPath::parse(&d.path))
        .to_string();
    d.rebase_fixes(&JsonPath::parse(field_path));
    d.set_span(Span::default());
    d.span = inner;
    d.at_key = false;
    d
}

/// The `network:` block of userData moved into the volume's (absent) networkData. Not safe:
/// the guest starts applying a configuration it never did.
fn move_network_fix(
    user_data: &str,
    network: &Value,
    network_data: Option<&JsonPath>,
) -> Vec<crate::fix::Fix> {
    use crate::fix::{Fix, PatchOp};
    let Some(target) = network_data else {
        return Vec::new();
    };
    if !network.is_object() {
        return Vec::new();
    }
    let text = crate::emit::to_yaml(network);
    vec![Fix::unsafe_(
        "move the `network:` block from userData into networkData",
        vec![
            PatchOp::remove(&JsonPath::parse(user_data).key("network")),
            PatchOp::add(target, Value::String(text)),
        ],
    )]
}

/// cloud-init ignores network configuration in user-data: only the datasource's
/// network-config (`networkData`) is applied.
fn check_user_data(
    text: &str,
    path: &str,
    network_data: Option<&JsonPath>,
    out: &mut Vec<Diagnostic>,
) {
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
    if let Some(network) = doc.value.get("network") {
        let line = doc
            .spans
            .get("network")
            .and_then(|n| n.key)
            .map_or(0, |k| k.line);
        out.push(
            Diagnostic::new(
                Code::NetworkInUserData,
                join_key(path, "network"),
                format!("userData has a `network:` key (userData line {line}): cloud-init ignores network config in user-data, so the guest only gets fallback DHCP on its first NIC"),
            )
            .with_hint("move the `network:` block into `networkData` of the same cloudInitNoCloud volume")
            .with_fix_list(move_network_fix(path, network, network_data))
            // Shells with the text point at the `network:` key inside userData.
            .at_key(),
        );
    }
}

fn check_network_data(
    spec: &VmSpec<'_>,
    config: &NetworkConfig,
    path: &str,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    for e in &config.ethernets {
        let epath = entry_path(path, e);
        if let Some(m) = &e.match_mac {
            let mpath = epath.clone().key("match").key("macaddress").to_string();
            match MacAddress::parse(m) {
                Ok(mac) => {
                    if !spec.ifaces.iter().any(|i| i.mac == Some(mac)) {
                        let mut d = Diagnostic::new(
                            Code::MacNotPinned,
                            mpath,
                            format!("networkData entry `{}` matches MAC {mac}, but no interface of the VM pins that macAddress: KubeVirt picks the MAC, so this entry fits no NIC (or stops fitting after a MAC change) and the guest gets no address", e.id),
                        )
                        .with_hint(format!("set `macAddress: \"{mac}\"` on the interface this entry is for (domain.devices.interfaces[])"));
                        if !settings.require_pinned_macs {
                            d.severity = Severity::Warning;
                        }
                        d.fixes = pin_mac_fixes(spec, config, e, &mac.to_string());
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
                epath.clone().key("addresses").to_string(),
                &format!("networkData entry `{}` has static addresses", e.id),
            ));
        }
    }
    // The pod network's NIC: once networkData exists, cloud-init no longer runs its fallback
    // DHCP, so an entry must configure it.
    if let Some(iface) = spec.iface_on(|s| matches!(s, NetSource::Pod)) {
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

/// Fixes for an entry matching a MAC no interface pins: pin it on the interface the entry is
/// for. That is the unpinned interface whose guest name the entry sets or is named by, or the
/// only unpinned one no other entry claims when this is the only such entry (safe); otherwise
/// each unpinned interface is offered (none safe).
fn pin_mac_fixes(
    spec: &VmSpec<'_>,
    config: &NetworkConfig,
    entry: &Device,
    mac: &str,
) -> Vec<crate::fix::Fix> {
    use crate::fix::{Fix, PatchOp};
    let unpinned: Vec<_> = spec
        .ifaces
        .iter()
        .filter(|i| i.raw.get("macAddress").is_none())
        .collect();
    let fix = |iface: &super::Iface<'_>, safe: bool| {
        let path = JsonPath::parse(spec.base)
            .key("domain")
            .key("devices")
            .key("interfaces")
            .index(iface.index)
            .key("macAddress");
        let title = format!("pin macAddress \"{mac}\" on interface `{}`", iface.name);
        let patch = vec![PatchOp::add(&path, Value::String(mac.to_string()))];
        if safe {
            Fix::safe(title, patch)
        } else {
            Fix::unsafe_(title, patch)
        }
    };
    let named = |i: &&&super::Iface<'_>| {
        let names = i.guest_names();
        let by = [Some(&entry.id), entry.set_name.as_ref()];
        by.iter().flatten().any(|n| names.contains(n))
    };
    if let Some(i) = unpinned.iter().find(named) {
        return vec![fix(i, true)];
    }
    let unclaimed: Vec<_> = unpinned
        .iter()
        .filter(|i| {
            !config
                .ethernets
                .iter()
                .any(|e| e.match_mac.is_none() && i.matched_by(e))
        })
        .collect();
    let unpinned_entries = config
        .ethernets
        .iter()
        .filter(|e| {
            e.match_mac
                .as_deref()
                .and_then(|m| MacAddress::parse(m).ok())
                .is_some_and(|m| !spec.ifaces.iter().any(|i| i.mac == Some(m)))
        })
        .count();
    if let ([only], 1) = (unclaimed.as_slice(), unpinned_entries) {
        return vec![fix(only, true)];
    }
    unclaimed.iter().take(4).map(|i| fix(i, false)).collect()
}

/// The path of a networkData entry within the VM object.
pub(super) fn entry_path(network_data_path: &str, entry: &Device) -> JsonPath {
    JsonPath::parse(network_data_path).join(&JsonPath::parse(&entry.path))
}

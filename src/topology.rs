//! The path of each network of a Wukong, from the guest NIC to the physical network, as the
//! seed's diagram draws it: guest NIC (name, MAC) -> bridge port -> node bridge -> physical NIC
//! -> the DHCP server on the physical network, or the static address and gateway. The web
//! previewer draws it. Every field comes from the functions the generators use (the NIC order
//! and MACs, KubeVirt's binding and NAD name, the node bridge), so the picture cannot drift from
//! the rendered manifests.

use crate::disks::{self, VolumeSource};
use crate::kubevirt;
use crate::model::{IpMode, Ipv6Mode, Network, NetworkType, Wukong};
use crate::nic;
use serde::Serialize;

/// The networks of one Wukong, in guest NIC order (eth0 first).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Topology {
    /// metadata.name of the Wukong; for a KubeVirt object, its kind, namespace and name
    /// (`VirtualMachine lab/vm1`).
    pub wukong: String,
    /// `Wukong`, or the KubeVirt kind whose NICs these are (`VirtualMachine`,
    /// `VirtualMachineInstance`, ...): the previewer words the picture after it.
    pub kind: String,
    pub networks: Vec<NetworkPath>,
    /// The disk a Wukong's VM boots from; null when it has none (`no-os-disk`), and for
    /// KubeVirt objects, whose disks are not drawn.
    pub boot_disk: Option<BootDisk>,
}

/// The disk the VM boots from (bootOrder 1), as src/disks.rs plans it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct BootDisk {
    /// The VM's disk name: `containerdisk` for an `osImage`, else the `disks[]` entry's name.
    pub disk: String,
    /// `containerDisk` (ephemeral, from `osImage`), or what CDI imports into the DataVolume:
    /// `registry`, `http` or `blank`.
    pub source: String,
    /// The image reference or URL; null for a blank disk.
    pub image: Option<String>,
    /// The spec field it comes from (`spec.osImage`, `spec.disks[0]`): findings under it are
    /// about this disk.
    pub path: String,
}

/// One network's path.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct NetworkPath {
    /// The network's name in spec.networks.
    pub network: String,
    /// Its index in spec.networks (diagnostic paths use it: `spec.networks[1].ipConfig`); for
    /// a KubeVirt object, the index of its interface.
    pub spec_index: usize,
    /// The paths of the entries this NIC is made of, as diagnostic paths write them (a
    /// Wukong's `spec.networks[1]`; a VM's interface and Multus network): a finding under one
    /// of them is about this NIC.
    pub paths: Vec<String>,
    /// The guest NIC (eth0, eth1, ...) and its MAC, as the netplan match and KubeVirt use them.
    pub guest_nic: String,
    pub mac: String,
    /// How KubeVirt attaches the NIC: `masquerade` (pod network), `bridge` or `sriov`.
    pub binding: String,
    /// `pod` for the pod network, else the network type (`bridge`, `macvlan`, `sriov`, `ovs`).
    pub kind: String,
    /// The NetworkAttachmentDefinition the NIC uses (generated or named by nadName).
    pub nad: Option<String>,
    /// True when wukong-net makes the NAD and the node bridge's NMState policy.
    pub generated: bool,
    /// The node bridge (bridge and ovs networks).
    pub bridge: Option<String>,
    /// The physical NIC enslaved to the bridge.
    pub physical_interface: Option<String>,
    pub vlan_id: Option<i64>,
    pub mtu: Option<i64>,
    /// `dhcp`, `static`, `disabled` (IPv4), or null when the network has no ipConfig.
    pub mode: Option<String>,
    pub address: Option<String>,
    pub gateway: Option<String>,
    pub dns_servers: Vec<String>,
    /// Where the guest's IPv4 configuration comes from; null when the NIC is not configured.
    pub ipv4: Option<IpSource>,
    /// Where the guest's IPv6 configuration comes from (`guest-default` without an `ipv6`
    /// block: the guest's own defaults, usually SLAAC); null when the NIC is not configured.
    pub ipv6: Option<IpSource>,
}

/// How one address family of a guest NIC is configured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct IpSource {
    /// `dhcp`, `static`, `off`; for IPv6 also `slaac` and `guest-default`.
    pub source: String,
    /// The static address (address/prefix).
    pub address: Option<String>,
    /// The static default gateway.
    pub gateway: Option<String>,
}

impl IpSource {
    fn of(source: &str) -> Self {
        IpSource {
            source: source.to_string(),
            address: None,
            gateway: None,
        }
    }

    fn fixed(address: Option<&String>, gateway: Option<&String>) -> Self {
        IpSource {
            source: "static".to_string(),
            address: address.cloned(),
            gateway: gateway.cloned(),
        }
    }
}

/// The IPv4 and IPv6 sources of a network, as the generated networkData configures them
/// (src/netplan.rs): a top-level IPv6 `address` is the legacy IPv6-only static form.
pub fn ip_sources(net: &Network) -> (Option<IpSource>, Option<IpSource>) {
    let Some(ip) = net.ip_config.as_ref() else {
        return if net.is_pod_network() {
            (
                Some(IpSource::of("dhcp")),
                Some(IpSource::of("guest-default")),
            )
        } else {
            (None, None)
        };
    };
    let legacy_v6 = ip.mode == IpMode::Static
        && ip.address.as_deref().is_some_and(|a| {
            a.parse::<ipnet::IpNet>()
                .is_ok_and(|n| matches!(n, ipnet::IpNet::V6(_)))
        });
    let v4 = match ip.mode {
        IpMode::Dhcp => IpSource::of("dhcp"),
        IpMode::Static if legacy_v6 => IpSource::of("off"),
        IpMode::Static => IpSource::fixed(ip.address.as_ref(), ip.gateway.as_ref()),
        IpMode::Disabled => IpSource::of("off"),
    };
    let v6 = match ip.ipv6.as_ref() {
        _ if legacy_v6 => IpSource::fixed(ip.address.as_ref(), ip.gateway.as_ref()),
        None => IpSource::of("guest-default"),
        Some(v6) => match v6.mode {
            Ipv6Mode::Slaac => IpSource::of("slaac"),
            Ipv6Mode::Dhcp => IpSource::of("dhcp"),
            Ipv6Mode::Static => IpSource::fixed(v6.address.as_ref(), v6.gateway.as_ref()),
            Ipv6Mode::Disabled => IpSource::of("off"),
        },
    };
    (Some(v4), Some(v6))
}

/// The topology of one loaded Wukong (checked or not: the NIC assignment never fails, so the
/// picture follows an editor while the spec has errors).
pub fn of(w: &Wukong) -> Topology {
    let owner = w.metadata.name.clone().unwrap_or_default();
    let networks = nic::nics(w)
        .into_iter()
        .map(|n| {
            let net = n.network;
            let pod = net.is_pod_network();
            let kind = if pod {
                "pod"
            } else {
                net.effective_type().as_str()
            };
            let bridged =
                !pod && matches!(net.effective_type(), NetworkType::Bridge | NetworkType::Ovs);
            let ip = net.ip_config.as_ref();
            let (ipv4, ipv6) = ip_sources(net);
            NetworkPath {
                network: net.name.clone(),
                spec_index: n.spec_index,
                paths: vec![format!("spec.networks[{}]", n.spec_index)],
                guest_nic: n.guest_name.clone(),
                mac: n.mac.to_string(),
                binding: kubevirt::binding(net).to_string(),
                kind: kind.to_string(),
                nad: kubevirt::attached_nad(&owner, net),
                generated: net.makes_nad(),
                bridge: bridged.then(|| net.bridge()),
                physical_interface: net.physical_interface.clone().filter(|p| !p.is_empty()),
                vlan_id: net.vlan_id,
                mtu: net.mtu,
                mode: ip.map(|ip| mode_name(ip.mode).to_string()),
                address: ip.and_then(|ip| ip.address.clone()),
                gateway: ip.and_then(|ip| ip.gateway.clone()),
                dns_servers: ip.map(|ip| ip.dns_servers.clone()).unwrap_or_default(),
                ipv4,
                ipv6,
            }
        })
        .collect();
    Topology {
        boot_disk: boot_disk(w),
        wukong: owner,
        kind: "Wukong".to_string(),
        networks,
    }
}

/// The planned disk with bootOrder 1 and where its content comes from.
fn boot_disk(w: &Wukong) -> Option<BootDisk> {
    let plan = disks::plan(w);
    let disk = plan.disks.into_iter().find(|d| d.boot_order == Some(1))?;
    let (source, image, path) = match &disk.source {
        VolumeSource::ContainerDisk(image) => (
            "containerDisk",
            Some(image.clone()),
            "spec.osImage".to_string(),
        ),
        VolumeSource::DataVolume(name) => {
            let template = plan.templates.iter().find(|t| &t.metadata.name == name)?;
            let source = &template.spec.source;
            let (kind, image) = match (&source.registry, &source.http) {
                (Some(r), _) => ("registry", Some(r.url.clone())),
                (None, Some(h)) => ("http", Some(h.url.clone())),
                (None, None) => ("blank", None),
            };
            let index = w.spec.disks.iter().position(|d| d.name == disk.name)?;
            (kind, image, format!("spec.disks[{index}]"))
        }
    };
    Some(BootDisk {
        disk: disk.name,
        source: source.to_string(),
        image,
        path,
    })
}

fn mode_name(mode: IpMode) -> &'static str {
    match mode {
        IpMode::Dhcp => "dhcp",
        IpMode::Static => "static",
        IpMode::Disabled => "disabled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The picture shows what the manifests do: for every fixture, each topology entry's
    /// network, binding, MAC and NAD are the rendered VM's interface and Multus network at the
    /// same position, and every NAD it marks generated is one of the rendered NADs.
    #[test]
    fn topology_matches_the_rendered_manifests_for_every_fixture() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        // The Wukong fixtures; subfolders (tests/fixtures/nncp) hold other kinds.
        let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            // The Wukong fixtures; tests/fixtures/manifests holds other kinds.
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        fixtures.sort();
        assert!(!fixtures.is_empty(), "no fixtures in {}", dir.display());
        for path in fixtures {
            let name = path.display();
            let report = crate::render(&std::fs::read_to_string(&path).unwrap());
            assert!(!report.has_errors(), "{name}: {:#?}", report.diagnostics);
            assert_eq!(report.wukongs.len(), report.manifests.len(), "{name}");
            for (w, m) in report.wukongs.iter().zip(&report.manifests) {
                let topology = of(w);
                let vmi = &m.virtual_machine.spec.template.spec;
                let interfaces = &vmi.domain.devices.interfaces;
                assert_eq!(topology.networks.len(), interfaces.len(), "{name}");
                assert_eq!(topology.networks.len(), vmi.networks.len(), "{name}");
                let made: Vec<&str> = m
                    .network_attachment_definitions
                    .iter()
                    .map(|nad| nad.metadata.name.as_str())
                    .collect();
                for ((path, iface), vm_net) in
                    topology.networks.iter().zip(interfaces).zip(&vmi.networks)
                {
                    let at = format!("{name}: {}", path.network);
                    assert_eq!(path.network, iface.name, "{at}");
                    assert_eq!(path.network, vm_net.name, "{at}");
                    let bindings: Vec<&str> = iface.binding.keys().map(String::as_str).collect();
                    assert_eq!(bindings, [path.binding.as_str()], "{at}");
                    assert_eq!(path.mac, iface.mac_address, "{at}");
                    let multus = vm_net.multus.as_ref().map(|mu| mu.network_name.clone());
                    assert_eq!(path.nad, multus, "{at}");
                    assert_eq!(path.nad.is_none(), vm_net.pod.is_some(), "{at}");
                    if path.generated {
                        let nad = path.nad.as_deref().unwrap();
                        assert!(made.contains(&nad), "{at}: {nad} not among {made:?}");
                    }
                }
                // The boot disk drawn is the VM's disk with bootOrder 1, from the same image.
                let booting = vmi
                    .domain
                    .devices
                    .disks
                    .iter()
                    .find(|d| d.boot_order == Some(1));
                assert_eq!(
                    topology.boot_disk.as_ref().map(|b| b.disk.as_str()),
                    booting.map(|d| d.name.as_str()),
                    "{name}"
                );
                if let Some(b) = &topology.boot_disk {
                    let volume = vmi.volumes.iter().find(|v| v.name == b.disk).unwrap();
                    let image = match (&volume.container_disk, &volume.data_volume) {
                        (Some(c), _) => Some(c.image.clone()),
                        (None, Some(dv)) => {
                            let t = m
                                .virtual_machine
                                .spec
                                .data_volume_templates
                                .iter()
                                .find(|t| t.metadata.name == dv.name)
                                .unwrap();
                            let src = &t.spec.source;
                            src.registry
                                .as_ref()
                                .or(src.http.as_ref())
                                .map(|u| u.url.clone())
                        }
                        (None, None) => panic!("{name}: boot volume {} has no source", b.disk),
                    };
                    assert_eq!(b.image, image, "{name}");
                    assert_eq!(b.source == "containerDisk", volume.container_disk.is_some());
                }
                let generated = topology.networks.iter().filter(|p| p.generated).count();
                assert_eq!(
                    generated,
                    made.len(),
                    "{name}: every rendered NAD is in the picture"
                );
            }
        }
    }

    /// Each NIC's IPv4 and IPv6 source, as the previewer shows them.
    #[test]
    fn ip_sources_name_each_family() {
        let src = |ip: serde_json::Value| {
            let net: crate::model::Network =
                serde_json::from_value(serde_json::json!({"name": "ext", "ipConfig": ip})).unwrap();
            let (v4, v6) = ip_sources(&net);
            let show = |s: Option<IpSource>| {
                let s = s.unwrap();
                format!(
                    "{} {} {}",
                    s.source,
                    s.address.unwrap_or_default(),
                    s.gateway.unwrap_or_default()
                )
                .trim_end()
                .to_string()
            };
            (show(v4), show(v6))
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        use serde_json::json;
        assert_eq!(src(json!({"mode": "dhcp"})), pair("dhcp", "guest-default"));
        assert_eq!(
            src(json!({"mode": "static", "address": "2001:db8::5/64", "gateway": "fe80::1"})),
            pair("off", "static 2001:db8::5/64 fe80::1")
        );
        assert_eq!(
            src(json!({"mode": "static", "address": "10.0.0.5/24", "ipv6": {"mode": "slaac"}})),
            pair("static 10.0.0.5/24", "slaac")
        );
        assert_eq!(
            src(json!({"mode": "disabled", "ipv6": {"mode": "dhcp"}})),
            pair("off", "dhcp")
        );
        assert_eq!(
            src(json!({"mode": "dhcp", "ipv6": {"mode": "disabled"}})),
            pair("dhcp", "off")
        );
        let pod: crate::model::Network =
            serde_json::from_value(json!({"name": "default"})).unwrap();
        assert_eq!(ip_sources(&pod).0.unwrap().source, "dhcp");
        let bare: crate::model::Network = serde_json::from_value(json!({"name": "x"})).unwrap();
        assert_eq!(ip_sources(&bare), (None, None));
    }

    /// The seed boots its osImage as a containerDisk; a boot disk with an image is imported by
    /// CDI from it; a spec with neither has no boot disk to draw.
    #[test]
    fn boot_disk_of_the_seed_a_registry_import_and_none() {
        let of_fixture = |f: &str| {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(f);
            let report = crate::render(&std::fs::read_to_string(path).unwrap());
            of(&report.wukongs[0]).boot_disk
        };
        assert_eq!(
            of_fixture("seed-dhcp.yaml"),
            Some(BootDisk {
                disk: "containerdisk".into(),
                source: "containerDisk".into(),
                image: Some("quay.io/containerdisks/ubuntu:22.04".into()),
                path: "spec.osImage".into(),
            })
        );
        assert_eq!(
            of_fixture("boot-disk-registry.yaml"),
            Some(BootDisk {
                disk: "root".into(),
                source: "registry".into(),
                image: Some("docker://quay.io/containerdisks/fedora:40".into()),
                path: "spec.disks[0]".into(),
            })
        );
        assert_eq!(of_fixture("vlan.yaml"), None);
    }
}

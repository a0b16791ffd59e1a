//! The pipeline every shell runs: text -> documents -> Wukongs -> checks -> manifests.

use crate::cloud_init;
use crate::diagnostic::{has_errors, Code, Diagnostic};
use crate::emit;
use crate::kubevirt::{self, UserDataSource, VirtualMachine};
use crate::model::Wukong;
use crate::nad::{self, NetworkAttachmentDefinition};
use crate::netplan::{self, NetworkData};
use crate::nic::nics;
use crate::nmstate::{self, NodeNetworkConfigurationPolicy};
use crate::secret::{self, Secret};
use crate::source;
use serde::{Deserialize, Serialize};

/// Everything generated for one Wukong.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Manifests {
    /// The cloud-init network-config, as YAML text (what `networkData` carries).
    pub network_data: String,
    /// The cloud-init userData (`#cloud-config`), as text: inline in the VM, or in `secret`.
    pub user_data: String,
    /// The Secret that carries the userData when it must not be in the VM spec (a plaintext
    /// password, or too long to be inline).
    pub secret: Option<Secret>,
    pub network_attachment_definitions: Vec<NetworkAttachmentDefinition>,
    pub virtual_machine: VirtualMachine,
    pub node_network_configuration_policies: Vec<NodeNetworkConfigurationPolicy>,
}

/// The outcome of a run over one input text.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The Wukongs that loaded, in input order.
    pub wukongs: Vec<Wukong>,
    /// Their manifests, in the same order; empty when any diagnostic is an error.
    pub manifests: Vec<Manifests>,
    /// Every finding, located, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The NICs of each KubeVirt VM, VMI or template in the input, drawn as a Wukong's networks
    /// are ([`crate::topology`]; `wukong` names the object, `specIndex` is the interface's
    /// index), for the previewer.
    pub vm_topologies: Vec<crate::topology::Topology>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }
}

/// Parses and checks every document of one text by its kind ([`crate::manifest`]); renders
/// nothing.
pub fn check(text: &str) -> Report {
    crate::manifest::check(text)
}

/// Parses, checks and, when nothing is an error, renders every Wukong.
pub fn render(text: &str) -> Report {
    let mut report = check(text);
    if !report.has_errors() {
        report.manifests = report.wukongs.iter().map(render_wukong).collect();
    }
    report
}

/// Like [`check`], for raw bytes that may not be UTF-8.
pub fn check_bytes(bytes: &[u8]) -> Report {
    match source::decode(bytes) {
        Ok(text) => check(text),
        Err(d) => Report {
            diagnostics: vec![d],
            ..Report::default()
        },
    }
}

/// Like [`render`], for raw bytes that may not be UTF-8.
pub fn render_bytes(bytes: &[u8]) -> Report {
    match source::decode(bytes) {
        Ok(text) => render(text),
        Err(d) => Report {
            diagnostics: vec![d],
            ..Report::default()
        },
    }
}

/// Renders one checked Wukong.
pub fn render_wukong(w: &Wukong) -> Manifests {
    let nics = nics(w);
    let data: NetworkData = netplan::network_data(&nics);
    let network_data = emit::to_yaml(&data);
    let user_data = cloud_init::user_data(w);
    let (source, secret) = if user_data.in_secret {
        let s = secret::user_data_secret(w, user_data.text.clone());
        (UserDataSource::Secret(s.metadata.name.clone()), Some(s))
    } else {
        (UserDataSource::Inline(user_data.text.clone()), None)
    };
    Manifests {
        network_attachment_definitions: nad::nads(w),
        virtual_machine: kubevirt::virtual_machine(w, &nics, network_data.clone(), source),
        node_network_configuration_policies: nmstate::policies(w),
        network_data,
        user_data: user_data.text,
        secret,
    }
}

/// What rendering will do that the author may not expect, as diagnostics (warnings and
/// infos, never errors): fields not rendered, a VM with no operating system disk, a plaintext
/// password moved into a Secret, run-strategy fields that disagree. `check` reports them too,
/// so the policy and the previewer say the same before anything is rendered.
pub fn notes(w: &Wukong, out: &mut Vec<Diagnostic>) {
    crate::disks::notes(w, out);
    cloud_init::notes(w, out);
    kubevirt::notes(w, out);
    if w.spec
        .restore_from_snapshot
        .as_deref()
        .is_some_and(|s| !s.is_empty())
    {
        out.push(
            Diagnostic::new(
                Code::NotRendered,
                "spec.restoreFromSnapshot",
                "restoreFromSnapshot is not rendered: it names a WukongSnapshot, an object of the operator that wukong-net cannot read offline",
            )
            .with_hint("restore with a KubeVirt VirtualMachineRestore (snapshot.kubevirt.io) after applying, or remove the field"),
        );
    }
}

/// One kind of generated artifact, for `--only` and the previewer's tabs. The binding takes it
/// as `render`'s `only` option by its lowercase name (`"networkdata"`, `"nad"`, ...); its
/// TypeScript type keeps the name `Only` the npm package has always declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(rename = "Only"))]
#[serde(rename_all = "lowercase")]
pub enum Artifact {
    /// The bare cloud-init network-config.
    NetworkData,
    /// The NetworkAttachmentDefinitions.
    Nad,
    /// The KubeVirt VirtualMachine.
    Vm,
    /// The NMState NodeNetworkConfigurationPolicies.
    Nncp,
    /// The bare cloud-init userData (`#cloud-config`).
    UserData,
    /// The Secrets that carry userData.
    Secret,
}

impl Artifact {
    /// The key of this artifact in the JSON output.
    pub fn json_key(self) -> &'static str {
        match self {
            Artifact::NetworkData => "networkData",
            Artifact::Nad => "networkAttachmentDefinitions",
            Artifact::Vm => "virtualMachine",
            Artifact::Nncp => "nodeNetworkConfigurationPolicies",
            Artifact::UserData => "userData",
            Artifact::Secret => "secret",
        }
    }
}

/// The manifests as one YAML stream, ready for `kubectl apply -f -`: for each Wukong its
/// userData Secret, its NADs, its VirtualMachine, then its NMState policies, so every object the
/// VM names exists before it. With `only = NetworkData`, the bare network-config documents
/// instead; with `only = UserData`, the bare userData texts, with no leading `---` (cloud-init
/// takes a file as cloud-config only when it starts with `#cloud-config`).
pub fn manifests_yaml(manifests: &[Manifests], only: Option<Artifact>) -> String {
    if only == Some(Artifact::UserData) {
        let texts: Vec<&str> = manifests.iter().map(|m| m.user_data.as_str()).collect();
        // Each is a whole document written by the serializer.
        return texts.join("---\n");
    }
    if only == Some(Artifact::NetworkData) {
        let mut out = String::new();
        for m in manifests {
            // Each is a whole document written by the serializer.
            out.push_str("---\n");
            out.push_str(&m.network_data);
        }
        return out;
    }
    let wants = |a: Artifact| only.is_none() || only == Some(a);
    let mut docs: Vec<serde_json::Value> = Vec::new();
    for m in manifests {
        if wants(Artifact::Secret) {
            docs.extend(m.secret.iter().map(value));
        }
        if wants(Artifact::Nad) {
            docs.extend(m.network_attachment_definitions.iter().map(value));
        }
        if wants(Artifact::Vm) {
            docs.push(value(&m.virtual_machine));
        }
        if wants(Artifact::Nncp) {
            docs.extend(m.node_network_configuration_policies.iter().map(value));
        }
    }
    emit::to_yaml_stream(&docs)
}

/// The JSON output: per Wukong `{"networkData", "userData", "secret",
/// "networkAttachmentDefinitions", "virtualMachine", "nodeNetworkConfigurationPolicies"}` (or
/// only one of them; `secret` is null when the userData is inline), with the
/// input's diagnostics in the first object. One Wukong (the common case) gives one object;
/// several give an array; none gives one object with null outputs and the diagnostics.
pub fn report_json(report: &Report, only: Option<Artifact>) -> serde_json::Value {
    use serde_json::{json, Value};
    let mut objects: Vec<Value> = if report.manifests.is_empty() {
        vec![json!({
            "networkData": null,
            "userData": null,
            "secret": null,
            "networkAttachmentDefinitions": [],
            "virtualMachine": null,
            "nodeNetworkConfigurationPolicies": [],
        })]
    } else {
        report.manifests.iter().map(value).collect()
    };
    for o in &mut objects {
        if let (Some(a), Value::Object(m)) = (only, &mut *o) {
            m.retain(|k, _| k == a.json_key());
        }
    }
    if let Some(Value::Object(first)) = objects.first_mut() {
        first.insert("diagnostics".into(), value(&report.diagnostics));
    }
    if objects.len() == 1 {
        objects.swap_remove(0)
    } else {
        Value::Array(objects)
    }
}

fn value<T: Serialize>(v: &T) -> serde_json::Value {
    // Our output types are plain data; they always convert.
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

//! The pipeline every shell runs: text -> documents -> Wukongs -> checks -> manifests.

use crate::checks::check_wukong;
use crate::diagnostic::{has_errors, Diagnostic};
use crate::emit;
use crate::kubevirt::{self, VirtualMachine};
use crate::load::{load, Loaded};
use crate::model::Wukong;
use crate::nad::{self, NetworkAttachmentDefinition};
use crate::netplan::{self, NetworkData};
use crate::nic::nics;
use crate::nmstate::{self, NodeNetworkConfigurationPolicy};
use crate::source;
use serde::Serialize;

/// Everything generated for one Wukong.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifests {
    /// The cloud-init network-config, as YAML text (what `networkData` carries).
    pub network_data: String,
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
}

impl Report {
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }
}

/// Parses and checks; renders nothing.
pub fn check(text: &str) -> Report {
    let stream = source::parse(text);
    let mut report = Report { diagnostics: stream.diagnostics, ..Report::default() };
    for doc in &stream.documents {
        let mut found = Vec::new();
        if let Loaded::Wukong(w) = load(doc, &mut found) {
            found.extend(check_wukong(&w));
            report.wukongs.push(*w);
        }
        doc.spans.locate_all(&mut found);
        report.diagnostics.extend(found);
    }
    report.diagnostics.sort_by_key(|d| (d.span.start, d.line, d.column));
    report
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
        Err(d) => Report { diagnostics: vec![d], ..Report::default() },
    }
}

/// Like [`render`], for raw bytes that may not be UTF-8.
pub fn render_bytes(bytes: &[u8]) -> Report {
    match source::decode(bytes) {
        Ok(text) => render(text),
        Err(d) => Report { diagnostics: vec![d], ..Report::default() },
    }
}

/// Renders one checked Wukong.
pub fn render_wukong(w: &Wukong) -> Manifests {
    let nics = nics(w);
    let data: NetworkData = netplan::network_data(&nics);
    let network_data = emit::to_yaml(&data);
    Manifests {
        network_attachment_definitions: nad::nads(w),
        virtual_machine: kubevirt::virtual_machine(w, &nics, network_data.clone()),
        node_network_configuration_policies: nmstate::policies(w),
        network_data,
    }
}

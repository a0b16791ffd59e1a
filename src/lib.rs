//! wukong-net: a `Wukong` VM spec (`vm.novasphere.dev/v1alpha1`) to the cloud-init
//! network-config of the guest, the Multus NetworkAttachmentDefinitions and NMState bridge
//! policies of the node, and the KubeVirt VirtualMachine wiring, with located diagnostics.
//!
//! The library does no I/O: text in, data out. The CLI, the Kubewarden policy and the JS
//! binding are thin shells over [`check`] and [`render`].
//!
//! ```
//! let report = wukong_net::render("
//! apiVersion: vm.novasphere.dev/v1alpha1
//! kind: Wukong
//! metadata: {name: vm1, namespace: lab}
//! spec:
//!   networks:
//!   - name: external
//!     bridgeName: br-external
//!     physicalInterface: ens192
//!     ipConfig: {mode: dhcp}
//! ");
//! assert!(!report.has_errors());
//! assert!(report.manifests[0].network_data.contains("dhcp4: true"));
//! ```

// Input must never crash a shell: no unwrap, expect or panic outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// A Diagnostic is the error of every fallible step; it is returned once per input, so its size
// (about 150 bytes) costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod admission;
pub mod cdi;
pub mod checks;
pub mod cloud_init;
pub mod diagnostic;
pub mod disks;
pub mod emit;
pub mod fix;
pub mod image_ref;
pub mod json_path;
pub mod json_type;
pub mod k8s;
pub mod kubevirt;
pub mod kubevirt_schema;
pub mod limits;
pub mod load;
pub mod mac;
pub mod manifest;
pub mod model;
pub mod nad;
pub mod names;
pub mod netplan;
pub mod network_config;
pub mod nic;
pub mod nmstate;
pub mod os_image;
pub mod quantity;
pub mod render;
pub mod secret;
pub mod source;
pub mod suggest;
pub mod topology;

#[cfg(feature = "schema")]
pub mod crd;

pub use diagnostic::{has_errors, render_human, Code, Diagnostic, Severity};
pub use render::{check, check_bytes, render, render_bytes, Manifests, Report};

/// The version of this build, as `wukong-net --version` prints it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

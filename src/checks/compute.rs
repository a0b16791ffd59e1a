//! What the VM runs on: its memory and the GPUs passed through to it.

use super::is_qualified_name;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Wukong;
use crate::quantity;
use std::collections::HashMap;

pub fn check(w: &Wukong, out: &mut Vec<Diagnostic>) {
    if let Some(m) = w.spec.memory.as_deref() {
        if let Some(d) = quantity_problem(m, "spec.memory", "memory") {
            out.push(d);
        }
    }
    gpus(w, out);
}

/// The diagnostic for a size or amount that is not a positive Kubernetes quantity (`what`
/// names it in the message), or None. Shared with the disks' sizes.
pub(super) fn quantity_problem(text: &str, path: &str, what: &str) -> Option<Diagnostic> {
    let message = match quantity::parse(text) {
        Err(e) => format!(
            "{what} `{}` is not a Kubernetes quantity: {e}",
            text.escape_debug()
        ),
        Ok(q) if q.negative && !q.zero => format!("{what} `{}` is negative", text.escape_debug()),
        Ok(q) if q.zero => format!("{what} `{}` is zero", text.escape_debug()),
        Ok(_) => return None,
    };
    Some(
        Diagnostic::new(Code::InvalidQuantity, path, message).with_hint(
            "write a positive number with a binary unit such as `8Gi`, `512Mi` (powers of 1024) or a decimal one such as `500G` (powers of 1000); units are case-sensitive: `k`, not `K`",
        ),
    )
}

/// Whether `s` is a name a device plugin can register: an extended resource name, that is a
/// qualified name with a domain other than kubernetes.io that stays a qualified name with
/// `requests.` in front (Kubernetes' `IsExtendedResourceName`). The kubelet refuses a device
/// plugin with any other name, so a VM asking for one never schedules.
pub fn is_device_resource_name(s: &str) -> bool {
    let Some((domain, _)) = s.split_once('/') else {
        return false;
    };
    is_qualified_name(s)
        && domain != "kubernetes.io"
        && !domain.ends_with(".kubernetes.io")
        && is_qualified_name(&format!("requests.{s}"))
}

fn gpus(w: &Wukong, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, gpu) in w.spec.gpus.iter().enumerate() {
        let base = format!("spec.gpus[{i}]");
        if !is_device_resource_name(&gpu.device_name) {
            out.push(
                Diagnostic::new(
                    Code::InvalidGpuDeviceName,
                    format!("{base}.deviceName"),
                    format!(
                        "GPU device `{}` is not a device plugin resource name (`vendor-domain/name`)",
                        gpu.device_name.escape_debug()
                    ),
                )
                .with_hint("write the resource name the GPU's device plugin advertises and KubeVirt's permittedHostDevices lists, e.g. `nvidia.com/TU104GL_Tesla_T4` or `nvidia.com/gpu` (see `kubectl describe node`, Allocatable)"),
            );
        }
        if let Some(first) = seen.insert(&gpu.name, i) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateGpuName,
                    format!("{base}.name"),
                    format!(
                        "GPU name `{}` is already used by spec.gpus[{first}]",
                        gpu.name.escape_debug()
                    ),
                )
                .with_hint(
                    "give each GPU its own name (gpu0, gpu1, ...): it names the device in the VM",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_device_resource_name;
    use crate::checks::testing::*;
    use crate::diagnostic::Code;

    #[test]
    fn memory_must_be_a_positive_quantity() {
        for bad in ["4K", "4 Gi", "4GB", "-1Gi", "0", "0.0Mi", "e5"] {
            let y = with_spec(&format!("  memory: \"{bad}\"\n"));
            expect(&y, Code::InvalidQuantity, "spec.memory", 9);
        }
        for good in ["4Gi", "4G", "1.5Gi", "536870912", "1Ei", "4096Mi"] {
            clean_of(
                &with_spec(&format!("  memory: \"{good}\"\n")),
                Code::InvalidQuantity,
            );
        }
    }

    #[test]
    fn gpu_device_names() {
        let gpu = |d: &str| {
            with_spec(&format!(
                "  gpus:\n  - name: gpu0\n    deviceName: \"{d}\"\n"
            ))
        };
        for bad in [
            "gpu",
            "nvidia.com/",
            "/gpu",
            "nvidia.com/Tesla T4",
            "kubernetes.io/gpu",
            "x.kubernetes.io/gpu",
            "Nvidia_com/gpu",
            "a/b/c",
            "",
        ] {
            expect(
                &gpu(bad),
                Code::InvalidGpuDeviceName,
                "spec.gpus[0].deviceName",
                11,
            );
        }
        for good in [
            "nvidia.com/gpu",
            "nvidia.com/TU104GL_Tesla_T4",
            "amd.com/gpu",
            "intel.com/i915",
        ] {
            clean_of(&gpu(good), Code::InvalidGpuDeviceName);
        }
        // `requests.<domain>` must stay within a subdomain's 253 characters.
        let long_domain = format!("{}.com", vec!["a".repeat(60); 4].join("."));
        assert!(long_domain.len() <= 253 && long_domain.len() + 9 > 253);
        assert!(!is_device_resource_name(&format!("{long_domain}/gpu")));
    }

    #[test]
    fn gpu_names_are_unique() {
        let y = with_spec("  gpus:\n  - name: gpu0\n    deviceName: nvidia.com/gpu\n  - name: gpu0\n    deviceName: nvidia.com/gpu\n");
        expect(&y, Code::DuplicateGpuName, "spec.gpus[1].name", 12);
        clean_of(
            &with_spec("  gpus:\n  - name: gpu0\n    deviceName: nvidia.com/gpu\n  - name: gpu1\n    deviceName: nvidia.com/gpu\n"),
            Code::DuplicateGpuName,
        );
    }
}

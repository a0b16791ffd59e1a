//! The VM's disks: which one boots and where each comes from. A `disks[]` entry with
//! `boot: true` boots, imported by a `dataVolumeTemplates` entry (its `image`, else `osImage`,
//! else blank); without one, `osImage` boots as an ephemeral containerDisk. Other disks are
//! DataVolumes too (their `image`, else blank). The rendering decisions are also diagnostics
//! ([`notes`]), so `check` and the policy report what `render` will do.

use crate::cdi::{self, DataVolumeSource, DataVolumeTemplate};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{DiskConfig, Wukong};
use crate::names;
use crate::os_image::{self, OsImage, Scheme};

/// The volume (and disk) name of an `osImage` containerDisk.
pub const CONTAINER_DISK: &str = "containerdisk";

/// Where a VM disk's volume comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeSource {
    /// `containerDisk.image`: a registry reference, no scheme.
    ContainerDisk(String),
    /// `dataVolume.name`: a `dataVolumeTemplates` entry.
    DataVolume(String),
}

/// One disk of the VM, in the order the VM lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDisk {
    pub name: String,
    pub boot_order: Option<i64>,
    pub source: VolumeSource,
}

/// The disks and the DataVolume templates behind them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiskPlan {
    pub disks: Vec<PlannedDisk>,
    pub templates: Vec<DataVolumeTemplate>,
}

fn is_boot(d: &DiskConfig) -> bool {
    d.boot == Some(true)
}

/// A CDI source for an image string: `http(s)://` as an http source, everything else a
/// registry URL with its scheme kept (`docker://` added to a bare reference).
fn image_source(image: &str) -> DataVolumeSource {
    match os_image::split_scheme(image).0 {
        Scheme::Http | Scheme::Https => DataVolumeSource::http(image.to_string()),
        _ => DataVolumeSource::registry(os_image::registry_url(image)),
    }
}

/// The source of the `osImage` imported into a boot disk that names no image of its own.
fn os_image_source(os_image: &str) -> DataVolumeSource {
    match os_image::resolve(os_image) {
        OsImage::NotARegistryImage => image_source(os_image),
        resolved => match resolved.registry_reference() {
            Some(r) => DataVolumeSource::registry(format!("docker://{r}")),
            None => image_source(os_image),
        },
    }
}

fn os_image(w: &Wukong) -> Option<&str> {
    w.spec.os_image.as_deref().filter(|s| !s.is_empty())
}

/// The VM's disks: the boot disks first (bootOrder 1, 2, ... in spec order), then the other
/// `disks[]` entries in spec order; the cloud-init disk is not included.
pub fn plan(w: &Wukong) -> DiskPlan {
    let owner = w.metadata.name.as_deref().unwrap_or("");
    let mut out = DiskPlan::default();
    let boots = w.spec.disks.iter().filter(|d| is_boot(d));
    let others = w.spec.disks.iter().filter(|d| !is_boot(d));
    let mut order = 0;
    for d in boots.chain(others) {
        let source = match (d.image.as_deref().filter(|s| !s.is_empty()), is_boot(d)) {
            (Some(image), _) => image_source(image),
            (None, true) => os_image(w).map_or_else(DataVolumeSource::blank, os_image_source),
            (None, false) => DataVolumeSource::blank(),
        };
        let dv = names::data_volume(owner, &d.name);
        out.templates.push(cdi::data_volume_template(
            dv.clone(),
            &d.size,
            &d.storage_class_name,
            source,
        ));
        let boot_order = is_boot(d).then(|| {
            order += 1;
            order
        });
        out.disks.push(PlannedDisk {
            name: d.name.clone(),
            boot_order,
            source: VolumeSource::DataVolume(dv),
        });
    }
    if order == 0 {
        if let Some(reference) = os_image(w)
            .map(os_image::resolve)
            .and_then(|r| r.registry_reference().map(str::to_string))
        {
            out.disks.insert(
                0,
                PlannedDisk {
                    name: CONTAINER_DISK.to_string(),
                    boot_order: Some(1),
                    source: VolumeSource::ContainerDisk(reference),
                },
            );
        }
    }
    out
}

/// The boot-disk decisions as diagnostics: no operating system disk, an `osImage` that is not
/// used or cannot be a containerDisk, an `osImage` the containerdisks project does not publish.
pub fn notes(w: &Wukong, out: &mut Vec<Diagnostic>) {
    let boot = w.spec.disks.iter().find(|d| is_boot(d));
    let os = os_image(w);
    match (boot, os) {
        (Some(d), Some(_)) if d.image.as_deref().is_some_and(|s| !s.is_empty()) => out.push(
            Diagnostic::new(
                Code::OsImageUnused,
                "spec.osImage",
                format!(
                    "osImage is not used: the boot disk `{}` is imported from its own image",
                    d.name.escape_debug()
                ),
            )
            .with_hint(
                "remove `osImage`, or remove the boot disk's `image` to import osImage into it",
            ),
        ),
        (_, Some(image)) => {
            let resolved = os_image::resolve(image);
            match &resolved {
                OsImage::NotARegistryImage if boot.is_none() => out.push(
                    Diagnostic::new(
                        Code::NotRendered,
                        "spec.osImage",
                        format!(
                            "osImage `{}` is not a registry image, so it cannot boot as a containerDisk; it is not rendered",
                            image.escape_debug()
                        ),
                    )
                    .with_hint("import it into a disk: add a `disks[]` entry with `boot: true`, a size and `image` set to this URL"),
                ),
                OsImage::Unknown(r) => out.push(
                    Diagnostic::new(
                        Code::UnknownOsImage,
                        "spec.osImage",
                        format!(
                            "`{}` is not a containerdisks short name: it is used as written, and the runtime looks it up on Docker Hub, where it is not a disk image",
                            r.escape_debug()
                        ),
                    )
                    .with_hint(format!(
                        "use a short name such as `ubuntu:22.04` ({}), or a full reference such as `quay.io/containerdisks/fedora:40`",
                        short_names()
                    )),
                ),
                OsImage::ShortName {
                    disk,
                    tagged: false,
                    ..
                } if !disk.has_latest => out.push(
                    Diagnostic::new(
                        Code::UnknownOsImage,
                        "spec.osImage",
                        format!(
                            "`{}` has no tag, and the containerdisks project publishes no `latest` for it",
                            image.escape_debug()
                        ),
                    )
                    .with_hint(format!(
                        "add a version tag, e.g. `{}:{}`",
                        disk.name,
                        disk.versions.split(", ").next().unwrap_or("1")
                    )),
                ),
                _ => {}
            }
            if boot.is_none() && resolved.registry_reference().is_none() {
                no_os_disk(out);
            }
        }
        (None, None) => no_os_disk(out),
        (Some(_), None) => {}
    }
}

fn no_os_disk(out: &mut Vec<Diagnostic>) {
    out.push(
        Diagnostic::new(
            Code::NoOsDisk,
            "spec",
            "the VM has no operating system disk: no `disks[]` entry has `boot: true` and there is no osImage",
        )
        .with_hint("add `osImage: ubuntu:22.04` (a containerdisks short name), or a disk with `boot: true` and an `image`"),
    );
}

/// The containerdisks short names, for hints.
fn short_names() -> String {
    os_image::CONTAINERDISKS
        .iter()
        .filter(|d| !d.historical)
        .map(|d| d.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{clean_of, diagnose, expect, first_wukong};

    fn spec(extra: &str) -> String {
        format!(
            "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {{name: vm1, namespace: lab, uid: u1}}\nspec:\n  cpu: 1\n  memory: 1Gi\n{extra}"
        )
    }

    fn wukong(extra: &str) -> Wukong {
        first_wukong(&spec(extra))
    }

    #[test]
    fn no_boot_disk_and_no_os_image_is_a_warning() {
        expect(
            &spec("  networks: [{name: default}]\n"),
            Code::NoOsDisk,
            "spec",
            5,
        );
        clean_of(&spec("  osImage: ubuntu:22.04\n"), Code::NoOsDisk);
        assert!(plan(&wukong("")).disks.is_empty());
    }

    #[test]
    fn os_image_boots_as_a_container_disk() {
        let p = plan(&wukong("  osImage: ubuntu:22.04\n"));
        assert_eq!(
            p.disks,
            [PlannedDisk {
                name: "containerdisk".into(),
                boot_order: Some(1),
                source: VolumeSource::ContainerDisk("quay.io/containerdisks/ubuntu:22.04".into()),
            }]
        );
        assert!(p.templates.is_empty());
    }

    #[test]
    fn a_boot_disk_without_image_imports_the_os_image() {
        let p = plan(&wukong(
            "  osImage: fedora:40\n  disks:\n  - {name: data, size: 1Gi, storageClassName: ''}\n  - {name: root, size: 20Gi, storageClassName: std, boot: true}\n",
        ));
        assert_eq!(p.disks[0].name, "root", "the boot disk comes first");
        assert_eq!(p.disks[0].boot_order, Some(1));
        assert_eq!(p.disks[1].boot_order, None);
        assert_eq!(
            p.templates[0].spec.source,
            DataVolumeSource::registry("docker://quay.io/containerdisks/fedora:40".into())
        );
        assert_eq!(p.templates[0].metadata.name, "vm1-root");
        assert_eq!(p.templates[1].spec.source, DataVolumeSource::blank());
        assert_eq!(p.templates[1].spec.storage.storage_class_name, None);
        clean_of(&spec("  osImage: fedora:40\n  disks:\n  - {name: root, size: 20Gi, storageClassName: std, boot: true}\n"), Code::OsImageUnused);
    }

    #[test]
    fn an_http_image_is_an_http_source_and_registry_keeps_its_scheme() {
        let p = plan(&wukong(
            "  disks:\n  - {name: root, size: 20Gi, storageClassName: std, boot: true, image: 'https://h/d.qcow2'}\n  - {name: b, size: 1Gi, storageClassName: std, image: 'docker://quay.io/x/y:1'}\n  - {name: c, size: 1Gi, storageClassName: std, image: 'quay.io/x/y:1'}\n",
        ));
        assert_eq!(
            p.templates[0].spec.source,
            DataVolumeSource::http("https://h/d.qcow2".into())
        );
        assert_eq!(
            p.templates[1].spec.source,
            DataVolumeSource::registry("docker://quay.io/x/y:1".into())
        );
        assert_eq!(
            p.templates[2].spec.source,
            DataVolumeSource::registry("docker://quay.io/x/y:1".into())
        );
    }

    #[test]
    fn several_boot_disks_get_distinct_boot_orders() {
        let p = plan(&wukong(
            "  disks:\n  - {name: a, size: 1Gi, storageClassName: s, boot: true}\n  - {name: b, size: 1Gi, storageClassName: s, boot: true}\n",
        ));
        let orders: Vec<Option<i64>> = p.disks.iter().map(|d| d.boot_order).collect();
        assert_eq!(orders, [Some(1), Some(2)]);
    }

    #[test]
    fn os_image_unused_beside_a_boot_disk_with_an_image() {
        expect(
            &spec("  osImage: ubuntu:22.04\n  disks:\n  - {name: root, size: 20Gi, storageClassName: std, boot: true, image: quay.io/x/y:1}\n"),
            Code::OsImageUnused,
            "spec.osImage",
            7,
        );
    }

    #[test]
    fn unknown_os_images() {
        expect(
            &spec("  osImage: windows:11\n"),
            Code::UnknownOsImage,
            "spec.osImage",
            7,
        );
        // No tag, and ubuntu publishes no latest; fedora does.
        expect(
            &spec("  osImage: ubuntu\n"),
            Code::UnknownOsImage,
            "spec.osImage",
            7,
        );
        clean_of(&spec("  osImage: fedora\n"), Code::UnknownOsImage);
        clean_of(
            &spec("  osImage: quay.io/me/disk:1\n"),
            Code::UnknownOsImage,
        );
        // An unknown image still boots (verbatim): no no-os-disk.
        clean_of(&spec("  osImage: windows:11\n"), Code::NoOsDisk);
    }

    #[test]
    fn a_url_os_image_without_a_boot_disk_is_not_rendered() {
        let text = spec("  osImage: https://h/d.qcow2\n");
        expect(&text, Code::NotRendered, "spec.osImage", 7);
        let codes: Vec<Code> = diagnose(&text).iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::NoOsDisk), "{codes:?}");
        assert!(plan(&wukong("  osImage: https://h/d.qcow2\n"))
            .disks
            .is_empty());
    }
}

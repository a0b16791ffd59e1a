//! Disks and the OS image: names, sizes, image sources and the boot disk.
//!
//! Severities keep every spec that was valid before these fields were rendered valid unless it
//! is clearly broken: a name, size or image the API server, CDI or the kubelet refuses is an
//! error (the VM or its DataVolume would never be created or never start); a spec that renders
//! a VM that runs, only not as probably meant (two boot disks, an empty boot disk), is a warning.

use super::compute::quantity_problem;
use super::is_dns1123_label;
use crate::diagnostic::{Code, Diagnostic};
use crate::image_ref::{self, Source, SourceError};
use crate::model::{DiskConfig, Wukong};
use crate::names;
use std::collections::HashMap;

/// Volume names the rendered VM uses itself: the cloud-init disk always, the containerDisk
/// when `osImage` boots the VM (no boot disk in `disks`).
pub const CLOUD_INIT_VOLUME: &str = "cloudinitdisk";
pub const CONTAINER_DISK_VOLUME: &str = "containerdisk";

fn is_boot(d: &DiskConfig) -> bool {
    d.boot == Some(true)
}

/// An optional string field, empty read as absent (as the original operator's Go code does).
fn given(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

pub fn check(w: &Wukong, out: &mut Vec<Diagnostic>) {
    let disks = &w.spec.disks;
    let os_image = given(w.spec.os_image.as_deref());
    let has_boot_disk = disks.iter().any(is_boot);
    disk_names(w, os_image.is_some() && !has_boot_disk, out);
    for (i, disk) in disks.iter().enumerate() {
        let base = format!("spec.disks[{i}]");
        if let Some(d) = quantity_problem(&disk.size, &format!("{base}.size"), "disk size") {
            out.push(d);
        }
        if let Some(image) = given(disk.image.as_deref()) {
            disk_image(image, &format!("{base}.image"), out);
        }
    }
    boot_disks(disks, os_image.is_some(), out);
    if let Some(image) = os_image {
        // A boot disk without an image is filled from osImage by CDI's registry import.
        let imported = disks
            .iter()
            .any(|d| is_boot(d) && given(d.image.as_deref()).is_none());
        os_image_source(image, imported, out);
    }
}

fn disk_names(w: &Wukong, container_disk: bool, out: &mut Vec<Diagnostic>) {
    let wukong = w
        .metadata
        .name
        .as_deref()
        .filter(|n| super::is_dns1123_subdomain(n));
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, disk) in w.spec.disks.iter().enumerate() {
        let path = format!("spec.disks[{i}].name");
        let name = disk.name.as_str();
        if !is_dns1123_label(name) {
            out.push(
                Diagnostic::new(
                    Code::InvalidDiskName,
                    path.clone(),
                    format!("disk name `{}` is not a DNS-1123 label", name.escape_debug()),
                )
                .with_hint("use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. `rootdisk`: it names the VM's disk and the DataVolume `<wukong>-<disk>`"),
            );
        } else if let Some(wukong) = wukong {
            let dv = names::data_volume(wukong, name);
            if dv.len() > 253 {
                out.push(
                    Diagnostic::new(
                        Code::DerivedNameTooLong,
                        path.clone(),
                        format!("the DataVolume name `{dv}` is longer than 253 characters"),
                    )
                    .with_hint("shorten the Wukong or the disk name"),
                );
            }
        }
        let reserved =
            name == CLOUD_INIT_VOLUME || (container_disk && name == CONTAINER_DISK_VOLUME);
        if reserved {
            out.push(
                Diagnostic::new(
                    Code::DuplicateDiskName,
                    path,
                    format!("disk name `{name}` is the name of the VM's own {name} volume"),
                )
                .with_hint("choose another name, e.g. `data`"),
            );
        } else if let Some(first) = seen.insert(name, i) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateDiskName,
                    path,
                    format!(
                        "disk name `{}` is already used by spec.disks[{first}]",
                        name.escape_debug()
                    ),
                )
                .with_hint("give each disk its own name: it names the VM's disk, its volume and its DataVolume"),
            );
        }
    }
}

fn boot_disks(disks: &[DiskConfig], has_os_image: bool, out: &mut Vec<Diagnostic>) {
    let boot: Vec<usize> = (0..disks.len()).filter(|&i| is_boot(&disks[i])).collect();
    if let Some((&first, others)) = boot.split_first() {
        for &i in others {
            out.push(
                Diagnostic::new(
                    Code::SeveralBootDisks,
                    format!("spec.disks[{i}].boot"),
                    format!(
                        "disk `{}` is marked boot, but spec.disks[{first}] already is: the VM tries them in order",
                        disks[i].name.escape_debug()
                    ),
                )
                .with_hint("mark only the disk with the operating system `boot: true`"),
            );
        }
    }
    if has_os_image {
        return;
    }
    for &i in &boot {
        if given(disks[i].image.as_deref()).is_none() {
            out.push(
                Diagnostic::new(
                    Code::EmptyBootDisk,
                    format!("spec.disks[{i}].boot"),
                    format!(
                        "boot disk `{}` has no image and there is no osImage: the VM boots from a blank disk",
                        disks[i].name.escape_debug()
                    ),
                )
                .with_hint("add `image:` (a registry image such as `docker://quay.io/containerdisks/ubuntu:22.04`, or an http(s) URL of a disk image) or set `osImage`"),
            );
        }
    }
}

/// `disks[].image`: a registry image (CDI's registry import), an OCI archive or an http(s) URL.
fn disk_image(image: &str, path: &str, out: &mut Vec<Diagnostic>) {
    match image_ref::parse_source(image) {
        Ok(Source::Registry { reference, .. })
            if reference.tag.is_some() && reference.digest.is_some() =>
        {
            out.push(tag_and_digest(image, path));
        }
        Ok(_) => {}
        Err(e) => out.push(source_error(e, image, path, true)),
    }
}

/// `osImage`: a registry image only. It boots as a containerDisk (pulled by the kubelet) or, for
/// a boot disk without an image, is imported by CDI (`imported`).
fn os_image_source(image: &str, imported: bool, out: &mut Vec<Diagnostic>) {
    let path = "spec.osImage";
    match image_ref::parse_source(image) {
        Ok(Source::Registry { reference, .. }) => {
            if imported && reference.tag.is_some() && reference.digest.is_some() {
                out.push(tag_and_digest(image, path));
            }
        }
        Ok(Source::OciArchive { .. } | Source::Http { .. }) => out.push(
            Diagnostic::new(
                Code::UnsupportedImageScheme,
                path,
                format!(
                    "osImage `{}` is not a registry image: it boots as a containerDisk, which the kubelet pulls from a registry",
                    image.escape_debug()
                ),
            )
            .with_hint("write a registry image (`quay.io/containerdisks/ubuntu:22.04`, or a short name such as `ubuntu:22.04`); to import a disk image from a URL or an archive, add a disk with `boot: true` and that `image:`"),
        ),
        Err(e) => out.push(source_error(e, image, path, false)),
    }
}

fn tag_and_digest(image: &str, path: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidImageReference,
        path,
        format!(
            "image `{}` has both a tag and a digest, which CDI's registry import refuses (\"Docker references with both a tag and digest are currently not supported\")",
            image.escape_debug()
        ),
    )
    .with_hint("keep the digest and drop the tag (`repo@sha256:...`), or keep only the tag")
}

fn source_error(e: SourceError, image: &str, path: &str, urls_allowed: bool) -> Diagnostic {
    let shown = image.escape_debug();
    match e {
        SourceError::UnsupportedScheme(scheme) => {
            let allowed = if urls_allowed {
                "`docker://`, `oci-archive://`, `http://` or `https://`"
            } else {
                "`docker://`"
            };
            Diagnostic::new(
                Code::UnsupportedImageScheme,
                path,
                format!("image `{shown}` has the scheme `{}://`, which is not rendered", scheme.escape_debug()),
            )
            .with_hint(format!("write {allowed} (lowercase), or a registry image without a scheme such as `quay.io/containerdisks/fedora:40`"))
        }
        SourceError::InvalidReference(why) => Diagnostic::new(
            Code::InvalidImageReference,
            path,
            format!("image `{shown}` is not a valid image reference: {why}"),
        )
        .with_hint("write `[registry/]repository[:tag][@sha256:digest]` in lowercase, e.g. `quay.io/containerdisks/ubuntu:22.04` or `ubuntu:22.04`"),
        SourceError::InvalidLocation(why) => Diagnostic::new(
            Code::InvalidImageReference,
            path,
            format!("image `{shown}` is not a valid location: {why}"),
        )
        .with_hint("write a full URL such as `https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img`, or `oci-archive:///path/to/disk.tar`"),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;
    use crate::diagnostic::Code;

    fn disk(name: &str, extra: &str) -> String {
        format!("  - name: {name}\n    size: 10Gi\n    storageClassName: standard\n{extra}")
    }

    fn disks(items: &[String]) -> String {
        with_spec(&format!("  memory: 2Gi\n  disks:\n{}", items.concat()))
    }

    #[test]
    fn disk_names() {
        expect(
            &disks(&[disk("Root_Disk", "")]),
            Code::InvalidDiskName,
            "spec.disks[0].name",
            11,
        );
        clean_of(&disks(&[disk("root-disk", "")]), Code::InvalidDiskName);
        let y = disks(&[disk("data", ""), disk("data", "")]);
        expect(&y, Code::DuplicateDiskName, "spec.disks[1].name", 14);
        expect(
            &disks(&[disk("cloudinitdisk", "")]),
            Code::DuplicateDiskName,
            "spec.disks[0].name",
            11,
        );
        // containerdisk is taken only when osImage boots the VM as a containerDisk.
        let os = |extra: &str| {
            with_spec(&format!(
                "  osImage: ubuntu:22.04\n  disks:\n{}",
                disk("containerdisk", extra)
            ))
        };
        expect(&os(""), Code::DuplicateDiskName, "spec.disks[0].name", 11);
        clean_of(&os("    boot: true\n"), Code::DuplicateDiskName);
        clean_of(
            &disks(&[disk("containerdisk", "")]),
            Code::DuplicateDiskName,
        );
        clean_of(
            &disks(&[disk("a", ""), disk("b", "")]),
            Code::DuplicateDiskName,
        );
    }

    #[test]
    fn derived_data_volume_name_length() {
        let long = vec!["a".repeat(60); 4].join(".");
        let y = format!("apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: {long}\nspec:\n  disks:\n{}", disk(&"d".repeat(20), ""));
        expect(&y, Code::DerivedNameTooLong, "spec.disks[0].name", 7);
        let y = format!("apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: {long}\nspec:\n  disks:\n{}", disk("d", ""));
        clean_of(&y, Code::DerivedNameTooLong);
    }

    #[test]
    fn disk_sizes() {
        let sized = |size: &str| {
            disks(&[format!(
                "  - name: data\n    size: \"{size}\"\n    storageClassName: fast\n"
            )])
        };
        for bad in ["10 Gi", "10GB", "10K", "-1Gi", "0", "ten"] {
            expect(&sized(bad), Code::InvalidQuantity, "spec.disks[0].size", 12);
        }
        for good in ["80Gi", "500G", "1.5Ti", "1e12", "1073741824"] {
            clean_of(&sized(good), Code::InvalidQuantity);
        }
    }

    #[test]
    fn disk_images() {
        let imaged = |image: &str| {
            disks(&[disk(
                "root",
                &format!("    boot: true\n    image: \"{image}\"\n"),
            )])
        };
        for good in [
            "docker.io/library/ubuntu:22.04",
            "docker://quay.io/containerdisks/fedora:40",
            "quay.io/containerdisks/ubuntu@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "oci-archive:///data/disk.tar",
            "https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img",
            "http://10.0.0.5:8080/images/rhel9.qcow2",
            "ubuntu:22.04",
        ] {
            let y = imaged(good);
            clean_of(&y, Code::InvalidImageReference);
            clean_of(&y, Code::UnsupportedImageScheme);
        }
        for bad in [
            "docker://Ubuntu:22.04",
            "quay.io/containerdisks/ubuntu:",
            "quay.io//ubuntu",
            "https://",
            "http://exa mple.com/disk.img",
            "quay.io/x/y:1@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ] {
            expect(
                &imaged(bad),
                Code::InvalidImageReference,
                "spec.disks[0].image",
                15,
            );
        }
        for bad in [
            "s3://bucket/disk.img",
            "gcs://b/d.img",
            "Docker://quay.io/x",
        ] {
            expect(
                &imaged(bad),
                Code::UnsupportedImageScheme,
                "spec.disks[0].image",
                15,
            );
        }
        // An empty image is no image.
        clean_of(&imaged(""), Code::InvalidImageReference);
    }

    #[test]
    fn os_image() {
        let os = |image: &str| with_spec(&format!("  memory: 2Gi\n  osImage: \"{image}\"\n"));
        for good in [
            "ubuntu:22.04",
            "fedora",
            "quay.io/containerdisks/centos-stream:9",
            "docker://quay.io/x/y:1",
        ] {
            let y = os(good);
            clean_of(&y, Code::InvalidImageReference);
            clean_of(&y, Code::UnsupportedImageScheme);
        }
        expect(
            &os("Ubuntu:22.04"),
            Code::InvalidImageReference,
            "spec.osImage",
            10,
        );
        expect(
            &os("ubuntu 22.04"),
            Code::InvalidImageReference,
            "spec.osImage",
            10,
        );
        expect(
            &os("https://example.com/disk.img"),
            Code::UnsupportedImageScheme,
            "spec.osImage",
            10,
        );
        expect(
            &os("oci-archive:///d.tar"),
            Code::UnsupportedImageScheme,
            "spec.osImage",
            10,
        );
        expect(
            &os("ftp://example.com/d.img"),
            Code::UnsupportedImageScheme,
            "spec.osImage",
            10,
        );
        // Tag and digest together: fine for the kubelet, refused by CDI's import of a boot disk.
        let both =
            "quay.io/x/y:1@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
        clean_of(&os(both), Code::InvalidImageReference);
        let imported = with_spec(&format!(
            "  osImage: \"{both}\"\n  disks:\n{}",
            disk("root", "    boot: true\n")
        ));
        expect(&imported, Code::InvalidImageReference, "spec.osImage", 9);
    }

    /// The CRD fixture that sets every field, and the seed, are valid: none of the codes for
    /// the VM's fields fire on them, and they have no error at all.
    #[test]
    fn every_field_fixture_and_seed_are_clean() {
        let codes = [
            Code::InvalidQuantity,
            Code::InvalidImageReference,
            Code::UnsupportedImageScheme,
            Code::InvalidDiskName,
            Code::DuplicateDiskName,
            Code::SeveralBootDisks,
            Code::EmptyBootDisk,
            Code::InvalidGpuDeviceName,
            Code::DuplicateGpuName,
            Code::InvalidSecretName,
            Code::InvalidToleration,
            Code::InvalidNodeSelector,
            Code::PasswordHashFormat,
            Code::RunStrategyConflict,
        ];
        for text in [
            include_str!("../../tests/crd_fixtures/every-field.yaml"),
            include_str!("../../tests/fixtures/seed-dhcp.yaml"),
            include_str!("../../tests/crd_fixtures/empty-and-null.yaml"),
            include_str!("../../tests/crd_fixtures/bounds.yaml"),
        ] {
            let ds = diagnose(text);
            assert!(!crate::has_errors(&ds), "{ds:#?}");
            for code in codes {
                assert!(ds.iter().all(|d| d.code != code), "{code}: {ds:#?}");
            }
        }
    }

    #[test]
    fn boot_disks() {
        let y = disks(&[
            disk("a", "    boot: true\n    image: ubuntu:22.04\n"),
            disk("b", "    boot: true\n    image: fedora\n"),
        ]);
        expect(&y, Code::SeveralBootDisks, "spec.disks[1].boot", 19);
        clean_of(
            &disks(&[
                disk("a", "    boot: true\n    image: fedora\n"),
                disk("b", "    boot: false\n"),
            ]),
            Code::SeveralBootDisks,
        );

        expect(
            &disks(&[disk("root", "    boot: true\n")]),
            Code::EmptyBootDisk,
            "spec.disks[0].boot",
            14,
        );
        expect(
            &disks(&[disk("root", "    boot: true\n    image: \"\"\n")]),
            Code::EmptyBootDisk,
            "spec.disks[0].boot",
            14,
        );
        clean_of(
            &disks(&[disk("root", "    boot: true\n    image: fedora\n")]),
            Code::EmptyBootDisk,
        );
        clean_of(&disks(&[disk("data", "")]), Code::EmptyBootDisk);
        let with_os = with_spec(&format!(
            "  osImage: ubuntu:22.04\n  disks:\n{}",
            disk("root", "    boot: true\n")
        ));
        clean_of(&with_os, Code::EmptyBootDisk);
    }
}

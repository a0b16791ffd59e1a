//! `osImage` and disk `image` strings: the KubeVirt containerdisks short names (`ubuntu:22.04`
//! -> `quay.io/containerdisks/ubuntu:22.04`) and the scheme in front of a reference
//! (`docker://`, `oci-archive://`, `http(s)://`). Only the split and the resolution live here;
//! whether a reference is well formed is checked elsewhere.

/// Where the containerdisks project publishes its images (kubevirt/containerdisks,
/// `cmd/medius/docs/docs.go`).
pub const CONTAINERDISKS_REGISTRY: &str = "quay.io/containerdisks";

/// One short name of the containerdisks project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerDisk {
    /// The repository under `quay.io/containerdisks`.
    pub name: &'static str,
    /// The versions the project builds (tags), as read at kubevirt/containerdisks 25091d7
    /// (`cmd/medius/common/registry.go`). Not enforced: the published set moves.
    pub versions: &'static str,
    /// The image's cloud-init default user: who gets the SSH key without a `cloudInitUser`.
    pub default_user: &'static str,
    /// No longer built, though older tags are still published.
    pub historical: bool,
    /// Publishes a `latest` tag (only the gathered Fedora releases do: `prepareTags` in
    /// `cmd/medius/images/push.go`), so a tagless short name still pulls.
    pub has_latest: bool,
}

/// The containerdisks table (README "containerdisks short names" prints it).
pub const CONTAINERDISKS: &[ContainerDisk] = &[
    ContainerDisk {
        name: "ubuntu",
        versions: "20.04, 22.04, 24.04, 25.04, 26.04",
        default_user: "ubuntu",
        historical: false,
        has_latest: false,
    },
    ContainerDisk {
        name: "centos-stream",
        versions: "9, 10",
        default_user: "cloud-user",
        historical: false,
        has_latest: false,
    },
    ContainerDisk {
        name: "fedora",
        versions: "each release from 38, and latest",
        default_user: "fedora",
        historical: false,
        has_latest: true,
    },
    ContainerDisk {
        name: "debian",
        versions: "11, 12, 13",
        default_user: "debian",
        historical: false,
        has_latest: false,
    },
    ContainerDisk {
        name: "almalinux",
        versions: "9, 10",
        default_user: "almalinux",
        historical: false,
        has_latest: false,
    },
    ContainerDisk {
        name: "opensuse-leap",
        versions: "15.5, 15.6, 16.0",
        default_user: "opensuse (15.x), sles (16.0)",
        historical: false,
        has_latest: false,
    },
    ContainerDisk {
        name: "opensuse-tumbleweed",
        versions: "1.0.0",
        default_user: "opensuse",
        historical: false,
        has_latest: false,
    },
    ContainerDisk {
        name: "opensuse-microos",
        versions: "16.0.0",
        default_user: "root",
        historical: false,
        has_latest: false,
    },
    ContainerDisk {
        name: "rhcos",
        versions: "4.9",
        default_user: "not recorded",
        historical: true,
        has_latest: false,
    },
    ContainerDisk {
        name: "centos",
        versions: "8.4, 7-2009",
        default_user: "not recorded",
        historical: true,
        has_latest: false,
    },
];

/// The transport in front of an image reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme<'a> {
    /// No scheme: a registry reference.
    None,
    Docker,
    OciArchive,
    Http,
    Https,
    /// Any other `<scheme>://`, named without the `://`.
    Other(&'a str),
}

/// Splits `docker://quay.io/x:1` into its scheme and the rest (`quay.io/x:1`).
pub fn split_scheme(image: &str) -> (Scheme<'_>, &str) {
    // One reading of `<scheme>://` for the checks and the renderer.
    let Some((scheme, rest)) = crate::image_ref::split_scheme(image) else {
        return (Scheme::None, image);
    };
    let s = match scheme {
        "docker" => Scheme::Docker,
        "oci-archive" => Scheme::OciArchive,
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other),
    };
    (s, rest)
}

/// What an `osImage` means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OsImage {
    /// A containerdisks short name, resolved to its full reference; `tagged` is false when the
    /// short name had no tag (none is added: most names publish no `latest`).
    ShortName {
        reference: String,
        disk: ContainerDisk,
        tagged: bool,
    },
    /// A registry reference (with a `/`), used verbatim; `docker://` is stripped.
    Reference(String),
    /// A name with no `/` that is not a containerdisks short name: the runtime would look it up
    /// on Docker Hub, where it is an ordinary container image, not a disk. Used verbatim.
    Unknown(String),
    /// A URL or archive (`http(s)://`, `oci-archive://`, other schemes): not a registry image,
    /// so it cannot be a containerDisk; it can only be imported into a DataVolume.
    NotARegistryImage,
}

impl OsImage {
    /// The registry reference (no scheme) for `containerDisk.image`, when there is one.
    pub fn registry_reference(&self) -> Option<&str> {
        match self {
            OsImage::ShortName { reference, .. }
            | OsImage::Reference(reference)
            | OsImage::Unknown(reference) => Some(reference),
            OsImage::NotARegistryImage => None,
        }
    }
}

/// Resolves an `osImage`: `ubuntu:22.04` -> `quay.io/containerdisks/ubuntu:22.04`; references
/// with a `/` (or `docker://`) verbatim.
pub fn resolve(os_image: &str) -> OsImage {
    let rest = match split_scheme(os_image) {
        (Scheme::None, rest) | (Scheme::Docker, rest) => rest,
        _ => return OsImage::NotARegistryImage,
    };
    if rest.contains('/') {
        return OsImage::Reference(rest.to_string());
    }
    let (name, tag) = match rest.split_once(':') {
        Some((n, t)) => (n, Some(t)),
        None => (rest, None),
    };
    match CONTAINERDISKS.iter().find(|d| d.name == name) {
        Some(disk) => OsImage::ShortName {
            reference: format!("{CONTAINERDISKS_REGISTRY}/{rest}"),
            disk: *disk,
            tagged: tag.is_some_and(|t| !t.is_empty()),
        },
        None => OsImage::Unknown(rest.to_string()),
    }
}

/// The CDI `registry.url` of a registry reference: the scheme kept, `docker://` added when
/// there is none (CDI refuses a URL without it).
pub fn registry_url(image: &str) -> String {
    match split_scheme(image) {
        (Scheme::None, rest) => format!("docker://{rest}"),
        _ => image.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_resolve_to_the_containerdisks_registry() {
        let r = resolve("ubuntu:22.04");
        assert_eq!(
            r.registry_reference(),
            Some("quay.io/containerdisks/ubuntu:22.04")
        );
        assert!(matches!(r, OsImage::ShortName { tagged: true, .. }));
        let r = resolve("centos-stream:9");
        assert_eq!(
            r.registry_reference(),
            Some("quay.io/containerdisks/centos-stream:9")
        );
    }

    #[test]
    fn a_short_name_without_a_tag_gets_none_added() {
        let r = resolve("fedora");
        assert_eq!(
            r.registry_reference(),
            Some("quay.io/containerdisks/fedora")
        );
        assert!(matches!(r, OsImage::ShortName { tagged: false, .. }));
    }

    #[test]
    fn full_references_are_verbatim_and_docker_is_stripped() {
        assert_eq!(
            resolve("quay.io/x/y:1"),
            OsImage::Reference("quay.io/x/y:1".into())
        );
        assert_eq!(
            resolve("docker://quay.io/x/y:1"),
            OsImage::Reference("quay.io/x/y:1".into())
        );
    }

    #[test]
    fn unknown_short_names_and_urls() {
        assert_eq!(resolve("windows:11"), OsImage::Unknown("windows:11".into()));
        assert_eq!(
            resolve("https://example.com/d.qcow2"),
            OsImage::NotARegistryImage
        );
        assert_eq!(
            resolve("oci-archive:///tmp/d.tar"),
            OsImage::NotARegistryImage
        );
    }

    #[test]
    fn registry_urls_keep_or_add_the_scheme() {
        assert_eq!(
            registry_url("docker.io/library/x:1"),
            "docker://docker.io/library/x:1"
        );
        assert_eq!(
            registry_url("docker://quay.io/x/y:1"),
            "docker://quay.io/x/y:1"
        );
        assert_eq!(registry_url("oci-archive:///a.tar"), "oci-archive:///a.tar");
    }

    #[test]
    fn schemes_split() {
        assert_eq!(split_scheme("http://h/a"), (Scheme::Http, "h/a"));
        assert_eq!(split_scheme("s3://b/k"), (Scheme::Other("s3"), "b/k"));
        assert_eq!(split_scheme("quay.io/a"), (Scheme::None, "quay.io/a"));
    }
}

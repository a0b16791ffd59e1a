//! Image references and image sources: what `disks[].image` and `osImage` may say.
//!
//! A reference follows the grammar of distribution/reference (`regexp.go` and `normalize.go` at
//! commit 0965666a6ade, 2026-04-18), as the kubelet and CDI's `docker://` transport read it
//! (`ParseNormalizedNamed`):
//!
//! ```text
//! reference        := name [ ":" tag ] [ "@" digest ]
//! name             := [domain '/'] remote-name
//! domain           := host [':' port-number]
//! host             := domain-name | '[' IPv6address ']'
//! domain-name      := domain-component ['.' domain-component]*
//! domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//! port-number      := /[0-9]+/
//! remote-name      := path-component ['/' path-component]*
//! path-component   := alpha-numeric [separator alpha-numeric]*
//! alpha-numeric    := /[a-z0-9]+/
//! separator        := /[_.]|__|[-]+/
//! tag              := /[\w][\w.-]{0,127}/
//! digest           := /[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}/
//! ```
//!
//! plus what `Parse` and `ParseNormalizedNamed` check beyond the regular expression: the path
//! (after `docker.io/library/` is put in front of a one-part name) is at most 255 characters, a
//! bare 64-hex string is refused (it would be an image ID), and the digest must be one go-digest
//! validates (`sha256:` + 64, `sha384:` + 96, `sha512:` + 128 lowercase hex digits).
//!
//! A source is a reference with an optional `docker://` (CDI's registry import; the kubelet
//! pulls the same), `oci-archive://<path>` (CDI's registry import from an OCI archive file), or an
//! `http://` / `https://` URL (CDI's http import). Short names such as `ubuntu:22.04` and `fedora`
//! are valid references; which registry they resolve to is the renderer's business.

use std::fmt;

/// A parsed reference, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference<'a> {
    /// The first part when it can be a registry host (`quay.io`, `localhost:5000`), as
    /// distribution's `Parse` splits a name. Docker's normalisation is stricter: a first part
    /// without '.', ':' or uppercase (other than `localhost`) is a Docker Hub namespace, so
    /// `team/app` is `docker.io/team/app` although `domain` is `team` here.
    pub domain: Option<&'a str>,
    /// The repository path (`containerdisks/ubuntu`).
    pub path: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Why a string is not a reference; the text completes "... because ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError(pub String);

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(why: impl Into<String>) -> Result<T, ReferenceError> {
    Err(ReferenceError(why.into()))
}

/// Parses a container image reference (no scheme) as `ParseNormalizedNamed` does.
pub fn parse(s: &str) -> Result<Reference<'_>, ReferenceError> {
    if s.is_empty() {
        return err("it is empty");
    }
    if s.len() == 64 && s.bytes().all(|c| matches!(c, b'a'..=b'f' | b'0'..=b'9')) {
        return err("a 64-digit hexadecimal string is an image ID, not a repository name");
    }
    // '@' appears nowhere in a name or a tag, so the first one starts the digest.
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    // A tag follows the last ':' when no '/' comes after it; any other ':' is a domain's port.
    let (name, tag) = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if name.is_empty() {
        return err("it has no repository name");
    }
    let (domain, path) = split_name(name)?;
    if normalized_path_len(name) > 255 {
        return err("the repository name is longer than 255 characters");
    }
    if let Some(t) = tag {
        check_tag(t)?;
    }
    if let Some(d) = digest {
        check_digest(d)?;
    }
    Ok(Reference {
        domain,
        path,
        tag,
        digest,
    })
}

/// The length of the repository path `ParseNormalizedNamed` checks against 255: its
/// `splitDockerDomain` takes the first part as the registry only when it is `localhost` or has
/// a '.', a ':' or an uppercase letter, and puts `library/` before a one-part Docker Hub path.
fn normalized_path_len(name: &str) -> usize {
    let library = "library/".len();
    match name.split_once('/') {
        None => library + name.len(),
        Some((first, rest)) => {
            let registry = first == "localhost"
                || first.contains(['.', ':'])
                || first.bytes().any(|c| c.is_ascii_uppercase());
            let hub = !registry || first == "index.docker.io" || first == "docker.io";
            let path = if registry { rest } else { name };
            path.len()
                + if hub && !path.contains('/') {
                    library
                } else {
                    0
                }
        }
    }
}

/// The name as `domain/path` or `path`: the regular expression's optional domain is greedy, so
/// the first part is the domain whenever it can be one and the rest is a path.
fn split_name(name: &str) -> Result<(Option<&str>, &str), ReferenceError> {
    if let Some((first, rest)) = name.split_once('/') {
        if is_domain_and_port(first) && is_remote_name(rest) {
            return Ok((Some(first), rest));
        }
    }
    if is_remote_name(name) {
        return Ok((None, name));
    }
    if name.bytes().any(|c| c.is_ascii_uppercase()) {
        let lower = name.to_ascii_lowercase();
        let (first, _) = name.split_once('/').unwrap_or((name, ""));
        let first_is_domain = name.contains('/') && is_domain_and_port(first);
        if is_remote_name(&lower) || first_is_domain {
            return err("the repository name must be lowercase");
        }
    }
    if name.contains("//") || name.starts_with('/') || name.ends_with('/') {
        return err("the repository name has an empty part between slashes");
    }
    err("the repository name has a character or separator a registry refuses (allowed: lowercase letters, digits, and '.', '_', '__' or '-' between them; a registry host may have a :port)")
}

fn is_remote_name(s: &str) -> bool {
    s.split('/').all(is_path_component)
}

/// `[a-z0-9]+` runs joined by `.`, `_`, `__` or any number of `-`.
fn is_path_component(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &s[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|c| c == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `host [':' port]`, host a domain name of letters, digits and inner '-', or `[IPv6]`.
fn is_domain_and_port(s: &str) -> bool {
    let (host, port) = if let Some(inner) = s.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return false;
        };
        let addr = &inner[..close];
        if addr.is_empty() || !addr.bytes().all(|c| c.is_ascii_hexdigit() || c == b':') {
            return false;
        }
        let after = &inner[close + 1..];
        match after.strip_prefix(':') {
            Some(p) => (None, Some(p)),
            None if after.is_empty() => (None, None),
            None => return false,
        }
    } else {
        match s.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(s), None),
        }
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    let host_ok = host.is_none_or(|h| h.split('.').all(is_domain_component));
    port_ok && host_ok
}

fn is_domain_component(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

fn check_tag(t: &str) -> Result<(), ReferenceError> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = t.as_bytes();
    if b.is_empty() {
        return err("the tag after ':' is empty");
    }
    if b.len() > 128 {
        return err("the tag is longer than 128 characters");
    }
    if !word(b[0]) || !b.iter().all(|&c| word(c) || c == b'.' || c == b'-') {
        return err(format!(
            "the tag `{}` may only have letters, digits, '_', '.' and '-', and not start with '.' or '-'",
            t.escape_debug()
        ));
    }
    Ok(())
}

fn check_digest(d: &str) -> Result<(), ReferenceError> {
    let Some((algorithm, hex)) = d.split_once(':') else {
        return err("the digest after '@' has no `algorithm:` (e.g. `sha256:`)");
    };
    let want = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            return err(format!(
                "the digest algorithm `{}` is not sha256, sha384 or sha512",
                algorithm.escape_debug()
            ))
        }
    };
    if hex.len() != want || !hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return err(format!(
            "a {algorithm} digest is {want} lowercase hexadecimal digits"
        ));
    }
    Ok(())
}

/// Where an image comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// A registry image: `docker://<reference>` (`scheme: true`) or a bare reference.
    Registry {
        reference: Reference<'a>,
        scheme: bool,
    },
    /// `oci-archive://<path>`: an OCI archive file CDI's importer reads.
    OciArchive { path: &'a str },
    /// An `http://` or `https://` URL CDI's http import downloads.
    Http { url: &'a str },
}

/// Why a string is not an image source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// `<scheme>://` with a scheme other than docker, oci-archive, http and https.
    UnsupportedScheme(String),
    /// A reference (bare or after `docker://`) that does not parse.
    InvalidReference(ReferenceError),
    /// An `oci-archive://` without a path, or an http(s) URL that is not one.
    InvalidLocation(String),
}

/// The registry schemes CDI's `registry` source knows (`RegistrySchemeDocker`,
/// `RegistrySchemeOci`), and the http import's.
pub const SCHEMES: &[&str] = &["docker", "oci-archive", "http", "https"];

/// Parses an image source: a reference, `docker://`, `oci-archive://` or an http(s) URL.
pub fn parse_source(s: &str) -> Result<Source<'_>, SourceError> {
    let Some((scheme, rest)) = split_scheme(s) else {
        return parse(s)
            .map(|reference| Source::Registry {
                reference,
                scheme: false,
            })
            .map_err(SourceError::InvalidReference);
    };
    match scheme {
        "docker" => parse(rest)
            .map(|reference| Source::Registry {
                reference,
                scheme: true,
            })
            .map_err(SourceError::InvalidReference),
        "oci-archive" => {
            if rest.is_empty() {
                Err(SourceError::InvalidLocation(
                    "`oci-archive://` names no archive file".into(),
                ))
            } else if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Err(SourceError::InvalidLocation(
                    "the archive path has a space or a control character".into(),
                ))
            } else {
                Ok(Source::OciArchive { path: rest })
            }
        }
        "http" | "https" => check_url(rest).map(|()| Source::Http { url: s }),
        other => Err(SourceError::UnsupportedScheme(other.to_string())),
    }
}

/// `<scheme>://...` with an RFC 3986 scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`).
pub fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let i = s.find("://")?;
    let scheme = &s[..i];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let ok = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some((scheme, &s[i + 3..]))
}

/// The part of an http(s) URL after `//`: a host (with an optional user and port), then an
/// optional path, query or fragment; no spaces or control characters anywhere.
fn check_url(rest: &str) -> Result<(), SourceError> {
    let bad = |why: &str| Err(SourceError::InvalidLocation(why.to_string()));
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("the URL has a space or a control character (write a space as %20)");
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(i) => (&host_port[..=i], host_port[i + 1..].strip_prefix(':')),
            None => return bad("the URL's IPv6 host has no closing ']'"),
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return bad("the URL has no host");
    }
    let host_ok = host.starts_with('[')
        || host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '%'));
    if !host_ok {
        return bad("the URL's host has a character no host name has");
    }
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) || p.parse::<u16>().is_err() {
            return bad("the URL's port is not a number from 0 to 65535");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX64: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    /// distribution/reference's `TestReferenceParse` (reference_test.go at 0965666a6ade):
    /// (input, valid, domain, path, tag). Its test binary registers only sha256, so its
    /// `validname@sha512:<128 f>` is refused there as unsupported; the kubelet and CDI link
    /// sha512 too (go-digest registers what the binary imports), so it is valid here.
    #[test]
    fn distribution_reference_examples() {
        let long_path = format!("{}a:tag-puts-this-over-max", "a/".repeat(127));
        let too_long = format!("domain/{}:tag", "a".repeat(256));
        let max_path = format!("example.com/{}:tag", "a".repeat(255));
        let with_digest = |r: &str| format!("{r}@sha256:{HEX64}");
        // (input, valid, domain, path, tag)
        type Case<'a> = (String, bool, Option<&'a str>, &'a str, Option<&'a str>);
        let cases: Vec<Case> = vec![
            ("test_com".into(), true, None, "test_com", None),
            ("test.com:tag".into(), true, None, "test.com", Some("tag")),
            ("test.com:5000".into(), true, None, "test.com", Some("5000")),
            (
                "test.com/repo:tag".into(),
                true,
                Some("test.com"),
                "repo",
                Some("tag"),
            ),
            (
                "test:5000/repo".into(),
                true,
                Some("test:5000"),
                "repo",
                None,
            ),
            (
                "test:5000/repo:tag".into(),
                true,
                Some("test:5000"),
                "repo",
                Some("tag"),
            ),
            (
                with_digest("test:5000/repo"),
                true,
                Some("test:5000"),
                "repo",
                None,
            ),
            (
                with_digest("test:5000/repo:tag"),
                true,
                Some("test:5000"),
                "repo",
                Some("tag"),
            ),
            ("".into(), false, None, "", None),
            (":justtag".into(), false, None, "", None),
            (format!("@sha256:{HEX64}"), false, None, "", None),
            (
                format!("repo@sha256:{}", "f".repeat(34)),
                false,
                None,
                "",
                None,
            ),
            (
                format!("validname@invaliddigest:{HEX64}"),
                false,
                None,
                "",
                None,
            ),
            ("Uppercase:tag".into(), false, None, "", None),
            (
                "test:5000/Uppercase/lowercase:tag".into(),
                false,
                None,
                "",
                None,
            ),
            (
                "lowercase:Uppercase".into(),
                true,
                None,
                "lowercase",
                Some("Uppercase"),
            ),
            (too_long, false, None, "", None),
            (
                long_path.clone(),
                true,
                Some("a"),
                &long_path[2..long_path.len() - 23],
                Some("tag-puts-this-over-max"),
            ),
            ("aa/asdf$$^/aa".into(), false, None, "", None),
            (
                "sub-dom1.foo.com/bar/baz/quux".into(),
                true,
                Some("sub-dom1.foo.com"),
                "bar/baz/quux",
                None,
            ),
            (
                "sub-dom1.foo.com/bar/baz/quux:some-long-tag".into(),
                true,
                Some("sub-dom1.foo.com"),
                "bar/baz/quux",
                Some("some-long-tag"),
            ),
            (
                "b.gcr.io/test.example.com/my-app:test.example.com".into(),
                true,
                Some("b.gcr.io"),
                "test.example.com/my-app",
                Some("test.example.com"),
            ),
            (
                "xn--n3h.com/myimage:xn--n3h.com".into(),
                true,
                Some("xn--n3h.com"),
                "myimage",
                Some("xn--n3h.com"),
            ),
            (
                with_digest("xn--7o8h.com/myimage:xn--7o8h.com"),
                true,
                Some("xn--7o8h.com"),
                "myimage",
                Some("xn--7o8h.com"),
            ),
            (
                "foo_bar.com:8080".into(),
                true,
                None,
                "foo_bar.com",
                Some("8080"),
            ),
            (
                "foo/foo_bar.com:8080".into(),
                true,
                Some("foo"),
                "foo_bar.com",
                Some("8080"),
            ),
            ("192.168.1.1".into(), true, None, "192.168.1.1", None),
            (
                "192.168.1.1:tag".into(),
                true,
                None,
                "192.168.1.1",
                Some("tag"),
            ),
            (
                "192.168.1.1:5000".into(),
                true,
                None,
                "192.168.1.1",
                Some("5000"),
            ),
            (
                "192.168.1.1/repo".into(),
                true,
                Some("192.168.1.1"),
                "repo",
                None,
            ),
            (
                "192.168.1.1:5000/repo".into(),
                true,
                Some("192.168.1.1:5000"),
                "repo",
                None,
            ),
            (
                "192.168.1.1:5000/repo:5050".into(),
                true,
                Some("192.168.1.1:5000"),
                "repo",
                Some("5050"),
            ),
            ("[2001:db8::1]".into(), false, None, "", None),
            ("[2001:db8::1]:5000".into(), false, None, "", None),
            ("[2001:db8::1]:tag".into(), false, None, "", None),
            (
                "[2001:db8::1]/repo".into(),
                true,
                Some("[2001:db8::1]"),
                "repo",
                None,
            ),
            (
                "[2001:db8:1:2:3:4:5:6]/repo:tag".into(),
                true,
                Some("[2001:db8:1:2:3:4:5:6]"),
                "repo",
                Some("tag"),
            ),
            (
                "[2001:db8::1]:5000/repo".into(),
                true,
                Some("[2001:db8::1]:5000"),
                "repo",
                None,
            ),
            (
                "[2001:db8::1]:5000/repo:tag".into(),
                true,
                Some("[2001:db8::1]:5000"),
                "repo",
                Some("tag"),
            ),
            (
                with_digest("[2001:db8::1]:5000/repo"),
                true,
                Some("[2001:db8::1]:5000"),
                "repo",
                None,
            ),
            (
                with_digest("[2001:db8::1]:5000/repo:tag"),
                true,
                Some("[2001:db8::1]:5000"),
                "repo",
                Some("tag"),
            ),
            (
                "[2001:db8::]:5000/repo".into(),
                true,
                Some("[2001:db8::]:5000"),
                "repo",
                None,
            ),
            (
                "[::1]:5000/repo".into(),
                true,
                Some("[::1]:5000"),
                "repo",
                None,
            ),
            ("[fe80::1%eth0]:5000/repo".into(), false, None, "", None),
            (
                "[fe80::1%@invalidzone]:5000/repo".into(),
                false,
                None,
                "",
                None,
            ),
            (max_path, true, Some("example.com"), "", Some("tag")),
            (
                format!("validname@sha512:{}", "f".repeat(128)),
                true,
                None,
                "validname",
                None,
            ),
        ];
        for (input, valid, domain, path, tag) in &cases {
            let got = parse(input);
            assert_eq!(got.is_ok(), *valid, "{input}: {got:?}");
            if let Ok(r) = got {
                assert_eq!(r.domain, *domain, "{input}");
                if !path.is_empty() {
                    assert_eq!(r.path, *path, "{input}");
                }
                assert_eq!(r.tag, *tag, "{input}");
            }
        }
    }

    /// What ParseNormalizedNamed adds, and the names the Wukong API's users write.
    #[test]
    fn normalized_names_and_short_names() {
        for ok in [
            "ubuntu:22.04",
            "fedora",
            "quay.io/containerdisks/ubuntu:22.04",
            "docker.io/library/ubuntu:22.04",
            "registry.example.com:5000/team/vm-images/rhel9__base:9.4-1",
            "localhost/img",
            "a--b/c",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok));
        }
        for (bad, why) in [
            ("Ubuntu:22.04", "lowercase"),
            (HEX64, "image ID"),
            ("ubuntu:", "tag after ':' is empty"),
            ("ubuntu:.x", "not start with"),
            ("quay.io//x", "empty part"),
            ("quay.io/x/", "empty part"),
            ("ubuntu 22.04", "character or separator"),
            ("a..b", "character or separator"),
            ("a___b", "character or separator"),
            ("ubuntu@sha256:abc", "64 lowercase"),
            ("ubuntu@md5:0123456789abcdef0123456789abcdef", "not sha256"),
            ("ubuntu@sha256", "no `algorithm:`"),
        ] {
            match parse(bad) {
                Ok(r) => panic!("{bad} parsed as {r:?}"),
                Err(e) => assert!(e.0.contains(why), "{bad}: {e}"),
            }
        }
        // A one-part Docker Hub name gets `library/` in front, which counts towards 255; a
        // first part that is no registry (no '.', ':', uppercase, not localhost) counts too.
        assert!(parse(&"a".repeat(247)).is_ok());
        assert!(parse(&"a".repeat(248)).is_err());
        assert!(parse(&format!("docker.io/{}", "a".repeat(248))).is_err());
        assert!(parse(&format!("quay.io/{}", "a".repeat(255))).is_ok());
        assert!(parse(&format!("team/{}", "a".repeat(250))).is_ok());
        assert!(parse(&format!("team/{}", "a".repeat(251))).is_err());
        assert!(parse(&format!("localhost/{}", "a".repeat(255))).is_ok());
        assert!(parse(&format!("x:{}", "t".repeat(128))).is_ok());
        assert!(parse(&format!("x:{}", "t".repeat(129))).is_err());
    }

    #[test]
    fn long_inputs_are_refused_in_one_pass() {
        // Every step is a scan of the text (no backtracking), so a long input costs its length.
        let parts = vec!["a"; 200_000].join("/");
        assert!(parse(&parts).is_err());
        let upper = format!("quay.io/{}", "A".repeat(400_000));
        assert!(parse(&upper).unwrap_err().0.contains("lowercase"));
        let seps = format!("x{}y", "-".repeat(400_000));
        assert!(parse(&seps).is_err());
        assert!(parse_source(&format!("https://h/{}", "p".repeat(400_000))).is_ok());
    }

    #[test]
    fn sources() {
        let src = |s| parse_source(s);
        assert!(matches!(
            src("docker://quay.io/containerdisks/fedora:40"),
            Ok(Source::Registry {
                scheme: true,
                reference: Reference {
                    domain: Some("quay.io"),
                    ..
                }
            })
        ));
        assert!(matches!(
            src("ubuntu:22.04"),
            Ok(Source::Registry { scheme: false, .. })
        ));
        assert!(matches!(
            src("oci-archive:///images/disk.tar"),
            Ok(Source::OciArchive {
                path: "/images/disk.tar"
            })
        ));
        assert!(matches!(
            src("https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img"),
            Ok(Source::Http { .. })
        ));
        assert!(matches!(
            src("http://10.0.0.5:8080/disk.qcow2?x=1"),
            Ok(Source::Http { .. })
        ));
        assert!(matches!(
            src("https://[2001:db8::1]:8443/d.img"),
            Ok(Source::Http { .. })
        ));
        assert!(matches!(
            src("https://user:pw@example.com/d.img"),
            Ok(Source::Http { .. })
        ));
        assert_eq!(
            src("s3://bucket/disk.img"),
            Err(SourceError::UnsupportedScheme("s3".into()))
        );
        assert_eq!(
            src("DOCKER://x"),
            Err(SourceError::UnsupportedScheme("DOCKER".into()))
        );
        assert!(matches!(
            src("docker://Ubuntu"),
            Err(SourceError::InvalidReference(_))
        ));
        assert!(matches!(
            src("docker://"),
            Err(SourceError::InvalidReference(_))
        ));
        assert!(matches!(
            src("oci-archive://"),
            Err(SourceError::InvalidLocation(_))
        ));
        for bad in [
            "https://",
            "https:///x",
            "http://exa mple.com/",
            "http://h:99999/",
            "http://h:x/",
            "http://a/b\nc",
            "http://[::1/x",
            "http://ex@mple!.com/",
        ] {
            assert!(
                matches!(src(bad), Err(SourceError::InvalidLocation(_))),
                "{bad}: {:?}",
                src(bad)
            );
        }
        // Without "//" it is no scheme: `docker:ubuntu` is the image `docker` tagged `ubuntu`.
        assert!(matches!(
            src("docker:ubuntu"),
            Ok(Source::Registry { scheme: false, .. })
        ));
        assert!(matches!(
            src("docker:quay.io/x"),
            Err(SourceError::InvalidReference(_))
        ));
    }
}

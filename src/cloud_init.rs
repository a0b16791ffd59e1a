//! The cloud-init userData of a Wukong: `#cloud-config` written by the serializer from
//! `cloudInitUser`, and whether it must ride in a Secret instead of the VM spec.
//!
//! The user is written as `user: {...}` plus `users: [default]`. cloud-init's
//! `ug_util.normalize_users_groups` then makes that user *the* default user, with the spec's
//! values winning over the distro's (with `users: [default, {name: X}]` the distro's defaults
//! win, `lock_passwd: true` included). The default user is the one KubeVirt's noCloud SSH keys
//! reach (README "SSH keys").

use crate::diagnostic::{Code, Diagnostic};
use crate::emit;
use crate::model::{CloudInitUser, Wukong};
use serde::Serialize;

/// What makes a userData cloud-config.
pub const HEADER: &str = "#cloud-config\n";

/// KubeVirt's VMI admission refuses inline userData longer than this ("userdata exceeds 2048
/// byte limit. Should use UserDataSecretRef for larger data").
pub const INLINE_MAX_BYTES: usize = 2048;

/// The cloud-config document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CloudConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_pwauth: Option<bool>,
}

/// cloud-init's user entry (the `users_groups.user` schema), the keys wukong-net writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub name: String,
    /// A crypt(3) hash: only ever `passwordHash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passwd: Option<String>,
    /// A plaintext `password`: only ever in the Secret's copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plain_text_passwd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sudo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shell: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    pub lock_passwd: bool,
}

/// The rendered userData and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct UserData {
    /// The whole text, header included.
    pub text: String,
    /// True when it goes into the Secret (`cloudInitNoCloud.secretRef`) rather than inline.
    pub in_secret: bool,
}

/// The plaintext password that will be rendered: `password` when there is no `passwordHash`.
fn plaintext(u: &CloudInitUser) -> Option<&str> {
    match (u.password.as_deref(), u.password_hash.as_deref()) {
        (Some(p), None) => Some(p),
        _ => None,
    }
}

/// The cloud-config of a Wukong. Without a `cloudInitUser` it is the empty map: cloud-init
/// needs userData to read the network-config at all, and a bare header is "not a YAML dict" to
/// `cloud-init schema`.
pub fn cloud_config(w: &Wukong) -> CloudConfig {
    let Some(u) = &w.spec.cloud_init_user else {
        return CloudConfig::default();
    };
    let passwd = u.password_hash.clone();
    let plain_text_passwd = plaintext(u).map(str::to_string);
    let has_password = passwd.is_some() || plain_text_passwd.is_some();
    CloudConfig {
        user: Some(User {
            name: u.name.clone(),
            passwd,
            plain_text_passwd,
            sudo: u.sudo.clone(),
            shell: u.shell.clone(),
            groups: u.groups.clone(),
            // The Wukong API documents false as the default; cloud-init's own is true.
            lock_passwd: u.lock_passwd.unwrap_or(false),
        }),
        users: vec!["default".to_string()],
        ssh_pwauth: has_password.then_some(true),
    }
}

/// The userData text and whether it goes into the Secret: it does when it holds a plaintext
/// password (never in the VM spec) or is too long for KubeVirt's inline limit.
pub fn user_data(w: &Wukong) -> UserData {
    let text = format!("{HEADER}{}", emit::to_yaml(&cloud_config(w)));
    let has_plaintext = w
        .spec
        .cloud_init_user
        .as_ref()
        .and_then(plaintext)
        .is_some();
    let in_secret = has_plaintext || text.len() > INLINE_MAX_BYTES;
    UserData { text, in_secret }
}

/// The rendering decisions about passwords and where the userData goes, as diagnostics.
pub fn notes(w: &Wukong, out: &mut Vec<Diagnostic>) {
    let Some(u) = &w.spec.cloud_init_user else {
        return;
    };
    let at = "spec.cloudInitUser";
    match (u.password.is_some(), u.password_hash.is_some()) {
        (true, true) => out.push(
            Diagnostic::new(
                Code::PasswordAndHash,
                format!("{at}.password"),
                "both password and passwordHash: the hash is used and the plaintext password is rendered nowhere",
            )
            .with_hint("remove `password`"),
        ),
        (true, false) => out.push(
            Diagnostic::new(
                Code::PlaintextPassword,
                format!("{at}.password"),
                "a plaintext password: the userData goes into a Secret (`<name>-userdata`) instead of the VM spec, and anyone who can read that Secret reads the password",
            )
            .with_hint("write `passwordHash` instead (`mkpasswd -m sha-512`), or rely on `sshKeySecret`"),
        ),
        _ => {}
    }
    let data = user_data(w);
    if data.text.len() > INLINE_MAX_BYTES {
        out.push(
            Diagnostic::new(
                Code::UserDataInSecret,
                at,
                format!(
                    "the userData is {} bytes, over KubeVirt's inline limit of {INLINE_MAX_BYTES}: it goes into a Secret",
                    data.text.len()
                ),
            )
            .with_hint("nothing to do; shorten the groups or other values to keep it inline"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wukong(user: &str) -> Wukong {
        let text = format!(
            "apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {{name: vm1, namespace: lab}}\nspec:\n  cpu: 1\n  memory: 1Gi\n{user}"
        );
        crate::checks::testing::first_wukong(&text)
    }

    #[test]
    fn without_a_user_the_userdata_is_an_empty_map() {
        let d = user_data(&wukong(""));
        assert_eq!(d.text, "#cloud-config\n{}\n");
        assert!(!d.in_secret);
    }

    #[test]
    fn the_user_is_the_default_user_and_the_hash_is_passwd() {
        let d = user_data(&wukong(
            "  cloudInitUser: {name: alice, passwordHash: \"$6$s$h\", groups: [wheel]}\n",
        ));
        assert!(!d.in_secret);
        assert_eq!(
            d.text,
            "#cloud-config\nuser:\n  name: alice\n  passwd: $6$s$h\n  groups:\n  - wheel\n  lock_passwd: false\nusers:\n- default\nssh_pwauth: true\n"
        );
    }

    #[test]
    fn a_plaintext_password_goes_to_the_secret_only() {
        let w = wukong("  cloudInitUser: {name: alice, password: changeme}\n");
        let d = user_data(&w);
        assert!(d.in_secret);
        assert!(d.text.contains("plain_text_passwd: changeme"), "{}", d.text);
        assert!(!d.text.contains("\n  passwd:"), "{}", d.text);
        let mut out = Vec::new();
        notes(&w, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, Code::PlaintextPassword);
    }

    #[test]
    fn with_both_the_hash_wins() {
        let w = wukong(
            "  cloudInitUser: {name: alice, password: changeme, passwordHash: \"$6$s$h\"}\n",
        );
        let d = user_data(&w);
        assert!(!d.in_secret);
        assert!(!d.text.contains("changeme"), "{}", d.text);
        let mut out = Vec::new();
        notes(&w, &mut out);
        assert_eq!(
            out.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::PasswordAndHash]
        );
    }

    #[test]
    fn long_userdata_moves_to_the_secret() {
        let groups: Vec<String> = (0..200).map(|i| format!("group{i}")).collect();
        let w = wukong(&format!(
            "  cloudInitUser: {{name: alice, groups: [{}]}}\n",
            groups.join(", ")
        ));
        let d = user_data(&w);
        assert!(d.text.len() > INLINE_MAX_BYTES);
        assert!(d.in_secret);
        let mut out = Vec::new();
        notes(&w, &mut out);
        assert_eq!(
            out.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::UserDataInSecret]
        );
    }
}

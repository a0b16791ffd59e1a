//! `cloudInitUser`: the password hash cloud-init writes verbatim into /etc/shadow.
//!
//! A warning, never an error: the VM boots whatever the hash says; only logging in with that
//! password fails. (A plaintext `password` and `password` together with `passwordHash` are the
//! renderer's warnings.)

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Wukong;

/// The crypt(3) method ids of libxcrypt (crypt(5)): MD5, the bcrypt variants, SHA-256,
/// SHA-512, scrypt, yescrypt, gost-yescrypt and SHA-1. cloud-init's own chpasswd check knows
/// `1 2a 2y 5 6` (`\$(1|2a|2y|5|6)(\$.+){2}`); useradd, which `passwd` goes to, takes whatever
/// the guest's libxcrypt verifies, which includes `$y$` on current distributions.
pub const CRYPT_IDS: &[&str] = &[
    "1", "2a", "2b", "2x", "2y", "5", "6", "7", "y", "gy", "sha1",
];

pub fn check(w: &Wukong, out: &mut Vec<Diagnostic>) {
    let Some(user) = &w.spec.cloud_init_user else {
        return;
    };
    if let Some(hash) = user.password_hash.as_deref() {
        if let Some(why) = hash_problem(hash) {
            out.push(
                Diagnostic::new(
                    Code::PasswordHashFormat,
                    "spec.cloudInitUser.passwordHash",
                    format!("{why}: cloud-init writes it into /etc/shadow as it is, so no password matches it"),
                )
                .with_hint("write the output of `mkpasswd --method=SHA-512` or `openssl passwd -6` (it starts with `$6$`); to give a password in clear, use `password` instead"),
            );
        }
    }
}

/// Why `hash` is not a crypt(3) hash (`$id$[params$]salt$hash` with a known id and no
/// whitespace or ':', the /etc/shadow field separator), or None when it looks like one.
pub fn hash_problem(hash: &str) -> Option<String> {
    if hash.is_empty() {
        return Some("passwordHash is empty".into());
    }
    if hash
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == ':')
    {
        return Some("passwordHash has a space, a control character or ':'".into());
    }
    let Some(rest) = hash.strip_prefix('$') else {
        return Some(if hash.contains('$') {
            "passwordHash does not start with `$`, as a crypt(3) hash does".into()
        } else {
            "passwordHash does not look like a crypt(3) hash; it looks like a password in clear"
                .into()
        });
    };
    let mut parts = rest.split('$');
    let id = parts.next().unwrap_or("");
    // crypt(5) allows parameters after the id: `$md5,rounds=5000$`, `$sha1$40000$`.
    if !CRYPT_IDS.contains(&id) {
        return Some(format!(
            "passwordHash has the crypt method `${}$`, which is not one of {}",
            id.escape_debug(),
            CRYPT_IDS
                .iter()
                .map(|i| format!("${i}$"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    let rest: Vec<&str> = parts.collect();
    // SHA-crypt's optional `rounds=N$` comes before the salt.
    let params = usize::from(
        matches!(id, "5" | "6") && rest.first().is_some_and(|p| p.starts_with("rounds=")),
    );
    if rest.len() < 2 + params || rest.iter().any(|p| p.is_empty()) {
        return Some(format!(
            "passwordHash `${id}$...` lacks its salt or its hash (`${id}$<salt>$<hash>`)"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::hash_problem;
    use crate::checks::testing::*;
    use crate::diagnostic::Code;

    fn user(hash: &str) -> String {
        with_spec(&format!(
            "  cloudInitUser:\n    name: alice\n    passwordHash: '{hash}'\n"
        ))
    }

    #[test]
    fn crypt_hashes_pass() {
        for h in [
            // mkpasswd -m sha-512 / sha-256 / yescrypt / bcrypt / md5 shapes.
            "$6$rounds=4096$salt$hash",
            "$6$jRLd3QtGU1H6d4Y5$8l0yW0hQz3s9mX0m1C2wYjvYz9bq0qj5j3hQ9X8eQ1cY8m8w3v2oJ8l1yJ3Wm6C8H9Z1x0V3t4u5v6w7x8y9z0",
            "$5$saltsalt$Gbw0F7wQ5c4Rr1fX8KpVgqk3oG5m7bQmK0p0f3m0Zr2",
            "$y$j9T$F5Jx5fExrKuJdZwB6c3bk0$2Q8Kj0x7lFhC0t0y8t6V1hWqk6F4y5m3nN3rQ1m3l2D",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",
        ] {
            assert_eq!(hash_problem(h), None, "{h}");
            clean_of(&user(h), Code::PasswordHashFormat);
        }
    }

    #[test]
    fn other_text_warns() {
        for (h, why) in [
            ("changeme", "in clear"),
            ("", "empty"),
            ("6$salt$hash", "does not start"),
            ("$9$salt$hash", "not one of"),
            ("$6$onlysalt", "lacks"),
            ("$6$$hash", "lacks"),
            ("$6$salt$", "lacks"),
            ("$6$rounds=4096$salt", "lacks"),
            ("$6$salt$ha sh", "space"),
            ("$6$salt:x$hash", "':'"),
        ] {
            let got = hash_problem(h);
            assert!(
                got.as_deref().is_some_and(|g| g.contains(why)),
                "{h}: {got:?}"
            );
            let y = user(h);
            expect(
                &y,
                Code::PasswordHashFormat,
                "spec.cloudInitUser.passwordHash",
                11,
            );
            let d = diagnose(&y)
                .into_iter()
                .find(|d| d.code == Code::PasswordHashFormat)
                .unwrap();
            assert_eq!(d.severity, crate::Severity::Warning);
        }
    }
}

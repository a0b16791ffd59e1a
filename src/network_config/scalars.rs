//! Scalar parsers shared by the rule groups (`fields`, `values`, `portability`, `backend`).

use serde_json::Value;
use std::net::IpAddr;

/// A scalar's text (YAML 1.2 value), for checks that compare settings.
pub fn bool_text(v: &Value) -> Option<String> {
    match v {
        Value::Bool(b) => Some(b.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Six (Ethernet) or twenty (InfiniBand) colon-separated hex pairs.
pub fn valid_mac(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    (parts.len() == 6 || parts.len() == 20)
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `addr` or `addr/prefix`, with the prefix in range for the family.
pub fn parse_net(text: &str) -> Option<(IpAddr, Option<u8>)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let prefix = match prefix {
        None => None,
        Some(p) => {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u8 = p.parse().ok()?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            (n <= max).then_some(n)?;
            Some(n)
        }
    };
    Some((addr, prefix))
}

//! Findings and wording shared by several rule files (NAD, VM and Wukong rules).

use super::settings::Settings;
use crate::diagnostic::{Code, Diagnostic};

pub(crate) fn not_allowed_bridge(path: &str, bridge: &str, settings: &Settings) -> Diagnostic {
    Diagnostic::new(
        Code::BridgeNotAllowed,
        path,
        format!(
            "bridge `{}` is not in the policy's allowedBridges",
            bridge.escape_debug()
        ),
    )
    .with_hint(format!(
        "use one of: {}",
        settings.allowed_bridges.join(", ")
    ))
}

pub(crate) fn static_not_allowed(path: String, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::StaticIpNotAllowed,
        path,
        format!("{what}, and the policy's allowStaticIp is false"),
    )
    .with_hint("take the address by DHCP from the network's DHCP server")
}

//! host-local IPAM: range sets, the legacy single range, and routes.

use super::super::rule_helpers::static_not_allowed;
use super::super::settings::Settings;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{join_index, join_key};
use ipnet::IpNet;
use serde_json::{Map, Value};
use std::net::IpAddr;

/// host-local: `ranges` (a list of range sets) or the legacy single range at the top of `ipam`.
pub(super) fn check_host_local(
    ipam: &Map<String, Value>,
    base: &str,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    let mut ranges: Vec<(String, &Map<String, Value>)> = Vec::new();
    match ipam.get("ranges") {
        Some(Value::Array(sets)) => {
            range_set_families(sets, &join_key(base, "ranges"), out);
            for (i, set) in sets.iter().enumerate() {
                let set_path = join_index(&join_key(base, "ranges"), i);
                match set {
                    Value::Array(items) => {
                        for (j, r) in items.iter().enumerate() {
                            let path = join_index(&set_path, j);
                            match r {
                                Value::Object(m) => ranges.push((path, m)),
                                _ => out.push(Diagnostic::new(Code::CniConfigInvalid, path, "a range must be an object with `subnet`").with_hint("write {\"subnet\": \"192.168.0.0/24\"}")),
                            }
                        }
                    }
                    _ => out.push(
                        Diagnostic::new(Code::CniConfigInvalid, set_path, "each entry of `ranges` must be a list of ranges")
                            .with_hint("write \"ranges\": [[{\"subnet\": \"192.168.0.0/24\"}]]"),
                    ),
                }
            }
        }
        Some(_) => out.push(
            Diagnostic::new(Code::CniConfigInvalid, join_key(base, "ranges"), "`ranges` must be a list of lists of ranges")
                .with_hint("write \"ranges\": [[{\"subnet\": \"192.168.0.0/24\"}]]"),
        ),
        None if ipam.contains_key("subnet") => ranges.push((base.to_string(), ipam)),
        None => out.push(
            Diagnostic::new(Code::IpamInvalidSubnet, base, "host-local IPAM without `ranges` or `subnet`: it has no addresses to hand out")
                .with_hint("add \"ranges\": [[{\"subnet\": \"192.168.0.0/24\", \"rangeStart\": ..., \"rangeEnd\": ...}]]"),
        ),
    }
    for (path, r) in ranges {
        check_range(r, &path, settings, out);
    }
    if let Some(routes) = ipam.get("routes") {
        check_routes(routes, &join_key(base, "routes"), out);
    }
}

fn check_range(r: &Map<String, Value>, base: &str, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let subnet_path = join_key(base, "subnet");
    let subnet = match r.get("subnet") {
        Some(Value::String(s)) => match s.parse::<IpNet>() {
            Ok(n) => Some(n),
            Err(_) => {
                out.push(
                    Diagnostic::new(
                        Code::IpamInvalidSubnet,
                        &subnet_path,
                        format!("subnet `{}` is not in CIDR form", s.escape_debug()),
                    )
                    .with_hint("write network/prefix, e.g. 192.168.0.0/24"),
                );
                None
            }
        },
        _ => {
            out.push(
                Diagnostic::new(
                    Code::IpamInvalidSubnet,
                    &subnet_path,
                    "a host-local range needs a `subnet` string",
                )
                .with_hint("add \"subnet\": \"192.168.0.0/24\""),
            );
            None
        }
    };
    let mut address = |key: &str| -> Option<IpAddr> {
        let v = r.get(key)?;
        let path = join_key(base, key);
        let parsed = v.as_str().and_then(|s| s.parse::<IpAddr>().ok());
        let Some(ip) = parsed else {
            out.push(
                Diagnostic::new(
                    Code::IpamInvalidAddress,
                    path,
                    format!("`{key}` must be an IP address, not {v}"),
                )
                .with_hint("write a plain address such as 192.168.0.10 (no prefix length)"),
            );
            return None;
        };
        if let Some(net) = subnet {
            if !net.contains(&ip) {
                out.push(
                    Diagnostic::new(
                        Code::IpamOutsideSubnet,
                        path,
                        format!("`{key}` {ip} is outside the subnet {net}"),
                    )
                    .with_hint(format!(
                        "use an address inside {net}, or correct the subnet"
                    )),
                );
            }
        }
        Some(ip)
    };
    let start = address("rangeStart");
    let end = address("rangeEnd");
    // A link-local IPv6 gateway is on the link whatever the subnet: host-local and the bridge
    // plugin 1.1.1 take `"gateway": "fe80::1"` in a 2001:db8::/64 range and route through it.
    let link_local_gateway = r
        .get("gateway")
        .and_then(Value::as_str)
        .and_then(|g| g.parse::<IpAddr>().ok())
        .is_some_and(is_link_local_v6);
    if !link_local_gateway {
        address("gateway");
    }
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            out.push(
                Diagnostic::new(
                    Code::IpamRangeReversed,
                    join_key(base, "rangeEnd"),
                    format!("the range ends ({e}) before it starts ({s})"),
                )
                .with_hint("swap rangeStart and rangeEnd"),
            );
        } else if s == e && !settings.allow_static_ip {
            out.push(static_not_allowed(
                join_key(base, "rangeStart"),
                "a single-address host-local range pins one static address",
            ));
        }
    }
}

fn is_link_local_v6(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80)
}

/// The family of a range's subnet, when it parses.
fn family(range: &Value) -> Option<&'static str> {
    match range.get("subnet")?.as_str()?.parse::<IpNet>().ok()? {
        IpNet::V4(_) => Some("IPv4"),
        IpNet::V6(_) => Some("IPv6"),
    }
}

/// host-local hands out one address per range set. So a dual-stack config is one set per
/// family: a set mixing families is refused by host-local ("mixed address families"), and two
/// sets of one family give the pod two addresses of it, which a pinned NIC never wants.
fn range_set_families(sets: &[Value], base: &str, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&'static str, usize)> = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        let Some(items) = set.as_array() else {
            continue;
        };
        let families: Vec<&'static str> = items.iter().filter_map(family).collect();
        let Some(&first) = families.first() else {
            continue;
        };
        if families.iter().any(|f| *f != first) {
            out.push(
                Diagnostic::new(
                    Code::IpamMixedFamilies,
                    join_index(base, i),
                    "this range set mixes IPv4 and IPv6 subnets: host-local refuses it (one address per set, of one family)",
                )
                .with_hint("put each family's ranges in a set of its own: \"ranges\": [[{IPv4 ranges}], [{IPv6 ranges}]]"),
            );
            continue;
        }
        match seen.iter().find(|(f, _)| *f == first) {
            Some((_, j)) => out.push(
                Diagnostic::new(
                    Code::IpamFamilyTwice,
                    join_index(base, i),
                    format!("a second {first} range set (the first is ranges[{j}]): host-local gives the pod one {first} address from each"),
                )
                .with_hint(format!("merge the {first} ranges into one set, so the pod gets one {first} address")),
            ),
            None => seen.push((first, i)),
        }
    }
}

fn check_routes(routes: &Value, base: &str, out: &mut Vec<Diagnostic>) {
    let Value::Array(items) = routes else {
        out.push(
            Diagnostic::new(Code::IpamInvalidRoute, base, "`routes` must be a list")
                .with_hint("write \"routes\": [{\"dst\": \"0.0.0.0/0\", \"gw\": \"192.168.0.1\"}]"),
        );
        return;
    };
    for (i, route) in items.iter().enumerate() {
        let path = join_index(base, i);
        let dst = route.get("dst").and_then(Value::as_str);
        let gw = route
            .get("gw")
            .and_then(Value::as_str)
            .and_then(|g| g.parse::<IpAddr>().ok());
        match dst.map(str::parse::<IpNet>) {
            Some(Ok(d)) => {
                if let Some(g) = gw.filter(|g| g.is_ipv4() != matches!(d, IpNet::V4(_))) {
                    out.push(
                        Diagnostic::new(
                            Code::IpamMixedFamilies,
                            join_key(&path, "gw"),
                            format!("route to {d} via {g}: the gateway is not of the destination's family"),
                        )
                        .with_hint("route IPv4 destinations (0.0.0.0/0) via an IPv4 gateway and IPv6 ones (::/0) via an IPv6 gateway"),
                    );
                }
            }
            _ => out.push(
                Diagnostic::new(
                    Code::IpamInvalidRoute,
                    join_key(&path, "dst"),
                    format!(
                        "route destination {} is not in CIDR form",
                        route
                            .get("dst")
                            .map_or("(missing)".to_string(), Value::to_string)
                    ),
                )
                .with_hint("write \"dst\": \"0.0.0.0/0\" for the default route"),
            ),
        }
        if let Some(gw) = route.get("gw") {
            if gw.as_str().is_none_or(|g| g.parse::<IpAddr>().is_err()) {
                out.push(
                    Diagnostic::new(
                        Code::IpamInvalidRoute,
                        join_key(&path, "gw"),
                        format!("route gateway {gw} is not an IP address"),
                    )
                    .with_hint("write \"gw\": \"192.168.0.1\""),
                );
            }
        }
    }
}

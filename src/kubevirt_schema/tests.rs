use super::*;
use serde_json::json;

fn findings(kind: &str, object: Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check(kind, &object, &mut out);
    out
}

fn vm(template_spec: Value) -> Value {
    json!({
        "apiVersion": "kubevirt.io/v1",
        "kind": "VirtualMachine",
        "metadata": {"name": "vm1", "labels": {"app": "x"}},
        "spec": {
            "runStrategy": "Always",
            "template": {
                "metadata": {"labels": {"kubevirt.io/vm": "vm1"}},
                "spec": template_spec,
            }
        }
    })
}

fn good_template_spec() -> Value {
    json!({
        "domain": {
            "cpu": {"cores": 2},
            "memory": {"guest": "2Gi"},
            "resources": {"requests": {"memory": "2Gi", "cpu": 1}},
            "devices": {
                "disks": [{"name": "root", "disk": {"bus": "virtio"}}],
                "interfaces": [
                    {"name": "default", "masquerade": {}},
                    {"name": "ext", "bridge": {}, "macAddress": "02:00:00:00:00:01"}
                ]
            }
        },
        "networks": [
            {"name": "default", "pod": {}},
            {"name": "ext", "multus": {"networkName": "ns/br"}}
        ],
        "volumes": [{"name": "root", "containerDisk": {"image": "quay.io/x"}}]
    })
}

fn summary(ds: &[Diagnostic]) -> Vec<(Code, Severity, String)> {
    ds.iter()
        .map(|d| (d.code, d.severity, d.path.clone()))
        .collect()
}

#[test]
fn a_valid_vm_has_no_findings() {
    assert_eq!(findings("VirtualMachine", vm(good_template_spec())), vec![]);
}

#[test]
fn kinds_are_the_four_kubevirt_kinds() {
    let kinds: Vec<_> = kinds().collect();
    assert_eq!(
        kinds,
        [
            "VirtualMachine",
            "VirtualMachineInstance",
            "VirtualMachinePool",
            "VirtualMachineInstanceReplicaSet"
        ]
    );
    assert_eq!(findings("Pod", json!({"bogus": 1})), vec![]);
}

#[test]
fn volumes_under_the_template_belong_in_its_spec() {
    let mut object = vm(good_template_spec());
    object["spec"]["template"]["volumes"] = json!([]);
    let ds = findings("VirtualMachine", object);
    assert_eq!(
        summary(&ds),
        [(
            Code::UnknownField,
            Severity::Error,
            "spec.template.volumes".to_string()
        )]
    );
    assert!(ds[0].at_key);
    assert_eq!(
        ds[0].hint.as_deref(),
        Some("`volumes` belongs inside `spec`: write it as `spec.template.spec.volumes`")
    );
}

#[test]
fn interfaces_under_domain_belong_in_devices() {
    let mut spec = good_template_spec();
    spec["domain"]["interfaces"] = json!([{"name": "default", "masquerade": {}}]);
    let ds = findings("VirtualMachine", vm(spec));
    assert_eq!(
        summary(&ds),
        [(
            Code::UnknownField,
            Severity::Error,
            "spec.template.spec.domain.interfaces".to_string()
        )]
    );
    assert_eq!(
        ds[0].hint.as_deref(),
        Some("`interfaces` belongs inside `devices`: write it as `spec.template.spec.domain.devices.interfaces`")
    );
}

#[test]
fn mac_is_mac_address() {
    let mut spec = good_template_spec();
    spec["domain"]["devices"]["interfaces"][1] =
        json!({"name": "ext", "bridge": {}, "mac": "02:00:00:00:00:01"});
    let ds = findings("VirtualMachineInstance", json!({"spec": spec}));
    assert_eq!(
        summary(&ds),
        [(
            Code::UnknownField,
            Severity::Error,
            "spec.domain.devices.interfaces[1].mac".to_string()
        )]
    );
    assert_eq!(ds[0].hint.as_deref(), Some("did you mean `macAddress`?"));
}

#[test]
fn bus_beside_disk_belongs_inside_it() {
    // `- disk:` then `bus:` at the same indentation: `disk` is null, `bus` its sibling.
    let mut spec = good_template_spec();
    spec["domain"]["devices"]["disks"][0] = json!({"disk": null, "bus": "virtio", "name": "root"});
    let ds = findings("VirtualMachine", vm(spec));
    assert_eq!(
        summary(&ds),
        [(
            Code::UnknownField,
            Severity::Error,
            "spec.template.spec.domain.devices.disks[0].bus".to_string()
        )]
    );
    assert_eq!(
        ds[0].hint.as_deref(),
        Some("`bus` belongs inside `disk`: write it as `spec.template.spec.domain.devices.disks[0].disk.bus`")
    );
}

#[test]
fn a_field_of_an_enclosing_object_says_where_it_goes() {
    let mut spec = good_template_spec();
    spec["runStrategy"] = json!("Always");
    let ds = findings("VirtualMachine", vm(spec));
    assert_eq!(ds.len(), 1, "{ds:#?}");
    assert_eq!(
        ds[0].hint.as_deref(),
        Some("`runStrategy` belongs in `spec`: write it as `spec.runStrategy`")
    );
}

#[test]
fn unknown_fields_without_a_guess_point_at_kubectl_explain() {
    let mut spec = good_template_spec();
    spec["domain"]["zzzz"] = json!(1);
    let ds = findings("VirtualMachine", vm(spec));
    assert_eq!(
        ds[0].hint.as_deref(),
        Some("remove it, or see `kubectl explain virtualmachine.spec.template.spec.domain` for the fields KubeVirt knows here")
    );
}

#[test]
fn wrong_types_are_errors_at_the_value() {
    let mut spec = good_template_spec();
    spec["domain"]["cpu"]["cores"] = json!("2");
    spec["domain"]["devices"]["interfaces"] = json!({"name": "default"});
    spec["networks"][1]["multus"]["default"] = json!("true");
    spec["domain"]["devices"]["interfaces"] = json!({"name": "default"});
    let mut object = vm(spec);
    object["spec"]["running"] = json!("yes");
    object["metadata"]["labels"]["n"] = json!(3);
    let ds = findings("VirtualMachine", object);
    let got: Vec<(String, Option<String>)> = ds
        .iter()
        .map(|d| {
            assert_eq!((d.code, d.severity), (Code::WrongType, Severity::Error));
            (d.path.clone(), d.hint.clone())
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "metadata.labels.n".to_string(),
                Some("quote it: \"3\"".to_string())
            ),
            (
                "spec.template.spec.domain.cpu.cores".to_string(),
                Some("write 2 without quotes".to_string())
            ),
            (
                "spec.template.spec.domain.devices.interfaces".to_string(),
                Some("write it as a list: start each entry with `- `".to_string())
            ),
            (
                "spec.template.spec.networks[1].multus.default".to_string(),
                Some("write true without quotes".to_string())
            ),
            (
                "spec.running".to_string(),
                Some("see `kubectl explain virtualmachine.spec.running` for what KubeVirt expects here".to_string())
            ),
        ]
    );
    assert_eq!(
        ds[1].message,
        "`spec.template.spec.domain.cpu.cores` must be an integer, not a string"
    );
}

#[test]
fn quantities_and_ports_are_integers_or_strings() {
    let mut spec = good_template_spec();
    spec["domain"]["resources"]["requests"]["memory"] = json!(1073741824);
    spec["readinessProbe"] = json!({"tcpSocket": {"port": 22}, "httpGet": {"port": "http"}});
    assert_eq!(findings("VirtualMachine", vm(spec.clone())), vec![]);
    spec["domain"]["resources"]["requests"]["memory"] = json!(true);
    spec["readinessProbe"]["tcpSocket"]["port"] = json!(22.5);
    let ds = findings("VirtualMachine", vm(spec));
    assert_eq!(
        ds.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
        [
            "spec.template.spec.domain.resources.requests.memory",
            "spec.template.spec.readinessProbe.tcpSocket.port"
        ]
    );
}

#[test]
fn nulls_are_accepted_and_empty_objects_are_closed() {
    let mut spec = good_template_spec();
    spec["domain"]["devices"]["interfaces"][0]["masquerade"] = Value::Null;
    spec["hostname"] = Value::Null;
    assert_eq!(findings("VirtualMachine", vm(spec.clone())), vec![]);
    spec["domain"]["devices"]["interfaces"][0]["masquerade"] = json!({"mode": "x"});
    let ds = findings("VirtualMachine", vm(spec));
    assert_eq!(
        summary(&ds),
        [(
            Code::UnknownField,
            Severity::Error,
            "spec.template.spec.domain.devices.interfaces[0].masquerade.mode".to_string()
        )]
    );
}

#[test]
fn embedded_metadata_and_clock_keep_unknown_keys_but_check_types() {
    let mut object = vm(good_template_spec());
    object["spec"]["template"]["metadata"]["whatever"] = json!({"a": 1});
    object["spec"]["template"]["spec"]["domain"]["clock"] = json!({"utc": {}, "other": 1});
    assert_eq!(findings("VirtualMachine", object.clone()), vec![]);
    object["spec"]["template"]["metadata"]["annotations"] = json!({"a": 1});
    object["metadata"]["whatever"] = json!(1);
    let ds = findings("VirtualMachine", object);
    assert_eq!(
        summary(&ds),
        [
            (
                Code::UnknownField,
                Severity::Error,
                "metadata.whatever".to_string()
            ),
            (
                Code::WrongType,
                Severity::Error,
                "spec.template.metadata.annotations.a".to_string()
            )
        ]
    );
}

#[test]
fn pools_and_replica_sets_check_their_templates() {
    let template = json!({"metadata": {}, "spec": {"domain": {"interfaces": []}}});
    let pool = json!({"spec": {"virtualMachineTemplate": {"spec": {"template": template}}}});
    let rs = json!({"spec": {"replicas": 2, "template": template}});
    let ds = findings("VirtualMachinePool", pool);
    assert_eq!(
        summary(&ds),
        [(
            Code::UnknownField,
            Severity::Error,
            "spec.virtualMachineTemplate.spec.template.spec.domain.interfaces".to_string()
        )]
    );
    let ds = findings("VirtualMachineInstanceReplicaSet", rs);
    assert_eq!(
        summary(&ds),
        [(
            Code::UnknownField,
            Severity::Error,
            "spec.template.spec.domain.interfaces".to_string()
        )]
    );
}

#[test]
fn keys_that_need_quoting_keep_their_path() {
    let object = json!({"spec": {"domain": {"devices": {}}, "a.b": 1}});
    let ds = findings("VirtualMachineInstance", object);
    assert_eq!(ds[0].path, "spec[\"a.b\"]");
}

#[test]
fn every_definition_reads() {
    // Every type code of the generated schema parses and every definition index exists.
    for (i, def) in generated::DEFS.iter().enumerate() {
        let tokens: Vec<&str> = def
            .split(' ')
            .filter(|t| !t.is_empty() && *t != "~")
            .collect();
        assert_eq!(tokens.len() % 2, 0, "{i}: {def}");
        for (name, ty) in Def(def).fields() {
            assert!(!name.is_empty(), "{i}");
            let mut t = ty;
            while let Ty::List(inner) | Ty::Map(inner) = t {
                t = Ty::parse(inner);
            }
            match t {
                Ty::Def(d) => assert!(d < generated::DEFS.len(), "{i}.{name}"),
                Ty::Any => assert!(
                    def.contains(&format!("{name} *")),
                    "{i}.{name}: unreadable type"
                ),
                _ => {}
            }
        }
    }
}

#[test]
fn removed_fields_say_what_replaced_them() {
    let object = json!({"spec": {
        "domain": {"devices": {"disks": [{"name": "d", "volumeName": "v", "disk": {}}]}},
        "volumes": [{"name": "v", "registryDisk": {"image": "x"}}]
    }});
    let ds = findings("VirtualMachineInstance", object);
    let hints: Vec<(&str, Option<&str>)> = ds
        .iter()
        .map(|d| (d.path.as_str(), d.hint.as_deref()))
        .collect();
    assert_eq!(
        hints,
        [
            ("spec.domain.devices.disks[0].volumeName", Some("`volumeName` was removed from disks (kubevirt.io/v1alpha2): a disk uses the volume with the same `name`")),
            ("spec.volumes[0].registryDisk", Some("`registryDisk` was renamed `containerDisk` (kubevirt.io/v1alpha3)")),
        ]
    );
}

#[test]
fn a_root_that_is_not_a_mapping_is_a_wrong_type() {
    let ds = findings("VirtualMachine", json!([1]));
    assert_eq!(
        summary(&ds),
        [(Code::WrongType, Severity::Error, String::new())]
    );
    assert_eq!(ds[0].message, "the object must be a mapping, not a list");
}

#[test]
fn many_unknown_keys_cost_linear_time_and_keep_plain_hints() {
    // 100,000 unknown keys (the node limit is 200,000) under one mapping: only the first
    // MAX_GUIDED get a searched hint, so the check stays fast.
    let domain: Map<String, Value> = (0..100_000)
        .map(|i| (format!("devicez{i}"), json!(1)))
        .collect();
    let object = json!({"spec": {"domain": domain}});
    let start = std::time::Instant::now();
    let ds = findings("VirtualMachineInstance", object);
    let took = start.elapsed();
    assert_eq!(ds.len(), 100_000);
    assert!(
        ds[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean")),
        "{:?}",
        ds[0].hint
    );
    assert!(ds[MAX_GUIDED]
        .hint
        .as_deref()
        .is_some_and(|h| h.starts_with("remove it")));
    // A coarse bound (debug build, shared machine: about 2.5 s measured): quadratic work on
    // 100,000 keys would take minutes.
    assert!(took.as_secs() < 10, "{took:?}");
}

#[test]
fn numbers_in_quotes_are_told_apart_from_text() {
    for yes in ["2", "-3", "2.5", "0"] {
        assert!(looks_numeric(yes), "{yes}");
    }
    for no in [
        "", "-", ".", "2.", ".5", "1e3", "two", "2Gi", "--1", "1.2.3",
    ] {
        assert!(!looks_numeric(no), "{no}");
    }
}

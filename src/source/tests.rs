//! Unit tests of the reader (a module under `#[cfg(test)]` in mod.rs): values, spans, limits
//! and libyaml's verdicts on the texts Kubernetes users write.

use super::*;
use crate::limits;

fn one(text: &str) -> Document {
    let s = parse(text);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(s.documents.len(), 1);
    s.documents.into_iter().next().unwrap()
}

#[test]
fn resolves_core_schema_scalars() {
    let d = one("a: 52:54:00:12:34:56\nb: on\nc: 0x1f\nd: 1.5\ne: ~\nf: '12'\ng: True\nh: 010\n");
    assert_eq!(d.value["a"], "52:54:00:12:34:56");
    assert_eq!(d.value["b"], "on");
    assert_eq!(d.value["c"], 31);
    assert_eq!(d.value["d"], 1.5);
    assert!(d.value["e"].is_null());
    assert_eq!(d.value["f"], "12");
    assert_eq!(d.value["g"], true);
    assert_eq!(d.value["h"], 10);
}

#[test]
fn records_locations_of_nested_paths() {
    let d = one("spec:\n  networks:\n  - name: x\n    ipConfig:\n      mode: dhcp\n");
    let n = d.spans.get("spec.networks[0].ipConfig.mode").unwrap();
    assert_eq!((n.value.line, n.value.column), (5, 13));
    assert_eq!((n.key.unwrap().line, n.key.unwrap().column), (5, 7));
    // A missing child falls back to its parent.
    let s = d.spans.locate("spec.networks[0].ipConfig.address", false);
    assert_eq!(s.line, 5);
}

#[test]
fn parses_json() {
    let d = one(r#"{"spec": {"networks": [{"name": "a"}]}}"#);
    assert_eq!(d.value["spec"]["networks"][0]["name"], "a");
}

#[test]
fn reports_duplicate_keys() {
    let s = parse("a: 1\nb: 2\na: 3\n");
    assert_eq!(s.diagnostics[0].code, Code::DuplicateKey);
    assert_eq!(s.diagnostics[0].line, 3);
}

#[test]
fn refuses_complex_keys() {
    for text in ["? [a, b]\n: c\n", "{? {x: 1} : 2}\n"] {
        let s = parse(text);
        assert_eq!(s.diagnostics[0].code, Code::ComplexKey, "{text}");
        assert_eq!(s.diagnostics[0].line, 1);
    }
}

#[test]
fn stops_alias_bombs() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        bomb.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let s = parse(&bomb);
    assert_eq!(s.diagnostics[0].code, Code::TooManyNodes);
}

#[test]
fn alias_expansion_has_its_own_limit() {
    // `a` is 101 nodes; n aliases of it copy 101 * n.
    let a = format!(
        "a: &a [{}]
",
        vec!["x"; 100].join(", ")
    );
    let with = |n: usize| {
        format!(
            "{a}b: [{}]
",
            vec!["*a"; n].join(", ")
        )
    };
    let inside = limits::MAX_ALIAS_NODES / 101;
    assert!(parse(&with(inside)).diagnostics.is_empty());
    let s = parse(&with(inside + 1));
    assert_eq!(
        s.diagnostics[0].code,
        Code::TooManyNodes,
        "{:?}",
        s.diagnostics
    );
    assert!(s.diagnostics[0].message.contains("aliases"));
    // Without aliases, the whole node limit is still available.
    let plain = format!("[{}]", vec!["0"; limits::MAX_NODES - 1].join(","));
    assert!(parse(&plain).diagnostics.is_empty());
}

#[test]
fn stops_deep_nesting() {
    let deep = "[".repeat(10_000);
    let s = parse(&deep);
    assert!(matches!(
        s.diagnostics[0].code,
        Code::TooDeep | Code::YamlSyntax
    ));
    let deep_ok = format!(
        "{}{}",
        "[".repeat(limits::MAX_DEPTH),
        "]".repeat(limits::MAX_DEPTH)
    );
    assert!(parse(&deep_ok).diagnostics.is_empty());
    let deep_bad = format!(
        "{}{}",
        "[".repeat(limits::MAX_DEPTH + 1),
        "]".repeat(limits::MAX_DEPTH + 1)
    );
    assert_eq!(parse(&deep_bad).diagnostics[0].code, Code::TooDeep);
}

#[test]
fn locates_syntax_errors() {
    let s = parse("a: 1\nb: [1, 2\nc: 3\n");
    assert_eq!(s.diagnostics[0].code, Code::YamlSyntax);
    assert!(s.diagnostics[0].line >= 2);
}

#[test]
fn multi_document_streams() {
    let s = parse("a: 1\n---\n# only a comment\n---\nb: 2\n");
    assert_eq!(s.documents.len(), 2);
    assert_eq!(s.documents[1].spans.get("b").unwrap().value.line, 5);
}

#[test]
fn document_limit_just_inside_and_outside() {
    let ok = "a: 1\n---\n".repeat(limits::MAX_DOCUMENTS);
    assert!(parse(&ok).diagnostics.is_empty());
    let bad = "a: 1\n---\n".repeat(limits::MAX_DOCUMENTS + 1);
    assert_eq!(parse(&bad).diagnostics[0].code, Code::TooManyDocuments);
}

#[test]
fn errors_at_the_end_of_a_text_without_a_final_newline_stay_on_its_last_line() {
    for (text, line, column) in [
        ("a: [1, 2", 1, 9),
        ("x: 1\r\né: [1, 2", 2, 9),
        ("a: [1, 2\n", 2, 1),
    ] {
        let d = &parse(text).diagnostics[0];
        assert_eq!(
            (d.code, d.line, d.column, d.span.start),
            (Code::YamlSyntax, line, column, text.len()),
            "{text:?}"
        );
    }
}

#[test]
fn not_utf8_is_located_counting_lone_cr_as_a_line_break() {
    let d = decode(b"a: 1\rb: 2\r\nc: \xff").unwrap_err();
    assert_eq!(
        (d.code, d.line, d.column, d.span.start),
        (Code::NotUtf8, 3, 4, 14)
    );
}

#[test]
fn non_ascii_offsets_are_bytes() {
    let d = one("name: \"é\"\nb: x\n");
    let n = d.spans.get("b").unwrap();
    assert_eq!(n.value.start, "name: \"é\"\nb: ".len());
    assert_eq!(n.value.column, 4);
}

#[test]
fn reads_multi_line_single_quoted_json_closed_at_the_key_indentation() {
    // The most common NAD style: the closing `}'` no deeper than `config:` (libyaml reads it).
    for close in ["  }'", "}'"] {
        let text = format!(
            "spec:\n  config: '{{\n    \"cniVersion\": \"0.3.1\",\n    \"type\": \"bridge\"\n{close}\n"
        );
        let d = one(&text);
        assert_eq!(
            d.value["spec"]["config"], r#"{ "cniVersion": "0.3.1", "type": "bridge" }"#,
            "{text}"
        );
        assert_eq!(d.spans.get("spec.config").unwrap().value.line, 2);
    }
}

#[test]
fn refuses_an_ellipsis_where_libyaml_ends_the_document() {
    let s = parse("a: 1\nb: |\n  x\n...\nmore text\n");
    let d = &s.diagnostics[0];
    // Where PyYAML's CSafeLoader says it: "did not find expected <document start>", 5:1.
    assert_eq!((d.code, d.line, d.column), (Code::YamlSyntax, 5, 1));
    assert!(
        d.message.contains("did not find expected <document start>"),
        "{}",
        d.message
    );
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("`# ...`")));
    // Without a `...` line, the same problem gets the other cause.
    let d = &parse("[1]\nb: c\n").diagnostics[0];
    assert!(d.message.contains("<document start>"), "{}", d.message);
    assert!(d
        .hint
        .as_deref()
        .is_some_and(|h| h.contains("`---`") && !h.contains("`# ...`")));
}

#[test]
fn anchors_on_keys_and_unknown_aliases() {
    let d = one("&k name: x\nother: *k\n");
    assert_eq!(d.value["other"], "name");
    let s = parse("a: *nowhere\n");
    assert_eq!(
        (s.diagnostics[0].code, s.diagnostics[0].line),
        (Code::YamlSyntax, 1)
    );
    assert!(s.diagnostics[0].message.contains("*nowhere"));
}

#[test]
fn control_characters_are_refused_where_they_stand() {
    let s = parse("a: 1\nb: x\u{1}y\n");
    let d = &s.diagnostics[0];
    assert_eq!(
        (d.code, d.line, d.column, d.span.start),
        (Code::YamlSyntax, 2, 5, 9)
    );
    assert!(d.message.contains("control characters"), "{}", d.message);
    // After a byte order mark, which takes no column (found by the fuzzer).
    let s = parse("\u{feff}a: x\u{1}y\n");
    let d = &s.diagnostics[0];
    assert_eq!((d.line, d.column, d.span.start), (1, 5, 7));
}

#[test]
fn an_empty_value_at_the_end_of_a_text_without_a_final_newline_is_on_its_last_line() {
    // libyaml puts the end of such a text on a line after it; the end of the last line is the
    // same place, and one an editor can show.
    let d = one("a: 1\nb:");
    let n = d.spans.get("b").unwrap();
    assert!(n.value.start <= 7);
    assert_eq!((n.value.line, n.value.end_line), (2, 2));
    assert_eq!(n.value.end_column, 3);
}

#[test]
fn offsets_count_a_byte_order_mark() {
    let text = "\u{feff}a: 1\nb: x\n";
    let d = one(text);
    let n = d.spans.get("b").unwrap();
    assert_eq!(&text[n.value.start..n.value.end], "x");
    assert_eq!((n.value.line, n.value.column), (2, 4));
}

#[test]
fn hostile_shapes_are_answered_without_a_panic() {
    let n = 50_000;
    let cases = [
        "{".repeat(n),
        "[".repeat(n) + &"]".repeat(n),
        "- ".repeat(n),
        "? ".repeat(n),
        "&a ".repeat(n),
        "*a ".repeat(n),
        "!t ".repeat(n),
        "'".repeat(n),
        "\"\\".repeat(n),
        format!("{}: x\n", "k".repeat(2 * n)),
        "a:\n".to_string() + &" ".repeat(n) + "b: c\n",
        "|\n".to_string() + &" \t".repeat(n),
        "%YAML 1.1\n".repeat(n / 10),
        "--- ".repeat(n),
        "...\n".repeat(n),
        "\u{feff}".repeat(n),
        "#é\r".repeat(n),
    ];
    for text in &cases {
        let s = parse(text);
        for d in &s.diagnostics {
            assert!(d.line >= 1 && d.span.end <= text.len(), "{d:?}");
        }
    }
}

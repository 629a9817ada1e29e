//! `larch inspect`: exit status and the documented JSON shape (docs/inspect-json.md).

use std::process::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

fn inspect(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_larch"))
        .arg("inspect")
        .args(args)
        .output()
        .expect("larch runs");
    let code = output.status.code().expect("exit status");
    (
        code,
        String::from_utf8(output.stdout).expect("UTF-8 output"),
    )
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let (code, out) = inspect(args);
    (
        code,
        serde_json::from_str(&out).expect("the output is one JSON document"),
    )
}

#[test]
fn an_importable_package_exits_0_with_the_documented_fields() {
    let path =
        format!("{FIXTURES}/scorm2004-3rd/golf_SequencingForcedSequential_SCORM20043rdEdition.zip");
    let (code, doc) = json(&[&path, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(doc["standard"], "scorm2004");
    assert_eq!(doc["edition"], "3rd");
    assert_eq!(doc["launchable_count"], 5);
    assert_eq!(doc["importable"], true);
    assert!(doc["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(doc["activities"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        doc["activities"][0]["children"].as_array().map(Vec::len),
        Some(5)
    );
    assert!(doc["warnings"].is_array() && doc["errors"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn a_rejected_package_exits_2_and_still_prints_json_with_errors() {
    let path = format!("{FIXTURES}/cmi5/catapult-lts-import/206-1-invalid-au-url.xml");
    let (code, doc) = json(&[&path, "--json"]);
    assert_eq!(code, 2);
    assert_eq!(doc["importable"], false);
    assert_eq!(doc["standard"], serde_json::Value::Null);
    assert_eq!(doc["errors"][0]["code"], "cmi5_invalid_url");
    assert!(doc["errors"][0]["location"]["line"].is_u64());
}

#[test]
fn the_summary_shows_standard_tree_and_warnings() {
    let (code, out) = inspect(&[&format!("{FIXTURES}/aicc/emp_aicc_complex.zip")]);
    assert_eq!(code, 0);
    assert!(out.contains("Standard:   aicc"), "{out}");
    assert!(out.contains("Intro AU [A1] -> intro.html"), "{out}");
    assert!(out.contains("[aicc_unknown_column]"), "{out}");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let (code, out) = inspect(&["/no/such/package.zip", "--json"]);
    assert_eq!((code, out.as_str()), (1, ""));
}

#[test]
fn a_usage_error_exits_1_not_2() {
    let (code, _) = inspect(&[]);
    assert_eq!(code, 1, "2 is reserved for rejected packages");
}

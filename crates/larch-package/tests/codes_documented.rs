//! Every warning and error code used in the source is documented in `docs/package-warnings.md`.

use std::path::Path;

const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const DOC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/package-warnings.md"
);

fn rust_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).expect("readable source"));
        }
    }
}

/// Codes declared as `pub const NAME: &str = "code";` or written inline in
/// `Diagnostic::new("code", …)`.
fn codes_in(source: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for line in source.lines() {
        let line = line.trim();
        let quoted = if line.starts_with("pub const ") && line.contains(": &str = \"") {
            line.split('"').nth(1)
        } else {
            line.split("Diagnostic::new(\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
        };
        if let Some(code) = quoted.filter(|c| {
            !c.is_empty()
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_' || ch.is_ascii_digit())
        }) {
            codes.push(code.to_owned());
        }
    }
    codes
}

#[test]
fn every_code_in_the_source_is_documented() {
    let mut sources = Vec::new();
    rust_files(Path::new(SOURCE), &mut sources);
    let doc = std::fs::read_to_string(DOC).expect("docs/package-warnings.md exists");
    let mut codes: Vec<String> = sources.iter().flat_map(|s| codes_in(s)).collect();
    codes.sort();
    codes.dedup();
    assert!(
        codes.len() > 50,
        "the scan found only {} codes; is it still looking in the right place?",
        codes.len()
    );
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !doc.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from docs/package-warnings.md: {missing:?}"
    );
}

#[test]
fn the_scan_sees_both_declaration_styles() {
    let sample = "pub const X: &str = \"some_code\";\nlet d = Diagnostic::new(\"inline_code\", \"m\");\npub const Y: &str = \"Not a code\";";
    assert_eq!(codes_in(sample), ["some_code", "inline_code"]);
}

//! Hostile and damaged manifests: the parser answers (a course or a rejection) and never
//! panics, whatever the bytes.

use larch_package::{MemorySource, PackageSource, Warnings};

use crate::support::{codes, load, manifest_2004, manifest_path, org, rejection, run, sco};

fn parse_bytes(manifest: &[u8]) {
    let mut source = MemorySource::new([
        ("imsmanifest.xml", manifest.to_vec()),
        ("a.html", Vec::new()),
    ]);
    let mut warnings = Warnings::default();
    let _ = larch_package::scorm::parse(&mut source, "imsmanifest.xml", &mut warnings);
}

/// Deterministic damage: truncations, deleted and duplicated spans, swapped quotes.
fn mutations(original: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let step = (original.len() / 97).max(1);
    for at in (0..original.len()).step_by(step) {
        out.push(original[..at].to_vec());
        let mut deleted = original.to_vec();
        deleted.drain(at..(at + 7).min(original.len()));
        out.push(deleted);
        let mut doubled = original.to_vec();
        let span = original[at..(at + 40).min(original.len())].to_vec();
        doubled.splice(at..at, span);
        out.push(doubled);
        let mut flipped = original.to_vec();
        flipped[at] = match flipped[at] {
            b'"' => b'\'',
            b'<' => b'>',
            b'/' => b'<',
            other => other ^ 0x20,
        };
        out.push(flipped);
    }
    out
}

#[test]
fn damaged_real_manifests_never_panic() {
    let packages = [
        "scorm2004-4th/adl-cts/LMSTestPackage_CM-07d.zip",
        "scorm2004-4th/adl-cts/LMSTestPackage_CO-03.zip",
        "scorm2004-3rd/golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip",
        "moodle/complexscorm.zip",
    ];
    for package in packages {
        let mut source = load(package);
        let path = manifest_path(&source);
        let original = source.read_descriptor(&path).expect("the manifest");
        for damaged in mutations(&original) {
            parse_bytes(&damaged);
        }
    }
}

fn nested_items(depth: usize) -> String {
    let mut items = String::new();
    for level in 0..depth {
        items.push_str(&format!(r#"<item identifier="i{level}"><title>L</title>"#));
    }
    items.push_str(r#"<item identifier="leaf" identifierref="r1"><title>Leaf</title></item>"#);
    items.push_str(&"</item>".repeat(depth));
    let ok = r#"<item identifier="ok" identifierref="r1"><title>Ok</title></item>"#;
    manifest_2004(&org(&format!("{ok}{items}")), &sco("r1", "a.html"))
}

#[test]
fn deep_item_nesting_is_cut_off_and_absurd_nesting_refused() {
    let (course, warnings) = run(&nested_items(100), &["a.html"]);
    assert_eq!(
        codes(&warnings),
        ["item_without_resource", "nesting_too_deep"]
    );
    assert_eq!(course.launchable_count(), 1);
    let hostile = nested_items(50_000);
    assert_eq!(
        rejection(hostile.as_bytes(), &["a.html"]),
        "manifest_too_deep"
    );
}

#[test]
fn a_ten_thousand_item_course_parses() {
    let items: String = (0..10_000)
        .map(|i| {
            format!(r#"<item identifier="i{i}" identifierref="r1"><title>Item {i}</title></item>"#)
        })
        .collect();
    let (course, warnings) = run(
        &manifest_2004(&org(&items), &sco("r1", "a.html")),
        &["a.html"],
    );
    assert!(warnings.as_slice().is_empty());
    assert_eq!(course.launchable_count(), 10_000);
    let tree = larch_package::scorm::sequencing_tree(&course).expect("a tree");
    assert_eq!(tree.root.children.len(), 10_000);
}

//! Reading the manifest file itself: encodings, namespaces and prefixes, DTDs, rejections,
//! version and edition detection, and warning locations.

use larch_package::{Edition, Standard};

use crate::support::{
    NS_2004, codes, manifest_12, manifest_2004, org, rejection, run, run_at, sco,
};

fn one_item() -> String {
    org(r#"<item identifier="i1" identifierref="r1"><title>A</title></item>"#)
}

#[test]
fn unplayable_packages_are_rejected_with_precise_codes() {
    assert_eq!(
        rejection(b"<manifest><oops></manifest>", &[]),
        "manifest_not_xml"
    );
    assert_eq!(rejection(b"", &[]), "manifest_not_xml");
    let xxe = br#"<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]><manifest>&x;</manifest>"#;
    assert_eq!(rejection(xxe, &[]), "manifest_dtd_refused");
    assert_eq!(
        rejection(b"<html><body/></html>", &[]),
        "manifest_root_invalid"
    );
    let manifest = manifest_2004(&one_item(), &sco("r1", "index.html"));
    assert_eq!(
        rejection(manifest.as_bytes(), &["other.html"]),
        "no_launchable_content"
    );
    let nothing = manifest_2004(&org(r#"<item identifier="i1"><title>A</title></item>"#), "");
    assert_eq!(rejection(nothing.as_bytes(), &[]), "no_launchable_content");
    assert_eq!(
        rejection(&[0xFF, 0xFE, 0x00, 0xD8], &[]),
        "manifest_not_xml"
    );
}

#[test]
fn bom_and_legacy_encodings_are_read_with_warnings() {
    let manifest = manifest_2004(&one_item(), &sco("r1", "a.html"));
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), manifest.as_bytes()].concat();
    let (result, warnings) = run_at("imsmanifest.xml", &with_bom, &["a.html"]);
    assert!(result.is_ok());
    assert_eq!(codes(&warnings), ["bom_removed"]);

    let latin1 = manifest
        .replace(
            "<?xml version=\"1.0\"?>",
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
        )
        .replace("<title>A</title>", "<title>Caf\u{e9}</title>");
    let bytes: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    let (result, warnings) = run_at("imsmanifest.xml", &bytes, &["a.html"]);
    assert_eq!(codes(&warnings), ["manifest_encoding_converted"]);
    assert_eq!(result.expect("parsed").root.children[0].title, "Café");
}

#[test]
fn namespaces_match_by_uri_whatever_the_prefix() {
    let odd_prefixes = manifest_2004(
        &org(r#"<item identifier="i1" identifierref="r1"><title>A</title><ss:sequencing><ss:controlMode flow="true"/></ss:sequencing></item>"#),
        r#"<cp:resource identifier="r1" cp:type="webcontent" ext:scormType="sco" href="a.html"/>"#,
    )
    .replace(
        NS_2004,
        &format!(r#"{NS_2004} xmlns:ss="http://www.imsglobal.org/xsd/imsss" xmlns:cp="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:ext="http://www.adlnet.org/xsd/adlcp_v1p3""#),
    );
    let (course, warnings) = run(&odd_prefixes, &["a.html"]);
    assert!(warnings.as_slice().is_empty(), "{:?}", warnings.as_slice());
    assert!(crate::support::sequencing(&course, "i1").control_mode.flow);
}

#[test]
fn manifests_without_namespaces_or_with_undeclared_prefixes_still_parse() {
    let bare = r#"<manifest identifier="m"><organizations default="o"><organization identifier="o"><title>T</title>
        <item identifier="i1" identifierref="r1"><title>A</title></item></organization></organizations>
        <resources><resource identifier="r1" type="webcontent" scormtype="sco" href="a.html"/></resources></manifest>"#;
    let (course, warnings) = run(bare, &["a.html"]);
    assert_eq!(course.standard, Standard::Scorm12);
    assert_eq!(codes(&warnings), ["schema_version_missing"]);

    let undeclared = r#"<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion></metadata>
        <organizations><organization identifier="o"><title>T</title>
        <item identifier="i1" identifierref="r1"><title>A</title><adlcp:masteryscore>70</adlcp:masteryscore></item></organization></organizations>
        <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="a.html"/></resources></manifest>"#;
    let (course, warnings) = run(undeclared, &["a.html"]);
    assert_eq!(codes(&warnings), ["namespace_undeclared"]);
    assert_eq!(
        crate::support::details(&course, "i1").mastery_score,
        Some(70.0)
    );
}

#[test]
fn unknown_elements_are_reported_only_in_scorm_namespaces() {
    let manifest = manifest_2004(
        &org(
            r#"<item identifier="i1" identifierref="r1"><title>A</title><colour>red</colour><x:note xmlns:x="urn:vendor">hi</x:note></item>"#,
        ),
        &sco("r1", "a.html"),
    );
    let (_, warnings) = run(&manifest, &["a.html"]);
    assert_eq!(codes(&warnings), ["unknown_element"]);
    let warning = &warnings.as_slice()[0];
    assert_eq!(warning.location.file.as_deref(), Some("imsmanifest.xml"));
    assert_eq!(warning.location.line, Some(4));
    assert_eq!(
        warning.location.element.as_deref(),
        Some("manifest/organizations/organization/item/colour")
    );

    let items: String = (0..3)
        .map(|i| {
            format!(
                r#"<item identifier="i{i}" identifierref="r1"><title>A</title><colour/></item>"#
            )
        })
        .collect();
    let (_, warnings) = run(
        &manifest_2004(&org(&items), &sco("r1", "a.html")),
        &["a.html"],
    );
    assert_eq!(
        warnings.as_slice().len(),
        1,
        "one warning per kind of unknown element"
    );
    assert!(warnings.as_slice()[0].message.contains("(3 times)"));
}

#[test]
fn editions_come_from_schemaversion_checked_against_the_elements() {
    let with_version = |version: &str, extra: &str| {
        let items =
            format!(r#"<item identifier="i1" identifierref="r1"><title>A</title>{extra}</item>"#);
        manifest_2004(&org(&items), &sco("r1", "a.html")).replace("2004 4th Edition", version)
    };
    let cases = [
        (
            "CAM 1.3",
            "",
            Standard::Scorm2004,
            Some(Edition::Second),
            vec![],
        ),
        (
            "2004 3rd Edition",
            "",
            Standard::Scorm2004,
            Some(Edition::Third),
            vec![],
        ),
        (
            "2004 4th Edition",
            "",
            Standard::Scorm2004,
            Some(Edition::Fourth),
            vec![],
        ),
        (
            "SCORM 2004 5th",
            "",
            Standard::Scorm2004,
            Some(Edition::Third),
            vec!["schema_version_unknown"],
        ),
        (
            "2004 3rd Edition",
            "<adlcp:data><adlcp:map targetID=\"t\"/></adlcp:data>",
            Standard::Scorm2004,
            Some(Edition::Third),
            vec!["schema_version_contradicted"],
        ),
        (
            "1.2",
            "<imsss:sequencing><imsss:controlMode flow=\"true\"/></imsss:sequencing>",
            Standard::Scorm2004,
            Some(Edition::Third),
            vec!["schema_version_contradicted"],
        ),
    ];
    for (version, extra, standard, edition, warnings_expected) in cases {
        let (course, warnings) = run(&with_version(version, extra), &["a.html"]);
        assert_eq!(
            (course.standard, course.edition),
            (standard, edition),
            "{version} {extra}"
        );
        assert_eq!(codes(&warnings), warnings_expected, "{version} {extra}");
    }
    let no_version = manifest_2004(
        &org(r#"<item identifier="i1" identifierref="r1"><title>A</title><adlcp:data><adlcp:map targetID="t"/></adlcp:data></item>"#),
        &sco("r1", "a.html"),
    )
    .replace("<schemaversion>2004 4th Edition</schemaversion>", "");
    let (course, warnings) = run(&no_version, &["a.html"]);
    assert_eq!(course.edition, Some(Edition::Fourth));
    assert_eq!(codes(&warnings), ["schema_version_missing"]);
    let declared_2004_but_12 = manifest_12(
        &one_item(),
        r#"<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="a.html"/>"#,
    )
    .replace("<schemaversion>1.2", "<schemaversion>2004 3rd Edition");
    let (course, warnings) = run(&declared_2004_but_12, &["a.html"]);
    assert_eq!(course.standard, Standard::Scorm12);
    assert_eq!(codes(&warnings), ["schema_version_contradicted"]);
}

#[test]
fn bare_ampersands_in_parameters_are_forgiven() {
    let manifest = manifest_12(
        &org(
            r#"<item identifier="i1" identifierref="r1" parameters="?a=1&b=2"><title>Q&A</title></item>"#,
        ),
        r#"<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="a.html"/>"#,
    );
    let (course, warnings) = run(&manifest, &["a.html"]);
    assert_eq!(codes(&warnings), ["ampersand_escaped"]);
    let item = crate::support::find(&course, "i1");
    assert_eq!(item.title, "Q&A");
    assert_eq!(item.launch.as_ref().expect("launch").url, "a.html?a=1&b=2");
}

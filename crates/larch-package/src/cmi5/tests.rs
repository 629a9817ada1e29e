//! The cmi5 import rules, one small course structure each.

use crate::{MemorySource, PackageError, parse_single_file};

fn structure(au_attributes: &str, au_body: &str) -> String {
    format!(
        r#"<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/c"><title><langstring>C</langstring></title><description><langstring>D</langstring></description></course>
  <au id="https://example.com/c/au" {au_attributes}>{au_body}</au>
</courseStructure>"#
    )
}

const TEXTS: &str = "<title><langstring>A</langstring></title><description><langstring>D</langstring></description>";

fn au(attributes: &str, url: &str) -> String {
    structure(attributes, &format!("{TEXTS}<url>{url}</url>"))
}

fn codes(xml: &str) -> Vec<String> {
    match parse_single_file("cmi5.xml", xml.as_bytes()) {
        Ok(_) => Vec::new(),
        Err(PackageError::Rejected { errors, .. }) => errors.into_iter().map(|e| e.code).collect(),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_valid_structure_keeps_the_au_attributes() {
    let xml = au(
        r#"moveOn="CompletedAndPassed" masteryScore="0.75" launchMethod="OwnWindow" activityType="http://x/t""#,
        " https://example.com/a.html \n",
    );
    let course = parse_single_file("cmi5.xml", xml.as_bytes()).expect("valid");
    let au = &course.root.children[0];
    assert_eq!(
        au.launch.as_ref().map(|l| l.url.as_str()),
        Some("https://example.com/a.html")
    );
    let crate::ActivityDetails::Cmi5(d) = &au.details else {
        panic!("cmi5")
    };
    assert_eq!(
        (
            d.move_on.as_deref(),
            d.mastery_score,
            d.launch_method.as_deref()
        ),
        (Some("CompletedAndPassed"), Some(0.75), Some("OwnWindow"))
    );
}

#[test]
fn schema_enumerations_ranges_and_order_are_enforced() {
    for attributes in [
        r#"moveOn="Done""#,
        r#"launchMethod="NewWindow""#,
        r#"masteryScore="1.5""#,
        r#"masteryScore="-0.1""#,
        r#"masteryScore="8e-1""#,
        r#"colour="red""#,
    ] {
        assert_eq!(
            codes(&au(attributes, "https://e.com/")),
            ["cmi5_schema_violation"],
            "{attributes}"
        );
    }
    let url_first = structure("", &format!("<url>https://e.com/</url>{TEXTS}"));
    assert!(codes(&url_first).contains(&"cmi5_schema_violation".to_owned()));
    let no_url = structure("", TEXTS);
    assert_eq!(codes(&no_url), ["cmi5_schema_violation"]);
    let foreign_extension_last = structure(
        "",
        &format!("{TEXTS}<url>https://e.com/</url><x:y xmlns:x=\"urn:x\"/>"),
    );
    assert!(codes(&foreign_extension_last).is_empty());
}

#[test]
fn every_reserved_launch_parameter_is_refused() {
    for name in ["endpoint", "fetch", "actor", "registration", "activityId"] {
        let url = format!("https://e.com/a.html?x=1&amp;{name}=2");
        assert_eq!(
            codes(&au("", &url)),
            ["cmi5_reserved_launch_parameter"],
            "{name}"
        );
    }
    assert!(codes(&au("", "https://e.com/a.html?endpointx=1")).is_empty());
}

#[test]
fn ids_must_be_iris_and_unique_across_the_course() {
    assert_eq!(
        codes(
            &structure("", "")
                .replace("https://example.com/c/au\"", "au-1\"")
                .replace("></au>", &format!(">{TEXTS}<url>https://e.com/</url></au>"))
        ),
        ["cmi5_invalid_id"]
    );
    let same_as_course =
        au("", "https://e.com/").replace("https://example.com/c/au", "https://example.com/c");
    assert_eq!(codes(&same_as_course), ["cmi5_duplicate_id"]);
}

#[test]
fn relative_urls_need_their_file_in_the_package() {
    let xml = au("", "content/start.html?lang=en");
    let mut present = MemorySource::new([
        ("cmi5.xml", xml.as_bytes().to_vec()),
        ("content/start.html", b"x".to_vec()),
    ]);
    let course = crate::parse_package(&mut present).expect("file present");
    assert_eq!(
        course.root.children[0]
            .launch
            .as_ref()
            .map(|l| l.url.as_str()),
        Some("content/start.html?lang=en")
    );
    let mut missing = MemorySource::new([("cmi5.xml", xml.as_bytes().to_vec())]);
    let Err(PackageError::Rejected { errors, .. }) = crate::parse_package(&mut missing) else {
        panic!("must be rejected")
    };
    assert_eq!(errors[0].code, "launch_file_missing");
    assert_eq!(codes(&xml), ["cmi5_relative_url_without_package"]);
}

#[test]
fn nested_blocks_build_a_tree() {
    let block = format!(
        r#"<block id="https://e.com/b1">{TEXTS}<block id="https://e.com/b2">{TEXTS}<au id="https://e.com/au2">{TEXTS}<url>https://e.com/2</url></au></block></block>"#
    );
    let xml = structure("", &format!("{TEXTS}<url>https://e.com/1</url>"))
        .replace("</courseStructure>", &format!("{block}</courseStructure>"));
    let course = parse_single_file("cmi5.xml", xml.as_bytes()).expect("valid");
    assert_eq!(course.launchable_count(), 2);
    assert_eq!(
        course.root.children[1].children[0].children[0].id,
        "https://e.com/au2"
    );
}

//! `tincan.xml`: BOMs, several activities, absolute launch URLs.

use crate::{MemorySource, PackageError, Standard, parse_package};

fn parse(tincan: &[u8]) -> Result<crate::Course, PackageError> {
    parse_package(&mut MemorySource::new([
        ("tincan.xml", tincan.to_vec()),
        ("index.html", b"x".to_vec()),
    ]))
}

const ONE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
  <activity id="http://example.com/course" type="http://adlnet.gov/expapi/activities/course">
    <name lang="en">Course</name><description lang="en">About it</description><launch lang="en">index.html</launch>
  </activity>
  <activity id="http://example.com/course/q1" type="http://adlnet.gov/expapi/activities/cmi.interaction"><name>Q1</name></activity>
</activities></tincan>"#;

#[test]
fn a_bom_is_skipped_and_the_launchable_activity_is_the_course() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(ONE.as_bytes());
    let course = parse(&bytes).expect("valid");
    assert_eq!(
        (
            course.standard,
            course.title.as_str(),
            course.launchable_count()
        ),
        (Standard::Xapi, "Course", 1)
    );
    assert_eq!(
        course.identifier.as_deref(),
        Some("http://example.com/course")
    );
    assert!(course.warnings.is_empty(), "{:?}", course.warnings);
}

#[test]
fn several_launchable_activities_become_items() {
    let two = ONE.replace(
        "<name>Q1</name>",
        "<name>Q1</name><launch>https://cdn.example.com/q1.html</launch>",
    );
    let course = parse(two.as_bytes()).expect("valid");
    assert_eq!(course.launchable_count(), 2);
    assert!(
        course.root.children[1]
            .launch
            .as_ref()
            .is_some_and(|l| l.absolute)
    );
}

#[test]
fn nothing_to_launch_is_rejected() {
    let none = ONE.replace("<launch lang=\"en\">index.html</launch>", "");
    let Err(PackageError::Rejected { errors, .. }) = parse(none.as_bytes()) else {
        panic!("rejected")
    };
    assert_eq!(errors[0].code, "xapi_no_launchable_activity");
    let Err(PackageError::Rejected { errors, .. }) = parse(b"<tincan><activities>") else {
        panic!("rejected")
    };
    assert_eq!(errors[0].code, "malformed_xml");
}

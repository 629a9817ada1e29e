//! Small courses and a scripted "shim" for the rule tests.

use larch_cmi::Change;
use larch_package::{MemorySource, parse_package};
use larch_runtime::{
    Commit, CommitResult, Delivery, Learner, RegistrationState, RuntimeCourse, Step, apply_commit,
    launch,
};

pub const T0: i64 = 1_700_000_000_000;

/// The manifest of [`scorm2004`].
pub const MANIFEST_2004: &str = r#"<?xml version="1.0"?>
<manifest identifier="m04" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Two SCOs</title>
      <item identifier="sco1" identifierref="r1"><title>One</title></item>
      <item identifier="sco2" identifierref="r2"><title>Two</title></item>
      <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="one.html"><file href="one.html"/></resource>
    <resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="two.html"><file href="two.html"/></resource>
  </resources>
</manifest>"#;

const MANIFEST_12: &str = r#"<?xml version="1.0"?>
<manifest identifier="m12" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o">
    <organization identifier="o">
      <title>Two SCOs, 1.2</title>
      <item identifier="a" identifierref="ra"><title>A</title></item>
      <item identifier="b" identifierref="rb"><title>B</title>
        <adlcp:prerequisites type="aicc_script">a</adlcp:prerequisites>
        <adlcp:masteryscore>80</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="ra" type="webcontent" adlcp:scormtype="sco" href="a.html"><file href="a.html"/></resource>
    <resource identifier="rb" type="webcontent" adlcp:scormtype="sco" href="b.html"><file href="b.html"/></resource>
  </resources>
</manifest>"#;

fn course_from(files: Vec<(String, Vec<u8>)>) -> RuntimeCourse {
    let mut source = MemorySource::new(files);
    let course = parse_package(&mut source).expect("the package parses");
    RuntimeCourse::from_course(&course).expect("a runtime course")
}

/// A course of `manifest` with empty `pages`.
pub fn with_pages(manifest: &str, pages: &[&str]) -> RuntimeCourse {
    let mut files = vec![("imsmanifest.xml".to_owned(), manifest.as_bytes().to_vec())];
    files.extend(
        pages
            .iter()
            .map(|p| ((*p).to_owned(), b"<html></html>".to_vec())),
    );
    course_from(files)
}

/// SCORM 2004 4th Ed: two SCOs under a root with choice and flow.
pub fn scorm2004() -> RuntimeCourse {
    with_pages(MANIFEST_2004, &["one.html", "two.html"])
}

/// SCORM 1.2: SCO `b` requires `a`; `b` has a mastery score of 80.
pub fn scorm12() -> RuntimeCourse {
    with_pages(MANIFEST_12, &["a.html", "b.html"])
}

/// AICC fixture (its descriptor files; the fixture leaves out the AUs' page): AU `A2`
/// requires `A1`.
pub fn aicc() -> RuntimeCourse {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/aicc/emp_aicc_pre-ort.zip"
    );
    let mut files = larch_cts::read_zip(std::path::Path::new(path)).expect("fixture");
    files.push(("default.htm".into(), b"<html></html>".to_vec()));
    course_from(files)
}

pub fn registration(course: &RuntimeCourse) -> RegistrationState {
    let learner = Learner {
        id: "l-1".into(),
        name: "Doe, Jane".into(),
    };
    RegistrationState::new(course, learner, 1)
}

pub fn changes(pairs: &[(&str, &str)]) -> Vec<Change> {
    pairs
        .iter()
        .map(|(e, v)| Change {
            element: (*e).into(),
            value: (*v).into(),
        })
        .collect()
}

pub fn delivered(step: &Step) -> Delivery {
    step.next.delivery().expect("a delivery").clone()
}

pub fn start(course: &RuntimeCourse, reg: &mut RegistrationState, at: i64) -> Delivery {
    delivered(&launch(course, reg, at).expect("launch"))
}

/// Commits `pairs` as sequence number `seq` of `d`'s session.
pub fn commit(
    course: &RuntimeCourse,
    reg: &mut RegistrationState,
    d: &Delivery,
    seq: u64,
    pairs: &[(&str, &str)],
    terminate: bool,
) -> CommitResult {
    let commit = Commit {
        session: d.session,
        seq,
        activity: d.activity.clone(),
        changes: changes(pairs),
        terminate,
        nav_request: None,
    };
    apply_commit(course, reg, &commit, T0 + seq as i64 * 1000).expect("commit")
}

//! The course structures inside the cmi5 sample collections (zips of several `cmi5.xml`
//! variants, which are not packages themselves) each import on their own as a bare course
//! structure: the spec's v1 examples without warnings, the pre-1.0 draft ones with one.

use std::io::Read;

use larch_package::parse_single_file;

const CMI5_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/cmi5");

/// (collection, member, launchable AUs, distinct warning codes in order).
const MEMBERS: &[(&str, &str, usize, &[&str])] = &[
    (
        "aicc_spec_v1_CourseStructure_examples.zip",
        "examples/simple-cmi5.xml",
        1,
        &[],
    ),
    (
        "aicc_spec_v1_CourseStructure_examples.zip",
        "examples/complex-cmi5.xml",
        14,
        &[],
    ),
    (
        "aicc_spec_v1_CourseStructure_examples.zip",
        "examples/extended-cmi5.xml",
        1,
        &[],
    ),
    (
        "aicc_spec_sample_course_files_2016.zip",
        "simple - moveOn Completed.xml",
        1,
        &[],
    ),
    (
        "aicc_spec_sample_course_files_2016.zip",
        "simple - moveOn CompletedAndPassed.xml",
        1,
        &[],
    ),
    (
        "aicc_spec_sample_course_files_2016.zip",
        "simple - moveOn CompletedOrPassed.xml",
        1,
        &[],
    ),
    (
        "aicc_spec_sample_course_files_2016.zip",
        "simple - moveOn Passed.xml",
        1,
        &[],
    ),
    (
        "tomaszb_cmi5_coursestructure_variants.zip",
        "simple/cmi5.xml",
        1,
        &["cmi5_draft_namespace"],
    ),
    (
        "tomaszb_cmi5_coursestructure_variants.zip",
        "complex/cmi5.xml",
        14,
        &["cmi5_draft_attribute_ignored", "cmi5_draft_namespace"],
    ),
    (
        "tomaszb_cmi5_coursestructure_variants.zip",
        "extension/cmi5.xml",
        1,
        &["cmi5_draft_namespace"],
    ),
];

fn member(collection: &str, name: &str) -> Vec<u8> {
    let file = std::fs::File::open(format!("{CMI5_FIXTURES}/{collection}")).expect("fixture");
    let mut archive = zip::ZipArchive::new(file).expect("zip");
    let mut content = Vec::new();
    archive
        .by_name(name)
        .expect("member")
        .read_to_end(&mut content)
        .expect("read");
    content
}

#[test]
fn every_sample_course_structure_imports_on_its_own() {
    for (collection, name, launchable, warnings) in MEMBERS {
        let course = parse_single_file("cmi5.xml", &member(collection, name))
            .unwrap_or_else(|e| panic!("{collection} {name}: {e:?}"));
        let mut codes: Vec<&str> = course.warnings.iter().map(|w| w.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(
            (course.launchable_count(), codes.as_slice()),
            (*launchable, *warnings),
            "{collection} {name}"
        );
    }
}

#[test]
fn extensions_are_kept_as_raw_xml() {
    let course =
        parse_single_file("cmi5.xml", &member(MEMBERS[2].0, MEMBERS[2].1)).expect("imports");
    let larch_package::CourseDetails::Cmi5(details) = &course.details else {
        panic!("cmi5 details")
    };
    assert!(
        details.extensions.iter().any(|x| x.contains("kw:keywords")),
        "{:?}",
        details.extensions
    );
    let au = &course.root.children[0];
    let larch_package::ActivityDetails::Cmi5(au_details) = &au.details else {
        panic!("cmi5 AU")
    };
    assert_eq!(au_details.extensions.len(), 5);
}

//! AICC parsing: columns by header, case-insensitive names, structure, prerequisites,
//! objectives, launch URLs.

use crate::{ActivityDetails, Course, MemorySource, PackageError, parse_package};

const CRS: &str = "[Course]\nCourse_ID=C1\nCourse_Title=Safety\n[Course_Description]\nFirst line.\nSecond line.\n";

fn parse(files: &[(&str, &str)]) -> Result<Course, PackageError> {
    let mut all: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, c)| ((*n).to_owned(), c.as_bytes().to_vec()))
        .collect();
    all.push(("a1.html".to_owned(), b"x".to_vec()));
    all.push(("b/a2.html".to_owned(), b"x".to_vec()));
    parse_package(&mut MemorySource::new(all))
}

fn aicc(activity: &crate::Activity) -> &crate::aicc::model::AiccActivity {
    match &activity.details {
        ActivityDetails::Aicc(details) => details,
        other => panic!("not AICC: {other:?}"),
    }
}

#[test]
fn columns_are_found_by_header_in_any_order_and_case() {
    let au = "\"File_Name\",\"MASTERY_SCORE\",\"system_id\",\"Web_Launch\"\n\"a1.html\",80,\"A1\",\"lang=en\"\n\"b/a2.html\",,\"A2\",\"\"\n";
    let des = "\"System_ID\",\"Title\",\"Description\"\n\"a1\",\"Intro, part \"\"one\"\"\",\"\"\n\"A2\",\"Quiz\",\"\"\n";
    let cst = "\"block\",\"member\",\"member\"\n\"root\",\"B1\"\n\"B1\",\"A1\",\"a2\"\n";
    let course = parse(&[
        ("COURSE.CRS", CRS),
        ("Course.Au", au),
        ("course.des", des),
        ("course.cst", cst),
    ])
    .expect("valid");
    assert_eq!(
        (course.title.as_str(), course.description.as_deref()),
        ("Safety", Some("First line.\nSecond line."))
    );
    assert!(course.warnings.is_empty(), "{:?}", course.warnings);
    let block = &course.root.children[0];
    assert_eq!(
        (
            block.id.as_str(),
            block.launch.is_none(),
            block.children.len()
        ),
        ("B1", true, 2)
    );
    let intro = &block.children[0];
    assert_eq!(intro.title, "Intro, part \"one\"");
    assert_eq!(
        intro.launch.as_ref().map(|l| l.url.as_str()),
        Some("a1.html?lang=en")
    );
    assert_eq!(aicc(intro).mastery_score, Some(80.0));
    assert_eq!(course.launchable_count(), 2);
}

#[test]
fn prerequisites_and_objectives_are_attached() {
    let au = "\"system_id\",\"file_name\"\n\"A1\",\"a1.html\"\n\"A2\",\"b/a2.html\"\n";
    let pre = "\"structure_element\",\"prerequisite\"\n\"A2\",\"A1\"\n\"a2\",\"J1\"\n";
    let ort = "\"course_element\",\"member\",\"member\"\n\"A1\",\"J1\",\"J2\"\n";
    let course = parse(&[
        ("c.crs", CRS),
        ("c.au", au),
        ("c.des", "\"system_id\",\"title\"\n"),
        (
            "c.cst",
            "\"block\",\"member\"\n\"root\",\"A1\"\n\"root\",\"A2\"\n",
        ),
        ("c.pre", pre),
        ("c.ort", ort),
    ])
    .expect("valid");
    let (a1, a2) = (&course.root.children[0], &course.root.children[1]);
    assert_eq!(aicc(a1).objectives, ["J1", "J2"]);
    assert_eq!(aicc(a2).prerequisites.as_deref(), Some("A1&J1"));
}

#[test]
fn missing_files_and_unplaced_aus_are_forgiven_with_warnings() {
    let au = "\"system_id\",\"file_name\"\n\"A1\",\"a1.html\"\n\"A2\",\"B/A2.HTML\"\n";
    let course = parse(&[
        ("c.au", au),
        ("c.cst", "\"block\",\"member\"\n\"root\",\"A1\"\n"),
    ])
    .expect("importable");
    let codes: Vec<&str> = course.warnings.iter().map(|w| w.code.as_str()).collect();
    for code in [
        "href_fixed",
        "aicc_file_missing",
        "aicc_au_not_in_structure",
        "title_missing",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    assert_eq!(
        course.root.children[1]
            .launch
            .as_ref()
            .map(|l| l.url.as_str()),
        Some("b/a2.html")
    );
}

#[test]
fn a_course_without_launchable_units_is_rejected() {
    let rejected = |files: &[(&str, &str)]| match parse(files) {
        Err(PackageError::Rejected { errors, .. }) => errors[0].code.clone(),
        other => panic!("expected a rejection, got {other:?}"),
    };
    assert_eq!(
        rejected(&[("c.crs", CRS), ("c.cst", "\"block\",\"member\"\n")]),
        "aicc_no_aus"
    );
    assert_eq!(
        rejected(&[(
            "c.au",
            "\"system_id\",\"file_name\",\"command_line\"\n\"A1\",\"\",\"\"\n"
        )]),
        "aicc_no_launch"
    );
    assert_eq!(
        rejected(&[(
            "c.au",
            "\"system_id\",\"file_name\"\n\"A1\",\"gone.html\"\n"
        )]),
        "no_launchable_content"
    );
}

#[test]
fn a_table_without_header_uses_the_cmi001_order() {
    let course =
        parse(&[("c.au", "\"A1\",\"\",\"\",\"\",\"\",\"a1.html\"\n")]).expect("importable");
    assert!(
        course
            .warnings
            .iter()
            .any(|w| w.code == "aicc_missing_header")
    );
    assert_eq!(course.launchable_count(), 1);
}

//! Content packaging constructs: launch URLs, `xml:base`, `parameters`, ADL item extensions,
//! sub-manifests, metadata, and what is left out with a warning.

use larch_package::scorm::model::ScormType;
use larch_package::{Edition, Standard};

use crate::support::{codes, details, find, manifest_12, manifest_2004, org, run, run_at, sco};

#[test]
fn scorm12_item_extensions_and_launch() {
    let items = r#"<item identifier="i1" identifierref="r1" isvisible="false" parameters="?lang=en">
        <title>
          One,  wrapped
        </title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
        <adlcp:prerequisites type="aicc_script">i0 &amp; i2</adlcp:prerequisites>
        <adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>
        <adlcp:timelimitaction>exit, Message</adlcp:timelimitaction>
        <adlcp:datafromlms> key=value </adlcp:datafromlms>
      </item>"#;
    let resources = r#"<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="a/index.html?x=1">
        <file href="a/index.html"/><file href="a/style.css"/></resource>"#;
    let (course, warnings) = run(
        &manifest_12(&org(items), resources),
        &["a/index.html", "a/style.css"],
    );
    assert_eq!(codes(&warnings), Vec::<String>::new());
    assert_eq!((course.standard, course.edition), (Standard::Scorm12, None));
    assert_eq!(course.title, "Course");
    let item = find(&course, "i1");
    assert_eq!(item.title, "One, wrapped");
    assert!(!item.visible);
    assert_eq!(
        item.launch.as_ref().expect("launch").url,
        "a/index.html?x=1&lang=en"
    );
    let d = details(&course, "i1");
    assert_eq!(d.mastery_score, Some(80.0));
    assert_eq!(d.prerequisites.as_deref(), Some("i0 & i2"));
    assert_eq!(d.max_time_allowed.as_deref(), Some("00:30:00"));
    assert_eq!(d.time_limit_action.as_deref(), Some("exit,message"));
    assert_eq!(d.data_from_lms.as_deref(), Some(" key=value "));
    assert_eq!(d.scorm_type, Some(ScormType::Sco));
    assert!(d.sequencing.is_none(), "SCORM 1.2 has no sequencing");
}

#[test]
fn xml_base_chain_and_parameters_build_the_launch_url() {
    let manifest = manifest_2004(
        &org(r##"<item identifier="i1" identifierref="r1" parameters="#page2"><title>A</title></item>
                 <item identifier="i2" identifierref="r2" parameters="&amp;b=2"><title>B</title></item>"##),
        r#"<resource identifier="r1" adlcp:scormType="sco" href="start.html" xml:base="sco1/"><file href="start.html"/></resource>
           <resource identifier="r2" adlcp:scormType="asset" href="https://cdn.example.com/x.html?a=1"/>"#,
    )
    .replace("<manifest identifier=\"m\"", "<manifest identifier=\"m\" xml:base=\"course\"")
    .replace("<resources>", "<resources xml:base=\"content/\">");
    let (course, warnings) = run(&manifest, &["course/content/sco1/start.html"]);
    assert!(warnings.as_slice().is_empty(), "{:?}", warnings.as_slice());
    let a = find(&course, "i1").launch.clone().expect("launch");
    assert_eq!(
        (a.url.as_str(), a.absolute),
        ("course/content/sco1/start.html#page2", false)
    );
    let b = find(&course, "i2").launch.clone().expect("launch");
    assert_eq!(
        (b.url.as_str(), b.absolute),
        ("https://cdn.example.com/x.html?a=1&b=2", true)
    );
    assert_eq!(details(&course, "i2").scorm_type, Some(ScormType::Asset));
}

#[test]
fn manifest_in_a_subfolder_resolves_hrefs_from_its_folder() {
    let manifest = manifest_2004(
        &org(r#"<item identifier="i1" identifierref="r1"><title>A</title></item>"#),
        &sco("r1", "index.html"),
    );
    let (result, _) = run_at(
        "pkg/imsmanifest.xml",
        manifest.as_bytes(),
        &["pkg/index.html"],
    );
    let course = result.expect("parsed");
    assert_eq!(
        find(&course, "i1").launch.as_ref().expect("launch").url,
        "pkg/index.html"
    );
}

#[test]
fn wrong_case_and_url_encoded_hrefs_are_fixed_with_warnings() {
    let manifest = manifest_2004(
        &org(
            r#"<item identifier="i1" identifierref="r1"><title>A</title></item><item identifier="i2" identifierref="r2"><title>B</title></item>"#,
        ),
        &format!(
            "{}{}",
            sco("r1", "Content/Index.HTML"),
            sco("r2", "my%20page.html")
        ),
    );
    let (course, warnings) = run(&manifest, &["content/index.html", "my page.html"]);
    assert_eq!(codes(&warnings), ["href_case_mismatch", "href_url_encoded"]);
    assert_eq!(
        find(&course, "i1").launch.as_ref().expect("launch").url,
        "content/index.html"
    );
    assert_eq!(
        find(&course, "i2").launch.as_ref().expect("launch").url,
        "my page.html"
    );
}

#[test]
fn broken_references_are_left_out_with_warnings() {
    let items = r#"<item identifier="ok" identifierref="r1"><title>Ok</title></item>
        <item identifier="ghost" identifierref="nope"><title>Ghost</title></item>
        <item identifier="empty"><title>Empty</title></item>
        <item identifier="nohref" identifierref="r2"><title>No href</title></item>
        <item identifier="ok"><title>Dup</title><item identifier="leaf" identifierref="r1"><title>L</title></item></item>
        <item identifier="gone" identifierref="r3"><title>Missing file</title></item>"#;
    let resources = format!(
        r#"{}<resource identifier="r2" adlcp:scormType="sco"><dependency identifierref="zzz"/></resource>{}{}<resource identifier="r4" adlcp:scormType="asset" href="../../etc/passwd"/>"#,
        sco("r1", "a.html"),
        sco("r1", "b.html"),
        sco("r3", "missing.html"),
    );
    let (course, warnings) = run(&manifest_2004(&org(items), &resources), &["a.html"]);
    assert_eq!(
        codes(&warnings),
        [
            "dependency_missing",
            "duplicate_identifier",
            "href_outside_package",
            "item_resource_missing",
            "item_without_resource",
            "launch_file_missing",
            "resource_href_missing"
        ]
    );
    let ids: Vec<&str> = course.root.children.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["ok", "ok-2", "gone"]);
    assert_eq!(course.launchable_count(), 3);
}

#[test]
fn missing_identifiers_titles_and_scorm_types_get_fallbacks() {
    let manifest = manifest_2004(
        r#"<organizations><organization><item identifierref="r1"/></organization></organizations>"#,
        r#"<resource identifier="r1" href="a.html"/>"#,
    );
    let (course, warnings) = run(&manifest, &["a.html"]);
    assert_eq!(
        codes(&warnings),
        ["identifier_missing", "scorm_type_missing", "title_missing"]
    );
    assert_eq!(course.root.id, "organization-1");
    assert_eq!(course.root.children[0].id, "item-2");
    assert_eq!(course.root.children[0].title, "item-2");
    assert_eq!(
        details(&course, "item-2").scorm_type,
        Some(ScormType::Asset)
    );
}

#[test]
fn default_organization_and_missing_organizations() {
    let two_orgs = r#"<organizations default="nope">
        <organization identifier="o1"><title>First</title><item identifier="i1" identifierref="r1"><title>A</title></item></organization>
        <organization identifier="o2"><title>Second</title><item identifier="i2" identifierref="r1"><title>B</title></item></organization>
      </organizations>"#;
    let (course, warnings) = run(&manifest_2004(two_orgs, &sco("r1", "a.html")), &["a.html"]);
    assert_eq!(codes(&warnings), ["default_organization_missing"]);
    assert_eq!(course.root.id, "o1");
    let with_default = two_orgs.replace("\"nope\"", "\"o2\"");
    let (course, _) = run(
        &manifest_2004(&with_default, &sco("r1", "a.html")),
        &["a.html"],
    );
    assert_eq!(course.title, "Second");
    let larch_package::CourseDetails::Scorm(d) = &course.details else {
        panic!()
    };
    let ids: Vec<&str> = d.organizations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["o2", "o1"]);

    let resources = format!(
        r#"{}<resource identifier="css" adlcp:scormType="asset" href="s.css"/>"#,
        sco("r1", "a.html")
    );
    let (course, warnings) = run(
        &manifest_2004("<organizations/>", &resources),
        &["a.html", "s.css"],
    );
    assert_eq!(codes(&warnings), ["organization_missing"]);
    assert_eq!(
        course.launchable_count(),
        1,
        "only the SCO becomes an activity"
    );
}

#[test]
fn scorm2004_clusters_do_not_launch_but_scorm12_parents_do() {
    let items = r#"<item identifier="p" identifierref="r1"><title>P</title><item identifier="c" identifierref="r1"><title>C</title></item></item>"#;
    let (course, warnings) = run(
        &manifest_2004(&org(items), &sco("r1", "a.html")),
        &["a.html"],
    );
    assert_eq!(codes(&warnings), ["cluster_resource_ignored"]);
    assert!(find(&course, "p").launch.is_none());
    let (course, warnings) = run(&manifest_12(&org(items), &sco("r1", "a.html")), &["a.html"]);
    assert!(warnings.as_slice().is_empty());
    assert_eq!(course.launchable_count(), 2);
}

#[test]
fn items_can_reference_sub_manifests() {
    let manifest = manifest_2004(
        &org(r#"<item identifier="wrap" identifierref="sub"><title>Module</title></item>"#),
        "",
    )
    .replace(
        "</manifest>",
        &format!(
            r#"<manifest identifier="sub" xml:base="module1/">
                 <organizations default="so"><organization identifier="so"><title>Sub</title>
                   <item identifier="s1" identifierref="sr1"><title>Sub one</title></item></organization></organizations>
                 <resources>{}</resources>
               </manifest></manifest>"#,
            sco("sr1", "index.html")
        ),
    );
    let (course, warnings) = run(&manifest, &["module1/index.html"]);
    assert!(warnings.as_slice().is_empty(), "{:?}", warnings.as_slice());
    let wrap = find(&course, "wrap");
    assert_eq!(wrap.children.len(), 1);
    assert_eq!(
        find(&course, "s1").launch.as_ref().expect("launch").url,
        "module1/index.html"
    );
}

#[test]
fn lom_metadata_inline_and_external() {
    let manifest = manifest_2004(
        &org(r#"<item identifier="i1" identifierref="r1"><title>A</title>
              <metadata><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><description><string language="en">About A</string></description></general></lom></metadata></item>"#),
        &sco("r1", "a.html"),
    )
    .replace(
        "</metadata>\n  <organizations",
        "<adlcp:location>meta/course.xml</adlcp:location></metadata>\n  <organizations",
    );
    let external = r#"<lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"><general><title><langstring>Golf</langstring></title><description><langstring>All about golf</langstring></description></general></lom>"#;
    let mut source = larch_package::MemorySource::new([
        ("imsmanifest.xml", manifest.as_bytes().to_vec()),
        ("a.html", Vec::new()),
        ("meta/course.xml", external.as_bytes().to_vec()),
    ]);
    let mut warnings = larch_package::Warnings::default();
    let course =
        larch_package::scorm::parse(&mut source, "imsmanifest.xml", &mut warnings).expect("parsed");
    assert!(warnings.as_slice().is_empty(), "{:?}", warnings.as_slice());
    assert_eq!(course.description.as_deref(), Some("All about golf"));
    assert_eq!(course.title, "Course", "the organization title wins");
    assert_eq!(find(&course, "i1").description.as_deref(), Some("About A"));
}

#[test]
fn completion_threshold_of_both_editions_and_shared_data() {
    let items = r#"<item identifier="third" identifierref="r1"><title>A</title><adlcp:completionThreshold>0.6</adlcp:completionThreshold></item>
        <item identifier="fourth" identifierref="r1"><title>B</title>
          <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.8" progressWeight="0.5"/>
          <adlcp:data><adlcp:map targetID="store" writeSharedData="false"/><adlcp:map/></adlcp:data>
          <adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>exitAll</adlnav:hideLMSUI><adlnav:hideLMSUI>sideways</adlnav:hideLMSUI></adlnav:navigationInterface></adlnav:presentation>
        </item>
        <item identifier="bad" identifierref="r1"><title>C</title><adlcp:completionThreshold minProgressMeasure="2"/></item>"#;
    let (course, warnings) = run(
        &manifest_2004(&org(items), &sco("r1", "a.html")),
        &["a.html"],
    );
    assert_eq!(codes(&warnings), ["invalid_value", "map_target_missing"]);
    let third = details(&course, "third")
        .completion_threshold
        .expect("threshold");
    assert!(third.completed_by_measure && third.min_progress_measure == 0.6);
    let fourth = details(&course, "fourth");
    let threshold = fourth.completion_threshold.expect("threshold");
    assert_eq!(
        (threshold.min_progress_measure, threshold.progress_weight),
        (0.8, 0.5)
    );
    assert_eq!(fourth.shared_data.len(), 1);
    assert!(fourth.shared_data[0].read && !fourth.shared_data[0].write);
    assert_eq!(fourth.hide_lms_ui, ["exitAll"]);
    let bad = details(&course, "bad")
        .completion_threshold
        .expect("threshold");
    assert_eq!(bad.min_progress_measure, 1.0, "the default is kept");
    let tree = larch_package::scorm::sequencing_tree(&course).expect("a 2004 tree");
    assert_eq!(
        tree.root.children[1].completion_threshold.progress_weight,
        0.5
    );
    assert_eq!(course.edition, Some(Edition::Fourth));
}

#[test]
fn missing_listed_files_and_unreadable_metadata_are_reported_once() {
    let resources = r#"<resource identifier="r1" adlcp:scormType="sco" href="a.html">
        <metadata><adlcp:location>nowhere.xml</adlcp:location></metadata>
        <file href="a.html"/><file href="b.js"/><file href="c.css"/></resource>"#;
    let manifest = manifest_2004(
        &org(
            r#"<item identifier="i1" identifierref="r1"><title>A</title><metadata><adlcp:location>gone.xml</adlcp:location></metadata></item>"#,
        ),
        resources,
    );
    let (course, warnings) = run(&manifest, &["a.html"]);
    assert_eq!(codes(&warnings), ["file_missing", "metadata_unreadable"]);
    let missing = warnings
        .as_slice()
        .iter()
        .find(|w| w.code == "file_missing")
        .expect("file_missing");
    assert!(
        missing.message.contains("b.js, c.css"),
        "{}",
        missing.message
    );
    assert_eq!(
        warnings.as_slice().len(),
        2,
        "one warning per resource, metadata of resources is not read"
    );
    let larch_package::CourseDetails::Scorm(d) = &course.details else {
        panic!()
    };
    assert_eq!(d.resources[0].files, ["a.html"]);
}

#[test]
fn a_sub_manifest_cannot_include_itself() {
    let manifest = manifest_2004(&org(r#"<item identifier="wrap" identifierref="sub"><title>Module</title></item>"#), "")
        .replace(
            "</manifest>",
            &format!(
                r#"<manifest identifier="sub"><organizations><organization identifier="so"><title>Sub</title>
                     <item identifier="s1" identifierref="sr1"><title>One</title></item>
                     <item identifier="loop" identifierref="sub"><title>Loop</title></item></organization></organizations>
                   <resources>{}</resources></manifest></manifest>"#,
                sco("sr1", "index.html")
            ),
        );
    let (course, warnings) = run(&manifest, &["index.html"]);
    assert_eq!(codes(&warnings), ["item_resource_missing"]);
    assert_eq!(find(&course, "wrap").children.len(), 1);
}

#[test]
fn file_lists_with_wrong_case_give_one_warning_per_resource() {
    let files: String = (0..20)
        .map(|i| format!(r#"<file href="Img/Pic{i}.PNG"/>"#))
        .collect();
    let resources = format!(
        r#"<resource identifier="r1" adlcp:scormType="sco" href="a.html"><file href="a.html"/>{files}</resource>"#
    );
    let stored: Vec<String> = (0..20).map(|i| format!("img/pic{i}.png")).collect();
    let mut present: Vec<&str> = stored.iter().map(String::as_str).collect();
    present.push("a.html");
    let manifest = manifest_2004(
        &org(r#"<item identifier="i1" identifierref="r1"><title>A</title></item>"#),
        &resources,
    );
    let (course, warnings) = run(&manifest, &present);
    assert_eq!(warnings.as_slice().len(), 1, "{:?}", warnings.as_slice());
    assert_eq!(warnings.as_slice()[0].code, "href_case_mismatch");
    assert!(warnings.as_slice()[0].message.contains("and 15 more"));
    let larch_package::CourseDetails::Scorm(d) = &course.details else {
        panic!()
    };
    assert!(d.resources[0].files.contains(&"img/pic3.png".to_owned()));
}

#[test]
fn references_differing_only_in_case_are_forgiven() {
    let items = r#"<item identifier="i1" identifierref="RES_One"><title>A</title></item>"#;
    let (course, warnings) = run(
        &manifest_2004(&org(items), &sco("res_one", "a.html")),
        &["a.html"],
    );
    assert_eq!(codes(&warnings), ["reference_case_mismatch"]);
    assert_eq!(
        details(&course, "i1").resource_id.as_deref(),
        Some("res_one")
    );
    assert!(find(&course, "i1").launch.is_some());
}

#[test]
fn shared_file_resources_need_no_scorm_type() {
    let resources = format!(
        r#"{}<resource identifier="shared" type="webcontent"><file href="lib.js"/></resource>"#,
        sco("r1", "a.html")
    );
    let items = r#"<item identifier="i1" identifierref="r1"><title>A</title></item>"#;
    let (course, warnings) = run(
        &manifest_2004(&org(items), &resources),
        &["a.html", "lib.js"],
    );
    assert!(warnings.as_slice().is_empty(), "{:?}", warnings.as_slice());
    let larch_package::CourseDetails::Scorm(d) = &course.details else {
        panic!()
    };
    assert_eq!(d.resources[1].scorm_type, ScormType::Asset);
}

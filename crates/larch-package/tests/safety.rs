//! The container's safety rules, each with a zip built here: traversal, links, bombs (by ratio,
//! by total, by entry), ZIP64, encryption, empty and non-zip input; plus what the sink sees.

use std::io::{Cursor, Read, Write};

use larch_package::{BlobSink, Ingested, Limits, PackageError, ingest};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const CMI5: &str = r#"<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/c"><title><langstring>C</langstring></title><description><langstring>D</langstring></description></course>
  <au id="https://example.com/c/au"><title><langstring>A</langstring></title><description><langstring>D</langstring></description><url>index.html</url></au>
</courseStructure>"#;

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

/// A zip of `(name, content)` entries, plus a valid cmi5 course unless `bare`.
fn zip_of(entries: &[(&str, &[u8])], options: SimpleFileOptions) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer.start_file(*name, options).expect("entry");
        writer.write_all(content).expect("content");
    }
    writer.finish().expect("zip").into_inner()
}

fn course_with(extra: &[(&str, &[u8])], options: SimpleFileOptions) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("cmi5.xml", CMI5.as_bytes()),
        ("index.html", b"<html></html>"),
    ];
    entries.extend_from_slice(extra);
    zip_of(&entries, options)
}

/// Records every file it is given.
#[derive(Default)]
struct Recorder {
    files: Vec<(String, Vec<u8>)>,
}

impl BlobSink for Recorder {
    fn put(&mut self, path: &str, reader: &mut dyn Read) -> std::io::Result<()> {
        let mut content = Vec::new();
        reader.read_to_end(&mut content)?;
        self.files.push((path.to_owned(), content));
        Ok(())
    }
}

fn run(bytes: Vec<u8>, limits: &Limits) -> Result<Ingested, PackageError> {
    ingest(
        Cursor::new(bytes),
        "upload.zip",
        &mut Recorder::default(),
        limits,
    )
}

fn rejection(outcome: Result<Ingested, PackageError>) -> String {
    match outcome {
        Err(PackageError::Rejected { errors, .. }) => errors[0].code.clone(),
        Err(PackageError::Io(e)) => panic!("expected a rejection, got I/O error {e}"),
        Ok(_) => panic!("expected a rejection, the package was accepted"),
    }
}

/// Deterministic incompressible bytes.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

#[test]
fn a_valid_zip_streams_every_file_with_its_hash() {
    let mut sink = Recorder::default();
    let bytes = course_with(&[("media/clip.bin", &noise(100_000, 7))], deflated());
    let ingested =
        ingest(Cursor::new(bytes), "c.zip", &mut sink, &Limits::default()).expect("accepted");
    assert_eq!(ingested.course.launchable_count(), 1);
    assert_eq!(ingested.files.len(), 3);
    let clip = ingested
        .files
        .iter()
        .find(|f| f.path == "media/clip.bin")
        .expect("streamed");
    assert_eq!(clip.size, 100_000);
    // sha256 of "<html></html>", computed independently (sha256sum).
    let index = ingested
        .files
        .iter()
        .find(|f| f.path == "index.html")
        .expect("streamed");
    assert_eq!(
        index.sha256,
        "b633a587c652d02386c4f16f8c6f6aab7352d97f16367c3c40576214372dd628"
    );
    assert_eq!(sink.files.len(), 3);
}

#[test]
fn traversal_entries_are_refused_before_extraction() {
    for name in [
        "../evil.html",
        "a/../../evil.html",
        "/etc/evil",
        "C:/evil.html",
        "..\\evil.html",
    ] {
        let mut sink = Recorder::default();
        let outcome = ingest(
            Cursor::new(course_with(&[(name, b"x")], deflated())),
            "t.zip",
            &mut sink,
            &Limits::default(),
        );
        assert_eq!(rejection(outcome), "path_traversal", "{name}");
        assert!(
            sink.files.is_empty(),
            "nothing may reach the sink for {name}"
        );
    }
}

#[test]
fn symlink_entries_are_refused() {
    let mut writer =
        ZipWriter::new_append(Cursor::new(course_with(&[], deflated()))).expect("append");
    writer
        .add_symlink("passwd", "/etc/passwd", SimpleFileOptions::default())
        .expect("link");
    let bytes = writer.finish().expect("zip").into_inner();
    assert_eq!(rejection(run(bytes, &Limits::default())), "symlink_entry");
}

#[test]
fn a_bomb_by_ratio_is_refused_while_streaming() {
    let limits = Limits {
        ratio_grace_bytes: 64 << 10,
        ..Limits::default()
    };
    let zeros = vec![0u8; 8 << 20];
    assert_eq!(
        rejection(run(
            course_with(&[("bomb.bin", &zeros)], deflated()),
            &limits
        )),
        "compression_ratio_exceeded"
    );
}

#[test]
fn a_bomb_whose_headers_lie_is_still_refused() {
    let limits = Limits {
        ratio_grace_bytes: 64 << 10,
        ..Limits::default()
    };
    let mut bytes = course_with(&[("bomb.bin", &vec![0u8; 8 << 20])], deflated());
    patch_sizes(&mut bytes, "bomb.bin", 1000);
    let code = rejection(run(bytes, &limits));
    assert!(
        code == "compression_ratio_exceeded" || code == "corrupt_zip",
        "{code}"
    );
}

#[test]
fn a_bomb_by_total_size_is_refused() {
    let limits = Limits {
        max_total_bytes: 1 << 20,
        ..Limits::default()
    };
    let parts: Vec<Vec<u8>> = (0..3).map(|i| noise(512 << 10, i + 1)).collect();
    let entries: Vec<(&str, &[u8])> = vec![
        ("a.bin", &parts[0]),
        ("b.bin", &parts[1]),
        ("c.bin", &parts[2]),
    ];
    assert_eq!(
        rejection(run(course_with(&entries, deflated()), &limits)),
        "package_too_large"
    );
}

#[test]
fn one_file_above_the_entry_limit_is_refused() {
    let limits = Limits {
        max_entry_bytes: 100 << 10,
        ..Limits::default()
    };
    let big = noise(200 << 10, 3);
    assert_eq!(
        rejection(run(course_with(&[("big.bin", &big)], deflated()), &limits)),
        "entry_too_large"
    );
}

#[test]
fn too_many_entries_are_refused_from_the_directory() {
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let names: Vec<String> = (0..20).map(|i| format!("f{i}.txt")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    assert_eq!(
        rejection(run(course_with(&entries, deflated()), &limits)),
        "too_many_entries"
    );
}

#[test]
fn zip64_packages_are_read() {
    let bytes = course_with(
        &[("data.bin", &noise(10_000, 9))],
        deflated().large_file(true),
    );
    let ingested = run(bytes, &Limits::default()).expect("a ZIP64 package is accepted");
    assert_eq!(
        ingested
            .files
            .iter()
            .find(|f| f.path == "data.bin")
            .map(|f| f.size),
        Some(10_000)
    );
}

#[test]
fn encrypted_entries_are_refused() {
    let mut bytes = course_with(
        &[],
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
    );
    set_encrypted_flags(&mut bytes);
    assert_eq!(rejection(run(bytes, &Limits::default())), "encrypted_entry");
}

#[test]
fn empty_and_non_zip_inputs_are_refused_clearly() {
    assert_eq!(
        rejection(run(zip_of(&[], deflated()), &Limits::default())),
        "empty_package"
    );
    assert_eq!(
        rejection(run(
            b"just some text, not a zip".to_vec(),
            &Limits::default()
        )),
        "not_a_zip"
    );
    let only_junk = zip_of(&[("__MACOSX/._x", b"x"), (".DS_Store", b"x")], deflated());
    assert_eq!(
        rejection(run(only_junk, &Limits::default())),
        "empty_package"
    );
}

#[test]
fn a_course_in_a_sub_folder_is_rerooted_and_junk_dropped() {
    let entries: Vec<(&str, &[u8])> = vec![
        ("My Course/cmi5.xml", CMI5.as_bytes()),
        ("My Course/index.html", b"<html></html>"),
        ("__MACOSX/My Course/._index.html", b"junk"),
        ("My Course/Thumbs.db", b"junk"),
    ];
    let ingested = run(zip_of(&entries, deflated()), &Limits::default()).expect("accepted");
    let codes: Vec<&str> = ingested
        .course
        .warnings
        .iter()
        .map(|w| w.code.as_str())
        .collect();
    assert!(
        codes.contains(&"package_rerooted") && codes.contains(&"junk_files_removed"),
        "{codes:?}"
    );
    let paths: Vec<&str> = ingested.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["cmi5.xml", "index.html"]);
}

/// Rewrites the uncompressed size of `name` in its local and central headers (APPNOTE 4.3.7,
/// 4.3.12) so the headers claim `size` bytes.
fn patch_sizes(bytes: &mut [u8], name: &str, size: u32) {
    for (signature, size_at, name_len_at, name_at) in
        [(b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)]
    {
        for start in positions(bytes, signature) {
            let len =
                u16::from_le_bytes([bytes[start + name_len_at], bytes[start + name_len_at + 1]])
                    as usize;
            if bytes.get(start + name_at..start + name_at + len) == Some(name.as_bytes()) {
                bytes[start + size_at..start + size_at + 4].copy_from_slice(&size.to_le_bytes());
            }
        }
    }
}

/// Sets general-purpose bit 0 (encrypted) on every entry (APPNOTE 4.4.4).
fn set_encrypted_flags(bytes: &mut [u8]) {
    for (signature, flags_at) in [(b"PK\x03\x04", 6), (b"PK\x01\x02", 8)] {
        for start in positions(bytes, signature) {
            bytes[start + flags_at] |= 1;
        }
    }
}

fn positions(bytes: &[u8], signature: &[u8; 4]) -> Vec<usize> {
    bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| w == signature)
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn a_single_uploaded_file_is_stored_under_its_base_name_only() {
    let mut sink = Recorder::default();
    let pdf = b"%PDF-1.4 minimal".to_vec();
    let ingested = ingest(
        Cursor::new(pdf),
        "../../etc/Safety Rules.pdf",
        &mut sink,
        &Limits::default(),
    )
    .expect("a lone PDF is a media course");
    assert_eq!(ingested.course.standard.as_str(), "media");
    assert_eq!(ingested.course.title, "Safety Rules");
    let paths: Vec<&str> = sink.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["Safety Rules.pdf"]);
}

#[test]
fn a_bare_cmi5_xml_is_a_course_only_with_absolute_urls() {
    let absolute = CMI5.replace(
        "<url>index.html</url>",
        "<url>https://cdn.example.com/au/</url>",
    );
    let ingested = ingest(
        Cursor::new(absolute.into_bytes()),
        "cmi5.xml",
        &mut Recorder::default(),
        &Limits::default(),
    )
    .expect("absolute URLs need no package");
    assert_eq!(ingested.course.launchable_count(), 1);
    let relative = ingest(
        Cursor::new(CMI5.as_bytes().to_vec()),
        "cmi5.xml",
        &mut Recorder::default(),
        &Limits::default(),
    );
    assert_eq!(rejection(relative), "cmi5_relative_url_without_package");
}

#[test]
fn an_oversized_descriptor_is_refused_without_reading_it_whole() {
    let limits = Limits {
        max_descriptor_bytes: 1024,
        ..Limits::default()
    };
    let padded = CMI5.replace(
        "<courseStructure",
        &format!("<!-- {} --><courseStructure", "x".repeat(4096)),
    );
    let entries: Vec<(&str, &[u8])> = vec![("cmi5.xml", padded.as_bytes()), ("index.html", b"x")];
    assert_eq!(
        rejection(run(zip_of(&entries, deflated()), &limits)),
        "descriptor_too_large"
    );
}

#[test]
fn a_duplicated_entry_keeps_the_first_copy_with_a_warning() {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in [
        ("cmi5.xml", CMI5),
        ("index.html", "first"),
        ("./index.html", "second"),
    ] {
        writer.start_file(name, deflated()).expect("entry");
        writer.write_all(content.as_bytes()).expect("content");
    }
    let mut sink = Recorder::default();
    let bytes = writer.finish().expect("zip").into_inner();
    let ingested =
        ingest(Cursor::new(bytes), "d.zip", &mut sink, &Limits::default()).expect("accepted");
    assert!(
        ingested
            .course
            .warnings
            .iter()
            .any(|w| w.code == "duplicate_entry")
    );
    assert_eq!(
        sink.files
            .iter()
            .filter(|(p, _)| p == "index.html")
            .map(|(_, c)| c.as_slice())
            .collect::<Vec<_>>(),
        [b"first"]
    );
}

//! `imsmanifest.xml` through the top-level API: detection, then the SCORM parser, on a package
//! held in memory. Any panic is a bug; rejections are fine.
#![no_main]

use larch_package::{MemorySource, parse_package};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut source = MemorySource::new([
        ("imsmanifest.xml", data.to_vec()),
        ("index.html", b"<html></html>".to_vec()),
        ("shared/launch page.html", b"<html></html>".to_vec()),
        ("metadata.xml", data.to_vec()),
    ]);
    let _ = parse_package(&mut source);
});

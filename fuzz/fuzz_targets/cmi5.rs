//! `cmi5.xml`, both inside a package (relative URLs resolved against its files) and imported
//! on its own (a bare course structure).
#![no_main]

use larch_package::{MemorySource, parse_package, parse_single_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut source = MemorySource::new([
        ("cmi5.xml", data.to_vec()),
        ("index.html", b"<html></html>".to_vec()),
        ("au/start.html", b"<html></html>".to_vec()),
    ]);
    let _ = parse_package(&mut source);
    let _ = parse_single_file("cmi5.xml", data);
});

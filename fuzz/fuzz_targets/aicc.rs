//! The AICC course structure files. The input is split on `0xFF` bytes (never valid in the
//! text of these files) into `.crs`, `.au`, `.des`, `.cst`, `.pre` and `.ort` contents.
#![no_main]

use larch_package::{MemorySource, parse_package};
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 6] = ["c.crs", "c.au", "c.des", "c.cst", "c.pre", "c.ort"];

fuzz_target!(|data: &[u8]| {
    let mut files: Vec<(String, Vec<u8>)> = data
        .split(|b| *b == 0xFF)
        .zip(FILES)
        .map(|(content, name)| (name.to_owned(), content.to_vec()))
        .collect();
    files.push(("index.html".to_owned(), b"<html></html>".to_vec()));
    let _ = parse_package(&mut MemorySource::new(files));
});

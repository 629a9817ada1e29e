//! Damaged descriptors never panic: deterministic mutations (truncation, byte flips, inserted
//! markup) of real cmi5, AICC and tincan.xml files must each end in a course or a rejection.
//! The fuzz targets in `fuzz/` go further; this keeps the basics in every test run.

use std::io::Read;

use larch_package::{MemorySource, parse_package, parse_single_file};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

/// Deterministic mutations of `seed`: truncations, flipped bytes, spliced-in fragments.
fn mutations(seed: &[u8]) -> Vec<Vec<u8>> {
    let mut state = 0x2545_F491_4F6C_DD1D_u64 ^ seed.len() as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % 1_000_003).expect("small")
    };
    let fragments: [&[u8]; 6] = [
        b"<",
        b"\"",
        b"\xC3",
        b"<!DOCTYPE x [<!ENTITY a \"b\">]>",
        b"\r\n[Course]\r\n",
        b"&amp;",
    ];
    let mut out = Vec::new();
    for _ in 0..150 {
        let mut bytes = seed.to_vec();
        let at = next() % (bytes.len() + 1);
        match next() % 3 {
            0 => bytes.truncate(at),
            1 if at < bytes.len() => bytes[at] ^= 1 << (next() % 8),
            _ => {
                let fragment = fragments[next() % fragments.len()];
                bytes.splice(at..at, fragment.iter().copied());
            }
        }
        out.push(bytes);
    }
    out
}

fn zip_member(zip: &str, name: &str) -> Vec<u8> {
    let file = std::fs::File::open(format!("{FIXTURES}/{zip}")).expect("fixture");
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
fn damaged_cmi5_structures_are_rejected_or_read_never_panicking() {
    let seed = std::fs::read(format!(
        "{FIXTURES}/cmi5/catapult-lts-import/205-2-duplicated-objective.xml"
    ))
    .expect("fixture");
    for bytes in mutations(&seed) {
        let _ = parse_single_file("cmi5.xml", &bytes);
        let _ = parse_package(&mut MemorySource::new([("cmi5.xml", bytes)]));
    }
}

#[test]
fn damaged_aicc_files_are_rejected_or_read_never_panicking() {
    for name in ["complex.au", "complex.cst", "complex.crs", "complex.ort"] {
        let seed = zip_member("aicc/emp_aicc_complex.zip", name);
        for bytes in mutations(&seed) {
            let mut files: Vec<(String, Vec<u8>)> = [
                "complex.au",
                "complex.cst",
                "complex.crs",
                "complex.ort",
                "complex.des",
                "complex.pre",
            ]
            .iter()
            .map(|n| ((*n).to_owned(), zip_member("aicc/emp_aicc_complex.zip", n)))
            .collect();
            files.retain(|(n, _)| n != name);
            files.push((name.to_owned(), bytes));
            files.push(("intro.html".to_owned(), b"x".to_vec()));
            let _ = parse_package(&mut MemorySource::new(files));
        }
    }
}

#[test]
fn damaged_tincan_files_are_rejected_or_read_never_panicking() {
    let seed = zip_member("xapi/rustici_GolfExample_TCAPI.zip", "tincan.xml");
    for bytes in mutations(&seed) {
        let _ = parse_package(&mut MemorySource::new([
            ("tincan.xml", bytes),
            ("index.html", b"x".to_vec()),
        ]));
    }
}

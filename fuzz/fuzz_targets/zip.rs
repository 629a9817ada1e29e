//! The container layer: arbitrary bytes as an uploaded zip, with small limits so that the
//! limit checks themselves are exercised. Must never panic, hang or allocate without bound.
#![no_main]

use std::io::Cursor;

use larch_package::{Limits, NullSink, ingest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_total_bytes: 8 << 20,
        max_entry_bytes: 4 << 20,
        max_entries: 1_000,
        ratio_grace_bytes: 64 << 10,
        ..Limits::default()
    };
    let _ = ingest(
        Cursor::new(data.to_vec()),
        "upload.zip",
        &mut NullSink,
        &limits,
    );
});

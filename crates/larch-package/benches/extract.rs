//! Extraction benchmark (not a test): builds a ~1 GB package — many small text files plus
//! large incompressible media — in a temporary folder, extracts it through a [`BlobSink`]
//! that writes every file to disk, and prints wall time, throughput and peak RSS next to
//! `unzip` on the same file.
//!
//! ```sh
//! cargo bench -p larch-package --bench extract            # ~1 GB (default)
//! LARCH_BENCH_MB=200 cargo bench -p larch-package --bench extract
//! ```
//!
//! The extraction runs in a child process (this binary re-executed) so that its peak RSS
//! (`VmHWM`) is the extraction's alone. Target: under 100 MB whatever the package size.
//!
//! Measured once (2026-11-28, shared 2-core machine, 1,024 MB uncompressed / 904 MB zipped,
//! 10,006 files; `unzip` ran second, after our 1 GB of writes):
//!
//! | extractor | seconds | MB/s | peak RSS |
//! |---|---|---|---|
//! | larch-package (disk sink, SHA-256 of every file) | 3.08 | 332 | 14.3 MB |
//! | `unzip -q -o` (UnZip 6.00) | 9.56 | 107 | 3.3 MB |

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use larch_package::{BlobSink, Limits, ingest_path};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const SMALL_FILES: usize = 10_000;
const SMALL_FILE_BYTES: usize = 20 << 10;
const MEDIA_FILES: usize = 4;

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--extract") {
        return extract(Path::new(&args[2]), Path::new(&args[3]));
    }
    let total_mb: usize = std::env::var("LARCH_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir()?;
    let zip_path = dir.path().join("package.zip");
    let started = Instant::now();
    let bytes = build_package(&zip_path, total_mb)?;
    let zip_size = fs::metadata(&zip_path)?.len();
    println!(
        "package: {} files, {:.0} MB uncompressed, {:.0} MB zipped (built in {:.1} s)",
        SMALL_FILES + MEDIA_FILES + 2,
        mb(bytes),
        mb(zip_size),
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<22} {:>9} {:>12} {:>14}",
        "extractor", "seconds", "MB/s", "peak RSS (MB)"
    );
    let ours = run_child(
        &std::env::current_exe()?,
        &[
            "--extract",
            path_str(&zip_path),
            path_str(&dir.path().join("larch")),
        ],
    )?;
    report("larch-package (sink)", ours, bytes);
    let unzip_out = dir.path().join("unzip");
    let args = [
        "-v",
        "unzip",
        "-q",
        "-o",
        path_str(&zip_path),
        "-d",
        path_str(&unzip_out),
    ];
    match run_child(Path::new("/usr/bin/time"), &args) {
        Ok(theirs) => report("unzip", theirs, bytes),
        Err(e) => println!("unzip: not run ({e})"),
    }
    Ok(())
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1 << 20)
}

fn report(name: &str, (seconds, peak_kb): (f64, u64), bytes: u64) {
    println!(
        "{name:<22} {seconds:>9.2} {:>12.0} {:>14.1}",
        mb(bytes) / seconds,
        peak_kb as f64 / 1024.0
    );
}

/// Runs a child, returns (wall seconds, peak RSS in kB). Our child prints `peak_rss_kb=`;
/// `/usr/bin/time -v` prints `Maximum resident set size (kbytes):`.
fn run_child(program: &Path, args: &[&str]) -> io::Result<(f64, u64)> {
    let started = Instant::now();
    let output = Command::new(program).args(args).output()?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(io::Error::other(
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let peak = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("peak_rss_kb=").or_else(|| {
                l.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")
            })
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok((seconds, peak))
}

/// Writes the package; returns its uncompressed size.
fn build_package(path: &Path, total_mb: usize) -> io::Result<u64> {
    let mut zip = ZipWriter::new(BufWriter::new(File::create(path)?));
    let text = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    let media = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    let mut total = 0u64;
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for (name, content) in [
        ("cmi5.xml", COURSE.as_bytes()),
        ("index.html", b"<html><body>course</body></html>".as_slice()),
    ] {
        zip.start_file(name, text)?;
        zip.write_all(content)?;
        total += content.len() as u64;
    }
    let small_budget = SMALL_FILES * SMALL_FILE_BYTES;
    for i in 0..SMALL_FILES {
        zip.start_file(format!("content/page{:03}/part{i}.js", i % 100), text)?;
        let page = rng.text(SMALL_FILE_BYTES);
        zip.write_all(&page)?;
        total += page.len() as u64;
    }
    let media_bytes = ((total_mb << 20).saturating_sub(small_budget) / MEDIA_FILES).max(1 << 20);
    let mut chunk = vec![0u8; 1 << 20];
    for m in 0..MEDIA_FILES {
        zip.start_file(format!("media/video{m}.mp4"), media)?;
        let mut left = media_bytes;
        while left > 0 {
            let n = left.min(chunk.len());
            rng.fill(&mut chunk[..n]);
            zip.write_all(&chunk[..n])?;
            left -= n;
        }
        total += media_bytes as u64;
    }
    zip.finish()?.flush()?;
    Ok(total)
}

/// The child: ingest the zip, storing every file under `out`; print the peak RSS.
fn extract(zip: &Path, out: &Path) -> io::Result<()> {
    let mut sink = DiskSink {
        root: out.to_path_buf(),
    };
    let ingested = ingest_path(zip, &mut sink, &Limits::default())
        .map_err(|e| io::Error::other(e.to_string()))?;
    assert_eq!(
        ingested.course.launchable_count(),
        1,
        "the benchmark package is a valid course"
    );
    let status = fs::read_to_string("/proc/self/status")?;
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap_or("0 kB")
        .trim()
        .trim_end_matches(" kB");
    println!("peak_rss_kb={peak}");
    Ok(())
}

/// A blob store on the local disk: what the server's default object store does.
struct DiskSink {
    root: PathBuf,
}

impl BlobSink for DiskSink {
    fn put(&mut self, path: &str, reader: &mut dyn Read) -> io::Result<()> {
        let target = self.root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = BufWriter::new(File::create(target)?);
        io::copy(reader, &mut file)?;
        file.flush()
    }
}

const COURSE: &str = r#"<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/bench"><title><langstring>Bench</langstring></title><description><langstring>1 GB</langstring></description></course>
  <au id="https://example.com/bench/au"><title><langstring>AU</langstring></title><description><langstring>AU</langstring></description><url>index.html</url></au>
</courseStructure>"#;

/// A fast deterministic generator: media noise and compressible-like-code text.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    /// Text from a small vocabulary, which compresses about as well as real scripts.
    fn text(&mut self, len: usize) -> Vec<u8> {
        const WORDS: &[&str] = &[
            "var ",
            "function ",
            "return ",
            "this.",
            "state",
            " = ",
            "(",
            ")",
            "{\n",
            "}\n",
            "if ",
            "else ",
            "score",
            "lesson_status",
            ";\n",
            "\"",
            "0",
            "1",
            "cmi.",
            "API.",
        ];
        let mut out = Vec::with_capacity(len + 16);
        while out.len() < len {
            let word = WORDS[(self.next() % WORDS.len() as u64) as usize];
            out.extend_from_slice(word.as_bytes());
            if self.next().is_multiple_of(5) {
                out.extend_from_slice(format!("{}", self.next() % 10_000).as_bytes());
            }
        }
        out.truncate(len);
        out
    }
}

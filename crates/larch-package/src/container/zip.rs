//! Reading a zip's central directory into checked entries (APPNOTE 6.3.x).
//!
//! Every refusal happens here, before a byte is decompressed: traversal, links, encryption,
//! entry count. Decompression limits are enforced later, while streaming ([`super::sink`]).

use std::collections::HashSet;
use std::io::{self, Read, Seek, SeekFrom};

use zip::ZipArchive;

use super::names::{self, EntryName};
use super::{Entry, Origin, ReadSeek, legacy, unicode};
use crate::codes;
use crate::{Diagnostic, Limits, PackageError, Warnings};

/// An opened zip over any seekable reader.
pub(super) type Archive = ZipArchive<Box<dyn ReadSeek>>;

/// What the central directory says about one entry.
struct RawEntry {
    index: usize,
    name: Vec<u8>,
    dir: bool,
    symlink: bool,
    encrypted: bool,
    size: u64,
    compressed: u64,
}

/// Opens the archive and returns its checked, normalized, junk-free file entries.
pub(super) fn open(
    mut reader: Box<dyn ReadSeek>,
    limits: &Limits,
    warnings: &mut Warnings,
) -> Result<(Archive, Vec<Entry>), PackageError> {
    let starts_like_zip = sniff(&mut reader)?;
    precheck_entry_count(&mut reader, limits)?;
    let mut archive = ZipArchive::new(reader).map_err(|e| open_error(starts_like_zip, &e))?;
    if archive.is_empty() {
        return Err(reject(
            codes::EMPTY_PACKAGE,
            "The zip file is empty: it contains no files.",
        ));
    }
    if archive.len() > limits.max_entries {
        return Err(too_many(archive.len(), limits));
    }
    let raw = (0..archive.len())
        .map(|index| read_raw(&mut archive, index))
        .collect::<Result<Vec<_>, _>>()?;
    let entries = check_entries(&raw, warnings)?;
    if entries.is_empty() {
        return Err(reject(
            codes::EMPTY_PACKAGE,
            "The zip file holds only folders and system junk, no course files.",
        ));
    }
    Ok((archive, entries))
}

/// Local file header, empty-archive end record, or spanning marker (APPNOTE 4.3.6, 8.5.3).
fn sniff(reader: &mut Box<dyn ReadSeek>) -> io::Result<bool> {
    let mut magic = [0u8; 4];
    let n = read_up_to(reader, &mut magic)?;
    reader.rewind()?;
    Ok(n == 4 && matches!(&magic, b"PK\x03\x04" | b"PK\x05\x06" | b"PK\x07\x08"))
}

fn read_up_to(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Reads the entry count from the end-of-central-directory record (APPNOTE 4.3.16) so that a
/// directory of millions of entries is refused before it is loaded into memory. ZIP64
/// archives (count `0xFFFF`) are counted after loading instead.
fn precheck_entry_count(
    reader: &mut Box<dyn ReadSeek>,
    limits: &Limits,
) -> Result<(), PackageError> {
    let len = reader.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    reader.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; usize::try_from(tail_len).unwrap_or(0)];
    read_up_to(reader, &mut tail)?;
    reader.rewind()?;
    let Some(at) = tail.windows(4).rposition(|w| w == b"PK\x05\x06") else {
        return Ok(());
    };
    let count = tail
        .get(at + 10..at + 12)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]));
    if count != u16::MAX && usize::from(count) > limits.max_entries {
        return Err(too_many(usize::from(count), limits));
    }
    Ok(())
}

fn read_raw(
    archive: &mut ZipArchive<Box<dyn ReadSeek>>,
    index: usize,
) -> Result<RawEntry, PackageError> {
    let file = archive
        .by_index_raw(index)
        .map_err(|e| open_error(true, &e))?;
    Ok(RawEntry {
        index,
        name: file.name_raw().to_vec(),
        dir: file.is_dir(),
        symlink: file.is_symlink(),
        encrypted: file.encrypted(),
        size: file.size(),
        compressed: file.compressed_size(),
    })
}

/// Decodes, normalizes and vets every name; collects every refusal so the author sees them all.
fn check_entries(raw: &[RawEntry], warnings: &mut Warnings) -> Result<Vec<Entry>, PackageError> {
    let decoded = decode_names(raw, warnings);
    let (mut entries, mut errors, mut junk) = (Vec::new(), Vec::new(), 0usize);
    let (mut seen, mut backslashes) = (HashSet::new(), false);
    for (raw, name) in raw.iter().zip(decoded) {
        let name = match names::normalize(&name) {
            Ok(name) => name,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        if let Some(refusal) = refuse(raw, &name) {
            errors.push(refusal);
            continue;
        }
        backslashes |= name.had_backslashes;
        if name.is_dir || raw.dir {
            continue;
        }
        if names::is_junk(&name.path) {
            junk += 1;
            continue;
        }
        if !seen.insert(name.path.clone()) {
            warnings.push(duplicate(&name.path));
            continue;
        }
        entries.push(Entry {
            path: name.path,
            size: raw.size,
            compressed: raw.compressed,
            origin: Origin::Zip(raw.index),
        });
    }
    if !errors.is_empty() {
        return Err(PackageError::Rejected {
            errors,
            warnings: Vec::new(),
        });
    }
    note_fixes(junk, backslashes, warnings);
    Ok(entries)
}

fn refuse(raw: &RawEntry, name: &EntryName) -> Option<Diagnostic> {
    if raw.symlink {
        return Some(
            Diagnostic::new(
                codes::SYMLINK_ENTRY,
                "The zip contains a symbolic link, which could expose files outside the package.",
            )
            .in_file(&name.path),
        );
    }
    if raw.encrypted {
        return Some(
            Diagnostic::new(
                codes::ENCRYPTED_ENTRY,
                "The file is password-protected; re-create the zip without a password.",
            )
            .in_file(&name.path),
        );
    }
    None
}

/// Names that are valid UTF-8 are taken as such (flag 11 set, the Unicode Path extra field, or
/// a modern tool that forgot the flag); the rest share one guessed legacy code page.
fn decode_names(raw: &[RawEntry], warnings: &mut Warnings) -> Vec<String> {
    let legacy: Vec<&[u8]> = raw
        .iter()
        .map(|r| r.name.as_slice())
        .filter(|n| std::str::from_utf8(n).is_err())
        .collect();
    let page = (!legacy.is_empty()).then(|| legacy::guess(&legacy));
    if let Some(page) = page {
        warnings.push(Diagnostic::new(
            codes::LEGACY_FILENAME_ENCODING,
            format!(
                "{} file name(s) do not say how they are encoded; they were read as {}.",
                legacy.len(),
                page.label()
            ),
        ));
    }
    let decoded: Vec<String> = raw
        .iter()
        .map(|r| match (std::str::from_utf8(&r.name), page) {
            (Ok(name), _) => name.to_owned(),
            (Err(_), Some(page)) => page.decode(&r.name),
            (Err(_), None) => String::from_utf8_lossy(&r.name).into_owned(),
        })
        .collect();
    compose_all(decoded, warnings)
}

/// Composes macOS's decomposed names (see [`unicode`]) so they match the composed names
/// manifests use.
fn compose_all(names: Vec<String>, warnings: &mut Warnings) -> Vec<String> {
    let mut composed = 0usize;
    let names = names
        .into_iter()
        .map(|name| match unicode::compose(&name) {
            Some(nfc) => {
                composed += 1;
                nfc
            }
            None => name,
        })
        .collect();
    if composed > 0 {
        warnings.push(Diagnostic::new(
            codes::FILENAMES_COMPOSED,
            format!("{composed} file name(s) use decomposed accents (as macOS writes them); they were composed so links to them match."),
        ));
    }
    names
}

fn note_fixes(junk: usize, backslashes: bool, warnings: &mut Warnings) {
    if junk > 0 {
        warnings.push(Diagnostic::new(
            codes::JUNK_FILES_REMOVED,
            format!(
                "{junk} system file(s) such as __MACOSX/, .DS_Store or Thumbs.db were left out."
            ),
        ));
    }
    if backslashes {
        warnings.push(Diagnostic::new(
            codes::BACKSLASH_PATHS,
            "The zip uses backslashes in file paths; they were read as folder separators.",
        ));
    }
}

fn duplicate(path: &str) -> Diagnostic {
    Diagnostic::new(
        codes::DUPLICATE_ENTRY,
        "The zip contains this file twice; the first copy was used.",
    )
    .in_file(path)
}

fn too_many(count: usize, limits: &Limits) -> PackageError {
    reject(
        codes::TOO_MANY_ENTRIES,
        &format!(
            "The zip lists {count} entries; at most {} are allowed.",
            limits.max_entries
        ),
    )
}

fn open_error(starts_like_zip: bool, error: &zip::result::ZipError) -> PackageError {
    if starts_like_zip {
        reject(
            codes::CORRUPT_ZIP,
            &format!("The zip file is damaged and cannot be read ({error})."),
        )
    } else {
        reject(codes::NOT_A_ZIP, "The file is not a zip archive.")
    }
}

fn reject(code: &'static str, message: &str) -> PackageError {
    PackageError::rejected(Diagnostic::new(code, message))
}

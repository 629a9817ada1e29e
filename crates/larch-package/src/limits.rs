//! Safety limits for reading untrusted packages.
//!
//! Every limit is enforced on the bytes actually produced while streaming, never on the sizes a
//! zip header claims: headers are written by whoever made the zip.

/// Bounds on what reading one package may cost. The defaults suit real course packages (a few
/// GB of video at most) while refusing zip bombs long before memory or disk is at risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes all files may decompress to, together. By default 8 GiB.
    pub max_total_bytes: u64,
    /// Most bytes one file may decompress to. By default 4 GiB.
    pub max_entry_bytes: u64,
    /// Most entries (files and folders) a zip may list. By default 100,000.
    pub max_entries: usize,
    /// Highest compression ratio (decompressed ÷ compressed bytes) one entry may reach once it
    /// has produced more than [`Limits::ratio_grace_bytes`]. By default 200: real content (even
    /// text) stays far below; a bomb is in the thousands.
    pub max_ratio: u64,
    /// Bytes an entry may produce before the ratio check starts, so that small, very
    /// compressible files (an empty-ish JSON, a blank bitmap) pass. By default 1 MiB.
    pub ratio_grace_bytes: u64,
    /// Largest descriptor file (manifest, `cmi5.xml`, AICC files, metadata) read into memory.
    /// By default 8 MiB.
    pub max_descriptor_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_total_bytes: 8 << 30,
            max_entry_bytes: 4 << 30,
            max_entries: 100_000,
            max_ratio: 200,
            ratio_grace_bytes: 1 << 20,
            max_descriptor_bytes: 8 << 20,
        }
    }
}

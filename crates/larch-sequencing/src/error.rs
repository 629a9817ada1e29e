//! The exceptions of the SN book's pseudo-code (NB.2.1-x, TB.2.3-x, SB.2.x-y, DB.x-y), each
//! with the book's code so a log line can be looked up in the book.

use serde::Serialize;

/// A sequencing exception: the process that raised it failed with this code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Exception {
    /// The book's exception code, e.g. `NB.2.1-2`.
    pub code: &'static str,
    /// A short description of the failure.
    pub message: &'static str,
}

impl Exception {
    /// An exception with `code` and `message`.
    pub const fn new(code: &'static str, message: &'static str) -> Self {
        Self { code, message }
    }

    /// Whether this exception means "the flow walked off the end of the activity tree",
    /// which ends the sequencing session (SB.2.1-1, 4th Ed).
    pub fn is_end_of_tree(&self) -> bool {
        self.code == END_OF_TREE.code
    }
}

/// SB.2.1-1: a forward traversal passed the last activity of the tree.
pub const END_OF_TREE: Exception =
    Exception::new("SB.2.1-1", "walked off the end of the activity tree");

/// Shorthand for the engine's results.
pub type SeqResult<T> = Result<T, Exception>;

//! Larch server.
#![deny(missing_docs)]

//! larch-sequencing (under construction).
#![deny(missing_docs)]

//! larch-package (under construction).
#![deny(missing_docs)]

//! larch-cmi (under construction).
#![deny(missing_docs)]

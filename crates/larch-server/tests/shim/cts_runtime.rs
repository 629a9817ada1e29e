//! larch-runtime's CTS driver, included as is, over the recording shim.

#[path = "../../../larch-runtime/tests/cts_runtime/course.rs"]
pub mod course;
#[path = "../../../larch-runtime/tests/cts_runtime/driver.rs"]
pub mod driver;
#[path = "../../../larch-runtime/tests/cts_runtime/learner.rs"]
pub mod learner;
#[path = "cts_recorder.rs"]
pub mod shim;

//! Helpers of the S3 blob-store test: a local moto S3 server and `larch serve` processes.

pub mod moto;
pub mod node;

//! API error codes and their strings.
//!
//! SCORM 1.2 RTE 3.3.3 (Table 3.3.3a) and SCORM 2004 RTE 3.1.7 (Table 3.1.7a)
//! define numeric codes and the text `GetErrorString` returns for each. The
//! two tables overlap numerically but not in meaning (301 is "Not initialized"
//! in 1.2 and "General Get Failure" in 2004), so every lookup takes the version.

use serde::{Deserialize, Serialize};

use crate::ScormVersion;

/// A numeric API error code, as `GetLastError` returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(pub u16);

impl ErrorCode {
    /// 0: no error (both versions).
    pub const NO_ERROR: Self = Self(0);
    /// 101: general exception (both versions).
    pub const GENERAL: Self = Self(101);
    /// 2004 102: general initialization failure.
    pub const INIT_FAILURE: Self = Self(102);
    /// 2004 103: already initialized.
    pub const ALREADY_INITIALIZED: Self = Self(103);
    /// 2004 104: content instance terminated.
    pub const INSTANCE_TERMINATED: Self = Self(104);
    /// 2004 111: general termination failure.
    pub const TERMINATION_FAILURE: Self = Self(111);
    /// 2004 112: termination before initialization.
    pub const TERMINATE_BEFORE_INIT: Self = Self(112);
    /// 2004 113: termination after termination.
    pub const TERMINATE_AFTER_TERMINATE: Self = Self(113);
    /// 2004 122: retrieve data before initialization.
    pub const GET_BEFORE_INIT: Self = Self(122);
    /// 2004 123: retrieve data after termination.
    pub const GET_AFTER_TERMINATE: Self = Self(123);
    /// 2004 132: store data before initialization.
    pub const SET_BEFORE_INIT: Self = Self(132);
    /// 2004 133: store data after termination.
    pub const SET_AFTER_TERMINATE: Self = Self(133);
    /// 2004 142: commit before initialization.
    pub const COMMIT_BEFORE_INIT: Self = Self(142);
    /// 2004 143: commit after termination.
    pub const COMMIT_AFTER_TERMINATE: Self = Self(143);
    /// 201: general argument error (2004) / invalid argument (1.2).
    pub const ARGUMENT: Self = Self(201);
    /// 1.2 202: element cannot have children.
    pub const V12_NO_CHILDREN: Self = Self(202);
    /// 1.2 203: element not an array, cannot have count.
    pub const V12_NO_COUNT: Self = Self(203);
    /// 2004 301: general get failure. (1.2: not initialized.)
    pub const GET_FAILURE: Self = Self(301);
    /// 1.2 301: not initialized.
    pub const V12_NOT_INITIALIZED: Self = Self(301);
    /// 2004 351: general set failure.
    pub const SET_FAILURE: Self = Self(351);
    /// 2004 391: general commit failure.
    pub const COMMIT_FAILURE: Self = Self(391);
    /// 2004 401: undefined data model element. (1.2: not implemented.)
    pub const UNDEFINED_ELEMENT: Self = Self(401);
    /// 2004 402: unimplemented data model element. (1.2: element is a keyword.)
    pub const UNIMPLEMENTED: Self = Self(402);
    /// 1.2 402: invalid set value, element is a keyword.
    pub const V12_KEYWORD: Self = Self(402);
    /// 2004 403: value not initialized. (1.2: element is read only.)
    pub const NOT_INITIALIZED_VALUE: Self = Self(403);
    /// 1.2 403: element is read only.
    pub const V12_READ_ONLY: Self = Self(403);
    /// 2004 404: element is read only. (1.2: element is write only.)
    pub const READ_ONLY: Self = Self(404);
    /// 1.2 404: element is write only.
    pub const V12_WRITE_ONLY: Self = Self(404);
    /// 2004 405: element is write only. (1.2: incorrect data type.)
    pub const WRITE_ONLY: Self = Self(405);
    /// 1.2 405: incorrect data type.
    pub const V12_TYPE: Self = Self(405);
    /// 2004 406: type mismatch.
    pub const TYPE_MISMATCH: Self = Self(406);
    /// 2004 407: value out of range.
    pub const OUT_OF_RANGE: Self = Self(407);
    /// 2004 408: dependency not established.
    pub const DEPENDENCY: Self = Self(408);

    /// The code as the API returns it from `GetLastError`: decimal digits.
    pub fn as_api_string(self) -> String {
        self.0.to_string()
    }

    /// The text `GetErrorString` returns for this code, or `None` for a code
    /// the version does not define.
    pub fn message(self, version: ScormVersion) -> Option<&'static str> {
        let table = if version.is_2004() {
            TABLE_2004
        } else {
            TABLE_12
        };
        table.iter().find(|(c, _)| *c == self.0).map(|(_, m)| *m)
    }

    /// Looks a code up from the exact string content passed to
    /// `GetErrorString`/`GetDiagnostic`. Only the canonical decimal spelling of
    /// a defined code matches: "001" or "1444" are not error codes, and the API
    /// answers them with an empty string (RTE 3.1.4.4.2, CTS API test).
    pub fn parse_exact(raw: &str, version: ScormVersion) -> Option<Self> {
        let code: u16 = raw.parse().ok()?;
        let code = Self(code);
        (code.as_api_string() == raw && code.message(version).is_some()).then_some(code)
    }
}

/// SCORM 2004 RTE 3.1.7, Table 3.1.7a.
const TABLE_2004: &[(u16, &str)] = &[
    (0, "No Error"),
    (101, "General Exception"),
    (102, "General Initialization Failure"),
    (103, "Already Initialized"),
    (104, "Content Instance Terminated"),
    (111, "General Termination Failure"),
    (112, "Termination Before Initialization"),
    (113, "Termination After Termination"),
    (122, "Retrieve Data Before Initialization"),
    (123, "Retrieve Data After Termination"),
    (132, "Store Data Before Initialization"),
    (133, "Store Data After Termination"),
    (142, "Commit Before Initialization"),
    (143, "Commit After Termination"),
    (201, "General Argument Error"),
    (301, "General Get Failure"),
    (351, "General Set Failure"),
    (391, "General Commit Failure"),
    (401, "Undefined Data Model Element"),
    (402, "Unimplemented Data Model Element"),
    (403, "Data Model Element Value Not Initialized"),
    (404, "Data Model Element Is Read Only"),
    (405, "Data Model Element Is Write Only"),
    (406, "Data Model Element Type Mismatch"),
    (407, "Data Model Element Value Out Of Range"),
    (408, "Data Model Dependency Not Established"),
];

/// SCORM 1.2 RTE 3.3.3, Table 3.3.3a.
const TABLE_12: &[(u16, &str)] = &[
    (0, "No error"),
    (101, "General exception"),
    (201, "Invalid argument error"),
    (202, "Element cannot have children"),
    (203, "Element not an array - cannot have count"),
    (301, "Not initialized"),
    (401, "Not implemented error"),
    (402, "Invalid set value, element is a keyword"),
    (403, "Element is read only"),
    (404, "Element is write only"),
    (405, "Incorrect data type"),
];

/// A failed API call: the code `GetLastError` will return and the diagnostic
/// text `GetDiagnostic` will return (always shorter than 255 characters, as
/// the ADL conformance test requires).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CmiError {
    /// The error code.
    pub code: ErrorCode,
    /// Human-readable detail naming the element and the rule.
    pub diagnostic: String,
}

impl CmiError {
    /// Builds an error, clipping the diagnostic to 254 characters.
    pub fn new(code: ErrorCode, diagnostic: impl Into<String>) -> Self {
        let mut diagnostic: String = diagnostic.into();
        if diagnostic.chars().count() > 254 {
            diagnostic = diagnostic.chars().take(250).collect::<String>() + "...";
        }
        Self { code, diagnostic }
    }
}

impl std::fmt::Display for CmiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error {}: {}", self.code.0, self.diagnostic)
    }
}

impl std::error::Error for CmiError {}

/// Shorthand used throughout the crate.
pub(crate) fn err(code: ErrorCode, diagnostic: impl Into<String>) -> CmiError {
    CmiError::new(code, diagnostic)
}

//! The LRS's error shape, mapped to HTTP in one place: a status, a short JSON body
//! `{"error": {"message"}}` naming the offending property (xAPI-Communication 3.2 "Error
//! Codes" leaves the body free), and the version header (Communication 3.3: every response).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use larch_store::StoreError;
use larch_xapi::XapiVersion;
use serde_json::json;

/// Everything an LRS handler can fail with.
#[derive(Debug)]
pub(crate) struct XapiError {
    status: StatusCode,
    message: String,
    /// The version to answer with; `None` answers with the latest.
    pub(crate) version: Option<XapiVersion>,
}

impl XapiError {
    fn new(status: StatusCode, message: impl std::fmt::Display) -> Self {
        Self {
            status,
            message: message.to_string(),
            version: None,
        }
    }

    /// 400: malformed request or invalid statement (the message names the property).
    pub(crate) fn bad_request(message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401: no credential, or one that opens nothing.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "send an LRS credential as HTTP Basic key:secret",
        )
    }

    /// 403: the credential's scopes do not allow this (Communication 4.2).
    pub(crate) fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "the credential's scopes do not allow this",
        )
    }

    /// 403 with a reason: a launch token may not do this (its actor, registration).
    pub(crate) fn forbidden_because(message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404: no such statement or document.
    pub(crate) fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not found")
    }

    /// 405: the resource exists with other methods.
    pub(crate) fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
    }

    /// 409: a conflict (statement id taken by another statement; document changed).
    pub(crate) fn conflict(message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 412: `If-Match` / `If-None-Match` failed.
    pub(crate) fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "the document's ETag does not match the precondition",
        )
    }

    /// Answers with this version header.
    pub(crate) fn with_version(mut self, version: XapiVersion) -> Self {
        self.version = Some(version);
        self
    }
}

impl From<StoreError> for XapiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict => Self::conflict("a statement with this id is already stored"),
            StoreError::Unavailable(_) => {
                tracing::error!(error = %err, "LRS storage unavailable");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "service unavailable")
            }
            other => {
                tracing::error!(error = %other, "LRS storage failure");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

impl IntoResponse for XapiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"message": self.message}}).to_string();
        let version = self.version.unwrap_or(XapiVersion::V2_0_0).header_value();
        (
            self.status,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::HeaderName::from_static("x-experience-api-version"),
                    HeaderValue::from_static(version),
                ),
            ],
            body,
        )
            .into_response()
    }
}

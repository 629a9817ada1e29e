//! The one API error type, mapped to HTTP in one place (`IntoResponse`).
//!
//! Body: `{"error": {"type", "code", "message", "param", "request_id"}}`. 5xx bodies say nothing
//! about the cause; the cause is logged once, here, with the request id.

use crate::request_id::current_request_id;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use larch_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Everything an API handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or a parameter is invalid.
    #[error("{message}")]
    Invalid {
        /// Stable machine-readable code, e.g. `parameter_invalid`.
        code: &'static str,
        /// Human explanation.
        message: String,
        /// The offending parameter (`email`, `learner.first_name`), when one is to blame.
        param: Option<String>,
    },
    /// 401: no key, or a key that opens nothing.
    #[error("{message}")]
    Unauthenticated {
        /// `api_key_missing` or `api_key_invalid`.
        code: &'static str,
        /// Human explanation.
        message: String,
    },
    /// 404: no such object in the caller's scope (also for other tenants' ids: never 403).
    #[error("no such {what}")]
    NotFound {
        /// What was looked for: `learner`, `route`, …
        what: &'static str,
        /// The id, when one was given.
        id: Option<String>,
    },
    /// 405: the path exists with other methods.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the request conflicts with the current state (id taken, idempotency key reused).
    #[error("{message}")]
    Conflict {
        /// `resource_exists`, `idempotency_key_reused`, `idempotency_key_in_use`, …
        code: &'static str,
        /// Human explanation.
        message: String,
        /// The parameter involved, if any.
        param: Option<String>,
    },
    /// 413: the body is larger than the limit.
    #[error("request body larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 415: not JSON where JSON is expected.
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    /// 429: the key's rate limit is spent; retry after the given seconds.
    #[error("too many requests")]
    RateLimited {
        /// Seconds until a request will be accepted.
        retry_after: u64,
    },
    /// 503: the database (or another dependency) is unreachable; retry later.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 500: a bug or an unexpected failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 400 about one parameter.
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code: "parameter_invalid",
            message: message.into(),
            param: Some(param.to_owned()),
        }
    }

    /// A 404 for an object of kind `what` with this id.
    pub fn not_found(what: &'static str, id: &str) -> Self {
        Self::NotFound {
            what,
            id: Some(id.to_owned()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(_) => Self::Unavailable(err.into()),
            StoreError::Conflict => Self::Conflict {
                code: "resource_exists",
                message: "an object with this id already exists".into(),
                param: Some("id".into()),
            },
            StoreError::Missing(what) => Self::Invalid {
                code: "resource_missing",
                message: format!("no such {what}"),
                param: Some(format!("{what}_id")),
            },
            StoreError::InUse => Self::Conflict {
                code: "resource_in_use",
                message: "other objects still refer to this one; delete them first".into(),
                param: None,
            },
            other => Self::Internal(other.into()),
        }
    }
}

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong, for programs (`type`, `code`, `param`) and for people (`message`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid_request_error`, `authentication_error`, `idempotency_error`,
    /// `rate_limit_error` or `api_error`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Stable machine-readable code (see docs/API-DESIGN.md).
    pub code: &'static str,
    /// Human explanation; may change between versions.
    pub message: String,
    /// The parameter at fault, when there is one.
    pub param: Option<String>,
    /// The `Request-Id` of this request, to quote in support requests and find in logs.
    pub request_id: Option<String>,
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str, Option<String>) {
        use StatusCode as S;
        match self {
            Self::Invalid { code, param, .. } => {
                (S::BAD_REQUEST, "invalid_request_error", code, param.clone())
            }
            Self::Unauthenticated { code, .. } => {
                (S::UNAUTHORIZED, "authentication_error", code, None)
            }
            Self::NotFound { .. } => (
                S::NOT_FOUND,
                "invalid_request_error",
                "resource_missing",
                None,
            ),
            Self::MethodNotAllowed => (
                S::METHOD_NOT_ALLOWED,
                "invalid_request_error",
                "method_not_allowed",
                None,
            ),
            Self::Conflict { code, param, .. } => {
                let kind = if code.starts_with("idempotency") {
                    "idempotency_error"
                } else {
                    "invalid_request_error"
                };
                (S::CONFLICT, kind, code, param.clone())
            }
            Self::TooLarge { .. } => (
                S::PAYLOAD_TOO_LARGE,
                "invalid_request_error",
                "body_too_large",
                None,
            ),
            Self::UnsupportedMediaType => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "invalid_request_error",
                "unsupported_media_type",
                None,
            ),
            Self::RateLimited { .. } => (
                S::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "rate_limited",
                None,
            ),
            Self::Unavailable(_) => (
                S::SERVICE_UNAVAILABLE,
                "api_error",
                "service_unavailable",
                None,
            ),
            Self::Internal(_) => (
                S::INTERNAL_SERVER_ERROR,
                "api_error",
                "internal_error",
                None,
            ),
        }
    }

    fn message(&self) -> String {
        match self {
            Self::NotFound { what, id: Some(id) } => format!("no such {what}: {id:?}"),
            Self::Unavailable(_) => "the service is temporarily unavailable; retry later".into(),
            Self::Internal(_) => {
                "an internal error occurred; quote the request_id when reporting it".into()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, code, param) = self.parts();
        let request_id = current_request_id();
        match &self {
            Self::Internal(e) => tracing::error!(error = ?e, "internal error"),
            Self::Unavailable(e) => tracing::warn!(error = ?e, "dependency unavailable"),
            _ => {}
        }
        let body = ErrorBody {
            error: ErrorDetail {
                kind,
                code,
                message: self.message(),
                param,
                request_id,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            Self::RateLimited { retry_after } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            Self::Unauthenticated { .. } => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer, Basic realm=\"larch\""),
                );
            }
            _ => {}
        }
        response
    }
}

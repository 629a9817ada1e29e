//! Extractors whose rejections are [`ApiError`]s, so malformed input gets the same structured
//! errors as everything else.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body, parsed with the path of the first offending field (`param` in the error).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let JsonBytes(bytes) = JsonBytes::from_request(req, state).await?;
        parse_json(&bytes).map(Self)
    }
}

/// A JSON body not parsed yet (`Content-Type` checked, size bounded), for a handler that
/// reads it more than once ([`parse_json`] each time).
#[derive(Debug, Clone, Default)]
pub struct JsonBytes(pub Bytes);

impl FromRequest<AppState> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge {
                    limit: state.config.max_body_bytes,
                }
            } else {
                ApiError::Invalid {
                    code: "body_unreadable",
                    message: rejection.body_text(),
                    param: None,
                }
            }
        })?;
        Ok(Self(bytes))
    }
}

/// Parses JSON, naming the offending field on failure. A body that parses is read once,
/// plainly; only one that fails is read again with its path tracked, for the error (the
/// tracking cost a commit's parse a third of its instructions). Both reads are the same
/// deserializer over the same bytes, so they fail alike.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    if let Ok(value) = T::deserialize(&mut de) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::Invalid {
                code: "invalid_json",
                message: format!("malformed JSON: {inner}"),
                param: None,
            }
        } else {
            let param = (path != ".").then_some(path);
            ApiError::Invalid {
                code: "parameter_invalid",
                message: inner.to_string(),
                param,
            }
        }
    })
}

/// Query parameters, with structured errors.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::Invalid {
                code: "parameter_invalid",
                message: rejection.body_text(),
                param: None,
            }),
        }
    }
}

/// A single path parameter, as text (validated by the handler, which knows its kind).
#[derive(Debug, Clone)]
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Self(id)),
            Err(rejection) => Err(ApiError::Invalid {
                code: "parameter_invalid",
                message: rejection.body_text(),
                param: None,
            }),
        }
    }
}

/// Two path parameters, as text, in path order (e.g. a rule id and one of its deliveries'
/// ids); validated by the handler.
#[derive(Debug, Clone)]
pub struct PathIds(pub String, pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path((a, b))) => Ok(Self(a, b)),
            Err(rejection) => Err(ApiError::Invalid {
                code: "parameter_invalid",
                message: rejection.body_text(),
                param: None,
            }),
        }
    }
}

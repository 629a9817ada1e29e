//! API key authentication (Bearer, or HTTP Basic with the key as user) and per-key rate limits.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use larch_store::ids::ApiKeyId;
use larch_store::{ApiKeySecret, Scope};

/// The authenticated caller: the scope its key opens. Handlers take it as an argument; it is
/// the only way they get a [`Scope`].
#[derive(Debug, Clone)]
pub struct Caller {
    /// The key's tenant, application and environment.
    pub scope: Scope,
    /// The key used.
    pub key_id: ApiKeyId,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Set by `authenticate`; absent only on a route mounted without it, which is a bug
        // that must fail closed.
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or_else(|| ApiError::Unauthenticated {
                code: "api_key_missing",
                message: "this route requires an API key".into(),
            })
    }
}

/// Middleware: authenticates the request's key, applies its rate limit, and hands the
/// [`Caller`] to the handler.
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let secret = presented_key(req.headers())?;
    let key = state
        .store
        .api_keys()
        .authenticate(&secret)
        .await?
        .ok_or_else(invalid_key)?;
    tracing::Span::current().record("key_id", key.id.as_str());
    state
        .limiter
        .check(key.id.as_str())
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    req.extensions_mut().insert(Caller {
        scope: key.scope,
        key_id: key.id,
    });
    Ok(next.run(req).await)
}

fn invalid_key() -> ApiError {
    ApiError::Unauthenticated {
        code: "api_key_invalid",
        message: "invalid or revoked API key".into(),
    }
}

/// The key in `Authorization: Bearer <key>` or `Authorization: Basic base64(<key>:)`.
fn presented_key(headers: &HeaderMap) -> Result<ApiKeySecret, ApiError> {
    let missing = || ApiError::Unauthenticated {
        code: "api_key_missing",
        message: "send your API key as `Authorization: Bearer sk_…` (or as the HTTP Basic user)"
            .into(),
    };
    let value = headers.get(header::AUTHORIZATION).ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| invalid_key())?;
    let (scheme, rest) = value.split_once(' ').ok_or_else(invalid_key)?;
    let raw = if scheme.eq_ignore_ascii_case("bearer") {
        rest.trim().to_owned()
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .map_err(|_| invalid_key())?;
        let decoded = String::from_utf8(decoded).map_err(|_| invalid_key())?;
        // The key is the user; the password is empty (curl -u sk_test_…:) and ignored.
        decoded
            .split_once(':')
            .map_or(decoded.as_str(), |(user, _)| user)
            .to_owned()
    } else {
        return Err(invalid_key());
    };
    ApiKeySecret::parse(&raw).map_err(|_| invalid_key())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_auth(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn bearer_and_basic_carry_the_same_key() {
        let key = format!("sk_test_{}", "a".repeat(40));
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{key}:"));
        assert_eq!(
            presented_key(&with_auth(&format!("Bearer {key}")))
                .unwrap()
                .expose(),
            key
        );
        assert_eq!(
            presented_key(&with_auth(&format!("Basic {basic}")))
                .unwrap()
                .expose(),
            key
        );
    }

    #[test]
    fn missing_and_malformed_keys_are_told_apart() {
        let missing = presented_key(&HeaderMap::new()).unwrap_err();
        assert!(matches!(
            missing,
            ApiError::Unauthenticated {
                code: "api_key_missing",
                ..
            }
        ));
        for bad in ["Bearer sk_test_short", "Token abc", "Basic !!!", "Bearer"] {
            let err = presented_key(&with_auth(bad)).unwrap_err();
            assert!(
                matches!(
                    err,
                    ApiError::Unauthenticated {
                        code: "api_key_invalid",
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }
}

//! Course files under a signed, expiring prefix: `GET /a/{token}/{path…}`. Relative links
//! inside the content resolve under the same prefix, so they keep working; nothing of a
//! course is reachable without a valid token.

use crate::error::ApiError;
use crate::import::sink::asset_key;
use crate::player::service::unix_now;
use crate::player::signing::AssetClaims;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt as _;
use larch_store::ids::CourseId;
use larch_store::{CourseAsset, Environment, Scope};
use object_store::{GetOptions, GetRange};

/// `GET /a/{token}/{*path}`.
pub(crate) async fn asset(
    State(app): State<AppState>,
    Path((token, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    match serve(&app, &token, &path, &headers).await {
        Ok(response) => response,
        Err(Refused(status)) => (status, status.canonical_reason().unwrap_or("")).into_response(),
    }
}

/// A refusal: only a status, never a detail about the course.
struct Refused(StatusCode);

impl From<ApiError> for Refused {
    fn from(err: ApiError) -> Self {
        tracing::error!(error = %err, "course file unavailable");
        Self(StatusCode::SERVICE_UNAVAILABLE)
    }
}

async fn serve(
    app: &AppState,
    token: &str,
    path: &str,
    headers: &HeaderMap,
) -> Result<Response, Refused> {
    let signer = app.runtime.signer(app).await?;
    let claims: AssetClaims = signer
        .verify("asset", token)
        .ok_or(Refused(StatusCode::FORBIDDEN))?;
    if claims.exp < unix_now() {
        return Err(Refused(StatusCode::FORBIDDEN));
    }
    let (scope, course) = target(&claims).ok_or(Refused(StatusCode::FORBIDDEN))?;
    let file = app
        .store
        .courses()
        .asset(scope, &course, claims.v, path)
        .await
        .map_err(ApiError::from)?
        .ok_or(Refused(StatusCode::NOT_FOUND))?;
    let etag = format!("\"{}\"", file.sha256);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return Ok(with_headers(
            StatusCode::NOT_MODIFIED.into_response(),
            &file,
            &etag,
        ));
    }
    let size = u64::try_from(file.size).unwrap_or(0);
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(spec) => match parse_range(spec, size) {
            Some(range) => Some(range),
            None => return Ok(unsatisfiable(size)),
        },
        None => None,
    };
    body(app, &file, &etag, size, range).await
}

/// 416 with the size, so the client can ask again (RFC 9110 15.5.17).
fn unsatisfiable(size: u64) -> Response {
    let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
    insert(
        &mut response,
        header::CONTENT_RANGE,
        &format!("bytes */{size}"),
    );
    response
}

async fn body(
    app: &AppState,
    file: &CourseAsset,
    etag: &str,
    size: u64,
    range: Option<(u64, u64)>,
) -> Result<Response, Refused> {
    let options = GetOptions {
        range: range.map(|(start, end)| GetRange::Bounded(start..end + 1)),
        ..GetOptions::default()
    };
    let got = app
        .blobs
        .object_store()
        .get_opts(&asset_key(&file.sha256), options)
        .await
        .map_err(|e| ApiError::Unavailable(e.into()))?;
    let stream = got.into_stream().map_err(std::io::Error::other);
    let mut response = Body::from_stream(stream).into_response();
    let (length, status) = match range {
        Some((start, end)) => {
            let value = format!("bytes {start}-{end}/{size}");
            insert(&mut response, header::CONTENT_RANGE, &value);
            (end - start + 1, StatusCode::PARTIAL_CONTENT)
        }
        None => (size, StatusCode::OK),
    };
    *response.status_mut() = status;
    insert(&mut response, header::CONTENT_LENGTH, &length.to_string());
    Ok(with_headers(response, file, etag))
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range; RFC 9110 14.1.2) → inclusive bounds.
fn parse_range(spec: &str, size: u64) -> Option<(u64, u64)> {
    let (first, last) = spec.strip_prefix("bytes=")?.trim().split_once('-')?;
    if size == 0 || first.contains(',') || last.contains(',') {
        return None;
    }
    let (start, end) = match (first.trim(), last.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            (size.saturating_sub(n), size - 1)
        }
        (start, "") => (start.parse().ok()?, size - 1),
        (start, end) => (start.parse().ok()?, end.parse::<u64>().ok()?.min(size - 1)),
    };
    (start <= end && start < size).then_some((start, end))
}

fn target(claims: &AssetClaims) -> Option<(Scope, CourseId)> {
    let scope = Scope {
        tenant: larch_store::TenantId(claims.t),
        app: larch_store::AppId(claims.a),
        env: Environment::parse(&claims.e)?,
    };
    Some((scope, CourseId::parse(&claims.c).ok()?))
}

fn insert(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

fn with_headers(mut response: Response, file: &CourseAsset, etag: &str) -> Response {
    insert(&mut response, header::CONTENT_TYPE, &file.content_type);
    insert(&mut response, header::ETAG, etag);
    // Files are content-addressed: the same path in the same version never changes.
    insert(
        &mut response,
        header::CACHE_CONTROL,
        "private, max-age=3600",
    );
    insert(&mut response, header::ACCEPT_RANGES, "bytes");
    insert(&mut response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    response
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(parse_range("bytes=0-9", 100), Some((0, 9)));
        assert_eq!(parse_range("bytes=90-", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=95-200", 100), Some((95, 99)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-1", 100), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
        assert_eq!(parse_range("items=0-1", 100), None);
        assert_eq!(parse_range("bytes=0-0", 0), None);
    }
}

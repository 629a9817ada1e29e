//! CORS for browser content calling the LRS from another origin (xAPI-Communication 1.3
//! mentions cross-origin use; the credential is sent explicitly, never as a cookie, so any
//! origin may call).

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

const ALLOW_METHODS: &str = "GET, HEAD, PUT, POST, DELETE, OPTIONS";
const ALLOW_HEADERS: &str = "Authorization, Content-Type, If-Match, If-None-Match, \
     X-Experience-API-Version, Accept-Language";
const EXPOSE_HEADERS: &str = "ETag, Last-Modified, Content-Type, X-Experience-API-Version, \
     X-Experience-API-Consistent-Through";

/// Answers preflights and marks every response as readable from any origin.
pub(crate) async fn cors(req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let preflight = req.method() == Method::OPTIONS;
    let requested = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let headers = response.headers_mut();
    allow(headers, origin);
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        let allowed = requested.unwrap_or(HeaderValue::from_static(ALLOW_HEADERS));
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, allowed);
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
    }
    response
}

fn allow(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    let origin = origin.unwrap_or(HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
}

//! The player page and its static script and stylesheet. The page has no inline script or
//! style, so its CSP can forbid both; it may be framed by any LMS.

use crate::content::escape;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use larch_store::ids::RegistrationId;
use sha2::{Digest as _, Sha256};
use std::sync::LazyLock;

/// The player and the SCORM API shim (docs/runtime-protocol.md), as written.
const PLAYER_SOURCE: &str = include_str!("../../assets/player/player.js");
/// The script as served: without its full-line comments, a seventh of it gzipped.
pub(crate) static PLAYER_JS: LazyLock<String> =
    LazyLock::new(|| without_comment_lines(PLAYER_SOURCE));

/// `js` without the lines that are only a comment: `// …` lines and `/* … */` blocks that
/// start a line (player.js never puts code after a block comment's end on its line, nor a
/// line starting with a comment marker inside a string). The code is untouched.
fn without_comment_lines(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.lines() {
        let t = line.trim_start();
        if in_block || t.starts_with("/*") {
            in_block = !t.contains("*/");
        } else if !t.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
/// The player frame's styles.
pub(crate) const PLAYER_CSS: &str = include_str!("../../assets/player/player.css");

/// A short hash of both files: their URLs change with their content, so they can be cached
/// for a year.
static ASSET_VERSION: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest([PLAYER_JS.as_str(), PLAYER_CSS].concat().as_bytes());
    hex::encode(&digest[..6])
});

/// The CSP of the player page: its own script and style, frames and calls to its own origin.
pub(crate) const PLAYER_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: https:; frame-src 'self' https:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'";

/// The player page. `secret` is present only on the launch URL's answer (the script moves it
/// to `sessionStorage` and rewrites the address to `/p/{pid}/`).
pub(crate) fn player_page(
    title: &str,
    pid: &str,
    secret: Option<&str>,
    (registration, instance): (&RegistrationId, i64),
) -> String {
    let secret = secret.map_or_else(String::new, |s| format!(" data-secret=\"{}\"", escape(s)));
    let data = format!(
        "{secret} data-registration=\"{}\" data-instance=\"{instance}\"",
        escape(registration.as_str()),
    );
    page_html(title, pid, &data)
}

/// The page served on reload (`/p/{pid}/`): the script reads the rest from `sessionStorage`.
pub(crate) fn reload_page(pid: &str) -> String {
    page_html("Course", pid, "")
}

fn page_html(title: &str, pid: &str, data: &str) -> String {
    let version = &*ASSET_VERSION;
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/static/player.css?v={version}\">\
         <script src=\"/static/player.js?v={version}\" defer></script></head>\
         <body data-pid=\"{pid}\"{data}>\
         <noscript>This course needs JavaScript.</noscript></body></html>",
        title = escape(title),
        pid = escape(pid),
    )
}

/// Headers of a player page answer.
pub(crate) fn player_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, axum::response::Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PLAYER_CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `GET /static/player.js` and `/static/player.css`.
pub(crate) async fn static_file(
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    let (body, kind) = match name.as_str() {
        "player.js" => (PLAYER_JS.as_str(), "text/javascript; charset=utf-8"),
        "player.css" => (PLAYER_CSS, "text/css; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // The page asks for `?v=<hash of the content>`: a new release changes the URL.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_go_and_code_stays() {
        let js = "  // a\n  /** b\n   * c */\n  var x = 1; // d\n  /* e */\n  f('//g');\n";
        assert_eq!(
            without_comment_lines(js),
            "  var x = 1; // d\n  f('//g');\n"
        );
        assert!(PLAYER_JS.len() < PLAYER_SOURCE.len() * 9 / 10);
        assert!(PLAYER_JS.contains("LarchShim"));
    }
}

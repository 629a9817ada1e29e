//! `/v1/player/branding`: the look of the player frame in the caller's environment (logo,
//! accent colour, name). The player applies it without weakening its CSP: the colour goes
//! through the CSSOM, the logo is an `<img>` the CSP's `img-src 'self' data: https:` admits.

use crate::api::validate;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use larch_store::PlayerBranding;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest `https:` logo URL.
const MAX_URL: usize = 2048;
/// The longest `data:` logo URL (about 48 KB of image).
const MAX_DATA_URL: usize = 65_536;
/// The image types a `data:` logo may have.
const DATA_TYPES: [&str; 5] = ["png", "jpeg", "gif", "webp", "svg+xml"];
/// The accent colour when none is set.
pub(crate) const DEFAULT_COLOR: &str = "#1f6feb";

/// The player frame's branding in this environment.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrandingObject {
    /// Always `player_branding`.
    #[schema(value_type = String, example = "player_branding")]
    pub object: &'static str,
    /// The logo shown in the frame: an `https:` URL or a `data:image/…;base64,` URL; `null`
    /// for none.
    pub logo_url: Option<String>,
    /// The accent colour (buttons, focus), `#rrggbb`; `null` for the default (`#1f6feb`).
    pub primary_color: Option<String>,
    /// Your organisation's name, the logo's text; `null` for none.
    pub name: Option<String>,
    /// Last change, Unix seconds (`null` while never set).
    pub updated: Option<i64>,
}

impl From<Option<PlayerBranding>> for BrandingObject {
    fn from(b: Option<PlayerBranding>) -> Self {
        let updated = b.as_ref().map(|b| b.updated);
        let b = b.unwrap_or_default();
        Self {
            object: "player_branding",
            logo_url: b.logo_url,
            primary_color: b.primary_color,
            name: b.name,
            updated,
        }
    }
}

/// Body of `PUT /v1/player/branding`: the whole branding (an absent field is `null`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutBranding {
    /// `https://…` (at most 2,048 characters) or `data:image/{png,jpeg,gif,webp,svg+xml};base64,…`
    /// (at most 65,536 characters).
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    pub primary_color: Option<String>,
    /// 1 to 255 characters.
    pub name: Option<String>,
}

/// The player branding of this environment.
#[utoipa::path(
    get, path = "/v1/player/branding", tag = "player", operation_id = "get_player_branding",
    responses((status = 200, body = BrandingObject)),
)]
pub(crate) async fn get(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<BrandingObject>, ApiError> {
    let found = app.store.branding().get(caller.scope).await?;
    Ok(axum::Json(found.into()))
}

/// Replace the player branding of this environment (test and live have their own).
#[utoipa::path(
    put, path = "/v1/player/branding", tag = "player", operation_id = "put_player_branding",
    request_body = PutBranding,
    responses(
        (status = 200, body = BrandingObject),
        (status = 400, description = "Invalid field", body = ErrorBody),
    ),
)]
pub(crate) async fn put(
    State(app): State<AppState>,
    caller: Caller,
    Json(body): Json<PutBranding>,
) -> Result<axum::Json<BrandingObject>, ApiError> {
    let branding = PlayerBranding {
        logo_url: body.logo_url.as_deref().map(logo_url).transpose()?,
        primary_color: body.primary_color.as_deref().map(color).transpose()?,
        name: body
            .name
            .as_deref()
            .map(|n| validate::name("name", n))
            .transpose()?,
        updated: 0,
    };
    let stored = app.store.branding().put(caller.scope, branding).await?;
    tracing::info!("player branding changed");
    Ok(axum::Json(Some(stored).into()))
}

/// `#rrggbb`, lower-cased.
fn color(raw: &str) -> Result<String, ApiError> {
    let hex = raw.strip_prefix('#').unwrap_or_default();
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(ApiError::invalid(
            "primary_color",
            "primary_color is a colour as #rrggbb",
        ))
    }
}

/// An `https:` URL with a host and no credentials, or a base64 `data:` image.
fn logo_url(raw: &str) -> Result<String, ApiError> {
    let bad = |why: &str| ApiError::invalid("logo_url", format!("logo_url {why}"));
    if let Some(rest) = raw.strip_prefix("data:image/") {
        if raw.len() > MAX_DATA_URL {
            return Err(bad("is at most 65,536 characters as a data: URL"));
        }
        let (kind, data) = rest.split_once(";base64,").unwrap_or_default();
        let base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
        if !DATA_TYPES.contains(&kind) || data.is_empty() || !data.bytes().all(base64) {
            return Err(bad(
                "as a data: URL is data:image/{png,jpeg,gif,webp,svg+xml};base64,…",
            ));
        }
        return Ok(raw.to_owned());
    }
    if raw.len() > MAX_URL {
        return Err(bad("is at most 2,048 characters"));
    }
    let url = url::Url::parse(raw).map_err(|_| bad("is not a URL"))?;
    let credentials = !url.username().is_empty() || url.password().is_some();
    if url.scheme() != "https" || url.host_str().is_none() || credentials {
        return Err(bad(
            "is an https:// URL without credentials, or a data:image URL",
        ));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_are_https_or_data_images_only() {
        for good in [
            "https://cdn.example.com/logo.png",
            "data:image/png;base64,iVBORw0KGgo=",
            "data:image/svg+xml;base64,PHN2Zy8+",
        ] {
            assert!(logo_url(good).is_ok(), "{good}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL));
        let huge = format!("data:image/png;base64,{}", "A".repeat(MAX_DATA_URL));
        for bad in [
            "http://example.com/logo.png",
            "javascript:alert(1)",
            "https://user:pw@example.com/logo.png",
            "data:text/html;base64,PGI+",
            "data:image/png,<svg onload=alert(1)>",
            "data:image/png;base64,<>",
            "/logo.png",
            long.as_str(),
            huge.as_str(),
        ] {
            assert!(logo_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert_eq!(color("#1F6FEB").unwrap(), "#1f6feb");
        for bad in ["1f6feb", "#fff", "#1f6febff", "#12345g", "red", "#1f6feb;x"] {
            assert!(color(bad).is_err(), "{bad}");
        }
    }
}

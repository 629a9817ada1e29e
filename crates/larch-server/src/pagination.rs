//! Cursor pagination: `?limit=&cursor=` in, `{object: "list", data, has_more, next_cursor}` out.

use crate::error::ApiError;
use base64::Engine as _;
use larch_store::{Cursor, MAX_PAGE_LIMIT, Page, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The query parameters of every list endpoint.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Items per page, 1 to 100. By default, 10.
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; absent for the first page.
    pub cursor: Option<String>,
}

impl ListParams {
    /// Validates the parameters into a store page request.
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(10);
        if !(1..=MAX_PAGE_LIMIT).contains(&limit) {
            return Err(ApiError::invalid(
                "limit",
                format!("limit must be between 1 and {MAX_PAGE_LIMIT}"),
            ));
        }
        let after = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest { limit, after })
    }
}

/// Opaque to clients: a versioned encoding, so its content can change without breaking them.
pub(crate) fn encode_cursor(cursor: Cursor) -> String {
    ENGINE.encode(format!("v1:{}", cursor.0))
}

fn decode_cursor(raw: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::invalid("cursor", "cursor is not one this API returned");
    let bytes = ENGINE.decode(raw).map_err(|_| bad())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| bad())?;
    let seq = text
        .strip_prefix("v1:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(bad)?;
    Ok(Cursor(seq))
}

/// Defines the list envelope of one object type (a concrete type per object keeps the OpenAPI
/// document plain for SDK generators).
macro_rules! list_type {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            /// Always `list`.
            #[schema(value_type = String, example = "list")]
            pub object: &'static str,
            /// The items of this page, newest first.
            pub data: Vec<$item>,
            /// Whether another page follows.
            pub has_more: bool,
            /// Pass as `cursor` to get the next page; `null` on the last page.
            pub next_cursor: Option<String>,
        }

        impl $name {
            /// Builds the envelope from a store page.
            pub fn from_page<T>(page: larch_store::Page<T>, map: impl FnMut(T) -> $item) -> Self {
                let (data, next_cursor) = $crate::pagination::split(page, map);
                Self { object: "list", has_more: next_cursor.is_some(), data, next_cursor }
            }
        }
    };
}
pub(crate) use list_type;

/// The items of a page, mapped, and the encoded next cursor.
pub(crate) fn split<T, U>(page: Page<T>, map: impl FnMut(T) -> U) -> (Vec<U>, Option<String>) {
    (
        page.items.into_iter().map(map).collect(),
        page.next.map(encode_cursor),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_a_400() {
        let params = ListParams {
            limit: Some(5),
            cursor: Some(encode_cursor(Cursor(42))),
        };
        assert_eq!(
            params.page().unwrap(),
            PageRequest {
                limit: 5,
                after: Some(Cursor(42))
            }
        );
        for bad in ["", "djE6eA", "not base64!"] {
            let params = ListParams {
                limit: None,
                cursor: Some(bad.into()),
            };
            assert!(params.page().is_err(), "{bad}");
        }
        assert!(
            ListParams {
                limit: Some(0),
                cursor: None
            }
            .page()
            .is_err()
        );
        assert!(
            ListParams {
                limit: Some(101),
                cursor: None
            }
            .page()
            .is_err()
        );
    }
}

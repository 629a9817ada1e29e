//! Per-environment branding of the player frame (`/v1/player/branding`).

use crate::error::StoreError;
use crate::scope::Scope;
use async_trait::async_trait;

/// The look of the player frame in one application environment. The values are validated by
/// the caller (the API): the store keeps them as given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlayerBranding {
    /// The logo: an `https:` URL or a `data:image/…` URL.
    pub logo_url: Option<String>,
    /// The accent colour, `#rrggbb`.
    pub primary_color: Option<String>,
    /// The organisation's name, the logo's text.
    pub name: Option<String>,
    /// Unix seconds of the last change (0 when never set).
    pub updated: i64,
}

/// Player branding per scope.
#[async_trait]
pub trait BrandingStore: Send + Sync {
    /// The scope's branding, if it was ever set.
    async fn get(&self, scope: Scope) -> Result<Option<PlayerBranding>, StoreError>;

    /// Replaces the scope's branding (its `updated` is set to now); returns what is stored.
    async fn put(
        &self,
        scope: Scope,
        branding: PlayerBranding,
    ) -> Result<PlayerBranding, StoreError>;
}

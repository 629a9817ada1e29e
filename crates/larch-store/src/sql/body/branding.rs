// Player branding per scope (included into each backend module).

fn branding_from_row(row: &DbRow) -> Result<crate::PlayerBranding, StoreError> {
    Ok(crate::PlayerBranding {
        logo_url: row.try_get("logo_url")?,
        primary_color: row.try_get("primary_color")?,
        name: row.try_get("name")?,
        updated: row.try_get("updated_at")?,
    })
}

async fn branding_fetch(
    tx: &mut Tx,
    scope: Scope,
) -> Result<Option<crate::PlayerBranding>, StoreError> {
    let row = scoped(
        "SELECT logo_url, primary_color, name, updated_at FROM player_branding \
         WHERE tenant_id = $1 AND app_id = $2 AND env = $3",
        scope,
    )
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| branding_from_row(&r)).transpose()
}

#[async_trait]
impl crate::BrandingStore for This {
    async fn get(&self, scope: Scope) -> Result<Option<crate::PlayerBranding>, StoreError> {
        let mut tx = self.read(scope).await?;
        let found = branding_fetch(&mut tx, scope).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn put(
        &self,
        scope: Scope,
        branding: crate::PlayerBranding,
    ) -> Result<crate::PlayerBranding, StoreError> {
        let mut tx = self.write(scope).await?;
        scoped(
            "INSERT INTO player_branding (tenant_id, app_id, env, logo_url, primary_color, name, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, app_id, env) DO UPDATE SET \
             logo_url = excluded.logo_url, primary_color = excluded.primary_color, name = excluded.name, \
             updated_at = excluded.updated_at",
            scope,
        )
        .bind(branding.logo_url)
        .bind(branding.primary_color)
        .bind(branding.name)
        .bind(crate::unix_now())
        .execute(&mut *tx)
        .await?;
        let stored = branding_fetch(&mut tx, scope).await?;
        tx.commit().await?;
        stored.ok_or_else(|| StoreError::Corrupt("branding vanished after write".into()))
    }
}

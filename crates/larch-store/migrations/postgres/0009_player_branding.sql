-- Per-environment look of the player frame (PUT /v1/player/branding): the logo (an https or
-- data:image URL, validated by the API), the accent colour (#rrggbb) and the name shown as
-- the logo's text. One row per application environment; no row means the default look.
CREATE TABLE player_branding (
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    logo_url TEXT,
    primary_color TEXT,
    name TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env)
);

-- Row-level security as in 0001: the player reads it in the scope its session names.
ALTER TABLE player_branding ENABLE ROW LEVEL SECURITY;
ALTER TABLE player_branding FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON player_branding
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

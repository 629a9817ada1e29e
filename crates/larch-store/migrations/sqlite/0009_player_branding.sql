-- Per-environment look of the player frame (PUT /v1/player/branding): the logo (an https or
-- data:image URL, validated by the API), the accent colour (#rrggbb) and the name shown as
-- the logo's text. One row per application environment; no row means the default look.
CREATE TABLE player_branding (
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    logo_url TEXT,
    primary_color TEXT,
    name TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env)
);

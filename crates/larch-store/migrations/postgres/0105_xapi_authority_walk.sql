-- PostgreSQL flavour of migrations/sqlite/0105_xapi_authority_walk.sql.
-- `statements/read/mine` (Communication 4.2) without another filter walks the credential's
-- own statements in page order, as every other filter walks its index (docs/xapi.md
-- "Performance"), instead of filtering a walk of the whole environment by authority.
CREATE INDEX xapi_statements_authority
    ON xapi_statements (tenant_id, app_id, env, authority_key, stored_nanos, seq);

-- Launch-scoped, short-lived LRS tokens: the credential a launched AU (cmi5 fetch, SCORM→xAPI)
-- uses at /xapi/, bound to one registration, actor and activity. Only SHA-256 of `id:secret`
-- is stored, like LRS credentials.
CREATE TABLE xapi_launch_tokens (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    registration TEXT NOT NULL,
    actor_key TEXT NOT NULL,
    actor TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);

-- Row-level security as in 0001; a token's row is visible before its scope is known only to
-- whoever presents its hash (as for xapi_credentials).
ALTER TABLE xapi_launch_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE xapi_launch_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON xapi_launch_tokens
    USING (larch_in_scope(tenant_id, app_id, env)
           OR key_hash = NULLIF(current_setting('larch.key_hash', true), ''))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

-- Tenancy, API keys, learners, idempotency. Timestamps are Unix seconds.
-- Every scoped table starts with (tenant_id, app_id, env) and every query filters on it; on
-- PostgreSQL, row-level security on the same columns is a second wall (see larch_in_scope).

CREATE TABLE installation (
    singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
    bootstrapped_at BIGINT NOT NULL
);

CREATE TABLE tenants (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_keys_scope ON api_keys (tenant_id, app_id, env, seq);

CREATE TABLE learners (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX learners_scope ON learners (tenant_id, app_id, env, seq);

CREATE TABLE idempotency_keys (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT,
    body TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, key)
);

-- The scope of the current transaction, set by the store with set_config(…, true) before any
-- scoped statement. Unset (NULL) or reset (''), it matches nothing. Superusers and roles with
-- BYPASSRLS skip policies: run Larch as an ordinary role for this wall to stand.
CREATE FUNCTION larch_in_scope(t BIGINT, a BIGINT, e TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE AS $$
    SELECT t = NULLIF(current_setting('larch.tenant_id', true), '')::BIGINT
       AND a = NULLIF(current_setting('larch.app_id', true), '')::BIGINT
       AND e = NULLIF(current_setting('larch.env', true), '')
$$;

ALTER TABLE learners ENABLE ROW LEVEL SECURITY;
ALTER TABLE learners FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON learners
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON idempotency_keys
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

-- A key row is also visible to whoever presents its secret's hash: authentication happens
-- before the scope is known, and the hash is the credential.
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON api_keys
    USING (larch_in_scope(tenant_id, app_id, env)
           OR key_hash = NULLIF(current_setting('larch.key_hash', true), ''))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env)
                OR key_hash = NULLIF(current_setting('larch.key_hash', true), ''));

-- xAPI LRS: credentials, statements and their filter keys, attachments, canonical activity
-- definitions, agents seen, and State / Activity Profile / Agent Profile documents.
-- Times of statements and documents are Unix nanoseconds (`stored`, `updated`); booleans 0/1.
-- PostgreSQL flavour of migrations/sqlite/0100_xapi.sql (same tables, BIGINT/BYTEA, RLS).

CREATE TABLE xapi_credentials (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX xapi_credentials_scope ON xapi_credentials (tenant_id, app_id, env, seq);

CREATE TABLE xapi_statements (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    stored_nanos BIGINT NOT NULL,
    verb_id TEXT NOT NULL,
    activity_id TEXT,
    registration TEXT,
    voids_id TEXT,
    target_id TEXT,
    authority_key TEXT,
    voided BIGINT NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX xapi_statements_stored ON xapi_statements (tenant_id, app_id, env, stored_nanos, seq);
CREATE INDEX xapi_statements_verb ON xapi_statements (tenant_id, app_id, env, verb_id, stored_nanos);
CREATE INDEX xapi_statements_activity ON xapi_statements (tenant_id, app_id, env, activity_id, stored_nanos);
CREATE INDEX xapi_statements_registration ON xapi_statements (tenant_id, app_id, env, registration, stored_nanos);
CREATE INDEX xapi_statements_target ON xapi_statements (tenant_id, app_id, env, target_id);

-- kind: 'agent', 'related_agent', 'related_activity'.
CREATE TABLE xapi_statement_keys (
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    statement_seq BIGINT NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    PRIMARY KEY (tenant_id, app_id, env, kind, key, statement_seq)
);
CREATE INDEX xapi_statement_keys_statement ON xapi_statement_keys (statement_seq);

CREATE TABLE xapi_attachments (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    sha2 TEXT NOT NULL,
    content_type TEXT,
    content BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, sha2)
);

CREATE TABLE xapi_activities (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, id)
);

CREATE TABLE xapi_agents (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    ifi_key TEXT NOT NULL,
    agent_hash TEXT NOT NULL,
    agent TEXT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, ifi_key, agent_hash)
);

-- kind: 'state', 'activity_profile', 'agent_profile'; absent key parts are ''.
CREATE TABLE xapi_documents (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    kind TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    agent_key TEXT NOT NULL,
    registration TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    content BYTEA NOT NULL,
    content_type TEXT NOT NULL,
    updated_nanos BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, kind, activity_id, agent_key, registration, doc_id)
);

-- Row-level security on the scope, as for every scoped table (larch_in_scope, migration 0001).
-- A credential row is also visible to whoever presents its key:secret hash (authentication
-- happens before the scope is known).
ALTER TABLE xapi_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE xapi_credentials FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON xapi_credentials
    USING (larch_in_scope(tenant_id, app_id, env)
           OR key_hash = NULLIF(current_setting('larch.key_hash', true), ''))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));
ALTER TABLE xapi_statements ENABLE ROW LEVEL SECURITY;
ALTER TABLE xapi_statements FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON xapi_statements
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));
ALTER TABLE xapi_statement_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE xapi_statement_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON xapi_statement_keys
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));
ALTER TABLE xapi_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE xapi_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON xapi_attachments
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));
ALTER TABLE xapi_activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE xapi_activities FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON xapi_activities
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));
ALTER TABLE xapi_agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE xapi_agents FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON xapi_agents
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));
ALTER TABLE xapi_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE xapi_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON xapi_documents
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

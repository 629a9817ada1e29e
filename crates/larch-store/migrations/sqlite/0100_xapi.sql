-- xAPI LRS: credentials, statements and their filter keys, attachments, canonical activity
-- definitions, agents seen, and State / Activity Profile / Agent Profile documents.
-- Times of statements and documents are Unix nanoseconds (`stored`, `updated`); booleans 0/1.

CREATE TABLE xapi_credentials (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX xapi_credentials_scope ON xapi_credentials (tenant_id, app_id, env, seq);

CREATE TABLE xapi_statements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    stored_nanos INTEGER NOT NULL,
    verb_id TEXT NOT NULL,
    activity_id TEXT,
    registration TEXT,
    voids_id TEXT,
    target_id TEXT,
    authority_key TEXT,
    voided INTEGER NOT NULL DEFAULT 0,
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
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    statement_seq INTEGER NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    PRIMARY KEY (tenant_id, app_id, env, kind, key, statement_seq)
);
CREATE INDEX xapi_statement_keys_statement ON xapi_statement_keys (statement_seq);

CREATE TABLE xapi_attachments (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    sha2 TEXT NOT NULL,
    content_type TEXT,
    content BLOB NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, sha2)
);

CREATE TABLE xapi_activities (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, id)
);

CREATE TABLE xapi_agents (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    ifi_key TEXT NOT NULL,
    agent_hash TEXT NOT NULL,
    agent TEXT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, ifi_key, agent_hash)
);

-- kind: 'state', 'activity_profile', 'agent_profile'; absent key parts are ''.
CREATE TABLE xapi_documents (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    kind TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    agent_key TEXT NOT NULL,
    registration TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    content BLOB NOT NULL,
    content_type TEXT NOT NULL,
    updated_nanos INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, kind, activity_id, agent_key, registration, doc_id)
);

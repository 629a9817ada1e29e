-- Launch-scoped, short-lived LRS tokens: the credential a launched AU (cmi5 fetch, SCORM→xAPI)
-- uses at /xapi/, bound to one registration, actor and activity. Only SHA-256 of `id:secret`
-- is stored, like LRS credentials.
CREATE TABLE xapi_launch_tokens (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    registration TEXT NOT NULL,
    actor_key TEXT NOT NULL,
    actor TEXT NOT NULL,
    activity_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);

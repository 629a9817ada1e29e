-- The run-time service: each registration instance's state (larch-runtime's
-- RegistrationState as JSON), the player sessions opened by launch URLs (also the launch
-- history), the transcript of every data-model change, and server-wide secrets.

-- `revision` grows by one per write: writers compare it (optimistic concurrency), so two
-- nodes handling commits of one registration never overwrite each other.
CREATE TABLE runtime_states (
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    instance BIGINT NOT NULL,
    course_version BIGINT NOT NULL,
    state TEXT NOT NULL,
    revision BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, registration_id, instance),
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);

-- Only the SHA-256 of a session's secret is stored. `step` is the latest larch_runtime::Step
-- sent to the player (what a reload shows). `runtime_session` is the open delivery's session
-- number, for the abandoned-session timeout.
CREATE TABLE player_sessions (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL UNIQUE,
    registration_id TEXT NOT NULL,
    instance BIGINT NOT NULL,
    course_id TEXT NOT NULL,
    course_version BIGINT NOT NULL,
    step TEXT NOT NULL,
    runtime_session BIGINT,
    user_agent TEXT,
    started_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ended_at BIGINT,
    exit_reason TEXT,
    expires_at BIGINT NOT NULL,
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);
CREATE INDEX player_sessions_registration ON player_sessions (tenant_id, app_id, env, registration_id, seq);
CREATE INDEX player_sessions_open ON player_sessions (last_seen_at) WHERE ended_at IS NULL;

CREATE TABLE runtime_transcript (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    instance BIGINT NOT NULL,
    runtime_session BIGINT NOT NULL,
    activity TEXT NOT NULL,
    element TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT NOT NULL,
    warnings TEXT NOT NULL,
    at BIGINT NOT NULL,
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);
CREATE INDEX runtime_transcript_registration ON runtime_transcript (tenant_id, app_id, env, registration_id, seq);

-- Scores beyond the scaled one, for the registration object and lists.
ALTER TABLE registrations ADD COLUMN score_raw DOUBLE PRECISION;
ALTER TABLE registrations ADD COLUMN score_min DOUBLE PRECISION;
ALTER TABLE registrations ADD COLUMN score_max DOUBLE PRECISION;

-- Server-wide secrets shared by every node (the asset URL signing key). Not scoped.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Row-level security as in 0001. A player session row is also visible to whoever presents its
-- secret's hash (the content origin learns the scope from the session); the abandoned-session
-- worker sees open sessions of every scope with `larch.worker = 'runtime'`.
ALTER TABLE runtime_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE runtime_states FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON runtime_states
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

ALTER TABLE player_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE player_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON player_sessions
    USING (larch_in_scope(tenant_id, app_id, env)
           OR secret_hash = NULLIF(current_setting('larch.token_hash', true), '')
           OR current_setting('larch.worker', true) = 'runtime')
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

ALTER TABLE runtime_transcript ENABLE ROW LEVEL SECURITY;
ALTER TABLE runtime_transcript FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON runtime_transcript
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

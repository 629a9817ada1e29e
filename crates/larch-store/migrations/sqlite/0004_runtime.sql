-- The run-time service: each registration instance's state (larch-runtime's
-- RegistrationState as JSON), the player sessions opened by launch URLs (also the launch
-- history), the transcript of every data-model change, and server-wide secrets.

-- `revision` grows by one per write: writers compare it (optimistic concurrency), so two
-- nodes handling commits of one registration never overwrite each other.
CREATE TABLE runtime_states (
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    instance INTEGER NOT NULL,
    course_version INTEGER NOT NULL,
    state TEXT NOT NULL,
    revision INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, registration_id, instance),
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);

-- Only the SHA-256 of a session's secret is stored. `step` is the latest larch_runtime::Step
-- sent to the player (what a reload shows). `runtime_session` is the open delivery's session
-- number, for the abandoned-session timeout.
CREATE TABLE player_sessions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL UNIQUE,
    registration_id TEXT NOT NULL,
    instance INTEGER NOT NULL,
    course_id TEXT NOT NULL,
    course_version INTEGER NOT NULL,
    step TEXT NOT NULL,
    runtime_session INTEGER,
    user_agent TEXT,
    started_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ended_at INTEGER,
    exit_reason TEXT,
    expires_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);
CREATE INDEX player_sessions_registration ON player_sessions (tenant_id, app_id, env, registration_id, seq);
CREATE INDEX player_sessions_open ON player_sessions (last_seen_at) WHERE ended_at IS NULL;

CREATE TABLE runtime_transcript (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    instance INTEGER NOT NULL,
    runtime_session INTEGER NOT NULL,
    activity TEXT NOT NULL,
    element TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT NOT NULL,
    warnings TEXT NOT NULL,
    at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);
CREATE INDEX runtime_transcript_registration ON runtime_transcript (tenant_id, app_id, env, registration_id, seq);

-- Scores beyond the scaled one, for the registration object and lists.
ALTER TABLE registrations ADD COLUMN score_raw REAL;
ALTER TABLE registrations ADD COLUMN score_min REAL;
ALTER TABLE registrations ADD COLUMN score_max REAL;

-- Server-wide secrets shared by every node (the asset URL signing key). Not scoped.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Courses (the versions the importer writes), registrations, single-use launch tokens.

CREATE TABLE courses (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    standard TEXT NOT NULL,
    edition TEXT,
    latest_version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX courses_scope ON courses (tenant_id, app_id, env, seq);

-- One row per import of a course id; `structure` is the normalized course model (JSON, owned by
-- larch-package), `launchables` the entry points the player and launch page list.
CREATE TABLE course_versions (
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    course_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    standard TEXT NOT NULL,
    edition TEXT,
    launchables TEXT NOT NULL,
    structure TEXT NOT NULL,
    warnings TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, course_id, version),
    FOREIGN KEY (tenant_id, app_id, env, course_id) REFERENCES courses (tenant_id, app_id, env, id) ON DELETE CASCADE
);

CREATE TABLE registrations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    course_id TEXT NOT NULL,
    course_version INTEGER NOT NULL,
    learner_id TEXT NOT NULL,
    instance INTEGER NOT NULL,
    completion_status TEXT NOT NULL,
    success_status TEXT NOT NULL,
    score_scaled REAL,
    total_time_seconds INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    first_access_at INTEGER,
    last_access_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, app_id, env, id),
    FOREIGN KEY (tenant_id, app_id, env, course_id) REFERENCES courses (tenant_id, app_id, env, id),
    FOREIGN KEY (tenant_id, app_id, env, learner_id) REFERENCES learners (tenant_id, app_id, env, id)
);
CREATE INDEX registrations_scope ON registrations (tenant_id, app_id, env, seq);
CREATE INDEX registrations_course ON registrations (tenant_id, app_id, env, course_id);
CREATE INDEX registrations_learner ON registrations (tenant_id, app_id, env, learner_id);

-- Only the SHA-256 of a token is stored; the token is the credential of the content origin.
CREATE TABLE launch_tokens (
    token_hash TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);
CREATE INDEX launch_tokens_registration ON launch_tokens (tenant_id, app_id, env, registration_id);

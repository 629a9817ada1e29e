-- Courses (the versions the importer writes), registrations, single-use launch tokens.

CREATE TABLE courses (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    standard TEXT NOT NULL,
    edition TEXT,
    latest_version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX courses_scope ON courses (tenant_id, app_id, env, seq);

-- One row per import of a course id; `structure` is the normalized course model (JSON, owned by
-- larch-package), `launchables` the entry points the player and launch page list.
CREATE TABLE course_versions (
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    course_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    standard TEXT NOT NULL,
    edition TEXT,
    launchables TEXT NOT NULL,
    structure TEXT NOT NULL,
    warnings TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, course_id, version),
    FOREIGN KEY (tenant_id, app_id, env, course_id) REFERENCES courses (tenant_id, app_id, env, id) ON DELETE CASCADE
);

CREATE TABLE registrations (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    course_id TEXT NOT NULL,
    course_version BIGINT NOT NULL,
    learner_id TEXT NOT NULL,
    instance BIGINT NOT NULL,
    completion_status TEXT NOT NULL,
    success_status TEXT NOT NULL,
    score_scaled DOUBLE PRECISION,
    total_time_seconds BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    first_access_at BIGINT,
    last_access_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
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
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);
CREATE INDEX launch_tokens_registration ON launch_tokens (tenant_id, app_id, env, registration_id);

-- Row-level security, as in 0001. A launch token row is also visible to whoever presents the
-- token's hash: the content origin learns the scope from the token.
ALTER TABLE courses ENABLE ROW LEVEL SECURITY;
ALTER TABLE courses FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON courses
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

ALTER TABLE course_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE course_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON course_versions
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

ALTER TABLE registrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE registrations FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON registrations
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

ALTER TABLE launch_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE launch_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON launch_tokens
    USING (larch_in_scope(tenant_id, app_id, env)
           OR token_hash = NULLIF(current_setting('larch.token_hash', true), ''))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env)
                OR token_hash = NULLIF(current_setting('larch.token_hash', true), ''));

-- Import jobs (the queue the import workers claim from), the files of each course version, and
-- course tags (set with PATCH).

ALTER TABLE courses ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';

CREATE TABLE import_jobs (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    course_id TEXT NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('upload', 'url')),
    -- The upload's blob key, or the URL to fetch.
    source TEXT NOT NULL,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    progress BIGINT NOT NULL DEFAULT 0,
    version BIGINT,
    error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    locked_by TEXT,
    locked_until BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX import_jobs_claim ON import_jobs (status, seq);

-- One row per file of a course version; the content lives once per hash in blob storage
-- (`assets/sha256/<2>/<62>`), shared by every version that has the same bytes.
CREATE TABLE course_assets (
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    course_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    path TEXT NOT NULL,
    blob_sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, course_id, version, path),
    FOREIGN KEY (tenant_id, app_id, env, course_id, version)
        REFERENCES course_versions (tenant_id, app_id, env, course_id, version) ON DELETE CASCADE
);
CREATE INDEX course_assets_blob ON course_assets (blob_sha256);

-- Row-level security as in 0001. The import worker's claim statement runs before it knows the
-- job's scope, with `larch.worker = 'import'` set for that one transaction.
ALTER TABLE import_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON import_jobs
    USING (larch_in_scope(tenant_id, app_id, env)
           OR current_setting('larch.worker', true) = 'import')
    WITH CHECK (larch_in_scope(tenant_id, app_id, env)
                OR current_setting('larch.worker', true) = 'import');

ALTER TABLE course_assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE course_assets FORCE ROW LEVEL SECURITY;
-- The worker may read (never write) every scope's rows to learn whether a blob is still used.
CREATE POLICY scope_wall ON course_assets
    USING (larch_in_scope(tenant_id, app_id, env)
           OR current_setting('larch.worker', true) = 'import')
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

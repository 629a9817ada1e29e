-- Import jobs (the queue the import workers claim from), the files of each course version, and
-- course tags (set with PATCH).

ALTER TABLE courses ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';

CREATE TABLE import_jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    course_id TEXT NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('upload', 'url')),
    -- The upload's blob key, or the URL to fetch.
    source TEXT NOT NULL,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    progress INTEGER NOT NULL DEFAULT 0,
    version INTEGER,
    error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    locked_by TEXT,
    locked_until INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX import_jobs_claim ON import_jobs (status, seq);

-- One row per file of a course version; the content lives once per hash in blob storage
-- (`assets/sha256/<2>/<62>`), shared by every version that has the same bytes.
CREATE TABLE course_assets (
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    course_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    path TEXT NOT NULL,
    blob_sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    PRIMARY KEY (tenant_id, app_id, env, course_id, version, path),
    FOREIGN KEY (tenant_id, app_id, env, course_id, version)
        REFERENCES course_versions (tenant_id, app_id, env, course_id, version) ON DELETE CASCADE
);
CREATE INDEX course_assets_blob ON course_assets (blob_sha256);


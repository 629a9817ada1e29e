-- A run-time commit's transcript as one row (src/transcript.rs; docs/runtime.md, "A commit's
-- transcript in one row"): `entries` holds the commit's changes as a JSON array, in order.
-- One row per change cost an insert, two index entries and a foreign-key check per change,
-- about a third of PostgreSQL's CPU per commit.
--
-- Every stored change becomes a row of one entry under its old sequence, so the order is
-- kept. The old table is read with row-level security off for its owner (FORCE is dropped
-- first): the migration sets no scope, and must see every row.

CREATE TABLE runtime_commits (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    instance BIGINT NOT NULL,
    entries TEXT NOT NULL,
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);
CREATE INDEX runtime_commits_registration ON runtime_commits (tenant_id, app_id, env, registration_id, seq);

ALTER TABLE runtime_transcript NO FORCE ROW LEVEL SECURITY;
INSERT INTO runtime_commits (seq, tenant_id, app_id, env, registration_id, instance, entries)
SELECT seq, tenant_id, app_id, env, registration_id, instance,
       json_build_array(json_strip_nulls(json_build_object(
           's', runtime_session, 'a', activity, 'e', element, 'o', old_value, 'n', new_value,
           'w', NULLIF(warnings, '[]'), 't', at)))::TEXT
FROM runtime_transcript ORDER BY seq;
SELECT setval(pg_get_serial_sequence('runtime_commits', 'seq'),
              (SELECT COALESCE(max(seq), 0) + 1 FROM runtime_commits), false);
DROP TABLE runtime_transcript;

ALTER TABLE runtime_commits ENABLE ROW LEVEL SECURITY;
ALTER TABLE runtime_commits FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON runtime_commits
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

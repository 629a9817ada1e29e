-- A run-time commit's transcript as one row: see migrations/postgres/0012. Every stored
-- change becomes a row of one entry under its old sequence, so the order is kept
-- (AUTOINCREMENT carries on above the largest).

CREATE TABLE runtime_commits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    instance INTEGER NOT NULL,
    entries TEXT NOT NULL,
    FOREIGN KEY (tenant_id, app_id, env, registration_id)
        REFERENCES registrations (tenant_id, app_id, env, id) ON DELETE CASCADE
);
CREATE INDEX runtime_commits_registration ON runtime_commits (tenant_id, app_id, env, registration_id, seq);

INSERT INTO runtime_commits (seq, tenant_id, app_id, env, registration_id, instance, entries)
SELECT seq, tenant_id, app_id, env, registration_id, instance,
       json_array(json_object(
           's', runtime_session, 'a', activity, 'e', element, 'o', old_value, 'n', new_value,
           'w', NULLIF(warnings, '[]'), 't', at))
FROM runtime_transcript ORDER BY seq;
DROP TABLE runtime_transcript;

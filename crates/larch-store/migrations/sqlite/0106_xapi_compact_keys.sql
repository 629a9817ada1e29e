-- Smaller LRS tables, the same walks (docs/xapi.md "Performance", footprint).
-- 1. `xapi_statement_keys` becomes a WITHOUT ROWID table whose primary key is the walk
--    order (scope, kind, key, stored, seq): the rows were stored three times (the rowid
--    table, the primary key and `xapi_statement_keys_walk`, each the whole row), now once.
--    A key filter on a statement (`EXISTS … f.stored_nanos = s.stored_nanos AND
--    f.statement_seq = s.seq`) is still a lookup of the whole key.
-- 2. `xapi_statement_keys_statement` (statement_seq) and `xapi_statements_target` (scope,
--    target_id) go: no query reads them (tests/store_xapi_plans.rs lists every access), and
--    statements are never deleted (xAPI statements are immutable; voiding is a flag), which
--    is the only thing the first would serve (the ON DELETE CASCADE). A future retention job
--    that deletes statements needs an index on statement_seq again.

CREATE TABLE xapi_statement_keys_compact (
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    stored_nanos INTEGER NOT NULL,
    statement_seq INTEGER NOT NULL REFERENCES xapi_statements (seq) ON DELETE CASCADE,
    PRIMARY KEY (tenant_id, app_id, env, kind, key, stored_nanos, statement_seq)
) WITHOUT ROWID;
INSERT INTO xapi_statement_keys_compact
    (tenant_id, app_id, env, kind, key, stored_nanos, statement_seq)
    SELECT tenant_id, app_id, env, kind, key, stored_nanos, statement_seq
    FROM xapi_statement_keys;
DROP TABLE xapi_statement_keys;
ALTER TABLE xapi_statement_keys_compact RENAME TO xapi_statement_keys;

DROP INDEX xapi_statements_target;

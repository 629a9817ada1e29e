-- LRS queries that stay fast at millions of statements (docs/xapi.md "Performance").
-- PostgreSQL flavour of migrations/sqlite/0101_xapi_performance.sql.
-- 1. Filter keys carry their statement's `stored`, so a GET by agent or by related activity
--    walks (scope, kind, key, stored, seq) in page order and stops when the page is full.
-- 2. The verb / activity / registration indexes end with seq, the tie-breaker of that order.
-- 3. StatementRef statements (rare) get their own ordered index, so following refs
--    (Communication 2.1.4) walks only them.
-- 4. Documents carry a version for atomic If-Match / If-None-Match (compare-and-set).

ALTER TABLE xapi_statement_keys ADD COLUMN stored_nanos BIGINT NOT NULL DEFAULT 0;
-- The backfill spans every scope: row-level security is lifted for the owner while it runs
-- (this migration's transaction), then forced again.
ALTER TABLE xapi_statement_keys NO FORCE ROW LEVEL SECURITY;
ALTER TABLE xapi_statements NO FORCE ROW LEVEL SECURITY;
UPDATE xapi_statement_keys k SET stored_nanos = s.stored_nanos
    FROM xapi_statements s WHERE s.seq = k.statement_seq;
ALTER TABLE xapi_statement_keys FORCE ROW LEVEL SECURITY;
ALTER TABLE xapi_statements FORCE ROW LEVEL SECURITY;
CREATE INDEX xapi_statement_keys_walk
    ON xapi_statement_keys (tenant_id, app_id, env, kind, key, stored_nanos, statement_seq);

DROP INDEX xapi_statements_verb;
DROP INDEX xapi_statements_activity;
DROP INDEX xapi_statements_registration;
CREATE INDEX xapi_statements_verb
    ON xapi_statements (tenant_id, app_id, env, verb_id, stored_nanos, seq);
CREATE INDEX xapi_statements_activity
    ON xapi_statements (tenant_id, app_id, env, activity_id, stored_nanos, seq);
CREATE INDEX xapi_statements_registration
    ON xapi_statements (tenant_id, app_id, env, registration, stored_nanos, seq);
CREATE INDEX xapi_statements_refs
    ON xapi_statements (tenant_id, app_id, env, stored_nanos, seq) WHERE target_id IS NOT NULL;

ALTER TABLE xapi_documents ADD COLUMN version BIGINT NOT NULL DEFAULT 1;


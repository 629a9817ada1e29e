-- PostgreSQL flavour of migrations/sqlite/0106_xapi_compact_keys.sql: smaller LRS tables,
-- the same walks (docs/xapi.md "Performance", footprint).
-- 1. The primary key of `xapi_statement_keys` is the walk order (scope, kind, key, stored,
--    seq), named `xapi_statement_keys_walk` as the index it replaces: one index over the
--    keys instead of two (the old primary key and the walk index held the same columns).
--    Unique as before: a statement has one `stored`.
-- 2. `xapi_statement_keys_statement` (statement_seq) and `xapi_statements_target` (scope,
--    target_id) go: no query reads them (tests/store_xapi_plans.rs), and statements are
--    never deleted (xAPI statements are immutable; voiding is a flag), which is the only
--    thing the first would serve (the ON DELETE CASCADE). A future retention job that
--    deletes statements needs an index on statement_seq again.

ALTER TABLE xapi_statement_keys DROP CONSTRAINT xapi_statement_keys_pkey;
DROP INDEX xapi_statement_keys_walk;
ALTER TABLE xapi_statement_keys ADD CONSTRAINT xapi_statement_keys_walk
    PRIMARY KEY (tenant_id, app_id, env, kind, key, stored_nanos, statement_seq);
DROP INDEX xapi_statement_keys_statement;
DROP INDEX xapi_statements_target;

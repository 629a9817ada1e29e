-- Every run-time commit inserts one `runtime_commits` row (its transcript), so the row's
-- upkeep is paid on every commit (docs/runtime.md, "Performance"). Two costs go:
--
-- The foreign key to `registrations`. The row is written by the save statement that has just
-- updated (and so locked) its registration's rollup in the same transaction
-- (sql/pg_runtime_batch.rs, sql/pg_runtime_save_sql.rs), so the registration exists when the
-- row is written; the constraint's check was a second lookup and lock of that row, about a
-- sixteenth of the database's time per commit. Its ON DELETE CASCADE is now done by the two
-- places that delete registrations (body/registrations.rs, body/courses.rs): after the
-- registrations' rows are deleted, in the same transaction, so a save that committed while
-- the delete waited for its lock has its row deleted too, and a later save finds no
-- registration and writes nothing. SQLite keeps its constraint (dropping one means rebuilding
-- the table) and its cascade.
--
-- One index instead of two: the transcript is only ever read by registration, in `seq`
-- order, so the key by registration is the primary key and the index on `seq` alone goes.
ALTER TABLE runtime_commits
    DROP CONSTRAINT IF EXISTS runtime_commits_tenant_id_app_id_env_registration_id_fkey;
ALTER TABLE runtime_commits DROP CONSTRAINT runtime_commits_pkey;
DROP INDEX runtime_commits_registration;
ALTER TABLE runtime_commits ADD PRIMARY KEY (tenant_id, app_id, env, registration_id, seq);

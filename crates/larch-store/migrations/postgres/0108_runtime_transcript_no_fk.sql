-- A run-time commit's transcript rows without a foreign-key check each (PostgreSQL only;
-- docs/runtime.md, "PostgreSQL: transcript rows without a foreign-key check").
--
-- The key ran one internal query per inserted row (a lookup of the registration, locking it
-- FOR KEY SHARE), about a tenth of the database's CPU per commit. What it guaranteed is kept:
-- - a transcript row's registration exists: rows are inserted only by the save statements
--   (sql/pg_runtime_save_sql.rs, sql/pg_runtime_batch.rs), in the same statement that locks
--   that registration (FOR NO KEY UPDATE, held until COMMIT) and only if it was found, so a
--   concurrent DELETE of the registration waits for the save's COMMIT and then removes its rows
--   too (below), or commits first and the save finds no registration and writes nothing;
-- - deleting a registration deletes its transcript (the key's ON DELETE CASCADE): the trigger
--   below, in the deleting statement's transaction. Registrations are deleted only within
--   their scope, so their transcript rows (same scope columns) pass row-level security.
ALTER TABLE runtime_transcript
    DROP CONSTRAINT runtime_transcript_tenant_id_app_id_env_registration_id_fkey;

CREATE FUNCTION larch_delete_transcript() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM runtime_transcript t USING gone g
    WHERE t.tenant_id = g.tenant_id AND t.app_id = g.app_id AND t.env = g.env
      AND t.registration_id = g.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER registrations_delete_transcript AFTER DELETE ON registrations
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION larch_delete_transcript();

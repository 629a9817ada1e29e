-- The filter-key rows of a statement no longer carry a foreign key to it (docs/xapi.md
-- "Performance", write path).
-- `xapi_statement_keys` holds derived index rows: the store writes them in the same
-- statement as the statement they come from (sql/pg_statement_rows.rs), joined to the
-- sequence number PostgreSQL has just assigned it, with the scope of the authenticated
-- credential, so a key row cannot name a statement that does not exist. Statements are never
-- deleted (xAPI statements are immutable; voiding is a flag), so the ON DELETE CASCADE has
-- nothing to do either (migration 0106 already dropped the index on statement_seq it would
-- need). The constraint cost one trigger and one index probe of xapi_statements per key row,
-- five to eight per statement: about a tenth of the database's time on a statement POST.
-- A future retention job that deletes statements deletes their key rows itself.
-- SQLite keeps its constraint: dropping it means rebuilding the table (minutes on a large
-- LRS), and its check is a rowid lookup of the row just written, in the page cache.

ALTER TABLE xapi_statement_keys DROP CONSTRAINT IF EXISTS xapi_statement_keys_statement_seq_fkey;

-- Statements and documents no longer carry foreign keys to `tenants` and `applications`
-- (docs/xapi.md "Performance"). Every row is written in the scope of the credential that was
-- just authenticated, whose own row keeps those foreign keys, and neither tenants nor
-- applications are ever deleted, so the constraints could only ever pass; their checks (an SPI
-- query each, two per statement and per new document) were about a tenth of the database's
-- time on a state PUT and 7 % on a statement POST. Row-level security still walls every row
-- into its scope. SQLite keeps its constraints (dropping one means rebuilding the table).

ALTER TABLE xapi_statements DROP CONSTRAINT IF EXISTS xapi_statements_tenant_id_fkey;
ALTER TABLE xapi_statements DROP CONSTRAINT IF EXISTS xapi_statements_app_id_fkey;
ALTER TABLE xapi_documents DROP CONSTRAINT IF EXISTS xapi_documents_tenant_id_fkey;
ALTER TABLE xapi_documents DROP CONSTRAINT IF EXISTS xapi_documents_app_id_fkey;

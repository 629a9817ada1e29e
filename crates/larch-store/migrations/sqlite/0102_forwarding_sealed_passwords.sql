-- Forwarding rules' target passwords sealed at rest: AES-256-GCM under the `credential_sealing`
-- key of server_secrets (larch-store/src/sealing.rs), bound to the rule's scope and id. Rows
-- written before this migration keep their plain text, marked 0, until the store seals them
-- as it opens (one pass, sql/body/forwarding.rs `seal_plain_passwords`).
ALTER TABLE lrs_forwarding_rules ADD COLUMN auth_sealed INTEGER NOT NULL DEFAULT 0;

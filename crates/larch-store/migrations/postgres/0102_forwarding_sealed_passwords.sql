-- Forwarding rules' target passwords sealed at rest: AES-256-GCM under the `credential_sealing`
-- key of server_secrets (larch-store/src/sealing.rs), bound to the rule's scope and id. Rows
-- written before this migration keep their plain text, marked 0, until the store seals them
-- as it opens (one pass, sql/body/forwarding.rs `seal_plain_passwords`). That pass spans every
-- scope: its transaction alone runs with `larch.worker = 'sealing'`, which the policy admits.
ALTER TABLE lrs_forwarding_rules ADD COLUMN auth_sealed BIGINT NOT NULL DEFAULT 0;
DROP POLICY scope_wall ON lrs_forwarding_rules;
CREATE POLICY scope_wall ON lrs_forwarding_rules
    USING (larch_in_scope(tenant_id, app_id, env)
           OR current_setting('larch.worker', true) = 'sealing')
    WITH CHECK (larch_in_scope(tenant_id, app_id, env)
                OR current_setting('larch.worker', true) = 'sealing');

-- The transactional outbox (messages written in the same transaction as the change that causes
-- them, claimed by delivery workers), its delivery log, and the LRS's statement forwarding
-- rules, the outbox's first user. Outbox times are Unix milliseconds (`_ms`): retries back off
-- from a fraction of a second.

CREATE TABLE outbox_messages (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    -- What kind of delivery (`lrs.forward`, later `webhook`, …) and to whom (a rule, an endpoint).
    topic TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    created_ms BIGINT NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    locked_by TEXT,
    locked_until_ms BIGINT,
    delivered_ms BIGINT,
    last_error TEXT,
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_ms, seq) WHERE status = 'pending';
-- Messages to one target are delivered in order: the claim looks for an older pending one.
CREATE INDEX outbox_messages_line ON outbox_messages (tenant_id, app_id, env, topic, target, status, seq);

-- One row per delivery attempt.
CREATE TABLE outbox_deliveries (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    env TEXT NOT NULL,
    id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    target TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    status_code BIGINT,
    error TEXT,
    duration_ms BIGINT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX outbox_deliveries_target ON outbox_deliveries (tenant_id, app_id, env, topic, target, seq);

-- Statement forwarding rules of an environment's LRS. The target's password is kept as given
-- (it must be sent) and never returned by the API.
CREATE TABLE lrs_forwarding_rules (
    seq BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    app_id BIGINT NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    url TEXT NOT NULL,
    version TEXT NOT NULL,
    auth_username TEXT NOT NULL,
    auth_password TEXT NOT NULL,
    filter TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);

-- Row-level security as in 0001. A delivery worker claims messages before it knows their
-- scope, with `larch.worker = 'outbox'` set for that one transaction; everything after the
-- claim runs in the message's scope.
ALTER TABLE outbox_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON outbox_messages
    USING (larch_in_scope(tenant_id, app_id, env)
           OR current_setting('larch.worker', true) = 'outbox')
    WITH CHECK (larch_in_scope(tenant_id, app_id, env)
                OR current_setting('larch.worker', true) = 'outbox');

ALTER TABLE outbox_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON outbox_deliveries
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

ALTER TABLE lrs_forwarding_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE lrs_forwarding_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_wall ON lrs_forwarding_rules
    USING (larch_in_scope(tenant_id, app_id, env))
    WITH CHECK (larch_in_scope(tenant_id, app_id, env));

-- The transactional outbox (messages written in the same transaction as the change that causes
-- them, claimed by delivery workers), its delivery log, and the LRS's statement forwarding
-- rules, the outbox's first user. Outbox times are Unix milliseconds (`_ms`): retries back off
-- from a fraction of a second.

CREATE TABLE outbox_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    -- What kind of delivery (`lrs.forward`, later `webhook`, …) and to whom (a rule, an endpoint).
    topic TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    created_ms INTEGER NOT NULL,
    next_attempt_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_by TEXT,
    locked_until_ms INTEGER,
    delivered_ms INTEGER,
    last_error TEXT,
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_ms, seq) WHERE status = 'pending';
-- Messages to one target are delivered in order: the claim looks for an older pending one.
CREATE INDEX outbox_messages_line ON outbox_messages (tenant_id, app_id, env, topic, target, status, seq);

-- One row per delivery attempt.
CREATE TABLE outbox_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    env TEXT NOT NULL,
    id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    target TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
    UNIQUE (tenant_id, app_id, env, id)
);
CREATE INDEX outbox_deliveries_target ON outbox_deliveries (tenant_id, app_id, env, topic, target, seq);

-- Statement forwarding rules of an environment's LRS. The target's password is kept as given
-- (it must be sent) and never returned by the API.
CREATE TABLE lrs_forwarding_rules (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    app_id INTEGER NOT NULL REFERENCES applications (id),
    env TEXT NOT NULL CHECK (env IN ('test', 'live')),
    id TEXT NOT NULL,
    url TEXT NOT NULL,
    version TEXT NOT NULL,
    auth_username TEXT NOT NULL,
    auth_password TEXT NOT NULL,
    filter TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, app_id, env, id)
);

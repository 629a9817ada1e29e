-- Retention of the outbox (OutboxStore::purge_finished): finished messages (delivered or
-- failed) are found by when they finished, and each one's delivery log by its message.
CREATE INDEX outbox_messages_finished ON outbox_messages (COALESCE(delivered_ms, next_attempt_ms))
    WHERE status <> 'pending';
CREATE INDEX outbox_deliveries_message ON outbox_deliveries (tenant_id, app_id, env, message_id);

-- Retention of the outbox (OutboxStore::purge_finished): finished messages (delivered or
-- failed) are found by when they finished, and each one's delivery log by its message.
CREATE INDEX outbox_messages_finished ON outbox_messages (COALESCE(delivered_ms, next_attempt_ms))
    WHERE status <> 'pending';
-- By message id alone (the purge checks the scope apart): SQLite drove a lookup by the row
-- value (scope, message id) IN (subquery) by the scope's first columns only; message ids are
-- random, so one id's entries are few.
CREATE INDEX outbox_deliveries_message ON outbox_deliveries (message_id);

-- Manual redelivery (POST /v1/lrs/forwarding_rules/{id}/deliveries/{delivery_id}/retry): when a
-- delivered or failed message was put back in the queue. Its maximum age counts from then.
ALTER TABLE outbox_messages ADD COLUMN requeued_ms INTEGER;

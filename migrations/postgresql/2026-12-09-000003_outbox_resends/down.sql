ALTER TABLE outbox DROP COLUMN resends;

-- When the current attempt at sending began (Unix milliseconds), while a sender holds the
-- email; NULL otherwise. It names the claim, so that only its holder records the outcome.
ALTER TABLE outbox ADD COLUMN claimed_at BIGINT;

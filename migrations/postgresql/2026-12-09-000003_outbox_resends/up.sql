-- How many times an admin has queued the email again (after it failed, or for a copy of
-- one sent). A resend form carries the count it was shown, so that a second click of the
-- same button finds it moved on and sends nothing more; each copy's Message-ID names it.
ALTER TABLE outbox ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;

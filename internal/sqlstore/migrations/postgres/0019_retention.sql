-- Ending means ending (postgres): who closed a relationship and whether the
-- programme ended it, when its content is erased and was erased, the last
-- erasure warning sent (days before: 0, 30, 7), and an org admin's legal
-- hold, which suspends erasure and which both parties see.
ALTER TABLE relationships ADD COLUMN closed_by_id TEXT REFERENCES users (id);
ALTER TABLE relationships ADD COLUMN ended_by_programme INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relationships ADD COLUMN erase_at TIMESTAMPTZ;
ALTER TABLE relationships ADD COLUMN erase_warned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relationships ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE relationships ADD COLUMN hold_reason TEXT;
ALTER TABLE relationships ADD COLUMN hold_by_id TEXT REFERENCES users (id);
ALTER TABLE relationships ADD COLUMN hold_at TIMESTAMPTZ;
CREATE INDEX relationships_erase_at ON relationships (erase_at) WHERE erase_at IS NOT NULL AND erased_at IS NULL;

-- From suggestion to relationship (sqlite): who matched a pair for the
-- programme (the coordinator; NULL when a party proposed), when each party
-- accepted a match, when an unanswered proposal expires and expired.
ALTER TABLE relationships ADD COLUMN matched_by_id TEXT REFERENCES users (id);
ALTER TABLE relationships ADD COLUMN mentor_accepted_at TEXT;
ALTER TABLE relationships ADD COLUMN mentee_accepted_at TEXT;
ALTER TABLE relationships ADD COLUMN expires_at TEXT;
ALTER TABLE relationships ADD COLUMN expired_at TEXT;
CREATE INDEX relationships_expires_at ON relationships (expires_at) WHERE status = 'proposed' AND expires_at IS NOT NULL;

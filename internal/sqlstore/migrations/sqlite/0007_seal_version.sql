-- Sealed records carry a seal_version, raised by every write that seals. It is
-- bound into each sealed field's associated data (with author, visibility,
-- parties…), so an older ciphertext restored in place no longer opens, and
-- it is recorded with a digest in the write's audit event, which 'audit
-- verify' compares with every live record. 0 marks a record sealed before
-- this migration (associated data v1).
ALTER TABLE agreement_comments ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agreement_versions ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE commitments ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE concern_steps ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE concerns ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consultation_messages ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disclosures ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback_responses ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE goal_progress ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE goals ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE input_requests ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notes ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statements ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE three_way_meetings ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE three_way_notes ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 0;
-- A relationship's data key carries a token sealed with that key and bound
-- to the relationship's organisation, programme, mentor and mentee: a party
-- changed outside mentorvault makes the token, and so all of the pair's
-- content, refuse to open.
ALTER TABLE data_keys ADD COLUMN parties_sealed BLOB;
-- One-time upgrade steps that need the keys, so run by the service rather
-- than by a migration (e.g. binding keys made before bindings to their
-- parties). A step recorded here never runs again.
CREATE TABLE upgrade_steps (
	name    TEXT PRIMARY KEY,
	done_at TEXT NOT NULL
);

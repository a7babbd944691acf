-- Each party confirms for themselves that they read a version of the
-- programme's guidelines (postgres). Before this, one party ticked "we have
-- both read" in the agreement's terms; those versions keep their signed
-- text, and the service counts them as read by both.
CREATE TABLE guidelines_reads (
	relationship_id    TEXT NOT NULL REFERENCES relationships (id),
	user_id            TEXT NOT NULL REFERENCES users (id),
	guidelines_version INTEGER NOT NULL CHECK (guidelines_version > 0),
	read_at            TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (relationship_id, user_id, guidelines_version)
);

-- Feedback on the mentor's approach that the mentee offered unasked: the
-- request is the mentee's own form, read by the mentor like an asked one.
ALTER TABLE feedback_requests ADD COLUMN offered BOOLEAN NOT NULL DEFAULT FALSE;

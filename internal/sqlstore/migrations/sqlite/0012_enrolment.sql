-- Enrolment (SQLite): a programme's topic list (a JSON array of short
-- strings, chosen from by the people who enrol), and each person's
-- enrolment in a programme as a mentor, a mentee or a peer, with the
-- profile used for matching. A withdrawn enrolment keeps its row (who,
-- role, dates) with its profile emptied. The free-text fields are personal
-- data but not sealed: sealing keys exist per relationship only (see
-- docs/security.md).
ALTER TABLE programmes ADD COLUMN topics TEXT NOT NULL DEFAULT '[]';

CREATE TABLE enrolments (
	id                     TEXT PRIMARY KEY,
	programme_id           TEXT NOT NULL REFERENCES programmes (id),
	user_id                TEXT NOT NULL REFERENCES users (id),
	role                   TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'peer')),
	topics                 TEXT NOT NULL DEFAULT '[]',
	topics_other           TEXT NOT NULL DEFAULT '',
	goals                  TEXT NOT NULL DEFAULT '',
	languages              TEXT NOT NULL DEFAULT '[]',
	time_zone              TEXT NOT NULL DEFAULT '',
	availability           TEXT NOT NULL DEFAULT '',
	capacity               INTEGER NOT NULL DEFAULT 0 CHECK (capacity BETWEEN 0 AND 20),
	exclude_reporting_line INTEGER NOT NULL DEFAULT 1 CHECK (exclude_reporting_line IN (0, 1)),
	exclusions             TEXT NOT NULL DEFAULT '[]',
	enrolled_at            TEXT NOT NULL,
	updated_at             TEXT NOT NULL,
	withdrawn_at           TEXT,
	UNIQUE (programme_id, user_id)
);
CREATE INDEX enrolments_user_id ON enrolments (user_id);

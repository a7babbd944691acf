-- Meetings and what hangs off them (PostgreSQL): confidentiality-reminder
-- acknowledgements, notes of a session, goals with progress notes,
-- commitments, mentee feedback, in-app notifications and calendar feeds.
-- Content the pair writes (agendas, descriptions, titles, bodies, feedback
-- answers) is stored sealed only.

CREATE TABLE meetings (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	starts_at       TIMESTAMPTZ NOT NULL,
	-- starts_at + minutes, kept by the store so that "upcoming" (ends after
	-- now) is a plain comparison.
	ends_at         TIMESTAMPTZ NOT NULL,
	minutes         INTEGER NOT NULL CHECK (minutes > 0),
	location        TEXT NOT NULL,
	agenda_sealed   BYTEA,
	status          TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled_in_time', 'cancelled_late', 'missed')),
	sequence        INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
	created_by_id   TEXT NOT NULL REFERENCES users (id),
	created_at      TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL,
	cancelled_by_id TEXT REFERENCES users (id),
	cancelled_at    TIMESTAMPTZ
);
CREATE INDEX meetings_relationship_id_starts_at ON meetings (relationship_id, starts_at);
CREATE INDEX meetings_status_starts_at ON meetings (status, starts_at);

CREATE TABLE reminder_acks (
	meeting_id      TEXT NOT NULL REFERENCES meetings (id),
	user_id         TEXT NOT NULL REFERENCES users (id),
	shown_at        TIMESTAMPTZ NOT NULL,
	acknowledged_at TIMESTAMPTZ,
	PRIMARY KEY (meeting_id, user_id)
);

ALTER TABLE notes ADD COLUMN meeting_id TEXT REFERENCES meetings (id);
CREATE INDEX notes_relationship_id_meeting_id ON notes (relationship_id, meeting_id);

CREATE TABLE goals (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	title_sealed    BYTEA NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('active', 'achieved', 'dropped')),
	created_by_id   TEXT NOT NULL REFERENCES users (id),
	created_at      TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX goals_relationship_id ON goals (relationship_id, created_at);

CREATE TABLE goal_progress (
	id              TEXT PRIMARY KEY,
	goal_id         TEXT NOT NULL REFERENCES goals (id),
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	author_id       TEXT NOT NULL REFERENCES users (id),
	body_sealed     BYTEA NOT NULL,
	created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX goal_progress_relationship_id ON goal_progress (relationship_id, created_at);

CREATE TABLE commitments (
	id                 TEXT PRIMARY KEY,
	relationship_id    TEXT NOT NULL REFERENCES relationships (id),
	owner_id           TEXT NOT NULL REFERENCES users (id),
	proposed_by_id     TEXT NOT NULL REFERENCES users (id),
	goal_id            TEXT REFERENCES goals (id),
	meeting_id         TEXT REFERENCES meetings (id),
	description_sealed BYTEA NOT NULL,
	due_at             TIMESTAMPTZ NOT NULL,
	status             TEXT NOT NULL CHECK (status IN ('proposed', 'open', 'kept', 'missed', 'dropped')),
	created_at         TIMESTAMPTZ NOT NULL,
	updated_at         TIMESTAMPTZ NOT NULL,
	closed_at          TIMESTAMPTZ
);
CREATE INDEX commitments_relationship_id_due_at ON commitments (relationship_id, due_at);

CREATE TABLE feedback_requests (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	mentor_id       TEXT NOT NULL REFERENCES users (id),
	mentee_id       TEXT NOT NULL REFERENCES users (id),
	programme_id    TEXT REFERENCES programmes (id),
	requested_at    TIMESTAMPTZ NOT NULL,
	answered_at     TIMESTAMPTZ
);
CREATE INDEX feedback_requests_relationship_id ON feedback_requests (relationship_id, requested_at);

CREATE TABLE feedback_responses (
	request_id      TEXT PRIMARY KEY REFERENCES feedback_requests (id),
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	programme_id    TEXT REFERENCES programmes (id),
	sealed          BYTEA NOT NULL,
	created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX feedback_responses_relationship_id ON feedback_responses (relationship_id, created_at);
CREATE INDEX feedback_responses_programme_id ON feedback_responses (programme_id);

-- Text names the relationship and the kind of event only, never content.
-- A NULL dedupe_key never collides.
CREATE TABLE notifications (
	id              TEXT PRIMARY KEY,
	user_id         TEXT NOT NULL REFERENCES users (id),
	kind            TEXT NOT NULL,
	relationship_id TEXT REFERENCES relationships (id),
	ref_id          TEXT,
	text            TEXT NOT NULL,
	link            TEXT NOT NULL,
	dedupe_key      TEXT,
	created_at      TIMESTAMPTZ NOT NULL,
	read_at         TIMESTAMPTZ,
	UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user_id_created_at ON notifications (user_id, created_at);

CREATE TABLE calendar_feeds (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id),
	token_hash BYTEA NOT NULL UNIQUE,
	detailed   BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMPTZ NOT NULL,
	revoked_at TIMESTAMPTZ
);
CREATE INDEX calendar_feeds_user_id ON calendar_feeds (user_id);

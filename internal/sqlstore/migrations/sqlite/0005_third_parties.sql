-- Third parties (SQLite): input requests from a requester, statements (an
-- answer to a request, or a shared summary) that reach their recipient only
-- once released, and three-way meetings with the mentee's line manager with
-- the brief both parties agreed. Texts are stored sealed only; the purpose
-- line is metadata both parties and the requester see.

CREATE TABLE input_requests (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	requester_id    TEXT NOT NULL REFERENCES users (id),
	asked_id        TEXT NOT NULL REFERENCES users (id),
	subject_id      TEXT NOT NULL REFERENCES users (id),
	purpose         TEXT NOT NULL CHECK (purpose <> ''),
	question_sealed BLOB NOT NULL,
	deadline        TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('open', 'declined', 'answered')),
	decline_reply   TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	CHECK (asked_id <> subject_id AND requester_id <> asked_id AND requester_id <> subject_id)
);
CREATE INDEX input_requests_relationship_id ON input_requests (relationship_id, created_at);
CREATE INDEX input_requests_requester_id ON input_requests (requester_id, created_at);

CREATE TABLE statements (
	id                TEXT PRIMARY KEY,
	relationship_id   TEXT NOT NULL REFERENCES relationships (id),
	kind              TEXT NOT NULL CHECK (kind IN ('input', 'summary')),
	request_id        TEXT REFERENCES input_requests (id),
	author_id         TEXT NOT NULL REFERENCES users (id),
	subject_id        TEXT NOT NULL REFERENCES users (id),
	recipient_user_id TEXT NOT NULL REFERENCES users (id),
	recipient_kind    TEXT NOT NULL CHECK (recipient_kind IN ('line_manager', 'promotion_panel_hr', 'coordinator', 'supervisor', 'named_person')),
	purpose           TEXT NOT NULL CHECK (purpose <> ''),
	body_sealed       BLOB NOT NULL,
	comment_sealed    BLOB,
	state             TEXT NOT NULL CHECK (state IN ('draft', 'awaiting_consent', 'changes_requested', 'pre_authorised', 'refused', 'released', 'withdrawn')),
	release_at        TEXT,
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL,
	released_at       TEXT,
	withdrawn_at      TEXT,
	CHECK ((kind = 'input') = (request_id IS NOT NULL)),
	CHECK (author_id <> subject_id)
);
CREATE INDEX statements_relationship_id ON statements (relationship_id, created_at);
CREATE INDEX statements_recipient_user_id ON statements (recipient_user_id, released_at) WHERE released_at IS NOT NULL;
CREATE INDEX statements_request_id ON statements (request_id);

CREATE TABLE three_way_meetings (
	id               TEXT PRIMARY KEY,
	relationship_id  TEXT NOT NULL REFERENCES relationships (id),
	manager_id       TEXT NOT NULL REFERENCES users (id),
	proposed_by_id   TEXT NOT NULL REFERENCES users (id),
	brief_sealed     BLOB NOT NULL,
	starts_at        TEXT NOT NULL,
	minutes          INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),
	location         TEXT NOT NULL DEFAULT '',
	state            TEXT NOT NULL CHECK (state IN ('proposed', 'agreed', 'held', 'cancelled')),
	mentor_agreed_at TEXT,
	mentee_agreed_at TEXT,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL
);
CREATE INDEX three_way_meetings_relationship_id ON three_way_meetings (relationship_id, starts_at);
CREATE INDEX three_way_meetings_manager_id ON three_way_meetings (manager_id, starts_at);

CREATE TABLE three_way_notes (
	id           TEXT PRIMARY KEY,
	three_way_id TEXT NOT NULL REFERENCES three_way_meetings (id),
	author_id    TEXT NOT NULL REFERENCES users (id),
	body_sealed  BLOB NOT NULL,
	created_at   TEXT NOT NULL
);
CREATE INDEX three_way_notes_three_way_id ON three_way_notes (three_way_id, created_at);

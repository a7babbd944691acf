-- Initial schema (SQLite). Times are TEXT in UTC, fixed-width RFC 3339 with
-- microseconds ("2006-01-02T15:04:05.000000Z"), so they compare correctly as
-- strings and round-trip like PostgreSQL timestamptz. Booleans are INTEGER 0/1.

CREATE TABLE orgs (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES orgs (id),
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	manager_id    TEXT REFERENCES users (id),
	org_admin     INTEGER NOT NULL DEFAULT 0 CHECK (org_admin IN (0, 1)),
	requester     INTEGER NOT NULL DEFAULT 0 CHECK (requester IN (0, 1)),
	created_at    TEXT NOT NULL,
	disabled_at   TEXT
);
CREATE INDEX users_org_id ON users (org_id);
CREATE INDEX users_manager_id ON users (manager_id);

CREATE TABLE programmes (
	id         TEXT PRIMARY KEY,
	org_id     TEXT NOT NULL REFERENCES orgs (id),
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX programmes_org_id ON programmes (org_id);

CREATE TABLE programme_roles (
	programme_id TEXT NOT NULL REFERENCES programmes (id),
	user_id      TEXT NOT NULL REFERENCES users (id),
	role         TEXT NOT NULL CHECK (role IN ('coordinator', 'supervisor')),
	PRIMARY KEY (programme_id, user_id, role)
);
CREATE INDEX programme_roles_user_id ON programme_roles (user_id);

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	token_hash   BLOB NOT NULL UNIQUE,
	user_id      TEXT NOT NULL REFERENCES users (id),
	csrf_token   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE api_tokens (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL REFERENCES users (id),
	name         TEXT NOT NULL,
	hash         BLOB NOT NULL UNIQUE,
	created_at   TEXT NOT NULL,
	last_used_at TEXT,
	revoked_at   TEXT
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  TEXT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE relationships (
	id               TEXT PRIMARY KEY,
	org_id           TEXT NOT NULL REFERENCES orgs (id),
	programme_id     TEXT REFERENCES programmes (id),
	kind             TEXT NOT NULL CHECK (kind IN ('mentoring', 'peer')),
	mentor_id        TEXT NOT NULL REFERENCES users (id),
	mentee_id        TEXT NOT NULL REFERENCES users (id),
	proposed_by_id   TEXT NOT NULL REFERENCES users (id),
	status           TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'agreeing', 'active', 'paused', 'closed', 'declined', 'withdrawn')),
	mentor_agreed_at TEXT,
	mentee_agreed_at TEXT,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	started_at       TEXT,
	ended_at         TEXT
);
CREATE INDEX relationships_org_id_status ON relationships (org_id, status);
CREATE INDEX relationships_mentor_id ON relationships (mentor_id);
CREATE INDEX relationships_mentee_id ON relationships (mentee_id);
CREATE INDEX relationships_programme_id ON relationships (programme_id);

CREATE TABLE data_keys (
	relationship_id TEXT PRIMARY KEY REFERENCES relationships (id),
	wrapped         BLOB,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	destroyed_at    TEXT
);

CREATE TABLE notes (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	author_id       TEXT NOT NULL REFERENCES users (id),
	visibility      TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
	body_sealed     BLOB NOT NULL,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
);
CREATE INDEX notes_relationship_id_id ON notes (relationship_id, id);

-- The audit log has no foreign keys, triggers or checks: it records attempts
-- on records that may not exist, and tamper detection is the hash chain's job.
CREATE TABLE audit_events (
	seq             INTEGER PRIMARY KEY,
	id              TEXT NOT NULL,
	at              TEXT NOT NULL,
	actor_id        TEXT,
	action          TEXT NOT NULL,
	outcome         TEXT NOT NULL,
	org_id          TEXT,
	relationship_id TEXT,
	resource_type   TEXT,
	resource_id     TEXT,
	detail          TEXT,
	prev_hash       BLOB,
	hash            BLOB
);
CREATE INDEX audit_events_relationship_id_seq ON audit_events (relationship_id, seq);

CREATE TABLE audit_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  INTEGER NOT NULL,
	hash BLOB
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, NULL);

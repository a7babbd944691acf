-- Initial schema (PostgreSQL). Times are timestamptz (microseconds, UTC).

CREATE TABLE orgs (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES orgs (id),
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	manager_id    TEXT REFERENCES users (id),
	org_admin     BOOLEAN NOT NULL DEFAULT FALSE,
	requester     BOOLEAN NOT NULL DEFAULT FALSE,
	created_at    TIMESTAMPTZ NOT NULL,
	disabled_at   TIMESTAMPTZ
);
CREATE INDEX users_org_id ON users (org_id);
CREATE INDEX users_manager_id ON users (manager_id);

CREATE TABLE programmes (
	id         TEXT PRIMARY KEY,
	org_id     TEXT NOT NULL REFERENCES orgs (id),
	name       TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
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
	token_hash   BYTEA NOT NULL UNIQUE,
	user_id      TEXT NOT NULL REFERENCES users (id),
	csrf_token   TEXT NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL,
	expires_at   TIMESTAMPTZ NOT NULL,
	last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE api_tokens (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL REFERENCES users (id),
	name         TEXT NOT NULL,
	hash         BYTEA NOT NULL UNIQUE,
	created_at   TIMESTAMPTZ NOT NULL,
	last_used_at TIMESTAMPTZ,
	revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  TIMESTAMPTZ NOT NULL
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
	mentor_agreed_at TIMESTAMPTZ,
	mentee_agreed_at TIMESTAMPTZ,
	created_at       TIMESTAMPTZ NOT NULL,
	updated_at       TIMESTAMPTZ NOT NULL,
	started_at       TIMESTAMPTZ,
	ended_at         TIMESTAMPTZ
);
CREATE INDEX relationships_org_id_status ON relationships (org_id, status);
CREATE INDEX relationships_mentor_id ON relationships (mentor_id);
CREATE INDEX relationships_mentee_id ON relationships (mentee_id);
CREATE INDEX relationships_programme_id ON relationships (programme_id);

CREATE TABLE data_keys (
	relationship_id TEXT PRIMARY KEY REFERENCES relationships (id),
	wrapped         BYTEA,
	created_at      TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL,
	destroyed_at    TIMESTAMPTZ
);

CREATE TABLE notes (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	author_id       TEXT NOT NULL REFERENCES users (id),
	visibility      TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
	body_sealed     BYTEA NOT NULL,
	created_at      TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX notes_relationship_id_id ON notes (relationship_id, id);

-- The audit log has no foreign keys, triggers or checks: it records attempts
-- on records that may not exist, and tamper detection is the hash chain's job.
CREATE TABLE audit_events (
	seq             BIGINT PRIMARY KEY,
	id              TEXT NOT NULL,
	at              TIMESTAMPTZ NOT NULL,
	actor_id        TEXT,
	action          TEXT NOT NULL,
	outcome         TEXT NOT NULL,
	org_id          TEXT,
	relationship_id TEXT,
	resource_type   TEXT,
	resource_id     TEXT,
	detail          TEXT,
	prev_hash       BYTEA,
	hash            BYTEA
);
CREATE INDEX audit_events_relationship_id_seq ON audit_events (relationship_id, seq);

CREATE TABLE audit_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  BIGINT NOT NULL,
	hash BYTEA
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, NULL);

-- Confidentiality agreements (SQLite): programme settings and guidelines,
-- numbered agreement versions with their signatures and comments, and
-- periodic reviews. Content the pair writes is stored sealed only.

-- Plain JSON of mentorvault.ProgrammeSettings; NULL means the defaults.
ALTER TABLE programmes ADD COLUMN settings_json TEXT;

CREATE TABLE guidelines (
	programme_id  TEXT NOT NULL REFERENCES programmes (id),
	version       INTEGER NOT NULL CHECK (version > 0),
	body          TEXT NOT NULL,
	created_by_id TEXT REFERENCES users (id),
	created_at    TEXT NOT NULL,
	PRIMARY KEY (programme_id, version)
);

CREATE TABLE agreement_versions (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	number          INTEGER NOT NULL CHECK (number > 0),
	state           TEXT NOT NULL CHECK (state IN ('draft', 'in_force', 'superseded')),
	terms_sealed    BLOB NOT NULL,
	text_sealed     BLOB,
	hash            BLOB,
	created_by_id   TEXT REFERENCES users (id),
	updated_by_id   TEXT REFERENCES users (id),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	in_force_at     TEXT,
	UNIQUE (relationship_id, number)
);
CREATE INDEX agreement_versions_relationship_id ON agreement_versions (relationship_id);

CREATE TABLE agreement_signatures (
	version_id TEXT NOT NULL REFERENCES agreement_versions (id),
	user_id    TEXT NOT NULL REFERENCES users (id),
	hash       BLOB NOT NULL,
	signed_at  TEXT NOT NULL,
	PRIMARY KEY (version_id, user_id)
);

CREATE TABLE agreement_comments (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	version_id      TEXT NOT NULL REFERENCES agreement_versions (id),
	section         TEXT NOT NULL,
	author_id       TEXT NOT NULL REFERENCES users (id),
	body_sealed     BLOB NOT NULL,
	created_at      TEXT NOT NULL
);
CREATE INDEX agreement_comments_relationship_id ON agreement_comments (relationship_id, created_at);

CREATE TABLE reviews (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	version_id      TEXT REFERENCES agreement_versions (id),
	user_id         TEXT NOT NULL REFERENCES users (id),
	sealed          BLOB NOT NULL,
	created_at      TEXT NOT NULL
);
CREATE INDEX reviews_relationship_id ON reviews (relationship_id, created_at);

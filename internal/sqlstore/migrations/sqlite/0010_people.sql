-- People (SQLite): the people list is searched by name or email prefix,
-- ignoring case, and paged by name, so 100,000 people stay fast. name_key is
-- the lower-cased name (mentorvault.SearchKey), kept by the store; SQLite
-- compares TEXT byte by byte, so a prefix is a range on the index.
ALTER TABLE users ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE users SET name_key = lower(trim(name));
CREATE INDEX users_org_name_key ON users (org_id, name_key, id);
CREATE INDEX users_org_email ON users (org_id, email);

-- Invitations: a single-use link to set a password, stored only as the
-- SHA-256 of its token.
CREATE TABLE invitations (
	id            TEXT PRIMARY KEY,
	user_id       TEXT NOT NULL REFERENCES users (id),
	token_hash    BLOB NOT NULL UNIQUE,
	created_by_id TEXT REFERENCES users (id),
	created_at    TEXT NOT NULL,
	expires_at    TEXT NOT NULL,
	used_at       TEXT,
	revoked_at    TEXT
);
CREATE INDEX invitations_user_id ON invitations (user_id);

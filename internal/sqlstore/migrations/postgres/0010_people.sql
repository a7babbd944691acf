-- People (PostgreSQL): the people list is searched by name or email prefix,
-- ignoring case, and paged by name, so 100,000 people stay fast. name_key is
-- the lower-cased name (mentorvault.SearchKey), kept by the store. Both
-- searched columns compare byte by byte (COLLATE "C", as SQLite does), so a
-- prefix is a range on the index whatever the database's locale.
ALTER TABLE users ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE users SET name_key = lower(btrim(name));
ALTER TABLE users ALTER COLUMN email TYPE TEXT COLLATE "C";
CREATE INDEX users_org_name_key ON users (org_id, name_key, id);
CREATE INDEX users_org_email ON users (org_id, email);

-- Invitations: a single-use link to set a password, stored only as the
-- SHA-256 of its token.
CREATE TABLE invitations (
	id            TEXT PRIMARY KEY,
	user_id       TEXT NOT NULL REFERENCES users (id),
	token_hash    BYTEA NOT NULL UNIQUE,
	created_by_id TEXT REFERENCES users (id),
	created_at    TIMESTAMPTZ NOT NULL,
	expires_at    TIMESTAMPTZ NOT NULL,
	used_at       TIMESTAMPTZ,
	revoked_at    TIMESTAMPTZ
);
CREATE INDEX invitations_user_id ON invitations (user_id);

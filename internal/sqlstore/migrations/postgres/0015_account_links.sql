-- Account links (postgres): single-use links emailed to a person about their own
-- account (a password reset, the confirmation of a new email address),
-- stored only as the SHA-256 of the token. new_email is the address an
-- email_change link confirms.
CREATE TABLE account_links (
	id            TEXT PRIMARY KEY,
	user_id       TEXT NOT NULL REFERENCES users (id),
	kind          TEXT NOT NULL CHECK (kind IN ('password_reset', 'email_change')),
	token_hash    BYTEA NOT NULL UNIQUE,
	new_email     TEXT NOT NULL DEFAULT '',
	created_by_id TEXT REFERENCES users (id),
	created_at    TIMESTAMPTZ NOT NULL,
	expires_at    TIMESTAMPTZ NOT NULL,
	used_at       TIMESTAMPTZ,
	revoked_at    TIMESTAMPTZ
);
CREATE INDEX account_links_user_kind ON account_links (user_id, kind);

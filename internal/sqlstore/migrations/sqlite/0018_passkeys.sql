-- Passkeys, second factor and recovery codes (sqlite).
-- passkeys: a person's WebAuthn credentials; public keys only, never a
-- secret. transports is a JSON list; flags are the authenticator's
-- backup-eligible, backup-state, user-present and user-verified bits.
CREATE TABLE passkeys (
	id                 TEXT PRIMARY KEY,
	user_id            TEXT NOT NULL REFERENCES users (id),
	name               TEXT NOT NULL CHECK (name <> ''),
	credential_id      BLOB NOT NULL UNIQUE,
	public_key         BLOB NOT NULL,
	sign_count         INTEGER NOT NULL DEFAULT 0,
	transports         TEXT NOT NULL DEFAULT '[]',
	aaguid             BLOB,
	flags              INTEGER NOT NULL DEFAULT 0,
	attestation_format TEXT NOT NULL DEFAULT '',
	created_at         TEXT NOT NULL,
	last_used_at       TEXT
);
CREATE INDEX passkeys_user_id ON passkeys (user_id);

-- recovery_codes: single-use codes for a lost passkey, stored as SHA-256
-- hashes (each code is random, 60 bits).
CREATE TABLE recovery_codes (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id),
	code_hash  BLOB NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	used_at    TEXT
);
CREATE INDEX recovery_codes_user_id ON recovery_codes (user_id);

-- user_second_factor: the people who asked for their passkey after their
-- password.
CREATE TABLE user_second_factor (
	user_id    TEXT PRIMARY KEY REFERENCES users (id),
	enabled    INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
	updated_at TEXT NOT NULL
);

-- mfa_policies: an organisation's second-factor rule: everyone, or the
-- people who hold one of roles (a JSON list of admin, coordinator,
-- supervisor, requester).
CREATE TABLE mfa_policies (
	org_id     TEXT PRIMARY KEY REFERENCES orgs (id),
	everyone   INTEGER NOT NULL DEFAULT 0 CHECK (everyone IN (0, 1)),
	roles      TEXT NOT NULL DEFAULT '[]',
	updated_at TEXT NOT NULL,
	updated_by TEXT REFERENCES users (id)
);

-- auth_ceremonies: server-side state of a WebAuthn ceremony (its
-- challenge) or of a sign-in waiting for its second factor, keyed by the
-- SHA-256 of the token the browser holds; single use, expiring.
CREATE TABLE auth_ceremonies (
	token_hash BLOB PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind <> ''),
	user_id    TEXT REFERENCES users (id),
	data       BLOB,
	next       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX auth_ceremonies_expires_at ON auth_ceremonies (expires_at);

-- SCIM provisioning (postgres): an organisation's provisioning clients (an
-- identity provider such as Entra ID or Okta), each with a bearer token
-- stored only as its SHA-256; the provisioning attributes of the people a
-- client manages; and the groups it pushes, with their members.
CREATE TABLE scim_clients (
	id            TEXT PRIMARY KEY,
	org_id        TEXT NOT NULL REFERENCES orgs (id),
	name          TEXT NOT NULL CHECK (name <> ''),
	token_hash    BYTEA NOT NULL UNIQUE,
	created_by_id TEXT REFERENCES users (id),
	created_at    TIMESTAMPTZ NOT NULL,
	last_used_at  TIMESTAMPTZ,
	revoked_at    TIMESTAMPTZ
);
CREATE INDEX scim_clients_org ON scim_clients (org_id);

-- user_name_key is the lower-case userName: SCIM's userName is unique and
-- compared without regard to case (RFC 7643 §4.1.1).
CREATE TABLE scim_users (
	user_id       TEXT PRIMARY KEY REFERENCES users (id),
	org_id        TEXT NOT NULL REFERENCES orgs (id),
	user_name     TEXT NOT NULL CHECK (user_name <> ''),
	user_name_key TEXT NOT NULL,
	external_id   TEXT NOT NULL DEFAULT '',
	given_name    TEXT NOT NULL DEFAULT '',
	family_name   TEXT NOT NULL DEFAULT '',
	updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX scim_users_user_name ON scim_users (org_id, user_name_key);
CREATE INDEX scim_users_external_id ON scim_users (org_id, external_id);

CREATE TABLE scim_groups (
	id               TEXT PRIMARY KEY,
	org_id           TEXT NOT NULL REFERENCES orgs (id),
	display_name     TEXT NOT NULL CHECK (display_name <> ''),
	display_name_key TEXT NOT NULL,
	external_id      TEXT NOT NULL DEFAULT '',
	created_at       TIMESTAMPTZ NOT NULL,
	updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups (org_id, display_name_key);

CREATE TABLE scim_group_members (
	group_id TEXT NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
	user_id  TEXT NOT NULL REFERENCES users (id),
	PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scim_group_members_user ON scim_group_members (user_id);

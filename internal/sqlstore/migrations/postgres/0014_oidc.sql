-- OpenID Connect (postgres): an organisation's identity providers. The client
-- secret is never stored: secret_file names a file, readable by the server,
-- that holds it. domains is a JSON list of lower-case email domains.
CREATE TABLE oidc_providers (
	id           TEXT PRIMARY KEY,
	org_id       TEXT NOT NULL REFERENCES orgs (id),
	name         TEXT NOT NULL CHECK (name <> ''),
	issuer       TEXT NOT NULL CHECK (issuer <> ''),
	client_id    TEXT NOT NULL CHECK (client_id <> ''),
	secret_file  TEXT NOT NULL CHECK (secret_file <> ''),
	domains      TEXT NOT NULL DEFAULT '[]',
	sso_only     BOOLEAN NOT NULL DEFAULT FALSE,
	create_users BOOLEAN NOT NULL DEFAULT FALSE,
	created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX oidc_providers_client ON oidc_providers (org_id, issuer, client_id);

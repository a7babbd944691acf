-- OpenID Connect (sqlite): an organisation's identity providers. The client
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
	sso_only     INTEGER NOT NULL DEFAULT 0 CHECK (sso_only IN (0, 1)),
	create_users INTEGER NOT NULL DEFAULT 0 CHECK (create_users IN (0, 1)),
	created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX oidc_providers_client ON oidc_providers (org_id, issuer, client_id);

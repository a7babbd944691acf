-- Email (postgres): the outbox, written in the transaction of the event that
-- causes each message and drained by workers that lease one message at a
-- time; addresses the SMTP server refused for good; each person's choice
-- per kind of message and their time zone. Messages carry no content.
CREATE TABLE outbox (
	id          TEXT PRIMARY KEY,
	user_id     TEXT NOT NULL,
	address     TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind <> ''),
	state       TEXT NOT NULL CHECK (state IN ('pending', 'digest', 'digested', 'sent', 'failed')),
	subject     TEXT NOT NULL,
	body_text   TEXT NOT NULL,
	body_html   TEXT NOT NULL,
	calendar    TEXT NOT NULL DEFAULT '',
	method      TEXT NOT NULL DEFAULT '',
	sentence    TEXT NOT NULL DEFAULT '',
	link        TEXT NOT NULL DEFAULT '',
	dedupe_key  TEXT,
	-- an invitation's link, sealed with a key of its own, both dropped once sent
	secret_key  BYTEA,
	secret      BYTEA,
	attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	run_at      TIMESTAMPTZ NOT NULL,
	lease_ends_at TIMESTAMPTZ,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMPTZ NOT NULL,
	sent_at     TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (run_at, id) WHERE state = 'pending';
CREATE INDEX outbox_user ON outbox (user_id, created_at);
-- One message per person and notification key: a reminder noticed again sends nothing.
CREATE UNIQUE INDEX outbox_dedupe ON outbox (user_id, dedupe_key);

CREATE TABLE mail_failures (
	address   TEXT PRIMARY KEY,
	reason    TEXT NOT NULL,
	failed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE mail_settings (
	user_id   TEXT PRIMARY KEY REFERENCES users (id),
	time_zone TEXT NOT NULL DEFAULT ''
);

CREATE TABLE mail_modes (
	user_id TEXT NOT NULL REFERENCES users (id),
	kind    TEXT NOT NULL CHECK (kind <> ''),
	mode    TEXT NOT NULL CHECK (mode IN ('immediate', 'digest', 'off')),
	PRIMARY KEY (user_id, kind)
);

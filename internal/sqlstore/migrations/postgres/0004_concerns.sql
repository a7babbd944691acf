-- Breaking confidentiality without surprise (PostgreSQL): concerns a party
-- raises, the steps of working them through, disclosures, consultations
-- with a programme supervisor, and durable jobs (a disclosure taking effect
-- after its notice). Texts the parties write are stored sealed only.

CREATE TABLE concerns (
	id                 TEXT PRIMARY KEY,
	relationship_id    TEXT NOT NULL REFERENCES relationships (id),
	raised_by_id       TEXT NOT NULL REFERENCES users (id),
	category           TEXT NOT NULL CHECK (category IN ('danger_to_mentee', 'danger_to_others', 'unlawful_conduct', 'theft',
		'trade_secrets', 'harm_to_organisation', 'other')),
	description_sealed BYTEA NOT NULL,
	imminent           BOOLEAN NOT NULL DEFAULT FALSE,
	status             TEXT NOT NULL CHECK (status IN ('open', 'disclosed', 'resolved', 'withdrawn')),
	created_at         TIMESTAMPTZ NOT NULL,
	updated_at         TIMESTAMPTZ NOT NULL,
	closed_at          TIMESTAMPTZ
);
CREATE INDEX concerns_relationship_id_created_at ON concerns (relationship_id, created_at);

-- sealed holds the sealed JSON of a step's answer and body.
CREATE TABLE concern_steps (
	id         TEXT PRIMARY KEY,
	concern_id TEXT NOT NULL REFERENCES concerns (id),
	author_id  TEXT NOT NULL REFERENCES users (id),
	kind       TEXT NOT NULL CHECK (kind IN ('ethical_view', 'duties', 'comment')),
	sealed     BYTEA NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX concern_steps_concern_id ON concern_steps (concern_id, created_at);

-- A disclosure goes to a user of the organisation (recipient_user_id) or to
-- someone outside the system (recipient_name).
CREATE TABLE disclosures (
	id                TEXT PRIMARY KEY,
	concern_id        TEXT NOT NULL REFERENCES concerns (id),
	relationship_id   TEXT NOT NULL REFERENCES relationships (id),
	kind              TEXT NOT NULL CHECK (kind IN ('plan', 'notice')),
	discloser_id      TEXT NOT NULL REFERENCES users (id),
	recipient_user_id TEXT REFERENCES users (id),
	recipient_name    TEXT NOT NULL DEFAULT '',
	how               TEXT NOT NULL,
	content_sealed    BYTEA NOT NULL,
	effective_at      TIMESTAMPTZ NOT NULL,
	imminent          BOOLEAN NOT NULL DEFAULT FALSE,
	state             TEXT NOT NULL CHECK (state IN ('awaiting_signatures', 'scheduled', 'delivered', 'withdrawn')),
	mentor_signed_at  TIMESTAMPTZ,
	mentee_signed_at  TIMESTAMPTZ,
	created_at        TIMESTAMPTZ NOT NULL,
	updated_at        TIMESTAMPTZ NOT NULL,
	delivered_at      TIMESTAMPTZ,
	withdrawn_at      TIMESTAMPTZ,
	CHECK (recipient_user_id IS NOT NULL OR recipient_name <> '')
);
CREATE INDEX disclosures_concern_id ON disclosures (concern_id, created_at);
CREATE INDEX disclosures_recipient_user_id_delivered_at ON disclosures (recipient_user_id, delivered_at);

-- The supervisor sees consultant_role and the programme only, never the
-- consultant or the relationship.
CREATE TABLE consultations (
	id              TEXT PRIMARY KEY,
	relationship_id TEXT NOT NULL REFERENCES relationships (id),
	consultant_id   TEXT NOT NULL REFERENCES users (id),
	consultant_role TEXT NOT NULL CHECK (consultant_role IN ('mentor', 'mentee', 'partner')),
	supervisor_id   TEXT NOT NULL REFERENCES users (id),
	programme_id    TEXT NOT NULL REFERENCES programmes (id),
	concern_id      TEXT REFERENCES concerns (id),
	created_at      TIMESTAMPTZ NOT NULL,
	closed_at       TIMESTAMPTZ
);
CREATE INDEX consultations_consultant_id ON consultations (consultant_id, created_at);
CREATE INDEX consultations_supervisor_id ON consultations (supervisor_id, created_at);

CREATE TABLE consultation_messages (
	id              TEXT PRIMARY KEY,
	consultation_id TEXT NOT NULL REFERENCES consultations (id),
	from_supervisor BOOLEAN NOT NULL DEFAULT FALSE,
	body_sealed     BYTEA NOT NULL,
	created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX consultation_messages_consultation_id ON consultation_messages (consultation_id, created_at);

-- Durable scheduled work, run once by whichever instance claims it. ref_id
-- names what the job is about (e.g. a disclosure) and is not a foreign key.
CREATE TABLE jobs (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind <> ''),
	ref_id     TEXT NOT NULL,
	run_at     TIMESTAMPTZ NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	last_error TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	done_at    TIMESTAMPTZ
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE done_at IS NULL;
CREATE INDEX jobs_ref_id ON jobs (ref_id);

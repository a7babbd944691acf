-- A coordinator's dashboard that reveals no one (sqlite): the
-- organisation's floor under every programme's k threshold, and the last
-- released value of each figure the k rule applies to, with the people
-- behind it. A figure is released anew only when at least k people
-- changed since (joined or left), so that two views never differ by one
-- person's answer.
ALTER TABLE orgs ADD COLUMN k_floor INTEGER NOT NULL DEFAULT 5 CHECK (k_floor BETWEEN 2 AND 100);
CREATE TABLE dashboard_releases (
	programme_id TEXT NOT NULL REFERENCES programmes (id),
	figure       TEXT NOT NULL,
	value        TEXT NOT NULL,
	people       TEXT NOT NULL DEFAULT '{}',
	released_at  TEXT NOT NULL,
	PRIMARY KEY (programme_id, figure)
);

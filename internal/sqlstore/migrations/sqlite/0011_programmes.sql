-- Programmes run by their organisation (SQLite): a description, a kind
-- (one-to-one mentoring or peer), enrolment open or closed, the mentors'
-- default capacity, and archiving. Existing programmes are mentoring,
-- closed for enrolment, one mentee a mentor, and running.
ALTER TABLE programmes ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN kind TEXT NOT NULL DEFAULT 'mentoring' CHECK (kind IN ('mentoring', 'peer'));
ALTER TABLE programmes ADD COLUMN enrolment_open INTEGER NOT NULL DEFAULT 0 CHECK (enrolment_open IN (0, 1));
ALTER TABLE programmes ADD COLUMN default_capacity INTEGER NOT NULL DEFAULT 1 CHECK (default_capacity BETWEEN 1 AND 20);
ALTER TABLE programmes ADD COLUMN archived_at TEXT;

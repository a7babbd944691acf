-- A disclosure notice that arrives (postgres): its minimum notice runs from
-- when the other party was reached — the SMTP server accepted the message
-- to them, or they opened it in mentorvault, whichever came first — and
-- not from when it was filed. reached_via says how ('email', 'app'; 'filed'
-- for a notice filed before this migration, whose notice ran from filing).
-- undelivered_at is when its message could not be delivered while the
-- party had not opened it: the notice has not started, the discloser is told.
ALTER TABLE disclosures ADD COLUMN reached_at TIMESTAMPTZ;
ALTER TABLE disclosures ADD COLUMN reached_via TEXT NOT NULL DEFAULT '' CHECK (reached_via IN ('', 'email', 'app', 'filed'));
ALTER TABLE disclosures ADD COLUMN undelivered_at TIMESTAMPTZ;
UPDATE disclosures SET reached_at = created_at, reached_via = 'filed' WHERE kind = 'notice';

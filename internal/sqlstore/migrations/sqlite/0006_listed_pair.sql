-- One pair, one open relationship (SQLite): the same two people hold at most
-- one relationship that is proposed, accepted, agreeing, active or paused,
-- whoever is mentor. The service checks first and says so in words; this
-- index makes the second of two concurrent proposals fail.
CREATE UNIQUE INDEX relationships_listed_pair ON relationships (min(mentor_id, mentee_id), max(mentor_id, mentee_id))
	WHERE status IN ('proposed', 'accepted', 'agreeing', 'active', 'paused');

-- The remaining content fields are sealed (issue 11, point 5): an input
-- request's purpose and decline reply, a statement's (summary's or
-- answer's) purpose, a disclosure's "how" and outside recipient's name.
-- Each gets a *_sealed column, bound like the record's other sealed fields.
--
-- The plain columns stay, and mentorvault stops writing content to them: it
-- writes '[sealed]' where a CHECK asks for a value (purpose, recipient_name
-- for an outside recipient) and '' elsewhere. Dropping them would mean, on
-- SQLite, rebuilding input_requests, statements and disclosures (SQLite
-- cannot drop a column a CHECK constraint names), which needs foreign keys
-- off, and that cannot be switched inside the transaction each migration
-- runs in; keeping both dialects' schemas alike, PostgreSQL keeps them too.
-- Rows written before this migration keep their plain values until the
-- service seals them at start-up (Service.SealLeftovers), once, audited.
ALTER TABLE input_requests ADD COLUMN purpose_sealed BLOB;
ALTER TABLE input_requests ADD COLUMN decline_reply_sealed BLOB;
ALTER TABLE statements ADD COLUMN purpose_sealed BLOB;
ALTER TABLE disclosures ADD COLUMN how_sealed BLOB;
ALTER TABLE disclosures ADD COLUMN recipient_name_sealed BLOB;

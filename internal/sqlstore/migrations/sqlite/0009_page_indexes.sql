-- Indexes that keep a page's cost independent of the organisation's size
-- (SQLite).
--
-- The header's unread count is one COUNT over a user's unread notifications
-- only: once read, a notification leaves this partial index.
CREATE INDEX notifications_user_id_unread ON notifications (user_id) WHERE read_at IS NULL;
-- A page of the directory (an organisation's relationships, oldest first)
-- reads just that page in index order, whatever the organisation's size.
CREATE INDEX relationships_org_id_created_at ON relationships (org_id, created_at, id);

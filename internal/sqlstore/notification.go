package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/mentorvault/mentorvault"
)

// CreateNotification stores n, unless the user already has a notification
// with its DedupeKey: then it does nothing and returns nil. An empty
// DedupeKey never matches. Returns ECONFLICT for a duplicate ID and EINVALID
// for an unknown user or relationship.
func (tx *Tx) CreateNotification(ctx context.Context, n *mentorvault.Notification) error {
	_, err := tx.write(ctx, `INSERT INTO notifications (id, user_id, kind, relationship_id, ref_id, text, link, dedupe_key, created_at, read_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
		n.ID, n.UserID, n.Kind, nullString(n.RelationshipID), nullString(n.RefID), n.Text, n.Link, nullString(n.DedupeKey),
		tx.d.timeArg(n.CreatedAt), tx.d.nullTimeArg(n.ReadAt))
	return mapError("create notification", "notification", err)
}

// FindNotifications lists a page of a user's notifications, newest first:
// offset skipped (negative is none), then at most limit (50 when 0, at
// most 500).
func (tx *Tx) FindNotifications(ctx context.Context, userID string, offset, limit int) ([]*mentorvault.Notification, error) {
	rows, err := tx.query(ctx, `SELECT id, user_id, kind, relationship_id, ref_id, text, link, dedupe_key, created_at, read_at
FROM notifications WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, userID, clampLimit(limit, 50, 500), max(offset, 0))
	return collect(rows, err, "find notifications", func(r *sql.Rows) (*mentorvault.Notification, error) {
		var n mentorvault.Notification
		if err := r.Scan(&n.ID, &n.UserID, &n.Kind, stringCol{&n.RelationshipID}, stringCol{&n.RefID}, &n.Text, &n.Link,
			stringCol{&n.DedupeKey}, timeCol{&n.CreatedAt}, nullTimeCol{&n.ReadAt}); err != nil {
			return nil, err
		}
		return &n, nil
	})
}

// CountUnreadNotifications counts a user's unread notifications.
func (tx *Tx) CountUnreadNotifications(ctx context.Context, userID string) (int, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, mapError("count unread notifications", "notification", err)
	}
	return n, nil
}

// MarkNotificationsRead marks a user's notification id read at at (keeping
// an earlier time), or every unread one of the user when id is "". Returns
// ENOTFOUND if id is not a notification of the user.
func (tx *Tx) MarkNotificationsRead(ctx context.Context, userID, id string, at time.Time) error {
	if id == "" {
		_, err := tx.exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, tx.d.timeArg(at), userID)
		return mapError("mark notifications read", "notification", err)
	}
	return tx.execOne(ctx, "mark notification read", "notification",
		`UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?`, tx.d.timeArg(at), id, userID)
}

// CreateCalendarFeed stores a feed (its token's hash only). Returns
// ECONFLICT for a duplicate ID or hash and EINVALID for an unknown user.
func (tx *Tx) CreateCalendarFeed(ctx context.Context, f *mentorvault.CalendarFeed) error {
	_, err := tx.write(ctx, `INSERT INTO calendar_feeds (id, user_id, token_hash, detailed, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
		f.ID, f.UserID, f.TokenHash, f.Detailed, tx.d.timeArg(f.CreatedAt), tx.d.nullTimeArg(f.RevokedAt))
	return mapError("create calendar feed", "calendar feed", err)
}

const calendarFeedColumns = `id, user_id, token_hash, detailed, created_at, revoked_at`

func scanCalendarFeed(s interface{ Scan(...any) error }) (*mentorvault.CalendarFeed, error) {
	var f mentorvault.CalendarFeed
	if err := s.Scan(&f.ID, &f.UserID, bytesCol{&f.TokenHash}, &f.Detailed, timeCol{&f.CreatedAt}, nullTimeCol{&f.RevokedAt}); err != nil {
		return nil, err
	}
	return &f, nil
}

// FindCalendarFeedByHash returns the feed with this token hash, revoked or
// not (the caller checks RevokedAt), or ENOTFOUND.
func (tx *Tx) FindCalendarFeedByHash(ctx context.Context, hash []byte) (*mentorvault.CalendarFeed, error) {
	f, err := scanCalendarFeed(tx.queryRow(ctx, `SELECT `+calendarFeedColumns+` FROM calendar_feeds WHERE token_hash = ?`, hash))
	if err != nil {
		return nil, findErr("find calendar feed", "calendar feed", err)
	}
	return f, nil
}

// FindCalendarFeeds lists a user's feeds, newest first.
func (tx *Tx) FindCalendarFeeds(ctx context.Context, userID string) ([]*mentorvault.CalendarFeed, error) {
	rows, err := tx.query(ctx, `SELECT `+calendarFeedColumns+` FROM calendar_feeds WHERE user_id = ? ORDER BY created_at DESC, id DESC`, userID)
	return collect(rows, err, "find calendar feeds", func(r *sql.Rows) (*mentorvault.CalendarFeed, error) { return scanCalendarFeed(r) })
}

// RevokeCalendarFeed revokes a feed at at; revoking it again keeps the
// first time. Returns ENOTFOUND.
func (tx *Tx) RevokeCalendarFeed(ctx context.Context, id string, at time.Time) error {
	return tx.execOne(ctx, "revoke calendar feed", "calendar feed",
		`UPDATE calendar_feeds SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, tx.d.timeArg(at), id)
}

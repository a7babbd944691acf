package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/mentorvault/mentorvault"
)

// CreateMeeting stores a new meeting with its sealed agenda (never Agenda).
// Returns ECONFLICT for a duplicate ID and EINVALID for an unknown
// relationship or user, or a status the schema refuses.
func (tx *Tx) CreateMeeting(ctx context.Context, m *mentorvault.Meeting) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO meetings (id, relationship_id, starts_at, ends_at, minutes, location, agenda_sealed, seal_version, status, sequence,
	created_by_id, created_at, updated_at, cancelled_by_id, cancelled_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.RelationshipID, d.timeArg(m.StartsAt), d.timeArg(m.EndsAt()), m.Minutes, m.Location, m.AgendaSealed, m.SealVersion, string(m.Status), m.Sequence,
		m.CreatedByID, d.timeArg(m.CreatedAt), d.timeArg(m.UpdatedAt), nullString(m.CancelledByID), d.nullTimeArg(m.CancelledAt))
	return mapError("create meeting", "meeting", err)
}

// UpdateMeeting stores StartsAt, Minutes, Location, AgendaSealed, SealVersion, Status,
// Sequence, UpdatedAt, CancelledByID and CancelledAt. Returns ENOTFOUND.
func (tx *Tx) UpdateMeeting(ctx context.Context, m *mentorvault.Meeting) error {
	d := tx.d
	return tx.execOne(ctx, "update meeting", "meeting",
		`UPDATE meetings SET starts_at = ?, ends_at = ?, minutes = ?, location = ?, agenda_sealed = ?, seal_version = ?, status = ?, sequence = ?,
	updated_at = ?, cancelled_by_id = ?, cancelled_at = ?
WHERE id = ?`,
		d.timeArg(m.StartsAt), d.timeArg(m.EndsAt()), m.Minutes, m.Location, m.AgendaSealed, m.SealVersion, string(m.Status), m.Sequence,
		d.timeArg(m.UpdatedAt), nullString(m.CancelledByID), d.nullTimeArg(m.CancelledAt), m.ID)
}

const meetingColumns = `m.id, m.relationship_id, m.starts_at, m.minutes, m.location, m.agenda_sealed, m.seal_version, m.status, m.sequence,
	m.created_by_id, m.created_at, m.updated_at, m.cancelled_by_id, m.cancelled_at`

func scanMeeting(s interface{ Scan(...any) error }) (*mentorvault.Meeting, error) {
	var m mentorvault.Meeting
	var status string
	if err := s.Scan(&m.ID, &m.RelationshipID, timeCol{&m.StartsAt}, &m.Minutes, &m.Location, bytesCol{&m.AgendaSealed}, &m.SealVersion, &status, &m.Sequence,
		&m.CreatedByID, timeCol{&m.CreatedAt}, timeCol{&m.UpdatedAt}, stringCol{&m.CancelledByID}, nullTimeCol{&m.CancelledAt}); err != nil {
		return nil, err
	}
	m.Status = mentorvault.MeetingStatus(status)
	return &m, nil
}

// FindMeetingByID returns a meeting with its sealed agenda, or ENOTFOUND.
func (tx *Tx) FindMeetingByID(ctx context.Context, id string) (*mentorvault.Meeting, error) {
	m, err := scanMeeting(tx.queryRow(ctx, `SELECT `+meetingColumns+` FROM meetings m WHERE m.id = ?`, id))
	if err != nil {
		return nil, findErr("find meeting", "meeting", err)
	}
	return m, nil
}

// FindMeetings lists one relationship's meetings. Upcoming are the scheduled
// meetings that end after f.Now, soonest first; otherwise the rest (held,
// cancelled — even ahead of its time —, missed, or scheduled but over),
// latest first. Before is the ID
// of the last meeting of the previous page: the list continues after it in
// the same order (by start, then ID). Limit defaults to 50, at most 500.
// Returns EINVALID without a RelationshipID or for a cursor that is not a
// meeting of the relationship.
func (tx *Tx) FindMeetings(ctx context.Context, f mentorvault.MeetingFilter) ([]*mentorvault.Meeting, error) {
	if f.RelationshipID == "" {
		return nil, mentorvault.Errorf(mentorvault.EINVALID, "a relationship is required to list meetings")
	}
	now := f.Now
	if now.IsZero() {
		now = tx.now
	}
	q := `SELECT ` + meetingColumns + ` FROM meetings m WHERE m.relationship_id = ?`
	args := []any{f.RelationshipID}
	// Both lists are ranges of the (relationship_id, starts_at) index: a
	// meeting lasts at most MaxMeetingMinutes, so one that ends after now
	// started after now minus that.
	earliest := now.Add(-mentorvault.MaxMeetingMinutes * time.Minute)
	scheduled := string(mentorvault.MeetingScheduled)
	if f.Upcoming {
		q += ` AND m.status = ? AND m.starts_at > ? AND m.ends_at > ?`
		args = append(args, scheduled, tx.d.timeArg(earliest), tx.d.timeArg(now))
	} else {
		// A meeting cancelled ahead of its time is past too: it will not happen.
		q += ` AND ((m.starts_at <= ? AND m.ends_at <= ?) OR m.status <> ?)`
		args = append(args, tx.d.timeArg(now), tx.d.timeArg(now), scheduled)
	}
	if f.Before != "" {
		var start time.Time
		err := tx.queryRow(ctx, `SELECT starts_at FROM meetings WHERE id = ? AND relationship_id = ?`, f.Before, f.RelationshipID).Scan(timeCol{&start})
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil, mentorvault.Invalid("the cursor is not valid", map[string]string{"before": "must be a meeting of the relationship"})
			}
			return nil, mapError("find meetings", "meeting", err)
		}
		cmp := "<"
		if f.Upcoming {
			cmp = ">"
		}
		q += ` AND (m.starts_at ` + cmp + ` ? OR (m.starts_at = ? AND m.id ` + cmp + ` ?))`
		args = append(args, tx.d.timeArg(start), tx.d.timeArg(start), f.Before)
	}
	if f.Upcoming {
		q += ` ORDER BY m.starts_at, m.id`
	} else {
		q += ` ORDER BY m.starts_at DESC, m.id DESC`
	}
	q += ` LIMIT ? OFFSET ?`
	args = append(args, clampLimit(f.Limit, 50, 500), max(f.Offset, 0))
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, "find meetings", func(r *sql.Rows) (*mentorvault.Meeting, error) { return scanMeeting(r) })
}

// FindRelationshipMeetings lists every meeting of a relationship by ID,
// after the cursor after, at most limit (500 when 0, at most 500).
func (tx *Tx) FindRelationshipMeetings(ctx context.Context, relationshipID, after string, limit int) ([]*mentorvault.Meeting, error) {
	rows, err := tx.query(ctx, `SELECT `+meetingColumns+` FROM meetings m WHERE m.relationship_id = ? AND m.id > ? ORDER BY m.id LIMIT ?`,
		relationshipID, after, clampLimit(limit, 500, 500))
	return collect(rows, err, "find relationship meetings", func(r *sql.Rows) (*mentorvault.Meeting, error) { return scanMeeting(r) })
}

// FindMeetingsForUser lists the scheduled meetings starting at or after
// since of every relationship userID is the mentor or mentee of, soonest
// first. Limit defaults to 50, at most 500.
func (tx *Tx) FindMeetingsForUser(ctx context.Context, userID string, since time.Time, limit int) ([]*mentorvault.Meeting, error) {
	rows, err := tx.query(ctx, `SELECT `+meetingColumns+` FROM meetings m
WHERE m.relationship_id IN (SELECT id FROM relationships WHERE mentor_id = ? UNION SELECT id FROM relationships WHERE mentee_id = ?)
	AND m.status = ? AND m.starts_at >= ?
ORDER BY m.starts_at, m.id LIMIT ?`,
		userID, userID, string(mentorvault.MeetingScheduled), tx.d.timeArg(since), clampLimit(limit, 50, 500))
	return collect(rows, err, "find meetings for user", func(r *sql.Rows) (*mentorvault.Meeting, error) { return scanMeeting(r) })
}

// FindMeetingsOfParty lists the meetings (any status) of every relationship
// the user is a party of that start after since, by start, then ID.
func (tx *Tx) FindMeetingsOfParty(ctx context.Context, userID string, since time.Time, limit int) ([]*mentorvault.Meeting, error) {
	rows, err := tx.query(ctx, `SELECT `+meetingColumns+` FROM meetings m
WHERE m.relationship_id IN (SELECT id FROM relationships WHERE mentor_id = ? UNION SELECT id FROM relationships WHERE mentee_id = ?)
	AND m.starts_at > ?
ORDER BY m.starts_at, m.id LIMIT ?`,
		userID, userID, tx.d.timeArg(since), clampLimit(limit, 50, 5000))
	return collect(rows, err, "find meetings of party", func(r *sql.Rows) (*mentorvault.Meeting, error) { return scanMeeting(r) })
}

// UpsertReminderAck records that the reminder was shown to a party at a
// meeting: the first ShownAt is kept, and AcknowledgedAt, when set, is
// stored. a is updated to what is stored. Returns EINVALID for an unknown
// meeting or user.
func (tx *Tx) UpsertReminderAck(ctx context.Context, a *mentorvault.ReminderAck) error {
	_, err := tx.write(ctx, `INSERT INTO reminder_acks (meeting_id, user_id, shown_at, acknowledged_at) VALUES (?, ?, ?, ?)
ON CONFLICT (meeting_id, user_id) DO UPDATE SET acknowledged_at = COALESCE(excluded.acknowledged_at, reminder_acks.acknowledged_at)`,
		a.MeetingID, a.UserID, tx.d.timeArg(a.ShownAt), tx.d.nullTimeArg(a.AcknowledgedAt))
	if err != nil {
		return mapError("upsert reminder ack", "reminder acknowledgement", err)
	}
	err = tx.queryRow(ctx, `SELECT shown_at, acknowledged_at FROM reminder_acks WHERE meeting_id = ? AND user_id = ?`, a.MeetingID, a.UserID).
		Scan(timeCol{&a.ShownAt}, nullTimeCol{&a.AcknowledgedAt})
	return mapError("upsert reminder ack", "reminder acknowledgement", err)
}

// FindReminderAcks lists the acknowledgements of a relationship's meetings,
// by meeting start, then user.
func (tx *Tx) FindReminderAcks(ctx context.Context, relationshipID string) ([]*mentorvault.ReminderAck, error) {
	rows, err := tx.query(ctx, `SELECT a.meeting_id, a.user_id, a.shown_at, a.acknowledged_at
FROM reminder_acks a JOIN meetings m ON m.id = a.meeting_id
WHERE m.relationship_id = ? ORDER BY m.starts_at, a.meeting_id, a.user_id`, relationshipID)
	return collect(rows, err, "find reminder acks", func(r *sql.Rows) (*mentorvault.ReminderAck, error) {
		var a mentorvault.ReminderAck
		if err := r.Scan(&a.MeetingID, &a.UserID, timeCol{&a.ShownAt}, nullTimeCol{&a.AcknowledgedAt}); err != nil {
			return nil, err
		}
		return &a, nil
	})
}

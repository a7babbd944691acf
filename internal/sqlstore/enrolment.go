package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/mentorvault/mentorvault"
)

// jsonList is a list of strings as the JSON array a TEXT column holds
// (a programme's topics, an enrolment's topics, languages and exclusions).
func jsonList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}

// listCol scans a JSON array of strings; an empty array is nil.
type listCol struct{ dst *[]string }

func (c listCol) Scan(src any) error {
	var raw []byte
	switch v := src.(type) {
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	case nil:
		*c.dst = nil
		return nil
	default:
		return fmt.Errorf("sqlstore: a list column holds %T", src)
	}
	var l []string
	if err := json.Unmarshal(raw, &l); err != nil {
		return fmt.Errorf("sqlstore: a list column: %w", err)
	}
	if len(l) == 0 {
		l = nil
	}
	*c.dst = l
	return nil
}

const enrolmentColumns = `id, programme_id, user_id, role, topics, topics_other, goals, languages, time_zone, availability,
	capacity, exclude_reporting_line, exclusions, enrolled_at, updated_at, withdrawn_at`

func scanEnrolment(s interface{ Scan(...any) error }) (*mentorvault.Enrolment, error) {
	var e mentorvault.Enrolment
	var role string
	if err := s.Scan(&e.ID, &e.ProgrammeID, &e.UserID, &role, listCol{&e.Topics}, &e.TopicsOther, &e.Goals, listCol{&e.Languages},
		&e.TimeZone, &e.Availability, &e.Capacity, &e.ExcludeReportingLine, listCol{&e.Exclusions},
		timeCol{&e.EnrolledAt}, timeCol{&e.UpdatedAt}, nullTimeCol{&e.WithdrawnAt}); err != nil {
		return nil, err
	}
	e.Role = mentorvault.EnrolmentRole(role)
	return &e, nil
}

// CreateEnrolment stores a new enrolment. Returns ECONFLICT when the person
// already has one in the programme, EINVALID for an unknown programme or user.
func (tx *Tx) CreateEnrolment(ctx context.Context, e *mentorvault.Enrolment) error {
	_, err := tx.write(ctx, `INSERT INTO enrolments (`+enrolmentColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.ProgrammeID, e.UserID, string(e.Role), jsonList(e.Topics), e.TopicsOther, e.Goals, jsonList(e.Languages),
		e.TimeZone, e.Availability, e.Capacity, e.ExcludeReportingLine, jsonList(e.Exclusions),
		tx.d.timeArg(e.EnrolledAt), tx.d.timeArg(e.UpdatedAt), tx.d.nullTimeArg(e.WithdrawnAt))
	return mapError("create enrolment", "enrolment", err)
}

// FindEnrolment returns a person's enrolment in a programme, or ENOTFOUND.
func (tx *Tx) FindEnrolment(ctx context.Context, programmeID, userID string) (*mentorvault.Enrolment, error) {
	e, err := scanEnrolment(tx.queryRow(ctx, `SELECT `+enrolmentColumns+` FROM enrolments WHERE programme_id = ? AND user_id = ?`, programmeID, userID))
	if err != nil {
		return nil, findErr("find enrolment", "enrolment", err)
	}
	return e, nil
}

// UpdateEnrolment stores an enrolment's role, profile, dates and
// withdrawal. Returns ENOTFOUND.
func (tx *Tx) UpdateEnrolment(ctx context.Context, e *mentorvault.Enrolment) error {
	res, err := tx.write(ctx, `UPDATE enrolments SET role = ?, topics = ?, topics_other = ?, goals = ?, languages = ?, time_zone = ?,
		availability = ?, capacity = ?, exclude_reporting_line = ?, exclusions = ?, enrolled_at = ?, updated_at = ?, withdrawn_at = ? WHERE id = ?`,
		string(e.Role), jsonList(e.Topics), e.TopicsOther, e.Goals, jsonList(e.Languages), e.TimeZone,
		e.Availability, e.Capacity, e.ExcludeReportingLine, jsonList(e.Exclusions),
		tx.d.timeArg(e.EnrolledAt), tx.d.timeArg(e.UpdatedAt), tx.d.nullTimeArg(e.WithdrawnAt), e.ID)
	if err != nil {
		return mapError("update enrolment", "enrolment", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapErr("update enrolment", err)
	} else if n == 0 {
		return notFound("enrolment")
	}
	return nil
}

// FindEnrolments lists a page of a programme's enrolments: those still
// enrolled first, then by date enrolled (and ID, for a stable order).
func (tx *Tx) FindEnrolments(ctx context.Context, f mentorvault.EnrolmentFilter) ([]*mentorvault.Enrolment, error) {
	q := `SELECT ` + enrolmentColumns + ` FROM enrolments WHERE programme_id = ?
		ORDER BY CASE WHEN withdrawn_at IS NULL THEN 0 ELSE 1 END, enrolled_at, id`
	args := []any{f.ProgrammeID}
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := tx.query(ctx, q, args...)
	return collect(rows, err, "find enrolments", func(r *sql.Rows) (*mentorvault.Enrolment, error) { return scanEnrolment(r) })
}

package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
)

// FindDashboardFacts reads a programme's meetings started, commitments due
// and reviews due since since: statuses and dates, never a sealed column.
func (tx *Tx) FindDashboardFacts(ctx context.Context, programmeID string, since time.Time) (*mentorvault.DashboardFacts, error) {
	out := &mentorvault.DashboardFacts{}
	rows, err := tx.query(ctx, `SELECT m.relationship_id, m.status, m.starts_at FROM meetings m
JOIN relationships r ON r.id = m.relationship_id
WHERE r.programme_id = ? AND m.starts_at >= ? ORDER BY m.starts_at, m.id`, programmeID, tx.d.timeArg(since))
	if out.Meetings, err = collect(rows, err, "find dashboard meetings", func(r *sql.Rows) (mentorvault.MeetingFact, error) {
		var m mentorvault.MeetingFact
		var st string
		err := r.Scan(&m.RelationshipID, &st, timeCol{&m.StartsAt})
		m.Status = mentorvault.MeetingStatus(st)
		return m, err
	}); err != nil {
		return nil, err
	}
	rows, err = tx.query(ctx, `SELECT c.relationship_id, c.owner_id, c.status, c.due_at FROM commitments c
JOIN relationships r ON r.id = c.relationship_id
WHERE r.programme_id = ? AND c.due_at >= ? ORDER BY c.due_at, c.id`, programmeID, tx.d.timeArg(since))
	if out.Commitments, err = collect(rows, err, "find dashboard commitments", func(r *sql.Rows) (mentorvault.CommitmentFact, error) {
		var c mentorvault.CommitmentFact
		var st string
		err := r.Scan(&c.RelationshipID, &c.OwnerID, &st, timeCol{&c.DueAt})
		c.Status = mentorvault.CommitmentStatus(st)
		return c, err
	}); err != nil {
		return nil, err
	}
	rows, err = tx.query(ctx, `SELECT n.relationship_id, n.user_id, n.created_at,
	(SELECT MIN(v.created_at) FROM reviews v WHERE v.relationship_id = n.relationship_id AND v.user_id = n.user_id AND v.created_at >= n.created_at)
FROM notifications n JOIN relationships r ON r.id = n.relationship_id
WHERE r.programme_id = ? AND n.kind = ? AND n.created_at >= ? ORDER BY n.created_at, n.id`,
		programmeID, mentorvault.NotifyReviewDue, tx.d.timeArg(since))
	if out.Reviews, err = collect(rows, err, "find dashboard reviews", func(r *sql.Rows) (mentorvault.ReviewFact, error) {
		var f mentorvault.ReviewFact
		err := r.Scan(&f.RelationshipID, &f.UserID, timeCol{&f.DueAt}, nullTimeCol{&f.ReviewedAt})
		return f, err
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// FindDashboardReleases returns the programmes' last releases in one query.
func (tx *Tx) FindDashboardReleases(ctx context.Context, programmeIDs []string) (map[string]map[string]*mentorvault.DashboardRelease, error) {
	out := map[string]map[string]*mentorvault.DashboardRelease{}
	if len(programmeIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(programmeIDs))
	for i, id := range programmeIDs {
		args[i] = id
	}
	rows, err := tx.query(ctx, `SELECT programme_id, figure, value, people, released_at FROM dashboard_releases
WHERE programme_id IN (`+marks(len(args))+`)`, args...)
	rs, err := collect(rows, err, "find dashboard releases", func(r *sql.Rows) (*mentorvault.DashboardRelease, error) {
		var d mentorvault.DashboardRelease
		var people string
		if err := r.Scan(&d.ProgrammeID, &d.Figure, &d.Value, &people, timeCol{&d.ReleasedAt}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(people), &d.People); err != nil {
			return nil, fmt.Errorf("dashboard release %s/%s: %w", d.ProgrammeID, d.Figure, err)
		}
		return &d, nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if out[r.ProgrammeID] == nil {
			out[r.ProgrammeID] = map[string]*mentorvault.DashboardRelease{}
		}
		out[r.ProgrammeID][r.Figure] = r
	}
	return out, nil
}

// SaveDashboardRelease stores r in place of its figure's last release.
func (tx *Tx) SaveDashboardRelease(ctx context.Context, r *mentorvault.DashboardRelease) error {
	people, err := json.Marshal(r.People)
	if err != nil {
		return err
	}
	if r.People == nil {
		people = []byte("{}")
	}
	_, err = tx.write(ctx, `INSERT INTO dashboard_releases (programme_id, figure, value, people, released_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (programme_id, figure) DO UPDATE SET value = excluded.value, people = excluded.people, released_at = excluded.released_at`,
		r.ProgrammeID, r.Figure, r.Value, string(people), tx.d.timeArg(r.ReleasedAt))
	return mapError("save dashboard release", "programme", err)
}

// SetOrgKFloor stores an organisation's k floor. Returns ENOTFOUND.
func (tx *Tx) SetOrgKFloor(ctx context.Context, orgID string, k int) error {
	res, err := tx.write(ctx, `UPDATE orgs SET k_floor = ? WHERE id = ?`, k, orgID)
	if err != nil {
		return mapError("set k floor", "organisation", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapErr("set k floor", err)
	} else if n == 0 {
		return notFound("organisation")
	}
	return nil
}

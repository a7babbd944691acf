package sqlstore

import (
	"context"
	"database/sql"

	"github.com/mentorvault/mentorvault"
)

// CountPeople counts an organisation's people by account state in one
// query over the org_id index.
func (tx *Tx) CountPeople(ctx context.Context, orgID string) (mentorvault.PeopleCounts, error) {
	var c mentorvault.PeopleCounts
	err := tx.queryRow(ctx, `SELECT
	COALESCE(SUM(CASE WHEN disabled_at IS NULL AND password_hash <> '' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN disabled_at IS NULL AND password_hash = '' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN disabled_at IS NOT NULL THEN 1 ELSE 0 END), 0)
FROM users WHERE org_id = ?`, orgID).Scan(&c.Active, &c.Invited, &c.Deactivated)
	return c, mapError("count people", "user", err)
}

// CountProgrammeFigures counts the programmes' relationships by status (one
// query over the programme_id index) and the people of their active ones,
// with those whose review is overdue (one more).
func (tx *Tx) CountProgrammeFigures(ctx context.Context, programmeIDs []string) (map[string]mentorvault.ProgrammeFigures, error) {
	out := make(map[string]mentorvault.ProgrammeFigures, len(programmeIDs))
	var ids []any
	for _, id := range programmeIDs {
		if _, ok := out[id]; !ok && id != "" {
			out[id] = mentorvault.ProgrammeFigures{Parties: map[string]bool{}, Enrolled: map[string]bool{}}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	type statusCount struct {
		prog, status string
		n            int
	}
	rows, err := tx.query(ctx, `SELECT programme_id, status, COUNT(*) FROM relationships
WHERE programme_id IN (`+marks(len(ids))+`) GROUP BY programme_id, status`, ids...)
	counts, err := collect(rows, err, "count programme relationships", func(r *sql.Rows) (statusCount, error) {
		var c statusCount
		return c, r.Scan(&c.prog, &c.status, &c.n)
	})
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		f := out[c.prog]
		switch mentorvault.RelationshipStatus(c.status) {
		case mentorvault.StatusActive:
			f.Active += c.n
		case mentorvault.StatusPaused:
			f.Paused += c.n
		case mentorvault.StatusProposed:
			f.Proposed += c.n
		case mentorvault.StatusAccepted, mentorvault.StatusAgreeing:
			f.AwaitingSignature += c.n
		}
		out[c.prog] = f
	}
	// Each party of an active relationship, and whether the reminders job
	// told them a review was due that they have not recorded since.
	active := string(mentorvault.StatusActive)
	args := append(append([]any{mentorvault.NotifyReviewDue, active}, ids...), append([]any{active}, ids...)...)
	rows, err = tx.query(ctx, `SELECT DISTINCT x.programme_id, x.user_id, CASE WHEN EXISTS (
		SELECT 1 FROM notifications n WHERE n.user_id = x.user_id AND n.relationship_id = x.rel_id AND n.kind = ?
		AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.relationship_id = n.relationship_id AND v.user_id = n.user_id AND v.created_at >= n.created_at)
	) THEN 1 ELSE 0 END
FROM (
	SELECT programme_id, id AS rel_id, mentor_id AS user_id FROM relationships WHERE status = ? AND programme_id IN (`+marks(len(ids))+`)
	UNION ALL
	SELECT programme_id, id AS rel_id, mentee_id AS user_id FROM relationships WHERE status = ? AND programme_id IN (`+marks(len(ids))+`)
) x`, args...)
	type personFlag struct {
		prog, user string
		flag       int
	}
	scanFlag := func(r *sql.Rows) (personFlag, error) {
		var c personFlag
		return c, r.Scan(&c.prog, &c.user, &c.flag)
	}
	parties, err := collect(rows, err, "count programme parties", scanFlag)
	if err != nil {
		return nil, err
	}
	for _, c := range parties {
		// A party of two active relationships is overdue when either is.
		out[c.prog].Parties[c.user] = out[c.prog].Parties[c.user] || c.flag == 1
	}
	// The people enrolled, and those of them in no open relationship of
	// the programme: waiting to be matched.
	open := []any{string(mentorvault.StatusProposed), string(mentorvault.StatusAccepted), string(mentorvault.StatusAgreeing),
		string(mentorvault.StatusActive), string(mentorvault.StatusPaused)}
	// One pass over the programmes' open relationships gives the people
	// in one; each enrolment is looked up in it (not one scan per person).
	rows, err = tx.query(ctx, `SELECT e.programme_id, e.user_id, CASE WHEN o.user_id IS NULL THEN 1 ELSE 0 END
FROM enrolments e LEFT JOIN (
	SELECT programme_id, mentor_id AS user_id FROM relationships WHERE status IN (`+marks(len(open))+`) AND programme_id IN (`+marks(len(ids))+`)
	UNION
	SELECT programme_id, mentee_id AS user_id FROM relationships WHERE status IN (`+marks(len(open))+`) AND programme_id IN (`+marks(len(ids))+`)
) o ON o.programme_id = e.programme_id AND o.user_id = e.user_id
WHERE e.withdrawn_at IS NULL AND e.programme_id IN (`+marks(len(ids))+`)`, append(append(append(append(append([]any{}, open...), ids...), open...), ids...), ids...)...)
	enrolled, err := collect(rows, err, "count programme enrolments", scanFlag)
	if err != nil {
		return nil, err
	}
	for _, c := range enrolled {
		out[c.prog].Enrolled[c.user] = c.flag == 1
	}
	return out, nil
}

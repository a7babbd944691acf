package sqlstore

import (
	"context"
	"database/sql"

	"github.com/mentorvault/mentorvault"
)

// CreateCommitment stores a new commitment with its sealed description
// (never Description). Returns ECONFLICT for a duplicate ID and EINVALID for
// an unknown relationship, user, goal or meeting, or a status the schema refuses.
func (tx *Tx) CreateCommitment(ctx context.Context, c *mentorvault.Commitment) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO commitments (id, relationship_id, owner_id, proposed_by_id, goal_id, meeting_id, description_sealed, seal_version,
	due_at, status, created_at, updated_at, closed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.RelationshipID, c.OwnerID, c.ProposedByID, nullString(c.GoalID), nullString(c.MeetingID), c.DescriptionSealed, c.SealVersion,
		d.timeArg(c.DueAt), string(c.Status), d.timeArg(c.CreatedAt), d.timeArg(c.UpdatedAt), d.nullTimeArg(c.ClosedAt))
	return mapError("create commitment", "commitment", err)
}

// UpdateCommitment stores Status, UpdatedAt, ClosedAt, DescriptionSealed,
// SealVersion, DueAt and GoalID. Returns ENOTFOUND.
func (tx *Tx) UpdateCommitment(ctx context.Context, c *mentorvault.Commitment) error {
	d := tx.d
	return tx.execOne(ctx, "update commitment", "commitment",
		`UPDATE commitments SET status = ?, updated_at = ?, closed_at = ?, description_sealed = ?, seal_version = ?, due_at = ?, goal_id = ? WHERE id = ?`,
		string(c.Status), d.timeArg(c.UpdatedAt), d.nullTimeArg(c.ClosedAt), c.DescriptionSealed, c.SealVersion, d.timeArg(c.DueAt), nullString(c.GoalID), c.ID)
}

const commitmentColumns = `id, relationship_id, owner_id, proposed_by_id, goal_id, meeting_id, description_sealed, seal_version,
	due_at, status, created_at, updated_at, closed_at`

func scanCommitment(s interface{ Scan(...any) error }) (*mentorvault.Commitment, error) {
	var c mentorvault.Commitment
	var status string
	if err := s.Scan(&c.ID, &c.RelationshipID, &c.OwnerID, &c.ProposedByID, stringCol{&c.GoalID}, stringCol{&c.MeetingID}, bytesCol{&c.DescriptionSealed}, &c.SealVersion,
		timeCol{&c.DueAt}, &status, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt}, nullTimeCol{&c.ClosedAt}); err != nil {
		return nil, err
	}
	c.Status = mentorvault.CommitmentStatus(status)
	return &c, nil
}

// FindCommitmentByID returns a commitment with its sealed description, or ENOTFOUND.
func (tx *Tx) FindCommitmentByID(ctx context.Context, id string) (*mentorvault.Commitment, error) {
	c, err := scanCommitment(tx.queryRow(ctx, `SELECT `+commitmentColumns+` FROM commitments WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find commitment", "commitment", err)
	}
	return c, nil
}

// FindCommitments lists a relationship's commitments, soonest due first.
func (tx *Tx) FindCommitments(ctx context.Context, relationshipID string) ([]*mentorvault.Commitment, error) {
	rows, err := tx.query(ctx, `SELECT `+commitmentColumns+` FROM commitments WHERE relationship_id = ? ORDER BY due_at, id`, relationshipID)
	return collect(rows, err, "find commitments", func(r *sql.Rows) (*mentorvault.Commitment, error) { return scanCommitment(r) })
}

// CreateGoal stores a new goal with its sealed title (never Title). Returns
// ECONFLICT for a duplicate ID and EINVALID for an unknown relationship or
// user, or a status the schema refuses.
func (tx *Tx) CreateGoal(ctx context.Context, g *mentorvault.Goal) error {
	_, err := tx.write(ctx, `INSERT INTO goals (id, relationship_id, title_sealed, seal_version, status, created_by_id, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.RelationshipID, g.TitleSealed, g.SealVersion, string(g.Status), g.CreatedByID, tx.d.timeArg(g.CreatedAt), tx.d.timeArg(g.UpdatedAt))
	return mapError("create goal", "goal", err)
}

// UpdateGoal stores Status, TitleSealed, SealVersion and UpdatedAt. Returns ENOTFOUND.
func (tx *Tx) UpdateGoal(ctx context.Context, g *mentorvault.Goal) error {
	return tx.execOne(ctx, "update goal", "goal",
		`UPDATE goals SET status = ?, title_sealed = ?, seal_version = ?, updated_at = ? WHERE id = ?`,
		string(g.Status), g.TitleSealed, g.SealVersion, tx.d.timeArg(g.UpdatedAt), g.ID)
}

const goalColumns = `id, relationship_id, title_sealed, seal_version, status, created_by_id, created_at, updated_at`

func scanGoal(s interface{ Scan(...any) error }) (*mentorvault.Goal, error) {
	var g mentorvault.Goal
	var status string
	if err := s.Scan(&g.ID, &g.RelationshipID, bytesCol{&g.TitleSealed}, &g.SealVersion, &status, &g.CreatedByID, timeCol{&g.CreatedAt}, timeCol{&g.UpdatedAt}); err != nil {
		return nil, err
	}
	g.Status = mentorvault.GoalStatus(status)
	return &g, nil
}

// FindGoalByID returns a goal with its sealed title, or ENOTFOUND.
func (tx *Tx) FindGoalByID(ctx context.Context, id string) (*mentorvault.Goal, error) {
	g, err := scanGoal(tx.queryRow(ctx, `SELECT `+goalColumns+` FROM goals WHERE id = ?`, id))
	if err != nil {
		return nil, findErr("find goal", "goal", err)
	}
	return g, nil
}

// FindGoals lists a relationship's goals, oldest first.
func (tx *Tx) FindGoals(ctx context.Context, relationshipID string) ([]*mentorvault.Goal, error) {
	rows, err := tx.query(ctx, `SELECT `+goalColumns+` FROM goals WHERE relationship_id = ? ORDER BY created_at, id`, relationshipID)
	return collect(rows, err, "find goals", func(r *sql.Rows) (*mentorvault.Goal, error) { return scanGoal(r) })
}

// CreateGoalProgress stores a progress note's ciphertext (never its Body)
// under its goal's relationship. Returns ECONFLICT for a duplicate ID and
// EINVALID for an unknown goal or author.
func (tx *Tx) CreateGoalProgress(ctx context.Context, p *mentorvault.GoalProgress) error {
	res, err := tx.write(ctx, `INSERT INTO goal_progress (id, goal_id, relationship_id, author_id, body_sealed, seal_version, created_at)
SELECT ?, id, relationship_id, ?, ?, ?, ? FROM goals WHERE id = ?`,
		p.ID, p.AuthorID, p.BodySealed, p.SealVersion, tx.d.timeArg(p.CreatedAt), p.GoalID)
	if err != nil {
		return mapError("create goal progress", "progress note", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapError("create goal progress", "progress note", err)
	}
	if n == 0 {
		return &mentorvault.Error{Code: mentorvault.EINVALID, Message: "the progress note refers to a record that does not exist"}
	}
	return nil
}

// FindGoalProgress lists the progress notes on a relationship's goals, oldest first.
func (tx *Tx) FindGoalProgress(ctx context.Context, relationshipID string) ([]*mentorvault.GoalProgress, error) {
	rows, err := tx.query(ctx, `SELECT id, goal_id, author_id, body_sealed, seal_version, created_at FROM goal_progress
WHERE relationship_id = ? ORDER BY created_at, id`, relationshipID)
	return collect(rows, err, "find goal progress", func(r *sql.Rows) (*mentorvault.GoalProgress, error) {
		var p mentorvault.GoalProgress
		if err := r.Scan(&p.ID, &p.GoalID, &p.AuthorID, bytesCol{&p.BodySealed}, &p.SealVersion, timeCol{&p.CreatedAt}); err != nil {
			return nil, err
		}
		return &p, nil
	})
}

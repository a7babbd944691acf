package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/mentorvault/mentorvault"
)

// skipLocked is the row-locking suffix of a SELECT that claims one row of a
// queue: on PostgreSQL rows locked by other transactions are skipped, so
// several instances never claim the same row. SQLite needs none: its
// transactions begin IMMEDIATE, which already serialises writers.
func (d dialect) skipLocked() string {
	if d.name == "postgres" {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// CreateJob stores a new job. Returns ECONFLICT for a duplicate ID and
// EINVALID for a missing kind or a negative attempt count.
func (tx *Tx) CreateJob(ctx context.Context, j *mentorvault.Job) error {
	d := tx.d
	_, err := tx.write(ctx, `INSERT INTO jobs (id, kind, ref_id, run_at, attempts, last_error, created_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.Kind, j.RefID, d.timeArg(j.RunAt), j.Attempts, j.LastError, d.timeArg(j.CreatedAt), d.nullTimeArg(j.DoneAt))
	return mapError("create job", "job", err)
}

const jobColumns = `id, kind, ref_id, run_at, attempts, last_error, created_at, done_at`

func scanJob(s interface{ Scan(...any) error }) (*mentorvault.Job, error) {
	var j mentorvault.Job
	if err := s.Scan(&j.ID, &j.Kind, &j.RefID, timeCol{&j.RunAt}, &j.Attempts, &j.LastError, timeCol{&j.CreatedAt}, nullTimeCol{&j.DoneAt}); err != nil {
		return nil, err
	}
	return &j, nil
}

// ClaimDueJob returns the oldest job (by run_at, then ID) that is not done
// and is due at now, locked for this transaction: on PostgreSQL other
// transactions skip it until this one ends, on SQLite no other transaction
// writes meanwhile. Returns ENOTFOUND when no job is due.
func (tx *Tx) ClaimDueJob(ctx context.Context, now time.Time) (*mentorvault.Job, error) {
	j, err := scanJob(tx.queryRow(ctx, `SELECT `+jobColumns+` FROM jobs
WHERE done_at IS NULL AND run_at <= ? ORDER BY run_at, id LIMIT 1`+tx.d.skipLocked(), tx.d.timeArg(now)))
	if err != nil {
		return nil, findErr("claim due job", "due job", err)
	}
	return j, nil
}

// CompleteJob marks a job done at at. Returns ENOTFOUND.
func (tx *Tx) CompleteJob(ctx context.Context, id string, at time.Time) error {
	return tx.execOne(ctx, "complete job", "job", `UPDATE jobs SET done_at = ? WHERE id = ?`, tx.d.timeArg(at), id)
}

// RescheduleJob moves a recurring job to runAt and clears its error.
// Returns ENOTFOUND.
func (tx *Tx) RescheduleJob(ctx context.Context, id string, runAt time.Time) error {
	return tx.execOne(ctx, "reschedule job", "job", `UPDATE jobs SET run_at = ?, attempts = 0, last_error = '' WHERE id = ?`, tx.d.timeArg(runAt), id)
}

// RetryJob records a failed attempt with its error and moves the job to
// runAt. Returns ENOTFOUND.
func (tx *Tx) RetryJob(ctx context.Context, id string, runAt time.Time, lastError string) error {
	return tx.execOne(ctx, "retry job", "job",
		`UPDATE jobs SET attempts = attempts + 1, run_at = ?, last_error = ? WHERE id = ?`, tx.d.timeArg(runAt), lastError, id)
}

// FindJobs lists the jobs about refID, by run_at, then ID.
func (tx *Tx) FindJobs(ctx context.Context, refID string) ([]*mentorvault.Job, error) {
	rows, err := tx.query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE ref_id = ? ORDER BY run_at, id`, refID)
	return collect(rows, err, "find jobs", func(r *sql.Rows) (*mentorvault.Job, error) { return scanJob(r) })
}

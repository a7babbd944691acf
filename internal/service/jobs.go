package service

import (
	"context"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
)

// Durable jobs: background work kept in the database, claimed one at a time
// so several instances can run them.

// RunDueJobs runs every durable job that is due, each in its own
// transaction, and reports how many it ran. Safe on several instances at
// once: a job is claimed under a lock and completed in the same transaction
// as its effect, so it takes effect exactly once, also across restarts.
func (s *Service) RunDueJobs(ctx context.Context) (int, error) {
	n := 0
	for {
		ran, err := s.runOneJob(ctx)
		if err != nil || !ran {
			return n, err
		}
		n++
	}
}

func (s *Service) runOneJob(ctx context.Context) (bool, error) {
	var (
		job    *mentorvault.Job
		jobErr error
		erased int
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		job, jobErr, erased = nil, nil, 0 // inTx may run this again: start afresh
		j, err := tx.ClaimDueJob(ctx, tx.Now())
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		job = j
		// The job is completed (or rescheduled) before its effect, in the
		// same transaction, so that the effect's audit event is the
		// transaction's last write (the audit head is held the least).
		switch j.Kind {
		case mentorvault.JobDeliverDisclosure, mentorvault.JobReleaseStatement:
			if err := tx.CompleteJob(ctx, j.ID, tx.Now()); err != nil {
				return err
			}
			if j.Kind == mentorvault.JobDeliverDisclosure {
				jobErr = s.runDelivery(ctx, tx, j)
			} else {
				jobErr = s.runStatementRelease(ctx, tx, j)
			}
		case mentorvault.JobPurge:
			if err := tx.RescheduleJob(ctx, j.ID, tx.Now().Add(PurgeEvery)); err != nil {
				return err
			}
			jobErr = s.runPurge(ctx, tx)
		case mentorvault.JobReminders:
			if err := tx.RescheduleJob(ctx, j.ID, tx.Now().Add(RemindEvery)); err != nil {
				return err
			}
			jobErr = s.runReminders(ctx, tx)
		case mentorvault.JobRetention:
			var more bool
			if erased, more, jobErr = s.runRetention(ctx, tx); jobErr != nil {
				return jobErr
			}
			next := tx.Now().Add(RetentionEvery)
			if more {
				next = tx.Now()
			}
			return tx.RescheduleJob(ctx, j.ID, next)
		case mentorvault.JobProposalExpiry:
			var more bool
			if more, jobErr = s.runExpiry(ctx, tx); jobErr != nil {
				return jobErr
			}
			next := tx.Now().Add(ExpiryEvery)
			if more {
				next = tx.Now()
			}
			return tx.RescheduleJob(ctx, j.ID, next)
		case mentorvault.JobPasswordReset:
			if err := tx.CompleteJob(ctx, j.ID, tx.Now()); err != nil {
				return err
			}
			jobErr = s.runPasswordReset(ctx, tx, j)
		case mentorvault.JobMailDigest:
			if err := tx.RescheduleJob(ctx, j.ID, nextDigestRun(tx.Now())); err != nil {
				return err
			}
			jobErr = s.runDigest(ctx, tx)
		default:
			jobErr = fmt.Errorf("unknown job kind %q", j.Kind)
		}
		return jobErr
	})
	if job == nil {
		return false, err
	}
	if err == nil && erased > 0 {
		// The destroyed keys are committed: leave no copy of them behind in
		// the write-ahead log or dead rows.
		s.scrub(ctx)
	}
	if jobErr != nil {
		// The effect rolled back with its transaction; record the failure and retry later.
		s.log.ErrorContext(ctx, "job failed; will retry", "job", job.ID, "kind", job.Kind, "err", jobErr.Error())
		rerr := s.inTx(ctx, func(tx mentorvault.Tx) error {
			return tx.RetryJob(ctx, job.ID, tx.Now().Add(time.Minute<<min(job.Attempts, 6)), mentorvault.ErrorMessage(jobErr))
		})
		return rerr == nil, rerr
	}
	return true, err
}

// PurgeEvery is how often the purge job runs.
const PurgeEvery = time.Hour

// purgeJobID is the one recurring purge job's ID: scheduling it again, from
// any instance, finds it there.
const purgeJobID = "job-maintenance-purge"

// SchedulePurge makes sure the recurring purge job exists; every instance
// calls it at start-up, and all but the first find it scheduled.
func (s *Service) SchedulePurge(ctx context.Context) error {
	return s.scheduleRecurring(ctx, purgeJobID, mentorvault.JobPurge)
}

// RemindEvery is how often the reminders job runs: a due reminder appears
// at most this long after it fell due (meetings are announced a day ahead).
const RemindEvery = 5 * time.Minute

// remindersJobID is the one recurring reminders job's ID.
const remindersJobID = "job-maintenance-reminders"

// ScheduleReminders makes sure the recurring reminders job exists, which
// creates due meeting, review and commitment notifications (no page view
// does); every instance calls it at start-up, and all but the first find it
// scheduled.
func (s *Service) ScheduleReminders(ctx context.Context) error {
	return s.scheduleRecurring(ctx, remindersJobID, mentorvault.JobReminders)
}

// scheduleRecurring creates the recurring job id of kind, due now, unless
// it exists.
func (s *Service) scheduleRecurring(ctx context.Context, id, kind string) error {
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		if jobs, err := tx.FindJobs(ctx, id); err != nil || len(jobs) > 0 {
			return err
		}
		return tx.CreateJob(ctx, &mentorvault.Job{ID: id, Kind: kind, RefID: id, RunAt: tx.Now(), CreatedAt: tx.Now()})
	})
	if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
		return nil // another instance scheduled it meanwhile
	}
	return err
}

// runPurge deletes what has served its time: sessions past their lifetime or
// idle timeout, and login failures older than the rate-limit window. What it
// deletes is no content and no audit: the audit log keeps every sign-in.
func (s *Service) runPurge(ctx context.Context, tx mentorvault.Tx) error {
	now := tx.Now()
	if _, err := tx.DeleteStaleSessions(ctx, now, now.Add(-s.opts.SessionIdle)); err != nil {
		return err
	}
	return tx.DeleteLoginFailuresBefore(ctx, now.Add(-LoginWindow))
}

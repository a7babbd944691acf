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
	)
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		j, err := tx.ClaimDueJob(ctx, tx.Now())
		if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		job = j
		switch j.Kind {
		case mentorvault.JobDeliverDisclosure:
			jobErr = s.runDelivery(ctx, tx, j)
		case mentorvault.JobReleaseStatement:
			jobErr = s.runStatementRelease(ctx, tx, j)
		default:
			jobErr = fmt.Errorf("unknown job kind %q", j.Kind)
		}
		if jobErr != nil {
			return jobErr
		}
		return tx.CompleteJob(ctx, j.ID, tx.Now())
	})
	if job == nil {
		return false, err
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

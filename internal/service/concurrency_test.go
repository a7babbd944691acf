package service_test

import (
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// concurrently runs fs at the same moment and returns their errors.
func concurrently(fs ...func() error) []error {
	errs := make([]error, len(fs))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, f := range fs {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = f()
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

// TestConcurrentSigning has mentor and mentee sign the same version at the
// same moment, many times: both signatures always count and the
// relationship is always active afterwards (before the relationship lock,
// one of them could decide on a stale state and leave it agreeing for good).
func TestConcurrentSigning(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		for round := range 12 {
			rel := newPair(t, e)
			d, err := e.Svc.StartDraft(ctx, e.As("frank"), rel.ID)
			if err != nil {
				t.Fatal(err)
			}
			errs := concurrently(
				func() error {
					_, err := e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, demo.Password)
					return err
				},
				func() error {
					_, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, d.ID, d.Hash, demo.Password)
					return err
				},
			)
			for _, err := range errs {
				if err != nil {
					t.Fatalf("round %d: a signature failed: %v", round, err)
				}
			}
			if got := status(t, e, rel.ID); got != mentorvault.StatusActive {
				t.Fatalf("round %d: both signed and the relationship is %s", round, got)
			}
			if _, err := e.Svc.Transition(ctx, e.As("frank"), rel.ID, mentorvault.ActClose); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestConcurrentTransitions races lifecycle actions on one active
// relationship: exactly the transitions the state machine allows from the
// state each one saw succeed, and the final state is one of those reachable.
func TestConcurrentTransitions(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		for round := range 10 {
			rel := activePair(t, e)
			errs := concurrently(
				func() error { _, err := e.Svc.Transition(ctx, e.As("frank"), rel.ID, mentorvault.ActPause); return err },
				func() error { _, err := e.Svc.Transition(ctx, e.As("heidi"), rel.ID, mentorvault.ActPause); return err },
				func() error { _, err := e.Svc.Transition(ctx, e.As("heidi"), rel.ID, mentorvault.ActClose); return err },
			)
			ok := 0
			for _, err := range errs {
				switch mentorvault.ErrorCode(err) {
				case "":
					ok++
				case mentorvault.ECONFLICT, mentorvault.EFORBIDDEN:
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			got := status(t, e, rel.ID)
			// Two pauses cannot both succeed; close succeeds from active or paused.
			if mentorvault.ErrorCode(errs[0]) == "" && mentorvault.ErrorCode(errs[1]) == "" {
				t.Fatalf("round %d: both pauses succeeded", round)
			}
			if mentorvault.ErrorCode(errs[2]) == "" && got != mentorvault.StatusClosed {
				t.Fatalf("round %d: close succeeded and the relationship is %s", round, got)
			}
			if got != mentorvault.StatusClosed {
				if _, err := e.Svc.Transition(ctx, e.As("frank"), rel.ID, mentorvault.ActClose); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// TestConcurrentWrongPasswords sends forty wrong passwords for one account
// from one address at once: no more than the limit reach the password check
// (each such attempt is a "failed" login on the audit log; the rest are
// refused as rate limited before any hashing), and the right password is
// refused too until the window passes.
func TestConcurrentWrongPasswords(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		before := e.Head(t)
		fs := make([]func() error, 40)
		for i := range fs {
			fs[i] = func() error {
				_, err := e.Svc.Login(ctx, "alice@northwind.example", "wrong-password", "203.0.113.7")
				return err
			}
		}
		codes := map[string]int{}
		for _, err := range concurrently(fs...) {
			codes[mentorvault.ErrorCode(err)]++
		}
		if codes[mentorvault.EUNAUTHENTICATED] > service.MaxFailuresPerPair || codes[mentorvault.EUNAUTHENTICATED]+codes[mentorvault.ETOOMANY] != len(fs) {
			t.Fatalf("outcomes %v: at most %d may reach the password check, the rest rate limited", codes, service.MaxFailuresPerPair)
		}
		checked := 0
		for _, ev := range e.Events(t, before) {
			if ev.Action == "login" && ev.Outcome == mentorvault.OutcomeFailed {
				checked++
			}
		}
		if checked != codes[mentorvault.EUNAUTHENTICATED] || checked > service.MaxFailuresPerPair {
			t.Fatalf("%d attempts reached the password check (audit), %d answered 'not correct'", checked, codes[mentorvault.EUNAUTHENTICATED])
		}
		if _, err := e.Svc.Login(ctx, "alice@northwind.example", demo.Password, "203.0.113.7"); mentorvault.ErrorCode(err) != mentorvault.ETOOMANY {
			t.Fatalf("the right password right after: %v, want rate limited", err)
		}
		if _, err := e.Svc.Login(ctx, "alice@northwind.example", demo.Password, "198.51.100.1"); err != nil {
			t.Fatalf("the owner from elsewhere is not locked out: %v", err)
		}
	})
}

// TestPurgeJob schedules the recurring purge from two instances (one job),
// runs it and finds expired sessions and old login failures gone, the live
// session kept, and the job pending again an hour on.
func TestPurgeJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		if _, err := e.Svc.Login(ctx, "alice@northwind.example", "wrong", "192.0.2.1"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatal(err)
		}
		live, err := e.Svc.Login(ctx, "bob@northwind.example", demo.Password, "192.0.2.2")
		if err != nil {
			t.Fatal(err)
		}
		tx, err := e.DB.BeginTx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		old := tx.Now().Add(-48 * time.Hour)
		stale := &mentorvault.Session{ID: mentorvault.NewID(), TokenHash: []byte("stale-session-hash-0123456789abc"), UserID: e.Users["carol"].ID,
			CSRFToken: "mvc_x", CreatedAt: old, ExpiresAt: old.Add(time.Hour), LastSeenAt: old}
		if err := tx.CreateSession(ctx, stale); err != nil {
			t.Fatal(err)
		}
		if err := tx.RecordLoginFailure(ctx, "addr:192.0.2.9", old); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		for range 2 { // two instances starting
			if err := e.Svc.SchedulePurge(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Svc.RunDueJobs(ctx); err != nil {
			t.Fatal(err)
		}
		tx, err = e.DB.BeginTx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.FindSessionByHash(ctx, stale.TokenHash); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Errorf("the expired session is still there: %v", err)
		}
		if _, err := tx.FindSessionByHash(ctx, live.Session.TokenHash); err != nil {
			t.Errorf("the live session was purged: %v", err)
		}
		if n, err := tx.CountLoginFailures(ctx, "addr:192.0.2.9", old.Add(-time.Hour)); err != nil || n != 0 {
			t.Errorf("old login failures: %d, %v", n, err)
		}
		if n, err := tx.CountLoginFailures(ctx, "addr:192.0.2.1", tx.Now().Add(-time.Hour)); err != nil || n != 1 {
			t.Errorf("a recent failure was purged: %d, %v", n, err)
		}
		jobs, err := tx.FindJobs(ctx, "job-maintenance-purge")
		if err != nil || len(jobs) != 1 || jobs[0].DoneAt != nil || !jobs[0].RunAt.After(tx.Now().Add(50*time.Minute)) {
			t.Fatalf("one purge job, pending an hour on: %+v, %v", jobs, err)
		}
	})
}

package service_test

import (
	"sync"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
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
				func() error { _, err := e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, demo.Password); return err },
				func() error { _, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, d.ID, d.Hash, demo.Password); return err },
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

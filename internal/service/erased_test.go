package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// change runs f in a store transaction of its own and commits it.
func change(t *testing.T, e *mvtest.Env, f func(tx mentorvault.Tx) error) {
	t.Helper()
	tx, err := e.Svc.Store().BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestListsSkipOnlyErasedContent: a list across relationships leaves out a
// record whose relationship's data key was destroyed, and only that; a
// record whose ciphertext does not open is listed as damaged, never
// silently skipped.
func TestListsSkipOnlyErasedContent(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		frank := e.As("frank")
		got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, frank))
		if len(got) != 1 || got[0].Body.Reveal() == "" {
			t.Fatalf("the demo releases one statement to frank, got %d", len(got))
		}
		var st *mentorvault.Statement
		change(t, e, func(tx mentorvault.Tx) error {
			var err error
			if st, err = tx.FindStatementByID(ctx, got[0].ID); err != nil {
				return err
			}
			corrupted := *st
			corrupted.BodySealed = flip(st.BodySealed)
			return tx.UpdateStatement(ctx, &corrupted)
		})
		if got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, frank)); len(got) != 1 || !got[0].Damaged || !got[0].Body.IsZero() {
			t.Fatalf("a corrupted statement: got %d, want it listed as damaged without its text", len(got))
		}

		change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateStatement(ctx, st) })
		if got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, frank)); len(got) != 1 {
			t.Fatalf("the restored statement: got %d, want 1", len(got))
		}

		change(t, e, func(tx mentorvault.Tx) error { return tx.DestroyDataKey(ctx, st.RelationshipID, time.Now()) })
		if got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, frank)); len(got) != 0 {
			t.Fatalf("a statement of a shredded relationship: got %d, want it left out", len(got))
		}
		reqs := must[*service.MyRequestList](t)(e.Svc.MyRequests(ctx, frank, service.PageFilter{})).Requests
		for _, r := range reqs {
			if r.RelationshipID == st.RelationshipID && !r.Question.IsZero() {
				t.Fatalf("request %s of a shredded relationship still shows its question", r.ID)
			}
		}
	})
}

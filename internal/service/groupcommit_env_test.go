package service_test

import (
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
)

// TestServiceOverCountingStoreGroupCommits checks that the service of a
// test environment, whose store is wrapped to count transactions, still
// writes through the store's group commit (DB.Update) and counts it: the
// parallel benchmarks' "grouped" mode and the transaction counts of page
// tests mean nothing otherwise.
func TestServiceOverCountingStoreGroupCommits(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		_, ops0 := e.DB.CommitStats()
		begun := e.Txs.Begun()
		if _, err := e.Svc.CreateNote(ctx, e.As("alice"), e.Rel.ID, "through the writer", mentorvault.VisibilityPrivate); err != nil {
			t.Fatal(err)
		}
		if _, ops := e.DB.CommitStats(); ops == ops0 {
			t.Errorf("CreateNote did not go through DB.Update (%d operations before and after)", ops)
		}
		if n := e.Txs.Begun() - begun; n != 1 {
			t.Errorf("CreateNote counted %d transactions, want 1", n)
		}
	})
}

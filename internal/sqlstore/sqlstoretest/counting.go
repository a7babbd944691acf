package sqlstoretest

import (
	"context"
	"sync/atomic"

	"github.com/mentorvault/mentorvault"
)

// CountingStore is a store that counts the transactions begun through it,
// for tests that bound what a page or a call costs. Everything else passes
// through to the wrapped store.
type CountingStore struct {
	mentorvault.Store
	begun atomic.Int64
}

// Counting wraps s in a CountingStore.
func Counting(s mentorvault.Store) *CountingStore { return &CountingStore{Store: s} }

// BeginTx counts the transaction and begins it on the wrapped store.
func (c *CountingStore) BeginTx(ctx context.Context) (mentorvault.Tx, error) {
	c.begun.Add(1)
	return c.Store.BeginTx(ctx)
}

// Begun is how many transactions were begun so far (committed, rolled
// back or failing to begin alike).
func (c *CountingStore) Begun() int64 { return c.begun.Load() }

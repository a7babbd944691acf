package sqlstoretest

import (
	"context"
	"sync/atomic"

	"github.com/mentorvault/mentorvault"
)

// CountingStore is a store that counts the transactions begun through it
// (BeginTx and Update),
// for tests that bound what a page or a call costs. Everything else passes
// through to the wrapped store.
type CountingStore struct {
	mentorvault.Store
	begun   atomic.Int64
	lookups atomic.Int64
}

// Counting wraps s in a CountingStore.
func Counting(s mentorvault.Store) *CountingStore { return &CountingStore{Store: s} }

// BeginTx counts the transaction and begins it on the wrapped store; the
// transaction counts its one-record lookups (see Lookups).
func (c *CountingStore) BeginTx(ctx context.Context) (mentorvault.Tx, error) {
	c.begun.Add(1)
	tx, err := c.Store.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	return countingTx{Tx: tx, c: c}, nil
}

// updater is sqlstore's group commit (DB.Update), which the service uses
// when its store has it.
type updater interface {
	Update(ctx context.Context, fn func(mentorvault.Tx) error, keep func(error) bool) error
}

// Update counts the transaction and runs fn through the wrapped store's
// Update, so a service over a CountingStore keeps group commit (embedding
// the Store interface alone would hide it); over a store without one, it
// runs fn in a transaction of its own, committed when fn succeeds or keep
// holds for its error.
func (c *CountingStore) Update(ctx context.Context, fn func(mentorvault.Tx) error, keep func(error) bool) error {
	c.begun.Add(1)
	wrap := func(tx mentorvault.Tx) error { return fn(countingTx{Tx: tx, c: c}) }
	if u, ok := c.Store.(updater); ok {
		return u.Update(ctx, wrap, keep)
	}
	tx, err := c.Store.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	err = wrap(tx)
	if err != nil && !keep(err) {
		return err
	}
	if cerr := tx.Commit(); cerr != nil {
		return cerr
	}
	return err
}

// Lookups is how many one-record lookups (FindUserByID,
// FindRelationshipByID, FindDataKey, FindBoundDataKey) and one-relationship meeting lists
// (FindMeetings) the transactions begun so far made: the queries a list
// that loads row by row repeats for every row.
func (c *CountingStore) Lookups() int64 { return c.lookups.Load() }

// countingTx counts a transaction's one-record lookups.
type countingTx struct {
	mentorvault.Tx
	c *CountingStore
}

func (t countingTx) FindUserByID(ctx context.Context, id string) (*mentorvault.User, error) {
	t.c.lookups.Add(1)
	return t.Tx.FindUserByID(ctx, id)
}

func (t countingTx) FindRelationshipByID(ctx context.Context, id string) (*mentorvault.Relationship, error) {
	t.c.lookups.Add(1)
	return t.Tx.FindRelationshipByID(ctx, id)
}

func (t countingTx) FindDataKey(ctx context.Context, relationshipID string) ([]byte, error) {
	t.c.lookups.Add(1)
	return t.Tx.FindDataKey(ctx, relationshipID)
}

func (t countingTx) FindBoundDataKey(ctx context.Context, relationshipID string) (*mentorvault.BoundDataKey, error) {
	t.c.lookups.Add(1)
	return t.Tx.FindBoundDataKey(ctx, relationshipID)
}

func (t countingTx) FindMeetings(ctx context.Context, f mentorvault.MeetingFilter) ([]*mentorvault.Meeting, error) {
	t.c.lookups.Add(1)
	return t.Tx.FindMeetings(ctx, f)
}

// Begun is how many transactions were begun so far (committed, rolled
// back or failing to begin alike).
func (c *CountingStore) Begun() int64 { return c.begun.Load() }

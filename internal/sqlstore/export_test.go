package sqlstore

import (
	"context"

	"github.com/mentorvault/mentorvault"
)

// QueuedOps is how many operations wait for the writer.
func (db *DB) QueuedOps() int { return len(db.w.queue) }

// ExecRaw runs a statement in tx, for tests that need SQL the store has no
// method for (locking rows in a chosen order).
func ExecRaw(ctx context.Context, tx mentorvault.Tx, query string, args ...any) error {
	_, err := tx.(*Tx).exec(ctx, query, args...)
	return wrapErr("exec", err)
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
)

// Tx is a read-write transaction; it implements mentorvault.Tx.
type Tx struct {
	tx  *sql.Tx
	d   dialect
	now time.Time
}

var _ mentorvault.Tx = (*Tx)(nil)

// Now is the transaction's time, taken once when it began.
func (tx *Tx) Now() time.Time { return tx.now }

// Commit commits the transaction.
func (tx *Tx) Commit() error {
	if err := tx.tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// Rollback discards the transaction. After Commit or an earlier Rollback it
// does nothing, so callers can always defer it.
func (tx *Tx) Rollback() error {
	if err := tx.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("sqlstore: rollback: %w", err)
	}
	return nil
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.d.rebind(query), args...)
}

// write runs a statement that may violate a constraint. If it fails, the
// transaction stays usable on every backend (see statementSavepoints).
func (tx *Tx) write(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !tx.d.statementSavepoints() {
		return tx.exec(ctx, query, args...)
	}
	if _, err := tx.tx.ExecContext(ctx, "SAVEPOINT sqlstore_stmt"); err != nil {
		return nil, err
	}
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		if _, rerr := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT sqlstore_stmt"); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
	}
	if _, rerr := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT sqlstore_stmt"); rerr != nil {
		return nil, errors.Join(err, rerr)
	}
	return res, err
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.d.rebind(query), args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.d.rebind(query), args...)
}

// execOne runs an UPDATE or DELETE of one record and returns ENOTFOUND if it
// matched none.
func (tx *Tx) execOne(ctx context.Context, op, thing, query string, args ...any) error {
	res, err := tx.write(ctx, query, args...)
	if err != nil {
		return mapError(op, thing, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if n == 0 {
		return notFound(thing)
	}
	return nil
}

func notFound(thing string) error {
	return &mentorvault.Error{Code: mentorvault.ENOTFOUND, Message: thing + " not found"}
}

// findErr maps the error of a single-row query: no row is ENOTFOUND.
func findErr(op, thing string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(thing)
	}
	return mapError(op, thing, err)
}

// nullString stores "" as NULL, for optional references.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// stringCol scans a nullable text column; NULL gives "".
type stringCol struct{ s *string }

func (c stringCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.s = ""
	case string:
		*c.s = v
	case []byte:
		*c.s = string(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as a string", src)
	}
	return nil
}

// bytesCol scans a nullable blob column; NULL gives nil, and the bytes are
// always a copy.
type bytesCol struct{ b *[]byte }

func (c bytesCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.b = nil
	case []byte:
		*c.b = append([]byte(nil), v...)
	case string:
		*c.b = []byte(v)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T as bytes", src)
	}
	return nil
}

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, err error, op string, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	return out, nil
}

// clampLimit applies a default to a zero or negative limit and caps it at max.
func clampLimit(n, def, max int) int {
	if n <= 0 {
		return def
	}
	if n > max {
		return max
	}
	return n
}

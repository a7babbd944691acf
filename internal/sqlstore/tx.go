package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mentorvault/mentorvault"
)

// Tx is a read-write transaction; it implements mentorvault.Tx.
type Tx struct {
	tx    *sql.Tx
	d     dialect
	now   time.Time
	stmts *stmtCache // nil: statements are not cached
	// shared marks one operation of a batch (see DB.Update): the
	// transaction is not its own to end, and the cancellation of its
	// context must not interrupt a statement (SQLite would roll back the
	// whole transaction, and every other operation of the batch with it).
	shared bool

	mu sync.Mutex // guards the fields below
	// unprepared are the queries this transaction ran without a cached
	// statement; they are prepared once it has ended (see stmtCache).
	unprepared []string
	// rows are the result sets of cached queries handed out, so that a
	// query is not run again on its statement while those rows are open.
	rows []cachedRows
}

type cachedRows struct {
	query string
	rows  *sql.Rows
}

var _ mentorvault.Tx = (*Tx)(nil)

// Now is the transaction's time, taken once when it began.
func (tx *Tx) Now() time.Time { return tx.now }

// errShared refuses to end a batch's transaction from one of its operations.
var errShared = errors.New("sqlstore: an operation of a batch cannot end its transaction; return from it instead")

// Commit commits the transaction.
func (tx *Tx) Commit() error {
	if tx.shared {
		return errShared
	}
	err := tx.tx.Commit()
	tx.ended()
	if err != nil {
		return wrapErr("commit", err)
	}
	return nil
}

// Rollback discards the transaction. After Commit or an earlier Rollback it
// does nothing, so callers can always defer it.
func (tx *Tx) Rollback() error {
	if tx.shared {
		return nil // Update undoes the operation's work when it fails
	}
	err := tx.tx.Rollback()
	tx.ended()
	if err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("sqlstore: rollback: %w", err)
	}
	return nil
}

// ended runs once the transaction has released its connection: it prepares
// the queries the transaction found uncached.
func (tx *Tx) ended() {
	if tx.stmts == nil {
		return
	}
	tx.mu.Lock()
	queries := tx.unprepared
	tx.unprepared, tx.rows = nil, nil
	tx.mu.Unlock()
	tx.stmts.prepare(queries)
}

// stmt returns query's cached statement bound to this transaction, or nil
// if query is to be run directly: statements are not cached, query is not
// cached yet (it is noted, to be prepared when the transaction ends), or
// rows of an earlier run of it in this transaction are still open (the
// driver keeps one SQLite statement per prepared query, so a second run
// would reset the first one's rows).
//
// A *sql.Row (queryRow) holds its statement until it is scanned: scan it
// before the next statement, as every caller does.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	busy := false
	open := tx.rows[:0]
	for _, r := range tx.rows {
		if _, err := r.rows.Columns(); err != nil {
			continue // closed
		}
		open = append(open, r)
		busy = busy || r.query == query
	}
	clear(tx.rows[len(open):])
	tx.rows = open
	if busy {
		return nil
	}
	ps := tx.stmts.get(query)
	if ps == nil {
		if !slices.Contains(tx.unprepared, query) && !tx.stmts.full() {
			tx.unprepared = append(tx.unprepared, query)
		}
		return nil
	}
	// Binding to the transaction's connection reuses the driver statement
	// database/sql keeps for that connection; only the first use on a
	// connection prepares it (on that connection, without the pool).
	return tx.tx.StmtContext(ctx, ps)
}

// ctx is the context to run a statement with: ctx itself, or, in a batch,
// ctx without its cancellation (see shared).
func (tx *Tx) ctx(ctx context.Context) context.Context {
	if tx.shared {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = tx.ctx(ctx)
	q := tx.d.rebind(query)
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, q, args...)
}

// write runs a statement that may violate a constraint. If it fails, the
// transaction stays usable on every backend (see statementSavepoints).
func (tx *Tx) write(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !tx.d.statementSavepoints() {
		return tx.exec(ctx, query, args...)
	}
	ctx = tx.ctx(ctx)
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
	ctx = tx.ctx(ctx)
	q := tx.d.rebind(query)
	st := tx.stmt(ctx, q)
	if st == nil {
		return tx.tx.QueryContext(ctx, q, args...)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err == nil {
		tx.mu.Lock()
		tx.rows = append(tx.rows, cachedRows{q, rows})
		tx.mu.Unlock()
	}
	return rows, err
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = tx.ctx(ctx)
	q := tx.d.rebind(query)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// maxCachedStmts bounds the statement cache. The package's queries are
// fixed texts, or a few optional WHERE clauses combined, so well under
// this; past it, further queries simply run unprepared.
const maxCachedStmts = 256

// stmtCache holds statements prepared on the pool, keyed by query text, for
// SQLite: modernc.org/sqlite keeps a prepared statement's compiled program,
// but parses and plans a statement run directly anew on every call, and
// database/sql caches nothing.
//
// A statement is prepared (DB.PrepareContext) only when the preparing
// goroutine holds no connection: with SQLite's single connection, preparing
// on the pool inside a transaction would wait for the connection that
// transaction holds, for ever. So a transaction runs an uncached query
// directly and notes it, and once it has committed or rolled back, and so
// released its connection, it prepares the noted queries on the pool. From
// then on transactions bind the cached statement to their connection with
// sql.Tx.StmtContext, which reuses the driver statement database/sql keeps
// per connection.
type stmtCache struct {
	db *sql.DB

	mu     sync.RWMutex
	m      map[string]*sql.Stmt
	closed bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: make(map[string]*sql.Stmt)}
}

func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

func (c *stmtCache) full() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.closed || len(c.m) >= maxCachedStmts
}

// prepare prepares and caches the queries not cached yet. The caller must
// hold no connection of the pool. A query that fails to prepare stays
// uncached (it runs directly, and failed the same way there).
func (c *stmtCache) prepare(queries []string) {
	for _, q := range queries {
		if c.full() || c.get(q) != nil {
			continue
		}
		st, err := c.db.PrepareContext(context.Background(), q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.closed || len(c.m) >= maxCachedStmts || c.m[q] != nil {
			c.mu.Unlock()
			st.Close()
			continue
		}
		c.m[q] = st
		c.mu.Unlock()
	}
}

// close closes the cached statements; the cache stays empty. A nil cache
// does nothing.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
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
		return wrapErr(op, err)
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
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrapErr(op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapErr(op, err)
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

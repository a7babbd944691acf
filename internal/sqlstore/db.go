// Package sqlstore implements mentorvault.Store with database/sql on SQLite
// (modernc.org/sqlite, the default) and PostgreSQL (pgx). Both backends run
// the same SQL; dialect.go holds the few differences.
//
// Single-record lookups and updates of a missing record return ENOTFOUND,
// duplicates ECONFLICT, references to missing records EINVALID. Deleting
// sessions, login failures and agreement signatures is idempotent; deleting
// a note is not.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"

	"github.com/mentorvault/mentorvault"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// DB is a mentorvault.Store on SQLite or PostgreSQL.
type DB struct {
	db    *sql.DB
	d     dialect
	stmts *stmtCache // nil: statements are not cached (PostgreSQL, see newDB)
	w     *writer    // runs Update's operations, in batches (batch.go)

	mu  sync.RWMutex
	now func() time.Time
}

var _ mentorvault.Store = (*DB)(nil)

// sqliteParams are set on every pooled SQLite connection. WAL with
// synchronous FULL loses no acknowledged write on power loss; IMMEDIATE
// transactions take the write lock at BEGIN so that no transaction fails
// half-way with SQLITE_BUSY; secure_delete overwrites erased content (a
// destroyed data key must not linger in free pages).
var sqliteParams = []string{
	"_pragma=busy_timeout(10000)",
	"_pragma=journal_mode(WAL)",
	"_pragma=synchronous(FULL)",
	"_pragma=foreign_keys(1)",
	"_pragma=secure_delete(1)",
	"_txlock=immediate",
}

// OpenSQLite opens (creating if needed) the SQLite database at path. A
// missing parent directory is created with 0700 permissions and a new
// database file with 0600.
func OpenSQLite(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlstore: no SQLite database path given")
	}
	if strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlstore: SQLite path %q must be a plain file path", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: create database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlstore: create database file: %w", err)
	}
	sdb, err := sql.Open("sqlite", path+"?"+strings.Join(sqliteParams, "&"))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
	}
	// One connection: every transaction writes, and SQLite has one writer.
	sdb.SetMaxOpenConns(1)
	sdb.SetMaxIdleConns(1)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)
	db := newDB(sdb, dialectSQLite)
	if err := sdb.Ping(); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	return db, nil
}

// OpenPostgres connects to the PostgreSQL database at url
// (postgres://user@host:port/db?sslmode=…).
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	sdb, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	sdb.SetMaxOpenConns(10)
	sdb.SetMaxIdleConns(10)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("sqlstore: connect to postgres: %w", err)
	}
	return newDB(sdb, dialectPostgres), nil
}

// Open opens PostgreSQL if databaseURL is set (postgres:// or
// postgresql://), otherwise the SQLite database at sqlitePath.
func Open(ctx context.Context, databaseURL, sqlitePath string) (*DB, error) {
	if databaseURL == "" {
		return OpenSQLite(sqlitePath)
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, errors.New("sqlstore: the database URL is not a valid URL")
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		return OpenPostgres(ctx, databaseURL)
	}
	return nil, fmt.Errorf("sqlstore: unsupported database URL scheme %q: use postgres:// or postgresql://, or leave the URL empty for SQLite", u.Scheme)
}

func newDB(sdb *sql.DB, d dialect) *DB {
	db := &DB{db: sdb, d: d, now: func() time.Time { return time.Now().UTC() }}
	// pgx caches prepared statements per connection itself (its default
	// query exec mode, cache_statement); modernc.org/sqlite does not.
	if d.name == "sqlite" {
		db.stmts = newStmtCache(sdb)
	}
	db.w = newWriter(db, DefaultGroupCommit)
	return db
}

// SQLDB returns the underlying handle, for benchmarks and tamper tests.
func (db *DB) SQLDB() *sql.DB { return db.db }

// SetClock sets the clock that transactions take Now from.
func (db *DB) SetClock(now func() time.Time) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.now = now
}

// Rebind rewrites "?" placeholders for this database ($1, $2, … on PostgreSQL).
func (db *DB) Rebind(query string) string { return db.d.rebind(query) }

// Dialect is "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping: %w", err)
	}
	return nil
}

// Close runs the operations already queued for the writer, then closes the
// database and its cached statements. Update returns an error from then on.
func (db *DB) Close() error {
	db.w.close()
	db.stmts.close()
	return db.db.Close()
}

// BeginTx starts a read-write transaction whose Now is the clock's time,
// in UTC and truncated to microseconds (the precision both backends store).
func (db *DB) BeginTx(ctx context.Context) (mentorvault.Tx, error) {
	return db.begin(ctx)
}

func (db *DB) begin(ctx context.Context) (*Tx, error) {
	stx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: begin: %w", err)
	}
	return &Tx{tx: stx, d: db.d, now: db.txNow(), stmts: db.stmts}, nil
}

// opTx is the Tx of one operation of a batch (see Update): it runs on the
// batch's transaction, which it cannot end, and has a Now of its own.
func (db *DB) opTx(stx *sql.Tx) *Tx {
	return &Tx{tx: stx, d: db.d, now: db.txNow(), stmts: db.stmts, shared: true}
}

// txNow is the clock's time, in UTC and truncated to microseconds.
func (db *DB) txNow() time.Time {
	db.mu.RLock()
	now := db.now
	db.mu.RUnlock()
	return now().UTC().Truncate(time.Microsecond)
}

// Migrate applies the embedded migrations not yet recorded in
// schema_migrations, in order, each in its own transaction.
func (db *DB) Migrate(ctx context.Context) error {
	dir := "migrations/" + db.d.name
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	type migration struct {
		version int
		name    string
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return fmt.Errorf("sqlstore: migration %s: name must start with a positive number", name)
		}
		ms = append(ms, migration{v, name})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return fmt.Errorf("sqlstore: migrations %s and %s have the same number", ms[i-1].name, ms[i].name)
		}
	}

	if err := db.migrateTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	applied_at TEXT NOT NULL
)`)
		return err
	}); err != nil {
		return fmt.Errorf("sqlstore: create schema_migrations: %w", err)
	}

	for _, m := range ms {
		body, err := fs.ReadFile(migrationFS, dir+"/"+m.name)
		if err != nil {
			return fmt.Errorf("sqlstore: read migration %s: %w", m.name, err)
		}
		err = db.migrateTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, db.d.rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`),
				m.version, time.Now().UTC().Format(time.RFC3339Nano))
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// migrateTx runs fn in a transaction that holds the migration lock.
func (db *DB) migrateTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if lock := db.d.migrationLock(); lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Package sqlstoretest opens migrated, throw-away stores for tests: SQLite in
// a temporary directory, and PostgreSQL in a fresh schema of the server at
// MENTORVAULT_TEST_DATABASE_URL when it is reachable.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/mentorvault/mentorvault/internal/sqlstore"
)

// DefaultPostgresURL is used when MENTORVAULT_TEST_DATABASE_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Backend is a database a store test can run on.
type Backend struct {
	Name string // "sqlite" or "postgres"
	// Open returns a new, empty, migrated store that is closed (and on
	// PostgreSQL dropped) when the test ends.
	Open func(t testing.TB) *sqlstore.DB
}

// Backends returns SQLite and, when its server is reachable, PostgreSQL.
// In CI (CI=true) an unreachable PostgreSQL fails the test instead.
func Backends(t testing.TB) []Backend {
	t.Helper()
	bs := []Backend{{Name: "sqlite", Open: OpenSQLite}}
	if err := postgresReachable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("sqlstoretest: PostgreSQL at %s is unreachable (required in CI): %v", redact(postgresURL()), err)
		}
		t.Logf("sqlstoretest: skipping PostgreSQL: %s is unreachable (set MENTORVAULT_TEST_DATABASE_URL): %v", redact(postgresURL()), err)
		return bs
	}
	return append(bs, Backend{Name: "postgres", Open: OpenPostgres})
}

// OpenSQLite returns a migrated SQLite store in t.TempDir().
func OpenSQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.OpenSQLite(filepath.Join(t.TempDir(), "mentorvault.db"))
	if err != nil {
		t.Fatalf("sqlstoretest: open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("sqlstoretest: migrate sqlite: %v", err)
	}
	return db
}

// OpenPostgres returns a migrated PostgreSQL store in a new schema that is
// dropped when the test ends. It skips the test if the server is
// unreachable, or fails it in CI (CI=true).
func OpenPostgres(t testing.TB) *sqlstore.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sqlstore.OpenPostgres(ctx, PostgresSchemaURL(t))
	if err != nil {
		t.Fatalf("sqlstoretest: open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() }) // runs before the schema is dropped
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("sqlstoretest: migrate postgres: %v", err)
	}
	return db
}

// PostgresSchemaURL creates a new, empty schema, dropped when the test
// ends, and returns a database URL whose connections use it (for tests that
// start mentorvault processes on PostgreSQL). It skips the test if the
// server is unreachable, or fails it in CI (CI=true).
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := postgresURL()
	if err := postgresReachable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("sqlstoretest: PostgreSQL at %s is unreachable (required in CI): %v", redact(base), err)
		}
		t.Skipf("sqlstoretest: PostgreSQL at %s is unreachable (set MENTORVAULT_TEST_DATABASE_URL): %v", redact(base), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var rnd [8]byte
	rand.Read(rnd[:])
	schema := "mvtest_" + hex.EncodeToString(rnd[:])

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("sqlstoretest: open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("sqlstoretest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("sqlstoretest: drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("sqlstoretest: drop schema %s: %v", schema, err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("sqlstoretest: bad PostgreSQL URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func postgresURL() string {
	if u := os.Getenv("MENTORVAULT_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var (
	probeOnce sync.Once
	probeErr  error
)

// postgresReachable checks once per test binary whether the server answers.
func postgresReachable() error {
	probeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", postgresURL())
		if err != nil {
			probeErr = err
			return
		}
		defer db.Close()
		probeErr = db.PingContext(ctx)
	})
	return probeErr
}

// redact hides a password in a database URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(the configured URL)"
	}
	return u.Redacted()
}

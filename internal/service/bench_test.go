package service_test

// Hot-path benchmarks: the full service stack against the bare database
// operation it is built on, on the same kind of database with the same
// connection settings (and so the same durability: SQLite WAL with
// synchronous=FULL; PostgreSQL's server defaults). `make bench`
// (internal/benchreport) runs them and prints the ratios; docs/performance.md
// records the figures.

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// benchBody is a 1 KiB note body.
var benchBody = strings.Repeat("Notes from today's session: goals, blockers, next steps. ", 20)[:1024]

// benchBackends runs f on a freshly seeded environment per backend, as the
// sub-benchmarks "sqlite" and "postgres" (skipped when PostgreSQL is
// unreachable, outside CI).
func benchBackends(b *testing.B, f func(b *testing.B, e *mvtest.Env)) {
	backends := []struct {
		name string
		open func(testing.TB) *sqlstore.DB
	}{
		{"sqlite", sqlstoretest.OpenSQLite},
		{"postgres", sqlstoretest.OpenPostgres},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { f(b, mvtest.New(b, be.open(b))) })
	}
}

// benchTime is a stored time argument as the store writes it: fixed-width
// text on SQLite, timestamptz on PostgreSQL.
func benchTime(db *sqlstore.DB) any {
	t := time.Now().UTC().Truncate(time.Microsecond)
	if db.Dialect() == "sqlite" {
		return t.Format("2006-01-02T15:04:05.000000Z")
	}
	return t
}

// benchSealedSize is the size of a sealed 1 KiB body, so that the bare
// benchmarks move as many bytes as the service does.
func benchSealedSize(b *testing.B, e *mvtest.Env) int {
	b.Helper()
	n, err := e.Svc.CreateNote(context.Background(), e.As("alice"), e.Rel.ID, benchBody, mentorvault.VisibilityPrivate)
	if err != nil {
		b.Fatal(err)
	}
	return len(n.BodySealed)
}

// BenchmarkNoteCreateFullStack is one committed CreateNote: resolve the
// actor, load the relationship and its data key, authorise, seal 1 KiB,
// insert the note, append the audit event, commit.
func BenchmarkNoteCreateFullStack(b *testing.B) {
	benchBackends(b, func(b *testing.B, e *mvtest.Env) {
		ctx := context.Background()
		alice := e.As("alice")
		b.SetBytes(int64(len(benchBody)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Svc.CreateNote(ctx, alice, e.Rel.ID, benchBody, mentorvault.VisibilityPrivate); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNoteCreateBareInsert is the floor for BenchmarkNoteCreateFullStack:
// one transaction per note on the same database handle (same pool and
// connection settings) inserting a row of the same shape, with random bytes
// the size of the sealed body, and committing.
func BenchmarkNoteCreateBareInsert(b *testing.B) {
	benchBackends(b, func(b *testing.B, e *mvtest.Env) {
		ctx := context.Background()
		sealed := make([]byte, benchSealedSize(b, e))
		rand.Read(sealed)
		sdb := e.DB.SQLDB()
		q := e.DB.Rebind(`INSERT INTO notes (id, relationship_id, author_id, visibility, body_sealed, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)`)
		authorID := e.Users["alice"].ID
		b.SetBytes(int64(len(benchBody)))
		b.ReportAllocs()
		for b.Loop() {
			tx, err := sdb.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			now := benchTime(e.DB)
			if _, err := tx.ExecContext(ctx, q, mentorvault.NewID(), e.Rel.ID, authorID,
				string(mentorvault.VisibilityPrivate), sealed, now, now); err != nil {
				tx.Rollback()
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNoteReadFullStack is one ReadNote: resolve, load, authorise,
// open 1 KiB, append the note.read audit event, commit.
func BenchmarkNoteReadFullStack(b *testing.B) {
	benchBackends(b, func(b *testing.B, e *mvtest.Env) {
		ctx := context.Background()
		alice := e.As("alice")
		n, err := e.Svc.CreateNote(ctx, alice, e.Rel.ID, benchBody, mentorvault.VisibilityPrivate)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(benchBody)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Svc.ReadNote(ctx, alice, e.Rel.ID, n.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNoteReadBareSelect is the floor for BenchmarkNoteReadFullStack:
// a transaction on the same handle that selects the sealed body by ID and
// commits.
func BenchmarkNoteReadBareSelect(b *testing.B) {
	benchBackends(b, func(b *testing.B, e *mvtest.Env) {
		ctx := context.Background()
		n, err := e.Svc.CreateNote(ctx, e.As("alice"), e.Rel.ID, benchBody, mentorvault.VisibilityPrivate)
		if err != nil {
			b.Fatal(err)
		}
		sdb := e.DB.SQLDB()
		q := e.DB.Rebind(`SELECT body_sealed FROM notes WHERE id = ?`)
		var sealed []byte
		b.SetBytes(int64(len(benchBody)))
		b.ReportAllocs()
		for b.Loop() {
			tx, err := sdb.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := tx.QueryRowContext(ctx, q, n.ID).Scan(&sealed); err != nil {
				tx.Rollback()
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		if len(sealed) != len(n.BodySealed) {
			b.Fatalf("read %d sealed bytes, want %d", len(sealed), len(n.BodySealed))
		}
	})
}

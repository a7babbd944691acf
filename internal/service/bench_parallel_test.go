package service_test

import (
	"context"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
)

// benchClients is how many goroutines the parallel benchmarks run per
// GOMAXPROCS: 16 on this 2-core machine makes 32 concurrent callers, as
// `make bench-http` drives 32 clients.
const benchClients = 16

// commitModes runs f as the sub-benchmarks "grouped" (the store's default
// group commit) and "alone" (one transaction per call, as before it).
func commitModes(b *testing.B, e *mvtest.Env, f func(b *testing.B)) {
	modes := []struct {
		name string
		gc   sqlstore.GroupCommit
	}{
		{"grouped", sqlstore.DefaultGroupCommit},
		{"alone", sqlstore.GroupCommit{MaxOps: 1}},
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			e.DB.SetGroupCommit(m.gc)
			defer e.DB.SetGroupCommit(sqlstore.DefaultGroupCommit)
			commits0, ops0 := e.DB.CommitStats()
			f(b)
			if commits, ops := e.DB.CommitStats(); commits > commits0 {
				b.ReportMetric(float64(ops-ops0)/float64(commits-commits0), "ops/commit")
			}
		})
	}
}

// BenchmarkNoteCreateParallel is BenchmarkNoteCreateFullStack under
// concurrent load, where group commit lets many calls share one commit.
func BenchmarkNoteCreateParallel(b *testing.B) {
	benchBackends(b, func(b *testing.B, e *mvtest.Env) {
		ctx := context.Background()
		alice := e.As("alice")
		commitModes(b, e, func(b *testing.B) {
			b.SetBytes(int64(len(benchBody)))
			b.ReportAllocs()
			b.SetParallelism(benchClients)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.Svc.CreateNote(ctx, alice, e.Rel.ID, benchBody, mentorvault.VisibilityPrivate); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	})
}

// BenchmarkNoteReadParallel is BenchmarkNoteReadFullStack under concurrent
// load: every read appends an audit event and so commits.
func BenchmarkNoteReadParallel(b *testing.B) {
	benchBackends(b, func(b *testing.B, e *mvtest.Env) {
		ctx := context.Background()
		alice := e.As("alice")
		n, err := e.Svc.CreateNote(ctx, alice, e.Rel.ID, benchBody, mentorvault.VisibilityPrivate)
		if err != nil {
			b.Fatal(err)
		}
		commitModes(b, e, func(b *testing.B) {
			b.SetBytes(int64(len(benchBody)))
			b.ReportAllocs()
			b.SetParallelism(benchClients)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.Svc.ReadNote(ctx, alice, e.Rel.ID, n.ID); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	})
}

package service_test

import (
	"context"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
)

// benchClients is how many goroutines the parallel benchmarks run per
// GOMAXPROCS: 16 on this 2-core machine makes 32 concurrent callers, as
// `make bench-http` drives 32 clients.
const benchClients = 16

// BenchmarkNoteCreateParallel is BenchmarkNoteCreateFullStack under
// concurrent load, where group commit lets many calls share one commit.
func BenchmarkNoteCreateParallel(b *testing.B) {
	benchBackends(b, func(b *testing.B, e *mvtest.Env) {
		ctx := context.Background()
		alice := e.As("alice")
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
}

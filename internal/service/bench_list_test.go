package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// seedHistory adds n sealed notes and n meetings (half past, half upcoming)
// to the demo pair in one transaction, as the service would store them.
func seedHistory(b *testing.B, e *mvtest.Env, n int) {
	b.Helper()
	ctx := context.Background()
	tx, err := e.DB.BeginTx(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	key, err := tx.FindDataKey(ctx, e.Rel.ID)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	for i := range n {
		note := &mentorvault.Note{ID: mentorvault.NewID(), RelationshipID: e.Rel.ID, AuthorID: e.Users["alice"].ID,
			Visibility: mentorvault.VisibilityShared, CreatedAt: now, UpdatedAt: now}
		if note.BodySealed, err = e.Keys.Seal(key, seal.AD{RelationshipID: e.Rel.ID, Record: "note", RecordID: note.ID, Field: "body"},
			mentorvault.NewSecret(fmt.Sprintf("history note %d", i))); err != nil {
			b.Fatal(err)
		}
		if err := tx.CreateNote(ctx, note); err != nil {
			b.Fatal(err)
		}
		m := &mentorvault.Meeting{ID: mentorvault.NewID(), RelationshipID: e.Rel.ID, StartsAt: now.Add(time.Duration(i-n/2) * time.Hour),
			Minutes: 45, Status: mentorvault.MeetingScheduled, CreatedByID: e.Users["alice"].ID, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateMeeting(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListHistory lists the first page (50) of a pair's notes and of
// their upcoming and past meetings with 100 and with 10,000 records each:
// paged and indexed, the cost should not grow with the history.
func BenchmarkListHistory(b *testing.B) {
	for _, n := range []int{100, 10000} {
		e := mvtest.New(b, sqlstoretest.OpenSQLite(b))
		seedHistory(b, e, n)
		ctx := context.Background()
		b.Run(fmt.Sprintf("notes/records=%d", n), func(b *testing.B) {
			for b.Loop() {
				ns, err := e.Svc.ListNotes(ctx, e.As("bob"), e.Rel.ID, service.NoteFilter{Limit: 50})
				if err != nil || len(ns) != 50 {
					b.Fatalf("%v %d", err, len(ns))
				}
			}
		})
		for _, upcoming := range []bool{true, false} {
			b.Run(fmt.Sprintf("meetings-upcoming=%v/records=%d", upcoming, n), func(b *testing.B) {
				for b.Loop() {
					p, err := e.Svc.Meetings(ctx, e.As("bob"), e.Rel.ID, service.MeetingFilter{Upcoming: upcoming, Limit: 50})
					if err != nil || len(p.Meetings) != 50 {
						b.Fatalf("%v %d", err, len(p.Meetings))
					}
				}
			})
		}
	}
}

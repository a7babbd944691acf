package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// seedPeople adds n people to the demo organisation, paired into n/2
// active relationships, in one transaction, as the service would store them.
func seedPeople(b *testing.B, e *mvtest.Env, n int) {
	b.Helper()
	ctx := context.Background()
	tx, err := e.DB.BeginTx(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	org := e.Users["alice"].OrgID
	// Older than the demo's relationships, so a first page holds seeded ones.
	t0 := time.Now().UTC().AddDate(-1, 0, 0)
	var prev *mentorvault.User
	for i := range n {
		u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: org, Email: fmt.Sprintf("person%d@northwind.example", i),
			Name: fmt.Sprintf("Person %d", i), PasswordHash: "$argon2id$v=19$m=65536,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: t0}
		if err := tx.CreateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
		if i%2 == 1 {
			at := t0.Add(time.Duration(i) * time.Second)
			r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: org, Kind: mentorvault.KindMentoring, MentorID: prev.ID, MenteeID: u.ID,
				ProposedByID: prev.ID, Status: mentorvault.StatusActive, CreatedAt: at, UpdatedAt: at, StartedAt: &at}
			if err := tx.CreateRelationship(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
		prev = u
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDirectory reads the first page (50) of the directory in an
// organisation of 100 and of 100,000 people: paged in SQL over an index,
// naming only the page's people, its cost should not grow with the
// organisation.
func BenchmarkDirectory(b *testing.B) {
	for _, n := range []int{100, 100000} {
		e := mvtest.New(b, sqlstoretest.OpenSQLite(b))
		seedPeople(b, e, n)
		ctx := context.Background()
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				vs, err := e.Svc.Directory(ctx, e.As("carol"), service.DirectoryFilter{Limit: 50})
				if err != nil || len(vs) != 50 {
					b.Fatalf("%d relationships, %v", len(vs), err)
				}
			}
		})
	}
}

package service_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// BenchmarkProgrammeDashboard is a coordinator's full dashboard of the
// demo programme with n more active pairs in it, both people enrolled. The
// seeded pairs have no data key and no meetings (the store holds no sealed
// field for them): their agreements are not opened, so the figure is the
// store's reads, the counting and the releases over 2n more people; the
// demo's pair is opened as every pair would be.
func BenchmarkProgrammeDashboard(b *testing.B) {
	for _, n := range []int{100, 1000} {
		e := mvtest.New(b, sqlstoretest.OpenSQLite(b))
		seedProgramme(b, e, n)
		ctx := context.Background()
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Svc.ProgrammeDashboardReport(ctx, e.As("carol"), e.Rel.ProgrammeID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func seedProgramme(b *testing.B, e *mvtest.Env, n int) {
	b.Helper()
	ctx := context.Background()
	tx, err := e.DB.BeginTx(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	org, prog := e.Users["alice"].OrgID, e.Rel.ProgrammeID
	now := time.Now().UTC()
	t0 := now.AddDate(0, -2, 0)
	for i := range n {
		mentor := &mentorvault.User{ID: mentorvault.NewID(), OrgID: org, Email: fmt.Sprintf("mentor%d@northwind.example", i), Name: fmt.Sprint("Mentor ", i), CreatedAt: t0}
		mentee := &mentorvault.User{ID: mentorvault.NewID(), OrgID: org, Email: fmt.Sprintf("mentee%d@northwind.example", i), Name: fmt.Sprint("Mentee ", i), CreatedAt: t0}
		for _, u := range []*mentorvault.User{mentor, mentee} {
			if err := tx.CreateUser(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
		for _, en := range []*mentorvault.Enrolment{
			{ID: mentorvault.NewID(), ProgrammeID: prog, UserID: mentor.ID, Role: mentorvault.EnrolMentor, Capacity: 1, ExcludeReportingLine: true, EnrolledAt: t0, UpdatedAt: t0},
			{ID: mentorvault.NewID(), ProgrammeID: prog, UserID: mentee.ID, Role: mentorvault.EnrolMentee, ExcludeReportingLine: true, EnrolledAt: t0, UpdatedAt: t0},
		} {
			if err := tx.CreateEnrolment(ctx, en); err != nil {
				b.Fatal(err)
			}
		}
		at := t0.Add(time.Duration(i) * time.Minute)
		started := at.Add(72 * time.Hour)
		r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: org, ProgrammeID: prog, Kind: mentorvault.KindMentoring, MentorID: mentor.ID, MenteeID: mentee.ID,
			ProposedByID: mentee.ID, Status: mentorvault.StatusActive, CreatedAt: at, UpdatedAt: at, StartedAt: &started}
		if err := tx.CreateRelationship(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

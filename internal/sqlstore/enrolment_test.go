package sqlstore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestEnrolmentStore round-trips a programme's topics and an enrolment's
// profile, refuses a second enrolment of one person in one programme, and
// pages a programme's enrolments (still enrolled first), on every backend.
func TestEnrolmentStore(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			tx := begin(t, db)
			org := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Acme", CreatedAt: us(t0)}
			ok(t, tx.CreateOrg(ctx, org))
			var users []string
			for _, e := range []string{"a@acme.example", "b@acme.example", "c@acme.example"} {
				u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: org.ID, Email: e, Name: e, CreatedAt: us(t0)}
				ok(t, tx.CreateUser(ctx, u))
				users = append(users, u.ID)
			}
			p := &mentorvault.Programme{ID: mentorvault.NewID(), OrgID: org.ID, Name: "P", Kind: mentorvault.ProgrammeMentoring,
				DefaultCapacity: 1, Topics: []string{"Leadership", "Café culture"}, CreatedAt: us(t0)}
			ok(t, tx.CreateProgramme(ctx, p))
			got, err := tx.FindProgrammeByID(ctx, p.ID)
			ok(t, err)
			if !reflect.DeepEqual(got.Topics, p.Topics) {
				t.Fatalf("topics: %v", got.Topics)
			}

			e := &mentorvault.Enrolment{ID: mentorvault.NewID(), ProgrammeID: p.ID, UserID: users[0], Role: mentorvault.EnrolMentor,
				Topics: []string{"Leadership"}, TopicsOther: "hiring", Goals: "grow\nleaders", Languages: []string{"English"},
				TimeZone: "Europe/London", Availability: "mornings", Capacity: 2, ExcludeReportingLine: true, Exclusions: []string{users[1]},
				EnrolledAt: us(t0), UpdatedAt: us(t0)}
			ok(t, tx.CreateEnrolment(ctx, e))
			back, err := tx.FindEnrolment(ctx, p.ID, users[0])
			ok(t, err)
			if !reflect.DeepEqual(back, e) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", back, e)
			}
			twice := *e
			twice.ID = mentorvault.NewID()
			wantCode(t, tx.CreateEnrolment(ctx, &twice), mentorvault.ECONFLICT)
			ok(t, tx.Commit())

			tx = begin(t, db)
			at := us(t0.Add(time.Hour))
			withdrawn := &mentorvault.Enrolment{ID: e.ID, ProgrammeID: p.ID, UserID: users[0], Role: mentorvault.EnrolMentor,
				EnrolledAt: e.EnrolledAt, UpdatedAt: at, WithdrawnAt: &at}
			ok(t, tx.UpdateEnrolment(ctx, withdrawn))
			later := &mentorvault.Enrolment{ID: mentorvault.NewID(), ProgrammeID: p.ID, UserID: users[2], Role: mentorvault.EnrolMentee,
				TimeZone: "UTC", EnrolledAt: at, UpdatedAt: at}
			ok(t, tx.CreateEnrolment(ctx, later))
			_, err = tx.FindEnrolment(ctx, p.ID, users[1])
			wantCode(t, err, mentorvault.ENOTFOUND)
			wantCode(t, tx.UpdateEnrolment(ctx, &mentorvault.Enrolment{ID: mentorvault.NewID(), Role: mentorvault.EnrolMentee, EnrolledAt: at, UpdatedAt: at}), mentorvault.ENOTFOUND)
			all, err := tx.FindEnrolments(ctx, mentorvault.EnrolmentFilter{ProgrammeID: p.ID})
			ok(t, err)
			if len(all) != 2 || all[0].ID != later.ID || all[1].State() != mentorvault.EnrolmentWithdrawn || all[1].Goals != "" || all[1].Topics != nil {
				t.Fatalf("list: %+v", all)
			}
			page, err := tx.FindEnrolments(ctx, mentorvault.EnrolmentFilter{ProgrammeID: p.ID, Limit: 1, Offset: 1})
			ok(t, err)
			if len(page) != 1 || page[0].ID != e.ID {
				t.Fatalf("second page: %+v", page)
			}
			ok(t, tx.Commit())
		})
	}
}

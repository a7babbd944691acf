package sqlstore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestProgrammeFields stores a programme's kind, description, enrolment,
// capacity and archiving, and replaces its staff, on every backend.
func TestProgrammeFields(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			db.SetClock(func() time.Time { return t0 })
			tx := begin(t, db)
			org := &mentorvault.Org{ID: mentorvault.NewID(), Name: "Acme", CreatedAt: us(t0)}
			ok(t, tx.CreateOrg(ctx, org))
			var users []string
			for _, e := range []string{"a@acme.example", "b@acme.example", "c@acme.example"} {
				u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: org.ID, Email: e, Name: e, CreatedAt: us(t0)}
				ok(t, tx.CreateUser(ctx, u))
				users = append(users, u.ID)
			}
			// A programme made the operator's way takes the defaults.
			old := &mentorvault.Programme{ID: mentorvault.NewID(), OrgID: org.ID, Name: "Old", CreatedAt: us(t0)}
			ok(t, tx.CreateProgramme(ctx, old))
			got, err := tx.FindProgrammeByID(ctx, old.ID)
			ok(t, err)
			if got.Kind != mentorvault.ProgrammeMentoring || got.DefaultCapacity != 1 || got.EnrolmentOpen || got.ArchivedAt != nil {
				t.Fatalf("defaults: %+v", got)
			}

			p := &mentorvault.Programme{ID: mentorvault.NewID(), OrgID: org.ID, Name: "Peers", Description: "Two by two.\nWeekly.",
				Kind: mentorvault.ProgrammePeer, EnrolmentOpen: true, DefaultCapacity: 3, CreatedAt: us(t0)}
			ok(t, tx.CreateProgramme(ctx, p))
			got, err = tx.LockProgrammeByID(ctx, p.ID)
			ok(t, err)
			if !reflect.DeepEqual(got, p) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, p)
			}
			at := us(t0.Add(time.Hour))
			p.Name, p.Description, p.Kind, p.EnrolmentOpen, p.DefaultCapacity, p.ArchivedAt = "Peers 2", "", mentorvault.ProgrammeMentoring, false, 5, &at
			ok(t, tx.UpdateProgramme(ctx, p))
			got, err = tx.FindProgrammeByID(ctx, p.ID)
			ok(t, err)
			if !reflect.DeepEqual(got, p) {
				t.Fatalf("after update:\n got %+v\nwant %+v", got, p)
			}
			if err := tx.UpdateProgramme(ctx, &mentorvault.Programme{ID: mentorvault.NewID(), Name: "x", Kind: mentorvault.ProgrammePeer, DefaultCapacity: 1}); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
				t.Fatalf("update of nothing: %v", err)
			}
			if _, err := tx.LockProgrammeByID(ctx, mentorvault.NewID()); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
				t.Fatalf("lock of nothing: %v", err)
			}

			roles := func(id string) []mentorvault.ProgrammeRole {
				rs, err := tx.FindProgrammeRoles(ctx, mentorvault.ProgrammeRoleFilter{ProgrammeID: id})
				ok(t, err)
				return rs
			}
			ok(t, tx.AddProgrammeRole(ctx, mentorvault.ProgrammeRole{ProgrammeID: old.ID, UserID: users[0], Role: mentorvault.RoleCoordinator}))
			ok(t, tx.SetProgrammeStaff(ctx, p.ID, []mentorvault.ProgrammeRole{
				{ProgrammeID: p.ID, UserID: users[0], Role: mentorvault.RoleCoordinator},
				{ProgrammeID: p.ID, UserID: users[1], Role: mentorvault.RoleSupervisor},
			}))
			if n := len(roles(p.ID)); n != 2 {
				t.Fatalf("staff: %d roles", n)
			}
			ok(t, tx.SetProgrammeStaff(ctx, p.ID, []mentorvault.ProgrammeRole{{ProgrammeID: p.ID, UserID: users[2], Role: mentorvault.RoleCoordinator}}))
			if rs := roles(p.ID); len(rs) != 1 || rs[0].UserID != users[2] {
				t.Fatalf("replaced staff: %+v", rs)
			}
			if rs := roles(old.ID); len(rs) != 1 || rs[0].UserID != users[0] {
				t.Fatalf("another programme's staff changed: %+v", rs)
			}
			ok(t, tx.SetProgrammeStaff(ctx, p.ID, nil))
			if rs := roles(p.ID); len(rs) != 0 {
				t.Fatalf("emptied staff: %+v", rs)
			}
			ok(t, tx.Commit())
		})
	}
}

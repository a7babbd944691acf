package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
)

func boolp(b bool) *bool { return &b }
func intp(n int) *int    { return &n }

// deactivatedAdmin adds olga, an org admin of Northwind, and deactivates her.
func deactivatedAdmin(t *testing.T, e *mvtest.Env) mentorvault.Principal {
	t.Helper()
	olga, _, err := e.Svc.AddPerson(ctx, e.As("grace"), service.NewPerson{Name: "Olga Olsen", Email: "olga@northwind.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.SetOrgAdmin(ctx, e.As("grace"), olga.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.DeactivatePerson(ctx, e.As("grace"), olga.ID); err != nil {
		t.Fatal(err)
	}
	return mentorvault.Principal{UserID: olga.ID, OrgID: e.Users["grace"].OrgID, Via: "test"}
}

// TestProgrammeAccess decides every programme operation for every role at
// the service: the org admin (grace), P's coordinator (carol), the
// coordinator of another programme Q (heidi), P's supervisor (erin), a
// member (alice), another organisation's admin (mallory), a deactivated
// admin (olga) and anonymous. Each refusal is one denied audit event of its
// actor; each allowed change its own event.
func TestProgrammeAccess(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace := e.As("grace")
		mallory := otherOrgAdmin(t, e)
		olga := deactivatedAdmin(t, e)
		progP := e.Rel.ProgrammeID
		q, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "Peer Circles", Kind: mentorvault.ProgrammePeer})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.SetProgrammeStaff(ctx, grace, q.ID, service.ProgrammeStaff{Coordinators: []string{"heidi@northwind.example"}}); err != nil {
			t.Fatal(err)
		}
		n := 0
		ops := []struct {
			name   string
			events []string // audit actions of an allowed call
			do     func(p mentorvault.Principal) error
		}{
			{"list", nil, func(p mentorvault.Principal) error { _, err := e.Svc.Programmes(ctx, p); return err }},
			{"create", []string{"programme.create"}, func(p mentorvault.Principal) error {
				n++
				_, err := e.Svc.CreateProgramme(ctx, p, service.NewProgramme{Name: "New " + string(rune('a'+n))})
				return err
			}},
			{"view P", nil, func(p mentorvault.Principal) error { _, err := e.Svc.Programme(ctx, p, progP); return err }},
			{"rename P", []string{"programme.update"}, func(p mentorvault.Principal) error {
				n++
				_, err := e.Svc.UpdateProgramme(ctx, p, progP, service.ProgrammeUpdate{Name: str("Leadership Mentoring " + string(rune('a'+n)))})
				return err
			}},
			{"open P's enrolment", []string{"programme.enrolment"}, func(p mentorvault.Principal) error {
				_, err := e.Svc.UpdateProgramme(ctx, p, progP, service.ProgrammeUpdate{EnrolmentOpen: boolp(true)})
				return err
			}},
			{"P's staff", []string{"programme.staff"}, func(p mentorvault.Principal) error {
				_, err := e.Svc.SetProgrammeStaff(ctx, p, progP, service.ProgrammeStaff{
					Coordinators: []string{e.Users["carol"].ID}, Supervisors: []string{"erin@northwind.example"}})
				return err
			}},
			{"archive P", []string{"programme.update", "programme.enrolment"}, func(p mentorvault.Principal) error {
				_, err := e.Svc.UpdateProgramme(ctx, p, progP, service.ProgrammeUpdate{Archived: boolp(true)})
				if err == nil {
					_, err = e.Svc.UpdateProgramme(ctx, p, progP, service.ProgrammeUpdate{Archived: boolp(false)})
				}
				return err
			}},
			{"P's enrolment and name at once", []string{"programme.update", "programme.enrolment"}, func(p mentorvault.Principal) error {
				n++
				_, err := e.Svc.UpdateProgramme(ctx, p, progP, service.ProgrammeUpdate{EnrolmentOpen: boolp(true), Name: str("LM " + string(rune('a'+n)))})
				return err
			}},
		}
		// A allowed, F forbidden, N not found, U unauthenticated.
		expect := map[string]string{
			"grace":   "AAAAAAAA",
			"carol":   "AFAFAFFF",
			"heidi":   "AFAFFFFF",
			"erin":    "AFAFFFFF",
			"alice":   "AFAFFFFF",
			"mallory": "AANNNNNN",
			"olga":    "UUUUUUUU",
			"":        "UUUUUUUU",
		}
		principal := map[string]mentorvault.Principal{"mallory": mallory, "olga": olga}
		for _, role := range []string{"grace", "carol", "heidi", "erin", "alice", "mallory", "olga", ""} {
			p, ok := principal[role]
			if !ok {
				p = e.As(role)
			}
			for i, op := range ops {
				t.Run(role+"/"+op.name, func(t *testing.T) {
					before := e.Head(t)
					err := op.do(p)
					want := expect[role][i]
					if got := code(err); got != want {
						t.Fatalf("got %c (%v), want %c", got, err, want)
					}
					evs := e.Events(t, before)
					if want != 'A' {
						if len(evs) != 1 || evs[0].Outcome != mentorvault.OutcomeDenied || evs[0].ActorID != p.UserID {
							t.Fatalf("a refusal must append one denied event of its actor, got %+v", evs)
						}
						return
					}
					var got []string
					for _, ev := range evs {
						if ev.Outcome != mentorvault.OutcomeOK || ev.ActorID != p.UserID {
							t.Fatalf("unexpected event %+v", ev)
						}
						got = append(got, ev.Action)
					}
					want2 := op.events
					if op.name == "archive P" {
						// archive (update, and enrolment when it was open), then unarchive (update)
						want2 = nil
						for _, a := range got {
							if a != "programme.update" && a != "programme.enrolment" {
								t.Fatalf("archive wrote %v", got)
							}
						}
						if len(got) < 2 {
							t.Fatalf("archive and back wrote %v", got)
						}
						return
					}
					if strings.Join(got, ",") != strings.Join(want2, ",") {
						t.Fatalf("events %v, want %v", got, want2)
					}
				})
			}
		}
	})
}

// TestProgrammeManage: what a programme holds, what is refused as invalid,
// and what the programmes page lists for each role.
func TestProgrammeManage(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace := e.As("grace")
		mallory := otherOrgAdmin(t, e)
		olga := deactivatedAdmin(t, e)

		v, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "  Peer Circles ", Description: "Two by two.\r\nMonthly.",
			Kind: mentorvault.ProgrammePeer, EnrolmentOpen: true, DefaultCapacity: 3})
		if err != nil {
			t.Fatal(err)
		}
		if v.Name != "Peer Circles" || v.Description != "Two by two.\nMonthly." || v.Kind != mentorvault.ProgrammePeer ||
			!v.EnrolmentOpen || v.DefaultCapacity != 3 || v.Archived() || len(v.Coordinators) != 0 {
			t.Fatalf("created: %+v", v.Programme)
		}
		if !v.Allowed.Has(policy.UpdateProgramme) || !v.Allowed.Has(policy.ProgrammeStaff) {
			t.Fatalf("the admin's view allows %v", v.Allowed)
		}
		d, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "Defaults"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Kind != mentorvault.ProgrammeMentoring || d.DefaultCapacity != 1 || d.EnrolmentOpen {
			t.Fatalf("defaults: %+v", d.Programme)
		}

		kind := mentorvault.ProgrammeKind("group")
		for _, c := range []struct {
			name  string
			do    func() error
			field string
		}{
			{"no name", func() error { _, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: " "}); return err }, "name"},
			{"two-line name", func() error {
				_, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "a\nb"})
				return err
			}, "name"},
			{"unknown kind", func() error {
				_, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "x", Kind: kind})
				return err
			}, "kind"},
			{"capacity 21", func() error {
				_, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "x", DefaultCapacity: 21})
				return err
			}, "default_capacity"},
			{"capacity 0 on edit", func() error {
				_, err := e.Svc.UpdateProgramme(ctx, grace, v.ID, service.ProgrammeUpdate{DefaultCapacity: intp(0)})
				return err
			}, "default_capacity"},
			{"description with a control character", func() error {
				_, err := e.Svc.UpdateProgramme(ctx, grace, v.ID, service.ProgrammeUpdate{Description: str("a\x00b")})
				return err
			}, "description"},
			{"archived and open", func() error {
				_, err := e.Svc.UpdateProgramme(ctx, grace, v.ID, service.ProgrammeUpdate{Archived: boolp(true), EnrolmentOpen: boolp(true)})
				return err
			}, "enrolment_open"},
			{"nothing to change", func() error { _, err := e.Svc.UpdateProgramme(ctx, grace, v.ID, service.ProgrammeUpdate{}); return err }, ""},
			{"unknown staff email", func() error {
				_, err := e.Svc.SetProgrammeStaff(ctx, grace, v.ID, service.ProgrammeStaff{Coordinators: []string{"carol@northwind.example", "nobody@northwind.example"}})
				return err
			}, "coordinators[1]"},
			{"staff of another organisation", func() error {
				_, err := e.Svc.SetProgrammeStaff(ctx, grace, v.ID, service.ProgrammeStaff{Supervisors: []string{mallory.UserID}})
				return err
			}, "supervisors[0]"},
			{"deactivated staff", func() error {
				_, err := e.Svc.SetProgrammeStaff(ctx, grace, v.ID, service.ProgrammeStaff{Supervisors: []string{olga.UserID}})
				return err
			}, "supervisors[0]"},
			{"staff neither ID nor email", func() error {
				_, err := e.Svc.SetProgrammeStaff(ctx, grace, v.ID, service.ProgrammeStaff{Coordinators: []string{"carol"}})
				return err
			}, "coordinators[0]"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := e.Head(t)
				err := c.do()
				if mentorvault.ErrorCode(err) != mentorvault.EINVALID {
					t.Fatalf("got %v, want invalid", err)
				}
				if fields := mentorvault.ErrorFields(err); c.field != "" {
					if _, ok := fields[c.field]; !ok {
						t.Fatalf("fields %v, want %q", fields, c.field)
					}
				}
				if evs := e.Events(t, before); len(evs) != 0 {
					t.Fatalf("an invalid change wrote %+v", evs)
				}
			})
		}
		// Nothing invalid was stored.
		if got, err := e.Svc.Programme(ctx, grace, v.ID); err != nil || got.DefaultCapacity != 3 || got.Archived() || len(got.Coordinators) != 0 {
			t.Fatalf("after refusals: %+v, %v", got, err)
		}

		// Archiving closes enrolment; bringing it back keeps it closed.
		a, err := e.Svc.UpdateProgramme(ctx, grace, v.ID, service.ProgrammeUpdate{Archived: boolp(true)})
		if err != nil || !a.Archived() || a.EnrolmentOpen {
			t.Fatalf("archived: %+v, %v", a, err)
		}
		a, err = e.Svc.UpdateProgramme(ctx, grace, v.ID, service.ProgrammeUpdate{Archived: boolp(false), Kind: &[]mentorvault.ProgrammeKind{mentorvault.ProgrammeMentoring}[0]})
		if err != nil || a.Archived() || a.EnrolmentOpen || a.Kind != mentorvault.ProgrammeMentoring {
			t.Fatalf("unarchived: %+v, %v", a, err)
		}

		// Staff: one call replaces both roles; a person named twice holds the role once.
		st, err := e.Svc.SetProgrammeStaff(ctx, grace, v.ID, service.ProgrammeStaff{
			Coordinators: []string{"Heidi@Northwind.example", e.Users["heidi"].ID, e.Users["carol"].ID},
			Supervisors:  []string{"erin@northwind.example"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Coordinators) != 2 || len(st.Supervisors) != 1 || st.Supervisors[0].ID != e.Users["erin"].ID {
			t.Fatalf("staff: %+v %+v", st.Coordinators, st.Supervisors)
		}
		// heidi now coordinates it: she opens its enrolment, and may not rename it.
		if o, err := e.Svc.UpdateProgramme(ctx, e.As("heidi"), v.ID, service.ProgrammeUpdate{EnrolmentOpen: boolp(true)}); err != nil || !o.EnrolmentOpen {
			t.Fatalf("coordinator opens enrolment: %+v, %v", o, err)
		}
		if _, err := e.Svc.UpdateProgramme(ctx, e.As("heidi"), v.ID, service.ProgrammeUpdate{Name: str("Mine")}); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("coordinator renames: %v", err)
		}
		st, err = e.Svc.SetProgrammeStaff(ctx, grace, v.ID, service.ProgrammeStaff{Coordinators: []string{"carol@northwind.example"}})
		if err != nil || len(st.Coordinators) != 1 || len(st.Supervisors) != 0 {
			t.Fatalf("replaced staff: %+v, %v", st, err)
		}
		if _, err := e.Svc.UpdateProgramme(ctx, e.As("heidi"), v.ID, service.ProgrammeUpdate{EnrolmentOpen: boolp(false)}); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("a former coordinator closes enrolment: %v", err)
		}

		// The list: the org admin sees all of the organisation's; a
		// coordinator or supervisor theirs; a member none; another org's
		// admin only their own organisation's.
		listed := func(p mentorvault.Principal) string {
			t.Helper()
			l, err := e.Svc.Programmes(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range l.Programmes {
				out = append(out, it.Name+"("+strings.Join(it.Roles, "+")+")")
			}
			return strings.Join(out, ",")
		}
		// The org admin lists this test's two programmes and the demo's, by name.
		all := []string{"Defaults", "Peer Circles"}
		for _, p := range demo.Programmes {
			all = append(all, p.Name)
		}
		slices.Sort(all)
		for _, c := range []struct{ who, want string }{
			{"grace", strings.Join(all, "(),") + "()"},
			{"carol", "Leadership Mentoring(coordinator),Peer Circles(coordinator)"},
			{"erin", "Leadership Mentoring(supervisor)"},
			{"heidi", ""},
			{"alice", ""},
		} {
			if got := listed(e.As(c.who)); got != c.want {
				t.Errorf("%s lists %q, want %q", c.who, got, c.want)
			}
		}
		if got := listed(mallory); got != "" {
			t.Errorf("mallory lists %q", got)
		}
		if l, _ := e.Svc.Programmes(ctx, grace); !l.Allowed.Has(policy.ManageProgrammes) {
			t.Errorf("the admin's list does not offer to create")
		}
		if l, _ := e.Svc.Programmes(ctx, e.As("carol")); l.Allowed.Has(policy.ManageProgrammes) {
			t.Errorf("a coordinator's list offers to create")
		}
	})
}

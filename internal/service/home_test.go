package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// TestHomeSections reads the home page of each demo role and checks that
// each sees the sections of the roles they have, and only those: the
// mentor her relationship and its next meetings, the coordinator her
// programme's dashboard, HR their requests, the supervisor her
// consultations, the org admin her people and programmes in counts; and
// that each section's read is on the audit log.
func TestHomeSections(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		type want struct {
			rels, dashboards, requests, consultations int  // -1: the section is absent
			admin                                     bool // the admin section is present
			events                                    []string
		}
		for _, tc := range []struct {
			who string
			want
		}{
			{"alice", want{rels: 1, dashboards: -1, requests: -1, consultations: -1, events: []string{"meeting.list:ok"}}},
			{"carol", want{rels: 0, dashboards: 1, requests: -1, consultations: -1, events: []string{"programme.dashboard:ok"}}},
			{"frank", want{rels: 0, dashboards: -1, requests: 2, consultations: -1, events: []string{"input.read:ok", "input.read:ok"}}},
			{"erin", want{rels: 0, dashboards: -1, requests: -1, consultations: 1, events: []string{"consultation.list:ok"}}},
			{"grace", want{rels: 0, dashboards: -1, requests: -1, consultations: -1, admin: true, events: []string{"people.count:ok"}}},
			{"heidi", want{rels: 0, dashboards: -1, requests: -1, consultations: -1}},
		} {
			t.Run(tc.who, func(t *testing.T) {
				head := e.Head(t)
				h, err := e.Svc.Home(ctx, e.As(tc.who))
				if err != nil {
					t.Fatal(err)
				}
				if got := len(h.Party.Relationships); got != tc.rels {
					t.Errorf("relationships: %d, want %d", got, tc.rels)
				}
				if got := lenOr(h.Dashboards != nil, len(h.Dashboards)); got != tc.dashboards {
					t.Errorf("dashboards: %d, want %d", got, tc.dashboards)
				}
				if got := lenOr(h.Requests != nil, func() int { return len(h.Requests.Requests) }); got != tc.requests {
					t.Errorf("requests: %d, want %d", got, tc.requests)
				}
				if got := lenOr(h.Consultations != nil, func() int { return len(h.Consultations.Consultations) }); got != tc.consultations {
					t.Errorf("consultations: %d, want %d", got, tc.consultations)
				}
				if (h.Admin != nil) != tc.admin {
					t.Errorf("admin section: %v, want %v", h.Admin != nil, tc.admin)
				}
				var got []string
				for _, ev := range e.Events(t, head) {
					got = append(got, ev.Action+":"+ev.Outcome)
				}
				if !equal(got, tc.events) {
					t.Errorf("audit events %v, want %v", got, tc.events)
				}
			})
		}

		alice, err := e.Svc.Home(ctx, e.As("alice"))
		if err != nil {
			t.Fatal(err)
		}
		if len(alice.Party.Upcoming) == 0 {
			t.Error("alice has upcoming meetings in the demo, none shown")
		}
		for _, m := range alice.Party.Upcoming {
			if m.With.Name != "Bob Baker" || !m.StartsAt.After(time.Now()) {
				t.Errorf("upcoming meeting %+v", m)
			}
		}
		judy, err := e.Svc.Home(ctx, e.As("judy"))
		if err != nil {
			t.Fatal(err)
		}
		if len(judy.Party.Unsigned) != 0 {
			t.Error("a proposal waits for no signature")
		}

		grace, err := e.Svc.Home(ctx, e.As("grace"))
		if err != nil {
			t.Fatal(err)
		}
		var active, invited, deactivated int
		for _, p := range demo.People {
			switch {
			case p.Deactivated:
				deactivated++
			case p.Invited:
				invited++
			default:
				active++
			}
		}
		if want := (mentorvault.PeopleCounts{Active: active, Invited: invited, Deactivated: deactivated}); grace.Admin.People != want {
			t.Errorf("people counts %+v, want %+v", grace.Admin.People, want)
		}
		if grace.Admin.Programmes != len(demo.Programmes) || grace.Admin.Archived != 0 {
			t.Errorf("programme counts %+v", grace.Admin)
		}

		carol, err := e.Svc.Home(ctx, e.As("carol"))
		if err != nil {
			t.Fatal(err)
		}
		d := carol.Dashboards[0]
		if d.Programme.ID != e.Rel.ProgrammeID || d.Active != 1 || d.ProposalsPending != 1 || d.AwaitingSignature != 0 || d.K != 5 {
			t.Errorf("carol's dashboard %+v", d)
		}
		if !d.ReviewsOverdue.Withheld || !d.ReviewsOverdue.FewerThanK || d.ReviewsOverdue.N != 0 {
			t.Errorf("no review is overdue among 2 people, k 5: %+v, want withheld as fewer than k", d.ReviewsOverdue)
		}
		if w := d.WaitingToBeMatched; !w.Withheld || !w.FewerThanK || w.N != 0 {
			t.Errorf("one person (heidi) waiting to be matched, k 5: %+v, want fewer than k", w)
		}
		// heidi and frank accept a pair: their agreement waits for signatures.
		pair := newPair(t, e)
		heidi, err := e.Svc.Home(ctx, e.As("heidi"))
		if err != nil {
			t.Fatal(err)
		}
		if len(heidi.Party.Unsigned) != 1 || heidi.Party.Unsigned[0].ID != pair.ID {
			t.Errorf("heidi's unsigned agreements: %v, want the new pair's", heidi.Party.Unsigned)
		}
		if carol, err = e.Svc.Home(ctx, e.As("carol")); err != nil || carol.Dashboards[0].AwaitingSignature != 1 {
			t.Errorf("carol's dashboard after the pair accepted: %v %+v", err, carol.Dashboards[0])
		}
	})
}

// lenOr is the length of a section that is present, -1 for one absent;
// n is an int or a func returning one (read only when present).
func lenOr(present bool, n any) int {
	if !present {
		return -1
	}
	if f, ok := n.(func() int); ok {
		return f()
	}
	return n.(int)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDashboardK holds the coordinator's overdue-review figure to the k
// rule: shown only when at least k people are overdue and at least k are
// not; withheld as "fewer than k" below it, and withheld with its
// complement when fewer than k are not overdue.
func TestDashboardK(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		carol := e.As("carol")
		prog := e.Rel.ProgrammeID
		e.SetK(t, prog, 2)
		second := activePair(t, e) // heidi and frank: four people in active pairs
		due := func(who, relID string) {
			t.Helper()
			tx, err := e.DB.BeginTx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			// What the reminders job writes when a review falls due.
			if err := tx.CreateNotification(ctx, &mentorvault.Notification{ID: mentorvault.NewID(), UserID: e.Users[who].ID,
				Kind: mentorvault.NotifyReviewDue, RelationshipID: relID, Text: "It is time to review.", Link: "/",
				DedupeKey: "review.due:test:" + who, CreatedAt: time.Now().UTC()}); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		overdue := func() service.Figure {
			t.Helper()
			d, err := e.Svc.ProgrammeOverview(ctx, carol, prog)
			if err != nil {
				t.Fatal(err)
			}
			if d.Active != 2 || d.K != 2 {
				t.Fatalf("overview %+v", d)
			}
			h, err := e.Svc.Home(ctx, carol)
			if err != nil {
				t.Fatal(err)
			}
			if h.Dashboards[0].ReviewsOverdue != d.ReviewsOverdue {
				t.Errorf("home %+v and overview %+v differ", h.Dashboards[0].ReviewsOverdue, d.ReviewsOverdue)
			}
			return d.ReviewsOverdue
		}
		due("alice", e.Rel.ID)
		if f := overdue(); !f.Withheld || !f.FewerThanK || f.N != 0 {
			t.Errorf("1 of 4 overdue, k 2: %+v, want fewer than k", f)
		}
		due("heidi", second.ID)
		if f := overdue(); f.Withheld || f.N != 2 {
			t.Errorf("2 of 4 overdue, k 2: %+v, want 2 shown", f)
		}
		due("bob", e.Rel.ID)
		if f := overdue(); !f.Withheld || f.FewerThanK || f.N != 0 {
			t.Errorf("3 of 4 overdue, k 2: %+v, want withheld with its complement", f)
		}
		if _, err := e.Svc.RecordReview(ctx, e.As("bob"), e.Rel.ID, mentorvault.ReviewHolds, "", false); err != nil {
			t.Fatal(err)
		}
		if f := overdue(); f.Withheld || f.N != 2 {
			t.Errorf("bob reviewed since, 2 of 4 overdue: %+v, want 2 shown", f)
		}
	})
}

// TestProgrammeOverviewAccess decides the overview for each role: only the
// programme's coordinator reads it; the org admin, another programme's
// coordinator, the supervisor and a member are refused (forbidden: they
// may know the programme), an unknown programme is not found, anonymous
// is asked to sign in, a deactivated admin is refused too.
func TestProgrammeOverviewAccess(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace := e.As("grace")
		q, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "Overview Q", Kind: mentorvault.ProgrammePeer})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.SetProgrammeStaff(ctx, grace, q.ID, service.ProgrammeStaff{Coordinators: []string{"heidi@northwind.example"}}); err != nil {
			t.Fatal(err)
		}
		olga := deactivatedAdmin(t, e)
		prog := e.Rel.ProgrammeID
		for _, tc := range []struct {
			name string
			p    mentorvault.Principal
			id   string
			want string
		}{
			{"coordinator", e.As("carol"), prog, ""},
			{"coordinator of another programme", e.As("heidi"), prog, mentorvault.EFORBIDDEN},
			{"coordinator of that other programme", e.As("heidi"), q.ID, ""},
			{"org admin", grace, prog, mentorvault.EFORBIDDEN},
			{"supervisor", e.As("erin"), prog, mentorvault.EFORBIDDEN},
			{"member", e.As("alice"), prog, mentorvault.EFORBIDDEN},
			{"unknown programme", e.As("carol"), mentorvault.NewID(), mentorvault.ENOTFOUND},
			{"deactivated", olga, prog, mentorvault.EUNAUTHENTICATED},
			{"anonymous", mentorvault.Principal{}, prog, mentorvault.EUNAUTHENTICATED},
		} {
			_, err := e.Svc.ProgrammeOverview(ctx, tc.p, tc.id)
			if got := mentorvault.ErrorCode(err); (err == nil) != (tc.want == "") || (err != nil && got != tc.want) {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
			}
		}
	})
}

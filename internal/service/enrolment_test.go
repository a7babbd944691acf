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

func menteeInput() service.EnrolmentInput {
	return service.EnrolmentInput{Role: mentorvault.EnrolMentee, Topics: []string{"Delegation"}, TopicsOther: "negotiation",
		Goals: "Run my first team retro.", Languages: []string{"English", "Welsh"}, TimeZone: "Europe/Dublin",
		Availability: "Friday afternoons", Exclusions: []string{"dave@northwind.example"}}
}

// TestEnrolmentAccess decides every enrolment call for every role at the
// service: a member enrols, reads, changes and withdraws their own; P's
// coordinator lists P's enrolments with their profiles; the org admin, a
// coordinator of another programme, P's supervisor, another
// organisation's admin, a deactivated admin and anonymous are refused, each
// refusal a denied audit event of its actor.
func TestEnrolmentAccess(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		grace := e.As("grace")
		mallory := otherOrgAdmin(t, e)
		olga := deactivatedAdmin(t, e)
		progP := e.Rel.ProgrammeID
		q, err := e.Svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "Peer Circles", Kind: mentorvault.ProgrammePeer, EnrolmentOpen: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.SetProgrammeStaff(ctx, grace, q.ID, service.ProgrammeStaff{Coordinators: []string{"judy@northwind.example"}}); err != nil {
			t.Fatal(err)
		}
		judy := e.As("judy")

		// The demo enrolled heidi in P as a mentee, waiting to be matched.
		mine, err := e.Svc.MyEnrolment(ctx, e.As("heidi"), progP)
		if err != nil || mine.Role != mentorvault.EnrolMentee || mine.State() != mentorvault.EnrolmentEnrolled || !mine.ExcludeReportingLine {
			t.Fatalf("heidi's demo enrolment: %+v, %v", mine, err)
		}

		// Who may list P's enrolments: P's coordinator only.
		for _, tc := range []struct {
			name string
			p    mentorvault.Principal
			code string
		}{
			{"coordinator", e.As("carol"), ""},
			{"org admin", grace, mentorvault.EFORBIDDEN},
			{"coordinator of Q", judy, mentorvault.EFORBIDDEN},
			{"supervisor", e.As("erin"), mentorvault.EFORBIDDEN},
			{"member", e.As("alice"), mentorvault.EFORBIDDEN},
			{"other org", mallory, mentorvault.ENOTFOUND},
			{"deactivated", olga, mentorvault.EUNAUTHENTICATED},
			{"anonymous", mentorvault.Principal{}, mentorvault.EUNAUTHENTICATED},
		} {
			t.Run("list as "+tc.name, func(t *testing.T) {
				before := e.Head(t)
				l, err := e.Svc.Enrolments(ctx, tc.p, progP, service.EnrolmentPageFilter{})
				if mentorvault.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
					t.Fatalf("code %q, want %q (%v)", mentorvault.ErrorCode(err), tc.code, err)
				}
				evs := e.Events(t, before)
				if len(evs) != 1 {
					t.Fatalf("%d audit events, want 1", len(evs))
				}
				if tc.code == "" {
					if evs[0].Action != "enrolment.list" || evs[0].Outcome != mentorvault.OutcomeOK {
						t.Errorf("event %s %s", evs[0].Action, evs[0].Outcome)
					}
					if len(l.Enrolments) != 1 || l.Enrolments[0].Person.Name != "Heidi Hall" || l.Enrolments[0].Goals == "" {
						t.Errorf("the coordinator sees %+v", l.Enrolments)
					}
					if strings.Contains(evs[0].Detail, "Lead my first team") {
						t.Error("the audit detail carries the profile")
					}
				} else if evs[0].Outcome != mentorvault.OutcomeDenied {
					t.Errorf("refusal not audited as denied: %s %s", evs[0].Action, evs[0].Outcome)
				}
			})
		}

		// Only the person reads their own enrolment: MyEnrolment is the
		// caller's own, so others simply have none.
		if _, err := e.Svc.MyEnrolment(ctx, grace, progP); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Errorf("the org admin's own enrolment: %v, want not found", err)
		}

		// alice enrols as a mentor: capacity defaults to the programme's.
		alice := e.As("alice")
		before := e.Head(t)
		in := menteeInput()
		in.Role, in.Exclusions = mentorvault.EnrolMentor, nil
		v, err := e.Svc.Enrol(ctx, alice, progP, in)
		if err != nil {
			t.Fatal(err)
		}
		if v.Capacity != 1 || v.State() != mentorvault.EnrolmentEnrolled || !v.Allowed.Has(policy.UpdateEnrolment) {
			t.Errorf("alice's enrolment: %+v", v)
		}
		if evs := e.Events(t, before); len(evs) != 1 || evs[0].Action != "enrolment.create" || evs[0].Detail != "via=test; role=mentor" {
			t.Errorf("events %+v", evs)
		}

		// heidi changes her profile: an update event names the fields only.
		heidi := e.As("heidi")
		before = e.Head(t)
		v, err = e.Svc.Enrol(ctx, heidi, progP, menteeInput())
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Excluded) != 1 || v.Excluded[0].Name != "Dave Dawson" || v.TimeZone != "Europe/Dublin" {
			t.Errorf("heidi's profile: %+v", v)
		}
		evs := e.Events(t, before)
		if len(evs) != 1 || evs[0].Action != "enrolment.update" || !strings.Contains(evs[0].Detail, "changed=") || strings.Contains(evs[0].Detail, "retro") {
			t.Errorf("events %+v", evs)
		}

		// Peer programme: peers only; a mentoring role is refused in words.
		if _, err := e.Svc.Enrol(ctx, alice, q.ID, menteeInput()); mentorvault.ErrorFields(err)["role"] == "" {
			t.Errorf("mentee in a peer programme: %v", err)
		}
		peer := menteeInput()
		peer.Role, peer.Topics, peer.Exclusions = mentorvault.EnrolPeer, nil, nil
		if _, err := e.Svc.Enrol(ctx, alice, q.ID, peer); err != nil {
			t.Fatalf("peer: %v", err)
		}
		// judy coordinates Q: she sees alice there, not heidi in P.
		l, err := e.Svc.Enrolments(ctx, judy, q.ID, service.EnrolmentPageFilter{})
		if err != nil || len(l.Enrolments) != 1 || l.Enrolments[0].Person.ID != e.Users["alice"].ID {
			t.Errorf("Q's enrolments: %+v, %v", l, err)
		}

		// Other organisations and deactivated people cannot enrol.
		if _, err := e.Svc.Enrol(ctx, mallory, progP, menteeInput()); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Errorf("other org enrols: %v", err)
		}
		if _, err := e.Svc.Enrol(ctx, olga, progP, menteeInput()); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Errorf("deactivated enrols: %v", err)
		}

		// Withdrawing deletes the profile and keeps the fact.
		before = e.Head(t)
		w, err := e.Svc.WithdrawEnrolment(ctx, heidi, progP)
		if err != nil {
			t.Fatal(err)
		}
		if w.State() != mentorvault.EnrolmentWithdrawn || w.Goals != "" || w.TopicsOther != "" || w.Availability != "" ||
			len(w.Topics) != 0 || len(w.Exclusions) != 0 || w.TimeZone != "" || w.Role != mentorvault.EnrolMentee {
			t.Errorf("withdrawn: %+v", w.Enrolment)
		}
		if evs := e.Events(t, before); len(evs) != 1 || evs[0].Action != "enrolment.withdraw" {
			t.Errorf("events %+v", evs)
		}
		l, err = e.Svc.Enrolments(ctx, e.As("carol"), progP, service.EnrolmentPageFilter{})
		if err != nil || len(l.Enrolments) != 2 || l.Enrolments[1].State() != mentorvault.EnrolmentWithdrawn || l.Enrolments[1].Goals != "" {
			t.Fatalf("after withdrawing: %+v, %v", l, err)
		}
		var raw string
		query := `SELECT goals || topics_other || availability || time_zone || exclusions FROM enrolments WHERE user_id = ?`
		if e.DB.Dialect() == "postgres" {
			query = strings.Replace(query, "?", "$1", 1)
		}
		if err := e.DB.SQLDB().QueryRow(query, e.Users["heidi"].ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if raw != "[]" {
			t.Errorf("the withdrawn profile is still stored: %q", raw)
		}

		// Closing enrolment refuses new enrolments (and re-enrolling) in
		// words, audited; a change by someone enrolled still goes through.
		closed := false
		if _, err := e.Svc.UpdateProgramme(ctx, e.As("carol"), progP, service.ProgrammeUpdate{EnrolmentOpen: &closed}); err != nil {
			t.Fatal(err)
		}
		before = e.Head(t)
		_, err = e.Svc.Enrol(ctx, heidi, progP, menteeInput())
		if mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(mentorvault.ErrorMessage(err), "closed") {
			t.Errorf("enrol in a closed programme: %v", err)
		}
		if evs := e.Events(t, before); len(evs) != 1 || evs[0].Outcome != mentorvault.OutcomeDenied || evs[0].Action != "programme.enrol" {
			t.Errorf("events %+v", evs)
		}
		if _, err := e.Svc.Enrol(ctx, alice, progP, in); err != nil {
			t.Errorf("alice changes her enrolment while closed: %v", err)
		}
		archived := true
		if _, err := e.Svc.UpdateProgramme(ctx, grace, progP, service.ProgrammeUpdate{Archived: &archived}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.Enrol(ctx, alice, progP, in); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT || !strings.Contains(mentorvault.ErrorMessage(err), "archived") {
			t.Errorf("change in an archived programme: %v", err)
		}
		if _, err := e.Svc.WithdrawEnrolment(ctx, alice, progP); err != nil {
			t.Errorf("withdraw from an archived programme: %v", err)
		}
	})
}

// TestEnrolmentValidation refuses, in words on the field, what a profile
// must not be; nothing is written.
func TestEnrolmentValidation(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		progP := e.Rel.ProgrammeID
		heidi := e.As("heidi")
		for _, tc := range []struct {
			name, field string
			change      func(*service.EnrolmentInput)
		}{
			{"unknown role", "role", func(in *service.EnrolmentInput) { in.Role = "boss" }},
			{"peer in mentoring", "role", func(in *service.EnrolmentInput) { in.Role = mentorvault.EnrolPeer }},
			{"topic not listed", "topics", func(in *service.EnrolmentInput) { in.Topics = []string{"Knitting"} }},
			{"bad time zone", "time_zone", func(in *service.EnrolmentInput) { in.TimeZone = "Mars/Olympus" }},
			{"local time zone", "time_zone", func(in *service.EnrolmentInput) { in.TimeZone = "Local" }},
			{"no time zone", "time_zone", func(in *service.EnrolmentInput) { in.TimeZone = "" }},
			{"capacity for a mentee", "capacity", func(in *service.EnrolmentInput) { in.Capacity = 2 }},
			{"capacity too high", "capacity", func(in *service.EnrolmentInput) { in.Role, in.Capacity = mentorvault.EnrolMentor, 21 }},
			{"exclude oneself", "exclusions[0]", func(in *service.EnrolmentInput) { in.Exclusions = []string{"heidi@northwind.example"} }},
			{"exclude a stranger", "exclusions[0]", func(in *service.EnrolmentInput) { in.Exclusions = []string{"nobody@northwind.example"} }},
			{"NUL in goals", "goals", func(in *service.EnrolmentInput) { in.Goals = "a\x00b" }},
			{"line break in availability", "availability", func(in *service.EnrolmentInput) { in.Availability = "a\nb" }},
			{"too many exclusions", "exclusions", func(in *service.EnrolmentInput) {
				for i := 0; i <= mentorvault.MaxEnrolmentExclusions; i++ {
					in.Exclusions = append(in.Exclusions, "dave@northwind.example")
				}
			}},
			{"goals too long", "goals", func(in *service.EnrolmentInput) { in.Goals = strings.Repeat("g", mentorvault.MaxEnrolmentGoals+1) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := menteeInput()
				tc.change(&in)
				before := e.Head(t)
				_, err := e.Svc.Enrol(ctx, heidi, progP, in)
				if mentorvault.ErrorCode(err) != mentorvault.EINVALID || mentorvault.ErrorFields(err)[tc.field] == "" {
					t.Fatalf("%v (fields %v), want invalid naming %s", err, mentorvault.ErrorFields(err), tc.field)
				}
				for _, ev := range e.Events(t, before) {
					if ev.Outcome == mentorvault.OutcomeOK {
						t.Errorf("a refused enrolment wrote %s", ev.Action)
					}
				}
			})
		}
		// The programme's topics: set by its coordinator (and org admins),
		// not by a member; duplicates and bad characters refused.
		topics := []string{"Leadership", " Strategy "}
		v, err := e.Svc.UpdateProgramme(ctx, e.As("carol"), progP, service.ProgrammeUpdate{Topics: &topics})
		if err != nil || !slices.Equal(v.Topics, []string{"Leadership", "Strategy"}) {
			t.Fatalf("topics: %v, %v", v, err)
		}
		if _, err := e.Svc.UpdateProgramme(ctx, e.As("alice"), progP, service.ProgrammeUpdate{Topics: &topics}); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Errorf("a member sets topics: %v", err)
		}
		for _, bad := range [][]string{{"Leadership", "leadership"}, {"a\x00b"}, {strings.Repeat("t", 81)}} {
			if _, err := e.Svc.UpdateProgramme(ctx, e.As("grace"), progP, service.ProgrammeUpdate{Topics: &bad}); mentorvault.ErrorFields(err)["topics"] == "" {
				t.Errorf("topics %q: %v", bad, err)
			}
		}
	})
}

// TestProgrammePageEnrolment: the page's one call carries the viewer's own
// enrolment, the enrolled people for the coordinator only, and the
// anonymous feedback figures for the coordinator and the org admin only.
func TestProgrammePageEnrolment(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		progP := e.Rel.ProgrammeID
		for _, tc := range []struct {
			who                      string
			mine, enrolled, feedback bool
		}{{"heidi", true, false, false}, {"carol", false, true, true}, {"grace", false, false, true}, {"alice", false, false, false}} {
			pg, err := e.Svc.ProgrammePage(ctx, e.As(tc.who), progP, service.EnrolmentPageFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if (pg.Enrolment != nil) != tc.mine || (pg.Enrolled != nil) != tc.enrolled || (pg.Feedback != nil) != tc.feedback {
				t.Errorf("%s: own enrolment %v, enrolled list %v, feedback %v", tc.who, pg.Enrolment != nil, pg.Enrolled != nil, pg.Feedback != nil)
			}
			if tc.feedback && (len(pg.Feedback) == 0 || pg.FeedbackK != 5) {
				t.Errorf("%s: feedback figures %+v, k %d", tc.who, pg.Feedback, pg.FeedbackK)
			}
			if !pg.Allowed.Has(policy.ProgrammeEnrol) {
				t.Errorf("%s may not enrol", tc.who)
			}
			if !slices.Equal(pg.Topics, demo.Topics) || !pg.EnrolmentOpen {
				t.Errorf("demo programme: topics %v, open %v", pg.Topics, pg.EnrolmentOpen)
			}
		}
	})
}

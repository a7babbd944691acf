package service_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/match"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// TestMatchSuggestions: the demo's engineering line enrols in Leadership
// Mentoring (Leona heads it; Quentin manages Yuki; Ursula manages Zara).
// The plan never pairs a mentee with anyone up their management chain,
// keeps mentors' capacities, explains each pair, leaves out the pair
// already in a relationship, and is only the coordinator's to see.
func TestMatchSuggestions(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		prog := e.Rel.ProgrammeID
		enrol := func(who string, role mentorvault.EnrolmentRole, capacity int, topics ...string) {
			t.Helper()
			in := service.EnrolmentInput{Role: role, Topics: topics, Goals: "Grow as a leader of engineers and learn delegation", Languages: []string{"English"},
				TimeZone: "Europe/London", Availability: "Tuesday mornings", Capacity: capacity}
			if _, err := e.Svc.Enrol(ctx, e.As(who), prog, in); err != nil {
				t.Fatalf("enrol %s: %v", who, err)
			}
		}
		enrol("leona", mentorvault.EnrolMentor, 1, "Delegation")
		enrol("quentin", mentorvault.EnrolMentor, 2, "Delegation")
		enrol("ursula", mentorvault.EnrolMentor, 1, "Delegation")
		enrol("yuki", mentorvault.EnrolMentee, 0, "Delegation")
		enrol("zara", mentorvault.EnrolMentee, 0, "Delegation")
		// Heidi (the demo's waiting mentee) has no manager: anyone may take her.

		crit := match.Criteria{Weights: match.DefaultWeights}
		for _, obj := range []match.Objective{match.MaxScore, match.MaxMatched} {
			head := e.Head(t)
			plan, err := e.Svc.MatchSuggestions(ctx, e.As("carol"), prog, service.MatchRequest{Criteria: crit, Objective: obj})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, m := range plan.Mentees {
				if m.Assigned == nil {
					t.Fatalf("%s %s: %s unmatched: %s", obj, m.Mentee.Name, m.Mentee.Name, m.Why)
				}
				got[m.Mentee.Email] = m.Assigned.Mentor.Email
				if !slices.Contains(m.Assigned.Reasons, "1 shared topic") || m.Assigned.Percent <= 0 {
					t.Errorf("%s → %s: %d%% %q", m.Mentee.Name, m.Assigned.Mentor.Name, m.Assigned.Percent, m.Assigned.Reasons)
				}
			}
			// Yuki's chain is Quentin, Leona, Kwame; Zara's Ursula, Leona,
			// Kwame: the only assignment of all three within the rules.
			want := map[string]string{"yuki@northwind.example": "ursula@northwind.example", "zara@northwind.example": "quentin@northwind.example",
				"heidi@northwind.example": "leona@northwind.example"}
			if len(got) != 3 || got["yuki@northwind.example"] != want["yuki@northwind.example"] || got["zara@northwind.example"] != want["zara@northwind.example"] ||
				got["heidi@northwind.example"] != want["heidi@northwind.example"] {
				t.Fatalf("%s: plan %v, want %v", obj, got, want)
			}
			if plan.Matched != 3 || plan.Mentors != 3 || plan.SlotsLeft != 4 || plan.ForbiddenBy["the mentee's line manager"] != 2 ||
				plan.ForbiddenBy["above the mentee in their management chain"] != 2 {
				t.Fatalf("plan figures %+v", plan)
			}
			evs := e.Events(t, head)
			if len(evs) != 1 || evs[0].Action != "programme.match" || evs[0].Outcome != mentorvault.OutcomeOK ||
				!strings.Contains(evs[0].Detail, "mentees=3; mentors=3; matched=3") || strings.Contains(evs[0].Detail, "delegation") {
				t.Fatalf("audit %+v", evs)
			}
		}

		// Once Heidi is proposed to Leona, she leaves the plan and Leona's
		// one place is taken.
		if _, err := e.Svc.ProposeRelationship(ctx, e.As("leona"), service.ProposeInput{OtherEmail: "heidi@northwind.example", MyRole: "mentor", ProgrammeID: prog}); err != nil {
			t.Fatal(err)
		}
		plan, err := e.Svc.MatchSuggestions(ctx, e.As("carol"), prog, service.MatchRequest{Criteria: crit})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Mentees) != 2 || plan.AlreadyPaired != 1 || plan.SlotsLeft != 3 {
			t.Fatalf("after a proposal: %d mentees, %d already paired, %d slots", len(plan.Mentees), plan.AlreadyPaired, plan.SlotsLeft)
		}

		// Bad criteria, and who may not ask.
		if _, err := e.Svc.MatchSuggestions(ctx, e.As("carol"), prog, service.MatchRequest{Criteria: match.Criteria{Weights: match.Weights{Topics: 11}}, Objective: "fast"}); mentorvault.ErrorCode(err) != mentorvault.EINVALID ||
			mentorvault.ErrorFields(err)["weights.topics"] == "" || mentorvault.ErrorFields(err)["objective"] == "" {
			t.Fatalf("bad criteria: %v", err)
		}
		for who, code := range map[string]string{"grace": mentorvault.EFORBIDDEN, "alice": mentorvault.EFORBIDDEN, "erin": mentorvault.EFORBIDDEN, "": mentorvault.EUNAUTHENTICATED} {
			p := mentorvault.Principal{}
			if who != "" {
				p = e.As(who)
			}
			head := e.Head(t)
			if _, err := e.Svc.MatchSuggestions(ctx, p, prog, service.MatchRequest{Criteria: crit}); mentorvault.ErrorCode(err) != code {
				t.Errorf("%q: %v, want %s", who, err, code)
			}
			if evs := e.Events(t, head); len(evs) != 1 || evs[0].Outcome != mentorvault.OutcomeDenied {
				t.Errorf("%q: audit %+v", who, evs)
			}
		}
	})
}

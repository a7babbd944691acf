package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSlots(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Tuesday mornings", []string{"Tuesday mornings"}},
		{"Tuesday mornings, or a lunchtime every other week", []string{"Monday lunchtimes", "Tuesday mornings", "Tuesday lunchtimes", "Wednesday lunchtimes", "Thursday lunchtimes", "Friday lunchtimes"}},
		{"Mon/Wed afternoons", []string{"Monday afternoons", "Wednesday afternoons"}},
		{"weekends", []string{"Saturday mornings", "Saturday lunchtimes", "Saturday afternoons", "Saturday evenings", "Sunday mornings", "Sunday lunchtimes", "Sunday afternoons", "Sunday evenings"}},
		{"THURSDAY evening; Friday AM", []string{"Thursday evenings", "Friday mornings"}},
		{"whenever suits you", nil},
		{"", nil},
	} {
		var got []string
		for _, s := range Slots(tc.text) {
			got = append(got, s.String())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Slots(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// A small organisation: ceo ← vp ← lead ← dev ← intern; ceo ← other.
var testOrg = NewOrg(map[string]string{"vp": "ceo", "lead": "vp", "dev": "lead", "intern": "dev", "other": "ceo"})

func TestHardRules(t *testing.T) {
	listed := func(a, b string) bool { return a == "dev" && b == "other" }
	for _, tc := range []struct {
		mentee, mentor Person
		rule           string
	}{
		{Person{ID: "dev"}, Person{ID: "dev"}, "the same person"},
		{Person{ID: "dev"}, Person{ID: "lead"}, "the mentee's line manager"},
		{Person{ID: "dev"}, Person{ID: "ceo"}, "above the mentee in their management chain"},
		{Person{ID: "dev"}, Person{ID: "vp"}, "above the mentee in their management chain"},
		{Person{ID: "lead"}, Person{ID: "dev"}, "reports to the mentee"},
		{Person{ID: "lead"}, Person{ID: "intern"}, ""}, // two levels down, reporting line not excluded
		{Person{ID: "lead", ExcludeReportingLine: true}, Person{ID: "intern"}, "in the mentee's reporting line"},
		{Person{ID: "lead"}, Person{ID: "intern", ExcludeReportingLine: true}, "in the mentee's reporting line"},
		{Person{ID: "dev", Exclusions: []string{"other"}}, Person{ID: "other"}, "excluded by the mentee"},
		{Person{ID: "intern"}, Person{ID: "other", Exclusions: []string{"intern"}}, "excluded by the mentor"},
		{Person{ID: "dev"}, Person{ID: "other"}, "already in a relationship together"},
		{Person{ID: "intern"}, Person{ID: "other"}, ""},
	} {
		p := DefaultWeights.criteria().Score(testOrg, tc.mentee, tc.mentor, listed, time.Now())
		if p.Rule != tc.rule || (tc.rule != "") != (p.Score == Forbidden) {
			t.Errorf("%s with %s: rule %q score %d, want %q", tc.mentee.ID, tc.mentor.ID, p.Rule, p.Score, tc.rule)
		}
	}
}

func (w Weights) criteria() Criteria { return Criteria{Weights: w} }

func TestScoreExplains(t *testing.T) {
	winter := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	mentee := Person{ID: "intern", Topics: []string{"Delegation", "Negotiation", "Public speaking", "Budgets"}, Goals: "Lead a team and negotiate budgets",
		Languages: []string{"English", "French"}, TimeZone: "Europe/London", Availability: "Tuesday mornings"}
	mentor := Person{ID: "other", Topics: []string{"delegation", "negotiation", "Public speaking"}, Goals: "I can share how I lead a team",
		Languages: []string{"french"}, TimeZone: "Europe/Paris", Availability: "Tuesdays or Thursday afternoons"}
	p := Criteria{Weights: Weights{Topics: 5, Goals: 3, Languages: 4, TimeZone: 3, Availability: 3, Seniority: 2}}.Score(testOrg, mentee, mentor, nil, winter)
	for _, want := range []string{"3 shared topics", "both speak French", "1 h apart", "both free Tuesday mornings", "2 goal words the mentor also names", "3 levels more senior"} {
		if !slices.Contains(p.Reasons, want) {
			t.Errorf("reasons %q lack %q", p.Reasons, want)
		}
	}
	if p.Score <= MaxPoints/2 || p.Score >= MaxPoints {
		t.Errorf("score %d", p.Score)
	}
	// A weight of 0 drops the criterion, its reason with it.
	q := Criteria{Weights: Weights{Topics: 5}}.Score(testOrg, mentee, mentor, nil, winter)
	if q.Score != 7500 || !slices.Equal(q.Reasons, []string{"3 shared topics"}) {
		t.Errorf("topics only: %d %q", q.Score, q.Reasons)
	}
	// New York is 5 h behind London in January and 5 h in July, but
	// Sydney's summer makes it 11 h from London in January and 9 h in July.
	for _, tc := range []struct {
		a, b string
		at   time.Time
		want string
	}{
		{"Europe/London", "America/New_York", winter, "5 h apart"},
		{"Europe/London", "Australia/Sydney", winter, "11 h apart"},
		{"Europe/London", "Australia/Sydney", winter.AddDate(0, 6, 0), "9 h apart"},
		{"Asia/Kolkata", "Europe/London", winter, "5.5 h apart"},
		{"UTC", "UTC", winter, "same time zone"},
	} {
		got := Criteria{Weights: Weights{TimeZone: 1}}.Score(nil, Person{ID: "a", TimeZone: tc.a}, Person{ID: "b", TimeZone: tc.b}, nil, tc.at)
		if !slices.Equal(got.Reasons, []string{tc.want}) {
			t.Errorf("%s–%s: %q, want %q", tc.a, tc.b, got.Reasons, tc.want)
		}
	}
	// Department preference.
	a, b := Person{ID: "a", Department: "Finance"}, Person{ID: "b", Department: "finance "}
	if s := (Criteria{Weights: Weights{Department: 1}, Department: SameDepartment}).Score(nil, a, b, nil, winter); s.Score != MaxPoints {
		t.Errorf("same department wanted: %d %q", s.Score, s.Reasons)
	}
	if s := (Criteria{Weights: Weights{Department: 1}, Department: DifferentDepartment}).Score(nil, a, b, nil, winter); s.Score != 0 {
		t.Errorf("different department wanted: %d %q", s.Score, s.Reasons)
	}
}

// TestNoHardRuleEverBroken: on random organisations and cohorts, every
// pair a hard rule forbids (checked here from first principles, walking
// the chain) is scored Forbidden, and the assignment of the whole cohort
// under random capacities never contains one nor overfills a mentor.
func TestNoHardRuleEverBroken(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for it := range 300 {
		n := 5 + r.IntN(40)
		ids := make([]string, n)
		managers := map[string]string{}
		for i := range ids {
			ids[i] = fmt.Sprintf("p%d", i)
			if i > 0 && r.IntN(6) > 0 {
				managers[ids[i]] = ids[r.IntN(i)] // a forest: managers come earlier
			}
		}
		org := NewOrg(managers)
		chain := func(id string) []string {
			var up []string
			for m := managers[id]; m != ""; m = managers[m] {
				up = append(up, m)
			}
			return up
		}
		person := func(id string) Person {
			p := Person{ID: id, ExcludeReportingLine: r.IntN(2) == 0, Topics: []string{"t" + fmt.Sprint(r.IntN(4))}}
			if r.IntN(4) == 0 {
				p.Exclusions = []string{ids[r.IntN(n)]}
			}
			return p
		}
		var mentees, mentors []Person
		for _, id := range ids {
			if r.IntN(2) == 0 {
				mentees = append(mentees, person(id))
			} else {
				mentors = append(mentors, person(id))
			}
		}
		listedPairs := map[[2]string]bool{}
		for range 3 {
			listedPairs[[2]string{ids[r.IntN(n)], ids[r.IntN(n)]}] = true
		}
		listed := func(a, b string) bool { return listedPairs[[2]string{a, b}] }
		prob := Problem{Score: make([][]int, len(mentees)), Capacity: make([]int, len(mentors))}
		for j := range mentors {
			prob.Capacity[j] = r.IntN(3)
		}
		for i, me := range mentees {
			prob.Score[i] = make([]int, len(mentors))
			for j, mo := range mentors {
				forbid := me.ID == mo.ID || slices.Contains(chain(me.ID), mo.ID) || managers[mo.ID] == me.ID ||
					((me.ExcludeReportingLine || mo.ExcludeReportingLine) && slices.Contains(chain(mo.ID), me.ID)) ||
					slices.Contains(me.Exclusions, mo.ID) || slices.Contains(mo.Exclusions, me.ID) || listed(me.ID, mo.ID)
				p := DefaultWeights.criteria().Score(org, me, mo, listed, time.Now())
				if forbid != (p.Score == Forbidden) {
					t.Fatalf("instance %d: %s with %s: forbidden %v, scored %d (%q)", it, me.ID, mo.ID, forbid, p.Score, p.Rule)
				}
				prob.Score[i][j] = p.Score
			}
		}
		for _, obj := range []Objective{MaxScore, MaxMatched} {
			if a := Assign(prob, obj); !valid(prob, a) {
				t.Fatalf("instance %d %s: assignment %v breaks a rule", it, obj, a)
			}
		}
	}
}

func TestCriteriaValidate(t *testing.T) {
	if bad := (Criteria{Weights: Weights{Topics: 11, Goals: -1}, Department: "either"}).Validate(); len(bad) != 3 ||
		!strings.Contains(bad["weights.topics"], "0 to 10") || bad["department"] == "" {
		t.Fatalf("%v", bad)
	}
	if bad := (Criteria{Weights: DefaultWeights}).Validate(); len(bad) != 0 {
		t.Fatalf("%v", bad)
	}
}

func TestFromQuery(t *testing.T) {
	c, obj, bad := FromQuery(map[string][]string{"topics": {"9"}, "seniority": {"0"}, "department_rule": {"different"}, "objective": {"matched"}})
	if len(bad) != 0 || c.Topics != 9 || c.Seniority != 0 || c.Goals != DefaultWeights.Goals || c.Department != DifferentDepartment || obj != MaxMatched {
		t.Fatalf("%+v %s %v", c, obj, bad)
	}
	_, _, bad = FromQuery(map[string][]string{"topics": {"eleven"}, "goals": {"-1"}, "department_rule": {"any"}, "objective": {"fastest"}})
	if len(bad) != 4 || bad["topics"] == "" || bad["goals"] == "" || bad["department_rule"] == "" || bad["objective"] == "" {
		t.Fatalf("%v", bad)
	}
}

package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestMatchingPageAndAPI: the coordinator's suggested pairs on the web and
// through the API — Heidi (the demo's waiting mentee) suggested Leona, not
// Dave, who manages nobody in the cohort but is excluded by nobody either;
// bad weights refused naming the parameter; others refused; the page in
// at most two transactions and the API call in one.
func TestMatchingPageAndAPI(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			prog := f.env.Rel.ProgrammeID
			f.ids["prog"] = prog
			if _, err := f.env.Svc.Enrol(context.Background(), f.env.As("leona"), prog, service.EnrolmentInput{Role: mentorvault.EnrolMentor,
				Topics: []string{"Delegation"}, Goals: "Help new leads delegate", Languages: []string{"English"}, TimeZone: "Europe/Stockholm",
				Availability: "Tuesday mornings", Capacity: 2}); err != nil {
				t.Fatal(err)
			}

			res := f.do(t, "carol", "GET", "/api/v1/programmes/{prog}/matches?topics=8&seniority=0&objective=matched", "", nil)
			var plan struct {
				Objective string         `json:"objective"`
				Weights   map[string]int `json:"weights"`
				Matched   int            `json:"matched"`
				Mentees   []struct {
					Mentee   struct{ Email string } `json:"mentee"`
					Assigned *struct {
						Mentor  struct{ Email string } `json:"mentor"`
						Percent int                    `json:"percent"`
						Reasons []string               `json:"reasons"`
					} `json:"assigned"`
				} `json:"mentees"`
			}
			if res.status != 200 || json.Unmarshal(res.body, &plan) != nil {
				t.Fatalf("matches: %d %s", res.status, res.body)
			}
			if plan.Objective != "matched" || plan.Weights["topics"] != 8 || plan.Weights["seniority"] != 0 || plan.Matched != 1 ||
				len(plan.Mentees) != 1 || plan.Mentees[0].Mentee.Email != "heidi@northwind.example" || plan.Mentees[0].Assigned == nil ||
				plan.Mentees[0].Assigned.Mentor.Email != "leona@northwind.example" || !strings.Contains(strings.Join(plan.Mentees[0].Assigned.Reasons, "; "), "1 h apart") {
				t.Fatalf("plan %s", res.body)
			}
			for _, tc := range []struct {
				as, path string
				status   int
				contains string
			}{
				{"carol", "/api/v1/programmes/{prog}/matches?topics=11", 400, `"topics"`},
				{"carol", "/api/v1/programmes/{prog}/matches?objective=fast", 400, `"objective"`},
				{"carol", "/api/v1/programmes/{prog}/matches?department_rule=any", 400, `"department_rule"`},
				{"grace", "/api/v1/programmes/{prog}/matches", 403, ""},
				{"heidi", "/api/v1/programmes/{prog}/matches", 403, ""},
				{"carol", "/api/v1/programmes/{unknown}/matches", 404, ""},
			} {
				if res := f.do(t, tc.as, "GET", tc.path, "", nil); res.status != tc.status || !strings.Contains(string(res.body), tc.contains) {
					t.Errorf("%s %s: %d %s", tc.as, tc.path, res.status, res.body)
				}
			}

			carol := newWeb(t, f.ts.URL)
			carol.login("carol@northwind.example")
			if _, page := carol.get("/programmes/" + prog); !strings.Contains(page, `href="/programmes/`+prog+`/matching"`) {
				t.Fatalf("the programme page has no link to the suggestions")
			}
			before := f.env.Txs.Begun()
			st, page := carol.get("/programmes/" + prog + "/matching?availability=9")
			if n := f.env.Txs.Begun() - before; n > maxPageTxs {
				t.Errorf("the matching page ran %d transactions", n)
			}
			for _, want := range []string{"1 of 1 mentee matched", "Heidi Hall", "Leona Lindqvist", "1 shared topic", "both free Tuesday mornings", `value="9"`} {
				if st != 200 || !strings.Contains(page, want) {
					t.Fatalf("matching page %d lacks %q:\n%s", st, want, page)
				}
			}
			if st, page := carol.get("/programmes/" + prog + "/matching?topics=ten"); st != 400 || !strings.Contains(page, "0 to 10") {
				t.Fatalf("bad weight on the page: %d\n%s", st, page)
			}
			grace := newWeb(t, f.ts.URL)
			grace.login("grace@northwind.example")
			if st, _ := grace.get("/programmes/" + prog + "/matching"); st != http.StatusForbidden {
				t.Fatalf("the org admin saw the suggestions: %d", st)
			}
		})
	}
}

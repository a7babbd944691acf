package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
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

// TestMatchProposalsOverHTTP: the coordinator proposes ticked pairs from
// the matching page (one refused by a hard rule, and the page says why),
// each party sees where the match stands and accepts for themselves; the
// API proposes in bulk with per-pair outcomes; where the programme lets
// them, a mentee reads their suggestions and picks a mentor.
func TestMatchProposalsOverHTTP(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			prog := f.env.Rel.ProgrammeID
			f.ids["prog"] = prog
			u := f.env.Users
			for who, role := range map[string]mentorvault.EnrolmentRole{"leona": mentorvault.EnrolMentor, "ursula": mentorvault.EnrolMentor,
				"quentin": mentorvault.EnrolMentor, "yuki": mentorvault.EnrolMentee, "zara": mentorvault.EnrolMentee} {
				if _, err := f.env.Svc.Enrol(ctx, f.env.As(who), prog, service.EnrolmentInput{Role: role, Topics: []string{"Delegation"},
					Languages: []string{"English"}, TimeZone: "Europe/London", Availability: "Tuesday mornings", Capacity: map[bool]int{true: 1}[role == mentorvault.EnrolMentor]}); err != nil {
					t.Fatal(err)
				}
			}

			carol := newWeb(t, f.ts.URL)
			csrf := carol.login("carol@northwind.example")
			if st, page := carol.get("/programmes/" + prog + "/matching"); st != 200 || !strings.Contains(page, `action="/programmes/`+prog+`/matching/propose"`) ||
				!strings.Contains(page, `name="mentee" value="`+u["heidi"].ID+`" checked`) {
				t.Fatalf("the matching page has no proposal form: %d\n%s", st, page)
			}
			form := url.Values{"csrf_token": {csrf}, "mentee": {u["heidi"].ID, u["yuki"].ID},
				"mentor": {u["heidi"].ID + ":" + u["leona"].ID, u["yuki"].ID + ":" + u["leona"].ID}}
			st, page := carol.post("/programmes/"+prog+"/matching/propose", form, nil)
			for _, want := range []string{"1 pair proposed, 1 refused", "Refused:", "above the mentee in their management chain", "waiting for both to accept"} {
				if st != 200 || !strings.Contains(page, want) {
					t.Fatalf("the proposal page %d lacks %q:\n%s", st, want, page)
				}
			}
			if st, page := carol.post("/programmes/"+prog+"/matching/propose", url.Values{"csrf_token": {csrf}}, nil); st != 400 || !strings.Contains(page, "Nothing was proposed") {
				t.Fatalf("nothing ticked: %d\n%s", st, page)
			}
			rels, err := f.env.Svc.MyRelationships(ctx, f.env.As("heidi"))
			if err != nil {
				t.Fatal(err)
			}
			var match string
			for _, r := range rels {
				if r.MentorID == u["leona"].ID {
					match = r.ID
				}
			}
			if match == "" {
				t.Fatal("no match for heidi")
			}
			heidi := newWeb(t, f.ts.URL)
			hcsrf := heidi.login("heidi@northwind.example")
			_, page = heidi.get("/relationships/" + match)
			if want := "Matched by " + u["carol"].Name + " for the programme"; !strings.Contains(page, want) || !strings.Contains(page, "waiting for both of you to accept") ||
				strings.Contains(page, `value="withdraw"`) || !strings.Contains(page, `value="accept"`) || !strings.Contains(page, `value="decline"`) ||
				strings.Contains(page, "do not have access") {
				t.Fatalf("heidi's page of the match:\n%s", page)
			}
			if st, _ := heidi.post("/relationships/"+match+"/lifecycle", url.Values{"csrf_token": {hcsrf}, "action": {"accept"}}, nil); st != http.StatusSeeOther {
				t.Fatalf("heidi accepts: %d", st)
			}
			if _, page = heidi.get("/relationships/" + match + "?done=accept"); !strings.Contains(page, "You accepted accepted") && !strings.Contains(page, "you accepted, waiting for "+u["leona"].Name) {
				t.Fatalf("after heidi accepted:\n%s", page)
			}
			leona := newWeb(t, f.ts.URL)
			leona.login("leona@northwind.example")
			if _, page = leona.get("/relationships/" + match); !strings.Contains(page, u["heidi"].Name+" accepted, waiting for you") {
				t.Fatalf("leona's page of the match:\n%s", page)
			}

			// The API: per-pair outcomes; only the coordinator.
			res := f.do(t, "carol", "POST", "/api/v1/programmes/{prog}/matches", "application/json", []byte(`{"pairs":[{"mentee_id":"`+u["yuki"].ID+`","mentor_id":"`+u["ursula"].ID+`"},`+
				`{"mentee_id":"`+u["zara"].ID+`","mentor_id":"`+u["ursula"].ID+`"}]}`))
			var out struct {
				Proposed, Refused int
				Outcomes          []struct {
					Relationship *struct {
						Status    string                 `json:"status"`
						MatchedBy struct{ Email string } `json:"matched_by"`
						ExpiresAt *string                `json:"expires_at"`
					} `json:"relationship"`
					Refused string `json:"refused"`
				} `json:"outcomes"`
			}
			if res.status != 200 || json.Unmarshal(res.body, &out) != nil || out.Proposed != 1 || out.Refused != 1 || out.Outcomes[0].Relationship == nil ||
				out.Outcomes[0].Relationship.MatchedBy.Email != u["carol"].Email || out.Outcomes[0].Relationship.ExpiresAt == nil || out.Outcomes[1].Refused == "" {
				t.Fatalf("API proposal: %d %s", res.status, res.body)
			}
			for _, tc := range []struct {
				as, body string
				status   int
			}{
				{"heidi", `{"pairs":[{"mentee_id":"` + u["zara"].ID + `","mentor_id":"` + u["quentin"].ID + `"}]}`, 403},
				{"carol", `{"pairs":[]}`, 400},
				{"carol", `{"pairs":[{"mentee_id":"x","mentor_id":"y"}]}`, 400},
			} {
				if res := f.do(t, tc.as, "POST", "/api/v1/programmes/{prog}/matches", "application/json", []byte(tc.body)); res.status != tc.status {
					t.Errorf("%s %s: %d %s", tc.as, tc.body, res.status, res.body)
				}
			}

			// Mentee pick: refused until the programme allows it.
			if res := f.do(t, "zara", "GET", "/api/v1/programmes/{prog}/suggestions", "", nil); res.status != 403 {
				t.Fatalf("suggestions before the programme allows them: %d %s", res.status, res.body)
			}
			pv, err := f.env.Svc.Programme(ctx, f.env.As("carol"), prog)
			if err != nil {
				t.Fatal(err)
			}
			st2 := pv.Settings
			st2.MenteesPick = true
			if _, err := f.env.Svc.UpdateProgrammeSettings(ctx, f.env.As("carol"), prog, st2); err != nil {
				t.Fatal(err)
			}
			res = f.do(t, "zara", "GET", "/api/v1/programmes/{prog}/suggestions", "", nil)
			if res.status != 200 || !strings.Contains(string(res.body), u["quentin"].Email) || strings.Contains(string(res.body), u["ursula"].Email) {
				t.Fatalf("zara's suggestions: %d %s", res.status, res.body)
			}
			zara := newWeb(t, f.ts.URL)
			zcsrf := zara.login("zara@northwind.example")
			if _, page := zara.get("/programmes/" + prog); !strings.Contains(page, "Pick your mentor") || !strings.Contains(page, "Ask "+u["quentin"].Name+" to mentor you") {
				t.Fatalf("zara's programme page:\n%s", page)
			}
			if st, page := zara.post("/programmes/"+prog+"/pick", url.Values{"csrf_token": {zcsrf}, "mentor_id": {u["leona"].ID}}, nil); st != 400 || !strings.Contains(page, "not one of your suggestions") {
				t.Fatalf("a pick not suggested: %d\n%s", st, page)
			}
			if st, _ := zara.post("/programmes/"+prog+"/pick", url.Values{"csrf_token": {zcsrf}, "mentor_id": {u["quentin"].ID}}, nil); st != http.StatusSeeOther {
				t.Fatalf("zara picks quentin: %d", st)
			}
			if res := f.do(t, "zara", "POST", "/api/v1/programmes/{prog}/pick", "application/json", []byte(`{"mentor_id":"`+u["quentin"].ID+`"}`)); res.status != 409 {
				t.Fatalf("a second pick over the API: %d %s", res.status, res.body)
			}
		})
	}
}

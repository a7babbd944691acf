package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestWebHome checks that "/" shows each demo role its own section and no
// other: the org admin her organisation in counts, the coordinator her
// programme's dashboard, HR their requests, the supervisor the people
// consulting her, the mentor her relationship and its next meetings; a
// member never sees the coordinator's figures; a figure below the
// programme's k shows as "fewer than k"; and nothing sealed reaches it.
func TestWebHome(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			sections := []string{`id="home-party"`, `id="home-coordinator"`, `id="home-supervisor"`, `id="home-requests"`, `id="home-admin"`}
			for _, tc := range []struct {
				who      string
				sections []string // in this order
				contains []string
			}{
				{"grace", []string{`id="home-admin"`}, []string{"Invited, not joined yet", `href="/people"`, `href="/programmes"`}},
				{"carol", []string{`id="home-coordinator"`}, []string{"Leadership Mentoring", "Active pairs", "fewer than 5", `<dd class="fig-waiting"><strong>fewer than 5</strong>`}},
				{"frank", []string{`id="home-requests"`}, []string{"You asked Alice Archer about Bob Baker", "Waiting for an answer"}},
				{"erin", []string{`id="home-supervisor"`}, []string{"A mentee in Leadership Mentoring"}},
				{"alice", []string{`id="home-party"`}, []string{"Bob Baker", `id="home-meetings"`}},
				{"heidi", []string{`id="home-party"`}, []string{"No relationships yet"}},
			} {
				w := newWeb(t, f.ts.URL)
				w.login(f.env.Users[tc.who].Email)
				st, page := w.get("/")
				if st != http.StatusOK {
					t.Fatalf("%s: GET /: %d", tc.who, st)
				}
				at := -1
				for _, s := range tc.sections {
					i := strings.Index(page, s)
					if i < 0 || i < at {
						t.Errorf("%s: section %s missing or out of order", tc.who, s)
					}
					at = i
				}
				for _, s := range sections {
					if strings.Contains(page, s) && !contains(tc.sections, s) {
						t.Errorf("%s sees a section not theirs: %s", tc.who, s)
					}
				}
				for _, s := range tc.contains {
					if !strings.Contains(page, s) {
						t.Errorf("%s: home lacks %q", tc.who, s)
					}
				}
				// A member never sees a coordinator's figures.
				if tc.who != "carol" && (strings.Contains(page, "Active pairs") || strings.Contains(page, "review overdue")) {
					t.Errorf("%s sees the coordinator's figures", tc.who)
				}
				// Nothing sealed: no agenda, no note, no request's question.
				for _, sealed := range []string{"How the planning meeting went", "fixture aliceShared", "promotion panel", "Reading list"} {
					if strings.Contains(page, sealed) {
						t.Errorf("%s: home shows sealed content %q", tc.who, sealed)
					}
				}
			}
		})
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// TestWebHomeK lowers nothing: with the programme's k at 2 and no review
// overdue among two people, the figure is still withheld ("fewer than 2"),
// never shown as 0.
func TestWebHomeK(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	f.env.SetK(t, f.env.Rel.ProgrammeID, 2)
	w := newWeb(t, f.ts.URL)
	w.login(f.env.Users["carol"].Email)
	_, page := w.get("/")
	if !strings.Contains(page, `<dd class="fig-reviews"><strong>fewer than 2</strong>`) {
		t.Errorf("the overdue reviews under k are not shown as fewer than k:\n%s", page)
	}
}

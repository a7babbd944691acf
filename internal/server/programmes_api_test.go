package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestProgrammesAPIScenarios: every programme route, by role — the org
// admin (grace), P's coordinator (carol), the coordinator of another
// programme Q (heidi), P's supervisor (erin), a member (alice), another
// organisation's admin (mallory), a deactivated admin (olga), anonymous —
// with its status, its audit events and the OpenAPI document (f.do checks
// each response). An anonymous request with a body is answered 401 before
// anything reads it (httpx.JSON), so no service call runs and nothing is
// audited. The cases run in order.
func TestProgrammesAPIScenarios(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			ctx := context.Background()
			svc, grace := f.env.Svc, f.env.As("grace")
			org, err := svc.OperatorCreateOrg(ctx, "Globex")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.OperatorAddUser(ctx, service.NewUser{OrgID: org.ID, Email: "mallory@globex.example", Name: "Mallory Moss",
				Password: "correct horse battery", OrgAdmin: true}); err != nil {
				t.Fatal(err)
			}
			if f.tokens["mallory"], _, err = svc.OperatorCreateToken(ctx, "mallory@globex.example", "test"); err != nil {
				t.Fatal(err)
			}
			olga, _, err := svc.AddPerson(ctx, grace, service.NewPerson{Name: "Olga Olsen", Email: "olga@northwind.example"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SetOrgAdmin(ctx, grace, olga.ID, true); err != nil {
				t.Fatal(err)
			}
			if f.tokens["olga"], _, err = svc.OperatorCreateToken(ctx, "olga@northwind.example", "test"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.DeactivatePerson(ctx, grace, olga.ID); err != nil {
				t.Fatal(err)
			}
			q, err := svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "Peer Circles", Kind: mentorvault.ProgrammePeer})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SetProgrammeStaff(ctx, grace, q.ID, service.ProgrammeStaff{Coordinators: []string{"heidi@northwind.example"}}); err != nil {
				t.Fatal(err)
			}
			f.ids["prog"], f.ids["q"], f.ids["olga"] = f.env.Rel.ProgrammeID, q.ID, olga.ID
			for _, k := range []string{"carol", "erin", "heidi"} {
				f.ids[k] = f.env.Users[k].ID
			}
			const js = "application/json"
			for _, tc := range []struct {
				name         string
				as           string
				method, path string
				body         string
				status       int
				code         string
				events       []string
				bodyContains string
			}{
				{"admin lists every programme", "grace", "GET", "/api/v1/programmes", "", 200, "", nil, `"name":"Peer Circles","kind":"peer"`},
				{"admin may create", "grace", "GET", "/api/v1/programmes", "", 200, "", nil, `"can_create":true`},
				{"coordinator lists theirs", "carol", "GET", "/api/v1/programmes", "", 200, "", nil, `"roles":["coordinator"]`},
				{"coordinator of another programme lists that one", "heidi", "GET", "/api/v1/programmes", "", 200, "", nil, `"name":"Peer Circles"`},
				{"supervisor lists theirs", "erin", "GET", "/api/v1/programmes", "", 200, "", nil, `"roles":["supervisor"]`},
				{"member lists none", "alice", "GET", "/api/v1/programmes", "", 200, "", nil, `{"programmes":[],"can_create":false}`},
				{"other org's admin lists none of ours", "mallory", "GET", "/api/v1/programmes", "", 200, "", nil, `{"programmes":[],"can_create":true}`},
				{"deactivated admin cannot list", "olga", "GET", "/api/v1/programmes", "", 401, "unauthenticated", nil, ""},
				{"anonymous cannot list", "", "GET", "/api/v1/programmes", "", 401, "unauthenticated", []string{"directory.view:denied"}, ""},

				{"admin creates", "grace", "POST", "/api/v1/programmes",
					`{"name":"New Starters","description":"Buddies for the first year.","kind":"mentoring","enrolment_open":true,"default_capacity":2}`,
					201, "", []string{"programme.create:ok"}, `"default_capacity":2`},
				{"defaults", "grace", "POST", "/api/v1/programmes", `{"name":"Defaults"}`, 201, "", []string{"programme.create:ok"},
					`"kind":"mentoring","enrolment_open":false,"default_capacity":1`},
				{"unknown kind", "grace", "POST", "/api/v1/programmes", `{"name":"X","kind":"group"}`, 400, "invalid", nil, "kind"},
				{"capacity too large", "grace", "POST", "/api/v1/programmes", `{"name":"X","default_capacity":21}`, 400, "invalid", nil, "default_capacity"},
				{"no name", "grace", "POST", "/api/v1/programmes", `{"description":"x"}`, 400, "invalid", nil, "name"},
				{"unknown field", "grace", "POST", "/api/v1/programmes", `{"name":"X","owner":"me"}`, 400, "invalid", nil, "unknown field"},
				{"coordinator cannot create", "carol", "POST", "/api/v1/programmes", `{"name":"X"}`, 403, "forbidden", []string{"programme.manage:denied"}, ""},
				{"member cannot create", "alice", "POST", "/api/v1/programmes", `{"name":"X"}`, 403, "forbidden", []string{"programme.manage:denied"}, ""},
				{"anonymous cannot create", "", "POST", "/api/v1/programmes", `{"name":"X"}`, 401, "unauthenticated", nil, ""}, // refused at the edge, before the body (TestBadInput/anonymous)
				{"deactivated admin cannot create", "olga", "POST", "/api/v1/programmes", `{"name":"X"}`, 401, "unauthenticated", nil, ""},

				{"member views P", "alice", "GET", "/api/v1/programmes/{prog}", "", 200, "", nil, `"coordinators":[{"id":"` + f.env.Users["carol"].ID},
				{"member may change nothing", "alice", "GET", "/api/v1/programmes/{prog}", "", 200, "", nil, `"can":{"edit":false,"update":false,"enrolment":false,"staff":false,"enrol":true,"list_enrolments":false}`},
				{"coordinator may open enrolment", "carol", "GET", "/api/v1/programmes/{prog}", "", 200, "", nil, `"can":{"edit":true,"update":false,"enrolment":true,"staff":false,"enrol":true,"list_enrolments":true}`},
				{"admin may do all", "grace", "GET", "/api/v1/programmes/{prog}", "", 200, "", nil, `"can":{"edit":true,"update":true,"enrolment":true,"staff":true,"enrol":true,"list_enrolments":false}`},
				{"other org's admin: not found", "mallory", "GET", "/api/v1/programmes/{prog}", "", 404, "not_found", []string{"programme.view:denied"}, ""},

				{"coordinator reads P's overview", "carol", "GET", "/api/v1/programmes/{prog}/overview", "", 200, "", []string{"programme.dashboard:ok"},
					`"active":1,"awaiting_signature":0,"k_threshold":5`},
				{"a figure under k is withheld", "carol", "GET", "/api/v1/programmes/{prog}/overview", "", 200, "", []string{"programme.dashboard:ok"},
					`"reviews_overdue":{"n":null,"withheld":true,"fewer_than_k":true}`},
				{"one person waiting to be matched is fewer than k", "carol", "GET", "/api/v1/programmes/{prog}/overview", "", 200, "", []string{"programme.dashboard:ok"},
					`"waiting_to_be_matched":{"n":null,"withheld":true,"fewer_than_k":true}`},
				{"coordinator of another programme reads hers", "heidi", "GET", "/api/v1/programmes/{q}/overview", "", 200, "", []string{"programme.dashboard:ok"}, `"active":0`},
				{"coordinator of another programme cannot read P's", "heidi", "GET", "/api/v1/programmes/{prog}/overview", "", 403, "forbidden", []string{"programme.dashboard:denied"}, ""},
				{"admin cannot read the overview", "grace", "GET", "/api/v1/programmes/{prog}/overview", "", 403, "forbidden", []string{"programme.dashboard:denied"}, ""},
				{"supervisor cannot read the overview", "erin", "GET", "/api/v1/programmes/{prog}/overview", "", 403, "forbidden", []string{"programme.dashboard:denied"}, ""},
				{"member cannot read the overview", "alice", "GET", "/api/v1/programmes/{prog}/overview", "", 403, "forbidden", []string{"programme.dashboard:denied"}, ""},
				{"other org's admin: no such overview", "mallory", "GET", "/api/v1/programmes/{prog}/overview", "", 404, "not_found", []string{"programme.dashboard:denied"}, ""},
				{"anonymous cannot read the overview", "", "GET", "/api/v1/programmes/{prog}/overview", "", 401, "unauthenticated", nil, ""},
				{"deactivated admin cannot read the overview", "olga", "GET", "/api/v1/programmes/{prog}/overview", "", 401, "unauthenticated", nil, ""},

				{"admin edits", "grace", "PATCH", "/api/v1/programmes/{prog}", `{"description":"Leaders mentor leaders.","default_capacity":2}`,
					200, "", []string{"programme.update:ok"}, `"description":"Leaders mentor leaders."`},
				{"coordinator opens enrolment", "carol", "PATCH", "/api/v1/programmes/{prog}", `{"enrolment_open":true}`,
					200, "", []string{"programme.enrolment:ok"}, `"enrolment_open":true`},
				{"coordinator cannot rename", "carol", "PATCH", "/api/v1/programmes/{prog}", `{"name":"Carol's"}`, 403, "forbidden", []string{"programme.update:denied"}, ""},
				{"coordinator of another programme cannot close enrolment", "heidi", "PATCH", "/api/v1/programmes/{prog}", `{"enrolment_open":false}`,
					403, "forbidden", []string{"programme.enrolment:denied"}, ""},
				{"coordinator of another programme opens hers", "heidi", "PATCH", "/api/v1/programmes/{q}", `{"enrolment_open":true}`,
					200, "", []string{"programme.enrolment:ok"}, `"enrolment_open":true`},
				{"supervisor cannot close enrolment", "erin", "PATCH", "/api/v1/programmes/{prog}", `{"enrolment_open":false}`,
					403, "forbidden", []string{"programme.enrolment:denied"}, ""},
				{"member cannot edit", "alice", "PATCH", "/api/v1/programmes/{prog}", `{"name":"X"}`, 403, "forbidden", []string{"programme.update:denied"}, ""},
				{"other org's admin cannot edit", "mallory", "PATCH", "/api/v1/programmes/{prog}", `{"name":"X"}`, 404, "not_found", []string{"programme.update:denied"}, ""},
				{"anonymous cannot edit", "", "PATCH", "/api/v1/programmes/{prog}", `{"name":"X"}`, 401, "unauthenticated", nil, ""}, // refused at the edge, before the body
				{"deactivated admin cannot edit", "olga", "PATCH", "/api/v1/programmes/{prog}", `{"name":"X"}`, 401, "unauthenticated", nil, ""},
				{"unknown programme", "grace", "PATCH", "/api/v1/programmes/{unknown}", `{"name":"X"}`, 404, "not_found", nil, ""},
				{"empty change", "grace", "PATCH", "/api/v1/programmes/{prog}", `{}`, 400, "invalid", nil, "nothing to change"},
				{"archive", "grace", "PATCH", "/api/v1/programmes/{q}", `{"archived":true}`, 200, "",
					[]string{"programme.update:ok", "programme.enrolment:ok"}, `"enrolment_open":false,"default_capacity":1,"archived":true`},
				{"archived cannot open", "heidi", "PATCH", "/api/v1/programmes/{q}", `{"enrolment_open":true}`, 400, "invalid", nil, "archived"},
				{"bring back", "grace", "PATCH", "/api/v1/programmes/{q}", `{"archived":false}`, 200, "", []string{"programme.update:ok"}, `"archived":false`},

				{"admin names the staff", "grace", "PUT", "/api/v1/programmes/{prog}/staff",
					`{"coordinators":["carol@northwind.example","{heidi}"],"supervisors":["{erin}"]}`, 200, "", []string{"programme.staff:ok"}, `"supervisors":[{"id":"` + f.env.Users["erin"].ID},
				{"a deactivated person cannot be staff", "grace", "PUT", "/api/v1/programmes/{prog}/staff", `{"coordinators":["{olga}"]}`, 400, "invalid", nil, "coordinators[0]"},
				{"an unknown person cannot be staff", "grace", "PUT", "/api/v1/programmes/{prog}/staff", `{"supervisors":["mallory@globex.example"]}`, 400, "invalid", nil, "supervisors[0]"},
				{"coordinator cannot name staff", "carol", "PUT", "/api/v1/programmes/{prog}/staff", `{"coordinators":["{carol}"]}`, 403, "forbidden", []string{"programme.staff:denied"}, ""},
				{"supervisor cannot name staff", "erin", "PUT", "/api/v1/programmes/{prog}/staff", `{}`, 403, "forbidden", []string{"programme.staff:denied"}, ""},
				{"member cannot name staff", "alice", "PUT", "/api/v1/programmes/{prog}/staff", `{}`, 403, "forbidden", []string{"programme.staff:denied"}, ""},
				{"other org's admin cannot name staff", "mallory", "PUT", "/api/v1/programmes/{prog}/staff", `{}`, 404, "not_found", []string{"programme.staff:denied"}, ""},
				{"anonymous cannot name staff", "", "PUT", "/api/v1/programmes/{prog}/staff", `{}`, 401, "unauthenticated", nil, ""}, // refused at the edge, before the body (TestBadInput/anonymous)
				{"heidi now coordinates P", "heidi", "PATCH", "/api/v1/programmes/{prog}", `{"enrolment_open":false}`, 200, "", []string{"programme.enrolment:ok"}, `"enrolment_open":false`},
				{"the old settings route still works", "heidi", "GET", "/api/v1/programmes/{prog}", "", 200, "", nil, `"can_edit":true`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var body []byte
					ctype := ""
					if tc.body != "" {
						b := tc.body
						for k, v := range f.ids {
							b = strings.ReplaceAll(b, "{"+k+"}", v)
						}
						body, ctype = []byte(b), js
					}
					res := f.do(t, tc.as, tc.method, tc.path, ctype, body)
					if res.status != tc.status {
						t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
					}
					if tc.code != "" && res.errorCode() != tc.code {
						t.Fatalf("error code %q, want %q: %s", res.errorCode(), tc.code, res.body)
					}
					if tc.bodyContains != "" && !strings.Contains(string(res.body), tc.bodyContains) {
						t.Fatalf("body lacks %q: %.600s", tc.bodyContains, res.body)
					}
					if got := contentEvents(res.events); !slices.Equal(got, tc.events) {
						t.Fatalf("audit events %v, want %v", got, tc.events)
					}
				})
			}
			// The staff call replaced P's: carol and heidi coordinate, erin supervises.
			res := f.do(t, "grace", "GET", "/api/v1/programmes/{prog}", "", nil)
			var p struct {
				Coordinators, Supervisors []struct{ ID string }
			}
			if err := json.Unmarshal(res.body, &p); err != nil || len(p.Coordinators) != 2 || len(p.Supervisors) != 1 {
				t.Fatalf("staff: %v %s", err, res.body)
			}
		})
	}
}

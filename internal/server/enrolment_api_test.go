package server_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestEnrolmentAPIScenarios: the enrolment routes by role — a member
// enrols, reads, changes and withdraws their own enrolment; P's
// coordinator (carol) lists P's enrolments with their profiles; the org
// admin (grace), P's supervisor (erin), another programme's coordinator,
// another organisation's admin and anonymous are refused — with the status,
// the audit events and the OpenAPI document (f.do checks each response).
// The demo enrolled heidi in P as a mentee. The cases run in order.
func TestEnrolmentAPIScenarios(t *testing.T) {
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
			q, err := svc.CreateProgramme(ctx, grace, service.NewProgramme{Name: "Peer Circles", Kind: mentorvault.ProgrammePeer})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SetProgrammeStaff(ctx, grace, q.ID, service.ProgrammeStaff{Coordinators: []string{"judy@northwind.example"}}); err != nil {
				t.Fatal(err)
			}
			f.ids["prog"], f.ids["q"] = f.env.Rel.ProgrammeID, q.ID
			const mentor = `{"role":"mentor","topics":["Leadership"],"goals":"help new leads","languages":["English"],"time_zone":"Europe/London",` +
				`"availability":"Monday lunchtimes","capacity":3,"exclusions":["bob@northwind.example"]}`
			const peer = `{"role":"peer","time_zone":"America/New_York"}`
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
				{"heidi reads her enrolment", "heidi", "GET", "/api/v1/programmes/{prog}/enrolment", "", 200, "", []string{"enrolment.read:ok"}, `"role":"mentee","state":"enrolled"`},
				{"alice has none", "alice", "GET", "/api/v1/programmes/{prog}/enrolment", "", 404, "not_found", nil, "not enrolled"},
				{"alice enrols as a mentor", "alice", "PUT", "/api/v1/programmes/{prog}/enrolment", mentor, 200, "", []string{"enrolment.create:ok"},
					`"capacity":3,"exclude_reporting_line":true,"exclusions":[{"id":"` + f.env.Users["bob"].ID},
				{"alice changes it", "alice", "PUT", "/api/v1/programmes/{prog}/enrolment", strings.Replace(mentor, `"capacity":3`, `"capacity":2,"exclude_reporting_line":false`, 1),
					200, "", []string{"enrolment.update:ok"}, `"capacity":2,"exclude_reporting_line":false`},
				{"a peer role in a mentoring programme", "alice", "PUT", "/api/v1/programmes/{prog}/enrolment", peer, 400, "invalid", nil, `"role"`},
				{"an unknown time zone", "alice", "PUT", "/api/v1/programmes/{prog}/enrolment", strings.Replace(mentor, "Europe/London", "Europe/Atlantis", 1),
					400, "invalid", nil, `"time_zone"`},
				{"a topic not on the list", "alice", "PUT", "/api/v1/programmes/{prog}/enrolment", strings.Replace(mentor, `["Leadership"]`, `["Knitting"]`, 1),
					400, "invalid", nil, `"topics"`},
				{"an unknown field", "alice", "PUT", "/api/v1/programmes/{prog}/enrolment", `{"role":"mentor","salary":1}`, 400, "invalid", nil, "unknown field"},
				{"Q is closed", "alice", "PUT", "/api/v1/programmes/{q}/enrolment", peer, 409, "conflict", []string{"programme.enrol:denied"}, "closed"},
				{"judy opens Q", "judy", "PATCH", "/api/v1/programmes/{q}", `{"enrolment_open":true,"topics":["Listening","Coaching"]}`, 200, "",
					[]string{"programme.topics:ok", "programme.enrolment:ok"}, `"topics":["Listening","Coaching"]`},
				{"alice joins Q as a peer", "alice", "PUT", "/api/v1/programmes/{q}/enrolment", peer, 200, "", []string{"enrolment.create:ok"}, `"role":"peer","state":"enrolled","topics":[]`},
				{"other org's admin cannot enrol", "mallory", "PUT", "/api/v1/programmes/{prog}/enrolment", peer, 404, "not_found", []string{"programme.enrol:denied"}, ""},
				{"anonymous cannot enrol", "", "PUT", "/api/v1/programmes/{prog}/enrolment", mentor, 401, "unauthenticated", nil, ""}, // answered before the body is read
				{"anonymous cannot withdraw", "", "DELETE", "/api/v1/programmes/{prog}/enrolment", "", 401, "unauthenticated", []string{"programme.view:denied"}, ""},

				{"carol lists P's enrolled people", "carol", "GET", "/api/v1/programmes/{prog}/enrolments", "", 200, "", []string{"enrolment.list:ok"}, `"goals":"help new leads"`},
				{"carol pages them", "carol", "GET", "/api/v1/programmes/{prog}/enrolments?limit=1", "", 200, "", []string{"enrolment.list:ok"}, `"limit":1,"offset":0,"next_offset":1`},
				{"a bad page", "carol", "GET", "/api/v1/programmes/{prog}/enrolments?limit=x", "", 400, "invalid", nil, "limit"},
				{"the org admin may not list them", "grace", "GET", "/api/v1/programmes/{prog}/enrolments", "", 403, "forbidden", []string{"enrolment.list:denied"}, ""},
				{"the supervisor may not", "erin", "GET", "/api/v1/programmes/{prog}/enrolments", "", 403, "forbidden", []string{"enrolment.list:denied"}, ""},
				{"Q's coordinator may not list P's", "judy", "GET", "/api/v1/programmes/{prog}/enrolments", "", 403, "forbidden", []string{"enrolment.list:denied"}, ""},
				{"Q's coordinator lists Q's", "judy", "GET", "/api/v1/programmes/{q}/enrolments", "", 200, "", []string{"enrolment.list:ok"}, `"role":"peer"`},
				{"a member may not", "bob", "GET", "/api/v1/programmes/{prog}/enrolments", "", 403, "forbidden", []string{"enrolment.list:denied"}, ""},
				{"other org's admin: not found", "mallory", "GET", "/api/v1/programmes/{prog}/enrolments", "", 404, "not_found", []string{"enrolment.list:denied"}, ""},
				{"anonymous may not", "", "GET", "/api/v1/programmes/{prog}/enrolments", "", 401, "unauthenticated", []string{"enrolment.list:denied"}, ""},

				{"heidi withdraws", "heidi", "DELETE", "/api/v1/programmes/{prog}/enrolment", "", 200, "", []string{"enrolment.withdraw:ok"},
					`"role":"mentee","state":"withdrawn","topics":[],"topics_other":"","goals":"","languages":[],"time_zone":"","availability":""`},
				{"withdrawing again changes nothing", "heidi", "DELETE", "/api/v1/programmes/{prog}/enrolment", "", 200, "", nil, `"state":"withdrawn"`},
				{"the org admin has nothing to withdraw", "grace", "DELETE", "/api/v1/programmes/{prog}/enrolment", "", 404, "not_found", nil, ""},
				{"carol sees heidi withdrawn, her profile gone", "carol", "GET", "/api/v1/programmes/{prog}/enrolments", "", 200, "", []string{"enrolment.list:ok"},
					`"name":"Heidi Hall","email":"heidi@northwind.example"},"role":"mentee","state":"withdrawn","topics":[],"topics_other":"","goals":""`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var body []byte
					ctype := ""
					if tc.body != "" {
						body, ctype = []byte(tc.body), "application/json"
					}
					res := f.do(t, tc.as, tc.method, tc.path, ctype, body)
					if res.status != tc.status {
						t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
					}
					if tc.code != "" && res.errorCode() != tc.code {
						t.Fatalf("error code %q, want %q: %s", res.errorCode(), tc.code, res.body)
					}
					if tc.bodyContains != "" && !strings.Contains(string(res.body), tc.bodyContains) {
						t.Fatalf("body lacks %q: %.900s", tc.bodyContains, res.body)
					}
					if got := contentEvents(res.events); !slices.Equal(got, tc.events) {
						t.Fatalf("audit events %v, want %v", got, tc.events)
					}
				})
			}
		})
	}
}

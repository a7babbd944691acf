package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestPeopleAPIScenarios: every people route, by role, with its status, its
// audit events and the OpenAPI document (f.do checks each response). The
// cases run in order: bob is deactivated, then his replayed token fails.
func TestPeopleAPIScenarios(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			ctx := context.Background()
			org, err := f.env.Svc.OperatorCreateOrg(ctx, "Globex")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.env.Svc.OperatorAddUser(ctx, service.NewUser{OrgID: org.ID, Email: "mallory@globex.example", Name: "Mallory Moss",
				Password: "correct horse battery", OrgAdmin: true}); err != nil {
				t.Fatal(err)
			}
			if f.tokens["mallory"], _, err = f.env.Svc.OperatorCreateToken(ctx, "mallory@globex.example", "test"); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"alice", "bob", "dave", "grace", "heidi"} {
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
				{"admin lists people", "grace", "GET", "/api/v1/people", "", 200, "", []string{"people.list:ok"}, `"email":"bob@northwind.example"`},
				{"admin searches", "grace", "GET", "/api/v1/people?q=ALI&limit=5", "", 200, "", []string{"people.list:ok"}, `"name":"Alice Archer"`},
				{"a page says where the next starts", "grace", "GET", "/api/v1/people?limit=2&offset=1", "", 200, "", []string{"people.list:ok"}, `"next_offset":3`},
				{"bad offset", "grace", "GET", "/api/v1/people?offset=-1", "", 400, "invalid", nil, "offset"},
				{"bad limit", "grace", "GET", "/api/v1/people?limit=501", "", 400, "invalid", nil, "limit"},
				{"member cannot list", "heidi", "GET", "/api/v1/people", "", 403, "forbidden", []string{"people.list:denied"}, ""},
				{"coordinator cannot list", "carol", "GET", "/api/v1/people", "", 403, "forbidden", []string{"people.list:denied"}, ""},
				{"supervisor cannot list", "erin", "GET", "/api/v1/people", "", 403, "forbidden", []string{"people.list:denied"}, ""},
				{"anonymous cannot list", "", "GET", "/api/v1/people", "", 401, "unauthenticated", []string{"people.list:denied"}, ""},
				{"other org's admin lists their own", "mallory", "GET", "/api/v1/people", "", 200, "", []string{"people.list:ok"}, `"email":"mallory@globex.example"`},
				{"admin adds a person", "grace", "POST", "/api/v1/people", `{"name":"Nina New","email":"nina@northwind.example","manager_email":"dave@northwind.example"}`,
					201, "", []string{"people.create:ok"}, `"url":"http`},
				{"email taken", "grace", "POST", "/api/v1/people", `{"name":"Nina Two","email":"nina@northwind.example"}`, 409, "conflict", nil, "already exists"},
				{"bad email", "grace", "POST", "/api/v1/people", `{"name":"X","email":"not an email"}`, 400, "invalid", nil, "email"},
				{"unknown field (no password may be set)", "grace", "POST", "/api/v1/people", `{"name":"X","email":"x@northwind.example","password":"secret secret"}`, 400, "invalid", nil, "unknown field"},
				{"member cannot add", "heidi", "POST", "/api/v1/people", `{"name":"X","email":"x@northwind.example"}`, 403, "forbidden", []string{"people.create:denied"}, ""},
				{"admin views a person", "grace", "GET", "/api/v1/people/{bob}", "", 200, "", nil, `"manager":{"id":"` + f.ids["dave"]},
				{"a person never carries a password", "grace", "GET", "/api/v1/people/{bob}", "", 200, "", nil, `"has_password":true`},
				{"member cannot view", "heidi", "GET", "/api/v1/people/{bob}", "", 403, "forbidden", []string{"people.view:denied"}, ""},
				{"other org's admin: not found", "mallory", "GET", "/api/v1/people/{bob}", "", 404, "not_found", []string{"people.view:denied"}, ""},
				{"unknown person", "grace", "GET", "/api/v1/people/{unknown}", "", 404, "not_found", nil, ""},
				{"malformed id", "grace", "GET", "/api/v1/people/not-an-id", "", 404, "not_found", nil, ""},
				{"admin renames", "grace", "PATCH", "/api/v1/people/{heidi}", `{"name":"Heidi Hall-Jones"}`, 200, "", []string{"people.update:ok"}, `"name":"Heidi Hall-Jones"`},
				{"a cycle in the manager chain", "grace", "PATCH", "/api/v1/people/{dave}", `{"manager_id":"` + f.ids["bob"] + `"}`, 400, "invalid", nil, "management chain"},
				{"the last admin keeps the role", "grace", "PATCH", "/api/v1/people/{grace}", `{"org_admin":false}`, 409, "conflict", nil, "last active admin"},
				{"member cannot edit", "alice", "PATCH", "/api/v1/people/{heidi}", `{"name":"H"}`, 403, "forbidden", []string{"people.update:denied"}, ""},
				{"other org's admin cannot edit", "mallory", "PATCH", "/api/v1/people/{heidi}", `{"name":"H"}`, 404, "not_found", []string{"people.update:denied"}, ""},
				{"grant admin", "grace", "PATCH", "/api/v1/people/{heidi}", `{"org_admin":true}`, 200, "", []string{"people.update:ok"}, `"org_admin":true`},
				{"re-invite someone with a password", "grace", "POST", "/api/v1/people/{bob}/invite", "", 409, "conflict", nil, "already set a password"},
				{"member cannot deactivate", "alice", "POST", "/api/v1/people/{bob}/deactivate", "", 403, "forbidden", []string{"people.deactivate:denied"}, ""},
				{"bob's token works", "bob", "GET", "/api/v1/me", "", 200, "", nil, `"email":"bob@northwind.example"`},
				{"admin deactivates bob", "grace", "POST", "/api/v1/people/{bob}/deactivate", "", 200, "",
					[]string{"relationship.pause:ok", "people.deactivate:ok"}, `"active":false`},
				{"bob's replayed token fails", "bob", "GET", "/api/v1/me", "", 401, "unauthenticated", nil, ""},
				{"deactivate twice", "grace", "POST", "/api/v1/people/{bob}/deactivate", "", 409, "conflict", nil, "already deactivated"},
				{"alice sees the pause", "alice", "GET", "/api/v1/relationships/{rel}", "", 200, "", nil, `"status":"paused"`},
				{"admin reactivates bob", "grace", "POST", "/api/v1/people/{bob}/reactivate", "", 200, "", []string{"people.reactivate:ok"}, `"active":true`},
				{"a revoked token stays revoked", "bob", "GET", "/api/v1/me", "", 401, "unauthenticated", nil, ""},
				{"reactivate twice", "grace", "POST", "/api/v1/people/{bob}/reactivate", "", 409, "conflict", nil, "already active"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var body []byte
					ctype := ""
					if tc.body != "" {
						body, ctype = []byte(tc.body), js
					}
					res := f.do(t, tc.as, tc.method, tc.path, ctype, body)
					if res.status != tc.status {
						t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
					}
					if tc.code != "" && res.errorCode() != tc.code {
						t.Fatalf("error code %q, want %q: %s", res.errorCode(), tc.code, res.body)
					}
					if tc.bodyContains != "" && !strings.Contains(string(res.body), tc.bodyContains) {
						t.Fatalf("body lacks %q: %.400s", tc.bodyContains, res.body)
					}
					if strings.Contains(string(res.body), "argon2") || strings.Contains(string(res.body), "password_hash") {
						t.Fatalf("a password hash in the body: %.400s", res.body)
					}
					if got := contentEvents(res.events); !slices.Equal(got, tc.events) {
						t.Fatalf("audit events %v, want %v", got, tc.events)
					}
				})
			}

			// Invite again: a person who never set a password gets a new link;
			// the one from their creation stops working.
			res := f.do(t, "grace", "GET", "/api/v1/people?q=nina", "", nil)
			var list struct {
				People []struct {
					ID         string `json:"id"`
					Invitation string `json:"invitation"`
					Can        struct{ Invite bool }
				}
			}
			if err := json.Unmarshal(res.body, &list); err != nil || len(list.People) != 1 || list.People[0].Invitation != "open" || !list.People[0].Can.Invite {
				t.Fatalf("nina: %v %s", err, res.body)
			}
			f.ids["nina"] = list.People[0].ID
			res = f.do(t, "grace", "POST", "/api/v1/people/{nina}/invite", "", nil)
			if res.status != 200 || !strings.Contains(string(res.body), `"new_invitation":{"token":"mvi_`) {
				t.Fatalf("invite again: %d %s", res.status, res.body)
			}
			if got := contentEvents(res.events); !slices.Equal(got, []string{"people.invite:ok"}) {
				t.Fatalf("events %v", got)
			}
		})
	}
}

// TestPeopleImportAPI: the CSV body, a dry run that writes nothing, an
// apply with errors answered 400 with every error and nothing written,
// an apply, the same file again changing nothing; a member is refused.
func TestPeopleImportAPI(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			const csv = "text/csv"
			good := "\ufeffemail;name;manager_email\nnina@northwind.example;Nina New;dave@northwind.example\nomar@northwind.example;Omar Old;nina@northwind.example\n"
			bad := "email,name,manager_email\nnot-an-email,X,\nz@northwind.example,Z,nobody@northwind.example\n"
			for _, tc := range []struct {
				name, as, path, ctype, body string
				status                      int
				events                      []string
				contains                    string
			}{
				{"dry run", "grace", "/api/v1/people/import?dry_run=true", csv, good, 200, []string{"people.import:ok"}, `"created":2`},
				{"nothing written by the dry run", "grace", "/api/v1/people?q=nina", "", "", 200, []string{"people.list:ok"}, `"people":[]`},
				{"errors: 400, nothing written", "grace", "/api/v1/people/import", csv, bad, 400, []string{"people.import:failed"}, `"errors":[{"row":2,"field":"email"`},
				{"the second error too", "grace", "/api/v1/people/import", csv, bad, 400, []string{"people.import:failed"}, `{"row":3,"field":"manager_email"`},
				{"apply", "grace", "/api/v1/people/import", csv, good, 200, []string{"people.import:ok"}, `"created":2,"updated":0,"unchanged":0`},
				{"the same file again", "grace", "/api/v1/people/import", csv, good, 200, []string{"people.import:ok"}, `"created":0,"updated":0,"unchanged":2`},
				{"not CSV", "grace", "/api/v1/people/import", "application/json", `{}`, 415, nil, ""},
				{"bad query", "grace", "/api/v1/people/import?dry_run=perhaps", csv, good, 400, nil, "dry_run"},
				{"member refused", "heidi", "/api/v1/people/import", csv, good, 403, []string{"people.create:denied"}, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					method := "POST"
					var body []byte
					if tc.body != "" {
						body = []byte(tc.body)
					} else {
						method = "GET"
					}
					res := f.do(t, tc.as, method, tc.path, tc.ctype, body)
					if res.status != tc.status || !strings.Contains(string(res.body), tc.contains) {
						t.Fatalf("%d %s", res.status, res.body)
					}
					if got := contentEvents(res.events); !slices.Equal(got, tc.events) {
						t.Fatalf("audit events %v, want %v", got, tc.events)
					}
				})
			}
		})
	}
}

package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestSSOProviderAdmin: an org admin adds, lists and removes sign-in
// providers through the API and the People pages; the sign-in page shows
// and then drops the button; members and other organisations' admins are
// refused; the secret itself is never stored or shown.
func TestSSOProviderAdmin(t *testing.T) {
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
			secret := filepath.Join(t.TempDir(), "oidc-secret")
			if err := os.WriteFile(secret, []byte("the-client-secret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			const js = "application/json"
			body := `{"name":"Northwind SSO","issuer":"https://login.northwind.example","client_id":"mv","secret_file":"` + secret +
				`","domains":["Northwind.test"],"sso_only":true,"create_users":false}`

			res := f.do(t, "grace", "POST", "/api/v1/sso-providers", js, []byte(body))
			var p struct {
				ID           string   `json:"id"`
				CallbackPath string   `json:"callback_path"`
				Domains      []string `json:"domains"`
			}
			if res.status != 201 || json.Unmarshal(res.body, &p) != nil {
				t.Fatalf("add: %d %s", res.status, res.body)
			}
			if p.CallbackPath != "/login/sso/"+p.ID+"/callback" || !slices.Equal(p.Domains, []string{"northwind.test"}) {
				t.Fatalf("added %s", res.body)
			}
			if got := contentEvents(res.events); !slices.Equal(got, []string{"org.sso.add:ok"}) {
				t.Fatalf("events %v", got)
			}
			f.ids["sso"] = p.ID
			for _, tc := range []struct {
				name, as, method, path, body string
				status                       int
				contains                     string
			}{
				{"the same issuer and client twice", "grace", "POST", "/api/v1/sso-providers", body, 409, "already exists"},
				{"an unreadable secret file", "grace", "POST", "/api/v1/sso-providers", strings.Replace(body, secret, secret+"-missing", 1), 400, "cannot be read"},
				{"not an issuer URL", "grace", "POST", "/api/v1/sso-providers", strings.Replace(body, "https://login.northwind.example", "login", 1), 400, `"issuer"`},
				{"the secret itself is refused as a field", "grace", "POST", "/api/v1/sso-providers", strings.Replace(body, `"client_id"`, `"client_secret":"x","client_id"`, 1), 400, "unknown field"},
				{"a member cannot add", "alice", "POST", "/api/v1/sso-providers", body, 403, ""},
				{"a member cannot list", "alice", "GET", "/api/v1/sso-providers", "", 403, ""},
				{"the admin lists, with the secret's file only", "grace", "GET", "/api/v1/sso-providers", "", 200, `"secret_file":"` + secret},
				{"another organisation sees none of it", "mallory", "GET", "/api/v1/sso-providers", "", 200, `{"providers":[]}`},
				{"another organisation cannot remove it", "mallory", "DELETE", "/api/v1/sso-providers/{sso}", "", 404, ""},
				{"a member cannot remove it", "alice", "DELETE", "/api/v1/sso-providers/{sso}", "", 403, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var b []byte
					ct := ""
					if tc.body != "" {
						b, ct = []byte(tc.body), js
					}
					res := f.do(t, tc.as, tc.method, tc.path, ct, b)
					if res.status != tc.status || !strings.Contains(string(res.body), tc.contains) {
						t.Fatalf("%d %s, want %d with %q", res.status, res.body, tc.status, tc.contains)
					}
					if strings.Contains(string(res.body), "the-client-secret") {
						t.Fatalf("the secret in the answer: %s", res.body)
					}
				})
			}
			var stored int
			if err := f.env.DB.SQLDB().QueryRow(`SELECT COUNT(*) FROM oidc_providers WHERE secret_file LIKE '%the-client-secret%'`).Scan(&stored); err != nil || stored != 0 {
				t.Fatalf("the secret is stored: %d %v", stored, err)
			}

			// The sign-in page shows the button; the admin's page lists the
			// provider with the redirect URI to register; a member is refused.
			anon := newWeb(t, f.ts.URL)
			if _, page := anon.get("/login"); !strings.Contains(page, "Sign in with Northwind SSO") {
				t.Fatalf("no button on the sign-in page")
			}
			alice := newWeb(t, f.ts.URL)
			alice.login("alice@northwind.example")
			if st, _ := alice.get("/people/sso"); st != http.StatusForbidden {
				t.Fatalf("a member opened the providers page: %d", st)
			}
			grace := newWeb(t, f.ts.URL)
			csrf := grace.login("grace@northwind.example")
			if _, page := grace.get("/people"); !strings.Contains(page, `href="/people/sso"`) {
				t.Fatalf("the people page has no link to the providers")
			}
			st, page := grace.get("/people/sso")
			if st != 200 || !strings.Contains(page, "Northwind SSO") || !strings.Contains(page, f.ts.URL+"/login/sso/"+p.ID+"/callback") ||
				!strings.Contains(page, "no password sign-in") {
				t.Fatalf("providers page %d:\n%s", st, page)
			}

			// Add through the form: a bad domain is refused in words and
			// keeps what was typed; a good one shows the redirect URI.
			form := url.Values{"csrf_token": {csrf}, "name": {"Okta"}, "issuer": {"https://northwind.okta.example"}, "client_id": {"okta-client"},
				"secret_file": {secret}, "domains": {"not a domain"}, "create_users": {"yes"}}
			st, page = grace.post("/people/sso", form, nil)
			if st != 400 || !strings.Contains(page, "must be email domains") || !strings.Contains(page, `value="okta-client"`) {
				t.Fatalf("bad domain: %d\n%s", st, page)
			}
			form.Set("domains", "northwind.example, northwind.org")
			st, page = grace.post("/people/sso", form, nil)
			m := regexp.MustCompile(`/login/sso/([0-9a-f-]+)/callback</code></p>`).FindStringSubmatch(page)
			if st != 200 || !strings.Contains(page, "Okta is added") || m == nil {
				t.Fatalf("add by form: %d\n%s", st, page)
			}
			list, err := f.env.Svc.SSOProviders(ctx, f.env.As("grace"))
			if err != nil || len(list) != 2 {
				t.Fatalf("providers %v %v", list, err)
			}

			// sso_only: a password sign-in of the provider's domain is refused.
			if _, err := f.env.Svc.Login(ctx, "someone@northwind.test", "correct horse battery staple", "10.0.0.1"); err == nil ||
				!strings.Contains(err.Error(), "Sign in with Northwind SSO") {
				t.Fatalf("sso_only: %v", err)
			}

			// Remove: the button goes; the audit says who.
			head := f.env.Head(t)
			if st, _ := grace.post("/people/sso/"+m[1]+"/remove", url.Values{"csrf_token": {csrf}}, nil); st != http.StatusSeeOther {
				t.Fatalf("remove: %d", st)
			}
			if evs := f.env.Events(t, head); len(evs) != 1 || evs[0].Action != "org.sso.remove" || evs[0].ActorID != f.env.Users["grace"].ID {
				t.Fatalf("audit %+v", evs)
			}
			if _, page := anon.get("/login"); strings.Contains(page, "Sign in with Okta") || !strings.Contains(page, "Sign in with Northwind SSO") {
				t.Fatalf("the removed provider's button is still shown")
			}
			res = f.do(t, "grace", "DELETE", "/api/v1/sso-providers/{sso}", "", nil)
			if res.status != 204 {
				t.Fatalf("remove by API: %d %s", res.status, res.body)
			}
			if res := f.do(t, "grace", "DELETE", "/api/v1/sso-providers/{sso}", "", nil); res.status != 404 {
				t.Fatalf("remove twice: %d", res.status)
			}
			// With the sso_only provider gone, a password works again.
			if _, err := f.env.Svc.Login(ctx, "someone@northwind.test", "correct horse battery staple", "10.0.0.1"); err == nil ||
				strings.Contains(err.Error(), "Sign in with") {
				t.Fatalf("sso_only outlived its provider: %v", err)
			}
		})
	}
}

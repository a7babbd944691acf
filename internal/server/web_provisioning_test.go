package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestWebProvisioning: an org admin makes a provisioning client on the
// People area's provisioning page and sees its token once; the token
// works against /scim/v2 until the admin revokes it there; a member is
// refused the page; the page costs at most two transactions.
func TestWebProvisioning(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			admin := newWeb(t, f.ts.URL)
			csrf := admin.login("grace@northwind.example")
			if _, page := admin.get("/people"); !strings.Contains(page, `href="/people/provisioning"`) {
				t.Error("the people page has no link to provisioning")
			}
			before := f.env.Txs.Begun()
			st, page := admin.get("/people/provisioning")
			if st != http.StatusOK || !strings.Contains(page, f.ts.URL+"/scim/v2") || !strings.Contains(page, "No provisioning clients yet") {
				t.Fatalf("GET /people/provisioning: %d %.600s", st, page)
			}
			if n := f.env.Txs.Begun() - before; n > 2 {
				t.Errorf("the page ran %d transactions", n)
			}
			st, _, page = postTo(t, admin, "/people/provisioning", vals("name", "Entra ID", "csrf_token", csrf))
			token := regexp.MustCompile(`mvscim_[A-Za-z0-9_-]+`).FindString(page)
			if st != http.StatusOK || token == "" || !strings.Contains(page, "will not be shown again") {
				t.Fatalf("make a client: %d %.600s", st, page)
			}
			if _, page := admin.get("/people/provisioning"); strings.Contains(page, token) || !strings.Contains(page, "Entra ID") {
				t.Error("the page shows the token again, or not the client")
			}
			scimGet := func() int {
				req, _ := http.NewRequest("GET", f.ts.URL+"/scim/v2/Users?count=1", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if st := scimGet(); st != 200 {
				t.Fatalf("the new token: %d", st)
			}
			if st, _, page := postTo(t, admin, "/people/provisioning", vals("name", "", "csrf_token", csrf)); st != 400 || !strings.Contains(page, "Name must be") {
				t.Errorf("an empty name: %d %.400s", st, errorText(page))
			}
			_, page = admin.get("/people/provisioning")
			action := regexp.MustCompile(`action="(/people/provisioning/[0-9a-f-]+/revoke)"`).FindStringSubmatch(page)
			if action == nil {
				t.Fatalf("no revoke button: %.600s", page)
			}
			if st, loc, _ := postTo(t, admin, action[1], vals("csrf_token", csrf)); st != http.StatusSeeOther || loc != "/people/provisioning" {
				t.Errorf("revoke: %d to %s", st, loc)
			}
			if _, page := admin.get("/people/provisioning?done=revoked"); !strings.Contains(page, "no longer works") || !strings.Contains(page, "revoked") {
				t.Errorf("after revoking: %.600s", page)
			}
			if st := scimGet(); st != 401 {
				t.Errorf("the revoked token: %d", st)
			}
			member := newWeb(t, f.ts.URL)
			member.login("heidi@northwind.example")
			if st, _ := member.get("/people/provisioning"); st != http.StatusForbidden {
				t.Errorf("a member gets the page: %d", st)
			}
		})
	}
}

package scim_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/scim"
	"github.com/mentorvault/mentorvault/internal/server"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// fixture is the demo organisation (northwind) behind a real server, with
// one provisioning client made by its org admin, grace.
type fixture struct {
	t     *testing.T
	env   *mvtest.Env
	ts    *httptest.Server
	token string
}

func start(t *testing.T, b sqlstoretest.Backend) *fixture {
	t.Helper()
	env := mvtest.New(t, b.Open(t))
	srv, err := server.New(server.Config{Service: env.Svc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	_, token, err := env.Svc.AddSCIMClient(context.Background(), env.As("grace"), "Entra ID")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, env: env, ts: ts, token: token}
}

// response is one answer, decoded.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (f *fixture) do(token, method, path, body string) response {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.ts.URL+"/scim/v2"+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if len(b) > 0 {
		if ct := resp.Header.Get("Content-Type"); ct != scim.ContentType {
			f.t.Errorf("%s %s: Content-Type %q, want %s", method, path, ct, scim.ContentType)
		}
		if err := json.Unmarshal(b, &out.body); err != nil {
			f.t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, b)
		}
	}
	return out
}

// want checks the status; for an error, the RFC 7644 §3.12 shape: the
// Error schema, status as a string, and scimType when one is expected.
func (r response) want(t *testing.T, status int, scimType string) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if status >= 400 {
		if !hasSchema(r.body, scim.SchemaError) {
			t.Errorf("error without the Error schema: %s", r.raw)
		}
		if s, ok := r.body["status"].(string); !ok || s != itoa(status) {
			t.Errorf("error status %v, want the string %q", r.body["status"], itoa(status))
		}
		if got, _ := r.body["scimType"].(string); got != scimType {
			t.Errorf("scimType %q, want %q: %s", got, scimType, r.raw)
		}
		if d, _ := r.body["detail"].(string); d == "" {
			t.Errorf("error without a detail: %s", r.raw)
		}
	}
	return r
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func hasSchema(m map[string]any, urn string) bool {
	list, _ := m["schemas"].([]any)
	return slices.Contains(list, any(urn))
}

func (r response) str(keys ...string) string {
	var v any = r.body
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

func (r response) num(key string) int {
	n, _ := r.body[key].(float64)
	return int(n)
}

func (r response) resources() []map[string]any {
	list, _ := r.body["Resources"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		m, _ := x.(map[string]any)
		out = append(out, m)
	}
	return out
}

func (f *fixture) user(id string) *mentorvault.User {
	f.t.Helper()
	tx, err := f.env.DB.BeginTx(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	defer tx.Rollback()
	u, err := tx.FindUserByID(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// events returns the actions audited after seq, as "action:outcome".
func (f *fixture) events(after int64) []string {
	var out []string
	for _, e := range f.env.Events(f.t, after) {
		out = append(out, e.Action+":"+e.Outcome)
		if strings.Contains(e.Detail, f.token) || strings.Contains(e.Detail, "mvscim_") {
			f.t.Errorf("audit event %s carries the provisioning token: %s", e.Action, e.Detail)
		}
	}
	return out
}

func wantEvents(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("audit events %v lack %s", got, w)
		}
	}
}

func orgSize(t *testing.T, f *fixture) int {
	t.Helper()
	tx, err := f.env.DB.BeginTx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	us, err := tx.FindUsers(context.Background(), f.env.Users["grace"].OrgID)
	if err != nil {
		t.Fatal(err)
	}
	return len(us)
}

// TestSCIMConformance checks what RFC 7643 and 7644 require of the
// endpoints: discovery, the list response, paging, filters, meta, errors,
// uniqueness, authentication and the organisation boundary.
func TestSCIMConformance(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := start(t, b)
			ctx := context.Background()
			n := orgSize(t, f)

			// Discovery (RFC 7644 §4), without a token.
			spc := f.do("", "GET", "/ServiceProviderConfig", "").want(t, 200, "")
			if !hasSchema(spc.body, scim.SchemaSPConfig) || spc.body["patch"].(map[string]any)["supported"] != true ||
				spc.body["bulk"].(map[string]any)["supported"] != false || spc.body["filter"].(map[string]any)["supported"] != true {
				t.Errorf("ServiceProviderConfig: %s", spc.raw)
			}
			schemas := f.do("", "GET", "/Schemas", "").want(t, 200, "")
			if !hasSchema(schemas.body, scim.SchemaList) || schemas.num("totalResults") != 3 {
				t.Errorf("Schemas: %s", schemas.raw)
			}
			var ids []string
			for _, s := range schemas.resources() {
				ids = append(ids, s["id"].(string))
			}
			for _, urn := range []string{scim.SchemaUser, scim.SchemaGroup, scim.SchemaEnterprise} {
				if !slices.Contains(ids, urn) {
					t.Errorf("Schemas lacks %s", urn)
				}
				f.do("", "GET", "/Schemas/"+urn, "").want(t, 200, "")
			}
			rts := f.do("", "GET", "/ResourceTypes", "").want(t, 200, "")
			if rts.num("totalResults") != 2 || rts.resources()[0]["endpoint"] != "/Users" || rts.resources()[1]["endpoint"] != "/Groups" {
				t.Errorf("ResourceTypes: %s", rts.raw)
			}
			f.do("", "GET", "/ResourceTypes/User", "").want(t, 200, "")
			f.do("", "GET", "/Schemas/urn:nope", "").want(t, 404, "")
			f.do(f.token, "GET", "/Nope", "").want(t, 404, "")

			// No token, a malformed one, an unknown one, another scheme.
			for _, tok := range []string{"", "not-a-token", "mvscim_unknown"} {
				r := f.do(tok, "GET", "/Users", "").want(t, 401, "")
				if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without WWW-Authenticate: Bearer")
				}
			}
			// An API token is no provisioning token.
			apiToken, _, err := f.env.Svc.OperatorCreateToken(ctx, "grace@northwind.example", "api")
			if err != nil {
				t.Fatal(err)
			}
			f.do(apiToken, "GET", "/Users", "").want(t, 401, "")

			// The list response (RFC 7644 §3.4.2).
			all := f.do(f.token, "GET", "/Users", "").want(t, 200, "")
			if !hasSchema(all.body, scim.SchemaList) || all.num("totalResults") != n || all.num("itemsPerPage") != n || all.num("startIndex") != 1 {
				t.Fatalf("list: total %d, items %d, start %d; want %d, %d, 1", all.num("totalResults"), all.num("itemsPerPage"), all.num("startIndex"), n, n)
			}
			for _, u := range all.resources() {
				meta := u["meta"].(map[string]any)
				if !hasSchema(u, scim.SchemaUser) || meta["resourceType"] != "User" || meta["location"] != f.ts.URL+"/scim/v2/Users/"+u["id"].(string) ||
					meta["created"] == "" || meta["lastModified"] == "" {
					t.Errorf("user resource: %v", u)
				}
				if _, ok := u["password"]; ok {
					t.Errorf("a user carries a password attribute")
				}
			}
			// Paging: startIndex is 1-based; count bounds the page.
			pg := f.do(f.token, "GET", "/Users?startIndex=2&count=3", "").want(t, 200, "")
			if pg.num("totalResults") != n || pg.num("itemsPerPage") != 3 || pg.num("startIndex") != 2 ||
				pg.resources()[0]["id"] != all.resources()[1]["id"] || pg.resources()[2]["id"] != all.resources()[3]["id"] {
				t.Errorf("page 2..4: %s", pg.raw)
			}
			if c := f.do(f.token, "GET", "/Users?count=0", "").want(t, 200, ""); c.num("totalResults") != n || c.num("itemsPerPage") != 0 {
				t.Errorf("count=0: %s", c.raw)
			}
			if c := f.do(f.token, "GET", "/Users?startIndex=1000", "").want(t, 200, ""); c.num("totalResults") != n || c.num("itemsPerPage") != 0 {
				t.Errorf("past the end: %s", c.raw)
			}
			f.do(f.token, "GET", "/Users?count=ten", "").want(t, 400, "invalidValue")

			// Filters: attribute names and the operator in any case.
			for _, q := range []string{`userName eq "alice@northwind.example"`, `USERNAME Eq "Alice@Northwind.example"`, `emails.value eq "alice@northwind.example"`} {
				r := f.do(f.token, "GET", "/Users?filter="+urlq(q), "").want(t, 200, "")
				if r.num("totalResults") != 1 || r.resources()[0]["id"] != f.env.Users["alice"].ID {
					t.Errorf("filter %s: %s", q, r.raw)
				}
			}
			if r := f.do(f.token, "GET", "/Users?filter="+urlq(`userName eq "nobody@northwind.example"`), "").want(t, 200, ""); r.num("totalResults") != 0 || len(r.resources()) != 0 {
				t.Errorf("no match: %s", r.raw)
			}
			for _, q := range []string{`name.givenName sw "A"`, `userName co "a"`, `userName eq alice`, `userName eq "a" and active eq true`, `active`} {
				f.do(f.token, "GET", "/Users?filter="+urlq(q), "").want(t, 400, "invalidFilter")
			}

			// Create; the Location is meta.location; uniqueness of userName.
			before := f.env.Head(t)
			cr := f.do(f.token, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nina@northwind.example",
				"externalId":"ext-nina","name":{"givenName":"Nina","familyName":"New"},"active":true}`).want(t, 201, "")
			id := cr.str("id")
			if cr.header.Get("Location") != cr.str("meta", "location") || cr.str("meta", "location") != f.ts.URL+"/scim/v2/Users/"+id ||
				cr.str("userName") != "nina@northwind.example" || cr.str("displayName") != "Nina New" || cr.body["active"] != true {
				t.Errorf("created: %s (Location %s)", cr.raw, cr.header.Get("Location"))
			}
			wantEvents(t, f.events(before), "scim.user.create:ok")
			f.do(f.token, "POST", "/Users", `{"userName":"NINA@northwind.example"}`).want(t, 409, "uniqueness")
			f.do(f.token, "POST", "/Users", `{"userName":"bob@northwind.example"}`).want(t, 409, "uniqueness")
			f.do(f.token, "POST", "/Users", `{"userName":"nina2@northwind.example","emails":[{"value":"alice@northwind.example","primary":true}]}`).want(t, 409, "uniqueness")
			f.do(f.token, "POST", "/Users", `{"displayName":"No Name"}`).want(t, 400, "invalidValue")
			f.do(f.token, "POST", "/Users", `{"userName":"not an email"}`).want(t, 400, "invalidValue")
			f.do(f.token, "POST", "/Users", `{"userName":42}`).want(t, 400, "invalidValue")
			f.do(f.token, "POST", "/Users", `{"userName":`).want(t, 400, "invalidSyntax")

			// Read it back; by externalId; unknown and malformed ids.
			got := f.do(f.token, "GET", "/Users/"+id, "").want(t, 200, "")
			if got.str("externalId") != "ext-nina" || got.str("name", "familyName") != "New" {
				t.Errorf("read back: %s", got.raw)
			}
			if r := f.do(f.token, "GET", "/Users?filter="+urlq(`externalId eq "ext-nina"`), "").want(t, 200, ""); r.num("totalResults") != 1 {
				t.Errorf("externalId filter: %s", r.raw)
			}
			f.do(f.token, "GET", "/Users/"+mentorvault.NewID(), "").want(t, 404, "")
			f.do(f.token, "GET", "/Users/not-an-id", "").want(t, 404, "")
			f.do(f.token, "PATCH", "/Users/"+mentorvault.NewID(), patch(`{"op":"replace","path":"active","value":false}`)).want(t, 404, "")
			f.do(f.token, "DELETE", "/Users/"+mentorvault.NewID(), "").want(t, 404, "")

			// PATCH errors: an unknown op, a read-only attribute, a
			// remove without a path.
			f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"frobnicate","path":"active","value":false}`)).want(t, 400, "invalidSyntax")
			f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"replace","path":"meta","value":{}}`)).want(t, 400, "mutability")
			f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"remove"}`)).want(t, 400, "noTarget")
			f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"replace","path":"active","value":"maybe"}`)).want(t, 400, "invalidValue")

			// Another organisation's client sees none of northwind.
			org, err := f.env.Svc.OperatorCreateOrg(ctx, "Globex")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.env.Svc.OperatorAddUser(ctx, service.NewUser{OrgID: org.ID, Email: "mallory@globex.example", Name: "Mallory Moss",
				Password: "correct horse battery", OrgAdmin: true}); err != nil {
				t.Fatal(err)
			}
			mallory, err := f.env.Svc.OperatorPrincipal(ctx, "mallory@globex.example")
			if err != nil {
				t.Fatal(err)
			}
			_, other, err := f.env.Svc.AddSCIMClient(ctx, mallory, "Okta")
			if err != nil {
				t.Fatal(err)
			}
			ol := f.do(other, "GET", "/Users", "").want(t, 200, "")
			if ol.num("totalResults") != 1 || ol.resources()[0]["userName"] != "mallory@globex.example" {
				t.Errorf("globex's list: %s", ol.raw)
			}
			if r := f.do(other, "GET", "/Users?filter="+urlq(`userName eq "alice@northwind.example"`), "").want(t, 200, ""); r.num("totalResults") != 0 {
				t.Errorf("globex finds alice: %s", r.raw)
			}
			f.do(other, "GET", "/Users/"+id, "").want(t, 404, "")
			f.do(other, "PATCH", "/Users/"+id, patch(`{"op":"replace","path":"active","value":false}`)).want(t, 404, "")
			f.do(other, "DELETE", "/Users/"+f.env.Users["alice"].ID, "").want(t, 404, "")
			f.do(other, "POST", "/Groups", `{"displayName":"Raid","members":[{"value":"`+id+`"}]}`).want(t, 400, "invalidValue")
			if f.user(id).DisabledAt != nil || f.user(f.env.Users["alice"].ID).DisabledAt != nil {
				t.Fatal("another organisation's client deactivated someone")
			}
			// Someone of globex may not be named northwind's manager either.
			f.do(f.token, "PATCH", "/Users/"+id, patch(`{"op":"add","path":"`+scim.SchemaEnterprise+`:manager","value":"`+ol.resources()[0]["id"].(string)+`"}`)).
				want(t, 400, "invalidValue")

			// A client is managed by org admins only, and a revoked one stops at once.
			if _, _, err := f.env.Svc.AddSCIMClient(ctx, f.env.As("alice"), "mine"); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
				t.Errorf("a member adds a client: %v", err)
			}
			cs, err := f.env.Svc.SCIMClients(ctx, f.env.As("grace"))
			if err != nil || len(cs) != 1 || cs[0].LastUsedAt == nil {
				t.Fatalf("clients: %v %v", cs, err)
			}
			if _, err := f.env.Svc.RevokeSCIMClient(ctx, mallory, cs[0].ID); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
				t.Errorf("globex's admin revokes northwind's client: %v", err)
			}
			before = f.env.Head(t)
			if _, err := f.env.Svc.RevokeSCIMClient(ctx, f.env.As("grace"), cs[0].ID); err != nil {
				t.Fatal(err)
			}
			wantEvents(t, f.events(before), "scim.client.revoke:ok")
			f.do(f.token, "GET", "/Users", "").want(t, 401, "")
			f.do(f.token, "POST", "/Users", `{"userName":"late@northwind.example"}`).want(t, 401, "")
			wantEvents(t, f.events(before), "scim.provision:denied")
		})
	}
}

func urlq(s string) string {
	r := strings.NewReplacer(" ", "%20", `"`, "%22", "@", "%40")
	return r.Replace(s)
}

func patch(ops ...string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + strings.Join(ops, ",") + `]}`
}

// signIn returns a session cookie value and an API token of a demo user.
func signIn(t *testing.T, f *fixture, key string) (cookie, token string) {
	t.Helper()
	ctx := context.Background()
	res, err := f.env.Svc.Login(ctx, f.env.Users[key].Email, demo.Password, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err = f.env.Svc.OperatorCreateToken(ctx, f.env.Users[key].Email, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	return res.Token, token
}

// me calls /api/v1/me with a session cookie or an API token.
func me(t *testing.T, f *fixture, cookie, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/me", nil)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "mv_session", Value: cookie})
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// page fetches a signed-in page without following redirects.
func page(t *testing.T, f *fixture, cookie, path string) int {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", f.ts.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "mv_session", Value: cookie})
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (f *fixture) relStatus() mentorvault.RelationshipStatus {
	f.t.Helper()
	tx, err := f.env.DB.BeginTx(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	defer tx.Rollback()
	r, err := tx.FindRelationshipByID(context.Background(), f.env.Rel.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return r.Status
}

// TestSCIMOneTransaction: each provisioning request is one transaction —
// the token check, the decision, the change and its audit event commit
// together (as an API request); discovery needs none.
func TestSCIMOneTransaction(t *testing.T) {
	f := start(t, sqlstoretest.Backend{Name: "sqlite", Open: sqlstoretest.OpenSQLite})
	heidi := f.env.Users["heidi"].ID
	for _, c := range []struct {
		method, path, body string
		txs                int64
	}{
		{"GET", "/ServiceProviderConfig", "", 0},
		{"GET", "/Users", "", 1},
		{"GET", "/Users?filter=" + urlq(`userName eq "heidi@northwind.example"`), "", 1},
		{"GET", "/Users/" + heidi, "", 1},
		{"POST", "/Users", `{"userName":"tx@northwind.example"}`, 1},
		{"PATCH", "/Users/" + heidi, patch(`{"op":"replace","path":"displayName","value":"Heidi H"}`), 1},
		{"PATCH", "/Users/" + heidi, patch(`{"op":"replace","path":"active","value":false}`), 1},
		{"DELETE", "/Users/" + heidi, "", 1},
		{"POST", "/Groups", `{"displayName":"Tx"}`, 1},
		{"GET", "/Groups", "", 1},
	} {
		before := f.env.Txs.Begun()
		if r := f.do(f.token, c.method, c.path, c.body); r.status >= 400 {
			t.Fatalf("%s %s: %d %s", c.method, c.path, r.status, r.raw)
		}
		if got := f.env.Txs.Begun() - before; got != c.txs {
			t.Errorf("%s %s took %d transactions, want %d", c.method, c.path, got, c.txs)
		}
	}
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/server"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// fixture is a seeded server over a real database, with an API token per demo user.
type fixture struct {
	env    *mvtest.Env
	srv    *server.Server
	ts     *httptest.Server
	tokens map[string]string
	ids    map[string]string // placeholders for paths: rel, proposed, alicePriv, aliceShared, bobPriv
	oapi   routers.Router
}

func startFixture(t testing.TB, env *mvtest.Env) *fixture {
	t.Helper()
	return startFixtureLogged(t, env, nil)
}

// startFixtureLogged is startFixture with the server logging to log.
func startFixtureLogged(t testing.TB, env *mvtest.Env, log *slog.Logger) *fixture {
	t.Helper()
	srv, err := server.New(server.Config{Service: env.Svc, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{env: env, srv: srv, ts: httptest.NewServer(srv), tokens: map[string]string{}, ids: map[string]string{}}
	t.Cleanup(f.ts.Close)
	for key := range env.Users {
		raw, _, err := env.Svc.OperatorCreateToken(context.Background(), env.Users[key].Email, "test")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[key] = raw
	}
	ctx := context.Background()
	for _, n := range []struct{ id, who, vis string }{{"alicePriv", "alice", "private"}, {"aliceShared", "alice", "shared"}, {"bobPriv", "bob", "private"}} {
		note, err := env.Svc.CreateNote(ctx, env.As(n.who), env.Rel.ID, "fixture "+n.id, mentorvault.Visibility(n.vis))
		if err != nil {
			t.Fatal(err)
		}
		f.ids[n.id] = note.ID
	}
	f.ids["rel"], f.ids["proposed"] = env.Rel.ID, env.Proposed.ID
	f.ids["unknown"] = mentorvault.NewID()
	f.oapi = openAPIRouter(t, f.ts.URL)
	return f
}

func openAPIRouter(t testing.TB, base string) routers.Router {
	t.Helper()
	doc := loadOpenAPI(t, base)
	doc.Servers = openapi3.Servers{{URL: base}}
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// loadOpenAPI fetches the OpenAPI document the server at base serves and
// checks that it is valid.
func loadOpenAPI(t testing.TB, base string) *openapi3.T {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

func init() {
	// Non-JSON documents the API serves: checked for status and content type only.
	for _, ct := range []string{"text/calendar", "text/markdown", "application/pdf", "application/zip"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

func (f *fixture) path(p string) string {
	return placeholder.ReplaceAllStringFunc(p, func(m string) string { return f.ids[m[1:len(m)-1]] })
}

type result struct {
	status int
	body   []byte
	header http.Header
	events []*mentorvault.AuditEvent
}

func (r result) errorCode() string {
	var e struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// do sends an API request as a demo user ("" for none), checks the response
// against the OpenAPI document, and returns it with the audit events it wrote.
func (f *fixture) do(t *testing.T, as, method, path, contentType string, body []byte) result {
	t.Helper()
	before := f.env.Head(t)
	req, err := http.NewRequest(method, f.ts.URL+f.path(path), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[as])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, body: rb, header: resp.Header, events: f.env.Events(t, before)}
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		f.checkOpenAPI(t, req, body, resp, rb)
	}
	return res
}

// checkOpenAPI validates a response against the operation the document
// declares for the request: every route answers as documented.
func (f *fixture) checkOpenAPI(t *testing.T, req *http.Request, body []byte, resp *http.Response, rb []byte) {
	t.Helper()
	r2, _ := http.NewRequest(req.Method, req.URL.String(), bytes.NewReader(body))
	r2.Header = req.Header.Clone()
	route, params, err := f.oapi.FindRoute(r2)
	if err != nil {
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			return // an undocumented path or method, refused: fine
		}
		t.Fatalf("%s %s answered %d but is not in the OpenAPI document: %v", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r2, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(rb)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("%s %s → %d does not match the OpenAPI document: %v\n%s", req.Method, req.URL.Path, resp.StatusCode, err, rb)
	}
}

// contentEvents drops token.use events, which every bearer request writes.
func contentEvents(evs []*mentorvault.AuditEvent) []string {
	var out []string
	for _, e := range evs {
		if e.Action != "token.use" {
			out = append(out, e.Action+":"+e.Outcome)
		}
	}
	return out
}

func TestAPIScenarios(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			const js = "application/json"
			f.ids["proposedMentor"], f.ids["proposedMentee"] = f.env.Proposed.MentorID, f.env.Proposed.MenteeID
			// bodyLacks lists, by case, what the body must not carry ({placeholders} expanded).
			bodyLacks := map[string][]string{
				"directory hides proposals": {"{proposed}", "{proposedMentor}", "{proposedMentee}",
					f.env.Users["ivan"].Email, f.env.Users["judy"].Email, `"status":"proposed"`},
			}
			for _, tc := range []struct {
				name         string
				as           string
				method, path string
				ctype, body  string
				status       int
				code         string   // error code, if an error
				events       []string // audit events other than token.use
				bodyContains string
			}{
				{"me", "bob", "GET", "/api/v1/me", "", "", 200, "", nil, `"email":"bob@northwind.example"`},
				{"me anonymous", "", "GET", "/api/v1/me", "", "", 401, "unauthenticated", nil, ""},
				{"directory lists the active pair with emails", "heidi", "GET", "/api/v1/directory", "", "", 200, "", nil, `"email":"alice@northwind.example"`},
				{"directory hides proposals", "heidi", "GET", "/api/v1/directory", "", "", 200, "", nil, `"status":"active"`},
				{"relationship public facts", "carol", "GET", "/api/v1/relationships/{rel}", "", "", 200, "", nil, `"status":"active"`},
				{"unlisted proposal is hidden from a member", "heidi", "GET", "/api/v1/relationships/{proposed}", "", "", 404, "not_found", []string{"relationship.view:denied"}, ""},
				{"unknown relationship", "alice", "GET", "/api/v1/relationships/{unknown}", "", "", 404, "not_found", nil, ""},
				{"malformed relationship id", "alice", "GET", "/api/v1/relationships/not-an-id", "", "", 404, "not_found", nil, ""},
				{"mentor lists notes", "alice", "GET", "/api/v1/relationships/{rel}/notes", "", "", 200, "", []string{"note.list:ok"}, "fixture alicePriv"},
				{"mentee lists notes", "bob", "GET", "/api/v1/relationships/{rel}/notes", "", "", 200, "", []string{"note.list:ok"}, "fixture aliceShared"},
				{"coordinator cannot list notes", "carol", "GET", "/api/v1/relationships/{rel}/notes", "", "", 404, "not_found", []string{"note.list:denied"}, ""},
				{"org admin cannot list notes", "grace", "GET", "/api/v1/relationships/{rel}/notes", "", "", 404, "not_found", []string{"note.list:denied"}, ""},
				{"line manager cannot list notes", "dave", "GET", "/api/v1/relationships/{rel}/notes", "", "", 404, "not_found", []string{"note.list:denied"}, ""},
				{"anonymous cannot list notes", "", "GET", "/api/v1/relationships/{rel}/notes", "", "", 401, "unauthenticated", []string{"note.list:denied"}, ""},
				{"author reads private note", "alice", "GET", "/api/v1/relationships/{rel}/notes/{alicePriv}", "", "", 200, "", []string{"note.read:ok"}, "fixture alicePriv"},
				{"partner cannot read private note", "bob", "GET", "/api/v1/relationships/{rel}/notes/{alicePriv}", "", "", 404, "not_found", []string{"note.read:denied"}, ""},
				{"partner reads shared note", "bob", "GET", "/api/v1/relationships/{rel}/notes/{aliceShared}", "", "", 200, "", []string{"note.read:ok"}, "fixture aliceShared"},
				{"coordinator cannot read shared note", "carol", "GET", "/api/v1/relationships/{rel}/notes/{aliceShared}", "", "", 404, "not_found", []string{"note.read:denied"}, ""},
				{"supervisor cannot read shared note", "erin", "GET", "/api/v1/relationships/{rel}/notes/{aliceShared}", "", "", 404, "not_found", []string{"note.read:denied"}, ""},
				{"requester cannot read shared note", "frank", "GET", "/api/v1/relationships/{rel}/notes/{aliceShared}", "", "", 404, "not_found", []string{"note.read:denied"}, ""},
				{"note of another relationship id", "alice", "GET", "/api/v1/relationships/{proposed}/notes/{alicePriv}", "", "", 404, "not_found", nil, ""},
				{"create note", "bob", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"new note","visibility":"shared"}`, 201, "", []string{"note.create:ok"}, `"id":`},
				{"coordinator cannot create note", "carol", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"x","visibility":"shared"}`, 404, "not_found", []string{"note.create:denied"}, ""},
				{"partner cannot edit shared note", "bob", "PATCH", "/api/v1/relationships/{rel}/notes/{aliceShared}", js, `{"body":"hijack"}`, 403, "forbidden", []string{"note.update:denied"}, ""},
				{"author edits note", "alice", "PATCH", "/api/v1/relationships/{rel}/notes/{aliceShared}", js, `{"body":"edited","visibility":"private"}`, 200, "", []string{"note.update:ok"}, `"visibility":"private"`},
				{"audit log for the pair", "bob", "GET", "/api/v1/relationships/{rel}/audit", "", "", 200, "", []string{"audit.read:ok"}, `"action":"audit.read"`},
				{"audit log not for the coordinator", "carol", "GET", "/api/v1/relationships/{rel}/audit", "", "", 404, "not_found", []string{"audit.read:denied"}, ""},
				{"audit log not for the org admin", "grace", "GET", "/api/v1/relationships/{rel}/audit", "", "", 404, "not_found", []string{"audit.read:denied"}, ""},
				{"invitee accepts", "judy", "POST", "/api/v1/relationships/{proposed}/accept", "", "", 200, "", []string{"relationship.accept:ok"}, `"status":"accepted"`},
				{"accept twice", "judy", "POST", "/api/v1/relationships/{proposed}/accept", "", "", 409, "conflict", nil, ""},
				{"a stranger cannot close", "heidi", "POST", "/api/v1/relationships/{rel}/close", "", "", 403, "forbidden", []string{"relationship.close:denied"}, ""},
				{"pause", "alice", "POST", "/api/v1/relationships/{rel}/pause", "", "", 200, "", []string{"relationship.pause:ok"}, `"status":"paused"`},
				{"no notes while paused", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"x","visibility":"shared"}`, 403, "forbidden", []string{"note.create:denied"}, "paused"},
				{"resume", "bob", "POST", "/api/v1/relationships/{rel}/resume", "", "", 200, "", []string{"relationship.resume:ok"}, `"status":"active"`},
				{"propose", "heidi", "POST", "/api/v1/relationships", js, `{"other_email":"grace@northwind.example","my_role":"mentee"}`, 201, "", []string{"relationship.propose:ok"}, `"status":"proposed"`},
				{"create token", "heidi", "POST", "/api/v1/tokens", js, `{"name":"script"}`, 201, "", []string{"token.create:ok"}, `"token":"mvt_`},
				{"list tokens", "heidi", "GET", "/api/v1/tokens", "", "", 200, "", nil, `"name":"script"`},
				{"revoke unknown token", "heidi", "DELETE", "/api/v1/tokens/{unknown}", "", "", 404, "not_found", nil, ""},
				// Bad input: a clear 4xx, nothing stored.
				{"malformed JSON", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":`, 400, "invalid", nil, "not valid JSON"},
				{"unknown field", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"x","visibility":"shared","author":"bob"}`, 400, "invalid", nil, "unknown field"},
				{"wrong type", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":42,"visibility":"shared"}`, 400, "invalid", nil, "wrong type"},
				{"two objects", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"x","visibility":"shared"}{}`, 400, "invalid", nil, "exactly one"},
				{"empty body", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, ``, 400, "invalid", nil, "empty"},
				{"invalid UTF-8", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, "{\"body\":\"\xff\xfe\",\"visibility\":\"shared\"}", 400, "invalid", nil, "UTF-8"},
				{"wrong content type", "alice", "POST", "/api/v1/relationships/{rel}/notes", "text/plain", `{"body":"x","visibility":"shared"}`, 415, "unsupported_media_type", nil, ""},
				{"missing body field", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"visibility":"shared"}`, 400, "invalid", nil, "body"},
				{"bad visibility", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"x","visibility":"public"}`, 400, "invalid", nil, "visibility"},
				{"blank note", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"   ","visibility":"shared"}`, 400, "invalid", nil, "empty"},
				{"oversized note", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"` + strings.Repeat("a", 70<<10) + `","visibility":"shared"}`, 400, "invalid", nil, "too long"},
				{"oversized request", "alice", "POST", "/api/v1/relationships/{rel}/notes", js, `{"body":"` + strings.Repeat("a", 300<<10) + `","visibility":"shared"}`, 413, "too_large", nil, ""},
				{"bad limit", "alice", "GET", "/api/v1/relationships/{rel}/notes?limit=0", "", "", 400, "invalid", nil, "limit"},
				{"bad cursor", "alice", "GET", "/api/v1/relationships/{rel}/notes?before=zzz", "", "", 400, "invalid", nil, "before"},
				{"unknown lifecycle action", "alice", "POST", "/api/v1/relationships/{rel}/explode", "", "", 404, "not_found", nil, ""},
				{"wrong method", "alice", "PUT", "/api/v1/relationships/{rel}/notes", "", "", 405, "method_not_allowed", nil, ""},
				{"unknown endpoint", "alice", "GET", "/api/v1/nothing-here", "", "", 404, "not_found", nil, ""},
				{"bad bearer token", "", "GET", "/api/v1/me", "", "", 401, "unauthenticated", nil, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					notesBefore := countNotes(t, f)
					var body []byte
					if tc.body != "" {
						body = []byte(tc.body)
					}
					as := tc.as
					if tc.name == "bad bearer token" {
						f.tokens["forger"] = "mvt_forged"
						as = "forger"
					}
					res := f.do(t, as, tc.method, tc.path, tc.ctype, body)
					if res.status != tc.status {
						t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
					}
					if tc.code != "" && res.errorCode() != tc.code {
						t.Fatalf("error code %q, want %q: %s", res.errorCode(), tc.code, res.body)
					}
					if tc.bodyContains != "" && !strings.Contains(string(res.body), tc.bodyContains) {
						t.Fatalf("body lacks %q: %.300s", tc.bodyContains, res.body)
					}
					for _, lack := range bodyLacks[tc.name] {
						if lack = f.path(lack); strings.Contains(string(res.body), lack) {
							t.Fatalf("body carries %q: %.300s", lack, res.body)
						}
					}
					if got := contentEvents(res.events); !slices.Equal(got, tc.events) {
						t.Fatalf("audit events %v, want %v", got, tc.events)
					}
					if tc.status >= 400 && countNotes(t, f) != notesBefore {
						t.Fatal("a refused request changed the notes")
					}
					if tc.as != "" && tc.name != "bad bearer token" {
						uses := 0
						for _, e := range res.events {
							if e.Action == "token.use" {
								uses++
							}
						}
						if uses != 1 {
							t.Fatalf("token.use events = %d, want 1", uses)
						}
					}
				})
			}
		})
	}
}

func countNotes(t *testing.T, f *fixture) int {
	t.Helper()
	var n int
	if err := f.env.DB.SQLDB().QueryRow("SELECT count(*) FROM notes").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOpenAPIMatchesRoutes holds the document to the routes served: every
// route is documented and every documented operation is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	resp, err := http.Get(f.ts.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented = append(documented, strings.ToUpper(m)+" "+p)
			}
		}
	}
	served := f.srv.APIRoutes()
	served = slices.DeleteFunc(served, func(s string) bool { return s == "GET /api/v1/openapi.json" })
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Fatalf("OpenAPI paths and served routes differ\ndocumented: %v\nserved:     %v", documented, served)
	}
}

// web is a browser-like client with a cookie jar that does not follow redirects.
type web struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newWeb(t *testing.T, base string) *web {
	jar := newJar()
	return &web{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (w *web) get(path string) (int, string) {
	w.t.Helper()
	resp, err := w.c.Get(w.base + path)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (w *web) post(path string, form url.Values, hdr map[string]string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequest("POST", w.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (w *web) login(email string) string {
	w.t.Helper()
	_, page := w.get("/login")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		w.t.Fatal("no CSRF field on the login page")
	}
	st, body := w.post("/login", url.Values{"csrf_token": {m[1]}, "email": {email}, "password": {demo.Password}, "next": {"/"}}, nil)
	if st != http.StatusSeeOther {
		w.t.Fatalf("login: %d %s", st, body)
	}
	_, home := w.get("/")
	m = csrfField.FindStringSubmatch(home)
	if m == nil {
		w.t.Fatal("no CSRF token on the home page")
	}
	return m[1]
}

func TestWebFormsNeedCSRFToken(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	w := newWeb(t, f.ts.URL)
	// The login form itself needs its token.
	if st, _ := w.post("/login", url.Values{"email": {"alice@northwind.example"}, "password": {demo.Password}}, nil); st != http.StatusForbidden {
		t.Fatalf("login without CSRF token: %d", st)
	}
	token := w.login("alice@northwind.example")
	before := countNotes(t, f)
	notePath := "/relationships/" + f.ids["rel"] + "/notes"
	if st, body := w.post(notePath, url.Values{"body": {"no token"}, "visibility": {"shared"}}, nil); st != http.StatusForbidden || !strings.Contains(body, "expired") {
		t.Fatalf("note without CSRF token: %d", st)
	}
	if st, _ := w.post(notePath, url.Values{"csrf_token": {"mvc_wrong"}, "body": {"wrong token"}, "visibility": {"shared"}}, nil); st != http.StatusForbidden {
		t.Fatalf("note with a wrong CSRF token: %d", st)
	}
	// A cross-site post is refused even with the right token.
	if st, _ := w.post(notePath, url.Values{"csrf_token": {token}, "body": {"cross"}, "visibility": {"shared"}},
		map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); st != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", st)
	}
	if countNotes(t, f) != before {
		t.Fatal("a refused form post stored a note")
	}
	if st, _ := w.post(notePath, url.Values{"csrf_token": {token}, "body": {"with token"}, "visibility": {"shared"}}, nil); st != http.StatusSeeOther {
		t.Fatalf("note with the CSRF token: %d", st)
	}
	if countNotes(t, f) != before+1 {
		t.Fatal("the note was not stored")
	}
	// An invalid note keeps what was typed.
	st, body := w.post(notePath, url.Values{"csrf_token": {token}, "body": {"  "}, "visibility": {"everyone"}}, nil)
	if st != http.StatusBadRequest || !strings.Contains(body, "visibility") {
		t.Fatalf("invalid note: %d", st)
	}
	// Logout revokes the session server-side.
	if st, _ := w.post("/logout", url.Values{"csrf_token": {token}}, nil); st != http.StatusSeeOther {
		t.Fatalf("logout: %d", st)
	}
	if st, _ := w.get("/"); st != http.StatusSeeOther {
		t.Fatalf("home after logout: %d, want a redirect to /login", st)
	}
}

func TestWebSecurityHeadersAndSessionCookie(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	resp, err := http.Get(f.ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("CSP %q", csp)
	}
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	w := newWeb(t, f.ts.URL)
	_, page := w.get("/login")
	m := csrfField.FindStringSubmatch(page)
	req, _ := http.NewRequest("POST", f.ts.URL+"/login", strings.NewReader(url.Values{"csrf_token": {m[1]}, "email": {"bob@northwind.example"}, "password": {demo.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = w.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var sess *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "mv_session" {
			sess = c
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", sess)
	}
	// Wrong passwords re-render the form with one message for unknown and known emails.
	w2 := newWeb(t, f.ts.URL)
	_, page = w2.get("/login")
	tok := csrfField.FindStringSubmatch(page)[1]
	st1, b1 := w2.post("/login", url.Values{"csrf_token": {tok}, "email": {"nobody@northwind.example"}, "password": {"x-password"}}, nil)
	st2, b2 := w2.post("/login", url.Values{"csrf_token": {tok}, "email": {"bob@northwind.example"}, "password": {"x-password"}}, nil)
	if st1 != http.StatusUnauthorized || st2 != st1 || !strings.Contains(b1, "not correct") || !strings.Contains(b2, "not correct") {
		t.Fatalf("login failures differ: %d vs %d", st1, st2)
	}
}

func TestWebPagesForRoles(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	rel := "/relationships/" + f.ids["rel"]
	for _, tc := range []struct {
		who       string
		seesNotes bool
	}{{"alice", true}, {"bob", true}, {"carol", false}, {"heidi", false}, {"grace", false}, {"dave", false}} {
		t.Run(tc.who, func(t *testing.T) {
			w := newWeb(t, f.ts.URL)
			w.login(tc.who + "@northwind.example")
			st, page := w.get(rel)
			if st != http.StatusOK {
				t.Fatalf("relationship page: %d", st)
			}
			if got := strings.Contains(page, "fixture aliceShared"); got != tc.seesNotes {
				t.Fatalf("sees the shared note: %v, want %v", got, tc.seesNotes)
			}
			if strings.Contains(page, "fixture alicePriv") != (tc.who == "alice") {
				t.Fatal("private note shown to the wrong person")
			}
			if strings.Contains(page, "fixture bobPriv") != (tc.who == "bob") {
				t.Fatal("private note shown to the wrong person")
			}
			st, _ = w.get(rel + "/notes/" + f.ids["alicePriv"] + "/edit")
			if (st == http.StatusOK) != (tc.who == "alice") {
				t.Fatalf("edit page of alice's private note: %d", st)
			}
			st, _ = w.get(rel + "/audit")
			if (st == http.StatusOK) != tc.seesNotes {
				t.Fatalf("access log: %d", st)
			}
			for _, p := range []string{"/", "/directory", "/settings", "/relationships/new"} {
				if st, _ := w.get(p); st != http.StatusOK {
					t.Fatalf("GET %s: %d", p, st)
				}
			}
		})
	}
}

package server_test

import (
	"bytes"
	stdhtml "html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

var inviteLink = regexp.MustCompile(`https?://[^<"\s]+/invite/(mvi_[A-Za-z0-9_-]+)`)

// TestWebPeople works the people pages as a browser without JavaScript:
// the org admin's header offers People (nobody else's does); the admin
// searches, adds a person and is shown their invitation link once; the
// invitee sets a password and is signed in; the used link says so; the
// admin deactivates Bob, whose open session (a replayed cookie) is over at
// once, whose next sign-in is told why, and whose partner is told of the
// pause; the last admin cannot deactivate herself and is told why.
func TestWebPeople(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			grace := newWeb(t, f.ts.URL)
			csrf := grace.login("grace@northwind.example")
			_, home := getPage(t, grace, "/")
			if !strings.Contains(home, `href="/people"`) {
				t.Fatal("the org admin's header lacks People")
			}
			alice := newWeb(t, f.ts.URL)
			alice.login("alice@northwind.example")
			if _, home := getPage(t, alice, "/"); strings.Contains(home, `href="/people"`) {
				t.Fatal("a member's header offers People")
			}
			if st, _ := getPage(t, alice, "/people"); st != http.StatusForbidden {
				t.Fatalf("a member opens /people: %d", st)
			}

			st, page := getPage(t, grace, "/people?q=bo")
			if st != http.StatusOK || !strings.Contains(page, "Bob Baker") || strings.Contains(page, "Alice Archer") {
				t.Fatalf("search: %d %s", st, page)
			}
			if st, _ := getPage(t, grace, "/people?offset=x"); st != http.StatusBadRequest {
				t.Fatalf("a bad offset: %d", st)
			}
			st, page = grace.post("/people", url.Values{"csrf_token": {csrf}, "name": {"Nina New"}, "email": {"not an email"}}, nil)
			if st != http.StatusBadRequest || !strings.Contains(page, `id="email_err"`) || !strings.Contains(page, `value="Nina New"`) {
				t.Fatalf("a bad email: %d %s", st, page)
			}
			st, page = grace.post("/people", url.Values{"csrf_token": {csrf}, "name": {"Nina New"}, "email": {"nina@northwind.example"},
				"manager_email": {"dave@northwind.example"}}, nil)
			m := inviteLink.FindStringSubmatch(page)
			if st != http.StatusOK || m == nil {
				t.Fatalf("add a person: %d %s", st, page)
			}
			token := m[1]
			if _, again := getPage(t, grace, "/people"); strings.Contains(again, token) {
				t.Fatal("the invitation link is shown a second time")
			}

			nina := newWeb(t, f.ts.URL)
			st, page = getPage(t, nina, "/invite/"+token)
			if st != http.StatusOK || !strings.Contains(page, "Nina New") || !strings.Contains(page, "Northwind") {
				t.Fatalf("invitation page: %d %s", st, page)
			}
			icsrf := csrfField.FindStringSubmatch(page)[1]
			if st, _ := nina.post("/invite/"+token, url.Values{"csrf_token": {"mvl_forged"}, "password": {"a long enough password"}, "confirm": {"a long enough password"}}, nil); st != http.StatusForbidden {
				t.Fatalf("a forged CSRF token: %d", st)
			}
			st, page = nina.post("/invite/"+token, url.Values{"csrf_token": {icsrf}, "password": {"a long enough password"}, "confirm": {"another password"}}, nil)
			if st != http.StatusBadRequest || !strings.Contains(page, "not the same") {
				t.Fatalf("mismatched passwords: %d %s", st, page)
			}
			st, page = nina.post("/invite/"+token, url.Values{"csrf_token": {icsrf}, "password": {"short"}, "confirm": {"short"}}, nil)
			if st != http.StatusBadRequest || !strings.Contains(page, "at least 10 characters") {
				t.Fatalf("a short password: %d %s", st, page)
			}
			if st, _ := nina.post("/invite/"+token, url.Values{"csrf_token": {icsrf}, "password": {"a long enough password"}, "confirm": {"a long enough password"}}, nil); st != http.StatusSeeOther {
				t.Fatalf("set the password: %d", st)
			}
			if st, home := getPage(t, nina, "/"); st != http.StatusOK || !strings.Contains(home, "Nina New") {
				t.Fatalf("nina is not signed in: %d", st)
			}
			st, page = getPage(t, newWeb(t, f.ts.URL), "/invite/"+token)
			if st != http.StatusConflict || !strings.Contains(page, "already been used") {
				t.Fatalf("the used link: %d %s", st, page)
			}
			if st, page := getPage(t, newWeb(t, f.ts.URL), "/invite/mvi_nothing"); st != http.StatusNotFound || !strings.Contains(page, "not valid") {
				t.Fatalf("a made-up link: %d %s", st, page)
			}

			bob := newWeb(t, f.ts.URL)
			bob.login("bob@northwind.example")
			bobID := f.env.Users["bob"].ID
			st, page = getPage(t, grace, "/people/"+bobID)
			if st != http.StatusOK || !strings.Contains(page, "/people/"+bobID+"/deactivate") || strings.Contains(page, "/invite\"") {
				t.Fatalf("bob's page: %d", st)
			}
			if strings.Contains(page, "Invite again") {
				t.Fatal("re-inviting someone who has a password is offered")
			}
			if st, _ := grace.post("/people/"+bobID+"/deactivate", url.Values{"csrf_token": {csrf}}, nil); st != http.StatusSeeOther {
				t.Fatalf("deactivate: %d", st)
			}
			if st, _ := bob.get("/"); st != http.StatusSeeOther {
				t.Fatalf("bob's replayed session cookie: %d, want a redirect to sign in", st)
			}
			_, lp := bob.get("/login")
			st, page = bob.post("/login", url.Values{"csrf_token": {csrfField.FindStringSubmatch(lp)[1]}, "email": {"bob@northwind.example"}, "password": {demo.Password}}, nil)
			if st != http.StatusUnauthorized || !strings.Contains(page, "deactivated") {
				t.Fatalf("bob signs in: %d %s", st, page)
			}
			_, notes := getPage(t, alice, "/notifications")
			if !strings.Contains(notes, "Bob Baker's account was deactivated") {
				t.Fatal("alice is not told of the pause")
			}
			_, logPage := getPage(t, alice, "/relationships/"+f.ids["rel"]+"/audit")
			if !strings.Contains(logPage, "Grace Green") {
				t.Fatal("the pause by the admin is not on the pair's access log")
			}

			graceID := f.env.Users["grace"].ID
			st, page = grace.post("/people/"+graceID+"/deactivate", url.Values{"csrf_token": {csrf}}, nil)
			if st != http.StatusConflict || !strings.Contains(unescape(page), "last active admin") {
				t.Fatalf("the last admin deactivates herself: %d", st)
			}
			st, page = grace.post("/people/"+f.env.Users["dave"].ID, url.Values{"csrf_token": {csrf}, "name": {"Dave Dawson"},
				"email": {"dave@northwind.example"}, "manager_email": {"bob@northwind.example"}}, nil)
			if st != http.StatusBadRequest || !strings.Contains(page, "deactivated") {
				t.Fatalf("a deactivated manager: %d %s", st, page)
			}
			if st, _ := grace.post("/people/"+bobID+"/reactivate", url.Values{"csrf_token": {csrf}}, nil); st != http.StatusSeeOther {
				t.Fatalf("reactivate: %d", st)
			}
			st, page = grace.post("/people/"+f.env.Users["dave"].ID, url.Values{"csrf_token": {csrf}, "name": {"Dave Dawson"},
				"email": {"dave@northwind.example"}, "manager_email": {"bob@northwind.example"}}, nil)
			if st != http.StatusBadRequest || !strings.Contains(unescape(page), "management chain") {
				t.Fatalf("a cycle: %d %s", st, page)
			}
			if st, _ := grace.post("/people/"+f.env.Users["heidi"].ID+"/admin", url.Values{"csrf_token": {csrf}, "role": {"grant"}}, nil); st != http.StatusSeeOther {
				t.Fatalf("grant admin: %d", st)
			}
		})
	}
}

func unescape(s string) string { return stdhtml.UnescapeString(s) }

// upload posts a multipart form with a file as the browser would.
func (w *web) upload(path string, fields map[string]string, file string) (int, string) {
	w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "staff.csv")
	_, _ = fw.Write([]byte(file))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", w.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, stdhtml.UnescapeString(string(b))
}

// TestWebPeopleImport: the admin uploads a staff list, checks it (errors
// by row, nothing written), then imports it; a member cannot; a forged
// form is refused.
func TestWebPeopleImport(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			grace := newWeb(t, f.ts.URL)
			csrf := grace.login("grace@northwind.example")
			if st, page := getPage(t, grace, "/people/import"); st != http.StatusOK || !strings.Contains(page, `enctype="multipart/form-data"`) {
				t.Fatalf("import page: %d", st)
			}
			bad := "email,name,manager_email\nnot-an-email,X,\n"
			st, page := grace.upload("/people/import", map[string]string{"csrf_token": csrf, "apply": "yes"}, bad)
			if st != http.StatusBadRequest || !strings.Contains(page, "nothing was imported") || !strings.Contains(page, "<td>2</td><td>email</td>") {
				t.Fatalf("a file with errors: %d %s", st, page)
			}
			good := "email;name;manager_email\nnina@northwind.example;Nina New;dave@northwind.example\n"
			st, page = grace.upload("/people/import", map[string]string{"csrf_token": csrf, "apply": "no"}, good)
			if st != http.StatusOK || !strings.Contains(page, "What the import would do") || !strings.Contains(page, "1 to add") {
				t.Fatalf("check: %d %s", st, page)
			}
			if _, list := getPage(t, grace, "/people?q=nina"); strings.Contains(list, "Nina New") {
				t.Fatal("the check wrote a person")
			}
			st, page = grace.upload("/people/import", map[string]string{"csrf_token": csrf, "apply": "yes"}, good)
			if st != http.StatusOK || !strings.Contains(page, "1 added") {
				t.Fatalf("import: %d %s", st, page)
			}
			if _, list := getPage(t, grace, "/people?q=nina"); !strings.Contains(list, "Nina New") {
				t.Fatal("the import did not add the person")
			}
			if st, _ := grace.upload("/people/import", map[string]string{"csrf_token": "forged", "apply": "yes"}, good); st != http.StatusForbidden {
				t.Fatalf("a forged form: %d", st)
			}
			alice := newWeb(t, f.ts.URL)
			acsrf := alice.login("alice@northwind.example")
			if st, _ := getPage(t, alice, "/people/import"); st != http.StatusForbidden {
				t.Fatalf("a member opens the import: %d", st)
			}
			if st, _ := alice.upload("/people/import", map[string]string{"csrf_token": acsrf, "apply": "yes"}, good); st != http.StatusForbidden {
				t.Fatalf("a member imports: %d", st)
			}
		})
	}
}

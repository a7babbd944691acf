package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// postTo posts a form and returns the status and where it redirects.
func postLoc(t *testing.T, w *web, path string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", w.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, withFlash(resp)
}

// withFlash is the response's redirect with the one-time message it left
// in its flash cookie written back as ?done=, as the page it lands on
// reads it (internal/web/flash.go).
func withFlash(resp *http.Response) string {
	loc := resp.Header.Get("Location")
	for _, c := range resp.Cookies() {
		if c.Name != "mv_flash" || c.MaxAge < 0 {
			continue
		}
		_, done, _ := strings.Cut(c.Value, "|")
		d, _ := url.QueryUnescape(done)
		path, frag, _ := strings.Cut(loc, "#")
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		loc = path + sep + "done=" + url.QueryEscape(d)
		if frag != "" {
			loc += "#" + frag
		}
	}
	return loc
}

// TestWebProgrammes works the programmes pages as a browser without
// JavaScript: the header offers Programmes to the org admin and to a
// coordinator, not to a member; the admin creates a programme (a bad kind
// is shown again, nothing saved), names its coordinator and supervisor;
// the coordinator sees it on her programmes page and opens its enrolment
// but may not change what it is or who runs it; a member sees no
// programmes and may create none; the admin archives it, which closes it.
func TestWebProgrammes(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			grace := newWeb(t, f.ts.URL)
			gcsrf := grace.login("grace@northwind.example")
			carol := newWeb(t, f.ts.URL)
			carol.login("carol@northwind.example")
			alice := newWeb(t, f.ts.URL)
			acsrf := alice.login("alice@northwind.example")
			for who, w := range map[string]*web{"grace": grace, "carol": carol} {
				if _, home := getPage(t, w, "/"); !strings.Contains(home, `href="/programmes"`) {
					t.Fatalf("%s's header lacks Programmes", who)
				}
			}
			if _, home := getPage(t, alice, "/"); strings.Contains(home, `href="/programmes"`) {
				t.Fatal("a member's header offers Programmes")
			}

			st, page := getPage(t, grace, "/programmes")
			if st != http.StatusOK || !strings.Contains(page, "Leadership Mentoring") || !strings.Contains(page, "Create a programme") {
				t.Fatalf("the admin's programmes: %d %s", st, page)
			}
			st, page = grace.post("/programmes", url.Values{"csrf_token": {gcsrf}, "name": {"Peer Circles"}, "kind": {"group"}, "default_capacity": {"2"}}, nil)
			if st != http.StatusBadRequest || !strings.Contains(page, "Kind must be") || !strings.Contains(page, `value="Peer Circles"`) {
				t.Fatalf("a bad kind: %d %s", st, page)
			}
			if st, _ := postLoc(t, grace, "/programmes", url.Values{"name": {"No token"}}); st != http.StatusForbidden {
				t.Fatalf("a form without its CSRF token: %d", st)
			}
			st, loc := postLoc(t, grace, "/programmes", url.Values{"csrf_token": {gcsrf}, "name": {"Peer Circles"}, "description": {"Two by two."},
				"kind": {"peer"}, "default_capacity": {"2"}})
			if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/programmes/") || !strings.HasSuffix(loc, "?done=created") {
				t.Fatalf("create: %d %q", st, loc)
			}
			path := strings.TrimSuffix(loc, "?done=created")
			_, page = getPage(t, grace, loc)
			if !strings.Contains(page, "The programme is created") || !strings.Contains(page, "Peer programme · enrolment closed") ||
				!strings.Contains(page, "Coordinators and supervisors") || !strings.Contains(page, "Archive the programme") {
				t.Fatalf("the new programme: %s", page)
			}
			st, page = grace.post(path+"/staff", url.Values{"csrf_token": {gcsrf}, "coordinators": {"carol@northwind.example\nnobody@northwind.example"}}, nil)
			if st != http.StatusBadRequest || !strings.Contains(page, `id="manage-error"`) || !strings.Contains(page, "no such person") {
				t.Fatalf("an unknown coordinator: %d %s", st, page)
			}
			st, loc = postLoc(t, grace, path+"/staff", url.Values{"csrf_token": {gcsrf}, "coordinators": {"carol@northwind.example"}, "supervisors": {"erin@northwind.example"}})
			if st != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=staff") {
				t.Fatalf("staff: %d %q", st, loc)
			}
			_, page = getPage(t, grace, loc)
			if !strings.Contains(page, `<dd id="coordinators">Carol Chen</dd>`) || !strings.Contains(page, `<dd id="supervisors">Erin Evans</dd>`) {
				t.Fatalf("the staff shown: %s", page)
			}

			_, page = getPage(t, carol, "/programmes")
			if !strings.Contains(page, "Peer Circles") || !strings.Contains(page, "coordinator") || strings.Contains(page, "Create a programme") {
				t.Fatalf("the coordinator's programmes: %s", page)
			}
			_, page = getPage(t, carol, path)
			ccsrf := csrfField.FindStringSubmatch(page)[1]
			if !strings.Contains(page, "Open enrolment") || strings.Contains(page, "Change what the programme is") || strings.Contains(page, "Save the staff") {
				t.Fatalf("the coordinator's programme page: %s", page)
			}
			if st, loc := postLoc(t, carol, path+"/enrolment", url.Values{"csrf_token": {ccsrf}, "open": {"true"}}); st != http.StatusSeeOther {
				t.Fatalf("the coordinator opens enrolment: %d %q", st, loc)
			}
			if _, page = getPage(t, carol, path+"?done=enrolment"); !strings.Contains(page, "Enrolment is open.") || !strings.Contains(page, "Close enrolment") {
				t.Fatalf("after opening: %s", page)
			}
			if st, _ := postLoc(t, carol, path+"/edit", url.Values{"csrf_token": {ccsrf}, "name": {"Carol's"}, "kind": {"peer"}, "default_capacity": {"2"}}); st != http.StatusForbidden {
				t.Fatalf("the coordinator edits: %d", st)
			}
			if st, _ := postLoc(t, carol, path+"/staff", url.Values{"csrf_token": {ccsrf}, "coordinators": {"carol@northwind.example"}}); st != http.StatusForbidden {
				t.Fatalf("the coordinator names staff: %d", st)
			}

			if _, page = getPage(t, alice, "/programmes"); !strings.Contains(page, "No programmes to show") || strings.Contains(page, "Create a programme") {
				t.Fatalf("a member's programmes: %s", page)
			}
			if st, _ := postLoc(t, alice, "/programmes", url.Values{"csrf_token": {acsrf}, "name": {"Mine"}, "kind": {"peer"}, "default_capacity": {"1"}}); st != http.StatusForbidden {
				t.Fatalf("a member creates: %d", st)
			}

			if st, _ := postLoc(t, grace, path+"/edit", url.Values{"csrf_token": {gcsrf}, "name": {"Peer Circles 2026"}, "description": {"Two by two, monthly."},
				"kind": {"peer"}, "default_capacity": {"3"}}); st != http.StatusSeeOther {
				t.Fatalf("the admin edits: %d", st)
			}
			if st, _ := postLoc(t, grace, path+"/archive", url.Values{"csrf_token": {gcsrf}, "archived": {"true"}}); st != http.StatusSeeOther {
				t.Fatalf("archive: %d", st)
			}
			_, page = getPage(t, grace, path+"?done=archived")
			if !strings.Contains(page, "Peer Circles 2026") || !strings.Contains(page, "The programme is archived; its enrolment is closed.") ||
				!strings.Contains(page, "Bring the programme back") || strings.Contains(page, "Open enrolment") || !strings.Contains(page, "3 unless they say otherwise") {
				t.Fatalf("archived: %s", page)
			}
			if _, page = getPage(t, grace, "/programmes"); !strings.Contains(page, "archived") {
				t.Fatalf("the list after archiving: %s", page)
			}
		})
	}
}

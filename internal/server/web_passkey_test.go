package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// passwordStep posts the sign-in form and returns where it led.
func passwordStep(t *testing.T, w *web, email string) (string, string) {
	t.Helper()
	_, page := w.get("/login")
	csrf := csrfField.FindStringSubmatch(page)[1]
	req, _ := http.NewRequest("POST", w.base+"/login", strings.NewReader(url.Values{"csrf_token": {csrf}, "email": {email}, "password": {demo.Password}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	return resp.Header.Get("Location"), csrf
}

// options posts a ceremony's options request and decodes the answer.
func options(t *testing.T, w *web, path, csrf string) service.CeremonyOptions {
	t.Helper()
	st, body := w.post(path, url.Values{"csrf_token": {csrf}, "next": {"/"}}, nil)
	if st != http.StatusOK {
		t.Fatalf("POST %s: %d %.300s", path, st, body)
	}
	var o service.CeremonyOptions
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// TestWebSecondFactor: an org admin requires a second factor of
// coordinators (API); carol's right password then gives her no session but
// the second-factor page, where she must add a passkey before anything
// else; next time she gives her passkey after her password.
func TestWebSecondFactor(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			const js = "application/json"
			if r := f.do(t, "alice", "PUT", "/api/v1/org/mfa-policy", js, []byte(`{"everyone":true}`)); r.status != http.StatusForbidden {
				t.Fatalf("a member set the policy: %d", r.status)
			}
			r := f.do(t, "grace", "PUT", "/api/v1/org/mfa-policy", js, []byte(`{"everyone":false,"roles":["coordinator"]}`))
			if r.status != http.StatusOK || !strings.Contains(string(r.body), `"coordinator"`) {
				t.Fatalf("setting the policy: %d %s", r.status, r.body)
			}
			if len(r.events) == 0 || r.events[len(r.events)-1].Action != "mfa.policy" {
				t.Fatalf("events %+v", r.events)
			}
			if r := f.do(t, "grace", "GET", "/api/v1/org/mfa-policy", "", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"roles":["coordinator"]`) {
				t.Fatalf("reading the policy: %d %s", r.status, r.body)
			}

			// A passkey's relying party is a domain name, never an IP address.
			base := strings.Replace(f.ts.URL, "127.0.0.1", "localhost", 1)
			a := mvtest.NewAuthenticator(base)
			w := newWeb(t, base)
			loc, csrf := passwordStep(t, w, "carol@northwind.example")
			if !strings.HasPrefix(loc, "/login/second-factor") {
				t.Fatalf("carol's password led to %s", loc)
			}
			// No session: content stays closed.
			if st, _ := w.get("/"); st != http.StatusSeeOther {
				t.Fatalf("home before the second factor: %d", st)
			}
			if st, page := w.get(loc); st != http.StatusOK || !strings.Contains(page, "requires a second factor") {
				t.Fatalf("second-factor page: %d %.300s", st, page)
			}
			o := options(t, w, "/login/second-factor/enrol/options", csrf)
			cred, err := a.Create(o.Options)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := w.post("/login/second-factor/enrol", url.Values{"csrf_token": {csrf}, "next": {"/"}, "ceremony": {o.Ceremony}, "credential": {string(cred)}, "name": {"phone"}}, nil)
			if st != http.StatusSeeOther {
				t.Fatalf("enrolling: %d", st)
			}
			if st, _ := w.get("/"); st != http.StatusOK {
				t.Fatalf("home after adding the passkey: %d", st)
			}

			// Next time: password, then passkey.
			w2 := newWeb(t, base)
			loc, csrf = passwordStep(t, w2, "carol@northwind.example")
			if st, page := w2.get(loc); st != http.StatusOK || !strings.Contains(page, "Use my passkey") {
				t.Fatalf("second-factor page: %d %.300s", st, page)
			}
			o = options(t, w2, "/login/second-factor/options", csrf)
			assertion, err := a.Get(o.Options)
			if err != nil {
				t.Fatal(err)
			}
			form := url.Values{"csrf_token": {csrf}, "next": {"/"}, "ceremony": {o.Ceremony}, "credential": {string(assertion)}}
			if st, _ := w2.post("/login/second-factor", form, nil); st != http.StatusSeeOther {
				t.Fatalf("second factor: %d", st)
			}
			if st, _ := w2.get("/"); st != http.StatusOK {
				t.Fatalf("home after password + passkey: %d", st)
			}
			// A third browser replaying that answer gets nowhere.
			w3 := newWeb(t, base)
			_, csrf3 := passwordStep(t, w3, "carol@northwind.example")
			form.Set("csrf_token", csrf3)
			if st, _ := w3.post("/login/second-factor", form, nil); st != http.StatusUnauthorized {
				t.Fatalf("a replayed second factor: %d", st)
			}
			if st, _ := w3.get("/"); st != http.StatusSeeOther {
				t.Fatalf("home after a replayed second factor: %d", st)
			}
		})
	}
}

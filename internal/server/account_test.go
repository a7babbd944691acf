package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	mvmail "github.com/mentorvault/mentorvault/internal/mail"
	"github.com/mentorvault/mentorvault/internal/mail/mailtest"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

const mailBase = "https://mv.example"

// mailFixture is a server whose service sends email, and a real SMTP
// server (aiosmtpd) receiving it.
type mailFixture struct {
	*fixture
	srv  *mailtest.Server
	seen int
	logs *syncBuffer // everything the server and the service logged
}

// syncBuffer is a log sink for handlers on many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startMailFixture(t *testing.T, b sqlstoretest.Backend) *mailFixture {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := mvtest.NewWithOptions(t, b.Open(t), service.Options{Logger: log, Mail: &service.MailOptions{BaseURL: mailBase, From: "mentoring@northwind.example"}})
	mf := &mailFixture{fixture: startFixtureLogged(t, e, log), srv: mailtest.Start(t), logs: logs}
	mf.deliver(t) // the demo's own messages
	return mf
}

// deliver sends the outbox to the SMTP server and returns, by recipient,
// the plain text of each message that arrived.
func (mf *mailFixture) deliver(t *testing.T) map[string][]string {
	t.Helper()
	cfg, err := mvmail.ParseURL(mf.srv.URL(), "mentoring@northwind.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mf.env.Svc.RunDueJobs(context.Background()); err != nil { // a reset request's job among them
		t.Fatal(err)
	}
	n, err := mf.env.Svc.SendMail(context.Background(), mvmail.NewSender(cfg))
	if err != nil {
		t.Fatal(err)
	}
	raw := mf.srv.Wait(t, mf.seen+n)
	out := map[string][]string{}
	for _, r := range raw[mf.seen:] {
		s := string(r)
		to := regexp.MustCompile(`(?m)^X-Envelope-To: (\S+)`).FindStringSubmatch(s)
		if to == nil {
			t.Fatalf("no recipient in\n%s", s)
		}
		// Quoted-printable soft breaks and =3D, so links can be matched.
		s = strings.ReplaceAll(strings.ReplaceAll(s, "=\r\n", ""), "=3D", "=")
		out[to[1]] = append(out[to[1]], s)
	}
	mf.seen = len(raw)
	return out
}

var linkPathRE = regexp.MustCompile(regexp.QuoteMeta(mailBase) + `(/login/(?:reset|confirm-email)/mv[re]_[A-Za-z0-9_-]+)`)

// linkPath is the one account link in msgs (the text and the HTML carry
// the same), as a path on the test server.
func linkPath(t *testing.T, msgs []string) string {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	seen := map[string]bool{}
	for _, m := range linkPathRE.FindAllStringSubmatch(msgs[0], -1) {
		seen[m[1]] = true
	}
	if len(seen) != 1 {
		t.Fatalf("want one link, found %v in\n%s", seen, msgs[0])
	}
	for p := range seen {
		return p
	}
	return ""
}

// TestWebPasswordReset: "Forgot your password?" end to end over HTTP, on
// both backends, with the message received by a real SMTP server: the
// same answer for an unknown address, the link sets a password under the
// rules once, every session ends, and the admin-sent reset shows nobody
// the link.
func TestWebPasswordReset(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			mf := startMailFixture(t, b)
			other := newWeb(t, mf.ts.URL)
			other.login("alice@northwind.example")
			w := newWeb(t, mf.ts.URL)
			if _, page := w.get("/login"); !strings.Contains(page, `href="/login/forgot"`) {
				t.Fatal("the sign-in page has no Forgot your password? link")
			}
			_, page := w.get("/login/forgot")
			csrf := csrfField.FindStringSubmatch(page)[1]
			answers := map[string]string{}
			for _, addr := range []string{"alice@northwind.example", "nobody@northwind.example"} {
				st, loc, _ := postTo(t, w, "/login/forgot", url.Values{"csrf_token": {csrf}, "email": {addr}})
				answers[addr] = http.StatusText(st) + " " + loc
			}
			if a, n := answers["alice@northwind.example"], answers["nobody@northwind.example"]; a != n || a != "See Other /login/forgot" {
				t.Fatalf("answers differ or are not the redirect: %q vs %q", a, n)
			}
			if _, page := w.get("/login/forgot?done=sent"); !strings.Contains(page, "If that address has an account, we have sent a link") {
				t.Fatal("the answer page")
			}
			got := mf.deliver(t)
			if len(got) != 1 {
				t.Fatalf("messages to %d addresses, want alice only: %v", len(got), got)
			}
			link := linkPath(t, got["alice@northwind.example"])
			if st, page := w.get(link); st != http.StatusOK || !strings.Contains(page, `action="`+link+`"`) {
				t.Fatalf("GET the link: %d", st)
			}
			st, _, page := postTo(t, w, link, url.Values{"csrf_token": {csrf}, "password": {"Password1234"}, "confirm": {"Password1234"}})
			if st != http.StatusBadRequest || !strings.Contains(page, "known from breaches") {
				t.Fatalf("a breached password: %d %s", st, errorText(page))
			}
			st, loc, _ := postTo(t, w, link, url.Values{"csrf_token": {csrf}, "password": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
			if st != http.StatusSeeOther || loc != "/login" {
				t.Fatalf("reset: %d → %s", st, loc)
			}
			if st, page := w.get("/login?done=reset"); st != http.StatusOK || !strings.Contains(page, "Your new password is set") {
				t.Fatalf("after the reset: %d", st)
			}
			if st, _, page := postTo(t, w, link, url.Values{"csrf_token": {csrf}, "password": {"a third passphrase"}, "confirm": {"a third passphrase"}}); st != http.StatusConflict || !strings.Contains(page, "already been used") {
				t.Fatalf("the link again: %d %s", st, errorText(page))
			}
			if st, _ := other.get("/settings"); st != http.StatusSeeOther {
				t.Fatalf("another browser's session after the reset: %d, want a redirect to sign in", st)
			}
			st, _, _ = postTo(t, w, "/login", url.Values{"csrf_token": {csrf}, "email": {"alice@northwind.example"}, "password": {"a brand new passphrase"}, "next": {"/"}})
			if st != http.StatusSeeOther {
				t.Fatalf("sign in with the new password: %d", st)
			}

			// An admin sends bob a link; the answer carries none.
			bob := mf.env.Users["bob"].ID
			if r := mf.do(t, "dave", "POST", "/api/v1/people/"+bob+"/password-reset", "", nil); r.status != http.StatusForbidden {
				t.Fatalf("dave sends bob a reset: %d %s", r.status, r.body)
			}
			r := mf.do(t, "grace", "POST", "/api/v1/people/"+bob+"/password-reset", "", nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), "mvr_") || strings.Contains(string(r.body), "/login/reset") || !strings.Contains(string(r.body), `"password_reset":true`) {
				t.Fatalf("grace sends bob a reset: %d %s", r.status, r.body)
			}
			var actions []string
			for _, e := range r.events {
				actions = append(actions, e.Action+":"+e.Outcome)
				if strings.Contains(e.Detail, "mvr_") {
					t.Errorf("the audit carries the token: %q", e.Detail)
				}
			}
			if !strings.Contains(strings.Join(actions, " "), "people.password_reset:ok") {
				t.Fatalf("audited %v", actions)
			}
			linkPath(t, mf.deliver(t)["bob@northwind.example"])
			g := newWeb(t, mf.ts.URL)
			g.login("grace@northwind.example")
			if _, page := g.get("/people/" + bob); !strings.Contains(page, `action="/people/`+bob+`/password-reset"`) {
				t.Fatal("the person page offers no reset button")
			}
			if logs := mf.logs.String(); !strings.Contains(logs, "route=") || strings.Contains(logs, "mvr_") || strings.Contains(logs, "a brand new passphrase") {
				t.Fatalf("the logs carry a reset token or a password (or nothing was logged):\n%s", logs)
			}
		})
	}
}

// TestWebEmailChange: a new address is confirmed by opening the link sent
// to it; until then the account keeps its address and /settings shows the
// change waiting.
func TestWebEmailChange(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			mf := startMailFixture(t, b)
			w := newWeb(t, mf.ts.URL)
			csrf := w.login("heidi@northwind.example")
			st, loc, _ := postTo(t, w, "/settings/email-address", url.Values{"csrf_token": {csrf}, "email": {"heidi.new@elsewhere.example"}})
			if st != http.StatusSeeOther || loc != "/settings" {
				t.Fatalf("asking for the change: %d → %s", st, loc)
			}
			if _, page := w.get("/settings"); !strings.Contains(page, "Waiting for confirmation: heidi.new@elsewhere.example") || !strings.Contains(page, "<dd>heidi@northwind.example</dd>") {
				t.Fatalf("settings before confirming:\n%s", errorText(page))
			}
			got := mf.deliver(t)
			if strings.Contains(strings.Join(got["heidi@northwind.example"], ""), "/login/confirm-email/") {
				t.Fatal("the old address got the link")
			}
			link := linkPath(t, got["heidi.new@elsewhere.example"])
			anon := newWeb(t, mf.ts.URL)
			_, page := anon.get(link)
			if !strings.Contains(page, "Use heidi.new@elsewhere.example") {
				t.Fatalf("the link's page:\n%s", errorText(page))
			}
			if st, loc, _ := postTo(t, anon, link, url.Values{"csrf_token": {csrfField.FindStringSubmatch(page)[1]}}); st != http.StatusSeeOther || loc != link {
				t.Fatalf("confirming: %d → %s", st, loc)
			}
			if _, page := w.get("/settings"); !strings.Contains(page, "<dd>heidi.new@elsewhere.example</dd>") {
				t.Fatalf("settings after confirming:\n%s", errorText(page))
			}
			// The API: ask, and see it waiting.
			if r := mf.do(t, "bob", "POST", "/api/v1/me/email-change", "application/json", []byte(`{"email":"bob.new@elsewhere.example"}`)); r.status != http.StatusAccepted || !strings.Contains(string(r.body), `"address":"bob.new@elsewhere.example"`) {
				t.Fatalf("POST /api/v1/me/email-change: %d %s", r.status, r.body)
			}
			if r := mf.do(t, "bob", "GET", "/api/v1/me", "", nil); !strings.Contains(string(r.body), `"email":"bob@northwind.example"`) || !strings.Contains(string(r.body), `"pending_email":{"address":"bob.new@elsewhere.example"`) {
				t.Fatalf("GET /api/v1/me: %s", r.body)
			}
		})
	}
}

// TestWebTimeZone: a person's time zone is every page's: a meeting typed
// as 14:30 in Europe/London during summer time is 13:30 UTC, and shows as
// 14:30 BST to them, 13:30 UTC to their partner without a zone, and 09:30
// EDT once the partner chooses New York.
func TestWebTimeZone(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			if r := f.do(t, "alice", "PUT", "/api/v1/me/time-zone", "application/json", []byte(`{"time_zone":"Mars/Olympus_Mons"}`)); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "time_zone") {
				t.Fatalf("an unknown zone: %d %s", r.status, r.body)
			}
			if r := f.do(t, "alice", "PUT", "/api/v1/me/time-zone", "application/json", []byte(`{"time_zone":"Europe/London"}`)); r.status != http.StatusOK || !strings.Contains(string(r.body), `"time_zone":"Europe/London"`) {
				t.Fatalf("PUT /api/v1/me/time-zone: %d %s", r.status, r.body)
			}
			alice, bob := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
			alice.login("alice@northwind.example")
			bobCSRF := bob.login("bob@northwind.example")
			rel := "/relationships/" + f.env.Rel.ID
			_, page := alice.get(rel)
			fields := scrapeForm(page, rel+"/meetings")
			if fields.Get("tz") != "Europe/London" {
				t.Fatalf("the meeting form offers %q first, want the viewer's zone", fields.Get("tz"))
			}
			fields.Set("starts_at", "2027-07-01T14:30")
			fields.Set("minutes", "30")
			fields.Set("agenda", "plans")
			if st, _, page := postTo(t, alice, rel+"/meetings", fields); st != http.StatusSeeOther {
				t.Fatalf("scheduling: %d %s", st, errorText(page))
			}
			r := f.do(t, "bob", "GET", "/api/v1/relationships/"+f.env.Rel.ID+"/meetings", "", nil)
			var list struct {
				Meetings []struct {
					StartsAt time.Time `json:"starts_at"`
				} `json:"meetings"`
			}
			if err := json.Unmarshal(r.body, &list); err != nil {
				t.Fatal(err)
			}
			want := time.Date(2027, 7, 1, 13, 30, 0, 0, time.UTC)
			found := false
			for _, m := range list.Meetings {
				found = found || m.StartsAt.Equal(want)
			}
			if !found {
				t.Fatalf("no meeting at %v: %s", want, r.body)
			}
			for _, tc := range []struct {
				who  *web
				says string
			}{{alice, "Thu 1 Jul 2027, 14:30 BST"}, {bob, "Thu 1 Jul 2027, 13:30 UTC"}} {
				if _, page := tc.who.get(rel + "/meetings"); !strings.Contains(page, tc.says) {
					t.Errorf("the meetings page does not say %q:\n%s", tc.says, errorText(page))
				}
			}
			if st, _ := bob.post("/settings/time-zone", url.Values{"csrf_token": {bobCSRF}, "time_zone": {"America/New_York"}}, nil); st != http.StatusSeeOther {
				t.Fatalf("bob's zone: %d", st)
			}
			if _, page := bob.get(rel + "/meetings"); !strings.Contains(page, "Thu 1 Jul 2027, 09:30 EDT") {
				t.Errorf("bob in New York:\n%s", errorText(page))
			}
			if _, page := bob.get("/settings"); !strings.Contains(page, `<option value="America/New_York" selected>`) {
				t.Error("the settings page does not show bob's zone chosen")
			}
			if st, page := bob.post("/settings/time-zone", url.Values{"csrf_token": {bobCSRF}, "time_zone": {"Nowhere/Special"}}, nil); st != http.StatusBadRequest || !strings.Contains(page, "time zone") {
				t.Errorf("an unknown zone on the form: %d", st)
			}
		})
	}
}

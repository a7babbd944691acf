package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestEmailSettings reads and changes a person's email settings on the
// page and through the API (which the fixture checks against the OpenAPI
// document): the page costs at most two transactions, a mandatory kind
// cannot be turned off, and with mail off both say so.
func TestEmailSettings(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	w := newWeb(t, f.ts.URL)
	w.login(f.env.Users["heidi"].Email)
	before := f.env.Txs.Begun()
	st, page := w.get("/settings/email")
	if n := f.env.Txs.Begun() - before; st != http.StatusOK || n > maxPageTxs {
		t.Fatalf("GET /settings/email: %d, %d transactions", st, n)
	}
	if !strings.Contains(page, "This server sends no email") || !strings.Contains(page, `name="mode:meeting.changed"`) || strings.Contains(page, `name="mode:disclosure.notice"`) {
		t.Fatalf("the email page:\n%s", page)
	}
	csrf := csrfField.FindStringSubmatch(page)[1]
	if st, _ := w.post("/settings/email", url.Values{"csrf_token": {csrf}, "time_zone": {"Europe/Paris"}, "mode:meeting.changed": {"digest"}}, nil); st != http.StatusSeeOther {
		t.Fatalf("saving: %d", st)
	}
	if st, body := w.post("/settings/email", url.Values{"csrf_token": {csrf}, "time_zone": {"UTC"}, "mode:disclosure.notice": {"off"}}, nil); st != http.StatusBadRequest || !strings.Contains(body, "always sent at once") {
		t.Fatalf("turning off a mandatory kind: %d\n%s", st, body)
	}
	r := f.do(t, "heidi", "GET", "/api/v1/me/email", "", nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"time_zone":"Europe/Paris"`) || !strings.Contains(string(r.body), `"kind":"meeting.changed","label":"A meeting is scheduled, changed or cancelled","mandatory":false,"mode":"digest"`) {
		t.Fatalf("GET /api/v1/me/email: %d %s", r.status, r.body)
	}
	r = f.do(t, "heidi", "PUT", "/api/v1/me/email", "application/json", []byte(`{"modes":{"invitation":"off"}}`))
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "modes.invitation") {
		t.Fatalf("PUT a mandatory kind off: %d %s", r.status, r.body)
	}
	r = f.do(t, "heidi", "PUT", "/api/v1/me/email", "application/json", []byte(`{"time_zone":"","modes":{"meeting.changed":"off"}}`))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"mode":"off"`) || !strings.Contains(string(r.body), `"mail_on":false`) {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	var actions []string
	for _, e := range r.events {
		actions = append(actions, e.Action)
	}
	if !slices.Contains(actions, "account.email_settings") {
		t.Fatalf("PUT audited %v", actions)
	}
}

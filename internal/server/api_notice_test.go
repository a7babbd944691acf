package server_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestAPINoticeReached files a disclosure notice through the API: it has
// not started (mail is off, so only the other party opening it can start
// it) until bob reads the concern, which the response and the audit log
// show; the filer reading it starts nothing.
func TestAPINoticeReached(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			const js = "application/json"
			res := f.do(t, "alice", "POST", "/api/v1/relationships/{rel}/concerns", js, []byte(`{"category":"harm_to_organisation","description":"Figures.","imminent":false}`))
			if res.status != 201 {
				t.Fatalf("raise: %d %s", res.status, res.body)
			}
			var c struct{ ID string }
			if err := json.Unmarshal(res.body, &c); err != nil {
				t.Fatal(err)
			}
			type disc struct {
				ID         string    `json:"id"`
				Started    bool      `json:"started"`
				ReachedAt  *string   `json:"reached_at"`
				ReachedVia *string   `json:"reached_via"`
				Reached    string    `json:"reached"`
				Effective  time.Time `json:"effective_at"`
			}
			when := time.Now().Add(80 * time.Hour).UTC().Truncate(time.Second)
			res = f.do(t, "alice", "POST", "/api/v1/relationships/{rel}/concerns/"+c.ID+"/notices", js,
				[]byte(`{"recipient_name":"HR","how":"in person","content":"api-notice-mark","effective_at":"`+when.Format(time.RFC3339)+`"}`))
			var d disc
			if res.status != 201 || json.Unmarshal(res.body, &d) != nil || d.Started || d.ReachedAt != nil || d.ReachedVia != nil ||
				d.Reached != "not reached yet — the notice has not started" {
				t.Fatalf("filed: %d %s", res.status, res.body)
			}
			get := func(who string) (disc, []string) {
				t.Helper()
				res := f.do(t, who, "GET", "/api/v1/relationships/{rel}/concerns/"+c.ID, "", nil)
				var v struct{ Disclosures []disc }
				if res.status != 200 || json.Unmarshal(res.body, &v) != nil || len(v.Disclosures) != 1 {
					t.Fatalf("%s reads the concern: %d %s", who, res.status, res.body)
				}
				return v.Disclosures[0], contentEvents(res.events)
			}
			if got, evs := get("alice"); got.Started || !slices.Equal(evs, []string{"concern.read:ok"}) {
				t.Fatalf("alice reading her notice: %+v %v", got, evs)
			}
			got, evs := get("bob")
			if !got.Started || got.ReachedVia == nil || *got.ReachedVia != "app" || got.ReachedAt == nil || got.Effective.Before(when) {
				t.Fatalf("bob opened it: %+v", got)
			}
			if !slices.Contains(evs, "disclosure.notice_started:ok") {
				t.Fatalf("the start was not audited: %v", evs)
			}
			if again, evs := get("bob"); !again.Started || *again.ReachedAt != *got.ReachedAt || slices.Contains(evs, "disclosure.notice_started:ok") {
				t.Fatalf("bob reading it again: %+v %v", again, evs)
			}
		})
	}
}

package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestMeetingsAPI drives meetings, the reminder, commitments, goals,
// feedback, notifications and calendar feeds over the API, checking each
// response against the OpenAPI document and who may do what.
func TestMeetingsAPI(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			const js = "application/json"
			start := time.Now().UTC().Add(-10 * time.Minute).Format(time.RFC3339)
			r := f.do(t, "alice", "POST", "/api/v1/relationships/{rel}/meetings", js, []byte(`{"starts_at":"`+start+`","minutes":45,"location":"Room 1","agenda":"MEETING-AGENDA-SECRET"}`))
			if r.status != 201 || !slices.Equal(contentEvents(r.events), []string{"meeting.schedule:ok"}) {
				t.Fatalf("schedule: %d %v %s", r.status, contentEvents(r.events), r.body)
			}
			var m struct{ ID string }
			_ = json.Unmarshal(r.body, &m)
			f.ids["meeting"] = m.ID
			r = f.do(t, "carol", "GET", "/api/v1/relationships/{rel}/commitments", "", nil)
			var progs struct {
				Roles []struct {
					ProgrammeID string `json:"programme_id"`
				} `json:"programme_roles"`
			}
			_ = json.Unmarshal(f.do(t, "carol", "GET", "/api/v1/me", "", nil).body, &progs)
			f.ids["prog"] = progs.Roles[0].ProgrammeID
			for _, tc := range []struct {
				name, as, method, path, body string
				status                       int
				events                       []string
				contains                     string
			}{
				{"list upcoming", "bob", "GET", "/api/v1/relationships/{rel}/meetings?when=upcoming", "", 200, []string{"meeting.list:ok"}, "MEETING-AGENDA-SECRET"},
				{"list past", "bob", "GET", "/api/v1/relationships/{rel}/meetings?when=past", "", 200, []string{"meeting.list:ok"}, `"meetings"`},
				{"bad when", "bob", "GET", "/api/v1/relationships/{rel}/meetings?when=later", "", 400, nil, "when"},
				{"coordinator cannot list meetings", "carol", "GET", "/api/v1/relationships/{rel}/meetings", "", 404, []string{"meeting.list:denied"}, ""},
				{"line manager cannot read the meeting", "dave", "GET", "/api/v1/relationships/{rel}/meetings/{meeting}", "", 404, []string{"meeting.list:denied"}, ""},
				{"invalid meeting", "alice", "POST", "/api/v1/relationships/{rel}/meetings", `{"starts_at":"` + start + `","minutes":1}`, 400, nil, "minutes"},
				{"unknown field", "alice", "POST", "/api/v1/relationships/{rel}/meetings", `{"starts_at":"` + start + `","minutes":30,"room":"x"}`, 400, nil, "unknown field"},
				{"start session", "bob", "POST", "/api/v1/relationships/{rel}/meetings/{meeting}/start", "", 200, []string{"meeting.start:ok"}, "Duty of care"},
				{"acknowledge", "bob", "POST", "/api/v1/relationships/{rel}/meetings/{meeting}/reminder-ack", "", 200, []string{"meeting.reminder_ack:ok"}, `"acknowledged_at":"`},
				{"coordinator cannot start", "carol", "POST", "/api/v1/relationships/{rel}/meetings/{meeting}/start", "", 404, []string{"meeting.start:denied"}, ""},
				{"session note", "alice", "POST", "/api/v1/relationships/{rel}/meetings/{meeting}/notes", `{"body":"in the session","visibility":"shared"}`, 201, []string{"note.create:ok"}, ""},
				{"meeting detail", "bob", "GET", "/api/v1/relationships/{rel}/meetings/{meeting}", "", 200, []string{"meeting.read:ok"}, "in the session"},
				{"ics", "bob", "GET", "/api/v1/relationships/{rel}/meetings/{meeting}/ics", "", 200, []string{"meeting.ics:ok"}, "BEGIN:VCALENDAR"},
				{"held", "alice", "POST", "/api/v1/relationships/{rel}/meetings/{meeting}/outcome", `{"outcome":"held"}`, 200, []string{"meeting.outcome:ok"}, `"status":"held"`},
				{"held twice", "alice", "POST", "/api/v1/relationships/{rel}/meetings/{meeting}/outcome", `{"outcome":"held"}`, 409, nil, ""},
				{"cancel a held meeting", "alice", "POST", "/api/v1/relationships/{rel}/meetings/{meeting}/cancel", "", 409, nil, ""},
				{"commitment", "bob", "POST", "/api/v1/relationships/{rel}/commitments", `{"description":"COMMIT-SECRET","due_at":"` + time.Now().UTC().Add(48*time.Hour).Format(time.RFC3339) + `"}`, 201, []string{"commitment.create:ok"}, `"status":"open"`},
				{"commitments", "alice", "GET", "/api/v1/relationships/{rel}/commitments", "", 200, []string{"commitment.list:ok"}, "COMMIT-SECRET"},
				{"commitments not for the org admin", "grace", "GET", "/api/v1/relationships/{rel}/commitments", "", 404, []string{"commitment.list:denied"}, ""},
				{"goal", "bob", "POST", "/api/v1/relationships/{rel}/goals", `{"title":"GOAL-SECRET"}`, 201, []string{"goal.create:ok"}, ""},
				{"goals", "alice", "GET", "/api/v1/relationships/{rel}/goals", "", 200, []string{"goal.list:ok"}, "GOAL-SECRET"},
				{"coordinator cannot ask for feedback", "carol", "POST", "/api/v1/relationships/{rel}/feedback", "", 404, []string{"feedback.request:denied"}, ""},
				{"mentee offers feedback unasked", "bob", "POST", "/api/v1/relationships/{rel}/feedback", "", 201, []string{"feedback.request:ok"}, `"offered":true`},
				{"mentee offers twice", "bob", "POST", "/api/v1/relationships/{rel}/feedback", "", 409, nil, ""},
				{"mentor asks", "alice", "POST", "/api/v1/relationships/{rel}/feedback", "", 201, []string{"feedback.request:ok"}, `"offered":false`},
				{"feedback list", "bob", "GET", "/api/v1/relationships/{rel}/feedback", "", 200, []string{"feedback.list:ok"}, `"to_answer":[{`},
				{"the form's k", "bob", "GET", "/api/v1/relationships/{rel}/feedback", "", 200, []string{"feedback.list:ok"}, `"k_threshold":5`},
				{"bob reads back the demo answer he gave", "bob", "GET", "/api/v1/relationships/{rel}/feedback", "", 200, []string{"feedback.list:ok"}, `"given":[{`},
				{"aggregates for the coordinator", "carol", "GET", "/api/v1/programmes/{prog}/feedback", "", 200, []string{"feedback.aggregate:ok"}, `"withheld":true`},
				{"aggregates not for a member", "heidi", "GET", "/api/v1/programmes/{prog}/feedback", "", 403, []string{"feedback.aggregate:denied"}, ""},
				{"notifications", "bob", "GET", "/api/v1/notifications", "", 200, nil, `"notifications"`},
				{"mark read", "bob", "POST", "/api/v1/notifications/read", `{}`, 204, nil, ""},
				{"calendar feed", "bob", "POST", "/api/v1/calendar-feeds", `{"detailed":false}`, 201, []string{"calendar.feed.create:ok"}, "/calendar/mvf_"},
				{"calendar feeds", "bob", "GET", "/api/v1/calendar-feeds", "", 200, nil, `"feeds":[{`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var body []byte
					ct := ""
					if tc.body != "" {
						body, ct = []byte(tc.body), js
					}
					res := f.do(t, tc.as, tc.method, tc.path, ct, body)
					if res.status != tc.status {
						t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
					}
					if got := contentEvents(res.events); !slices.Equal(got, tc.events) {
						t.Fatalf("audit events %v, want %v", got, tc.events)
					}
					if tc.contains != "" && !strings.Contains(string(res.body), tc.contains) {
						t.Fatalf("body lacks %q: %.400s", tc.contains, res.body)
					}
					if tc.as == "carol" || tc.as == "grace" || tc.as == "dave" || tc.as == "heidi" {
						for _, secret := range []string{"MEETING-AGENDA-SECRET", "COMMIT-SECRET", "GOAL-SECRET"} {
							if strings.Contains(string(res.body), secret) {
								t.Fatalf("%s saw %s", tc.as, secret)
							}
						}
					}
				})
			}
			// The calendar feed: served by its secret URL, no content.
			r = f.do(t, "bob", "POST", "/api/v1/calendar-feeds", js, []byte(`{}`))
			var feed struct{ URL string }
			_ = json.Unmarshal(r.body, &feed)
			path := feed.URL[strings.Index(feed.URL, "/calendar/"):]
			resp := getRaw(t, f.ts.URL+path)
			if !strings.Contains(resp, "BEGIN:VCALENDAR") || strings.Contains(resp, "SECRET") {
				t.Fatalf("feed: %.300s", resp)
			}
			if got := getRaw(t, f.ts.URL+"/calendar/mvf_not-a-token.ics"); strings.Contains(got, "VCALENDAR") {
				t.Fatal("an unknown token served a calendar")
			}
		})
	}
}

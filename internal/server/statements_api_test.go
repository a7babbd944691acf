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

// TestThirdPartyAPI drives a request for input from the requester to its
// release, a shared summary and a three-way meeting over the API on both
// backends, checking every response against the OpenAPI document, the
// audit events each call wrote, and that nobody outside the pair sees a
// draft, a comment, a finding or a brief before its time.
func TestThirdPartyAPI(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			const js = "application/json"
			deadline := time.Now().UTC().Add(7 * 24 * time.Hour).Format(time.RFC3339)
			when := time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)
			capture := func(key string) func(body []byte) {
				return func(body []byte) {
					var v struct{ ID string }
					_ = json.Unmarshal(body, &v)
					f.ids[key] = v.ID
				}
			}
			for _, tc := range []struct {
				name, as, method, path, body string
				status                       int
				events                       []string
				contains                     string
				then                         func(body []byte)
			}{
				{"requester asks", "frank", "POST", "/api/v1/relationships/{rel}/input-requests",
					`{"asked_email":"alice@northwind.example","purpose":"promotion to team lead","question":"API-QUESTION how has Bob grown?","deadline":"` + deadline + `"}`,
					201, []string{"input.request:ok"}, `"status":"open"`, capture("req")},
				{"a member may not ask", "heidi", "POST", "/api/v1/relationships/{rel}/input-requests",
					`{"asked_email":"alice@northwind.example","purpose":"x","question":"y","deadline":"` + deadline + `"}`, 403, []string{"input.request:denied"}, "", nil},
				{"the deadline is required", "frank", "POST", "/api/v1/relationships/{rel}/input-requests",
					`{"asked_email":"alice@northwind.example","purpose":"x","question":"y"}`, 400, nil, "deadline", nil},
				{"unknown field", "frank", "POST", "/api/v1/relationships/{rel}/input-requests", `{"asked":"alice"}`, 400, nil, "unknown field", nil},
				{"requester's requests", "frank", "GET", "/api/v1/input-requests", "", 200, []string{"input.read:ok", "input.read:ok", "input.read:ok"}, "API-QUESTION", nil},
				{"requester cannot see the pair's side", "frank", "GET", "/api/v1/relationships/{rel}/third-parties", "", 404, []string{"thirdparty.read:denied"}, "", nil},
				{"coordinator cannot either", "carol", "GET", "/api/v1/relationships/{rel}/third-parties", "", 404, []string{"thirdparty.read:denied"}, "", nil},
				{"the subject sees the request", "bob", "GET", "/api/v1/relationships/{rel}/third-parties", "", 200, []string{"thirdparty.read:ok"}, "API-QUESTION", nil},
				{"the subject may not answer", "bob", "POST", "/api/v1/relationships/{rel}/input-requests/{req}/statement", `{"body":"x"}`, 403, []string{"input.answer:denied"}, "", nil},
				{"the asked party drafts", "alice", "POST", "/api/v1/relationships/{rel}/input-requests/{req}/statement",
					`{"body":"API-DRAFT Bob is a poor performer. He told me about his health."}`, 201, []string{"statement.draft:ok"}, `"kind":"kept_item"`, capture("st")},
				{"a second draft for the same request", "alice", "POST", "/api/v1/relationships/{rel}/input-requests/{req}/statement", `{"body":"again"}`, 409, nil, "", nil},
				{"the requester cannot read the draft", "frank", "GET", "/api/v1/relationships/{rel}/statements/{st}", "", 404, []string{"thirdparty.read:denied"}, "", nil},
				{"the draft is not released", "frank", "GET", "/api/v1/statements", "", 200, []string{"statement.receive:ok"}, `"statements":[{`, nil},
				{"the subject reads the findings", "bob", "GET", "/api/v1/relationships/{rel}/statements/{st}", "", 200, []string{"statement.read:ok"}, `"kind":"performance"`, nil},
				{"the subject may not edit", "bob", "PUT", "/api/v1/relationships/{rel}/statements/{st}", `{"body":"x"}`, 403, []string{"statement.write:denied"}, "", nil},
				{"the author revises", "alice", "PUT", "/api/v1/relationships/{rel}/statements/{st}",
					`{"body":"API-FINAL In our sessions Bob engaged fully and grew in confidence."}`, 200, []string{"statement.edit:ok"}, `"state":"draft"`, nil},
				{"shown to the subject", "alice", "POST", "/api/v1/relationships/{rel}/statements/{st}/submit", "", 200, []string{"statement.submit:ok"}, `"state":"awaiting_consent"`, nil},
				{"the author may not consent", "alice", "POST", "/api/v1/relationships/{rel}/statements/{st}/decision", `{"decision":"approve"}`, 403, []string{"statement.decide:denied"}, "", nil},
				{"an unknown decision", "bob", "POST", "/api/v1/relationships/{rel}/statements/{st}/decision", `{"decision":"maybe"}`, 400, nil, "decision", nil},
				{"the subject approves", "bob", "POST", "/api/v1/relationships/{rel}/statements/{st}/decision", `{"decision":"approve"}`, 200,
					[]string{"statement.approve:ok", "statement.release:ok"}, `"state":"released"`, nil},
				{"the requester reads the release", "frank", "GET", "/api/v1/statements", "", 200, []string{"statement.receive:ok", "statement.receive:ok"}, "API-FINAL", nil},
				{"released is immutable", "alice", "PUT", "/api/v1/relationships/{rel}/statements/{st}", `{"body":"x"}`, 409, nil, "", nil},
				{"withdrawn by its author", "alice", "POST", "/api/v1/relationships/{rel}/statements/{st}/withdraw", "", 200, []string{"statement.withdraw:ok"}, `"state":"withdrawn"`, nil},
				{"the requester sees the withdrawal", "frank", "GET", "/api/v1/statements", "", 200, []string{"statement.receive:ok", "statement.receive:ok"}, `"state":"withdrawn"`, nil},
				{"a summary for the line manager", "bob", "POST", "/api/v1/relationships/{rel}/summaries",
					`{"recipient_email":"dave@northwind.example","purpose":"goals and progress","body":"API-SUMMARY We worked on delegation."}`, 201,
					[]string{"statement.draft:ok"}, `"pre_authorised":true`, capture("sum")},
				{"pre-authorised: shown for the window", "bob", "POST", "/api/v1/relationships/{rel}/statements/{sum}/submit", "", 200, []string{"statement.submit:ok"}, `"state":"pre_authorised"`, nil},
				{"nothing for the line manager yet", "dave", "GET", "/api/v1/statements", "", 200, nil, `"statements":[]`, nil},
				{"a three-way meeting", "bob", "POST", "/api/v1/relationships/{rel}/three-way-meetings",
					`{"brief":"API-BRIEF we may say what Bob works on","starts_at":"` + when + `","minutes":30,"location":"Room 4"}`, 201, []string{"threeway.propose:ok"}, `"state":"proposed"`, capture("tw")},
				{"the line manager does not see it yet", "dave", "GET", "/api/v1/three-way-meetings/{tw}", "", 404, []string{"threeway.read:denied"}, "", nil},
				{"the other party agrees", "alice", "POST", "/api/v1/three-way-meetings/{tw}/agree", "", 200, []string{"threeway.agree:ok"}, `"state":"agreed"`, nil},
				{"now the line manager reads the brief", "dave", "GET", "/api/v1/three-way-meetings/{tw}", "", 200, []string{"threeway.read:ok"}, "API-BRIEF", nil},
				{"his invitations", "dave", "GET", "/api/v1/three-way-meetings", "", 200, []string{"threeway.read:ok"}, "API-BRIEF", nil},
				{"a note for the three", "dave", "POST", "/api/v1/three-way-meetings/{tw}/notes", `{"body":"API-3NOTE thanks"}`, 201, []string{"threeway.note:ok"}, "API-3NOTE", nil},
				{"the line manager may not agree for the pair", "dave", "POST", "/api/v1/three-way-meetings/{tw}/agree", "", 403, []string{"threeway.act:denied"}, "", nil},
				{"the coordinator sees nothing", "carol", "GET", "/api/v1/three-way-meetings/{tw}", "", 404, []string{"threeway.read:denied"}, "", nil},
				{"held before its time", "alice", "POST", "/api/v1/three-way-meetings/{tw}/outcome", `{"state":"held"}`, 409, nil, "has not begun", func([]byte) {
					at := time.Now().UTC().Add(48*time.Hour + time.Minute) // its time comes
					f.env.DB.SetClock(func() time.Time { return at })
				}},
				{"held", "alice", "POST", "/api/v1/three-way-meetings/{tw}/outcome", `{"state":"held"}`, 200, []string{"threeway.held:ok"}, `"state":"held"`, nil},
				{"a bad outcome", "alice", "POST", "/api/v1/three-way-meetings/{tw}/outcome", `{"state":"postponed"}`, 400, nil, "", nil},
				{"the line manager still may not read the pair's notes", "dave", "GET", "/api/v1/relationships/{rel}/notes", "", 404, []string{"note.list:denied"}, "", nil},
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
						t.Fatalf("body lacks %q: %.600s", tc.contains, res.body)
					}
					if tc.as != "alice" && tc.as != "bob" {
						for _, secret := range []string{"API-DRAFT", "health", "poor performer"} {
							if strings.Contains(string(res.body), secret) {
								t.Fatalf("%s saw %q", tc.as, secret)
							}
						}
					}
					if tc.as == "frank" && strings.Contains(string(res.body), "API-FINAL") && strings.Contains(tc.name, "withdrawal") {
						t.Fatal("the requester still reads a withdrawn statement")
					}
					if tc.then != nil {
						tc.then(res.body)
					}
				})
			}
		})
	}
}

package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestAgreementAPI walks a new pair through the agreement over the API and
// checks who may see what at each step, with the audit events written.
func TestAgreementAPI(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			const js = "application/json"
			// heidi proposes to mentor ivan in the programme; ivan accepts.
			var progID string
			{
				r := f.do(t, "carol", "GET", "/api/v1/me", "", nil)
				var m struct {
					Roles []struct {
						ProgrammeID string `json:"programme_id"`
					} `json:"programme_roles"`
				}
				_ = json.Unmarshal(r.body, &m)
				progID = m.Roles[0].ProgrammeID
			}
			r := f.do(t, "heidi", "POST", "/api/v1/relationships", js, []byte(`{"other_email":"ivan@northwind.example","my_role":"mentor","programme_id":"`+progID+`"}`))
			var rel struct{ ID, Status string }
			_ = json.Unmarshal(r.body, &rel)
			f.ids["pair"], f.ids["prog"] = rel.ID, progID
			if r := f.do(t, "ivan", "POST", "/api/v1/relationships/{pair}/accept", "", nil); r.status != 200 {
				t.Fatalf("accept: %d %s", r.status, r.body)
			}
			// Before a draft exists: the pair reads an empty agreement; others nothing.
			r = f.do(t, "heidi", "POST", "/api/v1/relationships/{pair}/agreement/drafts", "", nil)
			if r.status != 201 || !slices.Equal(contentEvents(r.events), []string{"agreement.draft:ok"}) {
				t.Fatalf("start draft: %d %v %s", r.status, contentEvents(r.events), r.body)
			}
			var draft struct {
				ID, Hash string
				Terms    map[string]any
			}
			_ = json.Unmarshal(r.body, &draft)
			f.ids["draft"] = draft.ID
			if r := f.do(t, "ivan", "POST", "/api/v1/relationships/{pair}/agreement/drafts", "", nil); r.status != 201 || !strings.Contains(string(r.body), draft.ID) {
				t.Fatalf("a second start returns the same draft: %d %s", r.status, r.body)
			}

			terms, _ := json.Marshal(draft.Terms)
			edited := strings.Replace(string(terms), `"meeting_minutes":60`, `"meeting_minutes":30`, 1)
			if edited == string(terms) {
				t.Fatalf("template terms changed shape: %s", terms)
			}
			for _, tc := range []struct {
				name, as, method, path, body string
				status                       int
				events                       []string
			}{
				{"coordinator cannot read the draft", "carol", "GET", "/api/v1/relationships/{pair}/agreement", "", 403, []string{"agreement.read:denied"}},
				{"org admin cannot read the draft", "grace", "GET", "/api/v1/relationships/{pair}/agreement", "", 403, []string{"agreement.read:denied"}},
				{"member cannot read the draft", "bob", "GET", "/api/v1/relationships/{pair}/agreement", "", 403, []string{"agreement.read:denied"}},
				{"line manager cannot export", "dave", "GET", "/api/v1/relationships/{pair}/agreement/versions/{draft}/export", "", 403, []string{"agreement.export:denied"}},
				{"coordinator cannot edit", "carol", "PUT", "/api/v1/relationships/{pair}/agreement/versions/{draft}", `{"base_hash":"` + draft.Hash + `","terms":` + edited + `}`, 403, []string{"agreement.edit:denied"}},
				{"coordinator sees the status only", "carol", "GET", "/api/v1/relationships/{pair}/agreement/status", "", 200, nil},
				{"member cannot see the status", "bob", "GET", "/api/v1/relationships/{pair}/agreement/status", "", 403, []string{"agreement.status:denied"}},
				{"unknown clause value", "heidi", "PUT", "/api/v1/relationships/{pair}/agreement/versions/{draft}", `{"base_hash":"` + draft.Hash + `","terms":{"clauses":[{"discloser":"boss","what":"everything","recipient":"line_manager","condition":"always","until":"indefinitely"}]}}`, 400, nil},
				{"unknown field in terms", "heidi", "PUT", "/api/v1/relationships/{pair}/agreement/versions/{draft}", `{"base_hash":"` + draft.Hash + `","terms":{"secret_clause":true}}`, 400, nil},
				{"bad base hash", "heidi", "PUT", "/api/v1/relationships/{pair}/agreement/versions/{draft}", `{"base_hash":"xyz","terms":` + edited + `}`, 400, nil},
				{"edit", "heidi", "PUT", "/api/v1/relationships/{pair}/agreement/versions/{draft}", `{"base_hash":"` + draft.Hash + `","terms":` + edited + `}`, 200, []string{"agreement.edit:ok"}},
				{"edit from a stale hash", "ivan", "PUT", "/api/v1/relationships/{pair}/agreement/versions/{draft}", `{"base_hash":"` + draft.Hash + `","terms":` + string(terms) + `}`, 409, nil},
				{"sign a stale hash", "ivan", "POST", "/api/v1/relationships/{pair}/agreement/versions/{draft}/sign", `{"hash":"` + draft.Hash + `","password":"` + demo.Password + `"}`, 409, []string{"agreement.sign:ok"}[:0]},
				{"sign with a wrong password", "ivan", "POST", "/api/v1/relationships/{pair}/agreement/versions/{draft}/sign", `{"hash":"` + draft.Hash + `","password":"wrong-password"}`, 401, []string{"agreement.sign:failed"}},
				{"diff", "ivan", "GET", "/api/v1/relationships/{pair}/agreement/versions/{draft}/diff", "", 200, []string{"agreement.diff:ok"}},
				{"comment", "ivan", "POST", "/api/v1/relationships/{pair}/agreement/versions/{draft}/comments", `{"section":"expectations","body":"30 minutes is short"}`, 201, []string{"agreement.comment:ok"}},
				{"presets", "ivan", "GET", "/api/v1/agreement-presets", "", 200, nil},
				{"programme for a member", "bob", "GET", "/api/v1/programmes/{prog}", "", 200, nil},
				{"programme settings not for a member", "bob", "PUT", "/api/v1/programmes/{prog}/settings", `{"template":{},"mandatory_exceptions":[],"min_notice_hours":1,"review_every_weeks":1,"k_threshold":5,"retention_days":30}`, 403, []string{"programme.edit:denied"}},
				{"guidelines v1", "bob", "GET", "/api/v1/programmes/{prog}/guidelines/1", "", 200, nil},
				{"no guidelines v9", "bob", "GET", "/api/v1/programmes/{prog}/guidelines/9", "", 404, nil},
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
					if tc.as == "carol" && tc.status == 200 && strings.Contains(string(res.body), "minutes") {
						t.Fatalf("the coordinator saw agreement content: %s", res.body)
					}
				})
			}
			// Both sign the current text: active.
			r = f.do(t, "heidi", "GET", "/api/v1/relationships/{pair}/agreement", "", nil)
			var av struct {
				Versions []struct{ ID, Hash, State string } `json:"versions"`
			}
			_ = json.Unmarshal(r.body, &av)
			cur := av.Versions[0].Hash
			for _, who := range []string{"ivan", "heidi"} {
				if r := f.do(t, who, "POST", "/api/v1/relationships/{pair}/agreement/versions/{draft}/sign", js, []byte(`{"hash":"`+cur+`","password":"`+demo.Password+`"}`)); r.status != 200 {
					t.Fatalf("%s signs: %d %s", who, r.status, r.body)
				}
			}
			r = f.do(t, "carol", "GET", "/api/v1/relationships/{pair}", "", nil)
			if !strings.Contains(string(r.body), `"status":"active"`) {
				t.Fatalf("after both signed: %s", r.body)
			}
			r = f.do(t, "carol", "GET", "/api/v1/relationships/{pair}/agreement/status", "", nil)
			if !strings.Contains(string(r.body), "signed by both") {
				t.Fatalf("coordinator status: %s", r.body)
			}
			for _, format := range []string{"markdown", "pdf"} {
				req, _ := http.NewRequest("GET", f.ts.URL+f.path("/api/v1/relationships/{pair}/agreement/versions/{draft}/export?format="+format), nil)
				req.Header.Set("Authorization", "Bearer "+f.tokens["ivan"])
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 1<<20)
				n, _ := resp.Body.Read(buf)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Fatalf("export %s: %d", format, resp.StatusCode)
				}
				switch format {
				case "markdown":
					if !strings.Contains(string(buf[:n]), cur) || !strings.Contains(string(buf[:n]), "Signed by Ivan Ivanov") {
						t.Fatalf("markdown export lacks the hash or a signature")
					}
				case "pdf":
					if !strings.HasPrefix(string(buf[:n]), "%PDF-") {
						t.Fatalf("pdf export is not a PDF")
					}
				}
			}
			r = f.do(t, "ivan", "GET", "/api/v1/relationships/{pair}/agreement/versions/{draft}/verify", "", nil)
			if !strings.Contains(string(r.body), `"ok":true`) {
				t.Fatalf("verify: %s", r.body)
			}
			// Reviews: the pair only.
			if r := f.do(t, "ivan", "POST", "/api/v1/relationships/{pair}/reviews", js, []byte(`{"answer":"yes","notes":"all good"}`)); r.status != 201 {
				t.Fatalf("review: %d %s", r.status, r.body)
			}
			if r := f.do(t, "carol", "GET", "/api/v1/relationships/{pair}/reviews", "", nil); r.status != 403 {
				t.Fatalf("coordinator reads reviews: %d", r.status)
			}
		})
	}
}

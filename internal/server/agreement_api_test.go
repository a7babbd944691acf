package server_test

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"

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
				{"coordinator cannot read the draft", "carol", "GET", "/api/v1/relationships/{pair}/agreement", "", 404, []string{"agreement.read:denied"}},
				{"org admin cannot read the draft", "grace", "GET", "/api/v1/relationships/{pair}/agreement", "", 404, []string{"agreement.read:denied"}},
				{"member cannot read the draft", "bob", "GET", "/api/v1/relationships/{pair}/agreement", "", 404, []string{"agreement.read:denied"}},
				{"line manager cannot export", "dave", "GET", "/api/v1/relationships/{pair}/agreement/versions/{draft}/export", "", 404, []string{"agreement.export:denied"}},
				{"coordinator cannot edit", "carol", "PUT", "/api/v1/relationships/{pair}/agreement/versions/{draft}", `{"base_hash":"` + draft.Hash + `","terms":` + edited + `}`, 404, []string{"agreement.edit:denied"}},
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
				{"coordinator cannot confirm the guidelines for the pair", "carol", "POST", "/api/v1/relationships/{pair}/agreement/guidelines/1/read", "", 404, []string{"agreement.sign:denied"}},
				{"no guidelines v9 to confirm", "ivan", "POST", "/api/v1/relationships/{pair}/agreement/guidelines/9/read", "", 404, nil},
				{"ivan confirms reading the guidelines for himself", "ivan", "POST", "/api/v1/relationships/{pair}/agreement/guidelines/1/read", "", 200, []string{"agreement.guidelines_read:ok"}},
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
				Reads    []struct {
					UserID  string `json:"user_id"`
					Version int    `json:"version"`
				} `json:"guidelines_reads"`
			}
			_ = json.Unmarshal(r.body, &av)
			// Ivan's confirmation is his alone.
			if len(av.Reads) != 1 || av.Reads[0].UserID != f.env.Users["ivan"].ID || av.Reads[0].Version != 1 {
				t.Fatalf("guidelines reads after ivan confirmed: %+v", av.Reads)
			}
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
			// Names beyond Latin-1 print as written in the PDF: the export sets
			// them in the embedded DejaVu Sans, not a core font that would turn
			// them into "?".
			for key, name := range map[string]string{"heidi": "Zoë Ålund Łukasz Żółw", "ivan": "Дмитрий 李雷"} {
				if _, err := f.env.DB.SQLDB().Exec(f.env.DB.Rebind("UPDATE users SET name = ? WHERE id = ?"), name, f.env.Users[key].ID); err != nil {
					t.Fatal(err)
				}
			}
			r = f.do(t, "ivan", "GET", "/api/v1/relationships/{pair}/agreement/versions/{draft}/export?format=pdf", "", nil)
			if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("pdf export: %d %s", r.status, r.header.Get("Content-Type"))
			}
			checkPDFText(t, r.body, []string{"Zoë", "Ålund", "Łukasz", "Żółw", "Дмитрий", "李雷"})
			r = f.do(t, "ivan", "GET", "/api/v1/relationships/{pair}/agreement/versions/{draft}/verify", "", nil)
			if !strings.Contains(string(r.body), `"ok":true`) {
				t.Fatalf("verify: %s", r.body)
			}
			// Reviews: the pair only.
			if r := f.do(t, "ivan", "POST", "/api/v1/relationships/{pair}/reviews", js, []byte(`{"answer":"yes","notes":"all good"}`)); r.status != 201 {
				t.Fatalf("review: %d %s", r.status, r.body)
			}
			if r := f.do(t, "carol", "GET", "/api/v1/relationships/{pair}/reviews", "", nil); r.status != 404 {
				t.Fatalf("coordinator reads reviews: %d", r.status)
			}
		})
	}
}

// checkPDFText asserts that a PDF from the export sets its text in the
// embedded UTF-8 font and that each word reaches a content stream as its own
// code points (fpdf writes UTF-16BE with Identity-H), not as "?". It also
// checks the fonts' CID→glyph maps give each non-Han letter a real glyph;
// DejaVu Sans has no Han ideographs, so those print as missing-glyph boxes
// until a CJK fallback font is added (internal/api/fonts/README.md).
func checkPDFText(t *testing.T, pdf []byte, words []string) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	if !bytes.Contains(pdf, []byte("/BaseFont /utf8dejavusans")) || !bytes.Contains(pdf, []byte("/FontFile2")) {
		t.Fatalf("the PDF does not embed DejaVu Sans")
	}
	if bytes.Contains(pdf, []byte("/Helvetica")) {
		t.Fatalf("the PDF still uses the Latin-1 core font Helvetica")
	}
	var content []byte
	var cidToGID [][]byte // one per font
	for rest := pdf; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			break
		}
		zr, err := zlib.NewReader(bytes.NewReader(rest[:j]))
		if err == nil {
			if b, err := io.ReadAll(zr); err == nil {
				if len(b) == 256*256*2 {
					cidToGID = append(cidToGID, b)
				} else {
					content = append(content, b...)
				}
			}
		}
		rest = rest[j+len("endstream"):]
	}
	if cidToGID == nil {
		t.Fatalf("no CIDToGIDMap in the PDF")
	}
	escape := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, "\r", `\r`)
	for _, w := range words {
		var be []byte
		for _, u := range utf16.Encode([]rune(w)) {
			be = append(be, byte(u>>8), byte(u))
		}
		if !bytes.Contains(content, []byte(escape.Replace(string(be)))) {
			t.Errorf("%q is not in the PDF's text", w)
		}
		for _, c := range w {
			if unicode.Is(unicode.Han, c) {
				continue
			}
			if !slices.ContainsFunc(cidToGID, func(m []byte) bool { return m[2*c] != 0 || m[2*c+1] != 0 }) {
				t.Errorf("%q in %q has no glyph in the embedded font", c, w)
			}
		}
	}
}

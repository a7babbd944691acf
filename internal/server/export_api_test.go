package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// unzip reads every file of a zip answer by name.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the export is not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

// TestRelationshipExport: each party downloads everything they may read —
// their own private notes and the shared ones, never the other's private
// notes — as content.json, index.html and the agreement PDF; the export is
// on the pair's access log; nobody else may export.
func TestRelationshipExport(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	for _, c := range []struct {
		who, mine, theirs string
	}{{"alice", "fixture alicePriv", "fixture bobPriv"}, {"bob", "fixture bobPriv", "fixture alicePriv"}} {
		r := f.do(t, c.who, "GET", "/api/v1/relationships/{rel}/export", "", nil)
		if r.status != 200 || r.header.Get("Content-Type") != "application/zip" {
			t.Fatalf("%s: export = %d %s", c.who, r.status, r.body)
		}
		files := unzip(t, r.body)
		content, page := files["content.json"], string(files["index.html"])
		var doc struct {
			Format    string
			Notes     []struct{ Body, Visibility string }
			Agreement struct {
				Versions []struct{ Text string }
			}
			Meetings  []struct{ ID string }
			AccessLog []struct{ Action string } `json:"access_log"`
		}
		if err := json.Unmarshal(content, &doc); err != nil {
			t.Fatalf("%s: content.json: %v", c.who, err)
		}
		checkExportSchema(t, f.ts.URL, content)
		bodies := map[string]bool{}
		for _, n := range doc.Notes {
			bodies[n.Body] = true
		}
		if doc.Format != "mentorvault-export/1" || !bodies[c.mine] || !bodies["fixture aliceShared"] {
			t.Errorf("%s: content.json lacks their own notes: %v", c.who, bodies)
		}
		if bodies[c.theirs] || strings.Contains(string(content), c.theirs) || strings.Contains(page, c.theirs) {
			t.Errorf("%s: the export holds the other party's private note", c.who)
		}
		if len(doc.Agreement.Versions) == 0 || doc.Agreement.Versions[0].Text == "" || len(doc.Meetings) == 0 || len(doc.AccessLog) == 0 {
			t.Errorf("%s: content.json lacks the agreement, meetings or access log: %d versions, %d meetings, %d events",
				c.who, len(doc.Agreement.Versions), len(doc.Meetings), len(doc.AccessLog))
		}
		if !strings.Contains(page, "fixture aliceShared") || !strings.Contains(page, "<h2>Notes</h2>") {
			t.Errorf("%s: index.html does not show the notes", c.who)
		}
		pdfs := 0
		for name, b := range files {
			if strings.HasSuffix(name, ".pdf") && bytes.HasPrefix(b, []byte("%PDF")) {
				pdfs++
			}
		}
		if pdfs != 1 {
			t.Errorf("%s: %d agreement PDFs in the export, want 1 (files: %d)", c.who, pdfs, len(files))
		}
		exported := false
		for _, e := range r.events {
			if e.Action == "relationship.export" && e.Outcome == "ok" && e.ActorID == f.env.Users[c.who].ID {
				exported = true
			}
		}
		if !exported {
			t.Errorf("%s: the export is not on the access log: %v", c.who, contentEvents(r.events))
		}
	}
	for _, who := range []string{"carol", "dave", "frank", "grace", "heidi"} {
		r := f.do(t, who, "GET", "/api/v1/relationships/{rel}/export", "", nil)
		if r.status != 403 && r.status != 404 {
			t.Errorf("%s exports alice and bob's relationship: %d", who, r.status)
		}
		if bytes.Contains(r.body, []byte("fixture")) {
			t.Errorf("%s's refusal carries content", who)
		}
	}
	if r := f.do(t, "ivan", "GET", "/api/v1/relationships/{proposed}/export", "", nil); r.status == 200 {
		t.Errorf("a proposal exports: %d", r.status)
	}
}

// checkExportSchema validates content.json against the RelationshipExport
// schema of the OpenAPI document the server serves.
func checkExportSchema(t *testing.T, base string, content []byte) {
	t.Helper()
	ref := loadOpenAPI(t, base).Components.Schemas["RelationshipExport"]
	if ref == nil || ref.Value == nil {
		t.Fatal("the OpenAPI document has no RelationshipExport schema")
	}
	var v any
	if err := json.Unmarshal(content, &v); err != nil {
		t.Fatal(err)
	}
	if err := ref.Value.VisitJSON(v); err != nil {
		t.Errorf("content.json does not match the RelationshipExport schema: %v", err)
	}
	// The schema has teeth: without its notes, or with a note that is not
	// one, the document does not match.
	m := v.(map[string]any)
	notes := m["notes"]
	delete(m, "notes")
	if ref.Value.VisitJSON(m) == nil {
		t.Error("the schema accepts an export without its notes")
	}
	m["notes"] = []any{map[string]any{"body": 7}}
	if ref.Value.VisitJSON(m) == nil {
		t.Error("the schema accepts a note whose body is a number")
	}
	m["notes"] = notes
}

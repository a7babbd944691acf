package server_test

import (
	"encoding/json"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// FuzzCreateNoteBody sends arbitrary bodies to the note API: the answer is
// always 201 or a 4xx with a JSON error that matches the OpenAPI document,
// never a 5xx, and a refused request stores nothing.
func FuzzCreateNoteBody(f *testing.F) {
	for _, s := range []string{`{"body":"x","visibility":"shared"}`, `{"body":`, `[]`, `{"body":"\ud800","visibility":"private"}`,
		"{\"body\":\"\xff\"}", `null`, `{"body":"a","visibility":"shared","x":1}`, `{"body":"a","visibility":"shared"} {}`} {
		f.Add(s)
	}
	fx := startFixture(f, mvtest.New(f, sqlstoretest.OpenSQLite(f)))
	f.Fuzz(func(t *testing.T, body string) {
		before := countNotes(t, fx)
		res := fx.do(t, "alice", "POST", "/api/v1/relationships/{rel}/notes", "application/json", []byte(body))
		switch {
		case res.status == 201:
			if countNotes(t, fx) != before+1 {
				t.Fatal("201 without a stored note")
			}
		case res.status >= 400 && res.status < 500:
			if !json.Valid(res.body) || res.errorCode() == "" {
				t.Fatalf("4xx without a JSON error: %s", res.body)
			}
			if countNotes(t, fx) != before {
				t.Fatal("a refused request stored a note")
			}
		default:
			t.Fatalf("status %d for body %q: %s", res.status, body, res.body)
		}
	})
}

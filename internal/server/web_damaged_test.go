package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestWebDamagedRecords: records whose binding was changed in the database
// are shown on their pages as damaged in plain words, without their content,
// and the pages still answer 200.
func TestWebDamagedRecords(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	rel := f.ids["rel"]
	carol := f.env.Users["carol"].ID
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := f.env.DB.SQLDB().Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	w := newWeb(t, f.ts.URL)
	w.login("alice@northwind.example")
	page := func(path string, want []string, hidden ...string) {
		t.Helper()
		st, body := getPage(t, w, path)
		if st != http.StatusOK {
			t.Fatalf("GET %s = %d", path, st)
		}
		for _, s := range want {
			if !strings.Contains(body, s) {
				t.Errorf("GET %s does not say %q", path, s)
			}
		}
		for _, s := range hidden {
			if strings.Contains(body, s) {
				i := strings.Index(body, s)
				t.Errorf("GET %s shows %q of a damaged record: %s", path, s, body[max(0, i-300):i+100])
			}
		}
	}
	exec(`UPDATE goals SET created_by_id = ? WHERE relationship_id = ?`, carol, rel)
	exec(`UPDATE goal_progress SET author_id = ? WHERE relationship_id = ?`, carol, rel)
	exec(`UPDATE commitments SET proposed_by_id = ? WHERE relationship_id = ?`, carol, rel)
	exec(`UPDATE meetings SET created_by_id = ? WHERE relationship_id = ?`, carol, rel)
	exec(`UPDATE feedback_requests SET mentee_id = ? WHERE relationship_id = ?`, carol, rel)
	exec(`UPDATE reviews SET user_id = ? WHERE relationship_id = ?`, carol, rel)
	page("/relationships/"+rel+"/goals", []string{"This goal is damaged", "This progress note is damaged", "This commitment is damaged"},
		">Run the weekly planning meeting with confidence", "Opened the meeting myself twice")
	page("/relationships/"+rel+"/commitments", []string{"This commitment is damaged"})
	page("/relationships/"+rel+"/meetings", []string{"This meeting is damaged"})
	page("/relationships/"+rel+"/feedback", []string{"This answer is damaged"}, "Alice asks the questions I avoid")
	page("/relationships/"+rel+"/agreement", []string{"This review is damaged"}, "the agendas help")
	exec(`UPDATE agreement_versions SET created_by_id = ? WHERE relationship_id = ?`, carol, rel)
	page("/relationships/"+rel+"/agreement", []string{"This version is damaged", "damaged: changed outside mentorvault"}, "Grow into leading the platform team")
}

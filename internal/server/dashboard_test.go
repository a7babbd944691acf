package server_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestDashboardOverHTTP: the programme's coordinator reads its dashboard
// from the API (matching the OpenAPI schema), as a page with its charts and
// tables, and as CSV; nobody else does; the org admin sets the k floor, and
// a coordinator cannot go below it.
func TestDashboardOverHTTP(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	prog := f.env.Rel.ProgrammeID
	r := f.do(t, "carol", "GET", "/api/v1/programmes/"+prog+"/dashboard", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("carol's dashboard: %d %s", r.status, r.body)
	}
	schema := loadOpenAPI(t, f.ts.URL).Components.Schemas["ProgrammeDashboard"]
	if schema == nil || schema.Value == nil {
		t.Fatal("the OpenAPI document has no ProgrammeDashboard schema")
	}
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if err := schema.Value.VisitJSON(doc); err != nil {
		t.Errorf("the dashboard does not match its schema: %v", err)
	}
	if doc["k"] != float64(5) || len(doc["states"].([]any)) != 12 {
		t.Errorf("dashboard: k %v, %d months", doc["k"], len(doc["states"].([]any)))
	}
	for _, who := range []string{"heidi", "alice", "grace"} {
		if r := f.do(t, who, "GET", "/api/v1/programmes/"+prog+"/dashboard", "", nil); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("%s read the dashboard: %d", who, r.status)
		}
	}

	w := newWeb(t, f.ts.URL)
	w.login(f.env.Users["carol"].Email)
	st, page := w.get("/programmes/" + prog + "/dashboard")
	if st != http.StatusOK || !strings.Contains(page, "<svg") || !strings.Contains(page, "Relationships by state, month by month") ||
		!strings.Contains(page, "held back: fewer than 5 people") {
		t.Fatalf("dashboard page: %d\n%s", st, page)
	}
	resp, err := w.c.Get(f.ts.URL + "/programmes/" + prog + "/dashboard.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	if len(rows) < 20 || strings.Join(rows[0], ",") != "section,figure,label,value,as_of" {
		t.Fatalf("CSV rows: %v", rows[:min(3, len(rows))])
	}
	for _, row := range rows {
		if row[1] == "meetings_held" && !strings.HasPrefix(row[3], "withheld") {
			t.Errorf("meetings held over two people at k 5 in the CSV: %v", row)
		}
	}

	// The floor: grace sets it; carol cannot go below it.
	if r := f.do(t, "carol", "PUT", "/api/v1/org/privacy", "application/json", []byte(`{"k_floor":2}`)); r.status != http.StatusForbidden {
		t.Errorf("a coordinator set the floor: %d", r.status)
	}
	if r := f.do(t, "grace", "PUT", "/api/v1/org/privacy", "application/json", []byte(`{"k_floor":1}`)); r.status != http.StatusBadRequest {
		t.Errorf("a floor of 1: %d %s", r.status, r.body)
	}
	if r := f.do(t, "grace", "PUT", "/api/v1/org/privacy", "application/json", []byte(`{"k_floor":6}`)); r.status != http.StatusOK {
		t.Fatalf("floor 6: %d %s", r.status, r.body)
	}
	if r := f.do(t, "grace", "GET", "/api/v1/org/privacy", "", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"k_floor":6`) {
		t.Errorf("the floor reads %d %s", r.status, r.body)
	}
	r = f.do(t, "carol", "GET", "/api/v1/programmes/"+prog+"/dashboard", "", nil)
	if !strings.Contains(string(r.body), `"k":6`) {
		t.Errorf("the dashboard after the floor rose to 6: %s", r.body)
	}
	r = f.do(t, "carol", "PUT", "/api/v1/programmes/"+prog+"/settings", "application/json",
		[]byte(`{"mandatory_exceptions":["duty_in_law"],"min_notice_hours":72,"review_every_weeks":12,"k_threshold":5,"retention_days":365}`))
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "k_threshold") {
		t.Errorf("k 5 under the floor of 6: %d %s", r.status, r.body)
	}
	// grace's form on the security page.
	g := newWeb(t, f.ts.URL)
	csrf := g.login(f.env.Users["grace"].Email)
	if _, sec := g.get("/settings/security"); !strings.Contains(sec, `name="k_floor"`) {
		t.Fatal("the org admin's security page has no privacy floor form")
	}
	if st, _ := g.post("/settings/security/privacy", url.Values{"csrf_token": {csrf}, "k_floor": {"8"}}, nil); st != http.StatusSeeOther {
		t.Fatalf("the floor form: %d", st)
	}
	if _, sec := g.get("/settings/security?done=privacy"); !strings.Contains(sec, `value="8"`) {
		t.Error("the floor form did not save 8")
	}
}

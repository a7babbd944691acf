package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

var settledBox = regexp.MustCompile(`name="settled" value="([^"]+)"`)

// TestEndingOverHTTP walks the ending as the pair and the organisation do
// it in a browser and through the API: alice's closing page lists what is
// open and refuses to close until each is ticked; closed, both see who
// closed it and the erase date; an org admin's hold is visible to both;
// the coordinator ends a proposal for the programme; once the content is
// erased, every content read answers 410 (API and pages) while the
// relationship page says when it was erased.
func TestEndingOverHTTP(t *testing.T) {
	ctx := context.Background()
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	rel := f.ids["rel"]
	alice, bob, grace := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
	ac := alice.login("alice@northwind.example")
	bob.login("bob@northwind.example")
	gc := grace.login("grace@northwind.example")

	st, page := getPage(t, alice, "/relationships/"+rel+"/close")
	if st != http.StatusOK || !strings.Contains(page, "Still open: settle each one") {
		t.Fatalf("closing page: %d %.300s", st, page)
	}
	boxes := settledBox.FindAllStringSubmatch(page, -1)
	if len(boxes) == 0 {
		t.Fatal("the closing page lists no open item for the fixture's pair")
	}
	if r := f.do(t, "alice", "GET", "/api/v1/relationships/{rel}/close", "", nil); r.status != 200 || !strings.Contains(string(r.body), boxes[0][1]) {
		t.Fatalf("API closing plan: %d %s", r.status, r.body)
	}
	form := url.Values{"csrf_token": {ac}, "message": {"Thank you, we are done"}}
	st, _, page = postTo(t, alice, "/relationships/"+rel+"/close", form)
	if st != http.StatusConflict || !strings.Contains(page, "Tick this to confirm") || !strings.Contains(page, "Thank you, we are done") {
		t.Fatalf("closing with nothing ticked: %d, want 409 with the form and the message kept: %.300s", st, page)
	}
	for _, b := range boxes {
		form.Add("settled", b[1])
	}
	if st, loc, _ := postTo(t, alice, "/relationships/"+rel+"/close", form); st != http.StatusSeeOther || loc != "/relationships/"+rel {
		t.Fatalf("closing with every item ticked: %d %s", st, loc)
	}
	_, page = getPage(t, bob, "/relationships/"+rel)
	if !strings.Contains(page, "Closed by Alice Archer on") || !strings.Contains(page, "will be erased on") {
		t.Fatalf("bob's page does not say who closed it and when it is erased: %.600s", page)
	}

	// A legal hold, by the org admin; both see it.
	if st, _ := getPage(t, bob, "/relationships/"+rel+"/hold"); st != http.StatusForbidden {
		t.Fatalf("bob opens the hold form: %d, want 403", st)
	}
	if st, _, _ := postTo(t, grace, "/relationships/"+rel+"/hold", url.Values{"csrf_token": {gc}, "reason": {"Tribunal case 42"}}); st != http.StatusSeeOther {
		t.Fatalf("placing the hold: %d", st)
	}
	_, page = getPage(t, bob, "/relationships/"+rel)
	if !strings.Contains(page, "Legal hold.") || !strings.Contains(page, "Tribunal case 42") {
		t.Fatalf("bob does not see the hold: %.600s", page)
	}
	if st, _, _ := postTo(t, grace, "/relationships/"+rel+"/hold/release", url.Values{"csrf_token": {gc}}); st != http.StatusSeeOther {
		t.Fatalf("releasing the hold: %d", st)
	}

	// The coordinator ends a proposal for the programme.
	r := f.do(t, "carol", "POST", "/api/v1/relationships/{proposed}/end", "", nil)
	var ended struct {
		EndedByProgramme bool `json:"ended_by_programme"`
	}
	if err := json.Unmarshal(r.body, &ended); r.status != 200 || err != nil || !ended.EndedByProgramme {
		t.Fatalf("carol ends the proposal: %d %s", r.status, r.body)
	}
	if r := f.do(t, "grace", "POST", "/api/v1/relationships/{rel}/end", "", nil); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("the org admin ends it for the programme: %d, want it refused", r.status)
	}

	// Its date brought forward (the service test runs the clock), the
	// retention job erases it.
	tx, err := f.env.DB.BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := tx.FindRelationshipByID(ctx, rel)
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Minute)
	rv.EraseAt, rv.EraseWarned = &past, mentorvault.EraseWarnings[len(mentorvault.EraseWarnings)-1]
	if err := tx.UpdateRelationship(ctx, rv); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.env.Svc.ScheduleRetention(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Svc.RunDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"notes", "agreement", "meetings", "commitments", "goals", "reviews", "feedback", "concerns", "third-parties", "export"} {
		r := f.do(t, "bob", "GET", "/api/v1/relationships/{rel}/"+p, "", nil)
		if r.status != http.StatusGone || r.errorCode() != mentorvault.EGONE || !strings.Contains(string(r.body), "erased on") {
			t.Errorf("GET %s of erased content: %d %s, want 410 saying when", p, r.status, r.body)
		}
	}
	if r := f.do(t, "bob", "GET", "/api/v1/relationships/{rel}", "", nil); r.status != 200 || !strings.Contains(string(r.body), `"erased_at":"`) {
		t.Errorf("the erased relationship itself: %d %s", r.status, r.body)
	}
	if r := f.do(t, "bob", "GET", "/api/v1/relationships/{rel}/audit", "", nil); r.status != 200 {
		t.Errorf("the access log after erasure: %d", r.status)
	}
	for _, p := range []string{"/meetings", "/commitments", "/goals", "/agreement"} {
		if st, page := getPage(t, bob, "/relationships/"+rel+p); st != http.StatusGone || !strings.Contains(page, "erased on") {
			t.Errorf("page %s of erased content: %d, want 410 saying when", p, st)
		}
	}
	if st, page := getPage(t, bob, "/relationships/"+rel); st != http.StatusOK || !strings.Contains(page, "Content erased") || !strings.Contains(page, "was erased on") {
		t.Errorf("the relationship page after erasure: %d %.600s", st, page)
	}
}

package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestWebEnrolment works enrolment on the programme page as a browser
// without JavaScript: a member sees "Join as a mentor or a mentee" while
// enrolment is open, enrols with a profile (a bad time zone is shown again
// with what was typed, nothing saved), changes it and withdraws; the
// coordinator sets the topics and sees the enrolled people with their
// profiles; the org admin and other members never see anyone's profile;
// a closed programme says so.
func TestWebEnrolment(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			prog := "/programmes/" + f.env.Rel.ProgrammeID
			alice := newWeb(t, f.ts.URL)
			acsrf := alice.login("alice@northwind.example")
			carol := newWeb(t, f.ts.URL)
			ccsrf := carol.login("carol@northwind.example")
			grace := newWeb(t, f.ts.URL)
			grace.login("grace@northwind.example")

			_, page := getPage(t, alice, prog)
			if !strings.Contains(page, "Join as a mentor or a mentee") || !strings.Contains(page, `value="Delegation"`) {
				t.Fatalf("alice is not offered to join: %s", errorText(page))
			}
			if strings.Contains(page, "Enrolled people") || strings.Contains(page, "Lead my first team") || strings.Contains(page, "Feedback on mentoring approaches") {
				t.Fatal("a member sees the enrolled people or the feedback figures")
			}
			profile := url.Values{"csrf_token": {acsrf}, "role": {"mentor"}, "topics": {"Leadership", "Delegation"}, "topics_other": {"hiring"},
				"goals": {"Help a new lead find their feet."}, "languages": {"English, French"}, "time_zone": {"Mars/Olympus"},
				"availability": {"Wednesday afternoons"}, "capacity": {"2"}, "exclude_reporting_line": {"on"}, "exclusions": {"bob@northwind.example"}}
			st, page := alice.post(prog+"/enrol", profile, nil)
			page = htmlText(page)
			if st != http.StatusBadRequest || !strings.Contains(page, "The time zone must be a time zone name") || !strings.Contains(page, `value="Wednesday afternoons"`) {
				t.Fatalf("a bad time zone: %d %s", st, errorText(page))
			}
			profile.Set("time_zone", "Europe/Paris")
			if st, loc := postLoc(t, alice, prog+"/enrol", profile); st != http.StatusSeeOther || !strings.Contains(loc, "done=enrolled") {
				t.Fatalf("enrol: %d %s", st, loc)
			}
			_, page = getPage(t, alice, prog)
			if !strings.Contains(page, "You enrolled as a <strong>mentor</strong>") || !strings.Contains(page, "Change your enrolment") ||
				!strings.Contains(page, `value="Europe/Paris"`) || !strings.Contains(page, "bob@northwind.example</textarea>") {
				t.Fatalf("alice's enrolment: %s", errorText(page))
			}

			// The coordinator sees alice and heidi (the demo's mentee) with
			// their profiles; the org admin does not.
			_, page = getPage(t, carol, prog)
			if !strings.Contains(page, "Enrolled people") || !strings.Contains(page, "Help a new lead find their feet.") ||
				!strings.Contains(page, "Heidi Hall") || !strings.Contains(page, "Bob Baker") {
				t.Fatalf("the coordinator's list: %s", errorText(page))
			}
			if !strings.Contains(page, "Feedback on mentoring approaches") {
				t.Fatal("the coordinator's page lacks the feedback figures")
			}
			_, page = getPage(t, grace, prog)
			if strings.Contains(page, "Enrolled people") || strings.Contains(page, "Help a new lead") {
				t.Fatal("the org admin sees enrolled people's profiles")
			}
			if !strings.Contains(page, "Feedback on mentoring approaches") {
				t.Fatal("the org admin's page lacks the feedback figures")
			}

			// The coordinator sets the topics; a control character is refused.
			if st, _ := postLoc(t, carol, prog+"/topics", url.Values{"csrf_token": {ccsrf}, "topics": {"Leadership\r\nStrategy\r\n"}}); st != http.StatusSeeOther {
				t.Fatalf("topics: %d", st)
			}
			st, page = carol.post(prog+"/topics", url.Values{"csrf_token": {ccsrf}, "topics": {"Lead\x07ership"}}, nil)
			if st != http.StatusBadRequest || !strings.Contains(page, "must not contain control characters") {
				t.Fatalf("a bad topic: %d %s", st, errorText(page))
			}
			_, page = getPage(t, alice, prog)
			if !strings.Contains(page, `value="Strategy"`) || strings.Contains(page, `value="Delegation"`) {
				t.Fatalf("the new topics: %s", errorText(page))
			}

			// alice withdraws: her profile is gone from the coordinator's list.
			if st, loc := postLoc(t, alice, prog+"/withdraw", url.Values{"csrf_token": {acsrf}}); st != http.StatusSeeOther || !strings.Contains(loc, "done=withdrawn") {
				t.Fatalf("withdraw: %d %s", st, loc)
			}
			_, page = getPage(t, carol, prog)
			if strings.Contains(page, "Help a new lead") || !strings.Contains(page, "profile deleted") {
				t.Fatalf("after withdrawing: %s", errorText(page))
			}

			// Closed: alice is told, and a post is refused in words.
			if st, _ := postLoc(t, carol, prog+"/enrolment", url.Values{"csrf_token": {ccsrf}, "open": {"false"}}); st != http.StatusSeeOther {
				t.Fatalf("close: %d", st)
			}
			_, page = getPage(t, alice, prog)
			if !strings.Contains(page, "Enrolment is closed") || strings.Contains(page, "Join as a mentor") {
				t.Fatalf("closed: %s", errorText(page))
			}
			profile.Set("topics", "Leadership")
			st, page = alice.post(prog+"/enrol", profile, nil)
			if st != http.StatusConflict || !strings.Contains(page, "Enrolment in this programme is closed") {
				t.Fatalf("enrol when closed: %d %s", st, errorText(page))
			}
		})
	}
}

func htmlText(s string) string { return strings.ReplaceAll(s, "&#39;", "'") }

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserMatchToDashboard: from open enrolment to an accepted pair on
// the dashboard. Grace creates a programme with Carol as its coordinator;
// Carol opens enrolment; Bob enrols as a mentee and Heidi as a mentor;
// Carol's suggested pairs put them together and she proposes the pair;
// Bob accepts (it still waits for Heidi), then Heidi; the pair is counted
// on the programme's dashboard as waiting for its agreement, and the
// dashboard names no one.
func TestBrowserMatchToDashboard(t *testing.T) {
	browser := newBrowser(t, 120*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")

	grace := newUser(t, browser, srv.URL, "grace")
	grace.signIn("grace@northwind.example", "Grace Green")
	progPath := createProgramme(grace, "Sales Mentoring", "Experienced sellers mentor new ones.")

	carol := newUser(t, browser, srv.URL, "carol")
	carol.signIn("carol@northwind.example", "Carol Chen")
	carol.open(progPath)
	if st := carol.nav("open enrolment", chromedp.Click(chromedp.CSS(`form[action$="/enrolment"] button[type=submit]`))); st != 200 {
		carol.fatalf("opening enrolment: status %d: %s", st, carol.pageText())
	}

	bob := newUser(t, browser, srv.URL, "bob")
	enrolIn(bob, progPath, "bob@northwind.example", "Bob Baker", "mentee", "Learn to sell to large accounts.")
	heidi := newUser(t, browser, srv.URL, "heidi")
	enrolIn(heidi, progPath, "heidi@northwind.example", "Heidi Hall", "mentor", "Pass on what I know.")

	// Carol's suggestions pair Bob with Heidi; she proposes the pair.
	carol.open(progPath + "/matching")
	if page := carol.text(`main`); !strings.Contains(page, "1 of 1 mentee matched") || !strings.Contains(page, "Heidi Hall") {
		carol.fatalf("the suggestions do not pair Bob with Heidi: %s", page)
	}
	carol.shot("matching-suggested")
	if st := carol.nav("propose the ticked pairs", chromedp.Click(chromedp.CSS(`form[action$="/matching/propose"] button[type=submit]`))); st != 200 {
		carol.fatalf("proposing: status %d: %s", st, carol.pageText())
	}
	if page := carol.text(`main`); !strings.Contains(page, "1 pair proposed") {
		carol.fatalf("after proposing the page says: %s", page)
	}
	relPath := eval[string](carol, `document.querySelector('main a[href^="/relationships/"]').getAttribute("href")`)

	// Bob accepts: it waits for Heidi. Heidi accepts: it is accepted.
	accept := func(u *user) string {
		t.Helper()
		u.open(relPath)
		if st := u.nav("accept", chromedp.Click(chromedp.CSS(`form[action$="/lifecycle"]:has(input[name=action][value=accept]) button[type=submit]`))); st != 200 {
			u.fatalf("accepting: status %d: %s", st, u.pageText())
		}
		return u.pageText()
	}
	if page := accept(bob); !strings.Contains(page, "waiting for Heidi Hall") {
		bob.fatalf("after Bob accepts, the page does not say it waits for Heidi: %s", page)
	}
	if b := bob.text("main .page-head .badge"); !strings.EqualFold(b, "proposed") {
		t.Fatalf("after one acceptance the badge says %q, want proposed", b)
	}
	accept(heidi)
	if b := heidi.text("main .page-head .badge"); !strings.EqualFold(b, "accepted") {
		heidi.fatalf("after both accept the badge says %q, want accepted", b)
	}

	// The dashboard counts the pair, and names no one.
	carol.open(progPath + "/dashboard")
	now := carol.text(`section[aria-labelledby="now-h"]`)
	if !strings.Contains(now, "Agreements waiting for signatures\n1") && !strings.Contains(now, "Agreements waiting for signatures 1") {
		carol.fatalf("the dashboard does not count the accepted pair: %q", now)
	}
	if page := carol.pageText(); strings.Contains(page, "Bob Baker") || strings.Contains(page, "Heidi Hall") {
		t.Fatalf("the dashboard names someone: %s", page)
	}
	month := eval[string](carol, `[...document.querySelectorAll('section[aria-labelledby="states-h"] tbody tr')].pop().innerText`)
	if f := strings.Fields(month); len(f) < 5 || f[3] != "1" {
		t.Fatalf("this month's row %q: want one relationship not started yet", month)
	}
	carol.shot("dashboard-accepted-pair")
}

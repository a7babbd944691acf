package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserMeeting walks a session through the web UI: Alice schedules a
// meeting (that began five minutes ago, so its outcome can be recorded),
// starts the session and is shown the confidentiality reminder of the demo
// agreement, acknowledges it, adds a session note and a commitment, and
// marks the meeting held. Bob then sees the shared note and that Alice read
// the reminder; Carol, the coordinator, cannot open the meeting at all.
func TestBrowserMeeting(t *testing.T) {
	start := time.Now()
	browser := newBrowser(t, 90*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")
	noteMark := "session-" + randHex(t, 6)
	promise := "Send the delegation checklist " + randHex(t, 4)
	agenda := "Agenda-" + randHex(t, 5)

	// --- Alice schedules a meeting from the relationship page. ---
	alice := newUser(t, browser, srv.URL, "alice")
	alice.signIn("alice@northwind.example", "Alice Archer")
	alice.nav("open the relationship with Bob", chromedp.Click(chromedp.CSS(`ul.rels a[href^="/relationships/"]`)))
	relPath := alice.location()
	if txt := alice.text("#meetings"); !strings.Contains(txt, "Meetings held") || !strings.Contains(txt, "Began with the reminder") {
		t.Fatalf("the relationship page's meetings section shows no figures: %s", txt)
	}
	alice.shot("meetings-relationship")
	when := time.Now().UTC().Add(-5 * time.Minute).Format("2006-01-02T15:04")
	alice.do("open the schedule form", chromedp.Click(chromedp.CSS(`details.schedule > summary`)))
	alice.do("fill in the meeting",
		chromedp.SetValue(chromedp.CSS("#starts_at"), when),
		chromedp.SetValue(chromedp.CSS("#minutes"), "30"),
		chromedp.SendKeys(chromedp.CSS("#location"), "https://meet.example/alice-bob"),
		chromedp.SendKeys(chromedp.CSS("#agenda"), agenda))
	alice.shot("meetings-schedule-form")
	if st := alice.nav("schedule", chromedp.Click(chromedp.CSS(`form[action$="/meetings"] button[type=submit]`))); st != 200 {
		t.Fatalf("scheduling: status %d: %s", st, alice.pageText())
	}
	meetingPath := strings.SplitN(alice.location(), "?", 2)[0]
	if !strings.HasPrefix(meetingPath, relPath+"/meetings/") {
		t.Fatalf("after scheduling alice is at %s", meetingPath)
	}
	if got := alice.text(`[role=status]`); !strings.Contains(got, "scheduled") {
		t.Fatalf("after scheduling the page says %q", got)
	}
	if txt := alice.text("main"); !strings.Contains(txt, agenda) || !strings.Contains(txt, "only the two of you can read the agenda") && !strings.Contains(txt, "Only the two of you can read the agenda") {
		t.Fatalf("the meeting page does not show the sealed agenda: %s", txt)
	}
	if href := eval[string](alice, `document.querySelector('a[href$="/ics"]').getAttribute("href")`); href != "/api/v1"+meetingPath+"/ics" {
		t.Fatalf("the calendar link is %q", href)
	}
	ics := eval[string](alice, `(() => { const x = new XMLHttpRequest(); x.open("GET", document.querySelector('a[href$="/ics"]').href, false); x.send();
		return x.status + "\n" + x.responseText })()`)
	if !strings.HasPrefix(ics, "200\nBEGIN:VCALENDAR") || strings.Contains(ics, agenda) {
		t.Fatalf("the .ics download is not a calendar without the agenda:\n%s", ics)
	}

	// --- Start the session: the reminder comes from the signed agreement. ---
	if st := alice.nav("start the session", chromedp.Click(chromedp.CSS(`form[action$="/start"] button`))); st != 200 {
		t.Fatalf("starting the session: status %d: %s", st, alice.pageText())
	}
	rem := alice.text(".reminder")
	for _, want := range []string{"What stays between the two of you", "my health", "Duty of care", "When confidentiality has to give way"} {
		if !strings.Contains(rem, want) {
			t.Fatalf("the reminder does not say %q:\n%s", want, rem)
		}
	}
	alice.shot("meetings-reminder")
	if st := alice.nav("acknowledge", chromedp.Click(chromedp.CSS(`form[action$="/reminder-ack"] button`))); st != 200 {
		t.Fatalf("acknowledging the reminder: status %d: %s", st, alice.pageText())
	}
	if txt := alice.text("#session"); !strings.Contains(txt, "Session in progress") {
		t.Fatalf("after acknowledging, the session panel says %q", txt)
	}

	// --- A shared session note and a commitment. ---
	alice.do("write a session note",
		chromedp.SendKeys(chromedp.CSS(`#session-notes textarea[name=body]`), "We agreed on next steps. "+noteMark),
		chromedp.Click(chromedp.CSS(`#session-notes input[name=visibility][value=shared]`)))
	if st := alice.nav("save the note", chromedp.Click(chromedp.CSS(`#session-notes form button[type=submit]`))); st != 200 {
		t.Fatalf("saving the session note: status %d: %s", st, alice.pageText())
	}
	due := time.Now().UTC().AddDate(0, 0, 7).Format("2006-01-02")
	alice.do("fill in a commitment",
		chromedp.Click(chromedp.CSS(`#session-commitments input[name=owner][value=me]`)),
		chromedp.SendKeys(chromedp.CSS("#description"), promise),
		chromedp.SetValue(chromedp.CSS("#due"), due))
	if st := alice.nav("add the commitment", chromedp.Click(chromedp.CSS(`#session-commitments form.commitment-form button[type=submit]`))); st != 200 {
		t.Fatalf("adding the commitment: status %d: %s", st, alice.pageText())
	}
	if txt := alice.text("#session-commitments"); !strings.Contains(txt, promise) {
		t.Fatalf("the commitment is not listed with the session: %s", txt)
	}

	// --- Mark the meeting held. ---
	if st := alice.nav("mark held", chromedp.Click(chromedp.CSS(`form[action$="/outcome"]:has(input[value=held]) button`))); st != 200 {
		t.Fatalf("marking the meeting held: status %d: %s", st, alice.pageText())
	}
	if s := alice.text("#meeting-status"); s != "Held" {
		t.Fatalf("after marking it held the meeting status is %q", s)
	}
	if txt := alice.text("#session-notes"); !strings.Contains(txt, noteMark) {
		t.Fatalf("the held meeting does not show the note: %s", txt)
	}
	alice.shot("meetings-held")
	alice.open(relPath + "/commitments")
	if txt := alice.text("main"); !strings.Contains(txt, promise) || !strings.Contains(txt, "Follow-through") {
		t.Fatalf("the commitments page: %s", txt)
	}
	alice.shot("meetings-commitments")
	alice.open(relPath + "/feedback")
	if st := alice.nav("ask for feedback", chromedp.Click(chromedp.CSS(`form[action$="/feedback"] button`))); st != 200 {
		t.Fatalf("asking for feedback: status %d: %s", st, alice.pageText())
	}

	// --- Bob sees the shared note and Alice's acknowledgement. ---
	bob := newUser(t, browser, srv.URL, "bob")
	bob.signIn("bob@northwind.example", "Bob Baker")
	if st := bob.open(meetingPath); st != 200 {
		t.Fatalf("bob opening the meeting: status %d", st)
	}
	if txt := bob.text("#session-notes"); !strings.Contains(txt, noteMark) {
		t.Fatalf("bob does not see the shared session note: %s", txt)
	}
	if txt := bob.text(".acks"); !strings.Contains(txt, "Alice Archer: read and acknowledged it") {
		t.Fatalf("bob does not see that alice acknowledged the reminder: %s", txt)
	}
	if n := eval[int](bob, `document.querySelectorAll("header .nav-notifications .count").length`); n != 1 {
		t.Fatal("bob's header shows no unread notifications count")
	}
	bob.shot("meetings-bob")
	bob.open("/notifications")
	if txt := bob.text("main"); !strings.Contains(txt, "Alice Archer scheduled a mentoring session") {
		t.Fatalf("bob's notifications: %s", txt)
	}
	bob.shot("meetings-notifications")
	bob.open(relPath + "/feedback")
	if txt := bob.text(".feedback-form"); !strings.Contains(txt, "Only Alice Archer reads your answers") || !strings.Contains(txt, "at least 5 different people") {
		t.Fatalf("bob's feedback form: %s", txt)
	}
	bob.shot("meetings-feedback-mentee")
	for _, q := range []string{"listening", "safety", "challenge", "reliability", "usefulness"} {
		bob.do("rate "+q, chromedp.Click(chromedp.CSS(`input[name=q_`+q+`][value="4"]`)))
	}
	if st := bob.nav("send feedback", chromedp.Click(chromedp.CSS(`.feedback-form button[type=submit]`))); st != 200 {
		t.Fatalf("answering feedback: status %d: %s", st, bob.pageText())
	}
	alice.open(relPath + "/feedback")
	if txt := alice.text("main"); !strings.Contains(txt, "4 of 5") {
		t.Fatalf("alice does not see bob's ratings: %s", txt)
	}
	alice.shot("meetings-feedback-mentor")

	// --- Carol, the coordinator, cannot open the meeting. ---
	carol := newUser(t, browser, srv.URL, "carol")
	carol.signIn("carol@northwind.example", "Carol Chen")
	if st := carol.open(meetingPath); st != 404 {
		t.Fatalf("carol opening the meeting: status %d, want 404", st)
	}
	if html := carol.pageHTML(); strings.Contains(html, noteMark) || strings.Contains(html, agenda) || strings.Contains(html, promise) {
		t.Fatal("carol's refused page shows session content")
	}
	carol.shot("meetings-coordinator-404")

	t.Logf("meeting scenario took %s", time.Since(start).Round(time.Millisecond))
}

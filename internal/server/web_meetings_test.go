package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// The meeting, commitment, goal and feedback pages offer a button only when
// Cedar allows its action for the viewer (the relationship's Allowed, or the
// feedback request's) and the record's own state allows it.
func TestWebButtonsFollowCedarAndState(t *testing.T) {
	ctx := context.Background()
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	f := startFixture(t, e)
	rel := "/relationships/" + e.Rel.ID
	m, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: time.Now().UTC().Add(72 * time.Hour), Minutes: 45, Agenda: "AGENDA-X"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.Svc.CreateCommitment(ctx, e.As("alice"), e.Rel.ID, service.CommitmentInput{OwnerID: e.Users["bob"].ID, Description: "PROMISE-X", DueAt: time.Now().Add(96 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.RequestFeedback(ctx, e.As("alice"), e.Rel.ID); err != nil {
		t.Fatal(err)
	}
	alice, bob := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
	alice.login("alice@northwind.example")
	bob.login("bob@northwind.example")
	page := func(w *web, path string) string {
		t.Helper()
		st, body := w.get(path)
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d", path, st)
		}
		return body
	}
	accept := `name="status" value="open"`
	check := func(state string, want map[string]bool, body string) {
		t.Helper()
		for s, shown := range want {
			if strings.Contains(body, s) != shown {
				t.Errorf("%s: %q shown %v, want %v", state, s, !shown, shown)
			}
		}
	}
	meeting := rel + "/meetings/" + m.ID

	// Active: everything the state allows is offered.
	check("active, bob's meeting page", map[string]bool{"Start session": true, "Move the meeting": true, "Cancel the meeting": true,
		"Mark as held": false, "Save note": true, "Add commitment": true, "AGENDA-X": true}, page(bob, meeting))
	check("active, bob's commitments", map[string]bool{accept: true, `id="c-` + c.ID + `"`: true, "Record the commitment": true}, page(bob, rel+"/commitments"))
	check("active, alice's commitments", map[string]bool{accept: false, `value="dropped"`: true}, page(alice, rel+"/commitments"))
	check("active, goals", map[string]bool{"Add goal": true}, page(bob, rel+"/goals"))
	check("active, alice's feedback", map[string]bool{"You have asked; the answer is still open.": true}, page(alice, rel+"/feedback"))
	check("active, bob's feedback", map[string]bool{"Send my feedback": true, "Ask for feedback": false}, page(bob, rel+"/feedback"))
	check("active, relationship", map[string]bool{"Schedule the meeting": true}, page(bob, rel))

	// Paused: meetings may be moved and commitments settled, nothing new begun.
	if _, err := e.Svc.Transition(ctx, e.As("alice"), e.Rel.ID, mentorvault.ActPause); err != nil {
		t.Fatal(err)
	}
	check("paused, meeting page", map[string]bool{"Start session": false, "Move the meeting": true, "Cancel the meeting": true,
		"Save note": false, "Add commitment": false}, page(bob, meeting))
	check("paused, bob's commitments", map[string]bool{accept: true, "Record the commitment": false}, page(bob, rel+"/commitments"))
	check("paused, goals", map[string]bool{"Add goal": false}, page(bob, rel+"/goals"))
	check("paused, alice's feedback", map[string]bool{"Ask " + e.Users["bob"].Name: false}, page(alice, rel+"/feedback"))
	check("paused, bob's feedback", map[string]bool{"Send my feedback": true}, page(bob, rel+"/feedback"))
	check("paused, relationship", map[string]bool{"Schedule the meeting": false}, page(bob, rel))

	// Closed: the record stays readable, and nothing is offered.
	e.CloseSettled(t, "alice", e.Rel.ID)
	check("closed, meeting page", map[string]bool{"Start session": false, "Move the meeting": false, "Cancel the meeting": false, "AGENDA-X": true}, page(bob, meeting))
	check("closed, bob's commitments", map[string]bool{accept: false, `value="dropped"`: false, "PROMISE-X": true}, page(bob, rel+"/commitments"))
	check("closed, bob's feedback", map[string]bool{"Send my feedback": false}, page(bob, rel+"/feedback"))
}

// TestWebCancelledMeeting: a meeting cancelled ahead of its time is listed
// with the past meetings, not under Upcoming, and its page offers no
// session: no reminder, notes, commitments, outcome or changes.
func TestWebCancelledMeeting(t *testing.T) {
	ctx := context.Background()
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	f := startFixture(t, e)
	m, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: time.Now().UTC().Add(2 * time.Hour), Minutes: 45})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.CancelMeeting(ctx, e.As("alice"), e.Rel.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	bob := newWeb(t, f.ts.URL)
	bob.login("bob@northwind.example")
	rel := "/relationships/" + e.Rel.ID
	st, list := bob.get(rel + "/meetings")
	if st != http.StatusOK {
		t.Fatalf("meetings: %d", st)
	}
	up, past, ok := strings.Cut(list, `id="past-h"`)
	if !ok || strings.Contains(up, m.ID) || !strings.Contains(past, m.ID) {
		t.Fatalf("the late-cancelled meeting is under Upcoming, or not under Past")
	}
	st, page := bob.get(rel + "/meetings/" + m.ID)
	if st != http.StatusOK {
		t.Fatalf("meeting: %d", st)
	}
	for _, s := range []string{"Who saw the reminder", "Save note", "Add commitment", "Start session", "Mark as held", "Move the meeting", "Cancel the meeting"} {
		if strings.Contains(page, s) {
			t.Errorf("the cancelled meeting offers %q", s)
		}
	}
	if !strings.Contains(page, "This meeting was cancelled by Alice") || !strings.Contains(page, "Cancelled late") {
		t.Errorf("the cancelled meeting's page does not say so:\n%s", page)
	}
}

// TestWebReminderPostRedirectGet: starting a session posts, then
// redirects to the reminder's own page, so a reload shows the reminder
// again and records no second start; someone who has not started the
// session is told to start it first.
func TestWebReminderPostRedirectGet(t *testing.T) {
	ctx := context.Background()
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	f := startFixture(t, e)
	m, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: time.Now().UTC().Add(time.Hour), Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	path := "/relationships/" + e.Rel.ID + "/meetings/" + m.ID
	bob, alice := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
	bc := bob.login("bob@northwind.example")
	alice.login("alice@northwind.example")
	if st, _ := alice.get(path + "/reminder"); st != http.StatusConflict {
		t.Fatalf("the reminder of a session alice did not start: %d", st)
	}
	st, loc, _ := postTo(t, bob, path+"/start", url.Values{"csrf_token": {bc}})
	if st != http.StatusSeeOther || loc != path+"/reminder" {
		t.Fatalf("starting the session: %d → %q", st, loc)
	}
	head := e.Head(t)
	for range 2 { // the page, and a reload
		st, page := bob.get(loc)
		if st != http.StatusOK || !strings.Contains(page, `action="`+path+`/reminder-ack"`) {
			t.Fatalf("the reminder page: %d", st)
		}
	}
	for _, ev := range e.Events(t, head) {
		if ev.Action == "meeting.start" {
			t.Fatal("reloading the reminder started the session again")
		}
	}
}

// TestWebFlashShowsOnce: a form's success message travels in a one-time
// flash, not in the address: the redirect carries no done=, the page shows
// the message once, and a reload does not show it again.
func TestWebFlashShowsOnce(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	f := startFixture(t, e)
	alice := newWeb(t, f.ts.URL)
	ac := alice.login("alice@northwind.example")
	m, err := e.Svc.ScheduleMeeting(context.Background(), e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: time.Now().UTC().Add(72 * time.Hour), Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	path := "/relationships/" + e.Rel.ID + "/meetings/" + m.ID
	req, _ := http.NewRequest("POST", f.ts.URL+path+"/notes", strings.NewReader(url.Values{"csrf_token": {ac}, "body": {"a session note"}, "visibility": {"shared"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := alice.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(loc, "done=") || !strings.HasPrefix(loc, path) {
		t.Fatalf("the note form's redirect: %d %q", resp.StatusCode, loc)
	}
	const msg = "Your session note is saved and sealed."
	if st, page := alice.get(loc); st != http.StatusOK || !strings.Contains(page, msg) {
		t.Fatalf("the page after the form does not say %q (%d)", msg, st)
	}
	if _, page := alice.get(loc); strings.Contains(page, msg) {
		t.Fatal("a reload shows the message again")
	}
	// A flash for one page is not taken by another.
	other := newWeb(t, f.ts.URL)
	other.c.Jar.SetCookies(resp.Request.URL, []*http.Cookie{{Name: "mv_flash", Value: url.QueryEscape("/elsewhere") + "|note", Path: "/"}})
	other.login("alice@northwind.example")
	if _, page := other.get(path); strings.Contains(page, msg) {
		t.Fatal("a flash left for another page was shown here")
	}
}

// TestWebFeedbackBothWays: the mentee gives feedback unasked from the
// feedback page, with the programme's real k on the form, and reads back
// what he gave; the mentor reads it marked as given unasked; the
// coordinator gets no page of it.
func TestWebFeedbackBothWays(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	f := startFixture(t, e)
	path := "/relationships/" + e.Rel.ID + "/feedback"
	bob, alice, carol := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
	bc := bob.login("bob@northwind.example")
	alice.login("alice@northwind.example")
	carol.login("carol@northwind.example")
	_, page := bob.get(path)
	if !strings.Contains(page, "Give feedback") || strings.Contains(page, "Ask for feedback") || !strings.Contains(page, "Feedback you gave") {
		t.Fatalf("bob's feedback page offers no way to give feedback, or hides the demo answer he gave:\n%s", page)
	}
	st, _ := bob.post(path, url.Values{"csrf_token": {bc}}, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("giving feedback: %d", st)
	}
	_, page = bob.get(path)
	if !strings.Contains(page, "Your feedback on Alice Archer's approach") || !strings.Contains(page, "at least 5 different people") || strings.Contains(page, "least k ") {
		t.Fatalf("bob's own form lacks its heading or the real k:\n%s", page)
	}
	fv, err := e.Svc.Feedback(context.Background(), e.As("bob"), e.Rel.ID)
	if err != nil || len(fv.ToAnswer) != 1 {
		t.Fatalf("bob's open form: %v %+v", err, fv)
	}
	form := url.Values{"csrf_token": {bc}, "text": {"GIVEN-UNASKED more challenge"}}
	for _, q := range mentorvault.FeedbackQuestions {
		form.Set("q_"+q.Key, "3")
	}
	if st, body := bob.post(path+"/"+fv.ToAnswer[0].ID+"/answer", form, nil); st != http.StatusSeeOther {
		t.Fatalf("sending the feedback: %d %s", st, body)
	}
	if _, page := bob.get(path); !strings.Contains(page, "GIVEN-UNASKED") || !strings.Contains(page, "Given unasked") {
		t.Fatal("bob does not read back the feedback he gave")
	}
	if _, page := alice.get(path); !strings.Contains(page, "GIVEN-UNASKED") || !strings.Contains(page, "Given by Bob Baker unasked") {
		t.Fatal("alice does not read the feedback bob gave her")
	}
	if st, page := carol.get(path); st == http.StatusOK || strings.Contains(page, "GIVEN-UNASKED") {
		t.Fatalf("the coordinator opened the pair's feedback: %d", st)
	}
}

package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

var (
	requestItemRE = regexp.MustCompile(`id="q-([0-9a-f-]+)"`)
)

// postTo posts a form and returns the status, the redirect's path (without
// its query) and the page.
func postTo(t *testing.T, w *web, path string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", w.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	loc, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
	loc, _, _ = strings.Cut(loc, "#")
	return resp.StatusCode, loc, html.UnescapeString(b.String())
}

func getPage(t *testing.T, w *web, path string) (int, string) {
	t.Helper()
	st, page := w.get(path)
	return st, html.UnescapeString(page)
}

// TestWebThirdPartyPages works the third-party pages as a browser without
// JavaScript would: Frank (HR) asks Alice for input about Bob; both see the
// request; Alice drafts an answer that names one of Bob's kept-confidential
// items and sees the checker's finding with its sentence; Bob asks for
// changes (a comment is required), then approves the revision; Frank reads
// exactly the released text and nothing of the drafts. Alice proposes a
// three-way meeting with Dave; he sees it only once Bob agreed the brief.
// Nobody outside the pair opens the pair's pages, and every form needs the
// CSRF token.
func TestWebThirdPartyPages(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	rel := "/relationships/" + f.ids["rel"]
	tp := rel + "/third-parties"
	alice, bob, frank := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
	ac, bc, fc := alice.login("alice@northwind.example"), bob.login("bob@northwind.example"), frank.login("frank@northwind.example")

	// Frank sees the ask form on the relationship page and sends a request.
	if _, page := getPage(t, frank, rel); !strings.Contains(page, `action="`+rel+`/input-requests"`) {
		t.Fatal("frank's relationship page has no ask-for-input form")
	}
	ask := url.Values{"csrf_token": {fc}, "asked_email": {"alice@northwind.example"}, "purpose": {"web-purpose-mark"},
		"question": {"How has Bob grown?"}, "deadline": {time.Now().UTC().AddDate(0, 0, 14).Format("2006-01-02")}}
	noToken := url.Values{}
	for k, v := range ask {
		noToken[k] = v
	}
	noToken.Del("csrf_token")
	if st, _, _ := postTo(t, frank, rel+"/input-requests", noToken); st != http.StatusForbidden {
		t.Fatalf("asking without the CSRF token: %d", st)
	}
	bad := url.Values{"csrf_token": {fc}, "asked_email": {"alice@northwind.example"}, "purpose": {" "}, "question": {"kept question"}, "deadline": {"tomorrow"}}
	if st, _, page := postTo(t, frank, rel+"/input-requests", bad); st != http.StatusBadRequest || !strings.Contains(page, "Enter a date like") ||
		!strings.Contains(page, "kept question") {
		t.Fatalf("a request without a date: %d %s", st, page)
	}
	bad.Set("deadline", "2001-01-01")
	if st, _, page := postTo(t, frank, rel+"/input-requests", bad); st != http.StatusBadRequest || !strings.Contains(page, "Purpose must not be empty") {
		t.Fatalf("a request without a purpose: %d %s", st, page)
	}
	if st, loc, _ := postTo(t, frank, rel+"/input-requests", ask); st != http.StatusSeeOther || loc != "/requests" {
		t.Fatalf("frank asking: %d → %s", st, loc)
	}
	if st, page := getPage(t, frank, "/requests"); st != http.StatusOK || !strings.Contains(page, "web-purpose-mark") || !strings.Contains(page, "Waiting for an answer") ||
		!strings.Contains(page, "How has Bob grown?") {
		t.Fatalf("frank's requests: %d %s", st, page)
	}

	// Both parties see the request; only Alice, the one asked, may answer it.
	_, page := getPage(t, bob, tp)
	if !strings.Contains(page, "web-purpose-mark") || !strings.Contains(page, "Frank Fischer") || strings.Contains(page, "/requests/") && strings.Contains(page, `/statement"`) {
		t.Fatalf("bob's third-party page: %s", page)
	}
	_, page = getPage(t, alice, tp)
	var reqID string
	for _, m := range requestItemRE.FindAllStringSubmatch(page, -1) {
		if i := strings.Index(page, `id="q-`+m[1]+`"`); i >= 0 && strings.Contains(page[i:min(len(page), i+800)], "web-purpose-mark") {
			reqID = m[1]
		}
	}
	if reqID == "" || !strings.Contains(page, "As a matter of practice I do not give input") {
		t.Fatalf("alice's page does not offer to answer the request with the neutral reply: %s", page)
	}
	reqPath := tp + "/requests/" + reqID
	if st, _, _ := postTo(t, alice, reqPath+"/statement", url.Values{"body": {"no token"}}); st != http.StatusForbidden {
		t.Fatalf("drafting without the CSRF token: %d", st)
	}
	if st, _, _ := postTo(t, bob, reqPath+"/statement", url.Values{"csrf_token": {bc}, "body": {"bob writes about himself"}}); st != http.StatusForbidden {
		t.Fatalf("bob drafting an answer to a request made of alice: %d", st)
	}
	if st, _, _ := postTo(t, alice, reqPath+"/decline", url.Values{"reply": {"no token"}}); st != http.StatusForbidden {
		t.Fatalf("declining without the CSRF token: %d", st)
	}
	st, stPath, _ := postTo(t, alice, reqPath+"/statement", url.Values{"csrf_token": {ac},
		"body": {"We worked on delegation. He talked openly about his health and kept going."}})
	if st != http.StatusSeeOther || !strings.HasPrefix(stPath, tp+"/statements/") {
		t.Fatalf("alice drafting: %d → %s", st, stPath)
	}
	_, page = getPage(t, alice, stPath)
	if !strings.Contains(page, "He talked openly about his health and kept going.") || !strings.Contains(page, "asked to keep confidential") ||
		!strings.Contains(page, "Things Bob Baker asked to keep confidential") || !strings.Contains(page, "Show to Bob Baker") {
		t.Fatalf("alice's draft does not show the kept-item finding with its sentence: %s", page)
	}
	if st, _, _ := postTo(t, alice, stPath, url.Values{"csrf_token": {ac}, "body": {"We worked on delegation. He engaged fully and grew in confidence leading planning."}}); st != http.StatusSeeOther {
		t.Fatalf("alice editing: %d", st)
	}
	// Clean advocacy: the kept item is gone; what remains is that growth
	// reaches HR only with Bob's permission, which is what he is asked for.
	if _, page = getPage(t, alice, stPath); strings.Contains(page, "Things Bob Baker asked to keep confidential") || strings.Contains(page, "his health") ||
		!strings.Contains(page, "only with the mentee's permission") {
		t.Fatalf("the revised draft's findings: %s", page)
	}
	if st, _, _ := postTo(t, alice, stPath+"/submit", url.Values{"csrf_token": {ac}}); st != http.StatusSeeOther {
		t.Fatalf("alice showing it to bob: %d", st)
	}

	// Bob decides; a request for changes needs a comment.
	_, page = getPage(t, bob, stPath)
	if !strings.Contains(page, "grew in confidence") || !strings.Contains(page, "Approve: release it to Frank Fischer") || strings.Contains(page, "Show to Bob Baker") {
		t.Fatalf("bob's view of the draft: %s", page)
	}
	if st, _, _ := postTo(t, alice, stPath+"/decision", url.Values{"csrf_token": {ac}, "decision": {"approve"}}); st != http.StatusForbidden {
		t.Fatalf("alice approving her own statement: %d", st)
	}
	if st, _, page := postTo(t, bob, stPath+"/decision", url.Values{"csrf_token": {bc}, "decision": {"changes"}}); st != http.StatusBadRequest ||
		!strings.Contains(page, "tell the author what to change") {
		t.Fatalf("changes without a comment: %d %s", st, page)
	}
	if st, _, _ := postTo(t, bob, stPath+"/decision", url.Values{"csrf_token": {bc}, "decision": {"changes"}, "comment": {"web-comment-mark"}}); st != http.StatusSeeOther {
		t.Fatalf("bob asking for changes: %d", st)
	}
	if _, page = getPage(t, alice, stPath); !strings.Contains(page, "web-comment-mark") || !strings.Contains(page, "Bob Baker asked for changes") {
		t.Fatalf("alice does not see bob's comment: %s", page)
	}
	if st, _, _ := postTo(t, alice, stPath+"/submit", url.Values{"csrf_token": {ac}}); st != http.StatusSeeOther {
		t.Fatalf("alice showing it again: %d", st)
	}
	if _, page = getPage(t, frank, "/statements"); strings.Contains(page, "grew in confidence leading planning") {
		t.Fatal("frank reads the statement before it is released")
	}
	if st, _, _ := postTo(t, bob, stPath+"/decision", url.Values{"csrf_token": {bc}, "decision": {"approve"}}); st != http.StatusSeeOther {
		t.Fatalf("bob approving: %d", st)
	}
	if _, page = getPage(t, bob, stPath); !strings.Contains(page, "Released to Frank Fischer on") {
		t.Fatalf("bob does not see the release record: %s", page)
	}

	// Frank reads exactly the released text; nothing of the drafts or comments.
	for _, p := range []string{"/statements", "/requests"} {
		_, page = getPage(t, frank, p)
		if !strings.Contains(page, "We worked on delegation. He engaged fully and grew in confidence leading planning.") {
			t.Fatalf("frank's %s lacks the released text: %s", p, page)
		}
		for _, leak := range []string{"his health", "web-comment-mark", "better organised", "checker"} {
			if strings.Contains(page, leak) {
				t.Fatalf("frank's %s shows %q", p, leak)
			}
		}
	}

	// A three-way meeting: Dave sees it once both agreed the brief.
	when := time.Now().UTC().AddDate(0, 0, 7).Format("2006-01-02T15:04")
	st, twPath, page := postTo(t, alice, tp+"/three-way", url.Values{"csrf_token": {ac}, "brief": {"web-brief-mark"}, "starts_at": {when},
		"tz": {"UTC"}, "minutes": {"30"}, "location": {"Room 2"}})
	if st != http.StatusSeeOther || !strings.HasPrefix(twPath, "/three-way/") {
		t.Fatalf("alice proposing a three-way meeting: %d → %s %s", st, twPath, page)
	}
	dave, carol := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
	dc, cc := dave.login("dave@northwind.example"), carol.login("carol@northwind.example")
	if st, page := getPage(t, dave, twPath); st != http.StatusNotFound || strings.Contains(page, "web-brief-mark") {
		t.Fatalf("dave before bob agreed: %d", st)
	}
	if st, page := getPage(t, bob, twPath); st != http.StatusOK || !strings.Contains(page, "web-brief-mark") || !strings.Contains(page, "Change the brief or the time") ||
		!strings.Contains(page, "Agree the brief") || !strings.Contains(page, "You have not agreed this brief yet") {
		t.Fatalf("bob's view of the proposed meeting: %d %s", st, page)
	}
	if st, _, page := postTo(t, bob, twPath+"/revise", url.Values{"csrf_token": {bc}, "brief": {" "}, "starts_at": {when}, "tz": {"UTC"}, "minutes": {"30"}}); st != http.StatusBadRequest ||
		!strings.Contains(page, "Write the brief") {
		t.Fatalf("revising without a brief: %d %s", st, page)
	}
	// A summary for Dave goes through the same consent.
	st, sumPath, _ := postTo(t, bob, tp+"/summaries", url.Values{"csrf_token": {bc}, "recipient_email": {"dave@northwind.example"}, "purpose": {"goals and progress"},
		"body": {"web-summary-mark: we work on delegation."}})
	if st != http.StatusSeeOther || !strings.HasPrefix(sumPath, tp+"/statements/") {
		t.Fatalf("bob preparing a summary: %d → %s", st, sumPath)
	}
	if st, page := getPage(t, alice, sumPath); st != http.StatusOK || !strings.Contains(page, "Summary for Dave Dawson") || !strings.Contains(page, "web-summary-mark") {
		t.Fatalf("alice's view of bob's summary: %d %s", st, page)
	}
	if st, _, page := postTo(t, bob, tp+"/summaries", url.Values{"csrf_token": {bc}, "recipient_email": {"alice@northwind.example"}, "purpose": {"x"}, "body": {"web-kept-body"}}); st != http.StatusBadRequest ||
		!strings.Contains(page, "must be someone outside the two of you") || !strings.Contains(page, "web-kept-body") {
		t.Fatalf("a summary for alice herself: %d %s", st, page)
	}
	if st, _, _ := postTo(t, bob, twPath+"/agree", url.Values{"csrf_token": {bc}}); st != http.StatusSeeOther {
		t.Fatalf("bob agreeing: %d", st)
	}
	if st, page := getPage(t, dave, twPath); st != http.StatusOK || !strings.Contains(page, "web-brief-mark") || !strings.Contains(page, "Brief agreed") {
		t.Fatalf("dave after both agreed: %d %s", st, page)
	}
	if _, page := getPage(t, dave, "/statements"); !strings.Contains(page, twPath) {
		t.Fatalf("dave's statements page does not list the meeting: %s", page)
	}
	if st, _, _ := postTo(t, dave, twPath+"/agree", url.Values{"csrf_token": {dc}}); st != http.StatusForbidden && st != http.StatusNotFound {
		t.Fatalf("dave agreeing the pair's brief: %d", st)
	}
	if st, _, _ := postTo(t, dave, twPath+"/notes", url.Values{"body": {"no token"}}); st != http.StatusForbidden {
		t.Fatalf("a note without the CSRF token: %d", st)
	}
	if st, _, _ := postTo(t, dave, twPath+"/notes", url.Values{"csrf_token": {dc}, "body": {"web-three-note"}}); st != http.StatusSeeOther {
		t.Fatalf("dave's note: %d", st)
	}
	if _, page := getPage(t, bob, twPath); !strings.Contains(page, "web-three-note") || strings.Contains(page, "Mark as held") {
		t.Fatal("bob does not see dave's note, or is offered to mark held a meeting a week ahead")
	}
	if st, _, _ := postTo(t, bob, twPath+"/outcome", url.Values{"csrf_token": {bc}, "outcome": {"held"}}); st != http.StatusConflict && st != http.StatusBadRequest {
		t.Fatalf("marking held a meeting a week ahead: %d", st)
	}
	// A week later (a new sign-in: the old session has run out), it can be.
	later := time.Now().UTC().AddDate(0, 0, 7).Add(time.Hour)
	f.env.DB.SetClock(func() time.Time { return later })
	bob = newWeb(t, f.ts.URL)
	bc = bob.login("bob@northwind.example")
	if _, page := getPage(t, bob, twPath); !strings.Contains(page, "Mark as held") {
		t.Fatal("bob cannot mark the meeting held once its time came")
	}
	if st, _, _ := postTo(t, bob, twPath+"/outcome", url.Values{"csrf_token": {bc}, "outcome": {"held"}}); st != http.StatusSeeOther {
		t.Fatalf("marking the three-way meeting held: %d", st)
	}
	f.env.DB.SetClock(time.Now) // back to today: the other sessions are still good
	if _, page := getPage(t, dave, twPath); !strings.Contains(page, ">Held<") {
		t.Fatalf("dave does not see the meeting as held: %s", page)
	}

	// Outsiders: none of the pair's pages.
	for _, o := range []struct {
		w   *web
		tok string
		who string
	}{{frank, fc, "frank"}, {carol, cc, "carol"}, {dave, dc, "dave"}} {
		for _, p := range []string{tp, stPath} {
			if st, page := getPage(t, o.w, p); st != http.StatusNotFound || strings.Contains(page, "web-comment-mark") || strings.Contains(page, "How has Bob grown?") {
				t.Fatalf("%s GET %s: %d", o.who, p, st)
			}
		}
		if st, _, _ := postTo(t, o.w, stPath+"/withdraw", url.Values{"csrf_token": {o.tok}}); st != http.StatusForbidden && st != http.StatusNotFound {
			t.Fatalf("%s withdrawing: %d", o.who, st)
		}
	}
	if st, _ := getPage(t, carol, twPath); st != http.StatusNotFound {
		t.Fatalf("carol opening the three-way meeting: %d", st)
	}
	// Heidi has no requester flag and manages nobody: the service refuses her request.
	heidi := newWeb(t, f.ts.URL)
	hc := heidi.login("heidi@northwind.example")
	ask.Set("csrf_token", hc)
	if st, _, _ := postTo(t, heidi, rel+"/input-requests", ask); st != http.StatusForbidden {
		t.Fatalf("heidi asking for input: %d", st)
	}
	// The relationship page offers the form only to those who may ask.
	if st, page := getPage(t, heidi, rel); st != http.StatusOK || strings.Contains(page, `id="ask-input"`) {
		t.Fatalf("heidi's relationship page (%d) offers to ask for input", st)
	}
	if st, page := getPage(t, frank, rel); st != http.StatusOK || !strings.Contains(page, `id="ask-input"`) {
		t.Fatalf("frank's relationship page (%d) does not offer to ask for input", st)
	}

	// Frank asks Bob about Alice; Bob declines with the neutral reply, which Frank reads.
	ask.Set("csrf_token", fc)
	ask.Set("asked_email", "bob@northwind.example")
	ask.Set("purpose", "web-decline-mark")
	if st, _, _ := postTo(t, frank, rel+"/input-requests", ask); st != http.StatusSeeOther {
		t.Fatalf("frank asking bob: %d", st)
	}
	_, page = getPage(t, bob, tp)
	var bobReq string
	for _, m := range requestItemRE.FindAllStringSubmatch(page, -1) {
		if i := strings.Index(page, `id="q-`+m[1]+`"`); strings.Contains(page[i:min(len(page), i+800)], "web-decline-mark") {
			bobReq = m[1]
		}
	}
	if bobReq == "" {
		t.Fatalf("bob does not see frank's request: %s", page)
	}
	if st, loc, _ := postTo(t, bob, tp+"/requests/"+bobReq+"/decline", url.Values{"csrf_token": {bc}, "reply": {"web-reply-mark"}}); st != http.StatusSeeOther || loc != tp {
		t.Fatalf("bob declining: %d → %s", st, loc)
	}
	if _, page = getPage(t, frank, "/requests"); !strings.Contains(page, "web-reply-mark") || !strings.Contains(page, "Declined") {
		t.Fatalf("frank does not see bob's reply: %s", page)
	}
	if st, _, page := postTo(t, bob, tp+"/requests/"+bobReq+"/decline", url.Values{"csrf_token": {bc}}); st != http.StatusConflict ||
		!strings.Contains(page, "already declined") {
		t.Fatalf("declining twice: %d %s", st, page)
	}

	// Alice withdraws; Frank sees that it was withdrawn, and no longer the text.
	if st, _, _ := postTo(t, alice, stPath+"/withdraw", url.Values{"csrf_token": {ac}}); st != http.StatusSeeOther {
		t.Fatalf("alice withdrawing: %d", st)
	}
	_, page = getPage(t, frank, "/statements")
	if strings.Contains(page, "grew in confidence leading planning") || !strings.Contains(page, "Withdrawn by the author on") {
		t.Fatalf("frank's view of the withdrawn statement: %s", page)
	}
}

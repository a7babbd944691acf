package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserStatementFlow walks a request for input from request to
// release through the web UI, seen by the requester, the mentor and the
// mentee: Frank (HR) asks Alice about Bob from the relationship page; Alice
// drafts a statement naming something Bob asked to keep confidential ("my
// health") and sees the checker's finding with its sentence; she rewrites it
// as advocacy and shows it to Bob; Bob asks for one change, then approves;
// Frank is notified, reads exactly the released text and nothing else, and can open
// neither the pair's third-party page nor the statement's page; neither can
// Carol, the coordinator.
func TestBrowserStatementFlow(t *testing.T) {
	start := time.Now()
	browser := newBrowser(t, 120*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")
	purpose := "promotion panel " + randHex(t, 5)
	question := "How has Bob grown as a leader? " + randHex(t, 4)
	comment := "Please say planning meetings, not planning. " + randHex(t, 4)
	leaky := "We worked on delegation. He was open with me about his health and kept going."
	clean := "We worked on delegation and on running planning. He engaged fully with our sessions."
	finalMark := "ref-" + randHex(t, 4)
	final := "We worked on delegation and on running planning meetings. He engaged fully with our sessions (" + finalMark + ")."

	// --- Frank, HR, asks Alice for input about Bob. ---
	frank := newUser(t, browser, srv.URL, "frank")
	frank.signIn("frank@northwind.example", "Frank Fischer")
	frank.open("/directory")
	href := eval[string](frank, `(Array.from(document.querySelectorAll("main table tbody tr")).find(r => r.innerText.includes("Alice Archer") && r.innerText.includes("Bob Baker")) || document).querySelector('a[href^="/relationships/"]').getAttribute("href")`)
	frank.nav("open the relationship", chromedp.Click(chromedp.CSS(`main a[href="`+href+`"]`)))
	relPath := frank.location()
	tpPath := relPath + "/third-parties"
	if txt := frank.text("#ask-input"); !strings.Contains(txt, "Ask for input") || !strings.Contains(txt, "Both see at once that you asked") {
		t.Fatalf("frank's relationship page has no ask-for-input section: %s", txt)
	}
	frank.do("open the ask form", chromedp.Click(chromedp.CSS(`#ask-input details > summary`)))
	frank.do("fill in the request",
		chromedp.Click(chromedp.CSS(`#ask-input input[name=asked_email][value="alice@northwind.example"]`)),
		chromedp.SendKeys(chromedp.CSS("#ask_purpose"), purpose),
		chromedp.SendKeys(chromedp.CSS("#ask_question"), question),
		chromedp.SetValue(chromedp.CSS("#ask_deadline"), time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02")))
	frank.shot("statements-ask")
	if st := frank.nav("send the request", chromedp.Click(chromedp.CSS(`#ask-input form button[type=submit]`))); st != 200 {
		t.Fatalf("sending the request: status %d: %s", st, frank.pageText())
	}
	if loc := frank.location(); !strings.HasPrefix(loc, "/requests") {
		t.Fatalf("after asking frank is at %s", loc)
	}
	if got := frank.text(`[role=status]`); !strings.Contains(got, "Both people in the relationship have been told") {
		t.Fatalf("after asking the page says %q", got)
	}
	if txt := frank.text("main"); !strings.Contains(txt, purpose) || !strings.Contains(txt, question) || !strings.Contains(txt, "Waiting for an answer") {
		t.Fatalf("frank's requests do not show the new one: %s", txt)
	}

	// --- Alice sees the request and drafts an answer; the checker speaks. ---
	alice := newUser(t, browser, srv.URL, "alice")
	alice.signIn("alice@northwind.example", "Alice Archer")
	alice.open(relPath)
	alice.nav("open third parties", chromedp.Click(chromedp.CSS(`#third-parties a[href$="/third-parties"]`)))
	if loc := alice.location(); loc != tpPath {
		t.Fatalf("the third-parties link led alice to %s", loc)
	}
	reqID := eval[string](alice, `(Array.from(document.querySelectorAll("#requests .request-item")).find(li => li.innerText.includes(`+jsString(purpose)+`)) || {id: ""}).id`)
	if reqID == "" {
		t.Fatalf("alice does not see frank's request: %s", alice.text("#requests"))
	}
	item := "#" + reqID
	if txt := alice.text(item); !strings.Contains(txt, "Frank Fischer") || !strings.Contains(txt, question) || !strings.Contains(txt, "Bob Baker") {
		t.Fatalf("the request does not say who asks what about whom: %s", txt)
	}
	if v := eval[string](alice, `document.querySelector("`+item+` textarea[name=reply]").value`); !strings.Contains(v, "please do not read anything into this reply") {
		t.Fatalf("the decline form does not offer the neutral reply: %q", v)
	}
	alice.shot("statements-third-parties")
	alice.do("write the draft", chromedp.SendKeys(chromedp.CSS(item+` form.draft-form textarea[name=body]`), leaky))
	if st := alice.nav("save the draft", chromedp.Click(chromedp.CSS(item+` form.draft-form button[type=submit]`))); st != 200 {
		t.Fatalf("saving the draft: status %d: %s", st, alice.pageText())
	}
	stPath := strings.SplitN(alice.location(), "?", 2)[0]
	if !strings.HasPrefix(stPath, tpPath+"/statements/") {
		t.Fatalf("after drafting alice is at %s", stPath)
	}
	checker := alice.text("#checker")
	for _, want := range []string{"Things Bob Baker asked to keep confidential", "He was open with me about his health and kept going.", "my health", "Suggestion:", "do not stop the statement"} {
		if !strings.Contains(checker, want) {
			t.Fatalf("the checker does not say %q:\n%s", want, checker)
		}
	}
	alice.shot("statements-draft-findings")

	// She rewrites it as advocacy about Bob as a mentee and shows it to him.
	alice.do("rewrite", chromedp.SetValue(chromedp.CSS("#body"), clean))
	if st := alice.nav("save the changes", chromedp.Click(chromedp.CSS(`form.edit-form button[type=submit]`))); st != 200 {
		t.Fatalf("saving the rewrite: status %d: %s", st, alice.pageText())
	}
	if checker := alice.text("#checker"); strings.Contains(checker, "asked to keep confidential”") || strings.Contains(checker, "his health") ||
		strings.Contains(checker, "Things Bob Baker asked to keep confidential") {
		t.Fatalf("the rewrite still has the kept-item finding:\n%s", checker)
	}
	if st := alice.nav("show it to bob", chromedp.Click(chromedp.CSS(`form.submit-form button[type=submit]`))); st != 200 {
		t.Fatalf("showing it to bob: status %d: %s", st, alice.pageText())
	}
	if s := alice.text("#statement-state"); !strings.Contains(s, "Waiting for Bob Baker") {
		t.Fatalf("after showing it the statement is %q", s)
	}
	if n := eval[int](alice, `document.querySelectorAll("form.edit-form, form.approve-form").length`); n != 0 {
		t.Fatal("alice can still edit, or can approve, the statement she showed to bob")
	}

	// --- Bob reads it from his third-party page and asks for one change. ---
	bob := newUser(t, browser, srv.URL, "bob")
	bob.signIn("bob@northwind.example", "Bob Baker")
	bob.open(tpPath)
	if txt := bob.text("#requests"); !strings.Contains(txt, purpose) || !strings.Contains(txt, "Frank Fischer") {
		t.Fatalf("bob does not see the request about him: %s", txt)
	}
	if n := eval[int](bob, `document.querySelectorAll("#requests form.draft-form").length`); n != 0 {
		t.Fatal("bob is offered to answer a request made of alice")
	}
	bob.nav("open the statement", chromedp.Click(chromedp.CSS(`#statements a[href="`+stPath+`"]`)))
	if txt := bob.text(".statement-text"); txt != clean {
		t.Fatalf("bob sees the text %q, want %q", txt, clean)
	}
	if s := bob.text("#statement-state"); s != "Waiting for your consent" || strings.Contains(bob.text("#record"), "Bob Baker") {
		t.Fatalf("bob, whose consent it waits for, reads %q and %q", s, bob.text("#record"))
	}
	bob.shot("statements-consent")
	bob.do("write a comment", chromedp.SendKeys(chromedp.CSS("#comment"), comment))
	if st := bob.nav("ask for changes", chromedp.Click(chromedp.CSS(`form.changes-form button[type=submit]`))); st != 200 {
		t.Fatalf("asking for changes: status %d: %s", st, bob.pageText())
	}
	if s := bob.text("#statement-state"); s != "You asked for changes" {
		t.Fatalf("after asking for changes the statement is %q", s)
	}

	// --- Alice sees the comment, makes the change and shows it again. ---
	alice.open(stPath)
	if txt := alice.text(".subject-comment"); txt != comment {
		t.Fatalf("alice sees the comment %q, want %q", txt, comment)
	}
	alice.do("make the change", chromedp.SetValue(chromedp.CSS("#body"), final))
	alice.nav("save the change", chromedp.Click(chromedp.CSS(`form.edit-form button[type=submit]`)))
	alice.nav("show it again", chromedp.Click(chromedp.CSS(`form.submit-form button[type=submit]`)))
	if s := alice.text("#statement-state"); !strings.Contains(s, "Waiting for Bob Baker") {
		t.Fatalf("after showing it again the statement is %q", s)
	}

	// Frank sees nothing of it yet.
	frank.open("/statements")
	if strings.Contains(frank.pageHTML(), finalMark) {
		t.Fatal("frank reads the statement before bob approved it")
	}

	// --- Bob approves: it is released, and both see the release record. ---
	bob.open(stPath)
	if st := bob.nav("approve", chromedp.Click(chromedp.CSS(`form.approve-form button[type=submit]`))); st != 200 {
		t.Fatalf("approving: status %d: %s", st, bob.pageText())
	}
	for _, u := range []*user{bob, alice} {
		u.open(stPath)
		if rec := u.text("#record"); !strings.Contains(rec, "Released to Frank Fischer on") || !strings.Contains(rec, "frank@northwind.example") {
			t.Fatalf("%s's release record: %s", u.who, rec)
		}
	}
	alice.shot("statements-released")

	// --- Frank is told (the newest such notification; it does not quote
	// the purpose, which is sealed), and reads exactly the released text. ---
	frank.open("/notifications")
	nID := eval[string](frank, `(Array.from(document.querySelectorAll(".notification")).find(li => li.innerText.includes("released a statement for you about Bob Baker.")) || {id: ""}).id`)
	if nID == "" {
		t.Fatalf("frank is not told of the release: %s", frank.text("main"))
	}
	frank.nav("open the notification", chromedp.Click(chromedp.CSS(`#`+nID+` form button`)))
	if loc := frank.location(); loc != "/statements" {
		t.Fatalf("the release notification led frank to %s", loc)
	}
	texts := eval[[]string](frank, `Array.from(document.querySelectorAll(".received-statement .released-text")).map(e => e.innerText.trim())`)
	found := false
	for _, s := range texts {
		found = found || s == final
	}
	if !found {
		t.Fatalf("frank's statements do not hold exactly the released text: %q", texts)
	}
	frank.shot("statements-received")
	frank.nav("open my requests", chromedp.Click(chromedp.CSS(`.tp-subnav a[href="/requests"]`)))
	if txt := frank.text("main"); !strings.Contains(txt, final) || !strings.Contains(txt, "Answered") {
		t.Fatalf("frank's request does not show the released answer: %s", txt)
	}
	for _, p := range []string{"/statements", "/requests"} {
		frank.open(p)
		html := frank.pageHTML()
		for _, leak := range []string{"his health", comment, clean, "checker"} {
			if strings.Contains(html, leak) {
				t.Fatalf("frank's %s shows %q", p, leak)
			}
		}
	}

	// --- Neither Frank nor Carol opens the pair's pages. ---
	carol := newUser(t, browser, srv.URL, "carol")
	carol.signIn("carol@northwind.example", "Carol Chen")
	for _, u := range []*user{frank, carol} {
		for _, p := range []string{tpPath, stPath} {
			if st := u.open(p); st != 404 || u.text("main h1") != "Not found" {
				t.Fatalf("%s opening %s: status %d, want the Not found page: %s", u.who, p, st, u.pageText())
			}
			if html := u.pageHTML(); strings.Contains(html, question) && u == carol || strings.Contains(html, comment) || strings.Contains(html, final) {
				t.Fatalf("%s's refused page shows third-party content", u.who)
			}
		}
	}
	carol.open("/statements")
	if strings.Contains(carol.pageHTML(), final) {
		t.Fatal("carol's statements page shows frank's statement")
	}
	carol.shot("statements-coordinator")

	t.Logf("statement scenario took %s", time.Since(start).Round(time.Millisecond))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserConcern walks the breaking-confidentiality protocol through
// the web UI: Alice raises a concern about an imminent danger to Bob,
// consults Erin (the programme's supervisor), who sees "a mentor in
// Leadership Mentoring" and neither name, then files a notice to Dave that
// takes effect at once. Bob sees the notice with exactly what was said and to
// whom; Dave finds the disclosure in his inbox; Carol (coordinator) and
// Heidi (member) cannot open the concern, and nobody but Alice and Erin
// reads the consultation.
func TestBrowserConcern(t *testing.T) {
	start := time.Now()
	browser := newBrowser(t, 120*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")
	concernMark := "concern-" + randHex(t, 6)
	consultMark := "consult-" + randHex(t, 6)
	replyMark := "reply-" + randHex(t, 6)
	noticeMark := "notice-" + randHex(t, 6)

	// --- Alice raises a concern from the relationship page. ---
	alice := newUser(t, browser, srv.URL, "alice")
	alice.signIn("alice@northwind.example", "Alice Archer")
	alice.nav("open the relationship with Bob", chromedp.Click(chromedp.CSS(`ul.rels a[href^="/relationships/"]`)))
	relPath := alice.location()
	if txt := alice.text("#concerns"); !strings.Contains(txt, "raise a concern") {
		t.Fatalf("the relationship page has no concerns section: %s", txt)
	}
	alice.nav("open the concerns", chromedp.Click(chromedp.CSS(`#concerns a[href$="/concerns"]`)))
	if loc := alice.location(); loc != relPath+"/concerns" {
		t.Fatalf("the concerns link led to %s", loc)
	}
	if txt := alice.text(".concern-list"); !strings.Contains(txt, "Danger to the mentee") || !strings.Contains(txt, "resolved without disclosure") {
		t.Fatalf("the demo's resolved concern is not listed: %s", txt)
	}
	alice.do("fill in the concern",
		chromedp.SetValue(chromedp.CSS("#category"), "danger_to_mentee"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Bob said he does not feel safe tonight. "+concernMark),
		chromedp.Click(chromedp.CSS(`#raise input[name=imminent]`)))
	alice.shot("concern-raise")
	if st := alice.nav("raise the concern", chromedp.Click(chromedp.CSS(`#raise button[type=submit]`))); st != 200 {
		t.Fatalf("raising the concern: status %d: %s", st, alice.pageText())
	}
	concernPath := strings.SplitN(alice.location(), "?", 2)[0]
	if !strings.HasPrefix(concernPath, relPath+"/concerns/") {
		t.Fatalf("after raising, alice is at %s", concernPath)
	}
	if got := alice.text(`[role=status]`); !strings.Contains(got, "Bob Baker has been told") {
		t.Fatalf("after raising the page says %q", got)
	}
	if txt := alice.text("main"); !strings.Contains(txt, concernMark) || !strings.Contains(txt, "Imminent danger") ||
		!strings.Contains(txt, "Duty of care") || !strings.Contains(txt, "72 hours") {
		t.Fatalf("the concern page lacks the description, the imminent mark, the applicable exception or the minimum notice: %s", txt)
	}

	// --- Alice consults Erin, sharing only the category and her question. ---
	alice.nav("consult a supervisor", chromedp.Click(chromedp.CSS(`aside a[href*="/consultations/new"]`)))
	if txt := alice.text(".privacy-note"); !strings.Contains(txt, "a mentor in Leadership Mentoring") {
		t.Fatalf("the consultation form does not say what the supervisor sees: %s", txt)
	}
	if sel := eval[string](alice, `document.querySelector("#supervisor_id").selectedOptions[0].text`); sel != "Erin Evans" {
		t.Fatalf("the supervisor chosen is %q", sel)
	}
	if on := eval[bool](alice, `document.querySelector("input[name=share_description]").checked`); on {
		t.Fatal("the concern's description is shared by default")
	}
	alice.do("write the question", chromedp.SendKeys(chromedp.CSS("#message"), "How do I get help quickly without breaking trust? "+consultMark))
	alice.shot("concern-consult-form")
	if st := alice.nav("send the question", chromedp.Click(chromedp.CSS(`form.consult-form button[type=submit]`))); st != 200 {
		t.Fatalf("starting the consultation: status %d: %s", st, alice.pageText())
	}
	consultPath := strings.SplitN(alice.location(), "?", 2)[0]
	if !strings.HasPrefix(consultPath, "/consultations/") {
		t.Fatalf("after consulting, alice is at %s", consultPath)
	}
	if txt := alice.text(".thread"); !strings.Contains(txt, consultMark) || !strings.Contains(txt, "danger to the mentee") || strings.Contains(txt, concernMark) {
		t.Fatalf("the first message is not the category and the question alone: %s", txt)
	}

	// --- Alice files a notice to Dave: an imminent danger, so at once. ---
	alice.open(concernPath)
	alice.do("open the notice form", chromedp.Click(chromedp.CSS(`#notice > summary`)))
	alice.do("fill in the notice",
		chromedp.SendKeys(chromedp.CSS("#notice_email"), "dave@northwind.example"),
		chromedp.SendKeys(chromedp.CSS("#notice_how"), "by phone, then in person"),
		chromedp.SendKeys(chromedp.CSS("#notice_content"), "Bob may be at risk tonight; please call him. "+noticeMark),
		chromedp.Click(chromedp.CSS(`#notice input[name=at_once]`)))
	alice.shot("concern-notice-form")
	if st := alice.nav("file the notice", chromedp.Click(chromedp.CSS(`form[action$="/notices"] button[type=submit]`))); st != 200 {
		t.Fatalf("filing the notice: status %d: %s", st, alice.pageText())
	}
	if got := alice.text(`[role=status]`); !strings.Contains(got, "disclosure has been made") {
		t.Fatalf("after the notice the page says %q", got)
	}
	if txt := alice.text(".disclosure-list"); !strings.Contains(txt, noticeMark) || !strings.Contains(txt, "Dave Dawson") || !strings.Contains(txt, "Made at once") {
		t.Fatalf("the disclosure is not shown as made at once to Dave: %s", txt)
	}
	alice.shot("concern-disclosed")

	// --- Erin sees a mentor in the programme, never who. ---
	erin := newUser(t, browser, srv.URL, "erin")
	erin.signIn("erin@northwind.example", "Erin Evans")
	erin.nav("open the consultations", chromedp.Click(chromedp.CSS(`header nav a[href="/consultations"]`)))
	row := eval[string](erin, `(document.querySelector('#supervising a[href="`+consultPath+`"]') || {innerText: ""}).innerText`)
	if row != "A mentor in Leadership Mentoring" {
		t.Fatalf("erin's list names the consultation %q", row)
	}
	erin.shot("concern-supervisor-list")
	erin.nav("open the consultation", chromedp.Click(chromedp.CSS(`#supervising a[href="`+consultPath+`"]`)))
	if h := erin.text("main h1"); h != "A mentor in Leadership Mentoring asks for your guidance" {
		t.Fatalf("erin's consultation heading is %q", h)
	}
	if txt := erin.text(".thread"); !strings.Contains(txt, consultMark) {
		t.Fatalf("erin does not see the question: %s", txt)
	}
	html := erin.pageHTML()
	for _, who := range []string{"Alice", "Archer", "alice@", "Bob", "Baker", "bob@", relPath, concernMark, noticeMark} {
		if strings.Contains(html, who) {
			t.Fatalf("erin's consultation page reveals %q", who)
		}
	}
	erin.do("write a reply", chromedp.SendKeys(chromedp.CSS("#body"), "If he is in danger now, call the emergency services first. "+replyMark))
	if st := erin.nav("reply", chromedp.Click(chromedp.CSS(`#reply button[type=submit]`))); st != 200 {
		t.Fatalf("erin replying: status %d: %s", st, erin.pageText())
	}
	if txt := erin.text(".thread"); !strings.Contains(txt, replyMark) {
		t.Fatalf("erin's reply is not in the thread: %s", txt)
	}
	erin.shot("concern-supervisor-thread")
	if st := erin.open(concernPath); st != 404 {
		t.Fatalf("erin opening the concern: status %d, want 404", st)
	}

	// --- Bob receives the notice with exactly what was said, and to whom. ---
	bob := newUser(t, browser, srv.URL, "bob")
	bob.signIn("bob@northwind.example", "Bob Baker")
	bob.open("/notifications")
	id := eval[string](bob, `(Array.from(document.querySelectorAll(".notification")).find(li => li.innerText.includes("urgent disclosure")) || {id: ""}).id`)
	if id == "" {
		t.Fatalf("bob has no notification of the urgent disclosure: %s", bob.text("main"))
	}
	if st := bob.nav("open the notification", chromedp.Click(chromedp.CSS(`#`+id+` button`))); st != 200 {
		t.Fatalf("bob opening the notification: status %d", st)
	}
	if loc := bob.location(); loc != concernPath {
		t.Fatalf("the notification led bob to %s, want %s", loc, concernPath)
	}
	disc := bob.text(".disclosure-list")
	for _, want := range []string{noticeMark, "Dave Dawson", "dave@northwind.example", "by phone, then in person", "Imminent danger", "Alice Archer"} {
		if !strings.Contains(disc, want) {
			t.Fatalf("bob's view of the notice lacks %q: %s", want, disc)
		}
	}
	if n := eval[int](bob, `document.querySelectorAll('.disclosure-list form[action$="/withdraw"]').length`); n != 0 {
		t.Fatal("bob is offered to withdraw alice's notice")
	}
	if strings.Contains(bob.pageHTML(), consultMark) {
		t.Fatal("bob's concern page shows alice's consultation")
	}
	bob.shot("concern-other-party")
	if st := bob.open(consultPath); st != 404 || strings.Contains(bob.pageHTML(), consultMark) {
		t.Fatalf("bob opening alice's consultation: status %d, want 404 without its content", st)
	}

	// --- Alice reads Erin's reply and records the outcome. ---
	alice.open(consultPath)
	if txt := alice.text(".thread"); !strings.Contains(txt, replyMark) || !strings.Contains(txt, "Erin Evans (supervisor)") {
		t.Fatalf("alice does not see erin's reply: %s", txt)
	}
	alice.open(concernPath)
	if st := alice.nav("close the concern", chromedp.Click(chromedp.CSS(`form[action$="/close"] button[type=submit]`))); st != 200 {
		t.Fatalf("closing the concern: status %d: %s", st, alice.pageText())
	}
	if s := alice.text("#concern-status"); s != "Closed: disclosed" {
		t.Fatalf("after closing, the concern is %q", s)
	}

	// --- Dave finds the disclosure in his inbox. ---
	dave := newUser(t, browser, srv.URL, "dave")
	dave.signIn("dave@northwind.example", "Dave Dawson")
	dave.open("/notifications")
	id = eval[string](dave, `(Array.from(document.querySelectorAll(".notification")).find(li => li.innerText.includes("received a confidential disclosure")) || {id: ""}).id`)
	if id == "" {
		t.Fatalf("dave has no notification of the disclosure: %s", dave.text("main"))
	}
	if st := dave.nav("open the notification", chromedp.Click(chromedp.CSS(`#`+id+` button`))); st != 200 || dave.location() != "/disclosures" {
		t.Fatalf("dave's notification led to %s (status %d)", dave.location(), st)
	}
	dave.open("/notifications")
	dave.nav("open the inbox from the notifications page", chromedp.Click(chromedp.CSS(`main a[href="/disclosures"]`)))
	recv := dave.text(".received-list")
	for _, want := range []string{noticeMark, "From Alice Archer", "imminent danger", "by phone, then in person"} {
		if !strings.Contains(recv, want) {
			t.Fatalf("dave's inbox lacks %q: %s", want, recv)
		}
	}
	if html := dave.pageHTML(); strings.Contains(html, concernMark) || strings.Contains(html, consultMark) {
		t.Fatal("dave's inbox shows more than what was disclosed to him")
	}
	dave.shot("concern-recipient")
	if st := dave.open(concernPath); st != 404 {
		t.Fatalf("dave opening the concern: status %d, want 404", st)
	}

	// --- Carol (coordinator) and Heidi (member) cannot open any of it. ---
	for _, o := range []struct{ key, name string }{{"carol", "Carol Chen"}, {"heidi", "Heidi Hall"}} {
		u := newUser(t, browser, srv.URL, o.key)
		u.signIn(o.key+"@northwind.example", o.name)
		for _, p := range []string{concernPath, relPath + "/concerns", consultPath} {
			if st := u.open(p); st != 404 || u.text("main h1") != "Not found" {
				t.Fatalf("%s opening %s: status %d, want the Not found page: %s", o.key, p, st, u.pageText())
			}
			if html := u.pageHTML(); strings.Contains(html, concernMark) || strings.Contains(html, noticeMark) || strings.Contains(html, consultMark) {
				t.Fatalf("%s's refused page at %s shows content", o.key, p)
			}
		}
		u.open("/disclosures")
		if txt := u.text("main"); strings.Contains(txt, noticeMark) || !strings.Contains(txt, "Nothing has been disclosed to you") {
			t.Fatalf("%s's inbox: %s", o.key, txt)
		}
		if o.key == "carol" {
			u.shot("concern-coordinator-404")
		}
	}

	t.Logf("concern scenario took %s", time.Since(start).Round(time.Millisecond))
}

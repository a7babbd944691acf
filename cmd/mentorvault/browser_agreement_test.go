package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mentorvault/mentorvault/internal/demo"
)

// TestBrowserAgreement walks a new pair through their confidentiality
// agreement in the web UI: Heidi proposes to mentor Ivan in the programme,
// Ivan accepts, Heidi starts and edits the draft (a mistake first, which
// keeps what she typed), Ivan sees the change marked, both sign with their
// password (Ivan mistypes it once), the relationship becomes active, the
// coordinator sees only the status line, and the export carries the hash.
func TestBrowserAgreement(t *testing.T) {
	start := time.Now()
	browser := newBrowser(t, 90*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")
	goal := "Goal-" + randHex(t, 5)

	// --- Heidi proposes to mentor Ivan in Leadership Mentoring. ---
	heidi := newUser(t, browser, srv.URL, "heidi")
	heidi.signIn("heidi@northwind.example", "Heidi Hall")
	heidi.open("/relationships/new")
	heidi.do("fill in the proposal",
		chromedp.SendKeys(chromedp.CSS("#other_email"), "ivan@northwind.example"),
		chromedp.Click(chromedp.CSS(`input[name=my_role][value=mentor]`)))
	if v := eval[string](heidi, `(() => { const s = document.querySelector("#programme_id");
		s.value = Array.from(s.options).find(o => o.text.includes("Leadership")).value; return s.value })()`); v == "" {
		t.Fatal("the proposal form offers no Leadership Mentoring programme")
	}
	if st := heidi.nav("send the proposal", chromedp.Click(chromedp.CSS(`form[action="/relationships"] button[type=submit]`))); st != 200 {
		t.Fatalf("proposing: status %d: %s", st, heidi.pageText())
	}
	relPath := heidi.location()
	if !strings.HasPrefix(relPath, "/relationships/") || strings.Count(relPath, "/") != 2 {
		t.Fatalf("after proposing heidi is at %s", relPath)
	}
	agrPath := relPath + "/agreement"

	// --- Ivan accepts. ---
	ivan := newUser(t, browser, srv.URL, "ivan")
	ivan.signIn("ivan@northwind.example", "Ivan Ivanov")
	ivan.open(relPath)
	if st := ivan.nav("accept", chromedp.Click(chromedp.CSS(`form[action$="/lifecycle"]:has(input[value=accept]) button`))); st != 200 {
		t.Fatalf("accepting: status %d: %s", st, ivan.pageText())
	}
	if txt := ivan.text(".agreement-panel"); !strings.Contains(txt, "Notes open once you have both signed") {
		t.Fatalf("after accepting, the agreement panel says %q", txt)
	}
	ivan.shot("agreement-relationship-accepted")

	// --- Heidi starts the agreement and edits the draft. ---
	heidi.open(relPath)
	heidi.nav("open the agreement", chromedp.Click(chromedp.CSS(`.agreement-panel a[href$="/agreement"]`)))
	heidi.shot("agreement-empty")
	heidi.nav("start the agreement", chromedp.Click(chromedp.CSS(`form[action$="/agreement/drafts"] button`)))
	if loc := heidi.location(); !strings.HasPrefix(loc, agrPath+"/edit") {
		t.Fatalf("starting the agreement led to %s: %s", loc, heidi.pageText())
	}
	setClause := func(u *user, i, field, value string) {
		u.t.Helper()
		u.do("set clause "+field, chromedp.SetValue(chromedp.CSS(`[name="clauses[`+i+`].`+field+`"]`), value))
	}
	// First a mistake: 999-minute meetings, and a clause.
	heidi.do("fill in the editor",
		chromedp.SetValue(chromedp.CSS("#minutes"), "999"),
		chromedp.SetValue(chromedp.CSS("#goals"), goal))
	setClause(heidi, "0", "discloser", "either")
	setClause(heidi, "0", "what", "growth")
	setClause(heidi, "0", "recipient", "named_person")
	setClause(heidi, "0", "recipient_name", "Priya Patel")
	setClause(heidi, "0", "condition", "permission_each_time")
	setClause(heidi, "0", "until", "months_after_end")
	setClause(heidi, "0", "months", "6")
	heidi.shot("agreement-editor")
	saveBarCoversNothing(heidi)
	if st := heidi.nav("save with a mistake", chromedp.Click(chromedp.CSS(`.save-bar button[type=submit]`))); st != 400 {
		t.Fatalf("saving 999-minute meetings: status %d, want 400: %s", st, heidi.pageText())
	}
	if msg := heidi.text("#minutes_err"); !strings.Contains(msg, "480") {
		t.Fatalf("the minutes field error says %q", msg)
	}
	kept := eval[[]string](heidi, `[document.querySelector("#goals").value, document.querySelector('[name="clauses[0].recipient_name"]').value,
		document.querySelector('[name="clauses[0].months"]').value, document.querySelector('[name="clauses[0].until"]').value]`)
	if len(kept) != 4 || kept[0] != goal || kept[1] != "Priya Patel" || kept[2] != "6" || kept[3] != "months_after_end" {
		t.Fatalf("after the error the form lost what heidi typed: %q", kept)
	}
	heidi.shot("agreement-editor-error")
	heidi.do("correct the minutes", chromedp.SetValue(chromedp.CSS("#minutes"), "45"))
	if st := heidi.nav("save the draft", chromedp.Click(chromedp.CSS(`.save-bar button[type=submit]`))); st != 200 {
		t.Fatalf("saving the draft: status %d: %s", st, heidi.pageText())
	}
	if got := heidi.text(`[role=status]`); !strings.Contains(got, "saved") {
		t.Fatalf("after saving, the agreement page says %q", got)
	}
	if doc := heidi.text("#draft .agreement-doc"); !strings.Contains(doc, "45 minutes") || !strings.Contains(doc, "Priya Patel") || !strings.Contains(doc, goal) {
		t.Fatalf("the draft does not show heidi's changes: %s", doc)
	}

	// --- Each confirms reading the guidelines for themselves. ---
	if st := heidi.nav("confirm reading the guidelines", chromedp.Click(chromedp.CSS(`#guidelines form button`))); st != 200 {
		t.Fatalf("confirming the guidelines: status %d: %s", st, heidi.pageText())
	}
	if txt := heidi.text("#guidelines"); !strings.Contains(txt, "You (mentor) confirmed reading them") || !strings.Contains(txt, "Ivan Ivanov (mentee) has not confirmed") {
		t.Fatalf("after heidi confirmed, the guidelines card says %q", txt)
	}

	// --- Ivan looks at what changed, then signs (a wrong password first). ---
	ivan.open(agrPath)
	if txt := ivan.text("#guidelines"); !strings.Contains(txt, "Heidi Hall (mentor) confirmed reading them") || !strings.Contains(txt, "You (mentee) have not confirmed") {
		t.Fatalf("ivan's guidelines card says %q: heidi's confirmation must not count for him", txt)
	}
	if st := ivan.nav("confirm reading the guidelines", chromedp.Click(chromedp.CSS(`#guidelines form button`))); st != 200 {
		t.Fatalf("ivan confirming the guidelines: status %d: %s", st, ivan.pageText())
	}
	if n := eval[int](ivan, `document.querySelectorAll("#guidelines form").length`); n != 0 {
		t.Fatal("after ivan confirmed, the card still offers him the button")
	}
	ivan.nav("open the diff", chromedp.Click(chromedp.CSS(`#draft a[href$="/diff"]`)))
	added := eval[[]string](ivan, `Array.from(document.querySelectorAll(".diff ins")).map(e => e.textContent)`)
	if !anyContains(added, "Priya Patel") || !anyContains(added, "45") {
		t.Fatalf("ivan's diff does not mark the new clause and meeting length as added: %q", added)
	}
	if n := eval[int](ivan, `document.querySelectorAll(".diff ins .sr-only").length`); n == 0 {
		t.Fatal("added text carries no screen-reader words")
	}
	// The diff reads as the agreement does: Heidi's and Ivan's addresses in
	// angle brackets, no Markdown escapes or emphasis markers.
	if doc := ivan.text(".diff"); strings.ContainsAny(doc, `\*#`) || !strings.Contains(doc, "<heidi@northwind.example>") {
		t.Fatalf("ivan's diff shows Markdown: %s", doc)
	}
	ivan.shot("agreement-diff")
	ivan.open(agrPath)
	ivan.do("type a wrong password", chromedp.SendKeys(chromedp.CSS("#password"), "not-my-password"))
	if st := ivan.nav("sign with a wrong password", chromedp.Click(chromedp.CSS(`.sign-form button[type=submit]`))); st != 401 {
		t.Fatalf("signing with a wrong password: status %d: %s", st, ivan.pageText())
	}
	if msg := ivan.text(`#sign [role=alert]`); !strings.Contains(msg, "The password is not correct") {
		t.Fatalf("a wrong password says %q", msg)
	}
	ivan.shot("agreement-sign-error")
	ivan.do("type the password", chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
	if st := ivan.nav("sign", chromedp.Click(chromedp.CSS(`.sign-form button[type=submit]`))); st != 200 {
		t.Fatalf("signing: status %d: %s", st, ivan.pageText())
	}
	if got := ivan.text(`[role=status]`); !strings.Contains(got, "You signed") {
		t.Fatalf("after signing ivan sees %q", got)
	}
	ivan.shot("agreement-signed-once")

	// --- Heidi signs: the agreement is in force, the relationship active. ---
	heidi.open(agrPath)
	if txt := heidi.text(".agreement-status"); !strings.Contains(txt, "Ivan Ivanov signed this text") {
		t.Fatalf("heidi's status panel does not show ivan's signature: %s", txt)
	}
	heidi.do("type the password", chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
	if st := heidi.nav("sign", chromedp.Click(chromedp.CSS(`.sign-form button[type=submit]`))); st != 200 {
		t.Fatalf("heidi signing: status %d: %s", st, heidi.pageText())
	}
	if b := heidi.text("main .page-head .badge"); !strings.EqualFold(b, "In force") {
		t.Fatalf("after both signed the agreement badge is %q", b)
	}
	hash := heidi.text("#in-force .fingerprint code")
	if len(hash) != 64 {
		t.Fatalf("the in-force fingerprint is %q", hash)
	}
	heidi.shot("agreement-in-force")

	// The Markdown export carries the hash.
	href := eval[string](heidi, `document.querySelector("a.export-md").href`)
	if !strings.Contains(href, "/api/v1/relationships/") || !strings.Contains(href, "format=markdown") {
		t.Fatalf("the Markdown export link is %s", href)
	}
	md := eval[string](heidi, `(() => { const x = new XMLHttpRequest(); x.open("GET", document.querySelector("a.export-md").href, false); x.send();
		return x.status + "\n" + x.getResponseHeader("Content-Type") + "\n" + x.responseText })()`)
	if !strings.HasPrefix(md, "200\ntext/markdown") || !strings.Contains(md, hash) || !strings.Contains(md, "Priya Patel") {
		t.Fatalf("the Markdown export is not the signed text with its hash %s:\n%s", hash, md)
	}

	heidi.open(relPath)
	if b := heidi.text("main .page-head .badge"); !strings.EqualFold(b, "active") {
		t.Fatalf("after both signed the relationship is %q", b)
	}
	if txt := heidi.text(".agreement-panel"); !strings.Contains(txt, "Agreement version 1, signed by both on") {
		t.Fatalf("heidi's agreement panel says %q", txt)
	}
	heidi.writeNote("First meeting booked. "+goal, "shared")
	heidi.shot("agreement-relationship-active")

	// --- Carol, the coordinator, sees the status line and nothing else. ---
	carol := newUser(t, browser, srv.URL, "carol")
	carol.signIn("carol@northwind.example", "Carol Chen")
	if st := carol.open(relPath); st != 200 {
		t.Fatalf("carol opening the relationship: status %d", st)
	}
	if txt := carol.text(".agreement-summary"); !strings.Contains(txt, "Agreement version 1, signed by both on") {
		t.Fatalf("carol sees %q, want the agreement status line", txt)
	}
	html := carol.pageHTML()
	for _, secret := range []string{"Priya Patel", goal, "45 minutes", "growth", hash, "/agreement"} {
		if strings.Contains(html, secret) {
			t.Fatalf("carol's view of the relationship contains %q", secret)
		}
	}
	if st := carol.open(agrPath); st != 403 && st != 404 {
		t.Fatalf("carol opening the agreement page: status %d, want it refused", st)
	}
	if strings.Contains(carol.pageHTML(), "Priya Patel") {
		t.Fatal("carol's refused page shows clause text")
	}
	carol.shot("agreement-coordinator")
	carol.open("/settings")
	carol.nav("open the programme", chromedp.Click(chromedp.CSS(`main a[href^="/programmes/"]`)))
	if txt := carol.text("main"); !strings.Contains(txt, "Publish new guidelines") || !strings.Contains(txt, "Mentor, not manager") {
		t.Fatalf("carol's programme page: %s", txt)
	}
	carol.shot("programme")

	t.Logf("agreement scenario took %s", time.Since(start).Round(time.Millisecond))
}

func anyContains(ss []string, sub string) bool {
	for _, s := range ss {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// saveBarCoversNothing focuses every field of the agreement editor, at a
// desktop and at a phone width, as a person tabbing down the form reaches
// it: once from the top of the page, and once with the field scrolled to
// just behind the sticky save bar (in the viewport, so the browser need not
// scroll, but covered). It fails if the bar covers any part of the focused
// field.
func saveBarCoversNothing(u *user) {
	u.t.Helper()
	for _, width := range []int64{1280, 390} {
		u.do("viewport", chromedp.EmulateViewport(width, 844))
		hidden := eval[[]string](u, `(() => {
			const bar = document.querySelector(".save-bar"), out = [];
			const fields = Array.from(document.querySelectorAll(".editor-form input:not([type=hidden]), .editor-form select, .editor-form textarea"));
			const check = (f, how) => {
				const r = f.getBoundingClientRect(), b = bar.getBoundingClientRect();
				if (r.bottom > b.top && r.top < b.bottom) out.push((f.id || f.name) + " " + how + ": field " + Math.round(r.top) + "–" + Math.round(r.bottom) + ", bar from " + Math.round(b.top));
			};
			for (const f of fields) {
				document.activeElement.blur();
				window.scrollTo(0, 0);
				f.focus();
				check(f, "from the top");
				document.activeElement.blur();
				window.scrollBy(0, f.getBoundingClientRect().top - (bar.getBoundingClientRect().top + 4));
				f.focus();
				check(f, "from behind the bar");
			}
			return fields.length === 0 ? ["no fields found"] : out;
		})()`)
		if len(hidden) > 0 {
			u.fatalf("at %d px the save bar covers focused fields: %q", width, hidden)
		}
	}
	u.do("viewport", chromedp.EmulateViewport(1280, 900))
}

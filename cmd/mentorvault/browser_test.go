package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/mentorvault/mentorvault/internal/demo"
)

// The browser tests drive the real web UI of an in-process `mentorvault
// serve --demo` with a headless Chromium. They skip when Chromium is not
// installed, except under CI=true, where a missing browser is a failure.
//
// Set MENTORVAULT_SHOTS to a directory to also save full-page screenshots
// of the pages the scenario visits (for looking at the UI, not for asserts).

// findChromium returns the path of the system's Chromium, or skips (fails
// under CI) when there is none. Browsers are never downloaded.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found: install it with apt-get install chromium (CI=true, so the browser tests may not skip)")
	}
	t.Skip("chromium not found: install it with apt-get install chromium")
	return ""
}

// newBrowser starts one headless Chromium for the test, bounded by timeout:
// when it expires the browser is killed, so a hung page cannot hang CI.
// Each user then gets their own browser context (cookie jar) from it.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	execPath := findChromium(t)
	// Exactly these flags, not DefaultExecAllocatorOptions: nothing that
	// updates, syncs, reports or downloads.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	// The first Run starts the browser; it must use the browser's own context.
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start chromium %s: %v", execPath, err)
	}
	return browserCtx
}

// user is one person's browser tab in a browser context of its own.
type user struct {
	t    *testing.T
	ctx  context.Context
	base string
	who  string

	mu      sync.Mutex
	dialogs []string // messages of the JavaScript dialogs this tab accepted
}

func newUser(t *testing.T, browser context.Context, base, who string) *user {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	u := &user{t: t, ctx: ctx, base: base, who: who}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("%s: open a tab: %v", who, err)
	}
	// Accept every confirm() the page asks, as a person clicking OK would,
	// and remember what it asked. The listener may not send commands itself.
	err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			u.mu.Lock()
			u.dialogs = append(u.dialogs, d.Message)
			u.mu.Unlock()
			go func() {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	})
	if err != nil {
		t.Fatalf("%s: listen: %v", who, err)
	}
	return u
}

func (u *user) fatalf(format string, args ...any) {
	u.t.Helper()
	u.t.Fatalf("%s: %s", u.who, fmt.Sprintf(format, args...))
}

// do runs actions that do not navigate.
func (u *user) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	if err := chromedp.Do(u.ctx, steps...); err != nil {
		u.fatalf("%s: %v", what, err)
	}
}

// nav runs actions that load a page (a link, a form post) and returns the
// HTTP status of the document that was loaded in the end.
func (u *user) nav(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	u.t.Helper()
	resp, err := chromedp.RunResponse(u.ctx, steps...)
	if err != nil {
		u.fatalf("%s: %v", what, err)
	}
	return resp.Status
}

func (u *user) open(path string) int64 {
	u.t.Helper()
	return u.nav("open "+path, chromedp.Navigate(u.base+path))
}

// text is the visible text of the first element matching the CSS selector.
func (u *user) text(sel string) string {
	u.t.Helper()
	s, err := chromedp.Run(u.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		u.fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](u *user, js string) T {
	u.t.Helper()
	v, err := chromedp.Run(u.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		u.fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func (u *user) location() string {
	u.t.Helper()
	loc, err := chromedp.Run(u.ctx, chromedp.Location())
	if err != nil {
		u.fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, u.base)
}

// pageText is all the text a person sees on the page; pageHTML is the whole
// document, hidden parts included.
func (u *user) pageText() string { u.t.Helper(); return eval[string](u, `document.body.innerText`) }
func (u *user) pageHTML() string {
	u.t.Helper()
	return eval[string](u, `document.documentElement.outerHTML`)
}

// shot saves a full-page screenshot when MENTORVAULT_SHOTS names a directory.
func (u *user) shot(name string) {
	u.t.Helper()
	dir := os.Getenv("MENTORVAULT_SHOTS")
	if dir == "" {
		return
	}
	for _, w := range []struct {
		suffix string
		width  int64
	}{{"", 1280}, {"-narrow", 390}} {
		u.do("resize the viewport", chromedp.EmulateViewport(w.width, 900))
		b, err := chromedp.Run(u.ctx, chromedp.FullScreenshot(100)) // 100 gives a PNG, less a JPEG
		if err != nil {
			u.fatalf("screenshot %s: %v", name, err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			u.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+w.suffix+".png"), b, 0o644); err != nil {
			u.t.Fatal(err)
		}
	}
	u.do("reset the viewport", chromedp.EmulateViewport(1280, 900))
}

// signIn fills in and submits the login form like a person would.
func (u *user) signIn(email, wantName string) {
	u.t.Helper()
	if st := u.open("/login"); st != 200 {
		u.fatalf("GET /login = %d", st)
	}
	u.shot("login")
	u.do("fill in the login form",
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
	if st := u.nav("sign in", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))); st != 200 {
		u.fatalf("sign in as %s: landed on status %d at %s: %s", email, st, u.location(), u.pageText())
	}
	if got := u.text("header .who"); got != wantName {
		u.fatalf("after signing in the header shows %q, want %q (page: %s)", got, wantName, u.pageText())
	}
}

// signOut presses "Sign out" and checks the login form is back.
func (u *user) signOut() {
	u.t.Helper()
	u.nav("sign out", chromedp.Click(chromedp.CSS(`form.logout button[type=submit]`)))
	if loc := u.location(); !strings.HasPrefix(loc, "/login") {
		u.fatalf("after signing out the browser is at %s, want /login", loc)
	}
	if n := eval[int](u, `document.querySelectorAll("header .who").length`); n != 0 {
		u.fatalf("after signing out the header still shows a signed-in user")
	}
	// The session is gone on the server too: home sends us back to sign in.
	u.open("/")
	if loc := u.location(); !strings.HasPrefix(loc, "/login") {
		u.fatalf("after signing out, / shows %s instead of the login page", loc)
	}
}

// shownNote is a note as the relationship page shows it.
type shownNote struct {
	ID, Badge, Body, Meta string
	CanEdit, CanDelete    bool
}

func (u *user) notes() []shownNote {
	u.t.Helper()
	return eval[[]shownNote](u, `Array.from(document.querySelectorAll("#notes .note")).map(li => ({
		ID: li.id.replace(/^note-/, ""),
		Badge: (li.querySelector(".badge") || {innerText: ""}).innerText.trim(),
		Body: (li.querySelector(".note-body") || {innerText: ""}).innerText.trim(),
		Meta: (li.querySelector(".note-meta") || li.querySelector(".note-head .muted") || {innerText: ""}).innerText.trim(),
		CanEdit: !!li.querySelector('a[href$="/edit"]'),
		CanDelete: !!li.querySelector('form[action$="/delete"] button'),
	}))`)
}

func noteWith(ns []shownNote, marker string) *shownNote {
	for i := range ns {
		if strings.Contains(ns[i].Body, marker) {
			return &ns[i]
		}
	}
	return nil
}

// writeNote fills in the new-note form and saves it.
func (u *user) writeNote(body, visibility string) {
	u.t.Helper()
	u.do("write a note",
		chromedp.SendKeys(chromedp.CSS(`#notes form.note-form textarea[name=body]`), body),
		chromedp.Click(chromedp.CSS(`#notes form.note-form input[name=visibility][value=`+visibility+`]`)))
	if st := u.nav("save the note", chromedp.Click(chromedp.CSS(`#notes form.note-form button[type=submit]`))); st != 200 {
		u.fatalf("saving a %s note: status %d: %s", visibility, st, u.pageText())
	}
	if got := u.text(`[role=status]`); !strings.Contains(got, "saved") {
		u.fatalf("after saving a note the page says %q, want a confirmation that it is saved", got)
	}
}

func TestBrowserNotesConfidentiality(t *testing.T) {
	start := time.Now()
	browser := newBrowser(t, 60*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")
	sharedMark := "shared-" + randHex(t, 6)
	privateMark := "private-" + randHex(t, 6)
	editedMark := "edited-" + randHex(t, 6)
	doomedMark := "doomed-" + randHex(t, 6)

	// --- Alice, the mentor, writes notes. ---
	alice := newUser(t, browser, srv.URL, "alice")
	alice.signIn("alice@northwind.example", "Alice Archer")
	alice.shot("home")
	if h := alice.text("main h1"); h != "My mentoring" {
		t.Fatalf("alice's home page heading is %q", h)
	}
	alice.nav("open the relationship with Bob", chromedp.Click(chromedp.CSS(`ul.rels a[href^="/relationships/"]`)))
	relPath := alice.location()
	relID := strings.TrimPrefix(relPath, "/relationships/")
	if relID == relPath || strings.ContainsAny(relID, "/?#") {
		t.Fatalf("alice's relationship link led to %s", relPath)
	}
	if h := alice.text("main h1"); h != "Alice Archer mentors Bob Baker" {
		t.Fatalf("relationship heading is %q", h)
	}
	if b := alice.text("main .page-head .badge"); !strings.EqualFold(b, "active") {
		t.Fatalf("relationship status badge is %q, want active", b)
	}
	alice.writeNote("We talked about delegation. "+sharedMark, "shared")
	alice.writeNote("Bob seemed tired; check in gently. "+privateMark, "private")
	alice.writeNote("A note to delete. "+doomedMark, "shared")
	ns := alice.notes()
	shared, private := noteWith(ns, sharedMark), noteWith(ns, privateMark)
	if shared == nil || private == nil {
		t.Fatalf("alice does not see both of her notes: %+v", ns)
	}
	if !strings.HasPrefix(shared.Badge, "Shared") || !strings.HasPrefix(private.Badge, "Private") {
		t.Fatalf("badges: shared note %q, private note %q; want Shared… and Private…", shared.Badge, private.Badge)
	}
	if !shared.CanEdit || !shared.CanDelete || !private.CanEdit {
		t.Fatalf("alice cannot edit or delete her own notes: %+v %+v", shared, private)
	}
	alice.shot("relationship")

	// Edit the shared note through the edit page.
	alice.nav("open the edit page", chromedp.Click(chromedp.CSS(`#note-`+shared.ID+` a[href$="/edit"]`)))
	if h := alice.text("main h1"); h != "Edit note" {
		t.Fatalf("edit page heading is %q", h)
	}
	if v := eval[string](alice, `document.querySelector("#body").value`); !strings.Contains(v, sharedMark) {
		t.Fatalf("the edit form holds %q, want the note's text", v)
	}
	alice.shot("note-edit")
	alice.do("change the text", chromedp.SendKeys(chromedp.CSS("#body"), " "+editedMark))
	if st := alice.nav("save the changes", chromedp.Click(chromedp.CSS(`main form button[type=submit]`))); st != 200 {
		t.Fatalf("saving the edit: status %d: %s", st, alice.pageText())
	}
	if got := alice.text(`[role=status]`); !strings.Contains(got, "saved") {
		t.Fatalf("after editing, the page says %q", got)
	}
	ns = alice.notes()
	if n := noteWith(ns, editedMark); n == nil || n.ID != shared.ID || !strings.Contains(n.Body, sharedMark) || !strings.Contains(n.Meta, "edited") {
		t.Fatalf("the edited note is not shown as edited with both texts: %+v", ns)
	}

	// Delete a note with its Delete button; app.js asks for confirmation.
	doomed := noteWith(ns, doomedMark)
	if doomed == nil {
		t.Fatalf("the note to delete is missing: %+v", ns)
	}
	alice.nav("delete a note", chromedp.Click(chromedp.CSS(`#note-`+doomed.ID+` form[action$="/delete"] button`)))
	alice.mu.Lock()
	dialogs := append([]string(nil), alice.dialogs...)
	alice.mu.Unlock()
	if len(dialogs) != 1 || !strings.Contains(dialogs[0], "Delete this note") {
		t.Fatalf("deleting did not ask for confirmation once: dialogs %q", dialogs)
	}
	if got := alice.text(`[role=status]`); !strings.Contains(got, "deleted") {
		t.Fatalf("after deleting, the page says %q", got)
	}
	ns = alice.notes()
	if noteWith(ns, doomedMark) != nil {
		t.Fatalf("the deleted note is still shown: %+v", ns)
	}
	if noteWith(ns, sharedMark) == nil || noteWith(ns, privateMark) == nil {
		t.Fatalf("deleting one note lost another: %+v", ns)
	}
	alice.signOut()

	// --- Bob, the mentee, sees the shared note and not the private one. ---
	bob := newUser(t, browser, srv.URL, "bob")
	bob.signIn("bob@northwind.example", "Bob Baker")
	if st := bob.open(relPath); st != 200 {
		t.Fatalf("bob opening the relationship: status %d", st)
	}
	ns = bob.notes()
	if n := noteWith(ns, sharedMark); n == nil || !strings.HasPrefix(n.Badge, "Shared") || n.CanEdit || n.CanDelete {
		t.Fatalf("bob should see alice's shared note, read-only, badged Shared: %+v", ns)
	}
	if html := bob.pageHTML(); strings.Contains(html, privateMark) || strings.Contains(html, private.ID) || strings.Contains(html, doomedMark) {
		t.Fatalf("bob's page contains alice's private or deleted note")
	}
	// Bob may know the shared note exists, but it is not his to change; he
	// may not learn that the private one exists at all.
	if st := bob.open(relPath + "/notes/" + shared.ID + "/edit"); st != 403 {
		t.Fatalf("bob opening the edit page of alice's shared note: status %d, want 403: %s", st, bob.pageText())
	}
	if st := bob.open(relPath + "/notes/" + private.ID + "/edit"); st != 404 || bob.text("main h1") != "Not found" {
		t.Fatalf("bob opening the edit page of alice's private note: status %d, want 404 Not found: %s", st, bob.pageText())
	}
	if strings.Contains(bob.pageHTML(), privateMark) {
		t.Fatal("the not-found page shows the private note")
	}
	bob.signOut()

	// --- Carol (coordinator) and Heidi (member) see the facts, no content. ---
	for _, o := range []struct{ key, name string }{{"carol", "Carol Chen"}, {"heidi", "Heidi Hall"}} {
		u := newUser(t, browser, srv.URL, o.key)
		u.signIn(o.key+"@northwind.example", o.name)
		if o.key == "heidi" {
			u.open("/directory")
			u.shot("directory")
			row := eval[string](u, `Array.from(document.querySelectorAll("main table tbody tr")).map(r => r.innerText).find(t => t.includes("Alice Archer")) || ""`)
			if !strings.Contains(row, "Bob Baker") || !strings.Contains(strings.ToLower(row), "active") {
				t.Fatalf("heidi's directory does not list alice mentoring bob as active: %q", row)
			}
		}
		if st := u.open(relPath); st != 200 {
			t.Fatalf("%s opening the relationship page: status %d: %s", o.key, st, u.pageText())
		}
		if h := u.text("main h1"); h != "Alice Archer mentors Bob Baker" {
			t.Fatalf("%s sees the heading %q", o.key, h)
		}
		if txt := u.pageText(); !strings.Contains(strings.ToLower(txt), "active") || !strings.Contains(txt, "Leadership Mentoring") {
			t.Fatalf("%s does not see the relationship's programme and status: %s", o.key, txt)
		}
		html := u.pageHTML()
		for _, m := range []string{sharedMark, privateMark, editedMark, "delegation", "release checklist"} {
			if strings.Contains(html, m) {
				t.Fatalf("%s's view of the relationship contains note content %q", o.key, m)
			}
		}
		if n := eval[int](u, `document.querySelectorAll("#notes, .note, textarea").length`); n != 0 {
			t.Fatalf("%s's view has a notes section or a note form", o.key)
		}
		if o.key == "carol" {
			u.shot("relationship-outsider")
		}
		for _, id := range []string{shared.ID, private.ID} {
			st := u.open(relPath + "/notes/" + id + "/edit")
			if st != 404 || u.text("main h1") != "Not found" {
				t.Fatalf("%s opening %s/notes/%s/edit: status %d, want the Not found page: %s", o.key, relPath, id, st, u.pageText())
			}
			if html := u.pageHTML(); strings.Contains(html, sharedMark) || strings.Contains(html, privateMark) {
				t.Fatalf("%s's not-found page contains note content", o.key)
			}
		}
		if o.key == "carol" {
			u.shot("not-found")
		}
		// The access log is the pair's: outsiders cannot read it.
		if st := u.open(relPath + "/audit"); st != 404 && st != 403 {
			t.Fatalf("%s opening the access log: status %d, want it refused: %s", o.key, st, u.pageText())
		}
		u.signOut()
	}

	// --- Alice's access log shows what Bob read, and the refusals. ---
	alice = newUser(t, browser, srv.URL, "alice again")
	alice.signIn("alice@northwind.example", "Alice Archer")
	alice.open(relPath)
	alice.nav("open the access log", chromedp.Click(chromedp.CSS(`a[href$="/audit"]`)))
	if h := alice.text("main h1"); h != "Access log" {
		t.Fatalf("access log heading is %q", h)
	}
	rows := eval[[]string](alice, `Array.from(document.querySelectorAll("main table tbody tr")).map(r => Array.from(r.cells).map(c => c.innerText.trim()).join(" | "))`)
	var bobReads, refused int
	for _, r := range rows {
		if strings.Contains(r, "Bob Baker") && (strings.Contains(r, "opened the notes") || strings.Contains(r, "read a note")) {
			bobReads++
		}
		if strings.Contains(strings.ToLower(r), "refused") {
			refused++
		}
	}
	if bobReads == 0 {
		t.Fatalf("alice's access log does not show Bob reading the notes:\n%s", strings.Join(rows, "\n"))
	}
	if refused == 0 {
		t.Fatalf("alice's access log does not show the refused attempts on her notes:\n%s", strings.Join(rows, "\n"))
	}
	alice.shot("audit")
	alice.open("/settings")
	if txt := alice.text("main"); !strings.Contains(txt, "alice@northwind.example") || !strings.Contains(txt, "API tokens") {
		t.Fatalf("alice's settings page: %s", txt)
	}
	alice.shot("settings")
	alice.signOut()

	t.Logf("browser scenario took %s", time.Since(start).Round(time.Millisecond))
}

// TestBrowserLoginErrors checks that a wrong password keeps the person on
// the form with a clear message and their email, and that a page asked for
// before signing in is the one shown after.
func TestBrowserLoginErrors(t *testing.T) {
	browser := newBrowser(t, 60*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")
	u := newUser(t, browser, srv.URL, "visitor")

	u.open("/directory")
	if loc := u.location(); !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("a signed-out visit to /directory went to %s, want the login page", loc)
	}
	u.do("fill in a wrong password",
		chromedp.SendKeys(chromedp.CSS("#email"), "alice@northwind.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), "not-the-password"))
	st := u.nav("sign in", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	if st < 400 {
		t.Fatalf("a wrong password answered %d", st)
	}
	if msg := u.text(`[role=alert]`); msg == "" {
		t.Fatal("a wrong password shows no message")
	}
	u.shot("login-error")
	if v := eval[string](u, `document.querySelector("#email").value`); v != "alice@northwind.example" {
		t.Fatalf("after a wrong password the email field holds %q", v)
	}
	u.do("correct the password", chromedp.SetValue(chromedp.CSS("#password"), demo.Password))
	if st := u.nav("sign in again", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))); st != 200 {
		t.Fatalf("signing in: status %d", st)
	}
	if loc := u.location(); loc != "/directory" {
		t.Fatalf("after signing in the browser is at %s, want /directory (the page first asked for)", loc)
	}

	// An unknown address shows the Not found page with a way back.
	if st := u.open("/no/such/page"); st != 404 {
		t.Fatalf("an unknown address answered %d", st)
	}
	if h := u.text("main h1"); h != "Not found" {
		t.Fatalf("the 404 page heading is %q", h)
	}
	if n := eval[int](u, `document.querySelectorAll('main a[href="/"]').length`); n == 0 {
		t.Fatal("the 404 page has no link back home")
	}
}

// createProgramme is grace creating a programme and naming carol its
// coordinator; it returns the programme page's path.
func createProgramme(grace *user, name, description string) string {
	grace.t.Helper()
	grace.open("/programmes")
	grace.do("fill in the programme",
		chromedp.SendKeys(chromedp.CSS(`#p-name`), name),
		chromedp.SendKeys(chromedp.CSS(`#p-description`), description))
	if st := grace.nav("create the programme", chromedp.Click(chromedp.CSS(`form[action="/programmes"] button[type=submit]`))); st != 200 {
		grace.fatalf("creating a programme: status %d: %s", st, grace.pageText())
	}
	progPath := grace.location()
	if i := strings.IndexByte(progPath, '?'); i >= 0 {
		progPath = progPath[:i]
	}
	if !strings.HasPrefix(progPath, "/programmes/") || grace.text("main h1") != name {
		grace.t.Fatalf("after creating the programme the browser is at %s showing %q", progPath, grace.text("main h1"))
	}
	grace.do("name the coordinator",
		chromedp.Click(chromedp.CSS(`details:has(form[action$="/staff"]) > summary`)),
		chromedp.SendKeys(chromedp.CSS(`#coordinators-in`), "carol@northwind.example"))
	if st := grace.nav("save the staff", chromedp.Click(chromedp.CSS(`form[action$="/staff"] button[type=submit]`))); st != 200 {
		grace.fatalf("saving the staff: status %d: %s", st, grace.pageText())
	}
	return progPath
}

// enrolIn signs u in and enrols them in the programme at progPath.
func enrolIn(u *user, progPath, email, name, role, goals string) {
	u.t.Helper()
	u.signIn(email, name)
	u.open(progPath)
	u.do("fill in the enrolment",
		chromedp.Click(chromedp.CSS(`form[action$="/enrol"] input[name=role][value=`+role+`]`)),
		chromedp.SendKeys(chromedp.CSS(`#goals`), goals),
		chromedp.SendKeys(chromedp.CSS(`#time_zone`), "Europe/London"))
	if st := u.nav("enrol", chromedp.Click(chromedp.CSS(`form[action$="/enrol"] button[type=submit]`))); st != 200 {
		u.fatalf("enrolling: status %d: %s", st, u.pageText())
	}
}

package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/mentorvault/mentorvault/internal/demo"
)

// findAxe returns axe-core's source: the file MENTORVAULT_TEST_AXE names,
// or axe-core installed by npm where .ci/run puts it. Required with CI=true.
func findAxe(t *testing.T) string {
	t.Helper()
	paths := []string{os.Getenv("MENTORVAULT_TEST_AXE")}
	if home, err := os.UserHomeDir(); err == nil {
		paths = append(paths, filepath.Join(home, ".cache", "mentorvault-axe", "node_modules", "axe-core", "axe.min.js"))
	}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	msg := "axe-core not found: npm install --no-audit --no-fund --prefix ~/.cache/mentorvault-axe axe-core@4.10.3, or set MENTORVAULT_TEST_AXE to its axe.min.js"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true, so this test may not skip)")
	}
	t.Skip(msg)
	return ""
}

// screensDir is where TestBrowserScreens saves its screenshots: the
// directory MENTORVAULT_TEST_ARTEFACTS names (a CI job's artefacts), else a fresh
// one under the system's temporary directory, kept after the test and
// logged so a reviewer can find it.
func screensDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MENTORVAULT_TEST_ARTEFACTS")
	if dir != "" {
		dir = filepath.Join(dir, "screens")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	} else {
		var err error
		if dir, err = os.MkdirTemp("", "mentorvault-screens-"); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots of every page checked: %s", dir)
	return dir
}

var (
	// isoTime is a raw timestamp as the store keeps it: a page says times in words.
	isoTime = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}`)
	// rawAction is an audit or policy code (note.list, thirdparty.read …),
	// which a page says in words.
	rawAction = regexp.MustCompile(`\b(relationship|agreement|note|meeting|commitment|goal|review|feedback|concern|consultation|disclosure|input|thirdparty|statement|threeway|programme|enrolment|people|person|audit|token|account|directory|org|scim|user|session|login|mail|export|passkey|sso)\.[a-z_]+\b`)
	// anID is an ID in a path; routeOf replaces it to name the page's kind.
	anID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	// aRelationship is the path of one relationship's page.
	aRelationship = regexp.MustCompile(`^/relationships/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	// aRelationshipPage is one of a relationship's own pages (agreement,
	// meetings, access log …), one level below it.
	aRelationshipPage = regexp.MustCompile(`^/relationships/[0-9a-f-]{36}/[a-z-]+$`)
)

func routeOf(path string) string { return anID.ReplaceAllString(path, "{id}") }

// axeRun runs axe-core on the page and returns its serious and critical
// violations, each as "rule (impact): how many nodes, the first one's
// selector and what axe says is wrong with it".
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
	.filter(v => v.impact === "serious" || v.impact === "critical")
	.map(v => v.id + " (" + v.impact + "): " + v.nodes.length + " node(s), e.g. " + v.nodes[0].target.join(" ") + ": " + v.nodes[0].failureSummary.replace(/\s+/g, " ")))`

// headerRows measures the header: the spread between the tops of its
// visible links, buttons, menus and name, in pixels (0 when it is one row).
const headerRows = `(() => {
	const els = [...document.querySelectorAll("header a, header button, header summary, header .who")].filter(e => e.offsetParent !== null && !e.closest("details:not([open]) > :not(summary)"));
	const tops = els.map(e => Math.round(e.getBoundingClientRect().top));
	return tops.length ? Math.max(...tops) - Math.min(...tops) : 0;
})()`

// offeredLinks lists the same-origin links of the page (path and query),
// the ones a person could follow.
const offeredLinks = `[...new Set([...document.querySelectorAll("a[href]:not([href^='#'])")]
	.map(a => new URL(a.getAttribute("href"), location.href))
	.filter(u => u.origin === location.origin)
	.map(u => u.pathname + u.search))]`

// linkStatuses fetches links (%s: a JSON array) with the page's session
// and returns each one's status. A redirect counts as 302 (fetch hides its
// status) and is not followed; a failure to fetch at all counts as -1.
const linkStatuses = `Promise.all(%s.map(h =>
	fetch(h, {credentials: "same-origin", redirect: "manual"}).then(r => ({Link: h, Status: r.type === "opaqueredirect" ? 302 : r.status}), e => ({Link: h, Status: -1}))))`

// pageContent is what a page shows, for telling whether two people see the
// same one: the header's places and the main part, without the hidden
// fields (a form's token differs for each).
const pageContent = `(() => {
	const m = document.querySelector("main").cloneNode(true);
	m.querySelectorAll("input[type=hidden]").forEach(i => i.remove());
	return [...document.querySelectorAll("header nav a")].map(a => a.getAttribute("href")).join(" ") + "\n" + m.innerHTML;
})()`

// navLinks lists the header navigation's links, and the ones of them marked
// as the current page.
const navLinks = `({
	All: [...document.querySelectorAll("header nav a")].map(a => a.getAttribute("href")),
	Current: [...document.querySelectorAll('header nav a[aria-current="page"]')].map(a => a.getAttribute("href")),
})`

type shownNav struct{ All, Current []string }

// screenPeople are the demo people TestBrowserScreens signs in as: one for
// each role, found in the demo data where it says the role. With
// MENTORVAULT_TEST_SCREENS=all it takes everyone who can sign in.
func screenPeople(t *testing.T) []demo.Person {
	t.Helper()
	byKey := map[string]demo.Person{}
	var all []demo.Person
	for _, p := range demo.People {
		byKey[p.Key] = p
		if !p.Invited && !p.Deactivated { // they cannot sign in
			all = append(all, p)
		}
	}
	if os.Getenv("MENTORVAULT_TEST_SCREENS") == "all" {
		return all
	}
	var keys []string
	add := func(role, key string) {
		p, ok := byKey[key]
		if !ok || p.Invited || p.Deactivated {
			t.Fatalf("the demo's %s %q is not a person who can sign in", role, key)
		}
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	for _, p := range all {
		switch {
		case p.OrgAdmin:
			add("organisation admin", p.Key)
		case p.Requester:
			add("HR requester", p.Key)
		}
	}
	for _, pr := range demo.Programmes {
		add(string(pr.Kind)+" coordinator", pr.Coordinator)
		add(string(pr.Kind)+" supervisor", pr.Supervisor)
	}
	// The roles in relationships, which the demo says in words.
	for _, r := range []struct{ role, key string }{
		{"mentor", "alice"}, {"mentee with a line manager", "bob"}, {"line manager of a mentee", byKey["bob"].Manager},
		{"member in no relationship", "heidi"}, {"proposed mentor", "ivan"}, {"invited mentee", "judy"},
		{"peer partner", "priya"}, {"line manager of peer partners", byKey["priya"].Manager},
		{"proposer of a peer circle", "lena"},
	} {
		add(r.role, r.key)
	}
	var ps []demo.Person
	for _, k := range keys {
		ps = append(ps, byKey[k])
	}
	return ps
}

// TestBrowserScreens signs in as a demo person of every role (everyone who
// can sign in, with MENTORVAULT_TEST_SCREENS=all), opens every page their
// header's navigation offers and one page of each kind those link to (a
// relationship, then its agreement, meetings, access log …), at 1280 and at
// 390 px, and asserts what a person would notice: no serious or critical
// axe-core violation, the header in one row at 1280 px offering the same
// places on every page with the current one marked, no sideways scrolling
// at 390 px, no raw action codes or ISO timestamps in the visible text, and
// no link on those pages that answers 4xx or 5xx. It saves a screenshot of
// each page at each width (see screensDir).
func TestBrowserScreens(t *testing.T) {
	start := time.Now()
	axe := findAxe(t)
	browser := newBrowser(t, 10*time.Minute)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")
	shots := screensDir(t)
	people := screenPeople(t)
	var pages atomic.Int64
	var seenPages sync.Map // sha256 of pageContent → who checked it
	// People are checked side by side, each in a tab of their own: the
	// browser's work is most of the time. (Not t.Parallel, which -parallel
	// would limit to the package's other tests' share.)
	todo := make(chan demo.Person, len(people))
	for _, p := range people {
		todo <- p
	}
	close(todo)
	var wg sync.WaitGroup
	for range min(len(people), 8, max(4, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			for p := range todo {
				t.Run(p.Key, func(t *testing.T) {
					u := newUser(t, browser, srv.URL, p.Key)
					pages.Add(int64(screenPerson(t, u, p, axe, shots, &seenPages)))
				})
			}
		})
	}
	wg.Wait()
	t.Logf("checked %d pages of %d people at two widths in %s", pages.Load(), len(people), time.Since(start).Round(time.Millisecond))
}

// screenPerson signs p in in u's tab, checks their pages and returns how
// many it checked.
func screenPerson(t *testing.T, u *user, p demo.Person, axe, shots string, seenPages *sync.Map) int {
	// The test browser alone bypasses the pages' CSP, to inject axe-core.
	if _, err := chromedp.Call(u.ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatalf("bypass CSP: %v", err)
	}
	// Every page this tab loads gets axe-core (compiled once: the same
	// source each time).
	if _, err := chromedp.Call(u.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axe}); err != nil {
		t.Fatalf("add axe-core to the pages: %v", err)
	}
	u.signIn(p.Email(), p.Name)
	home := eval[shownNav](u, navLinks)
	if len(home.All) == 0 {
		t.Fatalf("%s's header offers no navigation", p.Key)
	}
	// The pages to visit: the navigation's, then what they link to, one
	// page of each kind (route).
	queue := []string{"/"}
	for _, href := range home.All {
		if !slices.Contains(queue, href) {
			queue = append(queue, href)
		}
	}
	navPages := len(queue)
	seenRoute := map[string]bool{}
	for _, path := range queue {
		seenRoute[routeOf(path)] = true
	}
	offered := map[string]string{} // link → the first page that offered it
	checked, same := 0, 0
	for i := 0; i < len(queue); i++ {
		path := queue[i]
		where := fmt.Sprintf("%s, %s", p.Key, path)
		u.do("viewport", chromedp.EmulateViewport(1280, 900))
		if st := u.open(path); st != 200 {
			t.Errorf("%s: GET = %d", where, st)
			continue
		}
		if loc := u.location(); loc != path {
			t.Errorf("%s: landed on %s", where, loc)
			continue
		}
		checked++
		for _, l := range eval[[]string](u, offeredLinks) {
			if _, ok := offered[l]; !ok {
				offered[l] = path
			}
			// Follow a relationship from the navigation's pages, a
			// relationship's own pages from the relationship, and whatever
			// else the navigation's pages link to inside the app.
			var follow bool
			switch {
			case aRelationship.MatchString(l):
				follow = i < navPages
			case aRelationshipPage.MatchString(l):
				follow = aRelationship.MatchString(path)
			default:
				follow = i < navPages && !strings.Contains(l, "?") && !strings.HasPrefix(l, "/api/") &&
					!strings.HasPrefix(l, "/static/") && !strings.HasPrefix(l, "/calendar/") && !strings.HasPrefix(l, "/login")
			}
			if follow && !seenRoute[routeOf(l)] {
				seenRoute[routeOf(l)] = true
				queue = append(queue, l)
			}
		}
		// A page another person's check already saw, the same but for their
		// name, gets no second axe-core run or screenshot.
		key := strings.NewReplacer(p.Name, "", p.Email(), "").Replace(routeOf(path) + "\n" + eval[string](u, pageContent))
		_, seen := seenPages.LoadOrStore(sha256.Sum256([]byte(key)), p.Key)
		if seen {
			same++
		}
		for _, width := range []int64{1280, 390} {
			where := fmt.Sprintf("%s at %d px", where, width)
			if width != 1280 {
				// A phone: its scrollbars overlay the page, so the page has
				// all 390 px (a desktop window's scrollbar would take 15).
				u.do("viewport", chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
			}
			text := u.pageText()
			if m := isoTime.FindString(text); m != "" {
				t.Errorf("%s: a raw timestamp %q in the page", where, m)
			}
			if m := rawAction.FindString(text); m != "" {
				t.Errorf("%s: a raw action code %q in the page", where, m)
			}
			if width == 1280 {
				if spread := eval[float64](u, headerRows); spread > 8 {
					t.Errorf("%s: the header wraps (its items' tops are %.0f px apart)", where, spread)
				}
				nav := eval[shownNav](u, navLinks)
				if slices.Contains(home.All, path) && !slices.Equal(nav.Current, []string{path}) {
					t.Errorf("%s: the navigation marks %q as the current page, want %q", where, nav.Current, path)
				} else if len(nav.Current) > 1 {
					t.Errorf("%s: the navigation marks %q all as the current page", where, nav.Current)
				}
				// The same places on every page (but for the current one,
				// which some pages add while you are on them).
				if here, there := withoutAny(nav.All, nav.Current), withoutAny(home.All, nav.Current); !slices.Equal(here, there) {
					t.Errorf("%s: the navigation offers %q, on the home page %q", where, here, there)
				}
			} else if vw := eval[float64](u, `document.documentElement.clientWidth`); vw != float64(width) {
				t.Fatalf("%s: the page is laid out %.0f px wide", where, vw)
			}
			// What sticks out of the window, beyond what a sideways scroll
			// would show (the window's width without its scrollbar).
			if over := eval[float64](u, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				t.Errorf("%s: the page scrolls sideways by %.0f px", where, over)
			}
			if seen {
				continue
			}
			if eval[bool](u, `typeof axe === "undefined"`) {
				t.Fatalf("%s: axe-core is not in the page", where)
			}
			v, err := chromedp.Run(u.ctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s: axe-core: %v", where, err)
			}
			for _, violation := range v {
				t.Errorf("%s: axe-core: %s", where, violation)
			}
			yes := true
			shot, err := chromedp.Call(u.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
				Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: &yes, FromSurface: &yes, OptimizeForSpeed: &yes})
			if err != nil {
				t.Fatalf("%s: screenshot: %v", where, err)
			}
			name := fmt.Sprintf("%s%s-%d.png", p.Key, strings.ReplaceAll(routeOf(path), "/", "_"), width)
			if err := os.WriteFile(filepath.Join(shots, name), shot.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Every link those pages offer answers, to this person's session.
	links := slices.Sorted(maps.Keys(offered))
	js, err := json.Marshal(links)
	if err != nil {
		t.Fatal(err)
	}
	statuses, err := chromedp.Run(u.ctx, chromedp.Evaluate[[]struct {
		Link   string
		Status int
	}](fmt.Sprintf(linkStatuses, js), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch the offered links: %v", err)
	}
	if len(statuses) != len(links) {
		t.Fatalf("fetched %d of %d offered links", len(statuses), len(links))
	}
	for _, s := range statuses {
		if s.Status < 200 || s.Status >= 400 {
			t.Errorf("%s: %s, linked from %s, answers %d", p.Key, s.Link, offered[s.Link], s.Status)
		}
	}
	t.Logf("%s: %d pages, %d of them as someone else saw them", p.Key, checked, same)
	return checked
}

// withoutAny returns s without the elements of drop, sorted.
func withoutAny(s, drop []string) []string {
	var r []string
	for _, v := range s {
		if !slices.Contains(drop, v) {
			r = append(r, v)
		}
	}
	slices.Sort(r)
	return r
}

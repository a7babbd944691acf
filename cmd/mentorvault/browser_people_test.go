package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mentorvault/mentorvault/internal/demo"
)

// TestBrowserRunOrganisation: Grace, the organisation admin, imports two
// people from a CSV file (checked first, then imported), creates a
// programme and names Carol its coordinator; Carol opens enrolment; Bob
// and Heidi enrol and Carol sees them with their profiles; Grace
// deactivates Bob, who is signed out at once, and Alice, his mentor, sees
// their relationship paused.
func TestBrowserRunOrganisation(t *testing.T) {
	browser := newBrowser(t, 90*time.Second)
	srv := startServe(t, nil, "--data", t.TempDir(), "--demo")

	csv := filepath.Join(t.TempDir(), "staff.csv")
	if err := os.WriteFile(csv, []byte("\ufeffemail;name;manager_email\r\numa@northwind.example;Uma Upton;dave@northwind.example\r\nvic@northwind.example;Vic Vance;uma@northwind.example\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// --- Grace imports the staff list: a check first, then the import. ---
	grace := newUser(t, browser, srv.URL, "grace")
	grace.signIn("grace@northwind.example", "Grace Green")
	grace.open("/people")
	grace.nav("open the import page", chromedp.Click(chromedp.CSS(`a[href="/people/import"]`)))
	upload := func(apply string) string {
		grace.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{csv}),
			chromedp.Click(chromedp.CSS(`input[name=apply][value=`+apply+`]`)))
		if st := grace.nav("upload the file", chromedp.Click(chromedp.CSS(`form[action="/people/import"] button[type=submit]`))); st != 200 {
			grace.fatalf("uploading the file (apply=%s): status %d: %s", apply, st, grace.pageText())
		}
		return grace.pageText()
	}
	if page := upload("no"); !strings.Contains(page, "2 to add") {
		t.Fatalf("the check does not say two people would be added: %s", page)
	}
	grace.open("/people?q=uma")
	if page := grace.pageText(); strings.Contains(page, "Uma Upton") {
		t.Fatalf("a check wrote the people it only checked: %s", page)
	}
	grace.open("/people/import")
	if page := upload("yes"); !strings.Contains(page, "2 added") {
		t.Fatalf("the import does not say two people were added: %s", page)
	}
	grace.shot("people-imported")
	grace.open("/people?q=vic")
	if page := grace.pageText(); !strings.Contains(page, "Vic Vance") {
		t.Fatalf("Vic is not among the people after the import: %s", page)
	}

	// --- Grace creates a programme and names Carol its coordinator. ---
	progPath := createProgramme(grace, "Sales Mentoring", "Experienced sellers mentor new ones.")
	if page := grace.pageText(); !strings.Contains(page, "Carol Chen") {
		t.Fatalf("the programme page does not name Carol after saving the staff: %s", page)
	}

	// --- Carol, now its coordinator, opens enrolment. ---
	carol := newUser(t, browser, srv.URL, "carol")
	carol.signIn("carol@northwind.example", "Carol Chen")
	carol.open(progPath)
	if st := carol.nav("open enrolment", chromedp.Click(chromedp.CSS(`form[action$="/enrolment"] button[type=submit]`))); st != 200 {
		carol.fatalf("opening enrolment: status %d: %s", st, carol.pageText())
	}
	if b := carol.text(`form[action$="/enrolment"] button[type=submit]`); b != "Close enrolment" {
		t.Fatalf("after opening enrolment the button says %q, want Close enrolment", b)
	}
	carol.shot("programme-enrolment-open")

	// --- Two members enrol: Bob as a mentee, Heidi as a mentor. ---
	enrol := func(u *user, email, name, role, goals string) {
		t.Helper()
		enrolIn(u, progPath, email, name, role, goals)
		if got := u.text(`[role=status]`); !strings.Contains(got, "enrolment is saved") {
			u.fatalf("after enrolling the page says %q: %s", got, u.pageText())
		}
		if page := u.text(`#enrolment`); !strings.Contains(page, "waiting to be matched") {
			u.fatalf("the enrolment panel does not say they wait to be matched: %s", page)
		}
	}
	bob := newUser(t, browser, srv.URL, "bob")
	enrol(bob, "bob@northwind.example", "Bob Baker", "mentee", "Learn to sell to large accounts.")
	heidi := newUser(t, browser, srv.URL, "heidi")
	enrol(heidi, "heidi@northwind.example", "Heidi Hall", "mentor", "Pass on what I know.")
	carol.open(progPath)
	if list := carol.text(`#enrolled`); !strings.Contains(list, "Bob Baker") || !strings.Contains(list, "Heidi Hall") ||
		!strings.Contains(list, "Learn to sell to large accounts.") {
		t.Fatalf("the coordinator's enrolled list lacks Bob or Heidi or a profile: %s", list)
	}
	// A member never sees another's profile.
	heidi.open(progPath)
	if page := heidi.pageText(); strings.Contains(page, "Learn to sell to large accounts.") {
		t.Fatalf("Heidi sees Bob's profile: %s", page)
	}

	// --- Grace deactivates Bob; Alice sees their relationship paused. ---
	grace.open("/people?q=bob")
	grace.nav("open Bob's page", chromedp.Click(chromedp.CSS(`td[data-label="Name"] a[href^="/people/"]`)))
	if h := grace.text("main h1"); !strings.Contains(h, "Bob Baker") {
		t.Fatalf("the person page shows %q, want Bob Baker", h)
	}
	if st := grace.nav("deactivate Bob", chromedp.Click(chromedp.CSS(`form[action$="/deactivate"] button[type=submit]`))); st != 200 {
		grace.fatalf("deactivating Bob: status %d: %s", st, grace.pageText())
	}
	if page := grace.pageText(); !strings.Contains(strings.ToLower(page), "deactivated") {
		t.Fatalf("Bob's page does not say he is deactivated: %s", page)
	}

	alice := newUser(t, browser, srv.URL, "alice")
	alice.signIn("alice@northwind.example", "Alice Archer")
	alice.nav("open the relationship with Bob", chromedp.Click(chromedp.CSS(`ul.rels a[href^="/relationships/"]`)))
	if b := alice.text("main .page-head .badge"); !strings.EqualFold(b, "paused") {
		t.Fatalf("Alice's relationship with Bob shows %q, want paused", b)
	}
	alice.open("/notifications")
	if page := alice.pageText(); !strings.Contains(page, "Bob Baker") || !strings.Contains(strings.ToLower(page), "paused") {
		t.Fatalf("Alice was not told that the relationship paused: %s", page)
	}

	// Bob is signed out at once, and cannot sign in again with his own
	// password.
	bob.open("/")
	if loc := bob.location(); !strings.HasPrefix(loc, "/login") {
		t.Fatalf("a deactivated person's session still works: %s", loc)
	}
	bob.open("/login")
	bob.do("fill in the login form",
		chromedp.SendKeys(chromedp.CSS("#email"), "bob@northwind.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
	bob.nav("sign in", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	if n := eval[int](bob, `document.querySelectorAll("header .who").length`); n != 0 {
		t.Fatalf("a deactivated person is signed in")
	}
}

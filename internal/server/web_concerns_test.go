package server_test

import (
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
	disclosureID   = regexp.MustCompile(`id="d-([0-9a-f-]+)"`)
	consultationID = regexp.MustCompile(`href="/consultations/([0-9a-f-]+)"`)
)

// TestWebConcernPages works a concern through the web forms, as a browser
// without JavaScript would: a refused raise keeps what was typed, a notice
// before the minimum notice is refused, a notice that is not about an
// imminent danger cannot take effect at once, the other party sees the
// notice and cannot withdraw it, its filer can; a joint plan takes effect
// when the second party signs; the outcome must match what happened.
// Nobody but the pair opens the concern; the supervisor sees consultations
// without names.
func TestWebConcernPages(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	rel := "/relationships/" + f.ids["rel"]
	alice, bob := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
	ac, bc := alice.login("alice@northwind.example"), bob.login("bob@northwind.example")

	// A raise without a description is refused and keeps the category.
	st, page := alice.post(rel+"/concerns", url.Values{"csrf_token": {ac}, "category": {"theft"}, "description": {"  "}}, nil)
	if st != http.StatusBadRequest || !strings.Contains(page, "The description must not be empty") || !strings.Contains(page, `value="theft" selected`) {
		t.Fatalf("an empty description: %d %s", st, page)
	}
	st, _ = alice.post(rel+"/concerns", url.Values{"category": {"theft"}, "description": {"no token"}}, nil)
	if st != http.StatusForbidden {
		t.Fatalf("raising without the CSRF token: %d", st)
	}
	concern := raise(t, alice, rel, ac, "unlawful_conduct", "A colleague of Bob is taking stock home. web-concern-mark", false)

	st, page = bob.get(concern)
	if st != http.StatusOK || !strings.Contains(page, "web-concern-mark") || !strings.Contains(page, "Duty in law") || !strings.Contains(page, "72 hours") {
		t.Fatalf("bob's view of the concern: %d %s", st, page)
	}
	if strings.Contains(page, `name="at_once"`) {
		t.Fatal("a concern that is not an imminent danger offers disclosure at once")
	}

	notice := func(when time.Time, extra url.Values) (int, string) {
		form := url.Values{"csrf_token": {ac}, "to": {"member"}, "recipient_email": {"dave@northwind.example"}, "how": {"in person"},
			"content": {"web-notice-mark: stock is going missing from the warehouse."}, "tz": {"UTC"}}
		if !when.IsZero() {
			form.Set("effective_at", when.UTC().Format("2006-01-02T15:04"))
		}
		for k, v := range extra {
			form[k] = v
		}
		return alice.post(concern+"/notices", form, nil)
	}
	if st, page := notice(time.Now().Add(time.Hour), nil); st != http.StatusBadRequest || !strings.Contains(page, "at least 72 hours") ||
		!strings.Contains(page, "web-notice-mark") {
		t.Fatalf("a notice before the minimum notice: %d %s", st, page)
	}
	if st, page := notice(time.Time{}, url.Values{"at_once": {"yes"}}); st != http.StatusBadRequest || !strings.Contains(page, "only a concern raised as an imminent danger") {
		t.Fatalf("a notice at once on a concern that is not imminent: %d %s", st, page)
	}
	if st, page := notice(time.Now().Add(80*time.Hour), url.Values{"recipient_email": {"nobody@example.com"}}); st != http.StatusBadRequest ||
		!strings.Contains(page, "is not a member of the organisation") {
		t.Fatalf("a notice to an unknown email: %d %s", st, page)
	}
	if st, _ := notice(time.Now().Add(80*time.Hour), nil); st != http.StatusSeeOther {
		t.Fatalf("a notice after the minimum notice: %d", st)
	}
	// Until it reaches Bob (mail is off here: only his opening it can), it has not started.
	if _, page = alice.get(concern); !strings.Contains(page, "not reached yet — the notice has not started") ||
		!strings.Contains(page, "Not started: waiting to reach the other party") || !strings.Contains(page, "not fixed yet") {
		t.Fatalf("alice's view of the notice before it reached bob: %s", page)
	}

	// Bob sees exactly what will be said, to whom and when; only Alice may withdraw it.
	_, page = bob.get(concern)
	if !strings.Contains(page, "web-notice-mark") || !strings.Contains(page, "Dave Dawson") || !strings.Contains(page, "Takes effect") {
		t.Fatalf("bob does not see the scheduled notice: %s", page)
	}
	if strings.Contains(page, `/withdraw"`) {
		t.Fatal("bob is offered to withdraw alice's notice")
	}
	if !strings.Contains(page, `<dd class="d-reached">opened in mentorvault at `) {
		t.Fatalf("bob's opening is not shown as the notice reaching him: %s", page)
	}
	if _, page := alice.get(concern); !strings.Contains(page, `<dd class="d-reached">opened in mentorvault at `) || strings.Contains(page, "not fixed yet") {
		t.Fatalf("alice is not shown that the notice reached bob: %s", page)
	}
	m := disclosureID.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no disclosure on the page")
	}
	withdraw := rel + "/disclosures/" + m[1] + "/withdraw"
	if st, _ := bob.post(withdraw, url.Values{"csrf_token": {bc}}, nil); st != http.StatusForbidden {
		t.Fatalf("bob withdrawing alice's notice: %d", st)
	}
	if st, _ := alice.post(withdraw, url.Values{"csrf_token": {ac}}, nil); st != http.StatusSeeOther {
		t.Fatalf("alice withdrawing her notice: %d", st)
	}
	if _, page = bob.get(concern); !strings.Contains(page, "Withdrawn before it took effect") {
		t.Fatalf("the withdrawn notice: %s", page)
	}

	// A step, then a joint plan to someone outside, made once Bob signs.
	if st, _ := bob.post(concern+"/steps", url.Values{"csrf_token": {bc}, "kind": {"ethical_view"}, "answer": {"yes"}}, nil); st != http.StatusSeeOther {
		t.Fatalf("bob recording his view: %d", st)
	}
	if st, page := bob.post(concern+"/steps", url.Values{"csrf_token": {bc}, "kind": {"ethical_view"}, "answer": {"maybe"}}, nil); st != http.StatusBadRequest ||
		!strings.Contains(page, "Choose yes, no or unsure") {
		t.Fatalf("an answer that is not yes, no or unsure: %d %s", st, page)
	}
	st, _ = alice.post(concern+"/plans", url.Values{"csrf_token": {ac}, "discloser": {"other"}, "to": {"outside"}, "recipient_name": {"the store manager"},
		"how": {"by email"}, "content": {"web-plan-mark: please check the stock records."}, "tz": {"UTC"}}, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("alice proposing a plan: %d", st)
	}
	_, page = bob.get(concern)
	if !strings.Contains(page, "web-plan-mark") || !strings.Contains(page, "Waiting for both signatures") || !strings.Contains(page, "You: not signed yet") {
		t.Fatalf("bob's view of the plan: %s", page)
	}
	ids := disclosureID.FindAllStringSubmatch(page, -1)
	plan := ids[len(ids)-1][1]
	if st, _ := bob.post(rel+"/disclosures/"+plan+"/sign", url.Values{"csrf_token": {bc}}, nil); st != http.StatusSeeOther {
		t.Fatalf("bob signing the plan: %d", st)
	}
	if _, page = alice.get(concern); !strings.Contains(page, "the store manager (outside mentorvault)") || !strings.Contains(page, ">Made<") {
		t.Fatalf("the signed plan is not shown as made: %s", page)
	}
	if st, page := alice.post(concern+"/close", url.Values{"csrf_token": {ac}, "outcome": {"resolved"}}, nil); st != http.StatusConflict ||
		!strings.Contains(page, "the outcome is disclosed") {
		t.Fatalf("closing as resolved after a disclosure: %d %s", st, page)
	}
	if st, _ := alice.post(concern+"/close", url.Values{"csrf_token": {ac}, "outcome": {"disclosed"}}, nil); st != http.StatusSeeOther {
		t.Fatalf("closing as disclosed: %d", st)
	}
	if _, page = bob.get(concern); !strings.Contains(page, "Closed: disclosed") || strings.Contains(page, `/steps"`) {
		t.Fatalf("the closed concern: %s", page)
	}

	// Outsiders: the concern, its list and its forms are not there for them.
	for _, who := range []string{"carol", "heidi", "grace", "dave", "erin"} {
		t.Run(who, func(t *testing.T) {
			w := newWeb(t, f.ts.URL)
			tok := w.login(who + "@northwind.example")
			for _, p := range []string{concern, rel + "/concerns", rel + "/consultations/new"} {
				if st, page := w.get(p); st != http.StatusNotFound || strings.Contains(page, "web-concern-mark") {
					t.Fatalf("GET %s: %d", p, st)
				}
			}
			if st, _ := w.post(concern+"/steps", url.Values{"csrf_token": {tok}, "kind": {"comment"}, "body": {"x"}}, nil); st != http.StatusForbidden && st != http.StatusNotFound {
				t.Fatalf("POST a step: %d", st)
			}
			st, page := w.get("/disclosures")
			if st != http.StatusOK || strings.Contains(page, "web-notice-mark") || strings.Contains(page, "web-plan-mark") {
				t.Fatalf("the inbox: %d %s", st, page)
			}
			st, page = w.get("/consultations")
			if st != http.StatusOK {
				t.Fatalf("GET /consultations: %d", st)
			}
			if who == "erin" {
				// The demo's consultation, from Bob: a mentee, not a name.
				if !strings.Contains(page, "A mentee in Leadership Mentoring") || strings.Contains(page, "Bob") || !strings.Contains(page, `href="/consultations"`) {
					t.Fatalf("erin's consultations: %s", page)
				}
				m := consultationID.FindStringSubmatch(page)
				if m == nil {
					t.Fatal("erin's list links no consultation")
				}
				if st, page := w.get("/consultations/" + m[1]); st != http.StatusOK || strings.Contains(page, "Bob") || strings.Contains(page, "Alice") {
					t.Fatalf("erin's consultation: %d %s", st, page)
				}
			} else {
				if consultationID.MatchString(page) {
					t.Fatalf("%s sees a consultation: %s", who, page)
				}
				if _, home := w.get("/"); strings.Contains(home, `href="/consultations"`) {
					t.Fatalf("%s's header offers the supervisor's consultations", who)
				}
			}
		})
	}
}

// raise raises a concern through the form and returns its page's path.
func raise(t *testing.T, w *web, rel, tok, category, description string, imminent bool) string {
	t.Helper()
	form := url.Values{"csrf_token": {tok}, "category": {category}, "description": {description}}
	if imminent {
		form.Set("imminent", "yes")
	}
	req, _ := http.NewRequest("POST", w.base+rel+"/concerns", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, rel+"/concerns/") {
		t.Fatalf("raising a concern: %d, Location %q", resp.StatusCode, loc)
	}
	return strings.SplitN(loc, "?", 2)[0]
}

package server_test

import (
	"context"
	"fmt"
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

// maxPageTxs is what a page may cost in transactions, signing the caller in
// included: every transaction is a commit (and an fsync on SQLite), so a
// page is one or two of them, not one per panel.
const maxPageTxs = 2

// TestPageTransactions counts the transactions (BeginTx calls) each page
// and API read costs, for a party and for someone outside the pair, and
// holds them to maxPageTxs.
func TestPageTransactions(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	webPages := []string{"/", "/relationships/" + f.ids["rel"], "/directory", "/programmes/" + f.env.Rel.ProgrammeID, "/settings/security"}
	// A party, HR, a member, a coordinator, a supervisor and an org admin:
	// the home page reads each one's sections in its one transaction.
	for _, who := range []string{"alice", "frank", "heidi", "carol", "erin", "grace"} {
		w := newWeb(t, f.ts.URL)
		w.login(f.env.Users[who].Email)
		for _, path := range webPages {
			before := f.env.Txs.Begun()
			st, _ := w.get(path)
			n := f.env.Txs.Begun() - before
			if st != http.StatusOK {
				t.Fatalf("%s: GET %s: %d", who, path, st)
			}
			t.Logf("%s: GET %s: %d transactions", who, path, n)
			if n > maxPageTxs {
				t.Errorf("%s: GET %s ran %d transactions, want at most %d", who, path, n, maxPageTxs)
			}
		}
		// An API request is one transaction: its token is checked, and its
		// use audited, in the call's own.
		apiCalls := []struct{ method, path, body string }{
			{"GET", "/api/v1/relationships/" + f.ids["rel"], ""}, {"GET", "/api/v1/directory", ""}, {"GET", "/api/v1/relationships", ""},
		}
		if who == "alice" {
			apiCalls = append(apiCalls, struct{ method, path, body string }{"GET", "/api/v1/relationships/" + f.ids["rel"] + "/notes/" + f.ids["aliceShared"], ""},
				struct{ method, path, body string }{"POST", "/api/v1/relationships/" + f.ids["rel"] + "/notes", `{"body":"one transaction","visibility":"shared"}`})
		}
		for _, c := range apiCalls {
			req, _ := http.NewRequest(c.method, f.ts.URL+c.path, strings.NewReader(c.body))
			req.Header.Set("Authorization", "Bearer "+f.tokens[who])
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			before := f.env.Txs.Begun()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			n := f.env.Txs.Begun() - before
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
				t.Fatalf("%s: %s %s: %d", who, c.method, c.path, resp.StatusCode)
			}
			t.Logf("%s: %s %s: %d transactions", who, c.method, c.path, n)
			if n != 1 {
				t.Errorf("%s: %s %s ran %d transactions, want 1", who, c.method, c.path, n)
			}
		}
	}
}

// TestPageHeader checks that the header, now read with the session, still
// names the caller, counts their unread notifications and links a
// supervisor to consultations.
func TestPageHeader(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	ctx := context.Background()
	ns, err := f.env.Svc.Notifications(ctx, f.env.As("alice"), service.NotificationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	unread, err := f.env.Svc.UnreadNotifications(ctx, f.env.As("alice"))
	if err != nil || unread == 0 || len(ns) == 0 {
		t.Fatalf("alice has %d unread of %d notifications (%v); the fixture should give her some", unread, len(ns), err)
	}
	for _, tc := range []struct {
		who         string
		unread      int
		consultLink bool
	}{{"alice", unread, false}, {"erin", -1, true}} {
		w := newWeb(t, f.ts.URL)
		w.login(f.env.Users[tc.who].Email)
		_, page := w.get("/directory")
		if !strings.Contains(page, `<span class="who">`+f.env.Users[tc.who].Name+`</span>`) {
			t.Errorf("%s: the header does not name them", tc.who)
		}
		if tc.unread > 0 && !strings.Contains(page, fmt.Sprintf(`<span class="count">%d<span class="sr-only"> unread`, tc.unread)) {
			t.Errorf("%s: the header does not count %d unread notifications", tc.who, tc.unread)
		}
		if got := strings.Contains(page, `<a href="/consultations"`); got != tc.consultLink {
			t.Errorf("%s: consultations link shown = %v, want %v", tc.who, got, tc.consultLink)
		}
	}
	if err := f.env.Svc.MarkNotificationsRead(ctx, f.env.As("alice"), ""); err != nil {
		t.Fatal(err)
	}
	w := newWeb(t, f.ts.URL)
	w.login(f.env.Users["alice"].Email)
	if _, page := w.get("/directory"); strings.Contains(page, `<span class="count">`) {
		t.Error("all read, but the header still counts unread notifications")
	}
}

// TestRelationshipPageAudit checks that the relationship page, read in one
// transaction, still leaves each panel's audit event, as the calls it
// replaced did: for a party the upcoming meetings, the reviews and the
// notes, and for someone outside the pair none of the pair's content.
func TestRelationshipPageAudit(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	for _, tc := range []struct {
		who, rel string
		want     []string
	}{
		{"alice", "rel", []string{"meeting.list:ok", "review.read:ok", "note.list:ok"}},
		{"frank", "rel", nil},
		// A proposal has no notes yet: its page asks for none, so no
		// refusal lands on the pair's log at each visit.
		{"ivan", "proposed", nil},
		{"judy", "proposed", nil},
	} {
		w := newWeb(t, f.ts.URL)
		w.login(f.env.Users[tc.who].Email)
		head := f.env.Head(t)
		if st, _ := w.get("/relationships/" + f.ids[tc.rel]); st != http.StatusOK {
			t.Fatalf("%s: relationship page: %d", tc.who, st)
		}
		var got []string
		for _, e := range f.env.Events(t, head) {
			got = append(got, e.Action+":"+e.Outcome)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: relationship page wrote %v, want %v", tc.who, got, tc.want)
		}
	}
}

// TestWebDirectoryPages checks the directory's search (in SQL now) and its
// pager: a page shows at most its size, the next page the rest, and a
// search keeps only the matching relationships.
func TestWebDirectoryPages(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	ctx := context.Background()
	all, err := f.env.Svc.Directory(ctx, f.env.As("carol"), service.DirectoryFilter{})
	if err != nil || len(all) == 0 {
		t.Fatalf("directory: %d, %v", len(all), err)
	}
	w := newWeb(t, f.ts.URL)
	w.login(f.env.Users["heidi"].Email)
	_, page := w.get("/directory")
	for _, v := range all {
		if !strings.Contains(page, "/relationships/"+v.ID) {
			t.Errorf("the directory does not list %s", v.ID)
		}
	}
	if strings.Contains(page, `rel="next"`) || strings.Contains(page, `rel="prev"`) {
		t.Error("one page of relationships offers another")
	}
	_, page = w.get("/directory?q=" + url.QueryEscape(strings.ToUpper(f.env.Users["alice"].Name)))
	if !strings.Contains(page, "/relationships/"+f.env.Rel.ID) {
		t.Error("searching alice's name does not find her relationship")
	}
	for _, v := range all {
		if v.ID != f.env.Rel.ID && !v.IsParty(f.env.Users["alice"].ID) && strings.Contains(page, "/relationships/"+v.ID) {
			t.Errorf("searching alice's name lists %s", v.ID)
		}
	}
	_, page = w.get("/directory?offset=1")
	if strings.Contains(page, "/relationships/"+all[0].ID) || !strings.Contains(page, `rel="prev"`) {
		t.Errorf("offset 1 shows the first relationship (%v) or no link back (%v); %d in all", strings.Contains(page, "/relationships/"+all[0].ID), strings.Contains(page, `rel="prev"`), len(all))
	}
	if st, _ := w.get("/directory?offset=-1"); st != http.StatusBadRequest {
		t.Errorf("a negative offset: %d, want 400", st)
	}

	// 60 more relationships: two pages of 50.
	tx, err := f.env.DB.BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	org, at := f.env.Users["alice"].OrgID, time.Now().UTC()
	for i := range 60 {
		var ids [2]string
		for j := range ids {
			u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: org, Email: fmt.Sprintf("paged%d-%d@northwind.example", i, j),
				Name: fmt.Sprintf("Paged %d-%d", i, j), PasswordHash: "x", CreatedAt: at}
			if err := tx.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			ids[j] = u.ID
		}
		r := &mentorvault.Relationship{ID: mentorvault.NewID(), OrgID: org, Kind: mentorvault.KindMentoring, MentorID: ids[0], MenteeID: ids[1],
			ProposedByID: ids[0], Status: mentorvault.StatusActive, CreatedAt: at.Add(time.Duration(i) * time.Second), UpdatedAt: at}
		if err := tx.CreateRelationship(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rows := func(page string) int { return strings.Count(page, `<td data-label="Mentee">`) }
	_, first := w.get("/directory")
	_, second := w.get("/directory?offset=50")
	if rows(first) != 50 || !strings.Contains(first, `rel="next"`) || strings.Contains(first, `rel="prev"`) {
		t.Errorf("first page: %d rows, next %v, prev %v", rows(first), strings.Contains(first, `rel="next"`), strings.Contains(first, `rel="prev"`))
	}
	if rows(second) != len(all)+60-50 || strings.Contains(second, `rel="next"`) || !strings.Contains(second, `rel="prev"`) {
		t.Errorf("second page: %d rows, want %d", rows(second), len(all)+60-50)
	}
	if strings.Contains(first, "Paged 59-0") || !strings.Contains(second, "Paged 59-0") {
		t.Error("the newest relationship is not on the second page only")
	}
}

package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

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
	webPages := []string{"/", "/relationships/" + f.ids["rel"], "/directory"}
	for _, who := range []string{"alice", "frank"} {
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
		for _, path := range []string{"/api/v1/relationships/" + f.ids["rel"], "/api/v1/directory", "/api/v1/relationships"} {
			req, _ := http.NewRequest("GET", f.ts.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+f.tokens[who])
			before := f.env.Txs.Begun()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			n := f.env.Txs.Begun() - before
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: GET %s: %d", who, path, resp.StatusCode)
			}
			t.Logf("%s: GET %s: %d transactions", who, path, n)
			if n > maxPageTxs {
				t.Errorf("%s: GET %s ran %d transactions, want at most %d", who, path, n, maxPageTxs)
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
		who  string
		want []string
	}{
		{"alice", []string{"meeting.list:ok", "review.read:ok", "note.list:ok"}},
		{"frank", nil},
	} {
		w := newWeb(t, f.ts.URL)
		w.login(f.env.Users[tc.who].Email)
		head := f.env.Head(t)
		if st, _ := w.get("/relationships/" + f.ids["rel"]); st != http.StatusOK {
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

package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestWebRelationshipOffers checks that the relationship page offers what
// Cedar allows and the record's state permits, and nothing else: the
// lifecycle buttons of each party in each status, none for someone outside
// the pair, and edit/delete only on the viewer's own notes.
func TestWebRelationshipOffers(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	button := func(action string) string { return `name="action" value="` + action + `"` }
	for _, tc := range []struct {
		who, rel  string
		want, not []string
	}{
		{"alice", f.ids["rel"], []string{button("pause"), `href="/relationships/` + f.ids["rel"] + `/close"`}, []string{button("accept"), button("withdraw"), button("resume"), button("close")}},
		{"judy", f.ids["proposed"], []string{button("accept"), button("decline"), "Notes open once the proposal is accepted"},
			[]string{button("withdraw"), button("close"), "do not have access", `role="alert"`}},
		{"ivan", f.ids["proposed"], []string{button("withdraw"), "Withdraw the proposal", "Notes open once the proposal is accepted"},
			[]string{button("accept"), button("decline"), "do not have access", `role="alert"`}},
		{"frank", f.ids["rel"], nil, []string{`/lifecycle"`, "/notes/", "/close", "/hold"}},
	} {
		w := newWeb(t, f.ts.URL)
		w.login(f.env.Users[tc.who].Email)
		st, page := getPage(t, w, "/relationships/"+tc.rel)
		if st != http.StatusOK {
			t.Fatalf("%s: relationship page: %d", tc.who, st)
		}
		for _, s := range tc.want {
			if !strings.Contains(page, s) {
				t.Errorf("%s: page lacks %q", tc.who, s)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(page, s) {
				t.Errorf("%s: page offers %q", tc.who, s)
			}
		}
	}

	alice := newWeb(t, f.ts.URL)
	alice.login("alice@northwind.example")
	_, page := getPage(t, alice, "/relationships/"+f.ids["rel"])
	for id, mine := range map[string]bool{f.ids["alicePriv"]: true, f.ids["aliceShared"]: true} {
		if strings.Contains(page, "/notes/"+id+"/edit") != mine || strings.Contains(page, "/notes/"+id+"/delete") != mine {
			t.Errorf("alice's note %s: edit/delete offered = %v, want %v", id, !mine, mine)
		}
		if !strings.Contains(page, "fixture ") {
			t.Error("alice's page does not show her notes' text")
		}
	}
	bob := newWeb(t, f.ts.URL)
	bob.login("bob@northwind.example")
	_, page = getPage(t, bob, "/relationships/"+f.ids["rel"])
	if strings.Contains(page, "/notes/"+f.ids["aliceShared"]+"/edit") || strings.Contains(page, "/notes/"+f.ids["aliceShared"]+"/delete") {
		t.Error("bob is offered to change alice's shared note")
	}
	if !strings.Contains(page, "fixture aliceShared") || !strings.Contains(page, "/notes/"+f.ids["bobPriv"]+"/edit") {
		t.Error("bob's page lacks alice's shared note or the edit link of his own")
	}
	if strings.Contains(page, "[sealed]") {
		t.Error("a note shows as [sealed]")
	}
}

// TestWebRelationshipNotesPaged: the relationship page shows the newest
// notes and the older ones a page at a time, each note once; a bad page
// address is refused in words.
func TestWebRelationshipNotesPaged(t *testing.T) {
	f := startFixture(t, mvtest.New(t, sqlstoretest.OpenSQLite(t)))
	ctx := context.Background()
	for i := range 25 {
		if _, err := f.env.Svc.CreateNote(ctx, f.env.As("alice"), f.ids["rel"], fmt.Sprintf("paged note %02d.", i), mentorvault.VisibilityShared); err != nil {
			t.Fatal(err)
		}
	}
	alice := newWeb(t, f.ts.URL)
	alice.login("alice@northwind.example")
	rel := "/relationships/" + f.ids["rel"]
	seen := map[string]int{}
	count := func(page string) int {
		n := 0
		for i := range 25 {
			if strings.Contains(page, fmt.Sprintf("paged note %02d.", i)) {
				seen[fmt.Sprintf("%02d", i)]++
				n++
			}
		}
		return n
	}
	_, first := getPage(t, alice, rel)
	if n := count(first); n != 20 || !strings.Contains(first, "paged note 24.") || strings.Contains(first, "Newer notes") || !strings.Contains(first, `?offset=20#notes" rel="next">Older notes`) {
		t.Fatalf("the first page shows %d of the paged notes, or lacks the newest or the link to older ones", n)
	}
	// The fixture's three notes and the five oldest paged ones.
	_, second := getPage(t, alice, rel+"?offset=20")
	if n := count(second); n != 5 || strings.Contains(second, "Older notes") || !strings.Contains(second, `?offset=0#notes" rel="prev">Newer notes`) {
		t.Fatalf("the second page shows %d paged notes, or its links are wrong", n)
	}
	if len(seen) != 25 {
		t.Fatalf("the two pages show %d different paged notes, want all 25 once", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("note %s is shown %d times", k, n)
		}
	}
	_, past := getPage(t, alice, rel+"?offset=500")
	if !strings.Contains(past, "No older notes") {
		t.Fatalf("a page past the last note does not say so")
	}
	if st, page := getPage(t, alice, rel+"?offset=-1"); st != 400 || !strings.Contains(page, "not valid") {
		t.Fatalf("a bad offset answered %d", st)
	}
}

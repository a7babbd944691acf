package server_test

import (
	"net/http"
	"strings"
	"testing"

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
		{"alice", f.ids["rel"], []string{button("pause"), button("close")}, []string{button("accept"), button("withdraw"), button("resume")}},
		{"judy", f.ids["proposed"], []string{button("accept"), button("decline")}, []string{button("withdraw"), button("close")}},
		{"ivan", f.ids["proposed"], []string{button("withdraw"), "Withdraw the proposal"}, []string{button("accept"), button("decline")}},
		{"frank", f.ids["rel"], nil, []string{`/lifecycle"`, "/notes/"}},
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

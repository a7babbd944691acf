package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestWebAccessLog: the pair's access log speaks in words (no action
// codes, no event numbers per row), shows one person's reads in a row as
// one line, filters by who, what and when, keeps the filter across pages,
// and refuses a bad filter in words.
func TestWebAccessLog(t *testing.T) {
	ctx := context.Background()
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	f := startFixture(t, e)
	rel := "/relationships/" + e.Rel.ID
	alice, bob := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
	alice.login("alice@northwind.example")
	bob.login("bob@northwind.example")
	for range 3 { // bob reads: a run of reads
		if st, _ := bob.get(rel); st != http.StatusOK {
			t.Fatal(st)
		}
	}
	if _, err := e.Svc.CreateNote(ctx, e.As("alice"), e.Rel.ID, "a change", mentorvault.VisibilityShared); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Concerns(ctx, e.As("frank"), e.Rel.ID); err == nil {
		t.Fatal("frank read the pair's concerns")
	}
	code := regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)*\.[a-z_]+\b`)
	rows := func(page string) []string {
		_, body, _ := strings.Cut(page, "<tbody>")
		body, _, _ = strings.Cut(body, "</tbody>")
		var out []string
		for _, tr := range strings.Split(body, "</tr>") {
			txt := strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(tr, " ")), " ")
			if txt != "" {
				out = append(out, txt)
			}
		}
		return out
	}
	st, page := alice.get(rel + "/audit")
	if st != http.StatusOK {
		t.Fatalf("access log: %d", st)
	}
	all := rows(page)
	if len(all) == 0 {
		t.Fatal("no rows")
	}
	for _, r := range all {
		if m := code.FindString(r); m != "" && !strings.Contains(m, "northwind.example") {
			t.Errorf("a row shows the code %q: %s", m, r)
		}
		if !regexp.MustCompile(`^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d`).MatchString(r) {
			t.Errorf("a row does not start with its time: %s", r)
		}
	}
	joined := strings.Join(all, "\n")
	if !regexp.MustCompile(`Bob Baker opened the notes[^\n]*\((\d+) times\)`).MatchString(joined) {
		t.Errorf("bob's reads in a row are not one line:\n%s", joined)
	}
	if !strings.Contains(joined, "Frank Fischer Refused attempt: opened the concerns") {
		t.Errorf("frank's refused attempt is not shown:\n%s", joined)
	}
	_, head := alice.get(rel + "/audit")
	if strings.Contains(head, `<th scope="col">#</th>`) {
		t.Error("the rows show the organisation-wide event number")
	}
	if !strings.Contains(head, "Entries in the whole log") || !strings.Contains(head, "Fingerprint of the latest") {
		t.Error("the chain's head is not shown")
	}

	// Filters.
	_, page = alice.get(rel + "/audit?what=changes")
	for _, r := range rows(page) {
		if strings.Contains(r, "viewed") || strings.Contains(r, "opened") {
			t.Errorf("changes only, yet: %s", r)
		}
	}
	if !strings.Contains(strings.Join(rows(page), "\n"), "You wrote a note") {
		t.Errorf("changes lack alice's note: %v", rows(page))
	}
	_, page = alice.get(rel + "/audit?what=refused")
	for _, r := range rows(page) {
		if !strings.Contains(r, "Refused") && !strings.Contains(r, "Failed") {
			t.Errorf("refused only, yet: %s", r)
		}
	}
	_, page = alice.get(rel + "/audit?who=me")
	for _, r := range rows(page) {
		if !strings.HasPrefix(strings.SplitN(r, " ", 6)[5], "You") && !strings.Contains(r, " You ") {
			t.Errorf("only me, yet: %s", r)
		}
	}
	_, page = alice.get(rel + "/audit?who=others")
	if strings.Contains(strings.Join(rows(page), "\n"), " You ") {
		t.Errorf("everyone but me shows alice: %v", rows(page))
	}
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	if _, page = alice.get(rel + "/audit?from=" + tomorrow); len(rows(page)) != 0 || !strings.Contains(page, "Nothing matches this filter.") {
		t.Errorf("from tomorrow: %v", rows(page))
	}
	for q, want := range map[string]string{"what=everything": "what must be", "who=carol": "who must be", "from=yesterday": "the first day must be a date", "from=2026-12-05&to=2026-12-01": "the last day must not be before the first"} {
		st, page := alice.get(rel + "/audit?" + q)
		if st != http.StatusBadRequest || !strings.Contains(page, want) {
			t.Errorf("%s: %d, want 400 naming %s", q, st, want)
		}
	}
}

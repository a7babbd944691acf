package form_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParsePeopleQuery(t *testing.T) {
	for _, c := range []struct {
		offset string
		want   int
		bad    bool
	}{{"", 0, false}, {"0", 0, false}, {" 50 ", 50, false}, {"-1", 0, true}, {"x", 0, true}, {"1e3", 0, true}} {
		_, n, p := form.ParsePeopleQuery(values("q", "al", "offset", c.offset))
		if n != c.want || (p["offset"] != "") != c.bad {
			t.Errorf("offset %q: %d %v", c.offset, n, p)
		}
	}
	if _, p := form.ParseSetPassword(values("password", "a long password", "confirm", "a long passwort")); p["confirm"] == "" {
		t.Error("different passwords are a problem of confirm")
	}
}

func FuzzParsePerson(f *testing.F) {
	f.Add("Ada Lovelace", "ada@example.org", " grace@example.org ", "10", "pw", "pw")
	f.Add("", "\x00", "", "-3", "a", "b")
	f.Fuzz(func(t *testing.T, name, email, manager, offset, pw, confirm string) {
		p, probs := form.ParsePerson(values("name", name, "email", email, "manager_email", manager))
		keysIn(t, probs)
		if p.Name != name || p.Email != email || p.ManagerEmail != strings.TrimSpace(manager) {
			t.Fatalf("got %+v", p)
		}
		q, n, probs := form.ParsePeopleQuery(values("q", name, "offset", offset))
		keysIn(t, probs, "offset")
		if q != name || n < 0 {
			t.Fatalf("query %q offset %q: %q %d %v", name, offset, q, n, probs)
		}
		if s := strings.TrimSpace(offset); probs["offset"] == "" && s != "" {
			if want, err := strconv.Atoi(s); err != nil || n != want {
				t.Fatalf("offset %q read as %d", offset, n)
			}
		} else if n != 0 {
			t.Fatalf("offset %q (problem %q) read as %d", offset, probs["offset"], n)
		}
		got, probs := form.ParseSetPassword(values("password", pw, "confirm", confirm))
		keysIn(t, probs, "confirm")
		if got != pw || (probs["confirm"] == "") != (pw == confirm) {
			t.Fatalf("password form %q %q: %q %v", pw, confirm, got, probs)
		}
	})
}

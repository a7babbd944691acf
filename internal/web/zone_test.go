package web

import (
	"bytes"
	"testing"
	"time"
)

// TestZoneFuncs: the template funcs a page renders with show an instant
// in the viewer's zone with its abbreviation, and a form's value is read
// back as the same instant.
func TestZoneFuncs(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2027, 7, 1, 13, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		z                 zone
		when, date, input string
	}{
		{zone{london}, "Thu 1 Jul 2027, 14:30 BST", "1 Jul 2027", "2027-07-01T14:30"},
		{zone{}, "Thu 1 Jul 2027, 13:30 UTC", "1 Jul 2027", "2027-07-01T13:30"},
	} {
		if got := tc.z.when(at); got != tc.when {
			t.Errorf("%s: when %q, want %q", tc.z.name(), got, tc.when)
		}
		if got := tc.z.date(at); got != tc.date {
			t.Errorf("%s: date %q, want %q", tc.z.name(), got, tc.date)
		}
		if got := tc.z.input(at); got != tc.input {
			t.Errorf("%s: input %q, want %q", tc.z.name(), got, tc.input)
		}
	}
	// Late evening UTC is the next day in Tokyo.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if got := (zone{tokyo}).date(time.Date(2027, 1, 31, 20, 0, 0, 0, time.UTC)); got != "1 Feb 2027" {
		t.Errorf("Tokyo date %q", got)
	}
}

// BenchmarkRender measures what binding the time funcs to the viewer's
// zone costs a page: a clone of its templates per render (escaped again
// on first use), the clone kept per zone (what render does), and one
// shared, already escaped set.
func BenchmarkRender(b *testing.B) {
	pg, err := parsePages()
	if err != nil {
		b.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	data := &errorPage{base: base{Title: "Not found", SignedIn: true, UserName: "Alice"}, Status: 404, Message: "there is no page at this address"}
	b.Run("clone per render", func(b *testing.B) {
		t := pg.byName["error.html"]
		for b.Loop() {
			c, err := t.Clone()
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := c.Funcs(zone{london}.funcs()).ExecuteTemplate(&buf, "layout", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached per zone", func(b *testing.B) {
		for b.Loop() {
			t, err := pg.inZone("error.html", zone{london})
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("shared set", func(b *testing.B) {
		shared, _ := parsePages()
		t := shared.byName["error.html"]
		for b.Loop() {
			var buf bytes.Buffer
			if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

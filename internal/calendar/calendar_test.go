package calendar_test

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"

	"github.com/mentorvault/mentorvault/internal/calendar"
)

// write writes events and checks the lines of the result.
func write(tb testing.TB, name string, events []calendar.Event) string {
	tb.Helper()
	var b bytes.Buffer
	if err := calendar.Write(&b, name, events); err != nil {
		tb.Fatalf("Write: %v", err)
	}
	checkLines(tb, b.String())
	return b.String()
}

// checkLines checks RFC 5545 3.1: CRLF line endings, no line longer than
// 75 octets, continuation lines starting with one space, no split UTF-8.
func checkLines(tb testing.TB, s string) {
	tb.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		tb.Fatalf("output does not end with CRLF: %q", s[max(0, len(s)-20):])
	}
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			tb.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			tb.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			tb.Errorf("line %d is not valid UTF-8 on its own (a character split by folding?): %q", i+1, l)
		}
		if l == "" || l == " " {
			tb.Errorf("line %d is empty", i+1)
		}
	}
}

func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func parse(tb testing.TB, s string) *ical.Calendar {
	tb.Helper()
	cal, err := ical.NewDecoder(strings.NewReader(s)).Decode()
	if err != nil {
		tb.Fatalf("go-ical cannot parse the output: %v\n%s", err, s)
	}
	return cal
}

func text(tb testing.TB, c *ical.Component, prop string) string {
	tb.Helper()
	p := c.Props.Get(prop)
	if p == nil {
		tb.Fatalf("%s has no %s", c.Name, prop)
	}
	v, err := p.Text()
	if err != nil {
		tb.Fatalf("%s: %v", prop, err)
	}
	return v
}

// value is a property's raw value, for types other than TEXT.
func value(tb testing.TB, c *ical.Component, prop string) string {
	tb.Helper()
	p := c.Props.Get(prop)
	if p == nil {
		tb.Fatalf("%s has no %s", c.Name, prop)
	}
	return p.Value
}

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

var updated = time.Date(2026, 3, 1, 9, 15, 0, 0, time.UTC)

func TestWrite_RoundTrip(t *testing.T) {
	london := mustZone(t, "Europe/London")
	events := []calendar.Event{
		{ // after the clocks go forward (29 March 2026): BST, +0100
			UID: calendar.UID("m-bst"), Sequence: 3, TZID: "Europe/London",
			Start: time.Date(2026, 4, 2, 10, 0, 0, 0, london), End: time.Date(2026, 4, 2, 11, 0, 0, 0, london),
			Summary: "Mentoring session with Ada", Location: "https://meet.example/abc?x=1,2;3",
			URL: "https://mv.example/relationships/r1/meetings/m-bst", Updated: updated,
		},
		{ // before the clocks go forward: GMT, +0000
			UID: calendar.UID("m-gmt"), Sequence: 0, TZID: "Europe/London",
			Start: time.Date(2026, 3, 26, 10, 0, 0, 0, london), End: time.Date(2026, 3, 26, 10, 45, 0, 0, london),
			Location: "Room 4, Level 2", Updated: updated,
		},
		{ // cancelled, UTC
			UID: calendar.UID("m-cancelled"), Sequence: 2, Cancelled: true,
			Start: time.Date(2026, 3, 27, 14, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC),
			URL: "https://mv.example/relationships/r1/meetings/m-cancelled", Updated: updated.Add(time.Hour),
		},
		{ // UTC, same start as the next: ordered by UID
			UID: calendar.UID("m-b"), Sequence: 1,
			Start: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC),
			Updated: updated,
		},
		{ // after the clocks go back (25 October 2026), given in another zone
			UID: calendar.UID("m-a"), Sequence: 1, TZID: "Europe/London",
			Start: time.Date(2026, 11, 3, 4, 0, 0, 0, mustZone(t, "America/New_York")), End: time.Date(2026, 11, 3, 5, 0, 0, 0, mustZone(t, "America/New_York")),
			Updated: updated,
		},
	}
	out := write(t, "Ada’s mentoring", events)
	cal := parse(t, out)

	for prop, want := range map[string]string{
		"VERSION": "2.0", "PRODID": "-//mentorvault//mentorvault//EN", "CALSCALE": "GREGORIAN",
		"METHOD": "PUBLISH", "X-WR-CALNAME": "Ada’s mentoring",
	} {
		if got := text(t, cal.Component, prop); got != want {
			t.Errorf("%s = %q, want %q", prop, got, want)
		}
	}

	want := slices.Clone(events)
	slices.SortFunc(want, func(a, b calendar.Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.UID, b.UID)
	})
	got := cal.Events()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	tzs := timezones(t, cal)
	for i, w := range want {
		ev := got[i]
		t.Run(w.UID, func(t *testing.T) {
			if u := text(t, ev.Component, "UID"); u != w.UID {
				t.Fatalf("event %d is %q, want %q (order by start, then UID)", i, u, w.UID)
			}
			for _, p := range []string{"DTSTAMP", "LAST-MODIFIED"} {
				if v := ev.Props.Get(p); v == nil || v.Value != w.Updated.UTC().Format("20060102T150405Z") {
					t.Errorf("%s = %v, want %s in UTC", p, v, w.Updated)
				}
			}
			if seq, err := strconv.Atoi(value(t, ev.Component, "SEQUENCE")); err != nil || seq != w.Sequence {
				t.Errorf("SEQUENCE = %d (%v), want %d", seq, err, w.Sequence)
			}
			status, err := ev.Status()
			wantStatus := ical.EventConfirmed
			if w.Cancelled {
				wantStatus = ical.EventCancelled
			}
			if err != nil || status != wantStatus {
				t.Errorf("STATUS = %q (%v), want %q", status, err, wantStatus)
			}
			wantSummary := w.Summary
			if wantSummary == "" {
				wantSummary = calendar.DefaultSummary
			}
			if s := text(t, ev.Component, "SUMMARY"); s != wantSummary {
				t.Errorf("SUMMARY = %q, want %q", s, wantSummary)
			}
			if w.Location == "" {
				if ev.Props.Get("LOCATION") != nil {
					t.Error("empty LOCATION written")
				}
			} else if l := text(t, ev.Component, "LOCATION"); l != w.Location {
				t.Errorf("LOCATION = %q, want %q", l, w.Location)
			}
			if w.URL == "" {
				if ev.Props.Get("URL") != nil {
					t.Error("empty URL written")
				}
			} else if u := ev.Props.Get("URL"); u == nil || u.Value != w.URL {
				t.Errorf("URL = %v, want %q", u, w.URL)
			}

			for _, c := range []struct {
				prop string
				want time.Time
			}{{"DTSTART", w.Start}, {"DTEND", w.End}} {
				p := ev.Props.Get(c.prop)
				if p == nil {
					t.Fatalf("no %s", c.prop)
				}
				if tzid := p.Params.Get("TZID"); tzid != w.TZID {
					t.Errorf("%s;TZID=%q, want %q", c.prop, tzid, w.TZID)
				}
				if w.TZID == "" && !strings.HasSuffix(p.Value, "Z") {
					t.Errorf("%s = %q, want UTC with Z", c.prop, p.Value)
				}
				// go-ical resolves TZID with Go's own zone database...
				at, err := p.DateTime(nil)
				if err != nil || !at.Equal(c.want) {
					t.Errorf("%s parsed as %v (%v), want %v", c.prop, at, err, c.want)
				}
				// ...so resolve it with the VTIMEZONE written as well.
				if w.TZID != "" {
					tz, ok := tzs[w.TZID]
					if !ok {
						t.Fatalf("no VTIMEZONE for %s", w.TZID)
					}
					if at := tz.resolve(t, p.Value); !at.Equal(c.want) {
						t.Errorf("%s:%s resolved by the VTIMEZONE to %v, want %v", c.prop, p.Value, at, c.want)
					}
				}
			}
		})
	}
	if len(tzs) != 1 {
		t.Errorf("got VTIMEZONEs %v, want only Europe/London", tzs)
	}
	if tz := tzs["Europe/London"]; tz != nil {
		var kinds []string
		for _, o := range tz.obs {
			kinds = append(kinds, o.kind+" "+o.name)
		}
		// The GMT in force on 1 January 2026, then BST from March and GMT from October.
		if w := []string{"STANDARD GMT", "DAYLIGHT BST", "STANDARD GMT"}; !slices.Equal(kinds, w) {
			t.Errorf("Europe/London observances = %v, want %v", kinds, w)
		}
	}
}

// vtimezone is a VTIMEZONE read back by the test, independently of the code
// that wrote it.
type vtimezone struct {
	obs []observance // by onset
}

type observance struct {
	kind     string
	name     string
	onset    time.Time // the instant it starts
	from, to int       // seconds east of UTC
}

func timezones(tb testing.TB, cal *ical.Calendar) map[string]*vtimezone {
	tb.Helper()
	out := map[string]*vtimezone{}
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			continue
		}
		tz := &vtimezone{}
		for _, o := range c.Children {
			if o.Name != ical.CompTimezoneStandard && o.Name != ical.CompTimezoneDaylight {
				tb.Fatalf("unexpected %s in VTIMEZONE", o.Name)
			}
			if o.Props.Get("RRULE") != nil || o.Props.Get("RDATE") != nil {
				tb.Fatal("this reader only handles observances with one DTSTART")
			}
			start := o.Props.Get("DTSTART")
			if start == nil || start.Params.Get("TZID") != "" || strings.HasSuffix(start.Value, "Z") {
				tb.Fatalf("observance DTSTART must be a local time: %v", start)
			}
			local, err := time.Parse("20060102T150405", start.Value)
			if err != nil {
				tb.Fatal(err)
			}
			ob := observance{
				kind: o.Name,
				from: offset(tb, value(tb, o, "TZOFFSETFROM")),
				to:   offset(tb, value(tb, o, "TZOFFSETTO")),
			}
			if p := o.Props.Get("TZNAME"); p != nil {
				ob.name = p.Value
			}
			// The onset is written in the local time it replaces.
			ob.onset = local.Add(-time.Duration(ob.from) * time.Second)
			tz.obs = append(tz.obs, ob)
		}
		slices.SortFunc(tz.obs, func(a, b observance) int { return a.onset.Compare(b.onset) })
		out[text(tb, c, "TZID")] = tz
	}
	return out
}

func offset(tb testing.TB, s string) int {
	tb.Helper()
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		tb.Fatalf("bad UTC-OFFSET %q", s)
	}
	if s == "-0000" || s == "-000000" {
		tb.Fatalf("UTC-OFFSET %q is not allowed", s)
	}
	n := func(v string) int {
		i, err := strconv.Atoi(v)
		if err != nil {
			tb.Fatalf("bad UTC-OFFSET %q", s)
		}
		return i
	}
	sec := n(s[1:3])*3600 + n(s[3:5])*60
	if len(s) == 7 {
		sec += n(s[5:7])
	}
	if s[0] == '-' {
		sec = -sec
	}
	return sec
}

// offsetAt is the offset in force at instant t, or false before the first
// observance.
func (tz *vtimezone) offsetAt(t time.Time) (int, bool) {
	off, ok := 0, false
	for _, o := range tz.obs {
		if o.onset.After(t) {
			break
		}
		off, ok = o.to, true
	}
	return off, ok
}

// resolve turns a local DATE-TIME into an instant: the earliest instant
// whose local time it is (RFC 5545 3.3.5).
func (tz *vtimezone) resolve(tb testing.TB, value string) time.Time {
	tb.Helper()
	wall, err := time.Parse("20060102T150405", value)
	if err != nil {
		tb.Fatal(err)
	}
	var best time.Time
	for _, o := range tz.obs {
		for _, off := range []int{o.from, o.to} {
			at := wall.Add(-time.Duration(off) * time.Second)
			if got, ok := tz.offsetAt(at); ok && got == off && (best.IsZero() || at.Before(best)) {
				best = at
			}
		}
	}
	if best.IsZero() {
		tb.Fatalf("local time %s is not covered by the VTIMEZONE", value)
	}
	return best
}

// TestWrite_VTimezoneMatchesGo checks, hour by hour over the years the events
// span, that the VTIMEZONE written gives the offsets Go's zone database does,
// in zones with and without daylight saving, north and south, and with
// half-hour offsets.
func TestWrite_VTimezoneMatchesGo(t *testing.T) {
	for _, zone := range []string{"Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Africa/Casablanca"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustZone(t, zone)
			first := time.Date(2025, 6, 1, 12, 0, 0, 0, loc)
			last := time.Date(2027, 2, 1, 12, 0, 0, 0, loc)
			events := []calendar.Event{
				{UID: "a", TZID: zone, Start: first, End: first.Add(time.Hour), Updated: updated},
				{UID: "b", TZID: zone, Start: last, End: last.Add(time.Hour), Updated: updated},
			}
			tz := timezones(t, parse(t, write(t, "", events)))[zone]
			if tz == nil {
				t.Fatal("no VTIMEZONE")
			}
			from := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
			to := time.Date(2028, 1, 1, 0, 0, 0, 0, loc)
			for at := from; at.Before(to); at = at.Add(30 * time.Minute) {
				_, want := at.Zone()
				if got, ok := tz.offsetAt(at); !ok || got != want {
					t.Fatalf("at %v: VTIMEZONE offset %d (covered %v), Go's %d", at, got, ok, want)
				}
			}
		})
	}
}

// TestWrite_RepeatedHour: when the clocks go back a local time occurs twice
// and means the first; an instant in the second is written in UTC.
func TestWrite_RepeatedHour(t *testing.T) {
	london := mustZone(t, "Europe/London")
	firstOne := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)  // 01:30 BST
	secondOne := time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC) // 01:30 GMT
	if a, b := firstOne.In(london).Format("15:04"), secondOne.In(london).Format("15:04"); a != b {
		t.Fatalf("test premise: %s != %s", a, b)
	}
	out := write(t, "", []calendar.Event{
		{UID: "first", TZID: "Europe/London", Start: firstOne, End: firstOne.Add(20 * time.Minute), Updated: updated},
		{UID: "second", TZID: "Europe/London", Start: secondOne, End: secondOne.Add(20 * time.Minute), Updated: updated},
	})
	cal := parse(t, out)
	tz := timezones(t, cal)["Europe/London"]
	for i, want := range []time.Time{firstOne, secondOne} {
		p := cal.Events()[i].Props.Get("DTSTART")
		var at time.Time
		if p.Params.Get("TZID") != "" {
			at = tz.resolve(t, p.Value)
		} else {
			at, _ = p.DateTime(nil)
		}
		if !at.Equal(want) {
			t.Errorf("event %d DTSTART %v:%s means %v, want %v", i, p.Params, p.Value, at, want)
		}
	}
	if !strings.Contains(out, "DTSTART;TZID=Europe/London:20261025T013000\r\n") || !strings.Contains(out, "DTSTART:20261025T013000Z\r\n") {
		t.Errorf("want the first 01:30 in London time and the second in UTC:\n%s", out)
	}
}

func TestWrite_FoldsLongUTF8(t *testing.T) {
	location := strings.Repeat("Café Zürich — salle « Ève » 🧑‍🏫☕ 日本語 ", 8)
	summary := "Séance de mentorat 🎉 " + strings.Repeat("é", 100)
	ev := calendar.Event{
		UID: "fold@mentorvault", Start: updated, End: updated.Add(time.Hour), Updated: updated,
		Summary: summary, Location: location,
		URL: "https://mv.example/relationships/" + strings.Repeat("r", 90) + "/meetings/m1",
	}
	out := write(t, strings.Repeat("🗓️", 40), []calendar.Event{ev})
	if !strings.Contains(out, "\r\n ") {
		t.Fatal("nothing was folded")
	}
	un := unfold(out)
	for _, want := range []string{"LOCATION:" + location + "\r\n", "SUMMARY:" + summary + "\r\n", "URL:" + ev.URL + "\r\n"} {
		if !strings.Contains(un, want) {
			t.Errorf("unfolded output lacks %q", want)
		}
	}
	got := parse(t, out).Events()[0]
	if l := text(t, got.Component, "LOCATION"); l != location {
		t.Errorf("LOCATION = %q, want %q", l, location)
	}
	if s := text(t, got.Component, "SUMMARY"); s != summary {
		t.Errorf("SUMMARY = %q, want %q", s, summary)
	}
}

func TestWrite_EscapesText(t *testing.T) {
	for _, c := range []struct{ name, in, raw, want string }{
		{"specials", `a;b,c\d`, `a\;b\,c\\d`, `a;b,c\d`},
		{"newline", "one\ntwo", `one\ntwo`, "one\ntwo"},
		{"CRLF", "one\r\ntwo", `one\ntwo`, "one\ntwo"},
		{"CR", "one\rtwo", `one\ntwo`, "one\ntwo"},
		{"escape-like", `\n \; \,`, `\\n \\\; \\\,`, `\n \; \,`},
		{"controls dropped", "a\x00b\x07c\x7fd\te", "abcd\te", "abcd\te"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb", "a\uFFFDb"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := calendar.Event{UID: "esc;1,\\@mentorvault", Start: updated, End: updated.Add(time.Hour), Updated: updated, Summary: c.in, Location: c.in}
			out := write(t, c.in, []calendar.Event{ev})
			for _, p := range []string{"SUMMARY:", "LOCATION:", "X-WR-CALNAME:"} {
				if !strings.Contains(unfold(out), p+c.raw+"\r\n") {
					t.Errorf("want %s%s in\n%s", p, c.raw, out)
				}
			}
			cal := parse(t, out)
			got := cal.Events()[0]
			for _, p := range []string{"SUMMARY", "LOCATION"} {
				if v := text(t, got.Component, p); v != c.want {
					t.Errorf("%s = %q, want %q", p, v, c.want)
				}
			}
			if v := text(t, cal.Component, "X-WR-CALNAME"); v != c.want {
				t.Errorf("X-WR-CALNAME = %q, want %q", v, c.want)
			}
			if v := text(t, got.Component, "UID"); v != ev.UID {
				t.Errorf("UID = %q, want %q", v, ev.UID)
			}
		})
	}
}

func TestWrite_Deterministic(t *testing.T) {
	london := mustZone(t, "Europe/London")
	var events []calendar.Event
	for i := range 20 {
		start := time.Date(2026, 1, 1+i%7, 9, 0, 0, 0, london)
		tzid := ""
		if i%2 == 0 {
			tzid = "Europe/London"
		}
		if i%3 == 0 {
			tzid = "America/New_York"
		}
		events = append(events, calendar.Event{UID: "m" + strconv.Itoa(i), TZID: tzid, Start: start, End: start.Add(time.Hour), Updated: updated})
	}
	first := write(t, "x", events)
	slices.Reverse(events)
	if again := write(t, "x", events); again != first {
		t.Error("the same events in another order gave different output")
	}
	cal := parse(t, first)
	if first := cal.Children[0]; first.Name != ical.CompTimezone || text(t, first, "TZID") != "America/New_York" {
		t.Errorf("want the VTIMEZONEs first, sorted by TZID")
	}
}

func TestWrite_Empty(t *testing.T) {
	out := write(t, "", nil)
	want := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mentorvault//mentorvault//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
	if strings.Contains(out, "X-WR-CALNAME") {
		t.Error("an unnamed calendar has a name")
	}
	parse(t, out)
}

func TestWrite_UTCZoneIsZ(t *testing.T) {
	out := write(t, "", []calendar.Event{{UID: "u", TZID: "UTC", Start: updated, End: updated.Add(time.Hour), Updated: updated}})
	if strings.Contains(out, "VTIMEZONE") || !strings.Contains(out, "DTSTART:20260301T091500Z\r\n") {
		t.Errorf("TZID UTC should be written with Z:\n%s", out)
	}
}

func TestWrite_Invalid(t *testing.T) {
	ok := calendar.Event{UID: "ok", Start: updated, End: updated.Add(time.Hour), Updated: updated}
	for name, mutate := range map[string]func(*calendar.Event){
		"no UID":            func(e *calendar.Event) { e.UID = "" },
		"no start":          func(e *calendar.Event) { e.Start = time.Time{} },
		"no end":            func(e *calendar.Event) { e.End = time.Time{} },
		"ends before start": func(e *calendar.Event) { e.End = e.Start.Add(-time.Minute) },
		"no updated":        func(e *calendar.Event) { e.Updated = time.Time{} },
		"unknown zone":      func(e *calendar.Event) { e.TZID = "Mars/Olympus_Mons" },
		"Local zone":        func(e *calendar.Event) { e.TZID = "Local" },
		"URL with newline":  func(e *calendar.Event) { e.URL = "https://x.example/\r\nX-EVIL:1" },
		"URL not UTF-8":     func(e *calendar.Event) { e.URL = "https://x.example/\xff" },
	} {
		t.Run(name, func(t *testing.T) {
			bad := ok
			mutate(&bad)
			var b bytes.Buffer
			if err := calendar.Write(&b, "", []calendar.Event{ok, bad}); err == nil {
				t.Fatal("want an error")
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", b.Len())
			}
		})
	}
}

// FuzzWrite: whatever the summary and location, the output parses, every line
// is at most 75 octets, and text without control characters round-trips.
func FuzzWrite(f *testing.F) {
	for _, s := range [][2]string{
		{"", ""},
		{"Mentoring session", "https://meet.example/x?a=1,2;b"},
		{`a;b,c\d` + "\nx", "Café 🧑‍🏫 " + strings.Repeat("é", 80)},
		{"\r\n\r", "\x00\x7f\xff\xfe"},
		{strings.Repeat("🎉", 30), strings.Repeat(`\`, 100)},
		{" leading space", "\ttab"},
	} {
		f.Add(s[0], s[1])
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, summary, location string) {
		start := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
		events := []calendar.Event{
			{UID: calendar.UID("a"), Start: start, End: start.Add(time.Hour), Updated: updated, Summary: summary, Location: location},
			{UID: calendar.UID("b"), TZID: "Europe/London", Start: start.In(london), End: start.Add(2 * time.Hour), Updated: updated, Summary: location, Location: summary, Cancelled: true},
		}
		out := write(t, summary, events)
		cal := parse(t, out)
		got := cal.Events()
		if len(got) != 2 {
			t.Fatalf("got %d events", len(got))
		}
		plain := func(s string) bool {
			return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
				return (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f
			})
		}
		check := func(ev ical.Event, prop, in string) {
			p := ev.Props.Get(prop)
			if p == nil {
				if prop == "LOCATION" && !strings.ContainsFunc(in, func(r rune) bool { return r >= 0x20 && r != 0x7f || r == '\t' || r == '\n' || r == '\r' }) {
					return // nothing printable: omitted
				}
				t.Fatalf("no %s for %q", prop, in)
			}
			v, err := p.Text()
			if err != nil {
				t.Fatalf("%s: %v", prop, err)
			}
			if !utf8.ValidString(v) {
				t.Errorf("%s is not valid UTF-8: %q", prop, v)
			}
			want := in
			if prop == "SUMMARY" && want == "" {
				want = calendar.DefaultSummary
			}
			if plain(in) && v != want {
				t.Errorf("%s = %q, want %q", prop, v, want)
			}
		}
		check(got[0], "SUMMARY", summary)
		check(got[0], "LOCATION", location)
		check(got[1], "SUMMARY", location)
		check(got[1], "LOCATION", summary)
		for i, ev := range got {
			at, err := ev.DateTimeStart(nil)
			if err != nil || !at.Equal(events[i].Start) {
				t.Errorf("event %d starts %v (%v), want %v", i, at, err, events[i].Start)
			}
		}
	})
}

// Package calendar writes meetings as iCalendar (RFC 5545): the .ics file of
// one meeting and a user's subscription feed.
//
// An event carries no confidential content — no agenda, no notes — only the
// time, a neutral title, the place and a link back to the meeting page.
// Everything is written by hand with the standard library: the format is
// small, and doing it here keeps folding, escaping and time zones under test.
package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ProductID is the PRODID of every calendar written.
const ProductID = "-//mentorvault//mentorvault//EN"

// DefaultSummary is the neutral title of an event with no Summary.
const DefaultSummary = "Mentoring session"

// maxLine is the longest content line RFC 5545 allows, in octets, without
// the CRLF (section 3.1).
const maxLine = 75

// Event is one meeting as the calendar sees it: no confidential content.
type Event struct {
	UID       string    // stable: "<meeting-id>@mentorvault" (see UID)
	Sequence  int       // bumped on each change
	Start     time.Time // written to the second
	End       time.Time // written to the second; not before Start
	Summary   string    // neutral by default: DefaultSummary when empty
	Location  string    // a place or a video link (not content); may be empty
	URL       string    // link back to the meeting page, e.g. https://host/relationships/{id}/meetings/{mid}
	Cancelled bool      // STATUS:CANCELLED
	Updated   time.Time // DTSTAMP / LAST-MODIFIED; required
	TZID      string    // IANA zone to express times in (e.g. "Europe/London"); "" → UTC with Z
	Organizer string    // an invitation's organiser's address (iMIP); "" in feeds
	Attendees []string  // an invitation's attendees' addresses (iMIP)
}

// UID is the stable calendar identity of a meeting.
func UID(meetingID string) string { return meetingID + "@mentorvault" }

// Write writes a VCALENDAR (METHOD:PUBLISH) with one VEVENT per event, sorted
// by start then UID, and a VTIMEZONE for each TZID used, generated from Go's
// time zone database for the years the events span. The calendar is named
// (X-WR-CALNAME, NAME) when name is not empty.
//
// Text (name, summary, location) is written as RFC 5545 TEXT: invalid UTF-8
// becomes U+FFFD, line breaks become \n, other control characters are
// dropped. Write returns an error, and writes nothing, when an event has no
// UID, no start, end or updated time, ends before it starts, has an unknown
// TZID, or a URL with control characters or invalid UTF-8.
func Write(w io.Writer, name string, events []Event) error {
	return write(w, "PUBLISH", name, events)
}

// WriteInvitation writes one event as an iMIP invitation (RFC 6047): with
// METHOD:REQUEST to schedule or change it (a higher Sequence replaces what
// the attendee has under the same UID), or METHOD:CANCEL, and STATUS:CANCELLED,
// when Cancelled. It checks the event as Write does.
func WriteInvitation(w io.Writer, e Event) error {
	method := "REQUEST"
	if e.Cancelled {
		method = "CANCEL"
	}
	return write(w, method, "", []Event{e})
}

func write(w io.Writer, method, name string, events []Event) error {
	evs := slices.Clone(events)
	zones := map[string]*zoneSpan{}
	for i := range evs {
		e := &evs[i]
		if err := e.check(); err != nil {
			return err
		}
		if e.TZID == "" {
			continue
		}
		loc, err := loadZone(e.TZID)
		if err != nil {
			return fmt.Errorf("calendar: event %q: %w", e.UID, err)
		}
		if loc == time.UTC {
			e.TZID = "" // "UTC" is written as Z: no VTIMEZONE needed
			continue
		}
		z := zones[e.TZID]
		if z == nil {
			z = &zoneSpan{loc: loc, from: e.Start, to: e.End}
			zones[e.TZID] = z
		}
		z.from, z.to = minTime(z.from, e.Start), maxTime(z.to, e.End)
	}
	slices.SortStableFunc(evs, func(a, b Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.UID, b.UID)
	})

	var b bytes.Buffer
	line(&b, "BEGIN:VCALENDAR")
	line(&b, "VERSION:2.0")
	line(&b, "PRODID:"+escapeText(ProductID))
	line(&b, "CALSCALE:GREGORIAN")
	line(&b, "METHOD:"+method)
	if name != "" {
		line(&b, "X-WR-CALNAME:"+escapeText(name))
		line(&b, "NAME:"+escapeText(name))
	}
	tzids := make([]string, 0, len(zones))
	for id := range zones {
		tzids = append(tzids, id)
	}
	slices.Sort(tzids)
	for _, id := range tzids {
		writeTimezone(&b, id, zones[id])
	}
	for i := range evs {
		var loc *time.Location
		if evs[i].TZID != "" {
			loc = zones[evs[i].TZID].loc
		}
		writeEvent(&b, &evs[i], loc)
	}
	line(&b, "END:VCALENDAR")
	_, err := w.Write(b.Bytes())
	return err
}

func (e *Event) check() error {
	switch {
	case e.UID == "":
		return errors.New("calendar: an event has no UID")
	case e.Start.IsZero() || e.End.IsZero():
		return fmt.Errorf("calendar: event %q has no start or end", e.UID)
	case e.End.Before(e.Start):
		return fmt.Errorf("calendar: event %q ends before it starts", e.UID)
	case e.Updated.IsZero():
		return fmt.Errorf("calendar: event %q has no updated time", e.UID)
	case !utf8.ValidString(e.URL) || strings.IndexFunc(e.URL, isControl) >= 0:
		return fmt.Errorf("calendar: event %q has a URL that is not one line of valid UTF-8", e.UID)
	}
	return nil
}

func loadZone(tzid string) (*time.Location, error) {
	if tzid == "Local" || strings.IndexFunc(tzid, isControl) >= 0 || strings.Contains(tzid, `"`) {
		return nil, fmt.Errorf("unknown time zone %q", tzid)
	}
	return time.LoadLocation(tzid)
}

func writeEvent(b *bytes.Buffer, e *Event, loc *time.Location) {
	line(b, "BEGIN:VEVENT")
	line(b, "UID:"+escapeText(e.UID))
	line(b, "DTSTAMP:"+utcStamp(e.Updated))
	line(b, "LAST-MODIFIED:"+utcStamp(e.Updated))
	line(b, "DTSTART"+dateTime(e.Start, e.TZID, loc))
	line(b, "DTEND"+dateTime(e.End, e.TZID, loc))
	line(b, fmt.Sprintf("SEQUENCE:%d", max(e.Sequence, 0)))
	if e.Cancelled {
		line(b, "STATUS:CANCELLED")
	} else {
		line(b, "STATUS:CONFIRMED")
	}
	summary := escapeText(e.Summary)
	if summary == "" {
		summary = DefaultSummary
	}
	line(b, "SUMMARY:"+summary)
	if l := escapeText(e.Location); l != "" {
		line(b, "LOCATION:"+l)
	}
	if e.URL != "" {
		line(b, "URL:"+e.URL)
	}
	if e.Organizer != "" {
		line(b, "ORGANIZER:mailto:"+escapeText(e.Organizer))
	}
	for _, a := range e.Attendees {
		line(b, "ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:"+escapeText(a))
	}
	line(b, "END:VEVENT")
}

const (
	localFormat = "20060102T150405"
	utcFormat   = "20060102T150405Z"
)

func utcStamp(t time.Time) string { return t.UTC().Format(utcFormat) }

// dateTime is a DTSTART/DTEND's parameters and value, from the colon on: in
// loc with a TZID parameter, or in UTC. A local time that occurs twice (when
// clocks go back) means its first occurrence (RFC 5545 3.3.5), so an instant
// in the second one is written in UTC rather than moved an hour.
func dateTime(t time.Time, tzid string, loc *time.Location) string {
	t = t.Truncate(time.Second)
	if loc == nil || !firstOccurrence(t, loc) {
		return ":" + utcStamp(t)
	}
	return ";TZID=" + paramValue(tzid) + ":" + t.In(loc).Format(localFormat)
}

// firstOccurrence reports whether t is the earliest instant whose wall clock
// in loc reads what t's does.
func firstOccurrence(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	_, off := lt.Zone()
	wall := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, time.UTC)
	// A zone changes its offset at most once a day in practice; the offsets
	// a day either side cover the other reading of an ambiguous wall clock.
	for _, probe := range []time.Time{t.Add(-26 * time.Hour), t.Add(26 * time.Hour)} {
		_, o := probe.In(loc).Zone()
		if o <= off {
			continue // that reading would be later, not earlier
		}
		cand := wall.Add(-time.Duration(o) * time.Second)
		if cand.Before(t) && cand.In(loc).Format(localFormat) == lt.Format(localFormat) {
			return false
		}
	}
	return true
}

// paramValue quotes a parameter value when it holds a character that ends one.
func paramValue(v string) string {
	if strings.ContainsAny(v, ";:,") {
		return `"` + v + `"`
	}
	return v
}

// zoneSpan is a time zone used by the events and the instants they span.
type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

// writeTimezone writes a VTIMEZONE covering whole years from the first
// event's to the last event's: one observance for the offset in force at the
// start of the range, then one per transition Go's zone database knows of.
// Each observance has a single DTSTART (the onset, in the local time it
// replaces), so no recurrence rule has to agree with the database.
func writeTimezone(b *bytes.Buffer, tzid string, z *zoneSpan) {
	from := time.Date(z.from.In(z.loc).Year(), time.January, 1, 0, 0, 0, 0, z.loc)
	to := time.Date(z.to.In(z.loc).Year()+1, time.January, 1, 0, 0, 0, 0, z.loc)

	line(b, "BEGIN:VTIMEZONE")
	line(b, "TZID:"+escapeText(tzid))
	start, end := from.ZoneBounds()
	if start.IsZero() {
		// No earlier transition: the offset holds from the start of the range.
		_, off := from.Zone()
		writeObservance(b, from, off, from)
	} else {
		_, before := start.Add(-time.Second).Zone()
		writeObservance(b, start, before, start)
	}
	for !end.IsZero() && end.Before(to) {
		_, before := end.Add(-time.Second).Zone()
		writeObservance(b, end, before, end)
		_, end = end.ZoneBounds()
	}
	line(b, "END:VTIMEZONE")
}

// writeObservance writes the STANDARD or DAYLIGHT component for the zone in
// force at t (in its location) from onset, whose previous offset was fromOff.
func writeObservance(b *bytes.Buffer, t time.Time, fromOff int, onset time.Time) {
	name, off := t.Zone()
	kind := "STANDARD"
	if t.IsDST() {
		kind = "DAYLIGHT"
	}
	line(b, "BEGIN:"+kind)
	local := onset.UTC().Add(time.Duration(fromOff) * time.Second)
	line(b, "DTSTART:"+local.Format(localFormat))
	line(b, "TZOFFSETFROM:"+utcOffset(fromOff))
	line(b, "TZOFFSETTO:"+utcOffset(off))
	if name != "" {
		line(b, "TZNAME:"+escapeText(name))
	}
	line(b, "END:"+kind)
}

// utcOffset formats seconds east of UTC as a UTC-OFFSET: ±hhmm[ss], and
// +0000 for zero (RFC 5545 3.3.14 forbids -0000).
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// escapeText makes s a TEXT value (RFC 5545 3.3.11): backslash, semicolon
// and comma escaped, any line break as \n; invalid UTF-8 becomes U+FFFD and
// other control characters, which TEXT cannot hold, are dropped.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\n' || r == '\r':
			sb.WriteString(`\n`)
		case isControl(r):
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// isControl reports whether r is a CONTROL character of RFC 5545 (3.1):
// US-ASCII controls other than HTAB, and DEL.
func isControl(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f }

// line writes one content line, folded so no line exceeds 75 octets: a
// continuation starts with a space and no UTF-8 sequence is split.
func line(b *bytes.Buffer, s string) {
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

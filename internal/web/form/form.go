// Package form turns the web pages' posted forms into the services' inputs
// and the problems of each field, so a page can show them beside what was
// typed. A parser judges only what the form adds to the input (a date
// typed as text, a time zone, a choice between "me" and "other"); what the
// service validates, it leaves to the service.
package form

import (
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the time-zone choices work without a system zoneinfo
)

// Problems are a form's per-field problems, keyed by the posted field's
// name, each worded as the page shows it.
type Problems map[string]string

// TimeZones are the zones the meeting and disclosure forms offer; times
// entered are read in the chosen zone, and every time is shown in UTC.
var TimeZones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Amsterdam", "Europe/Warsaw", "Europe/Helsinki", "America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Sao_Paulo", "Africa/Johannesburg", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
	"Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"}

// Zone is the posted time zone's name: "UTC" when none was chosen.
func Zone(tz string) string {
	if tz == "" {
		return "UTC"
	}
	return tz
}

// location is the zone named tz: one of TimeZones, or another IANA name
// (the viewer's own zone, which the forms offer first); any other name is
// a problem of the "tz" field, and times are then read in UTC.
func location(tz string, p Problems) *time.Location {
	name := Zone(tz)
	if slices.Contains(TimeZones, name) || (name != "Local" && len(name) <= 64 && strings.Contains(name, "/") &&
		strings.IndexFunc(name, func(r rune) bool { return r < 0x21 || r > 0x7e }) < 0) {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	p["tz"] = "Choose a time zone from the list."
	return time.UTC
}

// localTime reads a datetime-local field ("2026-03-01T14:30", seconds
// optional) in loc. The zero time is no time: the service takes it as none.
func localTime(s string, loc *time.Location, seconds bool) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	if err != nil && seconds {
		t, err = time.ParseInLocation("2006-01-02T15:04:05", s, loc)
	}
	return t, err == nil && !t.IsZero()
}

// date reads a date field ("2026-03-01") as the UTC midnight starting it.
func date(s string) (time.Time, bool) {
	d, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	return d, err == nil
}

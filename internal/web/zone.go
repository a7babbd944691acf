package web

import (
	"html/template"
	"net/http"
	"time"
)

// Every time a page shows is in the viewer's time zone (their setting,
// service.Header.Zone, read with their session; UTC for someone signed
// out or who chose none), with the zone's abbreviation, and a time typed
// into a form is read in the zone the form offers first, the viewer's.
// This is the one mechanism: Go code formats through a zone (h.zone(r)),
// templates through the date, datep, when and timefmt funcs that render
// binds to the same zone.

// zone formats times for one viewer.
type zone struct{ loc *time.Location }

// whenFmt is how a page writes a date and time.
const whenFmt = "Mon 2 Jan 2006, 15:04 MST"

// zone is the viewer's zone of r.
func (h *Handler) zone(r *http.Request) zone {
	if hd := headerFrom(r.Context()); hd != nil && hd.Zone != nil {
		return zone{hd.Zone}
	}
	return zone{time.UTC}
}

func (z zone) location() *time.Location {
	if z.loc == nil {
		return time.UTC
	}
	return z.loc
}

// when is an instant as a date and time with the zone's abbreviation.
func (z zone) when(t time.Time) string { return t.In(z.location()).Format(whenFmt) }

// date is the day an instant falls on in the zone.
func (z zone) date(t time.Time) string { return t.In(z.location()).Format("2 Jan 2006") }

// format is an instant in the zone, written with layout.
func (z zone) format(t time.Time, layout string) string { return t.In(z.location()).Format(layout) }

// input is an instant as a datetime-local form value in the zone.
func (z zone) input(t time.Time) string { return t.In(z.location()).Format("2006-01-02T15:04") }

// name is the zone's IANA name ("UTC" for UTC), what the forms' zone
// choice shows selected.
func (z zone) name() string { return z.location().String() }

// funcs are the template funcs that show times, bound to z.
func (z zone) funcs() template.FuncMap {
	return template.FuncMap{
		"date": z.date,
		"datep": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return z.date(*t)
		},
		"when":    z.when,
		"timefmt": func(t time.Time, layout string) string { return z.format(t, layout) },
		"zone":    z.name,
	}
}

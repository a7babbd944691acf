package form

import (
	"net/url"
	"slices"
	"strings"
)

// EmailSettings is the email settings form: a time zone and a mode per kind.
type EmailSettings struct {
	TimeZone string            // "" is UTC
	Modes    map[string]string // kind → immediate, digest or off
}

// ModePrefix starts the name of each kind's field: "mode:meeting.changed".
const ModePrefix = "mode:"

// ParseEmailSettings reads the email settings form: time_zone, one of
// TimeZones, and a mode:KIND field per kind. Which kinds and modes exist
// the service judges.
func ParseEmailSettings(v url.Values) (EmailSettings, Problems) {
	p := Problems{}
	out := EmailSettings{Modes: map[string]string{}}
	tz := Zone(v.Get("time_zone"))
	if !slices.Contains(TimeZones, tz) {
		p["time_zone"] = "Choose a time zone from the list."
	} else if tz != "UTC" {
		out.TimeZone = tz
	}
	for name, vals := range v {
		if kind, ok := strings.CutPrefix(name, ModePrefix); ok && len(vals) > 0 {
			out.Modes[kind] = vals[0]
		}
	}
	if len(p) == 0 {
		p = nil
	}
	return out, p
}

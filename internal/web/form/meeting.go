package form

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/mentorvault/mentorvault/internal/service"
)

// ParseMeeting reads a meeting's form (starts_at in the zone tz, minutes,
// location, agenda); the length's range and the texts are the service's to judge.
func ParseMeeting(v url.Values) (service.MeetingInput, Problems) {
	p := Problems{}
	loc := location(v.Get("tz"), p)
	in := service.MeetingInput{Location: strings.TrimSpace(v.Get("location")), Agenda: v.Get("agenda")}
	switch when := strings.TrimSpace(v.Get("starts_at")); {
	case when == "":
		p["starts_at"] = "Enter the date and time the meeting starts."
	default:
		t, ok := localTime(when, loc, true)
		if !ok {
			p["starts_at"] = "Enter a date and time like 2026-03-01 14:30."
		}
		in.StartsAt = t
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Get("minutes")))
	if err != nil {
		p["minutes"] = "Enter the length in minutes, from 5 to 480."
	}
	in.Minutes = n
	return in, p
}

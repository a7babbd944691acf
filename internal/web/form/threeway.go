package form

import (
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault/internal/service"
)

// ParseThreeWay reads a three-way meeting's form: a meeting's fields
// (without an agenda) and the brief, which must not be blank.
func ParseThreeWay(v url.Values) (service.ThreeWayInput, Problems) {
	m, p := ParseMeeting(v)
	brief := v.Get("brief")
	if strings.TrimSpace(brief) == "" {
		p["brief"] = "Write the brief: what may be said in the meeting, and how."
	}
	return service.ThreeWayInput{Brief: brief, StartsAt: m.StartsAt, Minutes: m.Minutes, Location: m.Location}, p
}

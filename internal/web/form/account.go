package form

import (
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
)

// ParseEmailChange reads the new-email-address form: one line (the
// service judges whether it is an address).
func ParseEmailChange(v url.Values) (string, Problems) {
	email := strings.TrimSpace(v.Get("email"))
	if msg := mentorvault.TextProblem(email, false); msg != "" {
		return email, Problems{"email": "The email " + msg + "."}
	}
	if email == "" {
		return email, Problems{"email": "Enter the new email address."}
	}
	return email, nil
}

// ParseTimeZone reads the time-zone form: an IANA name such as
// Europe/London ("UTC" or none is UTC, ""); whether the zone exists the
// service judges.
func ParseTimeZone(v url.Values) (string, Problems) {
	tz := strings.TrimSpace(v.Get("time_zone"))
	if msg := mentorvault.TextProblem(tz, false); msg != "" || len(tz) > 64 {
		return "", Problems{"time_zone": "Choose a time zone from the list."}
	}
	if tz == "UTC" {
		tz = ""
	}
	return tz, nil
}

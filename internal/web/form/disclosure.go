package form

import (
	"net/url"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault/internal/service"
)

// ParseDisclosure reads a joint disclosure plan's form, or a notice's
// (notice): who discloses (the caller, or for a plan the other party,
// other), to
// whom (a member by recipient_email, or someone outside by recipient_name),
// how, what, and when (effective_at in the zone tz; a plan without a time,
// or a notice made at_once, takes effect now).
func ParseDisclosure(v url.Values, notice bool, other string, now time.Time) (service.DisclosureInput, Problems) {
	p := Problems{}
	atOnce := notice && v.Get("at_once") == "yes"
	in := service.DisclosureInput{How: strings.TrimSpace(v.Get("how")), Content: v.Get("content"), Imminent: atOnce}
	if !notice && v.Get("discloser") == "other" {
		in.DiscloserID = other
	}
	if v.Get("to") == "outside" {
		in.RecipientName = strings.TrimSpace(v.Get("recipient_name"))
	} else if in.RecipientEmail = strings.TrimSpace(v.Get("recipient_email")); in.RecipientEmail == "" {
		p["recipient_email"] = "Enter the email of the person in your organisation who will be told."
	}
	switch when := strings.TrimSpace(v.Get("effective_at")); {
	case atOnce:
		in.EffectiveAt = now
	case when == "" && !notice:
		in.EffectiveAt = now // a plan takes effect when both have signed
	case when == "":
		p["effective_at"] = "Enter when the disclosure will take effect."
	default:
		t, ok := localTime(when, location(v.Get("tz"), p), false)
		if !ok {
			p["effective_at"] = "Enter a date and time like 2026-03-01 14:30."
		}
		in.EffectiveAt = t
	}
	return in, p
}

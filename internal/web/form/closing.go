package form

import (
	"net/url"

	"github.com/mentorvault/mentorvault/internal/service"
)

// ParseClose reads the closing form: the optional message for the
// partner (the reason) and the open items ticked as settled.
func ParseClose(v url.Values) (service.CloseInput, Problems) {
	return service.CloseInput{Reason: v.Get("message"), Settled: v["settled"]}, nil
}

// ParseHold reads the legal hold form: its reason.
func ParseHold(v url.Values) (string, Problems) { return v.Get("reason"), nil }

package form

import (
	"net/url"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault/internal/service"
)

// ParseInputRequest reads a request for input: whom (asked_email), for
// what purpose, the question, and the deadline, a date answered by the end
// of that day (UTC).
func ParseInputRequest(v url.Values) (service.InputRequestInput, Problems) {
	p := Problems{}
	in := service.InputRequestInput{AskedEmail: v.Get("asked_email"), Purpose: strings.TrimSpace(v.Get("purpose")), Question: v.Get("question")}
	switch dl := strings.TrimSpace(v.Get("deadline")); {
	case dl == "":
		p["deadline"] = "Enter the date by which you need an answer."
	default:
		d, ok := date(dl)
		if !ok {
			p["deadline"] = "Enter a date like 2026-03-01."
			break
		}
		in.Deadline = d.Add(24*time.Hour - time.Second)
	}
	return in, p
}

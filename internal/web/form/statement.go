package form

import (
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault/internal/service"
)

// ParseStatement reads a statement's draft or edit form (body); the
// checker and the service judge what it says.
func ParseStatement(v url.Values) (string, Problems) { return v.Get("body"), nil }

// ParseSummary reads a shared summary's form (recipient_email, purpose, body).
func ParseSummary(v url.Values) (service.SummaryInput, Problems) {
	return service.SummaryInput{RecipientEmail: strings.TrimSpace(v.Get("recipient_email")), Purpose: strings.TrimSpace(v.Get("purpose")),
		Body: v.Get("body")}, nil
}

// Decision is the subject's answer to a statement: consent, changes or
// refusal, with a comment.
type Decision struct {
	Decision, Comment string
}

// ParseDecision reads the subject's decision on a statement (decision, comment).
func ParseDecision(v url.Values) (Decision, Problems) {
	return Decision{Decision: v.Get("decision"), Comment: strings.TrimSpace(v.Get("comment"))}, nil
}

// ParseDecline reads the reply that declines a request for input (reply).
func ParseDecline(v url.Values) (string, Problems) { return v.Get("reply"), nil }

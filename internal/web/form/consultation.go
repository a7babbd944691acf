package form

import (
	"net/url"
	"strings"
)

// Consultation is a consultation being started: the supervisor asked, the
// question, and which parts of the concern (if any) to share.
type Consultation struct {
	SupervisorID, ConcernID, Message string
	ShareCategory, ShareDescription  bool
}

// ParseConsultation reads the form that starts a consultation; a blank
// message is a problem, as there is nothing to ask.
func ParseConsultation(v url.Values) (Consultation, Problems) {
	c := Consultation{SupervisorID: v.Get("supervisor_id"), ConcernID: v.Get("concern_id"), Message: v.Get("message"),
		ShareCategory: v.Get("share_category") == "yes", ShareDescription: v.Get("share_description") == "yes"}
	if strings.TrimSpace(c.Message) == "" {
		return c, Problems{"message": "Write what you would like the supervisor's guidance on."}
	}
	return c, nil
}

// ParseReply reads a message posted to a consultation's thread (body).
func ParseReply(v url.Values) (string, Problems) { return v.Get("body"), nil }

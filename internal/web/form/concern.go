package form

import (
	"net/url"

	"github.com/mentorvault/mentorvault"
)

// Concern is a concern being raised.
type Concern struct {
	Category    mentorvault.ConcernCategory
	Description string
	Imminent    bool
}

// ParseConcern reads the form that raises a concern: its category, a
// description, and imminent "yes" for an imminent danger.
func ParseConcern(v url.Values) (Concern, Problems) {
	return Concern{Category: mentorvault.ConcernCategory(v.Get("category")), Description: v.Get("description"), Imminent: v.Get("imminent") == "yes"}, nil
}

// ConcernStep is a step of a concern's protocol: a view, duties or a comment.
type ConcernStep struct {
	Kind   mentorvault.ConcernStepKind
	Answer string
	Body   string
}

// ParseConcernStep reads a concern step's form (kind, answer, body).
func ParseConcernStep(v url.Values) (ConcernStep, Problems) {
	return ConcernStep{Kind: mentorvault.ConcernStepKind(v.Get("kind")), Answer: v.Get("answer"), Body: v.Get("body")}, nil
}

// ConcernClose is how a concern is closed, and what then becomes of the relationship.
type ConcernClose struct {
	Outcome mentorvault.ConcernStatus
	Then    mentorvault.LifecycleAction
}

// ParseConcernClose reads the form that closes a concern (outcome, relationship).
func ParseConcernClose(v url.Values) (ConcernClose, Problems) {
	return ConcernClose{Outcome: mentorvault.ConcernStatus(v.Get("outcome")), Then: mentorvault.LifecycleAction(v.Get("relationship"))}, nil
}

package form

import (
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
)

// ParseGoal reads a new goal's form: its title.
func ParseGoal(v url.Values) (string, Problems) { return v.Get("title"), nil }

// Progress is a goal's progress: a note, a new status, or both.
type Progress struct {
	Body   string
	Status mentorvault.GoalStatus
}

// ParseProgress reads a goal's progress form (body, status).
func ParseProgress(v url.Values) (Progress, Problems) {
	return Progress{Body: strings.TrimSpace(v.Get("body")), Status: mentorvault.GoalStatus(v.Get("status"))}, nil
}

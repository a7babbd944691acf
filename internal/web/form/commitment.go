package form

import (
	"net/url"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault/internal/service"
)

// ParseCommitment reads a commitment's form: owner "other" is the other
// party (other), anything else the one posting (me); due is a date, the
// promise kept by the end of that day (UTC).
func ParseCommitment(v url.Values, me, other string) (service.CommitmentInput, Problems) {
	p := Problems{}
	in := service.CommitmentInput{OwnerID: me, Description: v.Get("description"), GoalID: v.Get("goal_id")}
	if v.Get("owner") == "other" {
		in.OwnerID = other
	}
	switch due := strings.TrimSpace(v.Get("due")); {
	case due == "":
		p["due"] = "is required: by when is it promised?"
	default:
		d, ok := date(due)
		if !ok {
			p["due"] = "must be a date like 2026-03-01"
			break
		}
		in.DueAt = d.Add(24*time.Hour - time.Minute)
	}
	return in, p
}

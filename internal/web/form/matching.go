package form

import (
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// ParseMatchProposals reads the matching page's bulk proposal: the ticked
// mentees ("mentee", each a mentee's ID) and, for each row, the mentor
// chosen for its mentee ("mentor", each "menteeID:mentorID"). A ticked
// mentee is proposed with the mentor chosen on their row; an unticked
// row is left out. Problems are by field: a value that is not a line of
// text, a mentor choice that names no mentee, a ticked mentee without a
// mentor chosen.
func ParseMatchProposals(v map[string][]string) ([]service.MatchProposal, Problems) {
	p := Problems{}
	chosen := map[string]string{}
	for _, m := range v["mentor"] {
		mentee, mentor, ok := strings.Cut(m, ":")
		if !mentorvault.CleanLine(m) || !ok || mentee == "" || mentor == "" {
			p["mentor"] = "Choose each mentor from the list."
			continue
		}
		chosen[mentee] = mentor
	}
	var out []service.MatchProposal
	for _, id := range v["mentee"] {
		if !mentorvault.CleanLine(id) || id == "" {
			p["mentee"] = "Tick the mentees from the list."
			continue
		}
		mentor, ok := chosen[id]
		if !ok {
			p["mentee"] = "Choose a mentor for every ticked mentee."
			continue
		}
		out = append(out, service.MatchProposal{MenteeID: id, MentorID: mentor})
	}
	if len(p) == 0 && len(out) == 0 {
		p["mentee"] = "Tick at least one pair to propose."
	}
	return out, p
}

package api

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/match"
	"github.com/mentorvault/mentorvault/internal/service"
)

type suggestedPairJSON struct {
	Mentor  personJSON `json:"mentor"`
	Percent int        `json:"percent"`
	Reasons []string   `json:"reasons"`
}

type menteeSuggestionsJSON struct {
	Mentee       personJSON          `json:"mentee"`
	Assigned     *suggestedPairJSON  `json:"assigned"`
	Why          string              `json:"why,omitempty"`
	Alternatives []suggestedPairJSON `json:"alternatives"`
}

type matchPlanJSON struct {
	ProgrammeID    string                  `json:"programme_id"`
	Objective      string                  `json:"objective"`
	Weights        map[string]int          `json:"weights"`
	DepartmentRule string                  `json:"department_rule"`
	Mentors        int                     `json:"mentors"`
	SlotsLeft      int                     `json:"slots_left"`
	Matched        int                     `json:"matched"`
	AveragePercent int                     `json:"average_percent"`
	AlreadyPaired  int                     `json:"already_paired"`
	RuledOut       map[string]int          `json:"ruled_out"`
	Mentees        []menteeSuggestionsJSON `json:"mentees"`
}

func pairOut(p service.SuggestedPair) suggestedPairJSON {
	reasons := p.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	return suggestedPairJSON{Mentor: personJSON{ID: p.Mentor.ID, Name: p.Mentor.Name, Email: p.Mentor.Email}, Percent: p.Percent, Reasons: reasons}
}

// Matches serves GET /api/v1/programmes/{id}/matches: the suggested
// assignment of the programme's enrolled mentees to its mentors, under the
// weights and objective the query gives (its coordinators only).
func (h *Handler) Matches(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (matchPlanJSON, error) {
		crit, obj, bad := match.FromQuery(r.URL.Query())
		if len(bad) > 0 {
			return matchPlanJSON{}, mentorvault.Invalid("the matching criteria are not valid", bad)
		}
		plan, err := h.svc.MatchSuggestions(r.Context(), httpx.Principal(r), r.PathValue("id"), service.MatchRequest{Criteria: crit, Objective: obj})
		if err != nil {
			return matchPlanJSON{}, err
		}
		out := matchPlanJSON{ProgrammeID: plan.Programme.ID, Objective: string(plan.Request.Objective), Weights: map[string]int{},
			DepartmentRule: plan.Request.Criteria.Department, Mentors: plan.Mentors, SlotsLeft: plan.SlotsLeft, Matched: plan.Matched,
			AveragePercent: plan.AverageScore, AlreadyPaired: plan.AlreadyPaired, RuledOut: plan.ForbiddenBy, Mentees: []menteeSuggestionsJSON{}}
		for _, q := range match.QueryWeights {
			out.Weights[q.Name] = *q.Get(&plan.Request.Criteria.Weights)
		}
		for _, m := range plan.Mentees {
			ms := menteeSuggestionsJSON{Mentee: personJSON{ID: m.Mentee.ID, Name: m.Mentee.Name, Email: m.Mentee.Email}, Why: m.Why, Alternatives: []suggestedPairJSON{}}
			if m.Assigned != nil {
				p := pairOut(*m.Assigned)
				ms.Assigned = &p
			}
			for _, alt := range m.Alternatives {
				ms.Alternatives = append(ms.Alternatives, pairOut(alt))
			}
			out.Mentees = append(out.Mentees, ms)
		}
		return out, nil
	})(w, r)
}

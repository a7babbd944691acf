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

type matchPairJSON struct {
	MenteeID string `json:"mentee_id"`
	MentorID string `json:"mentor_id"`
}

type proposeMatchesJSON struct {
	Pairs []matchPairJSON `json:"pairs"`
}

type matchOutcomeJSON struct {
	Mentee       personJSON        `json:"mentee"`
	Mentor       personJSON        `json:"mentor"`
	Relationship *relationshipJSON `json:"relationship"` // null when refused
	Refused      string            `json:"refused,omitempty"`
}

type matchProposalsJSON struct {
	ProgrammeID string             `json:"programme_id"`
	Proposed    int                `json:"proposed"`
	Refused     int                `json:"refused"`
	Outcomes    []matchOutcomeJSON `json:"outcomes"`
}

// ProposeMatches serves POST /api/v1/programmes/{id}/matches: the pairs
// listed are proposed, each checked against every hard rule now; the
// answer says, pair by pair in the order given, what was proposed and what
// was refused and why (its coordinators only).
func (h *Handler) ProposeMatches(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusOK, func(r *http.Request, in proposeMatchesJSON) (matchProposalsJSON, error) {
		pairs := make([]service.MatchProposal, len(in.Pairs))
		for i, p := range in.Pairs {
			pairs[i] = service.MatchProposal{MenteeID: p.MenteeID, MentorID: p.MentorID}
		}
		res, err := h.svc.ProposeMatches(r.Context(), httpx.Principal(r), r.PathValue("id"), pairs)
		if err != nil {
			return matchProposalsJSON{}, err
		}
		out := matchProposalsJSON{ProgrammeID: res.Programme.ID, Proposed: res.Proposed, Refused: res.Refused, Outcomes: []matchOutcomeJSON{}}
		for _, o := range res.Outcomes {
			oj := matchOutcomeJSON{Mentee: person(o.Mentee), Mentor: person(o.Mentor), Refused: o.Refused}
			if o.Relationship != nil {
				rj := relJSON(o.Relationship)
				oj.Relationship = &rj
			}
			out.Outcomes = append(out.Outcomes, oj)
		}
		return out, nil
	})(w, r)
}

type menteePickJSON struct {
	Mentor  personJSON `json:"mentor"`
	Percent int        `json:"percent"`
	Reasons []string   `json:"reasons"`
}

type menteeSuggestionsOutJSON struct {
	ProgrammeID string            `json:"programme_id"`
	Picks       []menteePickJSON  `json:"picks"`
	Waiting     *relationshipJSON `json:"waiting"` // the proposal or relationship they already have in the programme
	Why         string            `json:"why,omitempty"`
}

// MenteeSuggestions serves GET /api/v1/programmes/{id}/suggestions: the
// caller's top suggestions, when they are an enrolled mentee of a
// programme that lets mentees pick.
func (h *Handler) MenteeSuggestions(w http.ResponseWriter, r *http.Request) error {
	return httpx.Get(func(r *http.Request) (menteeSuggestionsOutJSON, error) {
		res, err := h.svc.MenteeSuggestions(r.Context(), httpx.Principal(r), r.PathValue("id"))
		if err != nil {
			return menteeSuggestionsOutJSON{}, err
		}
		out := menteeSuggestionsOutJSON{ProgrammeID: res.Programme.ID, Picks: []menteePickJSON{}, Why: res.Why}
		for _, p := range res.Picks {
			out.Picks = append(out.Picks, menteePickJSON{Mentor: person(p.Mentor), Percent: p.Percent, Reasons: p.Reasons})
		}
		if res.Waiting != nil {
			rj := relJSON(res.Waiting)
			out.Waiting = &rj
		}
		return out, nil
	})(w, r)
}

type pickJSON struct {
	MentorID string `json:"mentor_id"`
}

// PickMentor serves POST /api/v1/programmes/{id}/pick: the caller, an
// enrolled mentee, proposes a relationship to one of their top
// suggestions; 201 with the proposal.
func (h *Handler) PickMentor(w http.ResponseWriter, r *http.Request) error {
	return httpx.JSON(http.StatusCreated, func(r *http.Request, in pickJSON) (relationshipJSON, error) {
		return asJSON(relJSON)(h.svc.PickMentor(r.Context(), httpx.Principal(r), r.PathValue("id"), in.MentorID))
	})(w, r)
}

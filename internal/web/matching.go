package web

import (
	"net/http"
	"strconv"

	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/match"
	"github.com/mentorvault/mentorvault/internal/service"
)

// matchingPage is a coordinator's suggested pairs for a programme, with the
// weights form (a GET form: asking changes nothing).
type matchingPage struct {
	base
	ProgID  string
	Plan    *service.MatchPlan
	Weights []weightField
	Rule    string
	Matched bool // the objective is match.MaxMatched
	Error   string
	Fields  map[string]string
}

type weightField struct {
	Name, Label string
	Value       string
}

// Matching serves GET /programmes/{id}/matching.
func (h *Handler) Matching(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	crit, obj, bad := match.FromQuery(q)
	p := &matchingPage{base: h.base(r, "Matching"), ProgID: r.PathValue("id"), Rule: crit.Department, Matched: obj == match.MaxMatched}
	for _, f := range match.QueryWeights {
		v := q.Get(f.Name)
		if _, ok := bad[f.Name]; !ok {
			v = strconv.Itoa(*f.Get(&crit.Weights))
		}
		p.Weights = append(p.Weights, weightField{Name: f.Name, Label: f.Label, Value: v})
	}
	if len(bad) > 0 {
		// The form again, with what is wrong; no suggestions are made.
		p.Error, p.Fields = "Some weights need another look.", bad
		h.render(w, r, http.StatusBadRequest, "matching.html", p)
		return nil
	}
	plan, err := h.svc.MatchSuggestions(r.Context(), httpx.Principal(r), r.PathValue("id"), service.MatchRequest{Criteria: crit, Objective: obj})
	if err != nil {
		return err
	}
	p.Plan, p.Title = plan, "Matching: "+plan.Programme.Name
	h.render(w, r, http.StatusOK, "matching.html", p)
	return nil
}

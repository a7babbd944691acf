package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/match"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
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
	// Result is what a bulk proposal made of each pair (nil until one is posted).
	Result *service.MatchProposals
	// MayPropose says the plan's pairs can be proposed from the page
	// (MatchPlan.MayPropose, from Cedar).
	MayPropose bool
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
	p.Plan, p.Title, p.MayPropose = plan, "Matching: "+plan.Programme.Name, plan.MayPropose
	h.render(w, r, http.StatusOK, "matching.html", p)
	return nil
}

// ProposeMatches serves POST /programmes/{id}/matching/propose: the ticked
// pairs of the plan, each with the mentor chosen on its row, proposed at
// once. The page that answers lists every pair's outcome — proposed, or
// refused and why — so nothing is done without the page saying so.
func (h *Handler) ProposeMatches(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	p := &matchingPage{base: h.base(r, "Matching"), ProgID: id}
	for _, f := range match.QueryWeights {
		p.Weights = append(p.Weights, weightField{Name: f.Name, Label: f.Label, Value: strconv.Itoa(*f.Get(&match.DefaultWeights))})
	}
	pairs, problems := form.ParseMatchProposals(r.PostForm)
	if len(problems) > 0 {
		p.Error, p.Fields = "Nothing was proposed: "+strings.TrimSuffix(firstProblem(problems), ".")+".", problems
		h.render(w, r, http.StatusBadRequest, "matching.html", p)
		return nil
	}
	res, err := h.svc.ProposeMatches(r.Context(), httpx.Principal(r), id, pairs)
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID {
		p.Error, p.Fields = "Nothing was proposed: "+mentorvault.ErrorMessage(err)+".", mentorvault.ErrorFields(err)
		h.render(w, r, http.StatusBadRequest, "matching.html", p)
		return nil
	} else if err != nil {
		return err
	}
	p.Result, p.Title = res, "Matching: "+res.Programme.Name
	h.render(w, r, http.StatusOK, "matching.html", p)
	return nil
}

// firstProblem is one of problems, the same one each time.
func firstProblem(problems form.Problems) string {
	keys := slices.Sorted(maps.Keys(problems))
	return problems[keys[0]]
}

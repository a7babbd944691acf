package match

import (
	"net/url"
	"strconv"
	"strings"
)

// QueryWeights names each weight as a query parameter, in display order.
var QueryWeights = []struct {
	Name, Label string
	Get         func(*Weights) *int
}{
	{"topics", "Topics in common", func(w *Weights) *int { return &w.Topics }},
	{"goals", "Goals the mentor can help with", func(w *Weights) *int { return &w.Goals }},
	{"languages", "A language in common", func(w *Weights) *int { return &w.Languages }},
	{"time_zone", "Time zones close together", func(w *Weights) *int { return &w.TimeZone }},
	{"availability", "Free at the same times", func(w *Weights) *int { return &w.Availability }},
	{"department", "Department (same or different)", func(w *Weights) *int { return &w.Department }},
	{"seniority", "Mentor one or two levels more senior", func(w *Weights) *int { return &w.Seniority }},
}

// FromQuery reads matching criteria and the objective from a query: each
// weight by its QueryWeights name (absent: DefaultWeights), department_rule
// ("same", "different" or absent) and objective ("score", "matched" or
// absent for score). Problems are by parameter name.
func FromQuery(v url.Values) (Criteria, Objective, map[string]string) {
	c := Criteria{Weights: DefaultWeights, Department: strings.TrimSpace(v.Get("department_rule"))}
	bad := map[string]string{}
	for _, q := range QueryWeights {
		s := strings.TrimSpace(v.Get(q.Name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 10 {
			bad[q.Name] = "must be a whole number from 0 to 10"
			continue
		}
		*q.Get(&c.Weights) = n
	}
	if c.Department != "" && c.Department != SameDepartment && c.Department != DifferentDepartment {
		bad["department_rule"] = `must be "same" or "different"`
	}
	obj := Objective(strings.TrimSpace(v.Get("objective")))
	switch obj {
	case "":
		obj = MaxScore
	case MaxScore, MaxMatched:
	default:
		bad["objective"] = `must be "score" or "matched"`
	}
	return c, obj, bad
}

package match

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Person is one side of a pair as the matcher reads it: an enrolment's
// profile with its person's place in the organisation.
type Person struct {
	ID           string
	Topics       []string
	Goals        string
	Languages    []string
	TimeZone     string // IANA name; "" for unknown
	Availability string // free text, such as "Tuesday mornings"
	Department   string // "" for unknown
	// ExcludeReportingLine widens the hard rule from the management chain
	// to everyone below the person too.
	ExcludeReportingLine bool
	Exclusions           []string // people they must not be matched with
}

// Weights are how much each criterion counts, 0 (ignored) to 10.
type Weights struct {
	Topics, Goals, Languages, TimeZone, Availability, Department, Seniority int
}

// DefaultWeights are a programme's weights until its coordinator sets them.
var DefaultWeights = Weights{Topics: 5, Goals: 3, Languages: 4, TimeZone: 3, Availability: 3, Department: 0, Seniority: 2}

// Department preferences.
const (
	SameDepartment      = "same"
	DifferentDepartment = "different"
)

// Criteria are a programme's matching criteria.
type Criteria struct {
	Weights
	// Department is SameDepartment, DifferentDepartment or "" (ignored).
	Department string
}

// Validate checks the weights are 0..10 and the department preference known.
func (c Criteria) Validate() map[string]string {
	bad := map[string]string{}
	for name, w := range map[string]int{"topics": c.Topics, "goals": c.Goals, "languages": c.Languages, "time_zone": c.TimeZone,
		"availability": c.Availability, "department": c.Weights.Department, "seniority": c.Seniority} {
		if w < 0 || w > 10 {
			bad["weights."+name] = "must be a whole number from 0 to 10"
		}
	}
	if c.Department != "" && c.Department != SameDepartment && c.Department != DifferentDepartment {
		bad["department"] = `must be "same", "different" or empty`
	}
	return bad
}

// Org is the organisation's management chain: each person's line manager.
type Org struct{ manager map[string]string }

// NewOrg takes each person's line manager ("" or absent for none).
func NewOrg(managerOf map[string]string) *Org { return &Org{manager: managerOf} }

// above reports whether a is in b's management chain, above b.
func (o *Org) above(a, b string) bool {
	seen := 0
	for m := o.manager[b]; m != "" && seen <= len(o.manager); m = o.manager[m] {
		if m == a {
			return true
		}
		seen++
	}
	return false
}

// depth is how many managers are above id (0 at the top).
func (o *Org) depth(id string) int {
	d := 0
	for m := o.manager[id]; m != "" && d <= len(o.manager); m = o.manager[m] {
		d++
	}
	return d
}

// Pair is a scored pair: its score, the reasons that explain it, or the
// hard rule that rules it out.
type Pair struct {
	Score   int      // 0..MaxPoints; Forbidden when Rule is set
	Reasons []string // plain words, most telling first
	Rule    string   // why the pair may never be made; "" when allowed
}

// Percent is the score as a whole percentage.
func (p Pair) Percent() int { return int(math.Round(float64(p.Score) * 100 / MaxPoints)) }

// Listed reports whether two people are already in a listed relationship.
type Listed func(a, b string) bool

// Score scores mentee with mentor. Time-zone distance is taken at `at`
// (so summer time counts as it is then).
func (c Criteria) Score(o *Org, mentee, mentor Person, listed Listed, at time.Time) Pair {
	if rule := HardRule(o, mentee, mentor, listed); rule != "" {
		return Pair{Score: Forbidden, Rule: rule}
	}
	type part struct {
		w      int
		s      float64
		reason string
	}
	var parts []part
	if c.Topics > 0 && len(mentee.Topics) > 0 {
		n := len(shared(mentee.Topics, mentor.Topics))
		parts = append(parts, part{c.Topics, float64(n) / float64(len(mentee.Topics)), plural(n, "shared topic", "shared topics", "no shared topic")})
	}
	if c.Goals > 0 && strings.TrimSpace(mentee.Goals) != "" {
		offered := words(mentor.Goals + " " + strings.Join(mentor.Topics, " "))
		n := 0
		for w := range words(mentee.Goals) {
			if offered[w] {
				n++
			}
		}
		parts = append(parts, part{c.Goals, min(1, float64(n)/3), plural(n, "goal word the mentor also names", "goal words the mentor also names", "")})
	}
	if c.Languages > 0 && len(mentee.Languages) > 0 && len(mentor.Languages) > 0 {
		if common := shared(mentee.Languages, mentor.Languages); len(common) > 0 {
			parts = append(parts, part{c.Languages, 1, "both speak " + common[0]})
		} else {
			parts = append(parts, part{c.Languages, 0, "no language in common"})
		}
	}
	if c.TimeZone > 0 {
		if h, ok := hoursApart(mentee.TimeZone, mentor.TimeZone, at); ok {
			r := "same time zone"
			if h > 0 {
				r = fmt.Sprintf("%s h apart", strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", h), "0"), "."))
			}
			parts = append(parts, part{c.TimeZone, 1 - min(h, 12)/12, r})
		}
	}
	if c.Availability > 0 {
		a, b := Slots(mentee.Availability), Slots(mentor.Availability)
		if len(a) > 0 && len(b) > 0 {
			var both []Slot
			for _, s := range a {
				if slices.Contains(b, s) {
					both = append(both, s)
				}
			}
			r := "no free time in common found"
			if len(both) > 0 {
				r = "both free " + both[0].String()
			}
			parts = append(parts, part{c.Availability, float64(len(both)) / float64(min(len(a), len(b))), r})
		}
	}
	if c.Weights.Department > 0 && c.Department != "" && mentee.Department != "" && mentor.Department != "" {
		same := strings.EqualFold(strings.TrimSpace(mentee.Department), strings.TrimSpace(mentor.Department))
		s, r := 0.0, "different departments"
		if same {
			r = "same department"
		}
		if same == (c.Department == SameDepartment) {
			s = 1
		}
		parts = append(parts, part{c.Weights.Department, s, r})
	}
	if c.Seniority > 0 && o != nil {
		gap := o.depth(mentee.ID) - o.depth(mentor.ID)
		var s float64
		var r string
		switch {
		case gap >= 1 && gap <= 2:
			s, r = 1, plural(gap, "level more senior", "levels more senior", "")
		case gap >= 3:
			s, r = 0.6, fmt.Sprintf("%d levels more senior", gap)
		case gap == 0:
			s, r = 0.3, "at the same level"
		default:
			s, r = 0, "less senior than the mentee"
		}
		parts = append(parts, part{c.Seniority, s, r})
	}
	total, weight := 0.0, 0
	for _, p := range parts {
		total += float64(p.w) * p.s
		weight += p.w
	}
	out := Pair{}
	if weight > 0 {
		out.Score = int(math.Round(total / float64(weight) * MaxPoints))
	}
	slices.SortStableFunc(parts, func(x, y part) int { return int(math.Round(float64(y.w)*y.s*100 - float64(x.w)*x.s*100)) })
	for _, p := range parts {
		if p.reason != "" {
			out.Reasons = append(out.Reasons, p.reason)
		}
	}
	return out
}

// HardRule is why mentee and mentor may never be paired, or "": the same
// rules Score applies, for checking a pair again when it is proposed.
func HardRule(o *Org, mentee, mentor Person, listed Listed) string {
	switch {
	case mentee.ID == mentor.ID:
		return "the same person"
	case o != nil && o.manager[mentee.ID] == mentor.ID:
		return "the mentee's line manager"
	case o != nil && o.above(mentor.ID, mentee.ID):
		return "above the mentee in their management chain"
	case o != nil && o.manager[mentor.ID] == mentee.ID:
		return "reports to the mentee"
	case o != nil && (mentee.ExcludeReportingLine || mentor.ExcludeReportingLine) && o.above(mentee.ID, mentor.ID):
		return "in the mentee's reporting line"
	case slices.Contains(mentee.Exclusions, mentor.ID):
		return "excluded by the mentee"
	case slices.Contains(mentor.Exclusions, mentee.ID):
		return "excluded by the mentor"
	case listed != nil && listed(mentee.ID, mentor.ID):
		return "already in a relationship together"
	}
	return ""
}

func plural(n int, one, many, none string) string {
	switch n {
	case 0:
		return none
	case 1:
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// shared is the items of a also in b, compared case-insensitively, in a's order.
func shared(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.ContainsFunc(b, func(y string) bool { return strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(y)) }) {
			out = append(out, x)
		}
	}
	return out
}

// stop are words too common to say two goals agree.
var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about an and are as at be become better but by can do for from get getting have how i im in into is it
		its learn learning like make me more my of on or our out so some than that the their them to up want wants we what when
		which who will with would you your help improve develop grow skills skill work working good new`) {
		stop[w] = true
	}
}

// words are the content words of s, lower-case, with simple plurals folded.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) < 3 || stop[w] {
			continue
		}
		if len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = w[:len(w)-1]
		}
		out[w] = true
	}
	return out
}

// zones caches loaded time zones (nil for a name that does not load):
// time.LoadLocation reads the zone database on every call, and a cohort
// scores every mentee with every mentor.
var zones sync.Map

func location(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = nil
	}
	zones.Store(name, l)
	return l
}

// hoursApart is the distance between two zones' UTC offsets at `at`.
func hoursApart(a, b string, at time.Time) (float64, bool) {
	if a == "" || b == "" {
		return 0, false
	}
	la, lb := location(a), location(b)
	if la == nil || lb == nil {
		return 0, false
	}
	_, oa := at.In(la).Zone()
	_, ob := at.In(lb).Zone()
	d := math.Abs(float64(oa-ob)) / 3600
	if d > 12 {
		d = 24 - d
	}
	return d, true
}

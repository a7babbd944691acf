package form

import (
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
)

// Enrolment is what the enrolment form holds: the role, the topics ticked
// from the programme's list, the profile's text as typed (languages
// separated by commas, excluded people's emails one a line) and the
// reporting-line exclusion (a checkbox). A blank capacity is 0 (the
// programme's default for a mentor).
type Enrolment struct {
	Role                     string
	Topics                   []string
	TopicsOther, Goals       string
	LanguagesText            string
	TimeZone, Availability   string
	CapacityText             string
	Capacity                 int
	ExcludeReportingLine     bool
	ExclusionsText           string
	Languages, ExcludeEmails []string
}

// ParseEnrolment reads the enrolment form: role, topics (checkboxes),
// topics_other, goals, languages, time_zone, availability, capacity,
// exclude_reporting_line (a checkbox) and exclusions. Problems name the
// characters a field must not hold; the rest is the service's to judge.
func ParseEnrolment(v url.Values) (Enrolment, Problems) {
	p := Problems{}
	e := Enrolment{
		Role: v.Get("role"), Topics: v["topics"], TopicsOther: v.Get("topics_other"), Goals: v.Get("goals"),
		LanguagesText: v.Get("languages"), TimeZone: v.Get("time_zone"), Availability: v.Get("availability"),
		CapacityText: v.Get("capacity"), ExcludeReportingLine: v.Get("exclude_reporting_line") != "", ExclusionsText: v.Get("exclusions"),
	}
	for field, s := range map[string]string{"topics_other": e.TopicsOther, "languages": e.LanguagesText, "time_zone": e.TimeZone,
		"availability": e.Availability, "capacity": e.CapacityText} {
		if msg := mentorvault.TextProblem(s, false); msg != "" {
			p[field] = msg
		}
	}
	if msg := mentorvault.TextProblem(e.Goals, true); msg != "" {
		p["goals"] = msg
	}
	if p["capacity"] == "" {
		e.Capacity = Int(e.CapacityText, "capacity", p)
	}
	for _, l := range strings.Split(e.LanguagesText, ",") {
		if l = strings.TrimSpace(l); l != "" {
			e.Languages = append(e.Languages, l)
		}
	}
	var problem string
	if e.ExcludeEmails, problem = Lines(e.ExclusionsText); problem != "" {
		p["exclusions"] = problem
	}
	return e, p
}

// Lines splits a textarea into its lines (LF or CRLF), each trimmed of
// spaces, blanks dropped. problem says what is wrong with the first line
// that holds a control character (a lone carriage return included), or "".
func Lines(s string) (lines []string, problem string) {
	for _, l := range strings.Split(s, "\n") {
		l = strings.Trim(strings.TrimSuffix(l, "\r"), " ")
		if msg := mentorvault.TextProblem(l, false); msg != "" && problem == "" {
			problem = msg
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines, problem
}

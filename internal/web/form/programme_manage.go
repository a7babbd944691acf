package form

import (
	"net/url"
	"strings"
)

// Programme is what the programme form holds: what the programme is. A
// blank capacity is 0 (the service's default on create).
type Programme struct {
	Name, Description, Kind string
	EnrolmentOpen           bool
	DefaultCapacity         int
}

// ParseProgramme reads the create or edit form of a programme: name,
// description, kind, enrolment_open (a checkbox) and default_capacity.
func ParseProgramme(v url.Values) (Programme, Problems) {
	p := Problems{}
	return Programme{
		Name:            v.Get("name"),
		Description:     v.Get("description"),
		Kind:            v.Get("kind"),
		EnrolmentOpen:   v.Get("enrolment_open") != "",
		DefaultCapacity: Int(v.Get("default_capacity"), "default_capacity", p),
	}, p
}

// Staff is a programme's coordinators and supervisors, each an email
// address (or a person's ID).
type Staff struct {
	Coordinators, Supervisors []string
}

// ParseStaff reads the staff form: coordinators and supervisors, one
// address a line or separated by commas; blanks are dropped.
func ParseStaff(v url.Values) (Staff, Problems) {
	return Staff{Coordinators: list(v.Get("coordinators")), Supervisors: list(v.Get("supervisors"))}, nil
}

func list(s string) []string {
	out := []string{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ParseSwitch reads a yes/no form field (enrolment open or closed,
// archived or not): "true" or "false", anything else a problem.
func ParseSwitch(field string) func(url.Values) (bool, Problems) {
	return func(v url.Values) (bool, Problems) {
		switch v.Get(field) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, Problems{field: `must be "true" or "false"`}
	}
}

package mentorvault_test

import (
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
)

func TestEnrolmentValidate(t *testing.T) {
	mentoring := &mentorvault.Programme{Kind: mentorvault.ProgrammeMentoring, Topics: []string{"Leadership"}}
	peer := &mentorvault.Programme{Kind: mentorvault.ProgrammePeer}
	good := func() mentorvault.Enrolment {
		return mentorvault.Enrolment{Role: mentorvault.EnrolMentor, Topics: []string{"Leadership"}, TimeZone: "Europe/London", Capacity: 2}
	}
	if e := good(); e.Validate(mentoring) != nil {
		t.Fatalf("a good enrolment: %v", e.Validate(mentoring))
	}
	for _, tc := range []struct {
		name, field string
		prog        *mentorvault.Programme
		change      func(*mentorvault.Enrolment)
	}{
		{"peer role in mentoring", "role", mentoring, func(e *mentorvault.Enrolment) { e.Role = mentorvault.EnrolPeer }},
		{"mentor in a peer programme", "role", peer, func(e *mentorvault.Enrolment) { e.Topics = nil }},
		{"unlisted topic", "topics", mentoring, func(e *mentorvault.Enrolment) { e.Topics = []string{"Knitting"} }},
		{"no capacity for a mentor", "capacity", mentoring, func(e *mentorvault.Enrolment) { e.Capacity = 0 }},
		{"capacity for a mentee", "capacity", mentoring, func(e *mentorvault.Enrolment) { e.Role = mentorvault.EnrolMentee }},
		{"no time zone", "time_zone", mentoring, func(e *mentorvault.Enrolment) { e.TimeZone = "" }},
		{"tab in other topics", "topics_other", mentoring, func(e *mentorvault.Enrolment) { e.TopicsOther = "a\tb" }},
		{"long availability", "availability", mentoring, func(e *mentorvault.Enrolment) { e.Availability = strings.Repeat("a", 501) }},
		{"blank language", "languages", mentoring, func(e *mentorvault.Enrolment) { e.Languages = []string{" "} }},
	} {
		e := good()
		tc.change(&e)
		if err := e.Validate(tc.prog); mentorvault.ErrorFields(err)[tc.field] == "" {
			t.Errorf("%s: %v (fields %v)", tc.name, err, mentorvault.ErrorFields(err))
		}
	}
	for _, bad := range [][]string{{"A", "a"}, {" A"}, {""}, {"a\nb"}, {strings.Repeat("x", 81)}, make([]string, 51)} {
		if mentorvault.ValidateTopics(bad) == nil {
			t.Errorf("topics %q accepted", bad)
		}
	}
	if err := mentorvault.ValidateTopics([]string{"Leadership", "Café"}); err != nil {
		t.Error(err)
	}
}

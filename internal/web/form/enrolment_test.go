package form_test

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParseEnrolment(t *testing.T) {
	got, p := form.ParseEnrolment(url.Values{"role": {"mentor"}, "topics": {"A", "B"}, "topics_other": {"c"}, "goals": {"g\r\nh"},
		"languages": {"English, Welsh ,"}, "time_zone": {"Europe/London"}, "availability": {"mornings"}, "capacity": {"3"},
		"exclude_reporting_line": {"on"}, "exclusions": {"a@x.example\r\n\r\n b@x.example "}})
	if len(p) != 0 || got.Capacity != 3 || !got.ExcludeReportingLine || !reflect.DeepEqual(got.Topics, []string{"A", "B"}) ||
		!reflect.DeepEqual(got.Languages, []string{"English", "Welsh"}) || !reflect.DeepEqual(got.ExcludeEmails, []string{"a@x.example", "b@x.example"}) {
		t.Fatalf("%+v %v", got, p)
	}
	if got, p := form.ParseEnrolment(url.Values{"role": {"mentee"}}); len(p) != 0 || got.ExcludeReportingLine || got.Capacity != 0 {
		t.Fatalf("blank: %+v %v", got, p)
	}
	for field, bad := range map[string]string{"capacity": "two", "availability": "a\rb", "time_zone": "Europe/\x00", "goals": "a\x07", "exclusions": "a@x.example\rb"} {
		if _, p := form.ParseEnrolment(url.Values{field: {bad}}); p[field] == "" {
			t.Errorf("%s %q: no problem", field, bad)
		}
	}
}

func FuzzParseEnrolment(f *testing.F) {
	f.Add("mentor", "A", "other", "goals", "English, Welsh", "Europe/London", "mornings", "2", "on", "a@x.example\nb@x.example")
	f.Fuzz(func(t *testing.T, role, topic, other, goals, langs, tz, avail, capacity, excl, exclusions string) {
		v := url.Values{"role": {role}, "topics": {topic}, "topics_other": {other}, "goals": {goals}, "languages": {langs}, "time_zone": {tz},
			"availability": {avail}, "capacity": {capacity}, "exclude_reporting_line": {excl}, "exclusions": {exclusions}}
		e, p := form.ParseEnrolment(v)
		if len(p) == 0 {
			for _, l := range append(e.Languages, e.ExcludeEmails...) {
				if l == "" {
					t.Fatal("a blank entry")
				}
			}
		}
		if lines, problem := form.Lines(exclusions); problem == "" {
			for _, l := range lines {
				if l == "" {
					t.Fatal("a blank line")
				}
			}
		}
	})
}

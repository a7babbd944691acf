package form_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParseProgramme(t *testing.T) {
	got, p := form.ParseProgramme(url.Values{"name": {"Peers"}, "description": {"d"}, "kind": {"peer"}, "enrolment_open": {"on"}, "default_capacity": {"3"}})
	if len(p) != 0 || !reflect.DeepEqual(got, form.Programme{Name: "Peers", Description: "d", Kind: "peer", EnrolmentOpen: true, DefaultCapacity: 3}) {
		t.Fatalf("%+v %v", got, p)
	}
	if got, p := form.ParseProgramme(url.Values{"name": {"x"}}); len(p) != 0 || got.EnrolmentOpen || got.DefaultCapacity != 0 {
		t.Fatalf("blank: %+v %v", got, p)
	}
	if _, p := form.ParseProgramme(url.Values{"default_capacity": {"two"}}); p["default_capacity"] == "" {
		t.Fatalf("a capacity that is not a number: %v", p)
	}
	st, _ := form.ParseStaff(url.Values{"coordinators": {"a@x.example\r\n\r\n b@x.example , c@x.example"}, "supervisors": {""}})
	if !reflect.DeepEqual(st, form.Staff{Coordinators: []string{"a@x.example", "b@x.example", "c@x.example"}, Supervisors: []string{}}) {
		t.Fatalf("staff: %+v", st)
	}
	for v, want := range map[string]bool{"true": true, "false": false} {
		if got, p := form.ParseSwitch("open")(url.Values{"open": {v}}); got != want || len(p) != 0 {
			t.Fatalf("%s: %v %v", v, got, p)
		}
	}
	if _, p := form.ParseSwitch("open")(url.Values{"open": {"yes"}}); p["open"] == "" {
		t.Fatal("a switch that is neither true nor false")
	}
}

func FuzzParseProgramme(f *testing.F) {
	f.Add("Peers", "two by two", "peer", "on", "3", "a@x.example\nb@x.example", "c@x.example", "true")
	f.Fuzz(func(t *testing.T, name, desc, kind, open, capacity, coordinators, supervisors, sw string) {
		v := url.Values{"name": {name}, "description": {desc}, "kind": {kind}, "enrolment_open": {open}, "default_capacity": {capacity},
			"coordinators": {coordinators}, "supervisors": {supervisors}, "open": {sw}}
		got, p := form.ParseProgramme(v)
		if got.Name != name || got.Description != desc || got.Kind != kind || got.EnrolmentOpen != (open != "") {
			t.Fatalf("fields changed: %+v", got)
		}
		if _, bad := p["default_capacity"]; !bad && strings.TrimSpace(capacity) == "" && got.DefaultCapacity != 0 {
			t.Fatalf("blank capacity %d", got.DefaultCapacity)
		}
		st, _ := form.ParseStaff(v)
		for _, e := range append(st.Coordinators, st.Supervisors...) {
			if e == "" || strings.TrimSpace(e) != e || strings.ContainsAny(e, "\r\n,;") {
				t.Fatalf("staff entry %q", e)
			}
		}
		b, sp := form.ParseSwitch("open")(v)
		if (len(sp) == 0) != (sw == "true" || sw == "false") || b != (sw == "true") {
			t.Fatalf("switch %q: %v %v", sw, b, sp)
		}
	})
}

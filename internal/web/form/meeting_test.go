package form_test

import (
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParseMeeting(t *testing.T) {
	for _, tc := range []struct {
		name     string
		kv       []string
		problems []string
	}{
		{"valid", []string{"starts_at", "2026-03-01T14:30", "tz", "Europe/Paris", "minutes", "45"}, nil},
		{"seconds, default zone", []string{"starts_at", "2026-03-01T14:30:00", "minutes", " 60 "}, nil},
		{"empty", nil, []string{"starts_at", "minutes"}},
		{"bad date", []string{"starts_at", "tomorrow", "minutes", "45"}, []string{"starts_at"}},
		{"zero time", []string{"starts_at", "0001-01-01T00:00", "minutes", "45"}, []string{"starts_at"}},
		{"unknown zone", []string{"starts_at", "2026-03-01T14:30", "tz", "Mars/Olympus", "minutes", "45"}, []string{"tz"}},
		{"not a number", []string{"starts_at", "2026-03-01T14:30", "minutes", "an hour"}, []string{"minutes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, p := form.ParseMeeting(values(tc.kv...))
			if len(p) != len(tc.problems) {
				t.Fatalf("problems %v, want on %v", p, tc.problems)
			}
			for _, k := range tc.problems {
				if p[k] == "" {
					t.Errorf("no problem on %s: %v", k, p)
				}
			}
			if len(p) == 0 && in.StartsAt.IsZero() {
				t.Error("no problems but no start")
			}
		})
	}
	in, _ := form.ParseMeeting(values("starts_at", "2026-03-01T14:30", "tz", "Europe/Paris", "minutes", "45"))
	if got := in.StartsAt.UTC().Format("15:04"); got != "13:30" {
		t.Errorf("14:30 in Paris is %s UTC, want 13:30", got)
	}
}

func FuzzParseMeeting(f *testing.F) {
	f.Add("2026-03-01T14:30", "UTC", "45", "Room 1", "agenda")
	f.Add("0001-01-01T00:00", "", "5", "https://meet.example/x", "")
	f.Add("2026-13-40T25:61", "../etc/passwd", "-1", "\x00", "\xff")
	f.Fuzz(func(t *testing.T, when, tz, minutes, location, agenda string) {
		in, p := form.ParseMeeting(values("starts_at", when, "tz", tz, "minutes", minutes, "location", location, "agenda", agenda))
		keysIn(t, p, "starts_at", "tz", "minutes")
		if len(p) > 0 {
			return
		}
		// What the form judges, the service never refuses.
		if f := mentorvault.ErrorFields(mentorvault.ValidateMeetingInput(in.StartsAt, in.Minutes, in.Location, in.Agenda)); f["starts_at"] != "" {
			t.Fatalf("parsed %q without problems, but the service refuses the start: %v", when, f)
		}
	})
}

func FuzzParseThreeWay(f *testing.F) {
	f.Add("2026-03-01T14:30", "UTC", "45", "Room 1", "the brief")
	f.Add("", "", "", "", " ")
	f.Fuzz(func(t *testing.T, when, tz, minutes, location, brief string) {
		in, p := form.ParseThreeWay(values("starts_at", when, "tz", tz, "minutes", minutes, "location", location, "brief", brief))
		keysIn(t, p, "starts_at", "tz", "minutes", "brief")
		if len(p) > 0 {
			return
		}
		if in.Brief != brief || in.StartsAt.IsZero() {
			t.Fatalf("parsed without problems to %+v", in)
		}
		if f := mentorvault.ErrorFields(mentorvault.ValidateMeetingInput(in.StartsAt, in.Minutes, in.Location, "")); f["starts_at"] != "" {
			t.Fatalf("the service refuses the start: %v", f)
		}
	})
}

package form_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParseEmailChange(t *testing.T) {
	for _, tc := range []struct {
		in, want, problem string
	}{
		{" new@example.org ", "new@example.org", ""},
		{"", "", "Enter the new email address."},
		{"a\x00b@example.org", "", "The email "},
	} {
		got, p := form.ParseEmailChange(url.Values{"email": {tc.in}})
		if tc.problem == "" && (p != nil || got != tc.want) {
			t.Errorf("%q: got %q %v, want %q", tc.in, got, p, tc.want)
		}
		if tc.problem != "" && !strings.HasPrefix(p["email"], tc.problem) {
			t.Errorf("%q: problem %q, want %q…", tc.in, p["email"], tc.problem)
		}
	}
}

func TestParseTimeZone(t *testing.T) {
	if tz, p := form.ParseTimeZone(url.Values{"time_zone": {"Europe/London"}}); p != nil || tz != "Europe/London" {
		t.Errorf("Europe/London: %q %v", tz, p)
	}
	if tz, p := form.ParseTimeZone(url.Values{"time_zone": {"UTC"}}); p != nil || tz != "" {
		t.Errorf("UTC: %q %v, want \"\"", tz, p)
	}
	if _, p := form.ParseTimeZone(url.Values{"time_zone": {"Europe/\x1bLondon"}}); p["time_zone"] == "" {
		t.Error("a control character is no problem of time_zone")
	}
}

func FuzzParseEmailChange(f *testing.F) {
	f.Add("new@example.org")
	f.Add("\x00")
	f.Fuzz(func(t *testing.T, email string) {
		got, p := form.ParseEmailChange(url.Values{"email": {email}})
		if p == nil && (got == "" || mentorvault.TextProblem(got, false) != "") {
			t.Fatalf("accepted %q as %q", email, got)
		}
	})
}

func FuzzParseTimeZone(f *testing.F) {
	f.Add("Europe/London")
	f.Add("\x7f")
	f.Fuzz(func(t *testing.T, tz string) {
		got, p := form.ParseTimeZone(url.Values{"time_zone": {tz}})
		if p == nil && (mentorvault.TextProblem(got, false) != "" || len(got) > 64 || got == "UTC") {
			t.Fatalf("accepted %q as %q", tz, got)
		}
	})
}

// TestViewerZoneInForms: a meeting's time is read in the zone the form
// posts — any IANA zone, since the form offers the viewer's own first —
// and a name that is no zone is a problem of tz.
func TestViewerZoneInForms(t *testing.T) {
	v := url.Values{"starts_at": {"2027-07-01T14:30"}, "minutes": {"30"}, "tz": {"Asia/Kathmandu"}}
	m, p := form.ParseMeeting(v)
	if len(p) != 0 || !m.StartsAt.Equal(time.Date(2027, 7, 1, 8, 45, 0, 0, time.UTC)) {
		t.Fatalf("Asia/Kathmandu 14:30: %v %v, want 08:45 UTC", m.StartsAt.UTC(), p)
	}
	v.Set("tz", "Europe/London")
	if m, _ := form.ParseMeeting(v); !m.StartsAt.Equal(time.Date(2027, 7, 1, 13, 30, 0, 0, time.UTC)) {
		t.Fatalf("Europe/London in summer: %v, want 13:30 UTC", m.StartsAt.UTC())
	}
	for _, bad := range []string{"Local", "Mars/Olympus_Mons", "Europe/Lon\x00don", "../../etc/passwd"} {
		v.Set("tz", bad)
		if _, p := form.ParseMeeting(v); p["tz"] == "" {
			t.Errorf("tz %q is no problem", bad)
		}
	}
}

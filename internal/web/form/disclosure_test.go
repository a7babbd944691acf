package form_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault/internal/web/form"
)

var now = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)

func TestParseDisclosure(t *testing.T) {
	for _, tc := range []struct {
		name     string
		notice   bool
		kv       []string
		problems []string
	}{
		{"plan to a member, when signed", false, []string{"recipient_email", "hr@example.org", "how", "email"}, nil},
		{"notice at a time", true, []string{"recipient_email", "hr@example.org", "effective_at", "2026-03-01T10:00", "tz", "Europe/London"}, nil},
		{"notice at once", true, []string{"to", "outside", "recipient_name", "Police", "at_once", "yes"}, nil},
		{"notice without a time", true, []string{"recipient_email", "hr@example.org"}, []string{"effective_at"}},
		{"no recipient, bad time, bad zone", true, []string{"effective_at", "soon", "tz", "Nowhere"}, []string{"recipient_email", "effective_at", "tz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, p := form.ParseDisclosure(values(tc.kv...), tc.notice, "u2", now)
			if len(p) != len(tc.problems) {
				t.Fatalf("problems %v, want on %v", p, tc.problems)
			}
			for _, k := range tc.problems {
				if p[k] == "" {
					t.Errorf("no problem on %s: %v", k, p)
				}
			}
			if len(p) == 0 && in.EffectiveAt.IsZero() {
				t.Error("no problems but no time")
			}
		})
	}
	if in, _ := form.ParseDisclosure(values("discloser", "other"), true, "u2", now); in.DiscloserID != "" {
		t.Error("a notice named someone else as its discloser")
	}
	if in, _ := form.ParseDisclosure(values("discloser", "other"), false, "u2", now); in.DiscloserID != "u2" {
		t.Error("a plan did not name the other party")
	}
}

func FuzzParseDisclosure(f *testing.F) {
	f.Add(true, "member", "hr@example.org", "", "2026-03-01T10:00", "UTC", "", "other")
	f.Add(false, "outside", "", "Police", "", "", "yes", "me")
	f.Fuzz(func(t *testing.T, notice bool, to, email, name, when, tz, atOnce, discloser string) {
		in, p := form.ParseDisclosure(values("to", to, "recipient_email", email, "recipient_name", name, "effective_at", when, "tz", tz,
			"at_once", atOnce, "discloser", discloser), notice, "u2", now)
		keysIn(t, p, "recipient_email", "effective_at", "tz")
		if in.DiscloserID != "" && (notice || in.DiscloserID != "u2") {
			t.Fatalf("discloser %q", in.DiscloserID)
		}
		if in.Imminent && !notice {
			t.Fatal("a plan made at once")
		}
		if len(p) > 0 {
			return
		}
		if in.EffectiveAt.IsZero() || (to != "outside" && in.RecipientEmail == "") || (to == "outside" && in.RecipientEmail != "") {
			t.Fatalf("parsed without problems to %+v", in)
		}
	})
}

package form_test

import (
	"testing"

	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParseInputRequest(t *testing.T) {
	for _, tc := range []struct {
		name, deadline string
		ok             bool
	}{
		{"date", "2026-03-01", true},
		{"padded", " 2026-03-01 ", true},
		{"none", "", false},
		{"not a date", "next week", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, p := form.ParseInputRequest(values("asked_email", "a@example.org", "purpose", " promotion ", "deadline", tc.deadline))
			if (len(p) == 0) != tc.ok || in.Purpose != "promotion" {
				t.Fatalf("got %+v, problems %v", in, p)
			}
		})
	}
}

func FuzzParseInputRequest(f *testing.F) {
	f.Add("a@example.org", "promotion", "How is it going?", "2026-03-01")
	f.Add("", "", "", "0000-00-00")
	f.Fuzz(func(t *testing.T, asked, purpose, question, deadline string) {
		in, p := form.ParseInputRequest(values("asked_email", asked, "purpose", purpose, "question", question, "deadline", deadline))
		keysIn(t, p, "deadline")
		if len(p) == 0 && in.Deadline.IsZero() {
			t.Fatalf("deadline %q parsed without problems but without a date", deadline)
		}
	})
}

package form_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParseCommitment(t *testing.T) {
	for _, tc := range []struct {
		name, owner, due, wantOwner string
		wantProblem                 bool
	}{
		{"mine", "me", "2026-03-01", "u1", false},
		{"theirs", "other", " 2026-03-01 ", "u2", false},
		{"anything else is mine", "someone", "2026-03-01", "u1", false},
		{"no date", "me", "", "u1", true},
		{"not a date", "me", "1 March", "u1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, p := form.ParseCommitment(values("owner", tc.owner, "due", tc.due, "description", "read it"), "u1", "u2")
			if (len(p) > 0) != tc.wantProblem || in.OwnerID != tc.wantOwner {
				t.Fatalf("got %+v, problems %v", in, p)
			}
			if !tc.wantProblem && !in.DueAt.Equal(time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)) {
				t.Errorf("due %v, want the end of 1 March UTC", in.DueAt)
			}
		})
	}
}

func FuzzParseCommitment(f *testing.F) {
	f.Add("me", "2026-03-01", "read it", "")
	f.Add("other", "0000-01-01", "", "g1")
	f.Add("", "9999-12-31", "\xff", "")
	f.Fuzz(func(t *testing.T, owner, due, description, goal string) {
		in, p := form.ParseCommitment(values("owner", owner, "due", due, "description", description, "goal_id", goal), "u1", "u2")
		keysIn(t, p, "due")
		if in.OwnerID != "u1" && in.OwnerID != "u2" {
			t.Fatalf("owner %q is neither party", in.OwnerID)
		}
		if len(p) == 0 && in.DueAt.IsZero() {
			t.Fatalf("due %q parsed without problems but without a date", due)
		}
	})
}

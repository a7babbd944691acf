package service_test

import (
	"slices"
	"testing"

	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

func TestAgreementGoalsSplit(t *testing.T) {
	got := service.AgreementGoals("- Delegate the release\n* Give feedback that lands\n\n1. Lead the planning meeting\n   \nPrepare for the promotion panel")
	want := []string{"Delegate the release", "Give feedback that lands", "Lead the planning meeting", "Prepare for the promotion panel"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestAgreementGoalsReachGoals: the goals written in the agreement are on
// the Goals page once it is in force, once each, an amendment adding only
// the new ones.
func TestAgreementGoalsReachGoals(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := newPair(t, e)
		sign := func(goals string) {
			t.Helper()
			d := must[*service.VersionView](t)(e.Svc.StartDraft(ctx, e.As("frank"), rel.ID))
			terms := d.Terms
			terms.Expectations.Goals = goals
			d = must[*service.VersionView](t)(e.Svc.UpdateDraft(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, terms))
			for _, who := range []string{"heidi", "frank"} {
				must[*service.VersionView](t)(e.Svc.SignAgreement(ctx, e.As(who), rel.ID, d.ID, d.Hash, demo.Password))
			}
		}
		titles := func() []string {
			var out []string
			for _, g := range must[[]*service.GoalView](t)(e.Svc.Goals(ctx, e.As("heidi"), rel.ID)) {
				out = append(out, g.Title.Reveal())
			}
			slices.Sort(out)
			return out
		}
		sign("- Delegate the release\n- Give feedback that lands")
		if got := titles(); !slices.Equal(got, []string{"Delegate the release", "Give feedback that lands"}) {
			t.Fatalf("goals after signing: %q", got)
		}
		sign("- Delegate the release\n- give feedback that lands\n- Lead the planning meeting")
		if got := titles(); !slices.Equal(got, []string{"Delegate the release", "Give feedback that lands", "Lead the planning meeting"}) {
			t.Fatalf("goals after the amendment: %q", got)
		}
	})
}

package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// answerFeedback has the mentor of rel ask for feedback and the mentee
// answer it with rating on every question.
func answerFeedback(tb testing.TB, e *mvtest.Env, mentor, mentee, rel string, rating int) {
	tb.Helper()
	fr, err := e.Svc.RequestFeedback(ctx, e.As(mentor), rel)
	if err != nil {
		tb.Fatal(err)
	}
	a := mentorvault.FeedbackAnswer{Ratings: map[string]int{}, Text: "cached feedback"}
	for _, q := range mentorvault.FeedbackQuestions {
		a.Ratings[q.Key] = rating
	}
	if err := e.Svc.AnswerFeedback(ctx, e.As(mentee), rel, fr.ID, a); err != nil {
		tb.Fatal(err)
	}
}

// TestFeedbackAggregatesCached checks that the programme's figures are
// opened once and then served from the cache, and stay right after new
// responses, an erased relationship and a change of k. Both people answer
// at each step, so that at k 2 every step releases the figures anew.
func TestFeedbackAggregatesCached(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		me := must[*service.Me](t)(e.Svc.Me(ctx, e.As("carol")))
		prog := me.Programmes[0].ID
		setK := func(k int) { e.SetK(t, prog, k) }
		setK(2)
		rel2 := activePair(t, e) // frank mentors heidi, in the same programme
		answerFeedback(t, e, "alice", "bob", e.Rel.ID, 4)
		answerFeedback(t, e, "frank", "heidi", rel2.ID, 2)
		view := func() ([]mentorvault.Aggregate, int64) {
			t.Helper()
			before := e.Txs.Lookups()
			aggs, _, err := e.Svc.FeedbackAggregates(ctx, e.As("carol"), prog)
			if err != nil {
				t.Fatal(err)
			}
			return aggs, e.Txs.Lookups() - before
		}
		cold, coldLookups := view()
		warm, warmLookups := view()
		if warmLookups >= coldLookups {
			t.Errorf("a second view with no new feedback made %d lookups, the first %d: the responses were opened again", warmLookups, coldLookups)
		}
		if !equalAggs(cold, warm) {
			t.Fatalf("cached figures differ: %+v, then %+v", cold, warm)
		}
		if cold[0].Withheld || cold[0].People != 2 {
			t.Fatalf("two people at k=2: %+v", cold)
		}

		// New responses from both (5 from bob, 1 from heidi) are counted
		// at the next view: the figures move.
		answerFeedback(t, e, "alice", "bob", e.Rel.ID, 5)
		answerFeedback(t, e, "frank", "heidi", rel2.ID, 1)
		after, _ := view()
		for i := range after {
			if after[i].Withheld || after[i].Mean == warm[i].Mean {
				t.Fatalf("after new responses from both, %s: %+v, before %+v", after[i].Key, after[i], warm[i])
			}
		}

		// Erasing frank and heidi's relationship takes heidi's answers
		// out again: one person is left, the figures are withheld.
		change(t, e, func(tx mentorvault.Tx) error { return tx.DestroyDataKey(ctx, rel2.ID, time.Now()) })
		erased, _ := view()
		for _, a := range erased {
			if !a.Withheld || a.Mean != 0 {
				t.Fatalf("after erasure only bob's answers are left, yet: %+v", a)
			}
		}

		// k is applied to cached figures too.
		setK(3)
		high, _ := view()
		for _, a := range high {
			if !a.Withheld || a.Mean != 0 {
				t.Fatalf("a figure below k was shown from the cache: %+v", a)
			}
		}
	})
}

func equalAggs(a, b []mentorvault.Aggregate) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkFeedbackAggregates is the coordinator's programme page figures
// over the demo's responses and 50 more, on each backend: a view with no new
// feedback since the last one.
func BenchmarkFeedbackAggregates(b *testing.B) {
	benchBackends(b, func(b *testing.B, e *mvtest.Env) {
		me, err := e.Svc.Me(ctx, e.As("carol"))
		if err != nil {
			b.Fatal(err)
		}
		prog := me.Programmes[0].ID
		for range 50 {
			answerFeedback(b, e, "alice", "bob", e.Rel.ID, 4)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, _, err := e.Svc.FeedbackAggregates(ctx, e.As("carol"), prog); err != nil {
				b.Fatal(err)
			}
		}
	})
}

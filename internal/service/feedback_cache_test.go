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
// opened once and then served from the cache, and stay right after a new
// response, an erased relationship and a change of k.
func TestFeedbackAggregatesCached(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		me := must[*service.Me](t)(e.Svc.Me(ctx, e.As("carol")))
		prog := me.Programmes[0].ID
		setK := func(k int) {
			pv := must[*service.ProgrammeView](t)(e.Svc.Programme(ctx, e.As("carol"), prog))
			st := pv.Settings
			st.KThreshold = k
			if _, err := e.Svc.UpdateProgrammeSettings(ctx, e.As("carol"), prog, st); err != nil {
				t.Fatal(err)
			}
		}
		setK(2)
		// Two people: bob (the demo's answer and this one) and heidi.
		answerFeedback(t, e, "alice", "bob", e.Rel.ID, 4)
		rel2 := activePair(t, e) // frank mentors heidi, in the same programme
		answerFeedback(t, e, "frank", "heidi", rel2.ID, 4)
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
			t.Fatalf("at k=2 with two people: %+v", cold)
		}

		// A new response (2 on every question, heidi's second) is counted
		// at the next view: one more response, the same two people, and
		// heidi's mean (4, then 2: 3) in place of her 4.
		answerFeedback(t, e, "frank", "heidi", rel2.ID, 2)
		after, _ := view()
		for i := range after {
			want := warm[i].Mean - 0.5 // (bob + 4)/2 → (bob + 3)/2
			if after[i].Responses != warm[i].Responses+1 || after[i].People != 2 || after[i].Mean-want > 1e-9 || want-after[i].Mean > 1e-9 {
				t.Fatalf("after a new response, %s: %d responses of %d people, mean %v; want %d of 2, %v", after[i].Key, after[i].Responses, after[i].People, after[i].Mean, warm[i].Responses+1, want)
			}
		}

		// Erasing that relationship takes heidi's responses out again: bob
		// alone is below k.
		change(t, e, func(tx mentorvault.Tx) error { return tx.DestroyDataKey(ctx, rel2.ID, time.Now()) })
		erased, _ := view()
		for _, a := range erased {
			if !a.Withheld || a.People != 1 || a.Responses != warm[0].Responses-1 {
				t.Fatalf("after erasure: %+v, want bob's responses alone, withheld", a)
			}
		}

		// k is applied to cached figures too: above the people, all withheld.
		setK(2)
		if again, _ := view(); !equalAggs(again, erased) {
			t.Fatalf("the same k again: %+v, want %+v", again, erased)
		}
		setK(warm[0].People + 1)
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

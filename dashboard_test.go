package mentorvault_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mentorvault/mentorvault"
)

func TestContributionsChanged(t *testing.T) {
	prev := mentorvault.Contributions{"a": "1", "b": "0", "c": "2"}
	for _, c := range []struct {
		cur  mentorvault.Contributions
		want int
	}{
		{mentorvault.Contributions{"a": "1", "b": "0", "c": "2"}, 0},
		{mentorvault.Contributions{"a": "1", "b": "1", "c": "2"}, 1},           // b's part changed
		{mentorvault.Contributions{"a": "1", "b": "0", "c": "2", "d": "1"}, 1}, // d joined
		{mentorvault.Contributions{"a": "1", "b": "0"}, 1},                     // c left
		{mentorvault.Contributions{"d": "1", "e": "1"}, 5},
	} {
		if got := c.cur.Changed(prev); got != c.want {
			t.Errorf("%v after %v: %d changed, want %d", c.cur, prev, got, c.want)
		}
	}
}

// TestReleaseSteps is the release rule on random histories: a figure is
// first released over at least k people, and after that only when at
// least k people's parts changed since the last release; so two
// consecutive releases never differ by fewer than k people.
func TestReleaseSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 200 {
		k := 2 + rng.IntN(5)
		cur := mentorvault.Contributions{}
		var last *mentorvault.DashboardRelease
		for step := range 60 {
			// One person joins, leaves or changes their part.
			id := fmt.Sprint("p", rng.IntN(3*k))
			switch rng.IntN(3) {
			case 0:
				delete(cur, id)
			default:
				cur[id] = fmt.Sprint(rng.IntN(3))
			}
			if !mentorvault.Release(last, cur, k) {
				if last == nil && len(cur) >= k {
					t.Fatalf("run %d step %d: no first release over %d people at k %d", run, step, len(cur), k)
				}
				continue
			}
			if len(cur) < k {
				t.Fatalf("run %d step %d: released over %d people at k %d", run, step, len(cur), k)
			}
			if last != nil && cur.Changed(last.People) < k {
				t.Fatalf("run %d step %d: released after %d changed, k %d", run, step, cur.Changed(last.People), k)
			}
			snap := mentorvault.Contributions{}
			for id, f := range cur {
				snap[id] = f
			}
			last = &mentorvault.DashboardRelease{People: snap}
		}
	}
}

package match

import (
	"math/rand/v2"
	"testing"
)

// randomProblem is n mentees and k mentors with capacities 0..3, scores
// 0..MaxPoints and about a fifth of the pairs forbidden.
func randomProblem(r *rand.Rand, n, k int) Problem {
	p := Problem{Score: make([][]int, n), Capacity: make([]int, k)}
	for j := range p.Capacity {
		p.Capacity[j] = r.IntN(4)
	}
	for i := range p.Score {
		p.Score[i] = make([]int, k)
		for j := range p.Score[i] {
			if r.IntN(5) == 0 {
				p.Score[i][j] = Forbidden
			} else {
				p.Score[i][j] = r.IntN(MaxPoints + 1)
			}
		}
	}
	return p
}

// valid reports whether a respects the hard rules: no forbidden pair, no
// mentor over capacity.
func valid(p Problem, a []int) bool {
	used := make([]int, len(p.Capacity))
	for i, j := range a {
		if j < 0 {
			continue
		}
		if j >= len(p.Capacity) || p.Score[i][j] == Forbidden {
			return false
		}
		used[j]++
		if used[j] > p.Capacity[j] {
			return false
		}
	}
	return true
}

// brute finds the best (matched, score) over every assignment.
func brute(p Problem, obj Objective) (bestMatched, bestScore int) {
	n := len(p.Score)
	a := make([]int, n)
	left := append([]int(nil), p.Capacity...)
	bestMatched, bestScore = -1, -1
	var rec func(i, matched, score int)
	rec = func(i, matched, score int) {
		if i == n {
			better := score > bestScore
			if obj == MaxMatched {
				better = matched > bestMatched || (matched == bestMatched && score > bestScore)
			}
			if better {
				bestMatched, bestScore = matched, score
			}
			return
		}
		a[i] = -1
		rec(i+1, matched, score)
		for j := range left {
			if left[j] > 0 && p.Score[i][j] != Forbidden {
				left[j]--
				a[i] = j
				rec(i+1, matched+1, score+p.Score[i][j])
				left[j]++
			}
		}
	}
	rec(0, 0, 0)
	return bestMatched, bestScore
}

// TestAssignOptimalAgainstBruteForce: on random small instances, the
// assignment keeps every hard rule and is as good as the best found by
// trying every assignment, for both objectives.
func TestAssignOptimalAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for it := range 3000 {
		p := randomProblem(r, 1+r.IntN(6), 1+r.IntN(4))
		for _, obj := range []Objective{MaxScore, MaxMatched} {
			a := Assign(p, obj)
			if len(a) != len(p.Score) || !valid(p, a) {
				t.Fatalf("instance %d %s: assignment %v breaks a hard rule\n%+v", it, obj, a, p)
			}
			gm, gs := Total(p, a)
			wm, ws := brute(p, obj)
			if obj == MaxScore && gs != ws {
				t.Fatalf("instance %d: score %d, best is %d\n%+v\n%v", it, gs, ws, p, a)
			}
			if obj == MaxMatched && (gm != wm || gs != ws) {
				t.Fatalf("instance %d: matched %d score %d, best is %d, %d\n%+v\n%v", it, gm, gs, wm, ws, p, a)
			}
		}
	}
}

// TestAssignObjectivesDiffer: one mentor who could take either mentee:
// maximising the score gives her to the better pair; a second mentor only
// the first mentee may have makes maximising the number matched move the
// first mentee to him.
func TestAssignObjectivesDiffer(t *testing.T) {
	p := Problem{Score: [][]int{{9000, 100}, {8000, Forbidden}}, Capacity: []int{1, 1}}
	if a := Assign(p, MaxScore); a[0] != 0 || a[1] != -1 {
		t.Fatalf("max score: %v", a)
	}
	if a := Assign(p, MaxMatched); a[0] != 1 || a[1] != 0 {
		t.Fatalf("max matched: %v", a)
	}
	if a := Assign(Problem{Score: [][]int{{Forbidden}}, Capacity: []int{5}}, MaxMatched); a[0] != -1 {
		t.Fatalf("a forbidden pair was used: %v", a)
	}
	if a := Assign(Problem{Score: [][]int{{10}, {20}}, Capacity: []int{0}}, MaxMatched); a[0] != -1 || a[1] != -1 {
		t.Fatalf("a mentor without capacity was used: %v", a)
	}
}

// BenchmarkAssign1000x1000 is the cohort: 1,000 mentees and 1,000
// mentors of capacity 1 to 2 (target: under 10 s on this machine).
func BenchmarkAssign1000x1000(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	p := randomProblem(r, 1000, 1000)
	for j := range p.Capacity {
		p.Capacity[j] = 1 + r.IntN(2)
	}
	// Contended: every mentee ranks the mentors nearly alike, so most
	// rows must displace others along long alternating paths.
	q := Problem{Score: make([][]int, 1000), Capacity: p.Capacity}
	for i := range q.Score {
		q.Score[i] = make([]int, 1000)
		for j := range q.Score[i] {
			q.Score[i][j] = min(MaxPoints, j*9+r.IntN(200))
		}
	}
	for _, obj := range []Objective{MaxScore, MaxMatched} {
		b.Run("contended-"+string(obj), func(b *testing.B) {
			for b.Loop() {
				if a := Assign(q, obj); !valid(q, a) {
					b.Fatal("invalid")
				}
			}
		})
	}
	for _, obj := range []Objective{MaxScore, MaxMatched} {
		b.Run("random-"+string(obj), func(b *testing.B) {
			for b.Loop() {
				a := Assign(p, obj)
				if !valid(p, a) {
					b.Fatal("invalid")
				}
			}
		})
	}
}

// Package match scores mentee–mentor pairs by a coordinator's weighted
// criteria under hard rules, and finds the cohort assignment that
// maximises the total score (or the number matched) within mentors'
// capacities.
package match

import "math"

// Objective is what an assignment maximises.
type Objective string

const (
	// MaxScore maximises the sum of the chosen pairs' scores; a mentee
	// whose every allowed pair scores 0 may stay unmatched.
	MaxScore Objective = "score"
	// MaxMatched maximises the number of mentees matched, and among
	// assignments that match as many, the total score.
	MaxMatched Objective = "matched"
)

// Problem is an assignment problem: Score[i][j] is mentee i with mentor j
// on 0..MaxPoints, or Forbidden when a hard rule rules the pair out;
// Capacity[j] is how many more mentees mentor j takes.
type Problem struct {
	Score    [][]int
	Capacity []int
}

// Forbidden marks a pair no assignment may contain.
const Forbidden = -1

// MaxPoints is the highest score of a pair.
const MaxPoints = 10000

// Assign returns, for each mentee, the index of its mentor or -1 for
// unmatched: an assignment optimal for the objective, never using a
// forbidden pair or more of a mentor than its capacity.
//
// It is the Hungarian method (Kuhn–Munkres with potentials, O(n²·m)) on a
// mentee × slot matrix: each mentor contributes one column per unit of
// capacity, capped at the number of mentees, and each mentee has its own
// "unmatched" column, so every mentee row is always assignable.
func Assign(p Problem, obj Objective) []int {
	n := len(p.Score)
	out := make([]int, n)
	for i := range out {
		out[i] = -1
	}
	if n == 0 {
		return out
	}
	var slots []int // column → mentor
	for j, c := range p.Capacity {
		for range min(c, n) {
			slots = append(slots, j)
		}
	}
	// The reward of matching anyone at all outweighs any sum of scores
	// under MaxMatched.
	bonus := int64(0)
	if obj == MaxMatched {
		bonus = int64(n+1) * MaxPoints
	}
	const never = math.MaxInt64 / 4
	m := len(slots) + n        // real slots, then one unmatched column per mentee
	cost := make([]int64, n*m) // row-major, mentee × column
	for i := range n {
		row := cost[i*m : (i+1)*m]
		for col, j := range slots {
			if s := p.Score[i][j]; s == Forbidden {
				row[col] = never
			} else {
				row[col] = -(int64(s) + bonus)
			}
		}
		for col := len(slots); col < m; col++ {
			row[col] = never
		}
		row[len(slots)+i] = 0
	}
	// e-maxx's Hungarian for an n × m matrix with n ≤ m, 1-indexed.
	u := make([]int64, n+1)
	v := make([]int64, m+1)
	match := make([]int, m+1) // column → row
	way := make([]int, m+1)
	minv := make([]int64, m+1)
	used := make([]bool, m+1)
	for i := 1; i <= n; i++ {
		match[0] = i
		j0 := 0
		for j := range minv {
			minv[j], used[j] = never, false
		}
		for {
			used[j0] = true
			i0, delta, j1 := match[j0], int64(never), 0
			row, ui := cost[(i0-1)*m:i0*m], u[i0]
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				cur := row[j-1] - ui - v[j]
				if cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[match[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if match[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			match[j0] = match[j1]
			j0 = j1
		}
	}
	for col := 1; col <= len(slots); col++ {
		if i := match[col]; i != 0 {
			out[i-1] = slots[col-1]
		}
	}
	return out
}

// Total is an assignment's number matched and sum of scores.
func Total(p Problem, a []int) (matched, score int) {
	for i, j := range a {
		if j >= 0 {
			matched++
			score += p.Score[i][j]
		}
	}
	return matched, score
}

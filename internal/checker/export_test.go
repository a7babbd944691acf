package checker

import "math"

// SetPrefilter turns the keyword prefilters off (or back on), so that tests
// can check they never change a result.
func SetPrefilter(on bool) { prefilter = on }

// SetModel turns the judgement model off (or back on), so that tests can
// measure the rules alone.
func SetModel(on bool) { useModel = on }

// ModelScore is the judgement model's probability for a sentence.
func ModelScore(s string) float64 {
	toks := tokenize(s)
	m := judgementModel
	z := m.bias
	for _, f := range features(s, toks) {
		z += m.w[f.name]
	}
	if v := dense(toks); v != nil && m.u != nil {
		for k, x := range v {
			z += m.u[k] * x
		}
	}
	return 1 / (1 + math.Exp(-z))
}

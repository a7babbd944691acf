package checker

// SetPrefilter turns the keyword prefilters off (or back on), so that tests
// can check they never change a result.
func SetPrefilter(on bool) { prefilter = on }

// SetModel turns the judgement model off (or back on), so that tests can
// measure the rules alone.
func SetModel(on bool) { useModel = on }

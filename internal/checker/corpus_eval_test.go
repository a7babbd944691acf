package checker_test

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/checker"
)

// The labelled corpus (testdata/corpus.tsv, issue 18) measures what the
// checker recognises: judgements of the person as an employee, kept items
// said in other words, and clean advocacy that must pass. The test set is
// fixed by a rule (inTestSet), so it cannot be chosen; rules are tuned on
// the development set only.

// Targets on the test set (issue 18).
const (
	minJudgementRecall = 0.95
	minKeptRecall      = 0.90
	maxCleanFlagged    = 0.05
)

type labelled struct {
	line int
	kind string // judgement, kept or clean
	kept []string
	text string
}

// inTestSet: FNV-1a 32 of the text divisible by 3, about a third of the
// corpus, independent of order and of anything the rules look at.
func inTestSet(text string) bool {
	h := fnv.New32a()
	h.Write([]byte(text))
	return h.Sum32()%3 == 0
}

func loadCorpus(tb testing.TB) (dev, test []labelled) {
	tb.Helper()
	for _, l := range loadLabelled(tb, "testdata/corpus.tsv") {
		if inTestSet(l.text) {
			test = append(test, l)
		} else {
			dev = append(dev, l)
		}
	}
	return dev, test
}

// loadFresh reads the fresh held-out set (testdata/fresh.tsv), written after
// the rules and never tuned on; its figures are reported, not enforced.
func loadFresh(tb testing.TB) []labelled {
	tb.Helper()
	return loadLabelled(tb, "testdata/fresh.tsv")
}

func loadLabelled(tb testing.TB, path string) []labelled {
	tb.Helper()
	var out []labelled
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	seen := map[string]bool{}
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			tb.Fatalf("%s:%d: %d columns, want 3", path, n, len(cols))
		}
		l := labelled{line: n, kind: cols[0], text: cols[2]}
		if cols[1] != "" {
			l.kept = strings.Split(cols[1], "|")
		}
		switch {
		case l.kind != "judgement" && l.kind != "kept" && l.kind != "clean":
			tb.Fatalf("%s:%d: unknown kind %q", path, n, l.kind)
		case l.kind == "kept" && len(l.kept) == 0:
			tb.Fatalf("%s:%d: a kept statement names no kept item", path, n)
		case seen[l.text]:
			tb.Fatalf("%s:%d: duplicate statement %q", path, n, l.text)
		}
		seen[l.text] = true
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// scores are the corpus figures of one set.
type scores struct {
	n                          map[string]int // statements per kind
	perfFlagged, perfRight     int            // statements with a performance finding; of them, judgements
	keptFlagged, keptRight     int            // statements with a kept-item finding; of them, kept statements
	judgementsFound, keptFound int
	cleanFlagged               int
	misses                     []string // what went wrong, for the development set's log
}

func (s scores) judgementRecall() float64    { return ratio(s.judgementsFound, s.n["judgement"]) }
func (s scores) judgementPrecision() float64 { return ratio(s.perfRight, s.perfFlagged) }
func (s scores) keptRecall() float64         { return ratio(s.keptFound, s.n["kept"]) }
func (s scores) keptPrecision() float64      { return ratio(s.keptRight, s.keptFlagged) }
func (s scores) cleanRate() float64          { return ratio(s.cleanFlagged, s.n["clean"]) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func score(set []labelled) scores {
	s := scores{n: map[string]int{}}
	for _, l := range set {
		s.n[l.kind]++
		r := checker.Check(checker.Input{Text: l.text, KeptItems: l.kept, Terms: advocacy, Author: mentor, Recipient: hr, At: now})
		var perf, kept []string
		for _, f := range r.Findings {
			switch f.Kind {
			case checker.KindPerformance:
				perf = append(perf, f.Match)
			case checker.KindKeptItem:
				kept = append(kept, f.Match)
			}
		}
		if len(perf) > 0 {
			s.perfFlagged++
		}
		if len(kept) > 0 {
			s.keptFlagged++
		}
		switch l.kind {
		case "judgement":
			if len(perf) > 0 {
				s.judgementsFound++
				s.perfRight++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("line %d: judgement missed: %s", l.line, l.text))
			}
		case "kept":
			if len(kept) > 0 {
				s.keptFound++
				s.keptRight++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("line %d: kept item %q missed: %s", l.line, l.kept, l.text))
			}
		case "clean":
			if len(perf)+len(kept) > 0 {
				s.cleanFlagged++
				s.misses = append(s.misses, fmt.Sprintf("line %d: clean flagged (%q %q): %s", l.line, perf, kept, l.text))
			}
		}
		if l.kind != "judgement" && len(perf) > 0 && l.kind != "clean" {
			s.misses = append(s.misses, fmt.Sprintf("line %d: %s statement flagged as performance %q: %s", l.line, l.kind, perf, l.text))
		}
		if l.kind != "kept" && len(kept) > 0 && l.kind != "clean" {
			s.misses = append(s.misses, fmt.Sprintf("line %d: %s statement flagged as kept item %q: %s", l.line, l.kind, kept, l.text))
		}
	}
	return s
}

func (s scores) String() string {
	return fmt.Sprintf("judgements (%d): recall %.1f%%, precision %.1f%%; kept items (%d): recall %.1f%%, precision %.1f%%; clean (%d): %.1f%% flagged",
		s.n["judgement"], 100*s.judgementRecall(), 100*s.judgementPrecision(),
		s.n["kept"], 100*s.keptRecall(), 100*s.keptPrecision(), s.n["clean"], 100*s.cleanRate())
}

// TestCorpusTargets measures the checker on the labelled corpus and fails
// when the test set misses issue 18's targets. Only the development set's
// misses are logged: the rules are tuned on it, never on the test set.
func TestCorpusTargets(t *testing.T) {
	dev, test := loadCorpus(t)
	if len(dev)+len(test) < 300 {
		t.Fatalf("the corpus has %d statements, want at least 300", len(dev)+len(test))
	}
	d, s := score(dev), score(test)
	t.Logf("development set, %d statements: %v", len(dev), d)
	for _, m := range d.misses {
		t.Log("  dev " + m)
	}
	t.Logf("test set, %d statements: %v", len(test), s)
	fresh := loadFresh(t)
	t.Logf("fresh held-out set (reported, not enforced; used to find bugs, no longer blind), %d statements: %v", len(fresh), score(fresh))
	fresh2 := loadLabelled(t, "testdata/fresh2.tsv")
	t.Logf("second fresh held-out set (reported, not enforced; its misses were looked at, no longer blind), %d statements: %v", len(fresh2), score(fresh2))
	fresh3 := loadLabelled(t, "testdata/fresh3.tsv")
	t.Logf("third fresh held-out set (reported, not enforced; its misses were looked at, no longer blind), %d statements: %v", len(fresh3), score(fresh3))
	fresh4 := loadLabelled(t, "testdata/fresh4.tsv")
	t.Logf("fourth fresh held-out set (reported, not enforced; not trained or tuned on, but read on branch checker2 before the training set was written), %d statements: %v", len(fresh4), score(fresh4))
	for _, b := range blindSets {
		set := loadLabelled(t, b.path)
		t.Logf("%s (reported, not enforced; see blindSets), %d statements: %v", b.name, len(set), score(set))
	}
	for _, x := range rounds {
		set := together(t, x)
		t.Logf("%sa–c together (reported, not enforced), %d statements: %v", x, len(set), score(set))
	}
	kd := loadLabelled(t, "testdata/kept-dev.tsv")
	t.Logf("kept-item development set (tuned on; reported, not enforced), %d statements: %v", len(kd), score(kd))
	checker.SetModel(false)
	for _, b := range append([]struct{ name, path string }{{"fresh4", "testdata/fresh4.tsv"}}, blindSets...) {
		set := loadLabelled(t, b.path)
		t.Logf("%s, rules alone (the model off): %v", b.name, score(set))
	}
	for _, x := range rounds {
		t.Logf("%sa–c together, rules alone (the model off): %v", x, score(together(t, x)))
	}
	checker.SetModel(true)
	if r := s.judgementRecall(); r < minJudgementRecall {
		t.Errorf("test set: judgement recall %.1f%%, want at least %.0f%%", 100*r, 100*minJudgementRecall)
	}
	if r := s.keptRecall(); r < minKeptRecall {
		t.Errorf("test set: kept-item recall %.1f%%, want at least %.0f%%", 100*r, 100*minKeptRecall)
	}
	if r := s.cleanRate(); r > maxCleanFlagged {
		t.Errorf("test set: %.1f%% of clean statements flagged, want at most %.0f%%", 100*r, 100*maxCleanFlagged)
	}
	for _, k := range []string{"judgement", "kept", "clean"} {
		if s.n[k] < 20 {
			t.Errorf("the test set has %d %s statements, too few to measure", s.n[k], k)
		}
	}
}

// blindSets were never read by lrgen and never tuned on before they were
// measured: blind5 and blind6 were written on branch checker2 before the
// judgement model and its training set, blind7 before its last change.
// blind8a–c were written in a later stop by three sessions that saw only a
// description of the three kinds and a style each — never the checker,
// its lexicons, its training data or the other sets — committed unread and
// measured once. blind9a–c were written the same way (and told not to copy
// the prompt's examples) after blind 8 was measured, committed unread, and
// measured once after the changes blind 8 prompted; blind10a–c and
// blind11a–c likewise, after the changes blind 9 and blind 10 prompted,
// blind12a–c after the changes blind 11 prompted, blind13a–c after
// those blind 12 prompted, blind14a–c after those blind 13 prompted, and
// blind15a–c after those blind 14 prompted, and blind16a–c after those
// blind 15 prompted. Every one of these rounds has since been read and
// used; its figure measured once, before that, is in docs/checker.md.
var blindSets = []struct{ name, path string }{
	{"blind5", "testdata/blind5.tsv"},
	{"blind6", "testdata/blind6.tsv"},
	{"blind7", "testdata/blind7.tsv"},
	{"blind8a", "testdata/blind8a.tsv"},
	{"blind8b", "testdata/blind8b.tsv"},
	{"blind8c", "testdata/blind8c.tsv"},
	{"blind9a", "testdata/blind9a.tsv"},
	{"blind9b", "testdata/blind9b.tsv"},
	{"blind9c", "testdata/blind9c.tsv"},
	{"blind10a", "testdata/blind10a.tsv"},
	{"blind10b", "testdata/blind10b.tsv"},
	{"blind10c", "testdata/blind10c.tsv"},
	{"blind11a", "testdata/blind11a.tsv"},
	{"blind11b", "testdata/blind11b.tsv"},
	{"blind11c", "testdata/blind11c.tsv"},
	{"blind12a", "testdata/blind12a.tsv"},
	{"blind12b", "testdata/blind12b.tsv"},
	{"blind12c", "testdata/blind12c.tsv"},
	{"blind13a", "testdata/blind13a.tsv"},
	{"blind13b", "testdata/blind13b.tsv"},
	{"blind13c", "testdata/blind13c.tsv"},
	{"blind14a", "testdata/blind14a.tsv"},
	{"blind14b", "testdata/blind14b.tsv"},
	{"blind14c", "testdata/blind14c.tsv"},
	{"blind15a", "testdata/blind15a.tsv"},
	{"blind15b", "testdata/blind15b.tsv"},
	{"blind15c", "testdata/blind15c.tsv"},
	{"blind16a", "testdata/blind16a.tsv"},
	{"blind16b", "testdata/blind16b.tsv"},
	{"blind16c", "testdata/blind16c.tsv"},
}

// rounds are the blind rounds of three sets each, reported together too.
var rounds = []string{"blind8", "blind9", "blind10", "blind11", "blind12", "blind13", "blind14", "blind15", "blind16"}

// together is the sets of one round (blind8, blind9, blind10) as one.
func together(tb testing.TB, round string) []labelled {
	var all []labelled
	for _, b := range blindSets {
		if r := strings.TrimRight(b.name, "abc"); r == round {
			all = append(all, loadLabelled(tb, b.path)...)
		}
	}
	return all
}

// BenchmarkCorpus reports the corpus figures as benchmark metrics, so that
// `make bench` (internal/benchreport) prints them beside the timings: the
// time is that of checking every statement of the corpus once.
func BenchmarkCorpus(b *testing.B) {
	dev, test := loadCorpus(b)
	for b.Loop() {
		score(dev)
		score(test)
	}
	sets := []struct {
		name string
		set  []labelled
	}{
		{"dev", dev}, {"test", test}, {"fresh", loadFresh(b)},
		{"fresh2", loadLabelled(b, "testdata/fresh2.tsv")}, {"fresh3", loadLabelled(b, "testdata/fresh3.tsv")},
		{"fresh4", loadLabelled(b, "testdata/fresh4.tsv")},
	}
	for _, bs := range blindSets {
		sets = append(sets, struct {
			name string
			set  []labelled
		}{bs.name, loadLabelled(b, bs.path)})
	}
	for _, x := range rounds {
		sets = append(sets, struct {
			name string
			set  []labelled
		}{x, together(b, x)})
	}
	sets = append(sets, struct {
		name string
		set  []labelled
	}{"kept-dev", loadLabelled(b, "testdata/kept-dev.tsv")})
	for _, x := range sets {
		s := score(x.set)
		b.ReportMetric(100*s.judgementRecall(), x.name+"-judgement-recall-%")
		b.ReportMetric(100*s.judgementPrecision(), x.name+"-judgement-precision-%")
		b.ReportMetric(100*s.keptRecall(), x.name+"-kept-recall-%")
		b.ReportMetric(100*s.keptPrecision(), x.name+"-kept-precision-%")
		b.ReportMetric(100*s.cleanRate(), x.name+"-clean-flagged-%")
	}
	b.ReportMetric(float64(len(dev)), "dev-statements")
	b.ReportMetric(float64(len(test)), "test-statements")
}

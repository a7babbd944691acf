package checker

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// The kept-item concept lexicon (lexicon/kept.txt), embedded at build time
// and read once at start-up: a few kilobytes of hand-curated synonyms,
// abbreviations, related and narrower terms, compared by stem.

//go:embed lexicon/kept.txt
var keptLexicon string

// concepts is the lexicon, read.
type concepts struct {
	names  []string     // by concept number
	terms  [][][]string // each concept's terms, as stem sequences
	byTerm map[string][]int
	maxLen int // the most words a term has
}

var lexicon = mustReadConcepts(keptLexicon)

func mustReadConcepts(text string) *concepts {
	c, err := readConcepts(text)
	if err != nil {
		panic("checker: lexicon/kept.txt: " + err.Error())
	}
	return c
}

func readConcepts(text string) (*concepts, error) {
	c := &concepts{byTerm: map[string][]int{}}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, list, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("line %d: want \"name: term, term\"", n+1)
		}
		id := len(c.names)
		c.names = append(c.names, strings.TrimSpace(name))
		c.terms = append(c.terms, nil)
		seen := map[string]bool{}
		for _, term := range strings.Split(list, ",") {
			stems := stemsOf(tokenize(term))
			if len(stems) == 0 {
				return nil, fmt.Errorf("line %d: empty term", n+1)
			}
			key := strings.Join(stems, " ")
			if seen[key] {
				continue
			}
			seen[key] = true
			c.terms[id] = append(c.terms[id], stems)
			c.byTerm[key] = append(c.byTerm[key], id)
			c.maxLen = max(c.maxLen, len(stems))
		}
	}
	return c, nil
}

// longestTerm finds the longest term that toks start with, word for word,
// and the concepts it is a term of.
func (c *concepts) longestTerm(toks []token) (int, []int) {
	for n := min(c.maxLen, len(toks)); n > 0; n-- {
		if ids := c.byTerm[strings.Join(stemsOf(toks[:n]), " ")]; len(ids) > 0 {
			return n, ids
		}
	}
	return 0, nil
}

// WordNet's relatives of the words of a kept item (lexicon/kept-wordnet.txt.gz,
// written by wnkept from WordNet 3.0): for a word no concept holds, or
// beside one, the other words for the same thing, narrower terms of a
// matter of a person's life and derived forms ("fracture" for "injury",
// "examination" for "exam", "therapist" for "therapy").
//
//go:generate go run ./wnkept -wordnet /usr/share/wordnet -vectors lexicon/vectors.bin -o lexicon/kept-wordnet.txt.gz
//go:embed lexicon/kept-wordnet.txt.gz
var keptWordnetGz []byte

// relative is one word WordNet relates to a kept item's word.
type relative struct {
	stems []string
	via   string // for the explanation: "“fracture”, a kind of injury in WordNet"
}

// relatives maps a word's stem to its WordNet relatives, read on first use
// (about 10,000 words).
var relatives = sync.OnceValue(func() map[string][]relative {
	out := map[string][]relative{}
	for _, line := range strings.Split(gunzip(keptWordnetGz), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 3 {
			panic("checker: lexicon/kept-wordnet.txt.gz: bad line " + line)
		}
		key := stem(cols[0])
		for _, col := range cols[2:] {
			kind, terms, _ := strings.Cut(col, ":")
			for _, term := range strings.Split(terms, ",") {
				stems := stemsOf(tokenize(term))
				if len(stems) == 0 || strings.Join(stems, " ") == key {
					continue
				}
				var via string
				switch kind {
				case "s":
					via = fmt.Sprintf("“%s”, another word for %s in WordNet", term, cols[0])
				case "n":
					via = fmt.Sprintf("“%s”, a kind of %s in WordNet", term, cols[0])
				default:
					via = fmt.Sprintf("“%s”, a form of %s in WordNet", term, cols[0])
				}
				out[key] = append(out[key], relative{stems: stems, via: via})
			}
		}
	}
	return out
})

package checker

import (
	_ "embed"
	"fmt"
	"strings"
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

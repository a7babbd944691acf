package checker

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence splitting. A sentence ends at a line break, or at '.', '!', '?'
// or '…' followed by white space or the end of the text (closing quotes and
// brackets stay with the sentence they close). A full stop after a known
// abbreviation ("e.g.", "Dr.", "etc." before a lower-case word), after an
// initial ("J. Smith") or after a list number ("1.") does not end one; nor
// does a full stop inside a token ("3.5", "example.org").

// Abbreviations that never end a sentence (titles and Latin shorthands).
var neverEnds = map[string]bool{
	"e.g": true, "i.e": true, "eg": true, "ie": true, "cf": true, "vs": true, "viz": true,
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true,
	"approx": true, "incl": true, "fig": true, "esp": true, "resp": true,
}

// Abbreviations that end a sentence only when the next word starts with a
// capital letter or a digit.
var endsBeforeCapital = map[string]bool{
	"etc": true, "a.m": true, "p.m": true, "inc": true, "ltd": true, "co": true,
	"dept": true, "jr": true, "sr": true, "no": true, "nos": true, "al": true,
}

const closers = "\"'”’)]»"

// splitSentences returns the sentences of text, each trimmed of white space
// and each a substring of text, in order. Pieces without a letter or digit
// are dropped.
func splitSentences(text string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		s := strings.TrimFunc(text[start:end], unicode.IsSpace)
		if hasWordRune(s) {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '\n', '\r', '\u2028', '\u2029', '\u0085':
			emit(i)
			i += w
			start = i
			continue
		case '.', '!', '?', '…':
			j := i + w
			dots := 1
			for j < len(text) {
				r2, w2 := utf8.DecodeRuneInString(text[j:])
				if r2 == '.' || r2 == '!' || r2 == '?' || r2 == '…' {
					dots++
				} else if !strings.ContainsRune(closers, r2) {
					break
				}
				j += w2
			}
			if j < len(text) {
				if r2, _ := utf8.DecodeRuneInString(text[j:]); !unicode.IsSpace(r2) {
					i = j
					continue
				}
			}
			if !endsHere(text[start:i], r, dots, text[j:]) {
				i = j
				continue
			}
			emit(j)
			i = j
			continue
		}
		i += w
	}
	emit(len(text))
	return out
}

// endsHere decides whether a terminator ends the sentence, given the text
// of the sentence so far (before the terminator) and the text after it.
func endsHere(before string, term rune, count int, after string) bool {
	if !hasLetter(before) {
		return false // "1." or "..." at the start of a line: a list marker
	}
	next := nextWordStart(after)
	capitalNext := next == 0 || unicode.IsUpper(next) || unicode.IsDigit(next) || !unicode.IsLetter(next)
	if term == '…' || count > 1 {
		return capitalNext // "she grew... a lot" stays one sentence
	}
	if term != '.' {
		return true
	}
	word := lastWord(before)
	lw := strings.ToLower(word)
	switch {
	case neverEnds[lw]:
		return false
	case (lw == "no" || lw == "nos") && unicode.IsDigit(next):
		return false // "No. 5"
	case endsBeforeCapital[lw]:
		return capitalNext
	case utf8.RuneCountInString(word) == 1:
		r, _ := utf8.DecodeRuneInString(word)
		if unicode.IsUpper(r) && next != 0 && unicode.IsUpper(next) {
			return false // an initial: "J. Smith"
		}
	}
	return true
}

// lastWord is the run of letters and inner dots that ends before.
func lastWord(before string) string {
	end := len(before)
	i := end
	for i > 0 {
		r, w := utf8.DecodeLastRuneInString(before[:i])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		i -= w
	}
	return strings.Trim(before[i:end], ".")
}

// nextWordStart is the first letter or digit after white space and opening
// punctuation, or 0 at the end of the text.
func nextWordStart(after string) rune {
	for _, r := range after {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		if !unicode.IsSpace(r) && !strings.ContainsRune("\"'“‘([«-–—", r) {
			return r
		}
	}
	return 0
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func hasWordRune(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

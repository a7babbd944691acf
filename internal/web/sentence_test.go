package web

import "testing"

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"the email or password is not correct":  "The email or password is not correct.",
		"already a sentence.":                   "Already a sentence.",
		"the notice is not valid: effective_at": "The notice is not valid: effective_at.",
		"why?":                                  "Why?",
		"":                                      "",
		"  élan ":                               "Élan.",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

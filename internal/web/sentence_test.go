package web

import (
	"strings"
	"testing"
)

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

func TestAgreementHTMLReference(t *testing.T) {
	got := string(agreementHTML("# Confidentiality agreement, version 2\n\nRelationship: 01abc\n\n- Mentor: Alice\n"))
	title, rest, _ := strings.Cut(got, "</h1>")
	if strings.Contains(title+rest[:min(len(rest), 40)], "01abc") || !strings.Contains(got, "Reference: 01abc") || !strings.Contains(got, "Mentor: Alice") {
		t.Fatalf("rendered:\n%s", got)
	}
}

package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryRelationshipActionHasWords reads the service's code for the
// actions it audits and checks that each one a relationship's access log
// can show has words of its own, so the pair never read a code.
func TestEveryRelationshipActionHasWords(t *testing.T) {
	files, err := filepath.Glob("../service/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no service sources: %v", err)
	}
	// Actions that are never on a relationship's log: the organisation's,
	// an account's, a programme's, the anonymous consultations'.
	outside := []string{"login", "logout", "people.", "org.", "scim.", "token.", "user.", "password.", "passkey.", "recovery.",
		"mfa.", "account.", "invitation.", "programme.", "enrolment.", "calendar.feed.", "consultation.", "feedback.aggregate"}
	re := regexp.MustCompile(`(?:event\{|s\.record\([^,]+, [^,]+, [^,]+, )"([a-z_]+\.[a-z_.]+|login|logout)"`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			a := m[1]
			skip := strings.HasSuffix(a, ".") // a family completed at run time, listed below
			for _, p := range outside {
				skip = skip || strings.HasPrefix(a, p) || a == p
			}
			if skip {
				continue
			}
			seen++
			if _, ok := actionWords[a]; !ok {
				t.Errorf("%s audits %q, which has no words for the access log", filepath.Base(f), a)
			}
		}
	}
	// The families completed at run time.
	for _, a := range []string{"relationship.accept", "relationship.decline", "relationship.withdraw", "relationship.pause", "relationship.resume",
		"relationship.close", "statement.approve", "statement.changes", "statement.refuse", "threeway.held", "threeway.cancelled"} {
		if _, ok := actionWords[a]; !ok {
			t.Errorf("%q has no words for the access log", a)
		}
	}
	if seen < 40 {
		t.Fatalf("found only %d audited actions: the pattern no longer matches the code", seen)
	}
}

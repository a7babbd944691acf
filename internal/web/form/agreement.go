package form

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/mentorvault/mentorvault"
)

// Review is a review of the agreement: do its expectations still hold
// (answer), notes, and whether to amend it now (amend "yes").
type Review struct {
	Answer, Notes string
	Amend         bool
}

// ParseReview reads an agreement review's form (answer, notes, amend).
func ParseReview(v url.Values) (Review, Problems) {
	return Review{Answer: v.Get("answer"), Notes: v.Get("notes"), Amend: v.Get("amend") == "yes"}, nil
}

// RowCount is how many rows of a repeated part the agreement editor posted
// (clause_rows, kept_rows, exception_rows): 0 unless a count, and never
// more than the agreement may hold and a few blank rows.
func RowCount(v url.Values, name string) int {
	n, err := strconv.Atoi(v.Get(name))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, mentorvault.MaxAgreementItems+10)
}

// Int reads a whole number typed into field: 0 when blank, and a problem
// keyed by field when it is not a number.
func Int(s, field string, p Problems) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		p[field] = "must be a whole number"
	}
	return n
}

// ScanRow parses a row's field path, "clauses[2].recipient" for prefix
// "clauses", into its row and field; ok is false for any other path.
func ScanRow(key, prefix string) (row int, field string, ok bool) {
	rest, ok := strings.CutPrefix(key, prefix+"[")
	if !ok {
		return 0, "", false
	}
	num, field, ok := strings.Cut(rest, "].")
	if !ok {
		return 0, "", false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || strconv.Itoa(n) != num {
		return 0, "", false
	}
	return n, field, true
}

package mentorvault

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ValidateText checks a multi-line free-text field (a note, a commitment, a
// concern, a statement, a question …): valid UTF-8, no control characters
// other than tab, line feed and carriage return (see CleanText), not blank,
// and at most max bytes. The error names the field ("the reply is not
// valid") and carries its problem under field. Returns EINVALID.
func ValidateText(field, s string, max int) error {
	return validate(field, s, max, textProblem(s, true))
}

// ValidateLine checks a single-line field (a name, a title, a token name, a
// purpose, a location …): as ValidateText, but no control character at all
// — not even a tab or a line break. Returns EINVALID.
func ValidateLine(field, s string, max int) error {
	return validate(field, s, max, textProblem(s, false))
}

// ValidateLines checks single-line values that may be empty — IDs, emails,
// enums, optional names — given as pairs of field name and value: each must
// be valid UTF-8 without control characters, so that a NUL or a bell never
// reaches the database (PostgreSQL cannot store NUL) or a log. Whether a
// value is a known enum or an existing ID is the caller's check. Returns
// EINVALID naming every bad field.
func ValidateLines(pairs ...string) error {
	var fields map[string]string
	first := ""
	for i := 0; i+1 < len(pairs); i += 2 {
		if msg := textProblem(pairs[i+1], false); msg != "" {
			if fields == nil {
				fields, first = map[string]string{}, pairs[i]
			}
			fields[pairs[i]] = msg
		}
	}
	if fields != nil {
		return Invalid("the "+strings.ReplaceAll(first, "_", " ")+" is not valid", fields)
	}
	return nil
}

// ValidateTime checks a date the caller gives (a meeting time, a deadline, a
// due or effective date): zero is the caller's to refuse or allow, anything
// else must fall in the years MinYear to MaxYear — year 0 or 1970 is a
// mistake, never a plan. Returns EINVALID with the field.
func ValidateTime(field string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if y := t.UTC().Year(); y < MinYear || y > MaxYear {
		return Invalid("the "+strings.ReplaceAll(field, "_", " ")+" is not valid",
			map[string]string{field: fmt.Sprintf("must be a date between %d and %d", MinYear, MaxYear)})
	}
	return nil
}

// The plausible range of a date given as input.
const (
	MinYear = 2000
	MaxYear = 2100
)

// CleanText reports whether s is valid UTF-8 whose only control characters
// are tab, line feed and carriage return: no other C0 control, no DEL, no C1
// control (U+0080–U+009F).
func CleanText(s string) bool { return textProblem(s, true) == "" }

// CleanLine reports whether s is valid UTF-8 without any control character.
func CleanLine(s string) bool { return textProblem(s, false) == "" }

// TextProblem says in words what is wrong with the characters of s — a
// line (multiline false: no control character at all) or a text (tab, line
// feed and carriage return allowed) — or "" when nothing is: the message
// ValidateText, ValidateLine and ValidateLines give the field.
func TextProblem(s string, multiline bool) string { return textProblem(s, multiline) }

// textProblem says what is wrong with the characters of s, or "".
func textProblem(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8 text"
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			if multiline && (r == '\t' || r == '\n' || r == '\r') {
				continue
			}
			if r == 0 {
				return "must not contain NUL characters"
			}
			if !multiline && (r == '\t' || r == '\n' || r == '\r') {
				return "must be a single line without tabs or line breaks"
			}
			return "must not contain control characters"
		}
	}
	return ""
}

func validate(field, s string, max int, msg string) error {
	switch {
	case msg != "":
	case strings.TrimSpace(s) == "":
		msg = "must not be empty"
	case len(s) > max:
		msg = "is too long (at most " + size(max) + ")"
	}
	if msg != "" {
		return Invalid("the "+strings.ReplaceAll(field, "_", " ")+" is not valid", map[string]string{field: msg})
	}
	return nil
}

// size says n bytes the way a limit is read: whole KiB when it is one.
func size(n int) string {
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

package mentorvault

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ValidateText checks a free-text field (a note, a commitment, a concern, a
// statement, a question …): valid UTF-8 without NUL characters, not blank,
// and at most max bytes. The error names the field ("the reply is not
// valid") and carries its problem under field. Returns EINVALID.
func ValidateText(field, s string, max int) error {
	msg := ""
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		msg = "must be valid UTF-8 text"
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

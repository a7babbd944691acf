package service

import (
	"fmt"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault/internal/auth"
)

// BreachedPasswordReason is the reason given for a password on the embedded
// list of passwords known from breaches.
const BreachedPasswordReason = "this password is on a list of passwords known from breaches; choose another"

// passwordProblem is what is wrong with a new password under the rules that
// apply wherever a password is set (invitation, change, reset, CLI), or "".
func passwordProblem(password string) string {
	if utf8.RuneCountInString(password) < MinPasswordLen || len(password) > maxPasswordBytes {
		return fmt.Sprintf("must be at least %d characters (and at most %d bytes)", MinPasswordLen, maxPasswordBytes)
	}
	if auth.Breached(password) {
		return BreachedPasswordReason
	}
	return ""
}

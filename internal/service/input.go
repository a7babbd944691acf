package service

import (
	"github.com/mentorvault/mentorvault"
)

// lines is the first check of a call that takes single-line values (IDs,
// emails, enums, names), given as pairs of field name and value: an
// anonymous caller is told to sign in before any value is judged, then a
// control character or invalid UTF-8 in any value is refused with its field,
// so that a NUL never reaches the database — PostgreSQL cannot store one and
// SQLite would — on either backend alike. Returns EUNAUTHENTICATED or EINVALID.
func lines(p mentorvault.Principal, pairs ...string) error {
	if p.Anonymous() {
		return mentorvault.Errorf(mentorvault.EUNAUTHENTICATED, "sign in to continue")
	}
	return mentorvault.ValidateLines(pairs...)
}

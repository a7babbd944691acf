package mentorvault

import (
	"context"
	"time"
)

// Account links are the single-use links mentorvault emails a person about
// their own account: a password reset, and the confirmation of a new email
// address. Only the SHA-256 of a link's token is stored; the link itself
// goes out once, sealed in the outbox until it is sent.

// Kinds of account link.
const (
	LinkPasswordReset = "password_reset" // sets a new password
	LinkEmailChange   = "email_change"   // confirms NewEmail as the person's address
)

// JobPasswordReset looks up the address a reset was asked for (RefID) and,
// if its account may reset, emails it a link: the request itself does the
// same work for every address, and this job the rest.
const JobPasswordReset = "password.reset"

// How long account links stay usable.
const (
	PasswordResetTTL = time.Hour
	EmailChangeTTL   = 24 * time.Hour
)

// AccountLink is one emailed link about a person's account.
type AccountLink struct {
	ID          string
	UserID      string
	Kind        string // LinkPasswordReset or LinkEmailChange
	TokenHash   []byte
	NewEmail    string // LinkEmailChange: the address it confirms (lower-case)
	CreatedByID string // the org admin who sent it; "" when the person asked
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time
	RevokedAt   *time.Time // replaced by a newer link, or withdrawn
}

// State says whether the link can be used at now (the states of an
// invitation, which works the same way).
func (l *AccountLink) State(now time.Time) InvitationState {
	switch {
	case l.UsedAt != nil:
		return InvitationUsed
	case l.RevokedAt != nil:
		return InvitationRevoked
	case !now.Before(l.ExpiresAt):
		return InvitationExpired
	}
	return InvitationOpen
}

// AccountLinkStore stores account links.
type AccountLinkStore interface {
	// CreateAccountLink stores l; ECONFLICT on a duplicate hash, EINVALID
	// for an unknown user.
	CreateAccountLink(ctx context.Context, l *AccountLink) error
	// FindAccountLinkByHash returns the link with this token hash, or ENOTFOUND.
	FindAccountLinkByHash(ctx context.Context, hash []byte) (*AccountLink, error)
	// FindOpenAccountLinks lists a user's links of kind that are neither
	// used nor revoked and expire after now, newest first.
	FindOpenAccountLinks(ctx context.Context, userID, kind string, now time.Time) ([]*AccountLink, error)
	// UseAccountLink marks an unused, unrevoked link used; ECONFLICT if it
	// was used or revoked meanwhile.
	UseAccountLink(ctx context.Context, id string, at time.Time) error
	// RevokeAccountLinks revokes a user's unused links of kind ("" for every kind).
	RevokeAccountLinks(ctx context.Context, userID, kind string, at time.Time) error
}

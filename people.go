package mentorvault

import (
	"context"
	"strings"
	"time"
)

// PeopleFilter selects a page of an organisation's people, ordered by name.
// Query, when set, keeps those whose name or email starts with it, ignoring
// case. Limit 0 takes the store's default page.
type PeopleFilter struct {
	OrgID  string
	Query  string
	Limit  int
	Offset int
}

// Page sizes of the people list.
const (
	DefaultPeoplePage = 50
	MaxPeoplePage     = 500
)

// SearchKey is the form of a name or search query the people list compares:
// trimmed and lower-cased, so a search ignores case.
func SearchKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// InvitationTTL is how long an invitation link stays usable.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation is a single-use link that lets a person set their password.
// Only the SHA-256 of its token is stored; the link is shown once.
type Invitation struct {
	ID          string
	UserID      string
	TokenHash   []byte
	CreatedByID string // the org admin who invited; "" from the operator CLI
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time
	RevokedAt   *time.Time
}

// InvitationState is what an invitation link can still do.
type InvitationState string

// Invitation states.
const (
	InvitationOpen    InvitationState = "open"
	InvitationUsed    InvitationState = "used"
	InvitationExpired InvitationState = "expired"
	InvitationRevoked InvitationState = "revoked"
)

// State says whether the invitation can be used at now.
func (i *Invitation) State(now time.Time) InvitationState {
	switch {
	case i.UsedAt != nil:
		return InvitationUsed
	case i.RevokedAt != nil:
		return InvitationRevoked
	case !now.Before(i.ExpiresAt):
		return InvitationExpired
	}
	return InvitationOpen
}

// Notification kinds of the people an org admin manages.
const (
	NotifyPartnerDeactivated = "relationship.partner_deactivated"
)

// PeopleStore stores what an org admin changes about people, and invitations.
type PeopleStore interface {
	// FindPeople lists a page of f's organisation's people by name.
	FindPeople(ctx context.Context, f PeopleFilter) ([]*User, error)
	// UpdateUser stores Email, Name, ManagerID, OrgAdmin and DisabledAt.
	// Returns ENOTFOUND, or ECONFLICT when the email is taken.
	UpdateUser(ctx context.Context, u *User) error
	// CreateUsers stores many new users at once (an import), managers
	// before the people they manage. Returns ECONFLICT if an email is taken.
	CreateUsers(ctx context.Context, us []*User) error
	// FindUsersByEmails returns the users, of any organisation, with these
	// (lower-case) emails; unknown emails are left out.
	FindUsersByEmails(ctx context.Context, emails []string) ([]*User, error)
	// CountOrgAdmins counts the organisation's active org admins.
	CountOrgAdmins(ctx context.Context, orgID string) (int, error)
	// LockOrgPeople holds the organisation's people until the transaction
	// ends, so that two admins' changes (the last admin, a manager cycle)
	// take turns on every instance.
	LockOrgPeople(ctx context.Context, orgID string) error
	// RevokeUserAPITokens revokes every API token of a user not yet revoked.
	RevokeUserAPITokens(ctx context.Context, userID string, at time.Time) error
	// CreateInvitation stores an invitation; ECONFLICT on a duplicate hash.
	CreateInvitation(ctx context.Context, inv *Invitation) error
	// FindInvitationByHash returns the invitation with this token hash, or ENOTFOUND.
	FindInvitationByHash(ctx context.Context, hash []byte) (*Invitation, error)
	// FindInvitations lists a user's invitations, newest first.
	FindInvitations(ctx context.Context, userID string) ([]*Invitation, error)
	// UseInvitation marks an open invitation used; ECONFLICT if it was used or revoked meanwhile.
	UseInvitation(ctx context.Context, id string, at time.Time) error
	// RevokeUserInvitations revokes a user's unused invitations.
	RevokeUserInvitations(ctx context.Context, userID string, at time.Time) error
}

// PauseForDeactivation pauses an active relationship because one of its
// parties was deactivated by an org admin. The admin is no party, so this is
// not one of the lifecycle table's actions; the parties resume it themselves
// once the person is back. It reports whether the status changed.
func (r *Relationship) PauseForDeactivation(now time.Time) bool {
	if r.Status != StatusActive {
		return false
	}
	r.Status, r.UpdatedAt = StatusPaused, now
	return true
}
